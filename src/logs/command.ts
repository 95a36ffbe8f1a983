/**
 * `ecsdeck logs CLUSTER TASK`: one task's CloudWatch Logs as plain lines (or JSON lines) on stdout, for scripts and
 * slow links. The task and its definition are read through the ECS gateway, the lines through the logs gateway;
 * every message goes through the sanitiser before it is printed, so no escape sequence from a container reaches the
 * terminal. A failure is one sentence (the caller prints it on stderr) and exit status 1.
 *
 * --follow: a live tail of the task's streams (one session per log group: StartLiveTail names streams only within a
 * single group), opened after the history is printed and caught up with one GetLogEvents a stream once the session
 * has started, so nothing falls in between; where the live tail is refused (AccessDenied) or not offered, the
 * streams are polled with GetLogEvents from their forward tokens instead, said on stderr.
 */
import { shortName } from '../domain/arn.ts';
import { formatTimestamp } from '../domain/format.ts';
import { canonicalStatus } from '../domain/lifecycle.ts';
import type { Task } from '../domain/model.ts';
import { sanitizeText } from '../domain/sanitize.ts';
import { GatewayError } from '../ecs/errors.ts';
import type { EcsGateway } from '../ecs/gateway.ts';
import { delay, type Scheduler } from '../lib/scheduler.ts';
import { readNewestEvents, walkForward } from './paging.ts';
import { logSourcesOf } from './sources.ts';
import type { LogEvent, LogSource, LogStreamRef, LogsGateway } from './types.ts';

export interface TaskLogsRequest {
  cluster: string;
  task: string;
  container?: string;
  sinceMs?: number;
  follow: boolean;
  json: boolean;
  /** Lines per container without `sinceMs`. */
  newestLines: number;
  /** Lines per container with `sinceMs` at most. */
  maxLines: number;
  /** Between two polls when the live tail is refused. */
  pollIntervalMs: number;
}

export interface TaskLogsIo {
  /** Printed as given (lines end in \n). */
  out(text: string): void;
  /** One sentence for stderr; the caller prefixes and sanitises it. */
  note(sentence: string): void;
  /** ctrl-c: stops following (the live tail is closed at once) and ends with status 0. */
  signal: AbortSignal;
  scheduler: Scheduler;
}

/** A failure of the command: one sentence, exit 1. */
export class TaskLogsError extends Error {
  constructor(sentence: string) {
    super(sentence);
    this.name = 'TaskLogsError';
  }
}

/** A readable container's stream and where a forward read continues from. */
interface Followed {
  ref: LogStreamRef;
  token?: string;
}

/** Prints the task's logs; returns the exit status. Throws TaskLogsError or GatewayError with the sentence. */
export async function printTaskLogs(
  ecs: Pick<EcsGateway, 'describeTasks' | 'describeTaskDefinition'>,
  logs: LogsGateway,
  request: TaskLogsRequest,
  io: TaskLogsIo,
): Promise<number> {
  const options = { signal: io.signal };
  const task = await resolveTask(ecs, request, options);
  const definition = task.taskDefinitionArn
    ? await ecs.describeTaskDefinition(task.taskDefinitionArn, options)
    : undefined;
  const sources = chosenSources(logSourcesOf(task, definition), request.container, task);
  const readable = sources.flatMap((source) => (source.kind === 'cloudwatch' ? [source.ref] : []));
  const unreadable = sources.flatMap((source) => (source.kind === 'unreadable' ? [source] : []));
  if (readable.length === 0) {
    const [first, ...others] = unreadable;
    for (const other of others) io.note(unreadableSentence(other));
    throw new TaskLogsError(first ? unreadableSentence(first) : 'The task has no containers.');
  }
  for (const source of unreadable) io.note(unreadableSentence(source));

  const printer = new LinePrinter(io, request.json, readable.length > 1 || unreadable.length > 0);
  for (const ref of readable) printer.know(ref);
  const history: LogEvent[] = [];
  const followed: Followed[] = [];
  const missing: string[] = [];
  for (const ref of readable) {
    try {
      const read = await readHistory(logs, ref, request, io);
      history.push(...read.events.map((event) => ({ ...event, stream: event.stream || ref.stream })));
      followed.push({ ref, ...(read.token !== undefined ? { token: read.token } : {}) });
    } catch (error) {
      if (!(error instanceof GatewayError) || error.kind !== 'not-found') throw error;
      missing.push(error.sentence);
      // A stream not written yet may still come: follow it from its start.
      followed.push({ ref });
    }
  }
  const stopped = canonicalStatus(task.lastStatus) === 'STOPPED';
  // Nothing to print and nothing to wait for: a stream that may still come is worth following, not one of a
  // stopped task.
  if (missing.length === readable.length && (!request.follow || stopped)) throw new TaskLogsError(missing[0] as string);
  for (const sentence of missing) io.note(sentence);
  printer.printAll(sortByTime(history));
  if (!request.follow || io.signal.aborted) return 0;
  if (stopped) {
    io.note('The task has stopped: its logs will not grow, so there is nothing to follow.');
    return 0;
  }
  await follow(logs, followed, printer, request, io);
  return 0;
}

