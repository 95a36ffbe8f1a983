import { afterEach, describe, expect, it } from 'vitest';
import { feedKey } from '../../src/store/feeds.ts';
import { type Harness, settle, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function modelFigures(h: Harness) {
  const state = h.sim.model.state;
  const perCluster = new Map<string, { services: number; instances: number; running: number }>();
  for (const cluster of state.clusters.values()) perCluster.set(cluster.arn, { services: 0, instances: 0, running: 0 });
  for (const service of state.services.values()) {
    const entry = perCluster.get(service.clusterArn);
    if (entry && service.status === 'ACTIVE') entry.services++;
  }
  for (const instance of state.containerInstances.values()) {
    const entry = perCluster.get(instance.clusterArn);
    if (entry && instance.status !== 'INACTIVE') entry.instances++;
  }
  for (const task of state.tasks.values()) {
    const entry = perCluster.get(task.clusterArn);
    if (entry && task.desiredStatus === 'RUNNING') entry.running++;
  }
  return perCluster;
}

describe('Monitor against the simulator', () => {
  it('a first load of the large scenario lists every cluster, service, instance and running task', async () => {
    harness = await startHarness({ sim: { scenario: 'large' } });
    const h = harness;
    const expected = modelFigures(h);
    expect(expected.size).toBeGreaterThanOrEqual(20);
    h.monitor.start();
    await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined);
    expect(h.store.getState().clusters.size).toBe(expected.size);

    let services = 0;
    let instances = 0;
    let running = 0;
    for (const [clusterArn, figures] of expected) {
      h.monitor.focusCluster(clusterArn);
      await h.runUntil(() =>
        [feedKey.services, feedKey.tasks, feedKey.instances].every(
          (key) => h.store.getState().meta.get(key(clusterArn))?.lastSuccessAt !== undefined,
        ),
      );
      await settle(h);
      const state = h.store.getState();
      const ours = {
        services: [...state.services.values()].filter((s) => s.clusterArn === clusterArn).length,
        instances: [...state.instances.values()].filter((i) => i.clusterArn === clusterArn).length,
        running: [...state.tasks.values()].filter((t) => t.clusterArn === clusterArn && t.desiredStatus === 'RUNNING')
          .length,
      };
      expect(ours, clusterArn).toEqual(figures);
      services += ours.services;
      instances += ours.instances;
      running += ours.running;
    }
    expect(services).toBe(500);
    expect(instances).toBe(400);
    expect(running).toBeGreaterThanOrEqual(10_000);
  });

  it('keeps the last good data when a feed fails, marks it with the error, and recovers by itself', async () => {
    harness = await startHarness();
    const h = harness;
    h.monitor.start();
    const prod = [...h.sim.model.state.clusters.values()].find((c) => c.name === 'prod');
    expect(prod).toBeDefined();
    const cluster = prod?.arn ?? '';
    h.monitor.focusCluster(cluster);
    const servicesKey = feedKey.services(cluster);
    await h.runUntil(() => h.store.getState().meta.get(servicesKey)?.lastSuccessAt !== undefined);
    const servicesBefore = h.store.getState().services;
    expect(servicesBefore.size).toBeGreaterThan(0);
    const goodAt = h.store.getState().meta.get(servicesKey)?.lastSuccessAt;

    h.sim.server.setFaults({ errors: [{ operation: 'DescribeServices', type: 'AccessDeniedException' }] });
    await h.runUntil(() => h.store.getState().meta.get(servicesKey)?.lastError !== undefined);
    const failing = h.store.getState();
    expect(failing.meta.get(servicesKey)?.lastError?.kind).toBe('access-denied');
    expect(failing.meta.get(servicesKey)?.lastError?.message).toMatch(/Access denied to ecs:DescribeServices/);
    expect(failing.meta.get(servicesKey)?.lastSuccessAt).toBe(goodAt);
    expect(failing.services.size).toBe(servicesBefore.size);
    // the other feeds of the cluster are unaffected
    expect(failing.meta.get(feedKey.tasks(cluster))?.lastError).toBeUndefined();

    h.sim.server.setFaults({});
    await h.runUntil(() => h.store.getState().meta.get(servicesKey)?.lastError === undefined, {
      stepMs: 1000,
    });
    expect(h.store.getState().meta.get(servicesKey)?.lastSuccessAt).toBeGreaterThan(goodAt ?? 0);
  });

  it('maps server errors, expired credentials and an unreachable endpoint to clear errors', async () => {
    harness = await startHarness({ gateway: { maxAttempts: 2 } });
    const h = harness;
    h.monitor.start();
    const clustersKey = feedKey.clusters;
    await h.runUntil(() => h.store.getState().meta.get(clustersKey)?.lastSuccessAt !== undefined);
    const clustersBefore = h.store.getState().clusters.size;

    const cases: [Parameters<typeof h.sim.server.setFaults>[0], string][] = [
      [{ serverErrorRate: 1 }, 'server'],
      [{ htmlErrorRate: 1 }, 'unparseable'],
      [
        {
          errors: [{ type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }],
        },
        'expired-credentials',
      ],
    ];
    for (const [faults, kind] of cases) {
      h.sim.server.setFaults(faults);
      h.monitor.refreshNow();
      await h.runUntil(() => h.store.getState().meta.get(clustersKey)?.lastError?.kind === kind, { stepMs: 500 });
      expect(h.store.getState().clusters.size).toBe(clustersBefore);
      h.sim.server.setFaults({});
      await h.runUntil(() => h.store.getState().meta.get(clustersKey)?.lastError === undefined, { stepMs: 1000 });
    }
  });

  it('rides out slow responses and connection resets, then recovers', async () => {
    harness = await startHarness({ gateway: { maxAttempts: 1 } });
    const h = harness;
    h.sim.server.setFaults({ latencyMs: 150 });
    h.monitor.start();
    await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.inFlight === true);
    await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined);
    expect(h.store.getState().clusters.size).toBe(3);

    h.sim.server.setFaults({ resetRate: 1 });
    h.monitor.refreshNow();
    await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastError?.kind === 'network');
    expect(h.store.getState().meta.get(feedKey.clusters)?.lastError?.message).toMatch(
      /^Cannot reach .*connection reset/,
    );
    expect(h.store.getState().clusters.size).toBe(3);
    h.sim.server.setFaults({});
    await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastError === undefined, { stepMs: 1000 });
  });

  it('says the endpoint is down when nothing listens, and recovers when it comes back', async () => {
    harness = await startHarness();
    const port = new URL(harness.sim.url).port;
    await harness.sim.close();
    const { createSdkGateway } = await import('../../src/ecs/sdkGateway.ts');
    const { createEcsStore } = await import('../../src/store/store.ts');
    const { Monitor } = await import('../../src/poll/monitor.ts');
    const { startSimulator } = await import('../../src/sim/index.ts');
    const scheduler = harness.scheduler;
    const gateway = await createSdkGateway({
      endpoint: `http://127.0.0.1:${port}`,
      simulator: true,
      budgetPerSecond: 1000,
      scheduler,
      maxAttempts: 1,
    });
    const store = createEcsStore();
    const monitor = new Monitor({ gateway, store, scheduler });
    const h: typeof harness = { ...harness, gateway, store, monitor };
    monitor.start();
    try {
      await h.runUntil(() => store.getState().meta.get(feedKey.clusters)?.lastError !== undefined);
      const error = store.getState().meta.get(feedKey.clusters)?.lastError;
      expect(error?.kind).toBe('network');
      expect(error?.message).toBe(`Cannot reach http://127.0.0.1:${port}: connection refused.`);
      const revived = await startSimulator({
        scenario: 'demo',
        clock: scheduler,
        wallClock: scheduler,
        port: Number(port),
      });
      harness = { ...h, sim: revived };
      await h.runUntil(() => store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined, {
        stepMs: 1000,
      });
      expect(store.getState().clusters.size).toBe(3);
      expect(store.getState().meta.get(feedKey.clusters)?.lastError).toBeUndefined();
    } finally {
      monitor.stop();
    }
  });
});
