/**
 * LogsGateway over @aws-sdk/client-cloudwatch-logs, with the same discipline as the ECS gateway (sdkGateway.ts): its
 * own request budget in the HTTP handler (`--logs-budget`, counted as CloudWatch Logs sees requests), a deadline
 * per attempt, retries with backoff that halve the rate on throttling, errors as one sentence naming CloudWatch Logs.
 *
 * A log group in another region (`awslogs-region`) is read with a client for that region, made once and sharing the
 * one logs budget. StartLiveTail is one request as far as the budget goes; its event stream stays open until the
 * caller aborts (it is billed per minute, so it is closed at once) or CloudWatch ends the session.
 *
 * Everything in an answer is untrusted: a record with a missing or mistyped field is dropped or read as far as it
 * can be, never allowed to throw away the page; messages are kept raw (they are sanitised where they are shown).
 */
import type { CloudWatchLogsClient, CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { sanitizeText } from '../domain/sanitize.ts';
import { GatewayError, type ServiceNaming, toGatewayError } from '../ecs/errors.ts';
import type { CallOptions, GatewayTarget } from '../ecs/gateway.ts';
import { responseBodyGuard } from '../ecs/responseBody.ts';
import {
  createServiceTransport,
  resolveServiceTarget,
  ServiceCaller,
  type ServiceClientConfig,
  type ServiceTransport,
} from '../ecs/serviceCaller.ts';
import type { Scheduler } from '../lib/scheduler.ts';
import { GET_LOG_EVENTS_MAX_LIMIT } from './paging.ts';
import type {
  FilteredLogEventsPage,
  FilterLogEventsRequest,
  GetLogEventsRequest,
  LiveTailRequest,
  LiveTailUpdate,
  LogEvent,
  LogEventsPage,
  LogStreamRef,
  LogsGateway,
} from './types.ts';

type Sdk = typeof import('@aws-sdk/client-cloudwatch-logs');

export const LOGS_NAMING: ServiceNaming = { name: 'CloudWatch Logs', iamPrefix: 'logs' };

export interface SdkLogsGatewayOptions {
  region?: string;
  profile?: string;
  /** `--endpoint-url` (it applies to ECS and CloudWatch Logs alike); else AWS_ENDPOINT_URL_CLOUDWATCH_LOGS. */
  endpoint?: string;
  /** True when the endpoint is our simulator: dummy credentials. */
  simulator?: boolean;
  /** `--logs-budget`: CloudWatch Logs calls per second, all operations and regions together. */
  budgetPerSecond: number;
  scheduler: Scheduler;
  concurrency?: number;
  /** Attempts per call (1 = no retry). */
  maxAttempts?: number;
  random?: () => number;
  /** Per-attempt deadline; for StartLiveTail it covers the session's start, not the session. */
  requestTimeoutMs?: number;
  log?: (line: string) => void;
  maxResponseBytes?: number;
  /** Environment to read AWS_ENDPOINT_URL_CLOUDWATCH_LOGS from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface SdkLogsGateway extends LogsGateway {
  /** Closes the sockets of every region's client. */
  close(): void;
}

export async function createSdkLogsGateway(options: SdkLogsGatewayOptions): Promise<SdkLogsGateway> {
  // Imported here: the first frame must never wait for an SDK (test/package/build.test.ts keeps it out).
  const sdk = await import('@aws-sdk/client-cloudwatch-logs');
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? (env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS?.trim() || undefined);
  const transport = await createServiceTransport({
    ...options,
    service: LOGS_NAMING,
    endpoint,
    streamingOperations: ['StartLiveTail'],
  });
  const client = new sdk.CloudWatchLogsClient(transport.config satisfies CloudWatchLogsClientConfig);
  const target = await resolveServiceTarget(client, {
    ...options,
    endpoint,
  });
  return new SdkLogsGatewayImpl(sdk, client, transport, target, options);
}

/** One region's client and the caller whose sentences name that region. */
interface RegionClient {
  client: CloudWatchLogsClient;
  caller: ServiceCaller;
}

class SdkLogsGatewayImpl implements SdkLogsGateway {
  readonly target: GatewayTarget;
  readonly #sdk: Sdk;
  readonly #transport: ServiceTransport;
  readonly #options: SdkLogsGatewayOptions;
  readonly #regions = new Map<string, RegionClient>();
  readonly #home: RegionClient;
  readonly #maxResponseBytes: number | undefined;

  constructor(
    sdk: Sdk,
    client: CloudWatchLogsClient,
    transport: ServiceTransport,
    target: GatewayTarget,
    options: SdkLogsGatewayOptions,
  ) {
    this.#sdk = sdk;
    this.#transport = transport;
    this.target = target;
    this.#options = options;
    this.#maxResponseBytes = options.maxResponseBytes;
    this.#home = { client, caller: this.#callerFor(target.region) };
    this.#regions.set(target.region, this.#home);
  }

  #callerFor(region: string): ServiceCaller {
    const options = this.#options;
    return new ServiceCaller({
      service: LOGS_NAMING,
      scheduler: options.scheduler,
      budget: this.#transport.budget,
      stats: this.#transport.stats,
      target: {
        region,
        ...(this.target?.endpoint ? { endpoint: this.target.endpoint } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
      },
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  }

  /** The client of `region` (the home region's when absent), made on first use with the shared budget and handler. */
  #in(region: string | undefined): RegionClient {
    const key = region?.trim() || this.target.region;
    const known = this.#regions.get(key);
    if (known) return known;
    const config: ServiceClientConfig = { ...this.#transport.config, region: key };
    const made = {
      client: new this.#sdk.CloudWatchLogsClient(config satisfies CloudWatchLogsClientConfig),
      caller: this.#callerFor(key),
    };
    this.#regions.set(key, made);
    return made;
  }

  stats() {
    return this.#transport.stats.snapshot();
  }

  budget() {
    return { ceiling: this.#transport.budget.ceiling, effective: this.#transport.budget.effectiveRate };
  }

  close(): void {
    // The regions share one HTTP handler: destroying it once closes every socket.
    this.#home.client.destroy();
  }

  /** Guarded like ECS answers: bounded bodies, and one mistyped field read leniently instead of failing the page. */
  #guarded<C extends { middlewareStack: { use: (pluggable: never) => void } }>(command: C): C {
    command.middlewareStack.use(responseBodyGuard(this.#maxResponseBytes) as never);
    return command;
  }

  async getLogEvents(ref: LogStreamRef, request: GetLogEventsRequest, options?: CallOptions): Promise<LogEventsPage> {
    const { client, caller } = this.#in(ref.region);
    const limit = request.limit === undefined ? undefined : clampLimit(request.limit);
    try {
      const out = await caller.call(
        'GetLogEvents',
        (abortSignal) =>
          client.send(
            this.#guarded(
              new this.#sdk.GetLogEventsCommand({
                logGroupName: ref.group,
                logStreamName: ref.stream,
                startFromHead: request.startFromHead ?? false,
                ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
                ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
                ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
                ...(limit !== undefined ? { limit } : {}),
              }),
            ),
            { abortSignal },
          ),
        options,
      );
      const page: LogEventsPage = { events: normalizeEvents(out.events, () => ref.stream) };
      const forward = tokenOf(out.nextForwardToken);
      const backward = tokenOf(out.nextBackwardToken);
      if (forward) page.nextForwardToken = forward;
      if (backward) page.nextBackwardToken = backward;
      return page;
    } catch (error) {
      throw missingStreamError(error, ref);
    }
  }

  async filterLogEvents(
    group: string,
    request: FilterLogEventsRequest,
    options?: CallOptions & { region?: string },
  ): Promise<FilteredLogEventsPage> {
    const { client, caller } = this.#in(options?.region);
    const out = await caller.call(
      'FilterLogEvents',
      (abortSignal) =>
        client.send(
          this.#guarded(
            new this.#sdk.FilterLogEventsCommand({
              logGroupName: group,
              ...(request.streamNames?.length ? { logStreamNames: request.streamNames } : {}),
              ...(request.filterPattern ? { filterPattern: request.filterPattern } : {}),
              ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
              ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
              ...(request.nextToken !== undefined ? { nextToken: request.nextToken } : {}),
              ...(request.limit !== undefined ? { limit: clampLimit(request.limit) } : {}),
            }),
          ),
          { abortSignal },
        ),
      options,
    );
    const page: FilteredLogEventsPage = { events: normalizeEvents(out.events, streamField) };
    const next = tokenOf(out.nextToken);
    if (next) page.nextToken = next;
    return page;
  }

  async *startLiveTail(
    request: LiveTailRequest,
    options: CallOptions & { region?: string },
  ): AsyncGenerator<LiveTailUpdate, void, undefined> {
    const { client, caller } = this.#in(options.region);
    // Ours to abort when the consumer stops iterating (break, return, throw): the session must close at once.
    const session = new AbortController();
    const callerSignal = options.signal;
    const onAbort = () => session.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onAbort();
    else callerSignal?.addEventListener('abort', onAbort, { once: true });
    const context = {
      operation: 'StartLiveTail',
      service: LOGS_NAMING,
      region: options.region ?? this.target.region,
      ...(this.target.endpoint ? { endpoint: this.target.endpoint } : {}),
    };
    try {
      const out = await caller.call(
        'StartLiveTail',
        (abortSignal) =>
          client.send(
            new this.#sdk.StartLiveTailCommand({
              logGroupIdentifiers: request.groups,
              ...(request.streamNames?.length ? { logStreamNames: request.streamNames } : {}),
              ...(request.filterPattern ? { logEventFilterPattern: request.filterPattern } : {}),
            }),
            { abortSignal: abortSignal ?? session.signal },
          ),
        { signal: session.signal },
      );
      const stream = out.responseStream;
      if (!stream || typeof (stream as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
        throw new GatewayError(
          'unparseable',
          `${this.target.endpoint ?? `CloudWatch Logs in ${context.region}`} answered StartLiveTail without an event stream.`,
          { operation: 'StartLiveTail' },
        );
      }
      try {
        for await (const message of stream as AsyncIterable<unknown>) {
          const update = liveTailUpdateOf(message);
          if (update) yield update;
        }
      } catch (error) {
        if (session.signal.aborted) return;
        throw toGatewayError(error, context);
      }
    } catch (error) {
      // Closed by the caller while it was starting: nothing to report.
      if (session.signal.aborted) return;
      if (error instanceof GatewayError) throw error;
      throw toGatewayError(error, context);
    } finally {
      callerSignal?.removeEventListener('abort', onAbort);
      // Closes the event stream (the HTTP handler destroys its body on this signal): nothing stays billed.
      session.abort(new Error('live tail closed'));
    }
  }
}

