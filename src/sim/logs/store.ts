/**
 * The simulator's CloudWatch Logs: log groups, their streams and events.
 *
 * Two kinds of events live in a stream. A task container with an awslogs configuration gets its stream
 * (`prefix/container/taskId`, as src/logs/sources.ts reads it) once it starts, and its lines are the story of its
 * behaviour (story.ts), drawn on demand for the window a call asks about: nothing is kept per line, so thousands of
 * tasks cost one small record each, made on the first logs call. Events that other clients send with PutLogEvents
 * are kept as sent.
 *
 * Time is the model's: an event is visible once ingested (its timestamp, or for PutLogEvents its arrival, plus the
 * ingestion delay), and a group's retention drops events older than `retentionInDays` days before now.
 */
import type { SimState, SimTask } from '../model/types.ts';
import {
  BUCKET_MS,
  bucketLines,
  HOSTILE_LABEL,
  HOSTILE_LABEL_VALUE,
  type StoryInput,
  seedOf,
  voiceOf,
} from './story.ts';

export const DEFAULT_INGESTION_DELAY_MS = 1_000;
const DAY_MS = 86_400_000;
/** Streams remembered after their task left the model (oldest forgotten first beyond this). */
const MAX_REMEMBERED_TASK_STREAMS = 50_000;

export interface LogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Orders events of equal timestamp: 0 for generated lines (their timestamps are distinct), 1.. for put ones. */
  ordinal: number;
}

/** A position in a stream's order. */
export interface EventKey {
  timestamp: number;
  ordinal: number;
}

export const MAX_ORDINAL = 9_999_999_999;

export function compareKeys(a: EventKey, b: EventKey): number {
  return a.timestamp - b.timestamp || a.ordinal - b.ordinal;
}

/** The key just before `key` (for "at or after" bounds). */
export function keyBefore(key: EventKey): EventKey {
  return key.ordinal > 0
    ? { timestamp: key.timestamp, ordinal: key.ordinal - 1 }
    : { timestamp: key.timestamp - 1, ordinal: MAX_ORDINAL };
}

/** The key just after `key`. */
export function keyAfter(key: EventKey): EventKey {
  return { timestamp: key.timestamp, ordinal: key.ordinal + 1 };
}

interface TaskSource {
  taskArn: string;
  taskId: string;
  container: string;
  image: string;
  seed: number;
  voice: StoryInput['voice'];
  hostile: boolean;
  memoryMiB: number;
  healthCheckIntervalSeconds: number;
  /** The live task, until the model forgets it; then `remembered` holds what the story needs. */
  task?: SimTask;
  remembered?: { stoppingAt?: number; endedAt?: number; outcomeAt?: number };
  startedAt: number;
  outcome: StoryInput['outcome'];
  exitCode?: number;
}

export interface LogStream {
  name: string;
  arn: string;
  group: LogGroup;
  createdAt: number;
  source?: TaskSource;
  /** PutLogEvents events in key order. */
  put: LogEvent[];
  putCount: number;
  uploadSequence: number;
}

export interface LogGroup {
  name: string;
  arn: string;
  createdAt: number;
  retentionInDays?: number;
  streams: Map<string, LogStream>;
}

/** What the store reads from the model. */
export interface LogStoreHost {
  readonly state: SimState;
  now(): number;
  onTaskForgotten(listener: (task: SimTask) => void): void;
}

export interface LogStoreOptions {
  /** Simulated ms between an event's timestamp (or arrival) and its visibility. Default 1 s. */
  ingestionDelayMs?: number;
}

export class LogStore {
  readonly ingestionDelayMs: number;
  readonly #host: LogStoreHost;
  readonly #groups = new Map<string, LogGroup>();
  /** Tasks whose streams exist (or that have none: no awslogs container, or no group). */
  readonly #seenTasks = new Set<string>();
  readonly #rememberedOrder: LogStream[] = [];
  /** The streams of tasks the model still holds, by task ARN. */
  readonly #streamsOfTask = new Map<string, LogStream[]>();

