/**
 * What every AWS service we read shares, ECS, CloudWatch Logs and CloudWatch alike: an SDK client configuration
 * whose HTTP handler holds the service's own request budget and the attempt's deadline (budgetedHttpHandler.ts),
 * loggers that never reach the terminal, and one logical call = attempts with jittered backoff, errors mapped to
 * one sentence naming the service.
 *
 * The SDK's own retries are off (maxAttempts 1): reads are retried on throttling, server faults and network errors;
 * writes only on throttling (the service did nothing then), so one intent is never two calls that both took effect.
 */
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Scheduler } from '../lib/scheduler.ts';
import { delay } from '../lib/scheduler.ts';
import { RequestBudget } from './budget.ts';
import { BudgetedHttpHandler } from './budgetedHttpHandler.ts';
import { GatewayError, type ServiceNaming, toGatewayError } from './errors.ts';
import type { CallOptions, GatewayTarget } from './gateway.ts';
import { CallStats, type CallStatsSnapshot } from './stats.ts';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Credentials the simulator accepts; it checks none. */
export const SIMULATOR_CREDENTIALS = { accessKeyId: 'ecsdeck-simulator', secretAccessKey: 'ecsdeck-simulator' };

/**
 * Where and how a gateway reaches its service: the part of every gateway's options (ECS, CloudWatch Logs, CloudWatch)
 * its transport and its target are made from, handed on whole.
 */
export interface ServiceClientOptions {
  region?: string | undefined;
  profile?: string | undefined;
  /** `--endpoint-url` (it applies to every service); the SDK honours AWS_ENDPOINT_URL_<SERVICE> when absent. */
  endpoint?: string | undefined;
  /** True when the endpoint is our simulator: dummy credentials. */
  simulator?: boolean | undefined;
  /** This service's calls per second, all operations together. */
  budgetPerSecond: number;
  scheduler: Scheduler;
  /** Per-attempt deadline, connect to last byte. */
  requestTimeoutMs?: number | undefined;
  /** Where the SDK's and the HTTP handler's own log lines go; by default nowhere (never the terminal). */
  log?: ((line: string) => void) | undefined;
}

export interface ServiceTransportOptions extends ServiceClientOptions {
  service: ServiceNaming;
  /** Operations answered with a long-lived event stream (see budgetedHttpHandler.ts). */
  streamingOperations?: readonly string[];
}

/** The parts of an SDK client's configuration that carry the budget, the deadline and the logger. */
export interface ServiceClientConfig {
  maxAttempts: number;
  logger: ReturnType<typeof libraryLogger>;
  requestHandler: BudgetedHttpHandler;
  region?: string;
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** An endpoint of our own (a simulator, a proxy) has one host name: no `stream-` host prefix in front of it. */
  disableHostPrefix?: boolean;
}

export interface ServiceTransport {
  config: ServiceClientConfig;
  budget: RequestBudget;
  stats: CallStats;
}

