import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../src/ecs/budget.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';

/** The largest number of starts inside any window of `windowMs`. */
function maxInWindow(starts: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0; i < starts.length; i++) {
    const first = starts[i] ?? 0;
    best = Math.max(best, starts.filter((at) => at >= first && at < first + windowMs).length);
  }
  return best;
}

/** Calls answered the moment they go out. */
async function runCalls(budget: RequestBudget, scheduler: VirtualScheduler, calls: number, seconds: number) {
  const starts: number[] = [];
  for (let i = 0; i < calls; i++) {
    budget.acquire().then((release) => {
      starts.push(scheduler.now());
      release();
    });
  }
  await scheduler.advance(seconds * 1000);
  return starts;
}

/** Requests sent at once and answered at once (the budget must allow them all now). */
async function sendAtOnce(budget: RequestBudget, scheduler: VirtualScheduler, count: number): Promise<void> {
  const released = [];
  for (let i = 0; i < count; i++) released.push(budget.acquire().then((release) => release()));
  await scheduler.advance(0);
  await Promise.all(released);
}

describe('RequestBudget', () => {
  it('never starts more calls than the budget in any one-second window', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 10, scheduler });
    const starts = await runCalls(budget, scheduler, 55, 10);
    expect(starts).toHaveLength(55);
    expect(maxInWindow(starts, 1000)).toBe(10);
    // and it does not dawdle: 55 calls at 10/s finish within about 5 s
    expect(Math.max(...starts)).toBeLessThanOrEqual(5000);
  });

  it('halves the rate on throttling and recovers on success', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 8, scheduler });
    await sendAtOnce(budget, scheduler, 8);
    budget.throttled();
    expect(budget.effectiveRate).toBe(4);
    await scheduler.advance(1000);
    const starts = await runCalls(budget, scheduler, 12, 10);
    expect(maxInWindow(starts, 1000)).toBe(4);
    for (let i = 0; i < 100; i++) budget.succeeded();
    expect(budget.effectiveRate).toBe(8);
  });

  it('halves what was actually sent, not a ceiling far above it, and only once for one burst of throttles', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 1000, scheduler });
    await sendAtOnce(budget, scheduler, 8);
    // Every request of the burst comes back throttled: one cut, not eight.
    for (let i = 0; i < 8; i++) budget.throttled();
    expect(budget.effectiveRate).toBe(4);
    await scheduler.advance(1000);
    await sendAtOnce(budget, scheduler, 4);
    budget.throttled();
    expect(budget.effectiveRate).toBe(2);
  });

  it('recovers by about one call a second per second of use, not by a share of the ceiling', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 1000, scheduler });
    await sendAtOnce(budget, scheduler, 8);
    budget.throttled();
    // Four successes at four a second: one second of full use.
    for (let i = 0; i < 4; i++) budget.succeeded();
    expect(budget.effectiveRate).toBeGreaterThan(4.9);
    expect(budget.effectiveRate).toBeLessThan(5.1);
  });

  it('holds a slot while its request is on the wire and for a second after the answer', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 2, scheduler });
    const sent: number[] = [];
    const releases: (() => void)[] = [];
    for (let i = 0; i < 3; i++) {
      budget.acquire().then((release) => {
        sent.push(scheduler.now());
        releases.push(release);
      });
    }
    await scheduler.advance(0);
    expect(sent).toEqual([0, 0]);
    // The first request is answered at 2.5 s: it may have reached the server at any time until then.
    await scheduler.advance(2500);
    expect(sent).toEqual([0, 0]);
    releases[0]?.();
    await scheduler.advance(999);
    expect(sent).toEqual([0, 0]);
    await scheduler.advance(1);
    expect(sent).toEqual([0, 0, 3500]);
  });

  it('spaces calls out below one per second', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 0.5, scheduler });
    const starts = await runCalls(budget, scheduler, 3, 10);
    expect(starts).toEqual([0, 2000, 4000]);
  });

  it('drops a waiter whose signal aborts, and serves the rest in order', async () => {
    const scheduler = new VirtualScheduler(0);
    const budget = new RequestBudget({ ratePerSecond: 1, scheduler });
    const order: string[] = [];
    const controller = new AbortController();
    budget.acquire().then((release) => {
      order.push('a');
      release();
    });
    const aborted = budget.acquire(controller.signal).catch(() => order.push('b aborted'));
    budget.acquire().then(() => order.push(`c at ${scheduler.now()}`));
    controller.abort();
    await aborted;
    await scheduler.advance(3000);
    expect(order).toEqual(['a', 'b aborted', 'c at 1000']);
    expect(budget.queued).toBe(0);
  });
});
