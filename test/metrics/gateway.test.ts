/**
 * The CloudWatch gateway through the real SDK against the simulator: where it sends (AWS_ENDPOINT_URL_CLOUDWATCH
 * when no --endpoint-url), NextToken followed within one logical call, and an answer with values of the wrong type
 * read leniently (the bad datapoints dropped, the rest kept).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { createMetricsGateway } from '../../src/metrics/gateway.ts';
import type { MetricQuery } from '../../src/metrics/types.ts';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';

const OPEN = Date.UTC(2026, 0, 10, 8, 0, 0);
let sim: RunningSimulator | undefined;
const ENV_NAMES = ['AWS_ENDPOINT_URL_CLOUDWATCH', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_PROFILE'];
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  for (const name of ENV_NAMES) {
    const saved = savedEnv[name];
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
});

const cpu = (service: string): MetricQuery => ({
  id: `cpu_${service.replace(/-/g, '_')}`,
  namespace: 'AWS/ECS',
  metricName: 'CPUUtilization',
  dimensions: { ClusterName: 'prod', ServiceName: service },
  stat: 'Average',
  periodSeconds: 60,
});

async function start(faults?: Parameters<typeof startSimulator>[0] extends infer O ? O : never) {
  const scheduler = new VirtualScheduler(OPEN);
  sim = await startSimulator({
    scenario: 'demo',
    clock: new ManualClock(OPEN),
    wallClock: scheduler,
    throttling: false,
    ...(faults ?? {}),
  });
  return scheduler;
}

describe('the CloudWatch gateway', () => {
  it('goes to AWS_ENDPOINT_URL_CLOUDWATCH when no endpoint is given', async () => {
    const scheduler = await start();
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = sim?.url;
    const gateway = await createMetricsGateway({ simulator: true, budgetPerSecond: 100, scheduler });
    const points = await gateway.getMetricData([cpu('web')], { startMs: OPEN - 3600_000, endMs: OPEN });
    expect(points.get('cpu_web')?.length).toBeGreaterThan(50);
    expect(sim?.server.requestLog.list({ service: 'monitoring' })).toHaveLength(1);
  });

  it('drops datapoints whose value or time is not a number, keeping the rest', async () => {
    const scheduler = await start({
      faults: {
        bodies: [
          {
            operation: 'GetMetricData',
            set: {
              'MetricDataResults.0.Values.0': 'lots',
              'MetricDataResults.0.Values.1': null,
              'MetricDataResults.0.Timestamps.2': 'yesterday',
              'MetricDataResults.1': 'not a result',
            },
          },
        ],
      },
    });
    const gateway = await createMetricsGateway({
      endpoint: sim?.url,
      simulator: true,
      budgetPerSecond: 100,
      scheduler,
    });
    const points = await gateway.getMetricData([cpu('web'), cpu('api')], { startMs: OPEN - 600_000, endMs: OPEN });
    const web = points.get('cpu_web') ?? [];
    // Nine published minutes, three of them spoilt.
    expect(web.length).toBe(6);
    for (const point of web) {
      expect(Number.isFinite(point.value)).toBe(true);
      expect(point.at % 60_000).toBe(0);
    }
    expect(points.get('cpu_api')).toEqual([]);
  });

  it('refuses to guess a region: one sentence, no call', async () => {
    const scheduler = await start();
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    process.env.AWS_CONFIG_FILE = '/nonexistent/ecsdeck-test-aws-config';
    const refusal = await createMetricsGateway({ endpoint: sim?.url, budgetPerSecond: 1, scheduler }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toMatchObject({
      kind: 'invalid-request',
      sentence: 'No AWS region is set for CloudWatch: pass --region, or set AWS_REGION or a region in ~/.aws/config.',
    });
    expect(sim?.server.requestLog.list({ service: 'monitoring' })).toHaveLength(0);
  });
});
