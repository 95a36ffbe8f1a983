/**
 * Call accounting for the header: calls per operation, throttled calls, errors, and the recent rate.
 */
import type { Clock } from '../lib/clock.ts';

export interface CallStatsSnapshot {
  total: number;
  throttled: number;
  errors: number;
  byOperation: Record<string, number>;
  /** Calls started in the last `rateWindowMs`, per second. */
  ratePerSecond: number;
  /** Calls sent and not yet answered. */
  inFlight: number;
}

export class CallStats {
  readonly #clock: Clock;
  readonly #rateWindowMs: number;
  #total = 0;
  #throttled = 0;
  #errors = 0;
  #byOperation = new Map<string, number>();
  #recent: number[] = [];
  #inFlight = 0;

  constructor(clock: Clock, rateWindowMs = 10_000) {
    this.#clock = clock;
    this.#rateWindowMs = rateWindowMs;
  }

  started(operation: string): void {
    this.#total++;
    this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
    this.#recent.push(this.#clock.now());
    this.#inFlight++;
    this.#trim();
  }

  /** The call started with `started` has its answer (or error). */
  finished(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  throttledCall(): void {
    this.#throttled++;
  }

  failedCall(): void {
    this.#errors++;
  }

  count(operation: string): number {
    return this.#byOperation.get(operation) ?? 0;
  }

  #trim(): void {
    const cutoff = this.#clock.now() - this.#rateWindowMs;
    let drop = 0;
    while (drop < this.#recent.length && (this.#recent[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) this.#recent.splice(0, drop);
  }

  snapshot(): CallStatsSnapshot {
    this.#trim();
    return {
      total: this.#total,
      throttled: this.#throttled,
      errors: this.#errors,
      byOperation: Object.fromEntries(this.#byOperation),
      ratePerSecond: this.#recent.length / (this.#rateWindowMs / 1000),
      inFlight: this.#inFlight,
    };
  }
}