function clampLimit(limit: number): number {
  return Math.max(1, Math.min(GET_LOG_EVENTS_MAX_LIMIT, Math.floor(limit)));
}

function tokenOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A time in epoch ms from a field that should be a number (the lenient path may hand us a numeric string). */
function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^[0-9]{1,16}$/.test(value)) return Number(value);
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  return undefined;
}

function streamField(record: Record<string, unknown>): string | undefined {
  return typeof record.logStreamName === 'string' ? record.logStreamName : undefined;
}

/**
 * One event as far as it can be read: a message that is not text is shown as what it is (a number, true), a
 * missing timestamp falls back to the ingestion time; a record with neither a message nor a time is dropped.
 */
export function normalizeLogEvent(
  raw: unknown,
  streamOf: (record: Record<string, unknown>) => string | undefined,
): LogEvent | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const record = raw as Record<string, unknown>;
  const ingestionTime = epochMs(record.ingestionTime);
  const timestamp = epochMs(record.timestamp) ?? ingestionTime;
  const message =
    typeof record.message === 'string'
      ? record.message
      : typeof record.message === 'number' || typeof record.message === 'boolean'
        ? String(record.message)
        : undefined;
  if (timestamp === undefined || message === undefined) return undefined;
  return {
    timestamp,
    ...(ingestionTime !== undefined ? { ingestionTime } : {}),
    message,
    stream: streamOf(record) ?? '',
  };
}

