/**
 * Reads and follows the log streams on screen (one container, a task's containers, a service's tasks):
 *
 * 1. History: per stream, the newest page backwards from the end (since `tail`), or every page forward from
 *    `now - since` (or the head of the stream for `all`) until the forward token repeats, up to the buffer's bound.
 *    With a filter pattern: FilterLogEvents over the group for those streams in the same window.
 * 2. Follow: StartLiveTail per log group for the streams on screen, opened before the history is read so nothing
 *    written meanwhile is missed (what both return is kept once). It is billed per minute: `close()` ends every
 *    session at once, and the view closes the follower as soon as it closes or its streams change.
 *    Where the live tail is refused (AccessDenied, an endpoint without it) or ends, polling takes over: GetLogEvents
 *    with each stream's forward token (FilterLogEvents from the newest timestamp seen, with a pattern), one round
 *    every 2 s or slower, so a round of calls fits the logs budget; the status says so, with the reason.
 *
 * A stream or group that does not exist is a sentence in the status, never an empty screen. Every timer is the
 * injected scheduler's, so tests run on virtual time.
 */

import { sanitizeText } from '../domain/sanitize.ts';
import { GatewayError } from '../ecs/errors.ts';
import type { Scheduler, TimerHandle } from '../lib/scheduler.ts';
import { DEFAULT_LINE_CAPACITY } from './buffer.ts';
import type { LiveTailUpdate, LogEvent, LogStreamRef, LogsGateway } from './types.ts';

export const SINCE_CHOICES = ['tail', '1m', '5m', '15m', '1h', 'all'] as const;
export type Since = (typeof SINCE_CHOICES)[number];

export const SINCE_MS: Readonly<Record<Exclude<Since, 'tail' | 'all'>, number>> = {
  '1m': 60_000,
  '5m': 5 * 60_000,
  '15m': 15 * 60_000,
  '1h': 3_600_000,
};

/** What `tail` reads of each stream: its newest lines, one page. */
export const TAIL_LINES = 1_000;
export const POLL_INTERVAL_MS = 2_000;
/** How far back from the history's newest line the live tail's copies are looked for. */
const DEDUPE_WINDOW_MS = 30_000;
/** How long the history waits for the live tail to start before it is read anyway. */
const LIVE_START_WAIT_MS = 5_000;
/** How long a stream that was missing waits before it is asked for again while polling. */
const MISSING_RETRY_MS = 10_000;

export type FollowPhase = 'history' | 'live' | 'polling' | 'done';

export interface FollowStatus {
  phase: FollowPhase;
  /** Why polling replaced the live tail (one sentence), when it did. */
  liveTailRefused?: string;
  /** The live tail sent only a sample (CloudWatch does above 500 lines per second). */
  sampled: boolean;
  /** One sentence per stream or group that does not exist (yet). */
  missing: string[];
  /** Why reading failed (the last error, one sentence), when the history could not be read at all. */
  error?: string;
  /** History stopped at the buffer's bound. */
  historyCut: boolean;
}

export interface LogFollowerOptions {
  gateway: LogsGateway;
  refs: readonly LogStreamRef[];
  scheduler: Scheduler;
  since: Since;
  /** A CloudWatch filter pattern, passed as typed; empty for none. */
  pattern?: string;
  /** Follow after the history (false: read the history and stop). */
  follow?: boolean;
  /** Most lines of history to read per stream (default: the buffer's bound). */
  historyLimit?: number;
  pollIntervalMs?: number;
  /** Lines in timestamp order within each batch; raw messages. */
  onEvents(events: LogEvent[]): void;
  onStatus(status: FollowStatus): void;
}

interface StreamState {
  ref: LogStreamRef;
  forwardToken?: string;
  missingSince?: number;
}

/** The key an event is known by when the history and the live tail both return it. */
const eventKey = (event: LogEvent) => `${event.stream}\u0000${event.timestamp}\u0000${event.message}`;

const byTimestamp = (a: LogEvent, b: LogEvent) => a.timestamp - b.timestamp;

