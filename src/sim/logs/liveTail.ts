/**
 * StartLiveTail sessions: an event stream that opens with `sessionStart`, then about once a second sends a
 * `sessionUpdate` with the events ingested since the last one, from the requested groups' streams (by name or
 * prefix) that match the filter pattern. Above 500 events a second an update is sampled down (and says so). A
 * session ends when its client goes away, when the server closes, or after its timeout (CloudWatch: 3 hours) with
 * a SessionTimeoutException in the stream.
 *
 * Pacing is the wall clock's, through a Scheduler, so tests drive it with a VirtualScheduler instead of sleeping;
 * the events come from the model's clock (each tick advances the model first).
 */
import type { SeededRandom } from '../../lib/random.ts';
import { realScheduler, type Scheduler, type TimerHandle } from '../../lib/scheduler.ts';
import type { SimModel } from '../model/model.ts';
import type { SimStream, SimStreamSink } from '../protocol.ts';
import { eventMessage, exceptionMessage } from './eventStream.ts';
import type { Matcher } from './filterPattern.ts';
import type { LogGroup, LogStream } from './store.ts';

export interface LiveTailOptions {
  /** Paces updates and the timeout. Default: real timers. */
  scheduler?: Scheduler;
  /** Default 1,000 ms. */
  updateIntervalMs?: number;
  /** Default 3 hours. */
  sessionTimeoutMs?: number;
  /** Concurrent sessions before StartLiveTail answers LimitExceededException (CloudWatch: 15). */
  maxSessions?: number;
}

/** Above this many events per second an update is sampled. */
export const SAMPLE_ABOVE_PER_SECOND = 500;
export const DEFAULT_SESSION_TIMEOUT_MS = 3 * 3600_000;
export const DEFAULT_MAX_SESSIONS = 15;

export interface LiveTailRequest {
  requestId: string;
  groups: { identifier: string; group: LogGroup }[];
  logStreamNames?: string[];
  logStreamNamePrefixes?: string[];
  filterPattern?: string;
  matcher: Matcher;
}

export class LiveTailHub {
  readonly #model: SimModel;
  readonly #random: SeededRandom;
  readonly #scheduler: Scheduler;
  readonly updateIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly maxSessions: number;
  readonly #sessions = new Set<LiveTailSession>();

  constructor(model: SimModel, random: SeededRandom, options: LiveTailOptions = {}) {
    this.#model = model;
    this.#random = random;
    this.#scheduler = options.scheduler ?? realScheduler;
    this.updateIntervalMs = options.updateIntervalMs ?? 1000;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  }

  /** Sessions open now (a closed one is gone at once). */
  get openSessions(): number {
    return this.#sessions.size;
  }

  /** Sessions open plus those answered but not started yet count against the limit. */
  hasRoom(): boolean {
    return this.#sessions.size < this.maxSessions;
  }

  open(request: LiveTailRequest): SimStream {
    const session = new LiveTailSession(this.#model, this.#scheduler, this, request, this.#random.uuid());
    this.#sessions.add(session);
    return session;
  }

  closeAll(): void {
    for (const session of [...this.#sessions]) session.close();
  }

  /** @internal */
  forget(session: LiveTailSession): void {
    this.#sessions.delete(session);
  }
}

class LiveTailSession implements SimStream {
  readonly #model: SimModel;
  readonly #scheduler: Scheduler;
  readonly #hub: LiveTailHub;
  readonly #request: LiveTailRequest;
  readonly #sessionId: string;
  #sink: SimStreamSink | undefined;
  #timer: TimerHandle | undefined;
  #startedAt = 0;
  /** Events ingested up to this model time have been sent. */
  #sentUpTo = 0;
  #closed = false;

  constructor(model: SimModel, scheduler: Scheduler, hub: LiveTailHub, request: LiveTailRequest, sessionId: string) {
    this.#model = model;
    this.#scheduler = scheduler;
    this.#hub = hub;
    this.#request = request;
    this.#sessionId = sessionId;
  }

  start(sink: SimStreamSink): void {
    if (this.#closed) return;
    this.#sink = sink;
    this.#startedAt = this.#scheduler.now();
    this.#sentUpTo = this.#model.now();
    const request = this.#request;
    const start: Record<string, unknown> = {
      requestId: request.requestId,
      sessionId: this.#sessionId,
      logGroupIdentifiers: request.groups.map((entry) => entry.identifier),
      logEventFilterPattern: request.filterPattern ?? '',
    };
    if (request.logStreamNames) start.logStreamNames = request.logStreamNames;
    if (request.logStreamNamePrefixes) start.logStreamNamePrefixes = request.logStreamNamePrefixes;
    // JSON-protocol event streams open with the response's other members (none here): botocore insists on it.
    sink.write(eventMessage('initial-response', {}));
    sink.write(eventMessage('sessionStart', start));
    this.#schedule();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) this.#scheduler.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#hub.forget(this);
    this.#sink?.end();
  }

  #schedule(): void {
    this.#timer = this.#scheduler.setTimeout(() => this.#tick(), this.#hub.updateIntervalMs);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#closed || !this.#sink) return;
    if (this.#scheduler.now() - this.#startedAt >= this.#hub.sessionTimeoutMs) {
      const hours = this.#hub.sessionTimeoutMs / 3600_000;
      this.#sink.write(
        exceptionMessage(
          'SessionTimeoutException',
          `The Live Tail session has ended after ${hours >= 1 ? `${hours} hours` : `${this.#hub.sessionTimeoutMs / 1000} seconds`}.`,
        ),
      );
      this.close();
      return;
    }
    this.#model.advance();
    const now = this.#model.now();
    const results = this.#collect(this.#sentUpTo, now);
    this.#sentUpTo = Math.max(this.#sentUpTo, now);
    const limit = Math.max(1, Math.round((SAMPLE_ABOVE_PER_SECOND * this.#hub.updateIntervalMs) / 1000));
    const sampled = results.length > limit;
    const sent = sampled ? sample(results, limit) : results;
    this.#sink.write(eventMessage('sessionUpdate', { sessionMetadata: { sampled }, sessionResults: sent }));
    this.#schedule();
  }

  #collect(after: number, upTo: number): Record<string, unknown>[] {
    const request = this.#request;
    const logs = this.#model.logs;
    const found: {
      event: { timestamp: number; message: string; ingestionTime: number };
      wire: Record<string, unknown>;
    }[] = [];
    for (const { identifier, group } of request.groups) {
      for (const stream of logs.streamsOf(group)) {
        if (!wanted(stream, request)) continue;
        for (const event of logs.ingestedBetween(stream, after, upTo)) {
          if (!request.matcher(event.message)) continue;
          found.push({
            event,
            wire: {
              logStreamName: stream.name,
              logGroupIdentifier: identifier,
              message: event.message,
              timestamp: event.timestamp,
              ingestionTime: event.ingestionTime,
            },
          });
        }
      }
    }
    found.sort((a, b) => a.event.ingestionTime - b.event.ingestionTime || a.event.timestamp - b.event.timestamp);
    return found.map((entry) => entry.wire);
  }
}

function wanted(stream: LogStream, request: LiveTailRequest): boolean {
  if (request.logStreamNames) return request.logStreamNames.includes(stream.name);
  if (request.logStreamNamePrefixes)
    return request.logStreamNamePrefixes.some((prefix) => stream.name.startsWith(prefix));
  return true;
}

/** Every n-th event, so a sampled update still spans the whole second. */
function sample<T>(items: T[], limit: number): T[] {
  const step = items.length / limit;
  return Array.from({ length: limit }, (_, i) => items[Math.floor(i * step)] as T);
}