  constructor(host: LogStoreHost, options: LogStoreOptions = {}) {
    this.#host = host;
    this.ingestionDelayMs = options.ingestionDelayMs ?? DEFAULT_INGESTION_DELAY_MS;
    host.onTaskForgotten((task) => this.#forget(task));
  }

  now(): number {
    return this.#host.now();
  }

  // ------------------------------------------------------------------------------------------------ groups

  createGroup(name: string, options: { retentionInDays?: number; createdAt?: number } = {}): LogGroup {
    const { region, accountId } = this.#host.state;
    const group: LogGroup = {
      name,
      arn: `arn:aws:logs:${region}:${accountId}:log-group:${name}`,
      createdAt: options.createdAt ?? this.now(),
      streams: new Map(),
    };
    if (options.retentionInDays !== undefined) group.retentionInDays = options.retentionInDays;
    this.#groups.set(name, group);
    return group;
  }

  /** A group by name or ARN (with or without the trailing `:*`). */
  group(identifier: string): LogGroup | undefined {
    this.sync();
    const prefix = ':log-group:';
    const at = identifier.startsWith('arn:') ? identifier.indexOf(prefix) : -1;
    const name = at < 0 ? identifier : identifier.slice(at + prefix.length).replace(/:\*$/, '');
    return this.#groups.get(name);
  }

  groups(): LogGroup[] {
    this.sync();
    return [...this.#groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createStream(group: LogGroup, name: string, createdAt = this.now()): LogStream {
    const stream: LogStream = {
      name,
      arn: `${group.arn}:log-stream:${name}`,
      group,
      createdAt,
      put: [],
      putCount: 0,
      uploadSequence: 0,
    };
    group.streams.set(name, stream);
    return stream;
  }

  /** The streams of a group that exist by now. */
  streamsOf(group: LogGroup): LogStream[] {
    this.sync();
    const now = this.now();
    return [...group.streams.values()].filter((stream) => stream.createdAt <= now);
  }

  stream(group: LogGroup, name: string): LogStream | undefined {
    this.sync();
    const stream = group.streams.get(name);
    return stream && stream.createdAt <= this.now() ? stream : undefined;
  }

  // ------------------------------------------------------------------------------------------------ tasks

  /** Gives every task container that has started its stream (cheap when nothing new started). */
  sync(): void {
    for (const task of this.#host.state.tasks.values()) {
      if (task.startedAt !== undefined && !this.#seenTasks.has(task.arn)) this.#addTask(task);
    }
  }

  #addTask(task: SimTask): void {
    this.#seenTasks.add(task.arn);
    const startedAt = task.startedAt;
    if (startedAt === undefined) return;
    const definition = this.#host.state.taskDefinitions.get(task.taskDefinitionArn);
    if (!definition) return;
    const inService = task.startedBy?.startsWith('ecs-svc/') ?? false;
    for (const container of definition.containerDefinitions) {
      const configuration = container.logConfiguration;
      if (configuration?.logDriver !== 'awslogs') continue;
      const options = configuration.options ?? {};
      const groupName = options['awslogs-group'];
      if (!groupName) continue;
      const running = task.containers.find((c) => c.name === container.name);
      const prefix = options['awslogs-stream-prefix'];
      const streamName = prefix ? `${prefix}/${container.name}/${task.id}` : running?.runtimeId;
      if (!streamName) continue;
      let group = this.#groups.get(groupName);
      if (!group) {
        // Without the group the awslogs driver writes nowhere, unless it may create it (awslogs-create-group).
        if (options['awslogs-create-group'] !== 'true') continue;
        group = this.createGroup(groupName, { createdAt: startedAt });
      }
      if (group.streams.has(streamName)) continue;
      const stream = this.createStream(group, streamName, startedAt);
      const memoryMiB = container.memory ?? container.memoryReservation ?? Number(definition.memory ?? 512);
      const source: TaskSource = {
        taskArn: task.arn,
        taskId: task.id,
        container: container.name,
        image: container.image,
        seed: seedOf(`${task.id}/${container.name}`),
        voice: voiceOf([definition.family, container.name], inService),
        hostile: container.dockerLabels?.[HOSTILE_LABEL] === HOSTILE_LABEL_VALUE,
        memoryMiB,
        healthCheckIntervalSeconds: container.healthCheck?.interval ?? 30,
        task,
        startedAt,
        outcome: task.sim.outcome.kind,
      };
      if (task.sim.outcome.exitCode !== undefined) source.exitCode = task.sim.outcome.exitCode;
      stream.source = source;
      const streams = this.#streamsOfTask.get(task.arn) ?? [];
      streams.push(stream);
      this.#streamsOfTask.set(task.arn, streams);
    }
  }

  /** The model drops a stopped task: its streams stay, with what their story needs copied out of it. */
  #forget(task: SimTask): void {
    if (!this.#seenTasks.has(task.arn)) this.#addTask(task);
    this.#seenTasks.delete(task.arn);
    for (const stream of this.#streamsOfTask.get(task.arn) ?? []) {
      const source = stream.source;
      if (!source) continue;
      source.remembered = {};
      if (task.stoppingAt !== undefined) source.remembered.stoppingAt = task.stoppingAt;
      const endedAt = endOf(task);
      if (endedAt !== undefined) source.remembered.endedAt = endedAt;
      if (task.sim.outcomeAt !== undefined) source.remembered.outcomeAt = task.sim.outcomeAt;
      delete source.task;
      this.#rememberedOrder.push(stream);
    }
    this.#streamsOfTask.delete(task.arn);
    while (this.#rememberedOrder.length > MAX_REMEMBERED_TASK_STREAMS) {
      const oldest = this.#rememberedOrder.shift();
      oldest?.group.streams.delete(oldest.name);
    }
  }

  // ------------------------------------------------------------------------------------------------ events

  /** Events older than this are gone from `group` (retention); -Infinity without retention. */
  retentionCutoff(group: LogGroup): number {
    return group.retentionInDays === undefined ? -Infinity : this.now() - group.retentionInDays * DAY_MS;
  }

  /** Visible events with lo <= key <= hi, ascending. */
  *ascending(stream: LogStream, lo: EventKey, hi: EventKey): Generator<LogEvent> {
    yield* mergeAscending(this.#generatedAscending(stream, lo, hi), this.#putAscending(stream, lo, hi));
  }

  /** Visible events with lo <= key <= hi, descending. */
  *descending(stream: LogStream, lo: EventKey, hi: EventKey): Generator<LogEvent> {
    yield* mergeDescending(this.#generatedDescending(stream, lo, hi), this.#putDescending(stream, lo, hi));
  }

  /** The timestamps of the first and last visible events. */
  eventSpan(stream: LogStream): { first?: number; last?: number; lastIngestion?: number } {
    const all = { lo: { timestamp: -Infinity, ordinal: 0 }, hi: { timestamp: Infinity, ordinal: MAX_ORDINAL } };
    const first = this.ascending(stream, all.lo, all.hi).next();
    const last = this.descending(stream, all.lo, all.hi).next();
    const span: { first?: number; last?: number; lastIngestion?: number } = {};
    if (!first.done) span.first = first.value.timestamp;
    if (!last.done) {
      span.last = last.value.timestamp;
      span.lastIngestion = last.value.ingestionTime;
    }
    return span;
  }

  /** Events that became visible in (after, upTo] (ingestion times), ascending: what a live tail sends next. */
  ingestedBetween(stream: LogStream, after: number, upTo: number): LogEvent[] {
    const delay = this.ingestionDelayMs;
    const lo = { timestamp: Math.floor(after - delay) + 1, ordinal: 0 };
    const hi = { timestamp: Math.floor(upTo - delay), ordinal: MAX_ORDINAL };
    const generated = [...this.#generatedAscending(stream, lo, hi)];
    const cutoff = this.retentionCutoff(stream.group);
    const put = stream.put.filter(
      (event) => event.ingestionTime > after && event.ingestionTime <= upTo && event.timestamp >= cutoff,
    );
    if (put.length === 0) return generated;
    return [...mergeAscending(generated[Symbol.iterator](), put[Symbol.iterator]())];
  }

  /** Appends PutLogEvents events (already validated), visible after the ingestion delay. */
  put(stream: LogStream, events: { timestamp: number; message: string }[]): void {
    const ingestionTime = this.now() + this.ingestionDelayMs;
    for (const event of events) {
      stream.putCount++;
      const stored: LogEvent = { ...event, ingestionTime, ordinal: stream.putCount };
      // Batches are chronological; a later batch may reach back, so find the place rather than push.
      let index = stream.put.length;
      while (index > 0 && compareKeys(stream.put[index - 1] as LogEvent, stored) > 0) index--;
      stream.put.splice(index, 0, stored);
    }
    stream.uploadSequence++;
  }

  storyOf(source: TaskSource): StoryInput {
    const story: StoryInput = {
      seed: source.seed,
      container: source.container,
      image: source.image,
      voice: source.voice,
      hostile: source.hostile,
      memoryMiB: source.memoryMiB,
      startedAt: source.startedAt,
      outcome: source.outcome,
      healthCheckIntervalSeconds: source.healthCheckIntervalSeconds,
    };
    const live = source.task;
    const stoppingAt = live ? live.stoppingAt : source.remembered?.stoppingAt;
    const outcomeAt = live ? live.sim.outcomeAt : source.remembered?.outcomeAt;
    if (stoppingAt !== undefined) story.stoppingAt = stoppingAt;
    if (outcomeAt !== undefined) story.outcomeAt = outcomeAt;
    if (source.exitCode !== undefined) story.exitCode = source.exitCode;
    return story;
  }

  /** The last moment a generated line can carry: ingested by now, and not after the container stopped. */
  #generatedBounds(stream: LogStream, lo: EventKey, hi: EventKey): { from: number; to: number } | undefined {
    const source = stream.source;
    if (!source) return undefined;
    const ended = source.task ? endOf(source.task) : source.remembered?.endedAt;
    const to = Math.min(hi.timestamp, this.now() - this.ingestionDelayMs, ended ?? Infinity);
    const from = Math.max(lo.timestamp, source.startedAt, this.retentionCutoff(stream.group));
    return from <= to ? { from, to } : undefined;
  }

  *#generatedAscending(stream: LogStream, lo: EventKey, hi: EventKey): Generator<LogEvent> {
    const bounds = this.#generatedBounds(stream, lo, hi);
    const source = stream.source;
    if (!bounds || !source) return;
    const story = this.storyOf(source);
    const first = Math.floor((bounds.from - source.startedAt) / BUCKET_MS);
    const last = Math.floor((bounds.to - source.startedAt) / BUCKET_MS);
    for (let bucket = first; bucket <= last; bucket++) {
      for (const line of bucketLines(story, bucket)) {
        if (line.timestamp < bounds.from || line.timestamp > bounds.to) continue;
        const event = this.#generated(line);
        if (compareKeys(event, lo) >= 0 && compareKeys(event, hi) <= 0) yield event;
      }
    }
  }

  *#generatedDescending(stream: LogStream, lo: EventKey, hi: EventKey): Generator<LogEvent> {
    const bounds = this.#generatedBounds(stream, lo, hi);
    const source = stream.source;
    if (!bounds || !source) return;
    const story = this.storyOf(source);
    const first = Math.floor((bounds.from - source.startedAt) / BUCKET_MS);
    const last = Math.floor((bounds.to - source.startedAt) / BUCKET_MS);
    for (let bucket = last; bucket >= first; bucket--) {
      const lines = bucketLines(story, bucket);
      for (let i = lines.length - 1; i >= 0; i--) {
        const line = lines[i] as { timestamp: number; message: string };
        if (line.timestamp < bounds.from || line.timestamp > bounds.to) continue;
        const event = this.#generated(line);
        if (compareKeys(event, lo) >= 0 && compareKeys(event, hi) <= 0) yield event;
      }
    }
  }

  #generated(line: { timestamp: number; message: string }): LogEvent {
    return {
      timestamp: line.timestamp,
      message: line.message,
      ingestionTime: line.timestamp + this.ingestionDelayMs,
      ordinal: 0,
    };
  }

  #putVisible(stream: LogStream, event: LogEvent): boolean {
    return event.ingestionTime <= this.now() && event.timestamp >= this.retentionCutoff(stream.group);
  }

