/**
 * `ecsdeck snapshot` against an account that throttles: with the gateway settings the CLI uses and a budget far
 * above what ECS grants, it must adapt and finish with complete data; only a persistent failure ends it.
 * Through the real SDK against the simulator, on virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/ecs/errors.ts';
import { buildSnapshot, collectSnapshotState, SNAPSHOT_GATEWAY_SETTINGS } from '../../src/poll/snapshot.ts';
import type { ThrottleConfig } from '../../src/sim/throttle.ts';
import type { EcsState } from '../../src/store/store.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Takes a snapshot with `--budget 1000` against the large scenario, letting virtual time run until it settles. */
async function snapshotAgainst(throttling: ThrottleConfig): Promise<{ h: Harness; outcome: EcsState | unknown }> {
  harness = await startHarness({
    sim: { scenario: 'large', throttling },
    gateway: { budgetPerSecond: 1000, ...SNAPSHOT_GATEWAY_SETTINGS },
  });
  const h = harness;
  let outcome: EcsState | unknown;
  let settled = false;
  collectSnapshotState(h.gateway, () => h.scheduler.now()).then(
    (state) => {
      outcome = state;
      settled = true;
    },
    (error: unknown) => {
      outcome = error;
      settled = true;
    },
  );
  await h.runUntil(() => settled, { stepMs: 100, deadlineMs: 90_000 });
  return { h, outcome };
}

describe('snapshot --budget 1000 against a throttling endpoint', () => {
  it('slows down to what ECS grants, waits the throttling out and finishes with every cluster complete', async () => {
    // A twentieth of ECS's quota: a couple of calls a second per category, against a budget of 1000.
    const { h, outcome } = await snapshotAgainst({ multiplier: 0.05 });
    expect(outcome).not.toBeInstanceOf(Error);
    const snapshot = buildSnapshot(outcome as EcsState, h.gateway.target, h.scheduler.now());
    expect(snapshot.clusters.map((c) => c.name)).toEqual(h.sim.scenario.clusters.map((c) => c.name).sort());
    for (const cluster of snapshot.clusters) {
      expect(cluster.services.length, cluster.name).toBe(cluster.activeServices);
      expect(cluster.containerInstances.length, cluster.name).toBe(cluster.instances);
    }
    const log = h.sim.server.requestLog;
    // It met throttling many times over and still got through.
    expect(log.count({ outcome: 'throttled' })).toBeGreaterThan(10);
    expect(h.gateway.budget().effective).toBeLessThan(50);
  }, 120_000);

  it('gives up with one sentence once ECS has throttled a call for minutes without a break', async () => {
    // No tokens at all for cluster reads: nothing will ever get through.
    const { h, outcome } = await snapshotAgainst({
      buckets: { clusterRead: { burst: 0, refillPerSecond: 0 } },
    });
    expect(outcome).toBeInstanceOf(GatewayError);
    expect((outcome as GatewayError).kind).toBe('throttled');
    expect((outcome as GatewayError).message).toMatch(/^ECS is throttling ListClusters/);
    // It waited two minutes of throttling, spaced out, before giving up: not a burst of retries.
    const firstArrival = h.sim.server.requestLog.list()[0]?.at ?? Number.NaN;
    expect(h.scheduler.now() - firstArrival).toBeGreaterThanOrEqual(SNAPSHOT_GATEWAY_SETTINGS.throttlePatienceMs);
    expect(h.sim.server.requestLog.count()).toBeLessThan(60);
  }, 120_000);
});