function sentenceOf(error: unknown): string {
  if (error instanceof GatewayError) return sanitizeText(error.sentence);
  return sanitizeText(error instanceof Error ? error.message : String(error));
}

function isNotFound(error: unknown): boolean {
  return error instanceof GatewayError && error.kind === 'not-found';
}

function missingSentence(ref: LogStreamRef): string {
  return `The log stream ${sanitizeText(ref.stream)} does not exist in ${sanitizeText(
    ref.group,
  )}: never created, expired by the group's retention, or not yet written.`;
}

export class LogFollower {
  readonly #o: LogFollowerOptions;
  readonly #abort = new AbortController();
  /** The live tails' own: a refused one ends the others, not the history or the polling. */
  readonly #liveAbort = new AbortController();
  #liveFailed = false;
  readonly #streams: StreamState[];
  #status: FollowStatus = { phase: 'history', sampled: false, missing: [], historyCut: false };
  #pollTimer: TimerHandle | undefined;
  /** Live tail events that arrived while the history was being read. */
  #early: LogEvent[] | undefined = [];
  /** Keys of the history's events, to drop the live tail's copies of them. */
  #historyKeys = new Set<string>();
  /** With a pattern, polling asks FilterLogEvents from the newest timestamp seen, and skips what it already had. */
  #newestSeen = 0;
  #keysAtNewest = new Set<string>();
  #liveSessions = 0;
  #closed = false;
  /** Each live tail's start (its sessionStart, or its refusal): the history is read after, so nothing falls between. */
  #liveStarts: Promise<void>[] = [];

  constructor(options: LogFollowerOptions) {
    this.#o = options;
    this.#streams = options.refs.map((ref) => ({ ref }));
  }

  get status(): FollowStatus {
    return this.#status;
  }

