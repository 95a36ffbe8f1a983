/**
 * One resource's refresh loop: first run at once, then every `intervalMs`; never two runs at once (a refresh
 * asked for during a run aborts it and starts a new one); exponential backoff after errors; stop() aborts the run
 * in flight. Runs on an injected scheduler so tests move time instead of sleeping.
 */
import type { Scheduler, TimerHandle } from '../lib/scheduler.ts';

export interface PollerOptions {
  name: string;
  intervalMs: number;
  scheduler: Scheduler;
  /** One refresh. Throwing marks an error; the signal aborts on stop(). */
  run: (signal: AbortSignal) => Promise<void>;
  /** Called after each run with its outcome, for freshness bookkeeping. */
  onSettled?: (outcome: { ok: boolean; error?: unknown; at: number }) => void;
  onStart?: () => void;
  /** Longest wait after repeated errors. */
  maxBackoffMs?: number;
}

export class Poller {
  readonly name: string;
  readonly #options: PollerOptions;
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #controller: AbortController | undefined;
  #stopped = true;
  #consecutiveErrors = 0;
  #runs = 0;

  constructor(options: PollerOptions) {
    this.name = options.name;
    this.#options = options;
  }

  get runs(): number {
    return this.#runs;
  }

  get running(): boolean {
    return this.#running !== undefined;
  }

  get consecutiveErrors(): number {
    return this.#consecutiveErrors;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#kick();
  }

  stop(): void {
    this.#stopped = true;
    this.#clearTimer();
    this.#controller?.abort(new Error(`${this.name} stopped`));
  }

  /**
   * Refresh now (ctrl-r, after an action): a request goes out at once. A run in flight is aborted first: it may
   * be stuck on a stalled connection, and its answer would be older than the one asked for anyway.
   */
  refreshNow(): void {
    if (this.#stopped) return;
    if (this.#running) this.#controller?.abort(new Error(`${this.name} refreshed`));
    this.#clearTimer();
    this.#kick();
  }

  /** Resolves when the run in flight (if any) has settled. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** The wait before the next run: the interval, doubled per consecutive error up to the cap. */
  nextDelayMs(): number {
    const { intervalMs, maxBackoffMs = Math.max(intervalMs, 120_000) } = this.#options;
    if (this.#consecutiveErrors === 0) return intervalMs;
    return Math.min(maxBackoffMs, intervalMs * 2 ** this.#consecutiveErrors);
  }

  #clearTimer(): void {
    if (this.#timer) this.#options.scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #kick(): void {
    const controller = new AbortController();
    this.#controller = controller;
    this.#options.onStart?.();
    this.#runs++;
    const running: Promise<void> = this.#options
      .run(controller.signal)
      .then(
        () => {
          if (controller.signal.aborted) return;
          this.#consecutiveErrors = 0;
          this.#options.onSettled?.({ ok: true, at: this.#options.scheduler.now() });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          this.#consecutiveErrors++;
          this.#options.onSettled?.({ ok: false, error, at: this.#options.scheduler.now() });
        },
      )
      .finally(() => {
        // A run that refreshNow replaced leaves the scheduling to its successor.
        if (this.#running !== running) return;
        this.#running = undefined;
        if (this.#stopped) return;
        this.#timer = this.#options.scheduler.setTimeout(() => {
          this.#timer = undefined;
          if (!this.#stopped && !this.#running) this.#kick();
        }, this.nextDelayMs());
      });
    this.#running = running;
  }
}
