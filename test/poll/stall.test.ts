/**
 * A stalled connection (the simulator's hang fault) against the pollers, on virtual time: every call has a
 * deadline on the scheduler that aborts it, the pollers recover by themselves once the fault clears, and ctrl-r
 * sends a request at once even while the calls before it hang.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { flushMicrotasks } from '../../src/lib/scheduler.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { freshnessLine } from '../../src/ui/components/Header.tsx';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/**
 * Like harness.runUntil, but virtual time moves on while calls are on the wire: a hung call never comes back
 * by itself, and only the passing of (virtual) time can end it. Fails after a real-time deadline.
 */
async function runThroughHangs(h: Harness, done: () => boolean, stepMs = 500, deadlineMs = 20_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('runThroughHangs: condition not reached before the deadline');
    // Enough turns of the event loop for a healthy round trip to the simulator to finish.
    for (let i = 0; i < 20 && !done(); i++) await flushMicrotasks();
    if (!done()) await h.scheduler.advance(stepMs);
  }
}

const hangs = (h: Harness, since: number) => h.sim.server.requestLog.count({ sinceSeq: since, outcome: 'fault' });
const lastSeq = (h: Harness) => h.sim.server.requestLog.list().at(-1)?.seq ?? 0;

async function loadProd(h: Harness): Promise<string> {
  h.monitor.start();
  await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined);
  const prod = [...h.store.getState().clusters.values()].find((c) => c.clusterName === 'prod')?.clusterArn;
  if (!prod) throw new Error('the demo has a prod cluster');
  h.monitor.focusCluster(prod);
  await h.runUntil(() =>
    [feedKey.services, feedKey.tasks].every((key) => h.store.getState().meta.get(key(prod))?.lastSuccessAt),
  );
  return prod;
}

describe('pollers against a stalled connection', () => {
  it('a hung call is aborted at its deadline, said in one sentence, and the pollers recover on their next tick', async () => {
    harness = await startHarness({ gateway: { maxAttempts: 1, requestTimeoutMs: 15_000 } });
    const h = harness;
    const prod = await loadProd(h);

    const before = lastSeq(h);
    h.sim.server.setFaults({ hangRate: 1 });
    h.monitor.refreshNow();
    await runThroughHangs(h, () => hangs(h, before) >= 3, 100);
    const hungAt = h.scheduler.now();
    // A few seconds of stall, then the endpoint is healthy again; the calls already sent still hang.
    await h.scheduler.advance(3000);
    h.sim.server.setFaults({});

    const tasksKey = feedKey.tasks(prod);
    await runThroughHangs(h, () => h.store.getState().meta.get(tasksKey)?.lastError !== undefined);
    const error = h.store.getState().meta.get(tasksKey)?.lastError;
    expect(error?.kind).toBe('network');
    expect(error?.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+ did not answer ListTasks within 15 s\.$/);
    // The deadline is the scheduler's: it fired at 15 s of virtual time, not later.
    expect((error?.at ?? 0) - hungAt).toBeLessThanOrEqual(15_000 + 500);
    expect(h.gateway.stats().inFlight).toBe(0);

    // No ctrl-r: each feed's own next tick succeeds.
    const recovered = () =>
      [feedKey.clusters, feedKey.services(prod), tasksKey].every((key) => {
        const meta = h.store.getState().meta.get(key);
        return meta?.lastError === undefined && (meta?.lastSuccessAt ?? 0) > hungAt;
      });
    await runThroughHangs(h, recovered, 1000);
  });

  it('ctrl-r sends a request at once while the calls before it hang, and brings the data back', async () => {
    // A deadline far beyond this test (in virtual and in real time): only ctrl-r can end the hung refresh here.
    harness = await startHarness({ gateway: { maxAttempts: 1, requestTimeoutMs: 600_000 } });
    const h = harness;
    const prod = await loadProd(h);
    const loadedAt = h.scheduler.now();

    h.sim.server.setFaults({ hangRate: 1 });
    const beforeHang = lastSeq(h);
    h.monitor.refreshNow();
    await runThroughHangs(h, () => hangs(h, beforeHang) >= 3, 100);
    await h.scheduler.advance(3000);
    h.sim.server.setFaults({});

    const beforeRefresh = lastSeq(h);
    h.monitor.refreshNow();
    const fresh = () =>
      [feedKey.clusters, feedKey.services(prod), feedKey.tasks(prod)].every(
        (key) => (h.store.getState().meta.get(key)?.lastSuccessAt ?? 0) > loadedAt,
      );
    // Other clusters' background feeds still hang (ctrl-r refreshes what is on screen): time moves on past them.
    await runThroughHangs(h, fresh, 10);
    expect(h.sim.server.requestLog.count({ sinceSeq: beforeRefresh, outcome: 'ok' })).toBeGreaterThan(0);
    // The hung refresh was replaced, not failed: no feed shows an error.
    expect(h.gateway.stats().errors).toBe(0);
  });
});

describe('the header during a stall', () => {
  const apiText = (h: Harness) => {
    const state = h.store.getState();
    return freshnessLine(state.meta, state.api, undefined, h.scheduler.now(), 200)
      .map((span) => span.text)
      .join('');
  };

  it('shows the real budget from the first frame and the real call rate while every call hangs', async () => {
    harness = await startHarness({ gateway: { maxAttempts: 1, requestTimeoutMs: 15_000, budgetPerSecond: 1000 } });
    const h = harness;
    // Before any call: the budget given, as a number.
    expect(apiText(h)).toContain('API 0.0/s of 1000/s');
    expect(apiText(h)).not.toContain('∞');

    h.sim.server.setFaults({ hangRate: 1 });
    h.monitor.start();
    await runThroughHangs(h, () => hangs(h, 0) >= 1, 100);
    // No refresh has ended, yet the header counts the call on the wire: one call in the 10 s window.
    await h.scheduler.advance(1000);
    expect(h.store.getState().api.total).toBe(1);
    expect(apiText(h)).toContain('API 0.1/s of 1000/s');
  });
});
