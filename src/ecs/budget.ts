/**
 * The one request budget every ECS call passes through. A monitor left open must not eat the account's ECS
 * quota, which deploy pipelines share, so the ceiling is strict: never more than `ratePerSecond` calls start in
 * any one-second window (a sliding window, not a token bucket, whose refill would allow twice that). On a
 * ThrottlingException the effective rate halves; successes bring it back towards the ceiling.
 */
import { delay, type Scheduler } from '../lib/scheduler.ts';

export interface RequestBudgetOptions {
  /** The ceiling, in calls started per second (`--budget`). */
  ratePerSecond: number;
  scheduler: Scheduler;
  /** The floor the adaptive backoff never goes below (calls per second). */
  minimumRatePerSecond?: number;
}

const WINDOW_MS = 1000;

export class RequestBudget {
  readonly ceiling: number;
  readonly #minimum: number;
  readonly #scheduler: Scheduler;
  #effective: number;
  /** Start times of recent calls, oldest first. */
  #starts: number[] = [];
  #waiters: { resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal }[] = [];
  #pumpScheduled = false;

  constructor(options: RequestBudgetOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('the request budget must be a positive rate');
    this.ceiling = options.ratePerSecond;
    this.#minimum = Math.min(options.minimumRatePerSecond ?? 0.2, this.ceiling);
    this.#scheduler = options.scheduler;
    this.#effective = this.ceiling;
  }

  /** The rate the budget allows now (below the ceiling after throttling). */
  get effectiveRate(): number {
    return this.#effective;
  }

  /** Calls waiting for their turn. */
  get queued(): number {
    return this.#waiters.length;
  }

  /** Wait for a turn. Turns are granted in arrival order. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject, signal };
      this.#waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) {
            this.#waiters.splice(index, 1);
            reject(signal.reason ?? new Error('aborted'));
          }
        },
        { once: true },
      );
      this.#pump();
    });
  }

  /** ECS said "Rate exceeded": slow down at once. */
  throttled(): void {
    this.#effective = Math.max(this.#minimum, this.#effective / 2);
  }

  /** A call went through: recover a little towards the ceiling. */
  succeeded(): void {
    this.#effective = Math.min(this.ceiling, this.#effective + this.ceiling / 20);
  }

  /** Milliseconds until the next call may start (0 = now). */
  #waitMs(now: number): number {
    this.#starts = this.#starts.filter((at) => now - at < Math.max(WINDOW_MS, 1000 / this.#effective));
    if (this.#effective >= 1) {
      const allowed = Math.floor(this.#effective);
      if (this.#starts.length < allowed) return 0;
      const oldestThatMustLeave = this.#starts[this.#starts.length - allowed] ?? now;
      return oldestThatMustLeave + WINDOW_MS - now;
    }
    // Below one call a second: keep a minimum spacing instead.
    const last = this.#starts[this.#starts.length - 1];
    if (last === undefined) return 0;
    return Math.max(0, last + 1000 / this.#effective - now);
  }

  #pump(): void {
    if (this.#pumpScheduled) return;
    while (this.#waiters.length > 0) {
      const now = this.#scheduler.now();
      const wait = this.#waitMs(now);
      if (wait > 0) {
        this.#pumpScheduled = true;
        delay(this.#scheduler, wait).then(() => {
          this.#pumpScheduled = false;
          this.#pump();
        });
        return;
      }
      const waiter = this.#waiters.shift();
      if (!waiter) return;
      this.#starts.push(now);
      waiter.resolve();
    }
  }
}
