import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { Poller } from '../../src/poll/poller.ts';

/** A run that finishes when the test says so. */
function controllableRun() {
  const calls: { signal: AbortSignal; finish: (error?: Error) => void }[] = [];
  const run = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ signal, finish: (error) => (error ? reject(error) : resolve()) });
    });
  return { run, calls };
}

describe('Poller', () => {
  it('runs at once, then every interval after the previous run ends', async () => {
    const scheduler = new VirtualScheduler(0);
    const starts: number[] = [];
    const poller = new Poller({
      name: 'p',
      intervalMs: 5000,
      scheduler,
      run: async () => {
        starts.push(scheduler.now());
      },
    });
    poller.start();
    await scheduler.advance(16_000);
    expect(starts).toEqual([0, 5000, 10_000, 15_000]);
    poller.stop();
    await scheduler.advance(20_000);
    expect(starts).toHaveLength(4);
  });

  it('a refresh asked for during a run aborts it and starts a new one at once: one live run, one report', async () => {
    const scheduler = new VirtualScheduler(0);
    const { run, calls } = controllableRun();
    const settled: boolean[] = [];
    const poller = new Poller({ name: 'p', intervalMs: 5000, scheduler, run, onSettled: ({ ok }) => settled.push(ok) });
    poller.start();
    await scheduler.advance(0);
    expect(calls).toHaveLength(1);
    // The run in flight may never end (a stalled connection): ctrl-r must still send a request now.
    poller.refreshNow();
    expect(calls).toHaveLength(2);
    expect(calls[0]?.signal.aborted).toBe(true);
    expect(calls[1]?.signal.aborted).toBe(false);
    // The replaced run ending late reports nothing and schedules nothing.
    calls[0]?.finish(new Error('aborted'));
    await scheduler.advance(60_000);
    expect(calls).toHaveLength(2);
    expect(settled).toEqual([]);
    calls[1]?.finish();
    await scheduler.advance(0);
    expect(settled).toEqual([true]);
    await scheduler.advance(5000);
    expect(calls).toHaveLength(3);
    poller.stop();
  });

  it('backs off after errors, doubling up to the cap, and resets after a success', async () => {
    const scheduler = new VirtualScheduler(0);
    let failing = true;
    const starts: number[] = [];
    const outcomes: boolean[] = [];
    const poller = new Poller({
      name: 'p',
      intervalMs: 1000,
      maxBackoffMs: 8000,
      scheduler,
      run: async () => {
        starts.push(scheduler.now());
        if (failing) throw new Error('down');
      },
      onSettled: ({ ok }) => outcomes.push(ok),
    });
    poller.start();
    await scheduler.advance(31_000);
    // 0, +2 s, +4 s, +8 s, +8 s ...
    expect(starts.slice(0, 6)).toEqual([0, 2000, 6000, 14_000, 22_000, 30_000]);
    expect(poller.consecutiveErrors).toBe(6);
    failing = false;
    await scheduler.advance(8000);
    expect(outcomes.at(-1)).toBe(true);
    const afterRecovery = starts.length;
    await scheduler.advance(3000);
    expect(starts.length - afterRecovery).toBe(3);
    poller.stop();
  });

  it('aborts the run in flight on stop and reports nothing for it', async () => {
    const scheduler = new VirtualScheduler(0);
    const { run, calls } = controllableRun();
    const settled: boolean[] = [];
    const poller = new Poller({ name: 'p', intervalMs: 1000, scheduler, run, onSettled: ({ ok }) => settled.push(ok) });
    poller.start();
    await scheduler.advance(0);
    poller.stop();
    expect(calls[0]?.signal.aborted).toBe(true);
    calls[0]?.finish(new Error('aborted'));
    await scheduler.advance(10_000);
    expect(settled).toEqual([]);
    expect(calls).toHaveLength(1);
  });
});