async function resolveTask(
  ecs: Pick<EcsGateway, 'describeTasks'>,
  request: TaskLogsRequest,
  options: { signal: AbortSignal },
): Promise<Task> {
  const described = await ecs.describeTasks(request.cluster, [request.task], options);
  const task = described.items[0];
  if (!task) {
    throw new TaskLogsError(
      `The task ${request.task} was not found in the cluster ${request.cluster} (ECS forgets stopped tasks after about an hour).`,
    );
  }
  return task;
}

function chosenSources(sources: LogSource[], container: string | undefined, task: Task): LogSource[] {
  if (container === undefined) return sources;
  const chosen = sources.filter((source) => containerOf(source) === container);
  if (chosen.length > 0) return chosen;
  const names = sources.map(containerOf);
  throw new TaskLogsError(
    `The task ${shortName(task.taskArn ?? '')} has no container ${container}${names.length > 0 ? ` (its containers: ${names.join(', ')})` : ''}.`,
  );
}

function containerOf(source: LogSource): string {
  return source.kind === 'cloudwatch' ? source.ref.container : source.container;
}

function unreadableSentence(source: Extract<LogSource, { kind: 'unreadable' }>): string {
  return `The container ${source.container} logs outside CloudWatch Logs: ${source.why}.`;
}

/** The history of one stream: the newest lines, or everything since; and where a forward read continues. */
async function readHistory(
  logs: LogsGateway,
  ref: LogStreamRef,
  request: TaskLogsRequest,
  io: TaskLogsIo,
): Promise<{ events: LogEvent[]; token?: string }> {
  if (request.sinceMs === undefined) {
    const newest = await readNewestEvents(logs, ref, { count: request.newestLines }, { signal: io.signal });
    return { events: newest.events, ...(newest.nextForwardToken ? { token: newest.nextForwardToken } : {}) };
  }
  const startTime = io.scheduler.now() - request.sinceMs;
  let events: LogEvent[] = [];
  let token: string | undefined;
  let dropped = 0;
  // Up to the bound in pages of its size: more than that is left out from the oldest, and said.
  for await (const page of walkForward(
    logs,
    ref,
    { startTime, maxPages: Math.max(1, Math.ceil(request.maxLines / 10_000) + 2) },
    { signal: io.signal },
  )) {
    events.push(...page.events);
    if (events.length > request.maxLines) {
      dropped += events.length - request.maxLines;
      events = events.slice(events.length - request.maxLines);
    }
    token = page.nextForwardToken ?? token;
  }
  if (dropped > 0) {
    io.note(
      `${ref.container}: the ${dropped} oldest lines since then are left out (at most ${request.maxLines} a container); use a shorter --since.`,
    );
  }
  return { events, ...(token ? { token } : {}) };
}

