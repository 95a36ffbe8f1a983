/**
 * The metrics poller over the real CloudWatch SDK against the simulator, on virtual time: what it reads for the
 * focused cluster, in how many calls, how often, within its budget, and what it says when CloudWatch refuses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../src/domain/utilisation.ts';
import { SERVICES_WAIT_MS } from '../../src/metrics/poller.ts';
import type { MetricsGateway } from '../../src/metrics/types.ts';
import { START } from '../poll/harness.ts';
import { type MetricsHarness, manyServicesScenario, startMetricsHarness } from './harness.ts';

let harness: MetricsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function clusterArn(h: MetricsHarness, name: string): string {
  return h.sim.model.requireCluster(name).arn;
}

function serviceArn(h: MetricsHarness, cluster: string, name: string): string {
  const found = h.sim.model.findService(h.sim.model.requireCluster(cluster), name);
  if (!found) throw new Error(`no service ${name}`);
  return found.arn;
}

/** Starts the pollers focused on `cluster` and runs until every service of it has its utilisation read. */
async function focusAndRead(h: MetricsHarness, cluster: string): Promise<void> {
  const arn = clusterArn(h, cluster);
  h.monitor.start();
  h.monitor.focusCluster(arn);
  h.metrics.focusCluster(arn);
  h.metrics.start();
  const expected = [...h.sim.model.servicesOfCluster(h.sim.model.requireCluster(cluster))].length;
  await h.runUntil(() => {
    const state = h.store.getState();
    const read = [...state.serviceUtilisation.values()].filter((u) => u.fetched || u.problem).length;
    return read === expected && h.metricCalls().length > 0;
  });
  await h.metrics.idle();
}

interface RecordedWindow {
  startMs: number;
  endMs: number;
  queries: number;
}

/** The gateway, noting each GetMetricData call's window and number of queries into `windows`. */
function recordingInto(windows: RecordedWindow[]): (gateway: MetricsGateway) => MetricsGateway {
  return (gateway) => ({
    stats: () => gateway.stats(),
    budget: () => gateway.budget(),
    getMetricData: (queries, window, options) => {
      windows.push({ ...window, queries: queries.length });
      return gateway.getMetricData(queries, window, options);
    },
  });
}

const max = (points: readonly MetricPoint[] = []) => Math.max(...points.map((point) => point.value));

