import { afterEach, describe, expect, it } from 'vitest';
import { busiestSecond } from '../../src/sim/requestLog.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function loadEveryCluster(h: Harness): Promise<void> {
  h.monitor.start();
  await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined, {
    deadlineMs: 60_000,
  });
  for (const clusterArn of h.store.getState().clusters.keys()) {
    h.monitor.focusCluster(clusterArn);
    await h.runUntil(
      () =>
        [feedKey.services, feedKey.tasks, feedKey.instances].every(
          (key) => h.store.getState().meta.get(key(clusterArn))?.lastSuccessAt !== undefined,
        ),
      { deadlineMs: 60_000 },
    );
  }
}

describe('the request budget against a throttling simulator (large scenario)', () => {
  it('completes a full load at ECS-like throttling without exceeding the budget or meeting a throttle', async () => {
    harness = await startHarness({
      sim: { scenario: 'large', throttling: {} },
      gateway: { budgetPerSecond: 10 },
    });
    const h = harness;
    await loadEveryCluster(h);
    const entries = h.sim.server.requestLog.list();
    expect(entries.length).toBeGreaterThan(200);
    expect(busiestSecond(entries)).toBeLessThanOrEqual(10);
    expect(entries.filter((e) => e.outcome === 'throttled')).toHaveLength(0);
    const errors = [...h.store.getState().meta.values()].filter((m) => m.lastError);
    expect(errors).toEqual([]);
  });

  it('backs off when the account is throttled by others, finishes the refresh, and never shows a raw SDK error', async () => {
    // A tenth of ECS's quota: as if deploy pipelines were eating the rest of it.
    harness = await startHarness({
      sim: { scenario: 'large', throttling: { multiplier: 0.1 } },
      gateway: { budgetPerSecond: 20, maxAttempts: 6 },
    });
    const h = harness;
    await loadEveryCluster(h);
    const entries = h.sim.server.requestLog.list();
    expect(entries.filter((e) => e.outcome === 'throttled').length).toBeGreaterThan(0);
    expect(busiestSecond(entries)).toBeLessThanOrEqual(20);
    expect(h.store.getState().api.throttled).toBeGreaterThan(0);
    expect(h.store.getState().api.budgetEffective).toBeLessThan(20);
    for (const meta of h.store.getState().meta.values()) {
      if (meta.lastError) {
        expect(meta.lastError.kind).toBe('throttled');
        expect(meta.lastError.message).not.toMatch(/ThrottlingException/);
      }
    }
  });
});
