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

async function runCalls(budget: RequestBudget, scheduler: VirtualScheduler, calls: number, seconds: number) {
  const starts: number[] = [];
  for (let i = 0; i < calls; i++) budget.acquire().then(() => starts.push(scheduler.now()));
  await scheduler.advance(seconds * 1000);
  return starts;
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
    budget.throttled();
    expect(budget.effectiveRate).toBe(4);
    const starts = await runCalls(budget, scheduler, 12, 10);
    expect(maxInWindow(starts, 1000)).toBe(4);
    for (let i = 0; i < 100; i++) budget.succeeded();
    expect(budget.effectiveRate).toBe(8);
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
    budget.acquire().then(() => order.push('a'));
    const aborted = budget.acquire(controller.signal).catch(() => order.push('b aborted'));
    budget.acquire().then(() => order.push(`c at ${scheduler.now()}`));
    controller.abort();
    await aborted;
    await scheduler.advance(3000);
    expect(order).toEqual(['a', 'b aborted', 'c at 1000']);
    expect(budget.queued).toBe(0);
  });
});