  /** Starts reading; resolves once the history is in (following goes on until close). */
  async start(): Promise<void> {
    const follow = this.#o.follow !== false && this.#streams.length > 0;
    if (follow) {
      this.#startLiveTails();
      await this.#startedOrTimedOut();
    } else this.#early = undefined;
    if (this.#closed) return;
    try {
      const events = this.#o.pattern ? await this.#filteredHistory() : await this.#streamHistory();
      if (this.#closed) return;
      events.sort(byTimestamp);
      // The live tail can only repeat what was written since it started: the history's last moments.
      const newest = events.at(-1)?.timestamp ?? 0;
      for (const event of events) {
        if (event.timestamp >= newest - DEDUPE_WINDOW_MS) this.#historyKeys.add(eventKey(event));
      }
      this.#noteNewest(events);
      this.#emit(events);
    } catch (error) {
      if (this.#closed) return;
      this.#setStatus({ error: sentenceOf(error) });
    }
    if (this.#closed) return;
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#emit(early.filter((event) => !this.#historyKeys.has(eventKey(event))));
    if (!follow) {
      this.#setStatus({ phase: 'done' });
      return;
    }
    if (this.#liveSessions > 0 && !this.#liveFailed) this.#setStatus({ phase: 'live' });
    else this.#startPolling(this.#status.liveTailRefused ?? 'the live tail did not start');
  }

  /** Stops everything now: every live tail session closes, no call or timer is left. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(new Error('the log view closed'));
    this.#liveAbort.abort(new Error('the log view closed'));
    if (this.#pollTimer) this.#o.scheduler.clearTimeout(this.#pollTimer);
    this.#pollTimer = undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #setStatus(patch: Partial<FollowStatus>): void {
    if (this.#closed) return;
    this.#status = { ...this.#status, ...patch };
    this.#o.onStatus(this.#status);
  }

  #emit(events: LogEvent[]): void {
    if (events.length > 0 && !this.#closed) this.#o.onEvents(events);
  }

  #noteNewest(events: readonly LogEvent[]): void {
    for (const event of events) {
      if (event.timestamp > this.#newestSeen) {
        this.#newestSeen = event.timestamp;
        this.#keysAtNewest = new Set();
      }
      if (event.timestamp === this.#newestSeen) this.#keysAtNewest.add(eventKey(event));
    }
  }

  /** Streams (or groups) that do not exist, by stream, with the sentence that says so. */
  readonly #missing = new Map<string, string>();

  #noteMissing(ref: LogStreamRef, error?: unknown): void {
    const key = `${ref.group}\u0000${ref.stream}`;
    // The gateway's sentence names what is missing (the group or the stream); ours when there is none.
    const said = error instanceof GatewayError ? sanitizeText(error.sentence) : '';
    const sentence = `${sanitizeText(ref.container)}: ${said || missingSentence(ref)}`;
    if (this.#missing.get(key) === sentence) return;
    this.#missing.set(key, sentence);
    this.#setStatus({ missing: [...this.#missing.values()] });
  }

  #noteFound(ref: LogStreamRef): void {
    if (this.#missing.delete(`${ref.group}\u0000${ref.stream}`))
      this.#setStatus({ missing: [...this.#missing.values()] });
  }

  get #limit(): number {
    return this.#o.historyLimit ?? DEFAULT_LINE_CAPACITY;
  }

  #startTime(): number | undefined {
    const { since, scheduler } = this.#o;
    if (since === 'all') return undefined;
    // A pattern without a window searches the last hour: a group's whole history can be months of calls.
    if (since === 'tail') return this.#o.pattern ? scheduler.now() - SINCE_MS['1h'] : undefined;
    return scheduler.now() - SINCE_MS[since];
  }

  // ---------------------------------------------------------------- history

  async #streamHistory(): Promise<LogEvent[]> {
    const results = await Promise.allSettled(this.#streams.map((stream) => this.#historyOf(stream)));
    const events: LogEvent[] = [];
    let failure: unknown;
    results.forEach((result, index) => {
      const stream = this.#streams[index] as StreamState;
      if (result.status === 'fulfilled') events.push(...result.value);
      else if (isNotFound(result.reason)) {
        stream.missingSince = this.#o.scheduler.now();
        this.#noteMissing(stream.ref, result.reason);
      } else failure ??= result.reason;
    });
    // One stream failing for another reason fails the history only if nothing could be read.
    if (failure !== undefined && results.every((result) => result.status === 'rejected')) throw failure;
    if (failure !== undefined) this.#setStatus({ error: sentenceOf(failure) });
    return events;
  }

  async #historyOf(stream: StreamState): Promise<LogEvent[]> {
    const { gateway } = this.#o;
    const signal = this.#abort.signal;
    if (this.#o.since === 'tail') {
      const page = await gateway.getLogEvents(
        stream.ref,
        { startFromHead: false, limit: Math.min(TAIL_LINES, this.#limit) },
        { signal },
      );
      if (page.nextForwardToken) stream.forwardToken = page.nextForwardToken;
      return page.events;
    }
    const startTime = this.#startTime();
    const events: LogEvent[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await gateway.getLogEvents(
        stream.ref,
        {
          startFromHead: true,
          ...(startTime !== undefined ? { startTime } : {}),
          ...(token ? { nextToken: token } : {}),
        },
        { signal },
      );
      events.push(...page.events);
      const next = page.nextForwardToken;
      if (next) stream.forwardToken = next;
      // The end of a stream: the same token again (or none, or an empty page).
      if (!next || next === token || page.events.length === 0) break;
      token = next;
      if (events.length >= this.#limit) {
        this.#setStatus({ historyCut: true });
        // Follow from the end, not from where the history stopped.
        const end = await gateway.getLogEvents(stream.ref, { startFromHead: false, limit: 1 }, { signal });
        if (end.nextForwardToken) stream.forwardToken = end.nextForwardToken;
        return events.slice(-this.#limit);
      }
    }
    return events;
  }

  /** The groups of the streams on screen, with their streams and region. */
  #groups(): Array<{ group: string; region?: string; streams: StreamState[] }> {
    const groups = new Map<string, { group: string; region?: string; streams: StreamState[] }>();
    for (const stream of this.#streams) {
      const key = `${stream.ref.region ?? ''}\u0000${stream.ref.group}`;
      let entry = groups.get(key);
      if (!entry) {
        entry = { group: stream.ref.group, ...(stream.ref.region ? { region: stream.ref.region } : {}), streams: [] };
        groups.set(key, entry);
      }
      entry.streams.push(stream);
    }
    return [...groups.values()];
  }

  async #filteredHistory(): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    for (const { group, region, streams } of this.#groups()) {
      events.push(...(await this.#filterPages(group, region, streams, this.#startTime(), this.#limit)));
    }
    return events;
  }

  async #filterPages(
    group: string,
    region: string | undefined,
    streams: readonly StreamState[],
    startTime: number | undefined,
    limit: number,
  ): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    let token: string | undefined;
    const seenTokens = new Set<string>();
    for (;;) {
      let page: Awaited<ReturnType<LogsGateway['filterLogEvents']>>;
      try {
        page = await this.#o.gateway.filterLogEvents(
          group,
          {
            streamNames: streams.map((stream) => stream.ref.stream),
            filterPattern: this.#o.pattern ?? '',
            ...(startTime !== undefined ? { startTime } : {}),
            ...(token ? { nextToken: token } : {}),
          },
          { signal: this.#abort.signal, ...(region ? { region } : {}) },
        );
      } catch (error) {
        if (!isNotFound(error)) throw error;
        for (const stream of streams) this.#noteMissing(stream.ref, error);
        return events;
      }
      events.push(...page.events);
      if (events.length >= limit) {
        this.#setStatus({ historyCut: true });
        return events.slice(-limit);
      }
      if (!page.nextToken || seenTokens.has(page.nextToken)) return events;
      seenTokens.add(page.nextToken);
      token = page.nextToken;
    }
  }

  // ---------------------------------------------------------------- live tail

  #startLiveTails(): void {
    for (const group of this.#groups()) {
      let started: () => void = () => {};
      this.#liveStarts.push(
        new Promise<void>((resolve) => {
          started = resolve;
        }),
      );
      void this.#liveTail(group, started);
    }
  }

