/**
 * `--budget N` as the server counts it: at most N requests arrive at ECS in any sliding one-second window of
 * the simulator's request log, retries included. Requests are held on their way to the simulator for a random
 * stretch of virtual time (the harness's `network`), as real ones are between leaving ecsdeck and arriving:
 * a budget that counts requests when it grants them lets those granted a second apart land together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { busiestSecond } from '../../src/sim/requestLog.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { COINCIDING, type Harness, startHarness } from './harness.ts';

/** Delays up to a few budget slots long: 600 ms at 3 calls a second, 60 ms at 50. */
const networkFor = (budget: number) => ({ maxDelayMs: Math.min(600, 3000 / budget) });

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function loaded(h: Harness, clusterArn: string): boolean {
  return [feedKey.services, feedKey.tasks, feedKey.instances].every(
    (key) => h.store.getState().meta.get(key(clusterArn))?.inFlight === false,
  );
}

/** Start the monitor, wait for the cluster list, focus the first cluster and wait for its panes. */
async function firstLoad(h: Harness): Promise<string[]> {
  h.monitor.start();
  await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined, {
    deadlineMs: 60_000,
  });
  const clusters = [...h.store.getState().clusters.keys()].sort();
  const first = clusters[0] as string;
  h.monitor.focusCluster(first);
  await h.runUntil(() => loaded(h, first), { deadlineMs: 60_000 });
  return clusters;
}

async function runFor(h: Harness, ms: number): Promise<void> {
  const until = h.scheduler.now() + ms;
  await h.runUntil(() => h.scheduler.now() >= until, { deadlineMs: 60_000 });
}

/** Tens of virtual seconds of the large scenario each: more real time than the default allows on a busy machine. */
const TIMEOUT_MS = 120_000;

describe.each([3, 10, 50])('--budget %i holds at the server', (budget) => {
  it(
    'at start-up: the first load of the demo and of the large scenario',
    async () => {
      for (const scenario of ['demo', 'large']) {
        harness = await startHarness({
          sim: { scenario },
          gateway: { budgetPerSecond: budget },
          network: networkFor(budget),
        });
        await firstLoad(harness);
        // And the first seconds after it, when the other clusters' background feeds start.
        await runFor(harness, 5_000);
        const entries = harness.sim.server.requestLog.list();
        expect(entries.length).toBeGreaterThan(8);
        expect(busiestSecond(entries), `${scenario} start-up`).toBeLessThanOrEqual(budget);
        await harness.close();
        harness = undefined;
      }
    },
    TIMEOUT_MS,
  );

  it(
    'switching panes from cluster to cluster, faster than they load',
    async () => {
      harness = await startHarness({
        sim: { scenario: 'large' },
        gateway: { budgetPerSecond: budget },
        network: networkFor(budget),
      });
      const h = harness;
      const clusters = await firstLoad(h);
      for (let round = 0; round < 16; round++) {
        h.monitor.focusCluster(clusters[(round * 7) % clusters.length]);
        await runFor(h, 400);
      }
      const last = h.monitor.focusedCluster as string;
      await h.runUntil(() => loaded(h, last), { deadlineMs: 60_000 });
      const entries = h.sim.server.requestLog.list();
      expect(new Set(entries.map((e) => e.cluster)).size).toBeGreaterThan(3);
      expect(busiestSecond(entries)).toBeLessThanOrEqual(budget);
    },
    TIMEOUT_MS,
  );

  it(
    'when the background feeds of every cluster coincide with the focused ones',
    async () => {
      harness = await startHarness({
        sim: { scenario: 'large' },
        gateway: { budgetPerSecond: budget },
        cadence: COINCIDING,
        network: networkFor(budget),
      });
      const h = harness;
      h.monitor.start();
      await h.runUntil(() => h.store.getState().clusters.size > 0, { deadlineMs: 60_000 });
      h.monitor.focusCluster([...h.store.getState().clusters.keys()].sort()[0]);
      await runFor(h, 12_000);
      const entries = h.sim.server.requestLog.list();
      expect(new Set(entries.filter((e) => e.operation === 'ListTasks').map((e) => e.cluster)).size).toBeGreaterThan(3);
      expect(busiestSecond(entries)).toBeLessThanOrEqual(budget);
    },
    TIMEOUT_MS,
  );

  it(
    'while ECS throttles, retries included, and as the rate recovers once it stops',
    async () => {
      harness = await startHarness({
        // A twentieth of ECS's quota: one or two calls a second per category.
        sim: { scenario: 'large', throttling: { multiplier: 0.05 } },
        gateway: { budgetPerSecond: budget },
        cadence: COINCIDING,
        network: networkFor(budget),
      });
      const h = harness;
      h.monitor.start();
      await runFor(h, 8_000);
      h.sim.server.setThrottling(false);
      await runFor(h, 8_000);
      const entries = h.sim.server.requestLog.list();
      if (budget > 3) expect(entries.filter((e) => e.outcome === 'throttled').length).toBeGreaterThan(0);
      expect(busiestSecond(entries)).toBeLessThanOrEqual(budget);
    },
    TIMEOUT_MS,
  );
});
