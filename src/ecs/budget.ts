/**
 * The one request budget every ECS request passes through. A monitor left open must not eat the account's ECS
 * quota, which deploy pipelines share, so the ceiling is strict, and it is kept as the server sees it: never more
 * than `ratePerSecond` requests arrive at ECS in any sliding one-second window, retries included.
 *
 * A request arrives some time after we send it and before its answer comes back, and we cannot know when. So a
 * slot is taken at the moment a request goes out and held until one second after its answer (or error) came
 * back: two requests can then never land in the same second of the server's clock unless both held a slot at
 * once. When requests are answered at once this is exactly a sliding window of send times; a slow network only
 * costs throughput, never the ceiling. (A token bucket would allow twice the rate after an idle spell.)
 *
 * On a ThrottlingException the effective rate halves from what we actually sent, at most once a second (the
 * calls in flight when ECS said so are answered by the same cut); each success adds back about one call a second
 * per second of full use, so the rate settles just under what ECS grants us.
 */
import { delay, type Scheduler } from '../lib/scheduler.ts';

export interface RequestBudgetOptions {
  /** The ceiling, in requests per second (`--budget`). */
  ratePerSecond: number;
  scheduler: Scheduler;
  /** The floor the adaptive backoff never goes below (requests per second). */
  minimumRatePerSecond?: number;
}

/** Call once the request's answer (or error) is back; later calls do nothing. */
export type ReleaseSlot = () => void;

const WINDOW_MS = 1000;

interface Slot {
  sentAt: number;
  /** When the answer came back; undefined while the request is on the wire. */
  doneAt?: number;
}

interface Waiter {
  resolve: (release: ReleaseSlot) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
}

export class RequestBudget {
  readonly ceiling: number;
  readonly #minimum: number;
  readonly #scheduler: Scheduler;
  #effective: number;
  /** Requests in flight, or answered less than a window ago, oldest first. */
  #slots: Slot[] = [];
  #waiters: Waiter[] = [];
  #pumpScheduled = false;
  #lastCutAt: number | undefined;

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

  /** Requests waiting for their turn. */
  get queued(): number {
    return this.#waiters.length;
  }

  /**
   * Wait for a turn, right before the request goes out. Turns are granted in arrival order. Resolves with the
   * function to call when the answer is back: until then, and for a window after, the slot stays taken.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
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

  /** ECS said "Rate exceeded": slow down at once, to half of what we were sending. */
  throttled(): void {
    const now = this.#scheduler.now();
    // One cut per window: the other requests already on the wire were sent at the old rate and say nothing new.
    if (this.#lastCutAt !== undefined && now - this.#lastCutAt < WINDOW_MS) return;
    this.#lastCutAt = now;
    const recent = this.#slots.filter((slot) => slot.doneAt === undefined || now - slot.sentAt < WINDOW_MS).length;
    // Halving a ceiling of 1000 when we send 30 a second would change nothing: halve what we actually sent.
    this.#effective = Math.max(this.#minimum, Math.min(this.#effective, Math.max(1, recent)) / 2);
  }

  /** A request went through: recover by about one request a second per second of use, towards the ceiling. */
  succeeded(): void {
    this.#effective = Math.min(this.ceiling, this.#effective + 1 / Math.max(1, this.#effective));
  }

  /** Milliseconds until the next request may go out: 0 = now, Infinity = when a request in flight is answered. */
  #waitMs(now: number): number {
    // Below one request a second, one slot held for longer than a second keeps the spacing.
    const windowMs = Math.max(WINDOW_MS, 1000 / this.#effective);
    const allowed = Math.max(1, Math.floor(this.#effective));
    this.#slots = this.#slots.filter((slot) => slot.doneAt === undefined || now - slot.doneAt < windowMs);
    if (this.#slots.length < allowed) return 0;
    const freeAt = this.#slots.map((slot) => (slot.doneAt === undefined ? Infinity : slot.doneAt + windowMs));
    freeAt.sort((a, b) => a - b);
    const mustLeave = freeAt[this.#slots.length - allowed] ?? Infinity;
    return mustLeave - now;
  }

  #pump(): void {
    if (this.#pumpScheduled) return;
    while (this.#waiters.length > 0) {
      const now = this.#scheduler.now();
      const wait = this.#waitMs(now);
      if (wait === Infinity) return; // a release pumps again
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
      const slot: Slot = { sentAt: now };
      this.#slots.push(slot);
      waiter.resolve(() => {
        if (slot.doneAt !== undefined) return;
        slot.doneAt = this.#scheduler.now();
        this.#pump();
      });
    }
  }
}
