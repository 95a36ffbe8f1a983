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
const savedEnv = process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  if (savedEnv === undefined) delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
  else process.env.AWS_ENDPOINT_URL_CLOUDWATCH = savedEnv;
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
});
