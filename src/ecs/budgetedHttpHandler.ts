/**
 * The SDK's HTTP handler with the request budget in front of it: the budget slot is taken at the moment a
 * request goes out on the wire (every attempt, retries included, already signed) and held until its answer is
 * back, which is what keeps `--budget` true as the server counts (see budget.ts). Not earlier: time the SDK spends
 * before sending (credentials, endpoint, the first request's start-up) must not let requests granted a second
 * apart land together.
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RequestBudget } from './budget.ts';
import type { CallStats } from './stats.ts';

type HttpRequest = Parameters<NodeHttpHandler['handle']>[0];
type HttpHandlerOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;

/** `AmazonEC2ContainerServiceV20141113.ListClusters` -> `ListClusters`. */
function operationOf(request: HttpRequest): string {
  const target = request.headers['x-amz-target'] ?? request.headers['X-Amz-Target'] ?? '';
  return target.slice(target.lastIndexOf('.') + 1) || 'unknown';
}

export class BudgetedHttpHandler {
  readonly #inner: NodeHttpHandler;
  readonly #budget: RequestBudget;
  readonly #stats: CallStats;

  constructor(inner: NodeHttpHandler, budget: RequestBudget, stats: CallStats) {
    this.#inner = inner;
    this.#budget = budget;
    this.#stats = stats;
  }

  get metadata() {
    return this.#inner.metadata;
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): ReturnType<NodeHttpHandler['handle']> {
    const signal = options.abortSignal as AbortSignal | undefined;
    const release = await this.#budget.acquire(signal);
    this.#stats.started(operationOf(request));
    // Once sent, a request is not called back: aborting the socket does not stop bytes already on their way, and
    // the server may count the request after we gave up on it. So the request runs to its answer (or its own
    // timeout), and only then frees its slot; the caller who aborted is answered at once.
    const { abortSignal: _caller, ...sendOptions } = options;
    const answered = this.#inner.handle(request, sendOptions).finally(() => {
      this.#stats.finished();
      release();
    });
    if (!signal) return answered;
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason ?? new Error('aborted'));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      answered.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
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