/** A smithy/AWS SDK logger that hands every line to `log`, console never. */
export function libraryLogger(log: (line: string) => void) {
  const line =
    (level: string) =>
    (...content: unknown[]) =>
      log(`${level} ${content.map((part) => (typeof part === 'string' ? part : String(part))).join(' ')}`);
  return { trace: line('trace'), debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

/** The client configuration, budget and call statistics of one service. Loads the HTTP handler module lazily. */
export async function createServiceTransport(options: ServiceTransportOptions): Promise<ServiceTransport> {
  const { NodeHttpHandler } = await import('@smithy/node-http-handler');
  return serviceTransport(options, NodeHttpHandler);
}

function serviceTransport(options: ServiceTransportOptions, HttpHandler: typeof NodeHttpHandler): ServiceTransport {
  const logger = libraryLogger(options.log ?? (() => {}));
  const budget = new RequestBudget({ ratePerSecond: options.budgetPerSecond, scheduler: options.scheduler });
  const stats = new CallStats(options.scheduler);
  const attemptTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const where = () =>
    options.endpoint || `${options.service.name} in ${options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION}`;
  const config: ServiceClientConfig = {
    maxAttempts: 1,
    logger,
    requestHandler: new BudgetedHttpHandler(
      new HttpHandler({
        connectionTimeout: 5_000,
        // A backstop on real time, a second after our own deadline (on the scheduler), which ends the attempt first.
        requestTimeout: attemptTimeoutMs + 1000,
        throwOnRequestTimeout: true,
        logger,
      }),
      {
        budget,
        stats,
        scheduler: options.scheduler,
        attemptTimeoutMs,
        ...(options.streamingOperations ? { streamingOperations: new Set(options.streamingOperations) } : {}),
        timedOut: (operation) =>
          new GatewayError(
            'network',
            `${where()} did not answer ${operation} within ${Math.round(attemptTimeoutMs / 100) / 10} s.`,
            { operation },
          ),
      },
    ),
  };
  if (options.region) config.region = options.region;
  if (options.profile) config.profile = options.profile;
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    config.disableHostPrefix = true;
  }
  if (options.simulator) {
    config.region = options.region ?? DEFAULT_REGION;
    config.credentials = SIMULATOR_CREDENTIALS;
  }
  return { config, budget, stats };
}

export class Semaphore {
  #free: number;
  #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

export interface ServiceCallerOptions {
  service: ServiceNaming;
  scheduler: Scheduler;
  budget: RequestBudget;
  stats: CallStats;
  /** Where the calls go, for sentences: the endpoint, region and profile as resolved. */
  target: { endpoint?: string; region?: string; profile?: string };
  /** Calls in flight at once. */
  concurrency?: number;
  /** Attempts per read call (1 = no retry); throttled attempts do not count when `throttlePatienceMs` is set. */
  maxAttempts?: number;
  /** Keep retrying a throttled call until it has been throttled for this long without a break. */
  throttlePatienceMs?: number;
  /** Spreads the retry backoff (a float in [0, 1)); tests pass a seeded one. Default Math.random. */
  random?: () => number;
}

/** One logical call to a service: attempts (each through the budget) with backoff, errors mapped to GatewayError. */
export class ServiceCaller {
  readonly #options: ServiceCallerOptions;
  readonly #slots: Semaphore;
  readonly #maxAttempts: number;
  readonly #random: () => number;

  constructor(options: ServiceCallerOptions) {
    this.#options = options;
    this.#slots = new Semaphore(options.concurrency ?? 6);
    this.#maxAttempts = options.maxAttempts ?? 4;
    this.#random = options.random ?? Math.random;
  }

  get service(): ServiceNaming {
    return this.#options.service;
  }

  stats(): CallStatsSnapshot {
    return this.#options.stats.snapshot();
  }

  budget(): { ceiling: number; effective: number } {
    return { ceiling: this.#options.budget.ceiling, effective: this.#options.budget.effectiveRate };
  }

  /** Counts a logical call that failed outside `call` (a paging walk stopped as endless). */
  failedCall(): void {
    this.#options.stats.failedCall();
  }

  /**
   * One attempt. Its deadline lives in the HTTP handler (budgetedHttpHandler.ts), counted from the moment the request
   * goes out, so time spent waiting for the budget never counts against it. A caller's abort (ctrl-r, a pane
   * switch) ends the attempt at once, whatever the library does with the signal.
   */
  async #attempt<T>(send: (signal?: AbortSignal) => Promise<T>, callerSignal: AbortSignal | undefined): Promise<T> {
    if (!callerSignal) return send();
    let onAbort = () => {};
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(callerSignal.reason);
      if (callerSignal.aborted) onAbort();
      else callerSignal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([send(callerSignal), aborted]);
    } finally {
      callerSignal.removeEventListener('abort', onAbort);
    }
  }

  async call<T>(
    operation: string,
    send: (signal?: AbortSignal) => Promise<T>,
    options: CallOptions | undefined,
    mutating = false,
  ): Promise<T> {
    const { budget, stats, scheduler, target, service } = this.#options;
    const signal = options?.signal;
    const patience = this.#options.throttlePatienceMs;
    let throttledSince: number | undefined;
    for (let attempt = 1, counted = 1; ; attempt++) {
      let error: GatewayError;
      try {
        const result = await this.#slots.run(() => this.#attempt(send, signal));
        budget.succeeded();
        return result;
      } catch (raw) {
        error = toGatewayError(raw, {
          operation,
          service,
          ...(target.endpoint ? { endpoint: target.endpoint } : {}),
          ...(target.profile ? { profile: target.profile } : {}),
          ...(target.region ? { region: target.region } : {}),
        });
        if (signal?.aborted) throw new GatewayError('aborted', `${operation} was cancelled.`, { operation });
      }
      let waitsOut = false;
      if (error.kind === 'throttled') {
        stats.throttledCall();
        budget.throttled();
        // Throttled on every attempt since then, without one success: past the patience, it is not going away.
        throttledSince ??= scheduler.now();
        waitsOut = patience !== undefined && scheduler.now() - throttledSince < patience;
      }
      const retryable = mutating ? error.kind === 'throttled' : error.transient;
      const outOfPatience = error.kind === 'throttled' && patience !== undefined && !waitsOut;
      // With patience, throttling is waited out rather than counted; other failures still count.
      if (!retryable || outOfPatience || (!waitsOut && counted >= this.#maxAttempts)) {
        stats.failedCall();
        throw error;
      }
      if (!waitsOut) counted++;
      // Exponential backoff with "equal jitter": half fixed, half random, so calls throttled together spread out.
      const backoff = Math.min(8_000, 250 * 2 ** Math.min(attempt - 1, 10));
      await delay(scheduler, backoff / 2 + this.#random() * (backoff / 2), signal);
    }
  }
}

/**
 * Where a service's client is pointed, once the SDK has resolved the region (flags, AWS_REGION, ~/.aws/config).
 * No region is one sentence, never a silent default: another region's service would show other resources, or none.
 */
export async function resolveServiceTarget(
  client: { config: { region: () => Promise<string> } },
  options: Pick<ServiceClientOptions, 'endpoint' | 'profile' | 'simulator'> & { forService?: string },
): Promise<GatewayTarget> {
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new GatewayError(
      'invalid-request',
      `No AWS region is set${options.forService ? ` for ${options.forService}` : ''}: pass --region, or set AWS_REGION or a region in ~/.aws/config.`,
      { operation: 'configuration' },
    );
  }
  return {
    kind: options.simulator ? 'simulator' : options.endpoint ? 'custom' : 'aws',
    region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  };
}