  *#putAscending(stream: LogStream, lo: EventKey, hi: EventKey): Generator<LogEvent> {
    const events = stream.put;
    for (let i = lowerBound(events, lo); i < events.length; i++) {
      const event = events[i] as LogEvent;
      if (compareKeys(event, hi) > 0) return;
      if (this.#putVisible(stream, event)) yield event;
    }
  }

  *#putDescending(stream: LogStream, lo: EventKey, hi: EventKey): Generator<LogEvent> {
    const events = stream.put;
    for (let i = lowerBound(events, keyAfter(hi)) - 1; i >= 0; i--) {
      const event = events[i] as LogEvent;
      if (compareKeys(event, lo) < 0) return;
      if (this.#putVisible(stream, event)) yield event;
    }
  }
}

/** When the task's containers stopped writing (undefined while they run). */
function endOf(task: SimTask): number | undefined {
  return task.executionStoppedAt ?? task.stoppedAt;
}

/** The first index whose key is >= `key`. */
function lowerBound(events: readonly LogEvent[], key: EventKey): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(events[middle] as LogEvent, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

function* mergeAscending(a: Iterator<LogEvent>, b: Iterator<LogEvent>): Generator<LogEvent> {
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && compareKeys(x.value, y.value) <= 0)) {
      yield x.value as LogEvent;
      x = a.next();
    } else {
      yield y.value;
      y = b.next();
    }
  }
}

function* mergeDescending(a: Iterator<LogEvent>, b: Iterator<LogEvent>): Generator<LogEvent> {
  let x = a.next();
  let y = b.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && compareKeys(x.value, y.value) >= 0)) {
      yield x.value as LogEvent;
      x = a.next();
    } else {
      yield y.value;
      y = b.next();
    }
  }
}
