import { DescribeServicesCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import { type RunningSimulator, ScenarioError, startSimulator } from '../../../src/sim/index.ts';

const OPEN_MS = Date.UTC(2025, 0, 15, 9, 0, 0);
const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

function client(url: string): ECSClient {
  return new ECSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

describe('startSimulator', () => {
  it('serves the demo on a free loopback port, on the clock it is given', async () => {
    const clock = new ManualClock(OPEN_MS);
    const simulator = await startSimulator({ clock, throttling: false });
    running.push(simulator);
    expect(simulator.scenarioName).toBe('demo');
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(simulator.url).not.toMatch(/:0$/);
    expect(simulator.model.now()).toBe(OPEN_MS);

    const ecs = client(simulator.url);
    const clusters = await ecs.send(new ListClustersCommand({}));
    expect(clusters.clusterArns?.map((arn) => arn.split('/').pop()).sort()).toEqual(['batch', 'prod', 'staging']);

    // Simulated time moves only with the clock: three minutes on, the api rollout has moved on too.
    const before = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
    clock.advance(240_000);
    const after = await ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['api'] }));
    const primaryRunning = (result: typeof before) =>
      result.services?.[0]?.deployments?.find((deployment) => deployment.status === 'PRIMARY')?.runningCount ?? -1;
    expect(primaryRunning(before)).toBe(0);
    expect(primaryRunning(after)).toBe(6);
    ecs.destroy();
  });

  it('replays the same story for the same seed', async () => {
    const describeAll = async (seed: number) => {
      const simulator = await startSimulator({ seed, clock: new ManualClock(OPEN_MS), throttling: false });
      running.push(simulator);
      const ecs = client(simulator.url);
      const result = await ecs.send(
        new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'api', 'payments', 'log-router'] }),
      );
      ecs.destroy();
      return JSON.stringify(result.services);
    };
    const first = await describeAll(9);
    expect(await describeAll(9)).toBe(first);
    expect(await describeAll(10)).not.toBe(first);
  });

  it('rejects a bad scenario with a ScenarioError and serves nothing', async () => {
    await expect(startSimulator({ scenario: 'nope', clock: new ManualClock(OPEN_MS) })).rejects.toBeInstanceOf(
      ScenarioError,
    );
    await expect(startSimulator({ speed: 0 })).rejects.toThrow('speed must be a positive number');
  });
});
