/** A source of "now" in epoch milliseconds. Everything time-dependent takes one, so tests never sleep. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: the clock of every test. */
export class ManualClock implements Clock {
  #now: number;
  constructor(startMs: number) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a clock cannot go backwards');
    this.#now += ms;
  }
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError('a clock cannot go backwards');
    this.#now = ms;
  }
}

/**
 * Simulated time that runs `speed` times faster than a base clock, starting at `startMs`.
 * The simulator uses it to run "live from a seed".
 */
export class ScaledClock implements Clock {
  readonly #base: Clock;
  readonly #baseStart: number;
  readonly #start: number;
  readonly #speed: number;
  constructor(base: Clock, startMs: number, speed: number) {
    if (!(speed > 0)) throw new RangeError('speed must be positive');
    this.#base = base;
    this.#baseStart = base.now();
    this.#start = startMs;
    this.#speed = speed;
  }
  now(): number {
    return Math.floor(this.#start + (this.#base.now() - this.#baseStart) * this.#speed);
  }
}
