/**
 * The SDK's HTTP handler with the request budget and the attempt's deadline in front of it.
 *
 * The budget slot is taken at the moment a request goes out on the wire (every attempt, retries included, already
 * signed), which is what keeps `--budget` true as the server counts (see budget.ts). Not earlier: time the SDK
 * spends before sending (credentials, endpoint, the first request's start-up) must not let requests granted a
 * second apart land together.
 *
 * The deadline starts then too (waiting for the budget is not the endpoint's fault) and covers connecting, the
 * headers and the body: when it passes, or the caller aborts, the request is destroyed, socket and all, and the
 * caller is answered at once. Bytes already sent may still reach the server after we gave up, so an abandoned
 * request keeps its slot a further window before releasing it.
 *
 * A streaming operation (CloudWatch Logs' StartLiveTail: an event stream that lasts as long as the session) counts as
 * one request that is over once its headers are back: the deadline covers connecting and the headers, the slot is
 * released then, and the body stays open until it ends or the caller aborts (which destroys it at once).
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { delay, type Scheduler } from '../lib/scheduler.ts';
import type { RequestBudget } from './budget.ts';
import type { CallStats } from './stats.ts';

type HttpRequest = Parameters<NodeHttpHandler['handle']>[0];
type HttpHandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;

/** How long an abandoned request may still be on its way to the server. */
const IN_FLIGHT_GRACE_MS = 1000;

export interface BudgetedHttpHandlerOptions {
  budget: RequestBudget;
  stats: CallStats;
  scheduler: Scheduler;
  /** From the moment the request goes out to the last byte of its answer. */
  attemptTimeoutMs: number;
  /** The error an attempt that ran out of time fails with. */
  timedOut: (operation: string) => Error;
  /** Operations whose body is a long-lived event stream, not an answer to wait for. */
  streamingOperations?: ReadonlySet<string>;
}

/** `AmazonEC2ContainerServiceV20141113.ListClusters` -> `ListClusters`. */
function operationOf(request: HttpRequest): string {
  const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
  return target.slice(target.lastIndexOf('.') + 1) || 'unknown';
}

export class BudgetedHttpHandler {
  readonly #inner: NodeHttpHandler;
  readonly #options: BudgetedHttpHandlerOptions;

  constructor(inner: NodeHttpHandler, options: BudgetedHttpHandlerOptions) {
    this.#inner = inner;
    this.#options = options;
  }

  get metadata() {
    return this.#inner.metadata;
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): ReturnType<NodeHttpHandler['handle']> {
    const { budget, stats, scheduler, attemptTimeoutMs, timedOut } = this.#options;
    const callerSignal = options.abortSignal as AbortSignal | undefined;
    const release = await budget.acquire(callerSignal);
    const operation = operationOf(request);
    stats.started(operation);
    const attempt = new AbortController();
    const timer = scheduler.setTimeout(() => attempt.abort(timedOut(operation)), attemptTimeoutMs);
    const onCallerAbort = () => attempt.abort(callerSignal?.reason ?? new Error('aborted'));
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let onAttemptAbort = () => {};
    const abandoned = new Promise<never>((_resolve, reject) => {
      onAttemptAbort = () => reject(attempt.signal.reason);
      if (attempt.signal.aborted) onAttemptAbort();
      else attempt.signal.addEventListener('abort', onAttemptAbort, { once: true });
    });
    abandoned.catch(() => undefined);
    let finished = false;
    // The attempt is over when its body has been read (or it failed, or was abandoned): only then the slot frees.
    const finish = () => {
      if (finished) return;
      finished = true;
      scheduler.clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      attempt.signal.removeEventListener('abort', onAttemptAbort);
      stats.finished();
      if (attempt.signal.aborted) void delay(scheduler, IN_FLIGHT_GRACE_MS).then(release);
      else release();
    };
    const answered = this.#inner.handle(request, { ...options, abortSignal: attempt.signal });
    answered.catch(() => finish());
    let result: Awaited<ReturnType<NodeHttpHandler['handle']>>;
    try {
      result = await Promise.race([answered, abandoned]);
    } catch (error) {
      finish();
      throw error;
    }
    const body = result.response.body as
      | { destroy?: (error?: Error) => void; once?: (event: string, listener: () => void) => void; destroyed?: boolean }
      | undefined;
    if (typeof body?.once !== 'function' || typeof body.destroy !== 'function' || body.destroyed) {
      finish();
      return result;
    }
    if (this.#options.streamingOperations?.has(operation)) return this.#streaming(result, body, callerSignal, finish);
    // The deadline covers the body too: one trickling a byte a second is cut with the deadline's own error.
    const destroyBody = () => body.destroy?.(attempt.signal.reason as Error);
    if (attempt.signal.aborted) destroyBody();
    else attempt.signal.addEventListener('abort', destroyBody, { once: true });
    body.once('close', () => {
      attempt.signal.removeEventListener('abort', destroyBody);
      finish();
    });
    return result;
  }

  /**
   * The answer's headers are in: the request is over as far as the budget and the deadline go. The body (the
   * session) stays open until it closes by itself or the caller aborts, which destroys it, socket and all.
   */
  #streaming<T>(
    result: T,
    body: { destroy?: (error?: Error) => void; once?: (event: string, listener: () => void) => void },
    callerSignal: AbortSignal | undefined,
    finish: () => void,
  ): T {
    finish();
    if (!callerSignal) return result;
    const destroyBody = () => body.destroy?.(callerSignal.reason as Error);
    if (callerSignal.aborted) destroyBody();
    else {
      callerSignal.addEventListener('abort', destroyBody, { once: true });
      body.once?.('close', () => callerSignal.removeEventListener('abort', destroyBody));
    }
    return result;
  }

  updateHttpClientConfig(...args: Parameters<NodeHttpHandler['updateHttpClientConfig']>): void {
    this.#inner.updateHttpClientConfig(...args);
  }

  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.#inner.httpHandlerConfigs();
  }

  destroy(): void {
    this.#inner.destroy();
  }
}