describe('the metrics poller on the demo', () => {
  it('reads CPU and memory of every prod service and the reservation in one call; payments memory reaches its limit', async () => {
    harness = await startMetricsHarness();
    const h = harness;
    await focusAndRead(h, 'prod');
    // 4 services x 2 series + 2 reservation series = 10 queries: one call.
    expect(h.metricCalls()).toHaveLength(1);
    const state = h.store.getState();
    const web = state.serviceUtilisation.get(serviceArn(h, 'prod', 'web'));
    expect(web?.cpu.length).toBeGreaterThan(50);
    expect(max(web?.memory)).toBeLessThan(90);
    expect(state.clusterReservation.get(clusterArn(h, 'prod'))?.cpu.length).toBeGreaterThan(0);
    // The payments release is OOM-killed a few minutes in: its busiest task's memory reaches the limit.
    const payments = serviceArn(h, 'prod', 'payments');
    await h.runUntil(() => max(h.store.getState().serviceUtilisation.get(payments)?.memory) >= 99, {
      deadlineMs: 20_000,
      stepMs: 1000,
    });
    expect(h.metricCalls().every((call) => call.outcome === 'ok')).toBe(true);
  });

  it('waits for a newly focused cluster to have its services listed, then reads them with its reservation in one call', async () => {
    const windows: RecordedWindow[] = [];
    harness = await startMetricsHarness({ wrap: recordingInto(windows) });
    const h = harness;
    const prod = clusterArn(h, 'prod');
    // The metrics poller in focus first, ECS not yet polled: nothing is listed, so nothing is read...
    h.metrics.focusCluster(prod);
    h.metrics.start();
    await h.runUntil(() => h.scheduler.now() - START >= SERVICES_WAIT_MS / 2, { stepMs: 500 });
    await h.metrics.idle();
    expect(h.metricCalls()).toHaveLength(0);
    // ...until its services are: then 4 services x 2 series + 2 reservation series, in one call.
    h.monitor.start();
    h.monitor.focusCluster(prod);
    await h.runUntil(() => h.metricCalls().length > 0);
    await h.runUntil(() => h.scheduler.now() - START >= 2 * SERVICES_WAIT_MS, { stepMs: 500 });
    await h.metrics.idle();
    expect(windows.map((window) => window.queries)).toEqual([10]);
  });

  it('reads what it has once the wait for the services is over, when ECS never lists them', async () => {
    harness = await startMetricsHarness();
    const h = harness;
    const prod = clusterArn(h, 'prod');
    h.metrics.focusCluster(prod);
    h.metrics.start();
    await h.runUntil(() => h.metricCalls().length > 0, { stepMs: 500 });
    expect((h.metricCalls()[0]?.at ?? 0) - START).toBeGreaterThanOrEqual(SERVICES_WAIT_MS);
    await h.metrics.idle();
    expect(h.store.getState().clusterReservation.get(prod)?.cpu.length).toBeGreaterThan(0);
  });

  it('reads at most once a minute, each series only from where it left off (incremental windows)', async () => {
    const windows: RecordedWindow[] = [];
    harness = await startMetricsHarness({ wrap: recordingInto(windows) });
    const h = harness;
    await focusAndRead(h, 'staging');
    const startedAt = h.scheduler.now();
    await h.runUntil(() => h.scheduler.now() - startedAt >= 10 * 60_000, { stepMs: 1000, deadlineMs: 25_000 });
    await h.metrics.idle();
    const calls = h.metricCalls();
    // Ten minutes after the first read: ten more, one a minute, never two within a minute.
    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(calls.length).toBeLessThanOrEqual(11);
    for (let index = 1; index < calls.length; index++) {
      expect((calls[index]?.at ?? 0) - (calls[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(55_000);
    }
    // The first read covers the hour; later ones only the minutes since the previous read, plus a few.
    const [first, ...later] = windows;
    expect((first?.endMs ?? 0) - (first?.startMs ?? 0)).toBe(60 * 60_000);
    for (const window of later) expect(window.endMs - window.startMs).toBeLessThanOrEqual(8 * 60_000);
  });

  it('says in one sentence that CloudWatch refused, and ECS goes on', async () => {
    harness = await startMetricsHarness({
      sim: {
        faults: {
          errors: [
            {
              operation: 'GetMetricData',
              type: 'AccessDeniedException',
              message:
                'User: arn:aws:iam::123456789012:user/alice is not authorized to perform: cloudwatch:GetMetricData',
            },
          ],
        },
      },
    });
    const h = harness;
    await focusAndRead(h, 'prod');
    const all = [...h.store.getState().serviceUtilisation.values()];
    expect(all).toHaveLength(4);
    for (const utilisation of all) {
      expect(utilisation.problem).toBe(
        'CloudWatch refused GetMetricData: your IAM policy does not allow cloudwatch:GetMetricData.',
      );
      expect(utilisation.cpu).toEqual([]);
    }
    // Not retried as if it would pass: one call.
    expect(h.metricCalls()).toHaveLength(1);
    const ecsBefore = h.sim.server.requestLog.list({ service: 'ecs' }).length;
    await h.runUntil(() => h.sim.server.requestLog.list({ service: 'ecs' }).length > ecsBefore + 5);
    expect(h.store.getState().services.size).toBeGreaterThan(0);
  });

  it('keeps the last good readings when a later read fails, with the sentence, and recovers at the next minute', async () => {
    harness = await startMetricsHarness();
    const h = harness;
    await focusAndRead(h, 'staging');
    const orders = serviceArn(h, 'staging', 'orders');
    const good = h.store.getState().serviceUtilisation.get(orders)?.cpu ?? [];
    expect(good.length).toBeGreaterThan(50);
    h.sim.server.setFaults({ errors: [{ operation: 'GetMetricData', type: 'AccessDeniedException' }] });
    await h.runUntil(() => h.store.getState().serviceUtilisation.get(orders)?.problem !== undefined, { stepMs: 1000 });
    const failed = h.store.getState().serviceUtilisation.get(orders);
    expect(failed?.cpu).toEqual(good);
    expect(failed?.problem).toContain('CloudWatch refused GetMetricData');
    h.sim.server.setFaults({});
    await h.runUntil(() => h.store.getState().serviceUtilisation.get(orders)?.problem === undefined, { stepMs: 1000 });
    expect(h.store.getState().serviceUtilisation.get(orders)?.cpu.length).toBeGreaterThanOrEqual(good.length);
  });

  it('charts an open service detail of another cluster than the focused one, over 6 h', async () => {
    harness = await startMetricsHarness();
    const h = harness;
    // staging first (its services listed), then prod in focus: staging's readings are dropped.
    await focusAndRead(h, 'staging');
    const search = serviceArn(h, 'staging', 'search');
    h.monitor.focusCluster(clusterArn(h, 'prod'));
    h.metrics.focusCluster(clusterArn(h, 'prod'));
    const web = serviceArn(h, 'prod', 'web');
    await h.runUntil(() => h.store.getState().serviceUtilisation.has(web), { stepMs: 500 });
    expect(h.store.getState().serviceUtilisation.has(search)).toBe(false);
    expect(h.store.getState().services.has(search)).toBe(true);
    h.metrics.watchService(search);
    await h.runUntil(() => (h.store.getState().serviceUtilisation.get(search)?.cpu.length ?? 0) > 0, { stepMs: 500 });
    const cpu = h.store.getState().serviceUtilisation.get(search)?.cpu ?? [];
    // search is CPU-bound (its behaviour's load) and has run for days: six hours of points near its reservation.
    expect(cpu.length).toBeGreaterThan(300);
    expect(cpu.every((point) => point.value > 85)).toBe(true);
  });

  it('tells a service CloudWatch has no datapoints for (no task ever ran) from one it has not read', async () => {
    harness = await startMetricsHarness();
    const h = harness;
    h.sim.model.createService({ cluster: 'staging', serviceName: 'idle', taskDefinition: 'orders:1', desiredCount: 0 });
    await focusAndRead(h, 'staging');
    const idle = h.store.getState().serviceUtilisation.get(serviceArn(h, 'staging', 'idle'));
    expect(idle).toEqual({ cpu: [], memory: [], fetched: true });
  });
});

describe('batching', () => {
  it('puts N services into ceil((2N + 2) / 500) calls, spaced by its own budget', async () => {
    harness = await startMetricsHarness({
      sim: { scenario: manyServicesScenario(300) },
      gateway: { budgetPerSecond: 0.2 },
    });
    const h = harness;
    const [cluster] = [...h.sim.model.state.clusters.values()];
    if (!cluster) throw new Error('the scenario has a cluster');
    await focusAndRead(h, cluster.name);
    const services = [...h.sim.model.servicesOfCluster(cluster)].length;
    expect(services).toBe(300);
    const calls = h.metricCalls();
    expect(calls).toHaveLength(Math.ceil((2 * services + 2) / 500));
    // 0.2 calls a second: the second call waits five seconds after the first.
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(5_000);
    expect([...h.store.getState().serviceUtilisation.values()].filter((u) => u.fetched)).toHaveLength(300);
  });
});