export function normalizeEvents(
  raw: unknown,
  streamOf: (record: Record<string, unknown>) => string | undefined,
): LogEvent[] {
  if (!Array.isArray(raw)) return [];
  const events: LogEvent[] = [];
  for (const item of raw) {
    try {
      const event = normalizeLogEvent(item, streamOf);
      if (event) events.push(event);
    } catch {
      // A record that throws when read (a getter, a proxy) is one record lost, never the page.
    }
  }
  return events;
}

/**
 * A live tail's sessionUpdate as an update; its sessionStart as an update without events (the session is open from
 * then on: whatever was ingested before is for GetLogEvents to read); anything unknown is not an update.
 */
export function liveTailUpdateOf(message: unknown): LiveTailUpdate | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const start = (message as { sessionStart?: unknown }).sessionStart;
  if (typeof start === 'object' && start !== null) return { events: [], sampled: false };
  const update = (message as { sessionUpdate?: unknown }).sessionUpdate;
  if (typeof update !== 'object' || update === null) return undefined;
  const { sessionResults, sessionMetadata } = update as { sessionResults?: unknown; sessionMetadata?: unknown };
  const sampled =
    typeof sessionMetadata === 'object' &&
    sessionMetadata !== null &&
    (sessionMetadata as { sampled?: unknown }).sampled === true;
  return { events: normalizeEvents(sessionResults, streamField), sampled };
}

/** A missing group or stream said in words the user can act on; every other error as it is. */
function missingStreamError(error: unknown, ref: LogStreamRef): unknown {
  if (!(error instanceof GatewayError) || error.kind !== 'not-found') return error;
  const group = sanitizeText(ref.group, { maxLength: 200 });
  const stream = sanitizeText(ref.stream, { maxLength: 300 });
  const sentence = /log group/i.test(error.message)
    ? `The log group ${group} does not exist${ref.region ? ` in ${sanitizeText(ref.region, { maxLength: 40 })}` : ''} (never created, or deleted).`
    : `The log stream ${stream} does not exist in ${group}: never created (the container did not start), expired by the group's retention, or not yet written.`;
  return new GatewayError('not-found', sentence, {
    operation: error.operation,
    ...(error.code ? { code: error.code } : {}),
    ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}),
    cause: error,
  });
}