  /** Waits for every live tail to start or be refused, at most LIVE_START_WAIT_MS. */
  async #startedOrTimedOut(): Promise<void> {
    let timer: TimerHandle | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.#o.scheduler.setTimeout(resolve, LIVE_START_WAIT_MS);
    });
    await Promise.race([Promise.all(this.#liveStarts), timeout]);
    if (timer) this.#o.scheduler.clearTimeout(timer);
  }

  async #liveTail(
    { group, region, streams }: { group: string; region?: string; streams: StreamState[] },
    started: () => void,
  ) {
    this.#liveSessions++;
    let reason: string;
    try {
      const updates = this.#o.gateway.startLiveTail(
        {
          // StartLiveTail names groups by ARN (sources.ts works it out from the task's ARN).
          groups: [(streams[0]?.ref as (LogStreamRef & { groupArn?: string }) | undefined)?.groupArn ?? group],
          streamNames: streams.map((stream) => stream.ref.stream),
          ...(this.#o.pattern ? { filterPattern: this.#o.pattern } : {}),
        },
        { signal: this.#liveAbort.signal, ...(region ? { region } : {}) },
      );
      for await (const update of updates) {
        if (this.#closed) return;
        started();
        this.#onLiveUpdate(update);
      }
      reason = 'CloudWatch ended the live tail session';
    } catch (error) {
      if (this.#closed) return;
      reason = sentenceOf(error);
    } finally {
      this.#liveSessions--;
      started();
    }
    if (this.#closed || this.#liveFailed) return;
    // One refusal is enough to poll everything: a half-live view would say two things at once.
    this.#liveFailed = true;
    this.#liveAbort.abort(new Error('falling back to polling'));
    this.#startPolling(reason);
  }

  #onLiveUpdate(update: LiveTailUpdate): void {
    if (update.sampled !== this.#status.sampled) this.#setStatus({ sampled: update.sampled });
    const events = [...update.events].sort(byTimestamp);
    if (this.#early) {
      this.#early.push(...events);
      return;
    }
    this.#noteNewest(events);
    this.#emit(events.filter((event) => !this.#historyKeys.has(eventKey(event))));
  }

  // ---------------------------------------------------------------- polling

  #startPolling(reason: string | undefined): void {
    if (this.#closed || this.#status.phase === 'polling') return;
    if (reason) this.#setStatus({ liveTailRefused: reason });
    // Still reading the history: start() begins polling once it is in.
    if (this.#early) return;
    this.#setStatus({ phase: 'polling' });
    this.#schedulePoll();
  }

  /** A round of calls every 2 s, or as often as the logs budget lets every stream be asked once. */
  #interval(): number {
    const base = this.#o.pollIntervalMs ?? POLL_INTERVAL_MS;
    const calls = this.#o.pattern ? this.#groups().length : this.#streams.length;
    const rate = this.#o.gateway.budget().effective;
    return rate > 0 ? Math.max(base, Math.ceil((calls / rate) * 1000)) : base;
  }

  #schedulePoll(): void {
    if (this.#closed) return;
    this.#pollTimer = this.#o.scheduler.setTimeout(() => {
      this.#pollTimer = undefined;
      void this.#pollRound().finally(() => this.#schedulePoll());
    }, this.#interval());
  }

  async #pollRound(): Promise<void> {
    const signal = this.#abort.signal;
    try {
      if (this.#o.pattern) await this.#pollFiltered(signal);
      else await this.#pollStreams(signal);
      if (this.#status.error) this.#setStatus({ error: undefined });
    } catch (error) {
      if (this.#closed) return;
      this.#setStatus({ error: sentenceOf(error) });
    }
  }

  async #pollStreams(signal: AbortSignal): Promise<void> {
    const now = this.#o.scheduler.now();
    const due = this.#streams.filter(
      (stream) => stream.missingSince === undefined || now - stream.missingSince >= MISSING_RETRY_MS,
    );
    const results = await Promise.allSettled(
      due.map(async (stream) => {
        // A stream first found while polling is read from its head; a known one from its forward token.
        const page = await this.#o.gateway.getLogEvents(
          stream.ref,
          stream.forwardToken ? { nextToken: stream.forwardToken, startFromHead: true } : { startFromHead: true },
          { signal },
        );
        if (page.nextForwardToken) stream.forwardToken = page.nextForwardToken;
        if (stream.missingSince !== undefined) {
          stream.missingSince = undefined;
          this.#noteFound(stream.ref);
        }
        return page.events;
      }),
    );
    if (this.#closed) return;
    const events: LogEvent[] = [];
    let failure: unknown;
    results.forEach((result, index) => {
      const stream = due[index] as StreamState;
      if (result.status === 'fulfilled') events.push(...result.value);
      else if (isNotFound(result.reason)) {
        stream.missingSince = this.#o.scheduler.now();
        this.#noteMissing(stream.ref, result.reason);
      } else failure ??= result.reason;
    });
    events.sort(byTimestamp);
    this.#noteNewest(events);
    this.#emit(events);
    if (failure !== undefined) throw failure;
  }

  async #pollFiltered(signal: AbortSignal): Promise<void> {
    const since = this.#newestSeen > 0 ? this.#newestSeen : this.#o.scheduler.now() - POLL_INTERVAL_MS;
    const known = this.#keysAtNewest;
    const events: LogEvent[] = [];
    for (const { group, region, streams } of this.#groups()) {
      if (signal.aborted) return;
      events.push(...(await this.#filterPages(group, region, streams, since, this.#limit)));
    }
    if (this.#closed) return;
    const fresh = events.filter((event) => !known.has(eventKey(event))).sort(byTimestamp);
    this.#noteNewest(fresh);
    this.#emit(fresh);
  }
}
