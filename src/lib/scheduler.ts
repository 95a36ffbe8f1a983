/**
 * Time and timers behind one interface, so pollers, budgets and backoffs run on real time in the app and on
 * virtual time in tests (which never sleep).
 */
import type { Clock } from './clock.ts';

export type TimerHandle = { readonly id: number };

export interface Scheduler extends Clock {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Resolves after `ms` on the scheduler; rejects with the signal's reason when aborted first. */
export function delay(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const onAbort = () => {
      scheduler.clearTimeout(handle);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const handle = scheduler.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

let nextRealId = 1;

export const realScheduler: Scheduler = (() => {
  const live = new Map<number, NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const id = nextRealId++;
      const timer = setTimeout(
        () => {
          live.delete(id);
          callback();
        },
        Math.max(0, ms),
      );
      live.set(id, timer);
      return { id };
    },
    clearTimeout(handle) {
      const timer = live.get(handle.id);
      if (timer) clearTimeout(timer);
      live.delete(handle.id);
    },
  };
})();

interface VirtualTimer {
  id: number;
  at: number;
  seq: number;
  callback: () => void;
}

/** Let promise continuations (and I/O callbacks that are already due) run. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolvePromise) => setImmediate(resolvePromise));
}

/**
 * Virtual time for tests: nothing happens until `advance` is called, and then timers fire in time order,
 * with promise continuations flushed between them so async code written against `delay` behaves as live.
 */
export class VirtualScheduler implements Scheduler {
  #now: number;
  #seq = 0;
  #timers: VirtualTimer[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), seq: id, callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle.id);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.#nextDue(target);
      if (!next) break;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await flushMicrotasks();
    }
    this.#now = target;
    await flushMicrotasks();
  }

  #nextDue(limit: number): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > limit) continue;
      if (!best || timer.at < best.at || (timer.at === best.at && timer.seq < best.seq)) best = timer;
    }
    return best;
  }
}
