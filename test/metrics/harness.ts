/**
 * The metrics client wired to a real simulator through the real @aws-sdk/client-cloudwatch, beside the ECS data
 * layer (test/poll/harness.ts), on the same virtual time: GetMetricData calls land in the simulator's request log
 * under service `monitoring`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../../src/lib/random.ts';
import { createMetricsGateway, type MetricsGatewayOptions } from '../../src/metrics/gateway.ts';
import { MetricsPoller } from '../../src/metrics/poller.ts';
import type { MetricsGateway } from '../../src/metrics/types.ts';
import type { StartSimulatorOptions } from '../../src/sim/index.ts';
import { type Harness, startHarness } from '../poll/harness.ts';

export interface MetricsHarness extends Harness {
  metricsGateway: MetricsGateway;
  metrics: MetricsPoller;
  /** GetMetricData calls the simulator received. */
  metricCalls(): { at: number; outcome: string }[];
}

export async function startMetricsHarness(
  options: {
    sim?: StartSimulatorOptions;
    gateway?: Partial<MetricsGatewayOptions>;
    wrap?: (g: MetricsGateway) => MetricsGateway;
  } = {},
): Promise<MetricsHarness> {
  const harness = await startHarness(options.sim ? { sim: options.sim } : {});
  const backoff = new SeededRandom(5);
  const created = await createMetricsGateway({
    endpoint: harness.sim.url,
    simulator: true,
    budgetPerSecond: 1,
    scheduler: harness.scheduler,
    random: () => backoff.next(),
    ...options.gateway,
  });
  const metricsGateway = options.wrap ? options.wrap(created) : created;
  harness.holdTimeFor(metricsGateway);
  const metrics = new MetricsPoller({ gateway: metricsGateway, store: harness.store, scheduler: harness.scheduler });
  const close = harness.close;
  return {
    ...harness,
    metricsGateway,
    metrics,
    metricCalls: () =>
      harness.sim.server.requestLog
        .list({ service: 'monitoring', operation: 'GetMetricData' })
        .map((entry) => ({ at: entry.at, outcome: entry.outcome })),
    close: async () => {
      metrics.stop();
      await close();
    },
  };
}

/** A scenario file of one cluster of `services` services (the large generator), for batching past 500 queries. */
export function manyServicesScenario(services: number): string {
  const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-metrics-'));
  const path = join(directory, 'many.json');
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      name: 'many',
      generator: 'large',
      parameters: {
        clusters: 1,
        instancesPerCluster: 40,
        servicesPerCluster: services,
        tasks: services,
        standaloneTasksPerCluster: 0,
        failingServices: 0,
        drainingInstances: 0,
        disconnectedAgents: 0,
        rollingServices: 0,
        warmupSeconds: 120,
      },
    }),
  );
  return path;
}