function sortByTime(events: LogEvent[]): LogEvent[] {
  // Stable: lines of one stream with the same millisecond keep their order.
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.timestamp - b.event.timestamp || a.index - b.index)
    .map((entry) => entry.event);
}

/** Which container a stream is, for prefixes: by stream name, as every ref names its own. */
class LinePrinter {
  readonly #io: TaskLogsIo;
  readonly #json: boolean;
  readonly #prefix: boolean;
  readonly #containers = new Map<string, string>();
  /** Keys of the lines printed last, oldest first: a line read twice (a catch-up and the live tail) prints once. */
  readonly #recent = new Set<string>();
  /** The newest line printed per stream, where a new live tail's catch-up starts. */
  readonly #newest = new Map<string, number>();

  constructor(io: TaskLogsIo, json: boolean, prefix: boolean) {
    this.#io = io;
    this.#json = json;
    this.#prefix = prefix;
  }

  know(ref: LogStreamRef): void {
    this.#containers.set(ref.stream, ref.container);
  }

  printAll(events: readonly LogEvent[]): void {
    const fresh = events.filter((event) => {
      const key = eventKey(event);
      if (this.#recent.has(key)) return false;
      this.#recent.add(key);
      if (this.#recent.size > RECENT_KEYS) this.#recent.delete(this.#recent.values().next().value as string);
      this.#newest.set(event.stream, Math.max(this.#newest.get(event.stream) ?? 0, event.timestamp));
      return true;
    });
    if (fresh.length === 0) return;
    this.#io.out(fresh.map((event) => this.format(event)).join(''));
  }

  newest(stream: string): number | undefined {
    return this.#newest.get(stream);
  }

  format(event: LogEvent): string {
    const container = this.#containers.get(event.stream) ?? '';
    const time = new Date(event.timestamp).toISOString();
    if (this.#json) {
      return `${JSON.stringify({
        timestamp: time,
        container,
        stream: sanitizeText(event.stream),
        message: sanitizeText(event.message, { multiline: true }).replace(/\n+$/, ''),
      })}\n`;
    }
    const lines = sanitizeText(event.message, { multiline: true }).replace(/\n+$/, '').split('\n');
    const lead = `${this.#prefix ? `${container} | ` : ''}${formatTimestamp(event.timestamp, { utc: true, millis: true })} | `;
    return lines.map((line) => `${lead}${line}\n`).join('');
  }
}

/** Printed lines remembered, to print none twice: far more than a catch-up page overlaps a live tail. */
const RECENT_KEYS = 20_000;

/** A line as the dedupe knows it: stream, time, and enough of the message (a line may be 256 KB). */
function eventKey(event: LogEvent): string {
  return `${event.stream}\u0000${event.timestamp}\u0000${event.message.length}\u0000${event.message.slice(0, 200)}`;
}

async function follow(
  logs: LogsGateway,
  followed: Followed[],
  printer: LinePrinter,
  request: TaskLogsRequest,
  io: TaskLogsIo,
): Promise<void> {
  for (;;) {
    const outcome = await liveTail(logs, followed, printer, io);
    if (outcome === undefined || io.signal.aborted) return;
    if (outcome.kind === 'refused') {
      io.note(
        `${outcome.sentence} Following by polling GetLogEvents every ${request.pollIntervalMs / 1000} s instead.`,
      );
      await poll(logs, followed, printer, request, io);
      return;
    }
    // CloudWatch ended the session (it lasts 3 hours at most): a new one, caught up from where the last one was.
    try {
      await delay(io.scheduler, LIVE_TAIL_RESTART_MS, io.signal);
    } catch {
      return;
    }
  }
}

/** Between a live tail CloudWatch ended and the next one. */
const LIVE_TAIL_RESTART_MS = 1000;

type LiveTailOutcome = { kind: 'refused'; sentence: string } | { kind: 'ended' };

/**
 * Live tails of the followed streams, one session per group and region, until ctrl-c. Answers the sentence why
 * live tail cannot be used (refused, not offered) for the caller to fall back to polling; other errors are thrown.
 */
async function liveTail(
  logs: LogsGateway,
  followed: Followed[],
  printer: LinePrinter,
  io: TaskLogsIo,
): Promise<LiveTailOutcome | undefined> {
  const sessions = new Map<string, Followed[]>();
  for (const entry of followed) {
    const key = `${entry.ref.region ?? ''}\u0000${entry.ref.groupArn ?? entry.ref.group}`;
    sessions.set(key, [...(sessions.get(key) ?? []), entry]);
  }
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const outcomes = await Promise.allSettled(
      [...sessions.values()].map((entries) => liveTailSession(logs, entries, printer, io, stop)),
    );
    if (io.signal.aborted) return undefined;
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure === undefined) return { kind: 'ended' };
    const error = (failure as PromiseRejectedResult).reason;
    if (error instanceof GatewayError && (error.kind === 'access-denied' || error.kind === 'unsupported')) {
      return {
        kind: 'refused',
        sentence:
          error.kind === 'access-denied'
            ? 'CloudWatch Logs refused the live tail (logs:StartLiveTail is not allowed).'
            : `${error.sentence.replace(/\.$/, '')}: no live tail.`,
      };
    }
    if (error instanceof GatewayError && error.code === 'SessionTimeoutException') return { kind: 'ended' };
    throw error;
  } finally {
    io.signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

async function liveTailSession(
  logs: LogsGateway,
  entries: Followed[],
  printer: LinePrinter,
  io: TaskLogsIo,
  stop: AbortController,
): Promise<void> {
  const first = (entries[0] as Followed).ref;
  let started = false;
  try {
    for await (const update of logs.startLiveTail(
      { groups: [first.groupArn ?? first.group], streamNames: entries.map((entry) => entry.ref.stream) },
      { signal: stop.signal, ...(first.region ? { region: first.region } : {}) },
    )) {
      if (!started) {
        // The session is open: what was written since the last line printed is read once, the rest comes live.
        started = true;
        for (const entry of entries) printer.printAll(await catchUp(logs, entry, io, printer.newest(entry.ref.stream)));
      }
      printer.printAll(update.events);
    }
    // CloudWatch ended this session: the others end with it, and the caller starts anew.
    stop.abort();
  } catch (error) {
    // One session refused or failed: the others stop too, and the caller decides what follows.
    stop.abort();
    throw error;
  }
}

/**
 * One forward page of a stream: from `since` (the newest line printed, when a live tail starts: it may have printed
 * more than any token knows; what is printed again is left out by the printer), else from the stream's forward
 * token (where the last GetLogEvents read ended: polling), else from its head.
 */
async function catchUp(logs: LogsGateway, entry: Followed, io: TaskLogsIo, since?: number): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  try {
    for await (const page of walkForward(
      logs,
      entry.ref,
      since !== undefined
        ? { startTime: since, maxPages: 1 }
        : entry.token !== undefined
          ? { nextToken: entry.token, maxPages: 1 }
          : { maxPages: 1 },
      { signal: io.signal },
    )) {
      events.push(...page.events.map((event) => ({ ...event, stream: event.stream || entry.ref.stream })));
      if (page.nextForwardToken) entry.token = page.nextForwardToken;
    }
  } catch (error) {
    // A stream not written yet has nothing to catch up with; its lines will come through the session.
    if (!(error instanceof GatewayError) || error.kind !== 'not-found') throw error;
  }
  return events;
}

/** GetLogEvents on every followed stream from its forward token, every `pollIntervalMs`, until ctrl-c. */
async function poll(
  logs: LogsGateway,
  followed: Followed[],
  printer: LinePrinter,
  request: TaskLogsRequest,
  io: TaskLogsIo,
): Promise<void> {
  while (!io.signal.aborted) {
    for (const entry of followed) {
      try {
        printer.printAll(await catchUp(logs, entry, io));
      } catch (error) {
        if (io.signal.aborted) return;
        throw error;
      }
    }
    try {
      await delay(io.scheduler, request.pollIntervalMs, io.signal);
    } catch {
      return;
    }
  }
}
