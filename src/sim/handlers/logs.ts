/**
 * CloudWatch Logs operations (Logs_20140328) over the simulator's log store, with CloudWatch's documented limits and
 * error sentences: GetLogEvents answers at most 10,000 events or 1 MB, its tokens are `f/…` and `b/…`, and at the
 * end of a stream the forward token comes back unchanged (clients stop on a repeated token).
 */
import { SimError } from '../errors.ts';
import { EVENT_STREAM_CONTENT_TYPE } from '../logs/eventStream.ts';
import { matcherOf } from '../logs/filterPattern.ts';
import {
  compareKeys,
  type EventKey,
  keyAfter,
  keyBefore,
  type LogEvent,
  type LogGroup,
  type LogStore,
  type LogStream,
  MAX_ORDINAL,
} from '../logs/store.ts';
import { type Params, StreamingAnswer } from '../protocol.ts';
import type { HandlerContext } from './context.ts';

/** GetLogEvents and FilterLogEvents answer at most this many events... */
export const MAX_EVENTS_PER_RESPONSE = 10_000;
/** ...or this many bytes, each event counting its UTF-8 message plus 26 bytes (as PutLogEvents counts them). */
export const MAX_RESPONSE_BYTES = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;
/** FilterLogEvents reads at most this many events per call, then answers with what matched and a nextToken. */
const FILTER_SCAN_LIMIT = 200_000;

const GROUP_NAME = { minLength: 1, maxLength: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ };
const STREAM_NAME = { minLength: 1, maxLength: 512, pattern: /^[^:*]*$/ };
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const groupNotFound = () => new SimError('ResourceNotFoundException', 'The specified log group does not exist.');
export const streamNotFound = () =>
  new SimError('ResourceNotFoundException', 'The specified log stream does not exist.');

const MIN_KEY: EventKey = { timestamp: -Infinity, ordinal: 0 };
const MAX_KEY: EventKey = { timestamp: Infinity, ordinal: MAX_ORDINAL };

/** The group named by logGroupName or logGroupIdentifier (exactly one). */
export function requireGroup(logs: LogStore, params: Params): LogGroup {
  const name = params.string('logGroupName', GROUP_NAME);
  const identifier = params.string('logGroupIdentifier', { minLength: 1, maxLength: 2048 });
  if (name !== undefined && identifier !== undefined) {
    throw new SimError(
      'InvalidParameterException',
      'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
    );
  }
  const reference = name ?? identifier;
  if (reference === undefined) {
    throw new SimError('InvalidParameterException', 'Either logGroupName or logGroupIdentifier is required.');
  }
  const group = logs.group(reference);
  if (!group) throw groupNotFound();
  return group;
}

// ------------------------------------------------------------------------------------------------ GetLogEvents

function encodeKey(direction: 'f' | 'b', key: EventKey): string {
  const timestamp = Math.max(0, Math.min(key.timestamp, Number.MAX_SAFE_INTEGER));
  return `${direction}/${String(timestamp).padStart(16, '0')}${String(key.ordinal).padStart(10, '0')}`;
}

function decodeToken(token: string): { direction: 'f' | 'b'; key: EventKey } {
  const match = /^([fb])\/(\d{16})(\d{10})$/.exec(token);
  if (!match) throw new SimError('InvalidParameterException', 'The specified nextToken is invalid.');
  return {
    direction: match[1] as 'f' | 'b',
    key: { timestamp: Number(match[2]), ordinal: Number(match[3]) },
  };
}

/** Collects events from `events` until the count or byte limit; at least one event when there is one. */
function take(events: Iterator<LogEvent>, limit: number): LogEvent[] {
  const out: LogEvent[] = [];
  let bytes = 0;
  while (out.length < limit) {
    const next = events.next();
    if (next.done) break;
    const size = Buffer.byteLength(next.value.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (out.length > 0 && bytes + size > MAX_RESPONSE_BYTES) break;
    bytes += size;
    out.push(next.value);
  }
  return out;
}

function wireEvent(event: LogEvent): Record<string, unknown> {
  return { timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime };
}

export function getLogEvents(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const group = requireGroup(logs, params);
  const streamName = params.requireString('logStreamName', STREAM_NAME);
  const startTime = params.integer('startTime', { min: 0 });
  const endTime = params.integer('endTime', { min: 0 });
  const limit = params.integer('limit', { min: 1, max: MAX_EVENTS_PER_RESPONSE }) ?? MAX_EVENTS_PER_RESPONSE;
  const startFromHead = params.boolean('startFromHead') ?? false;
  const nextToken = params.string('nextToken', { minLength: 1 });
  params.boolean('unmask');
  const stream = logs.stream(group, streamName);
  if (!stream) throw streamNotFound();

  // startTime is inclusive, endTime exclusive.
  const lo: EventKey = startTime === undefined ? MIN_KEY : { timestamp: startTime, ordinal: 0 };
  const hi: EventKey = endTime === undefined ? MAX_KEY : { timestamp: endTime - 1, ordinal: MAX_ORDINAL };
  const token = nextToken === undefined ? undefined : decodeToken(nextToken);
  const forward = token ? token.direction === 'f' : startFromHead;

  let events: LogEvent[];
  if (forward) {
    const from = token ? laterOf(lo, keyAfter(token.key)) : lo;
    events = take(logs.ascending(stream, from, hi), limit);
  } else {
    const to = token ? earlierOf(hi, keyBefore(token.key)) : hi;
    events = take(logs.descending(stream, lo, to), limit).reverse();
  }

  const first = events[0];
  const last = events[events.length - 1];
  let forwardToken: string;
  let backwardToken: string;
  if (first && last) {
    forwardToken = encodeKey('f', last);
    backwardToken = encodeKey('b', first);
  } else if (token) {
    // Nothing more this way: the same token comes back, which is how clients know they reached the end.
    forwardToken = token.direction === 'f' ? (nextToken ?? '') : encodeKey('f', keyBefore(token.key));
    backwardToken = token.direction === 'b' ? (nextToken ?? '') : encodeKey('b', keyAfter(token.key));
  } else if (forward) {
    forwardToken = encodeKey('f', keyBefore(finite(lo)));
    backwardToken = encodeKey('b', finite(lo));
  } else {
    // An empty window read from its end: following forward waits at the window's end (or the stream's start).
    const end = hi.timestamp === Infinity ? finite(lo) : hi;
    forwardToken = encodeKey('f', hi.timestamp === Infinity ? keyBefore(end) : end);
    backwardToken = encodeKey('b', keyAfter(end));
  }
  return { events: events.map(wireEvent), nextForwardToken: forwardToken, nextBackwardToken: backwardToken };
}

function finite(key: EventKey): EventKey {
  return key.timestamp === -Infinity ? { timestamp: 0, ordinal: 0 } : key;
}

function laterOf(a: EventKey, b: EventKey): EventKey {
  return compareKeys(a, b) >= 0 ? a : b;
}

function earlierOf(a: EventKey, b: EventKey): EventKey {
  return compareKeys(a, b) <= 0 ? a : b;
}

// ------------------------------------------------------------------------------------------------ describe

function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function pageOffset(token: string | undefined, size: number): number {
  if (token === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof value.offset === 'number' && Number.isInteger(value.offset) && value.offset >= 0 && value.offset <= size)
      return value.offset;
  } catch {
    // Falls through to the error below.
  }
  throw new SimError('InvalidParameterException', 'The specified nextToken is invalid.');
}

function page<T>(items: T[], params: Params, maxLimit: number): { items: T[]; nextToken?: string } {
  const limit = params.integer('limit', { min: 1, max: maxLimit }) ?? maxLimit;
  const offset = pageOffset(params.string('nextToken', { minLength: 1 }), items.length);
  const slice = items.slice(offset, offset + limit);
  return offset + limit < items.length ? { items: slice, nextToken: pageToken(offset + limit) } : { items: slice };
}

export function describeLogGroups(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const prefix = params.string('logGroupNamePrefix', GROUP_NAME);
  const pattern = params.string('logGroupNamePattern', { maxLength: 512 });
  if (prefix !== undefined && pattern !== undefined) {
    throw new SimError(
      'InvalidParameterException',
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  }
  params.stringList('accountIdentifiers');
  params.boolean('includeLinkedAccounts');
  params.string('logGroupClass', { values: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] });
  const groups = logs
    .groups()
    .filter(
      (group) =>
        (prefix === undefined || group.name.startsWith(prefix)) &&
        (pattern === undefined || group.name.toLowerCase().includes(pattern.toLowerCase())),
    );
  const { items, nextToken } = page(groups, params, 50);
  const answer: Record<string, unknown> = {
    logGroups: items.map((group) => {
      const wire: Record<string, unknown> = {
        logGroupName: group.name,
        creationTime: group.createdAt,
        metricFilterCount: 0,
        arn: `${group.arn}:*`,
        logGroupArn: group.arn,
        storedBytes: 0,
        logGroupClass: 'STANDARD',
      };
      if (group.retentionInDays !== undefined) wire.retentionInDays = group.retentionInDays;
      return wire;
    }),
  };
  if (nextToken !== undefined) answer.nextToken = nextToken;
  return answer;
}

export function describeLogStreams(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const group = requireGroup(logs, params);
  const prefix = params.string('logStreamNamePrefix', STREAM_NAME);
  const orderBy = params.string('orderBy', { values: ['LogStreamName', 'LastEventTime'] }) ?? 'LogStreamName';
  const descending = params.boolean('descending') ?? false;
  if (prefix !== undefined && orderBy === 'LastEventTime') {
    throw new SimError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const streams = logs
    .streamsOf(group)
    .filter((stream) => prefix === undefined || stream.name.startsWith(prefix))
    .map((stream) => ({ stream, span: logs.eventSpan(stream) }));
  if (orderBy === 'LastEventTime') {
    // Streams without events sort first (as CloudWatch's "no last event" does), ties by name.
    streams.sort(
      (a, b) =>
        (a.span.last ?? -1) - (b.span.last ?? -1) ||
        (a.stream.name < b.stream.name ? -1 : a.stream.name > b.stream.name ? 1 : 0),
    );
  } else {
    streams.sort((a, b) => (a.stream.name < b.stream.name ? -1 : a.stream.name > b.stream.name ? 1 : 0));
  }
  if (descending) streams.reverse();
  const { items, nextToken } = page(streams, params, 50);
  const answer: Record<string, unknown> = {
    logStreams: items.map(({ stream, span }) => wireStream(stream, span)),
  };
  if (nextToken !== undefined) answer.nextToken = nextToken;
  return answer;
}

function wireStream(stream: LogStream, span: { first?: number; last?: number; lastIngestion?: number }) {
  const wire: Record<string, unknown> = {
    logStreamName: stream.name,
    creationTime: stream.createdAt,
    arn: stream.arn,
    storedBytes: 0,
  };
  if (span.first !== undefined) wire.firstEventTimestamp = span.first;
  if (span.last !== undefined) wire.lastEventTimestamp = span.last;
  if (span.lastIngestion !== undefined) wire.lastIngestionTime = span.lastIngestion;
  if (stream.uploadSequence > 0) wire.uploadSequenceToken = String(stream.uploadSequence).padStart(56, '4');
  return wire;
}

// ------------------------------------------------------------------------------------------------ writes

export function createLogGroup(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const name = params.requireString('logGroupName', GROUP_NAME);
  params.string('kmsKeyId');
  params.stringMap('tags');
  params.string('logGroupClass', { values: ['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'] });
  if (logs.group(name)) {
    throw new SimError('ResourceAlreadyExistsException', 'The specified log group already exists');
  }
  logs.createGroup(name);
  return {};
}

export function createLogStream(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const group = requireGroup(logs, params);
  const name = params.requireString('logStreamName', STREAM_NAME);
  if (group.streams.has(name)) {
    throw new SimError('ResourceAlreadyExistsException', 'The specified log stream already exists');
  }
  logs.createStream(group, name);
  return {};
}

export function putRetentionPolicy(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const group = requireGroup(logs, params);
  const days = params.requireInteger('retentionInDays');
  if (!RETENTION_DAYS.includes(days)) {
    throw new SimError(
      'InvalidParameterException',
      `1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  group.retentionInDays = days;
  return {};
}

export function deleteRetentionPolicy(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const group = requireGroup(ctx.model.logs, params);
  delete group.retentionInDays;
  return {};
}

/** PutLogEvents' batch limits. */
export const PUT_MAX_EVENTS = 10_000;
export const PUT_MAX_BATCH_BYTES = 1_048_576;
export const PUT_MAX_EVENT_BYTES = 1_048_576 - EVENT_OVERHEAD_BYTES;
const PUT_MAX_SPAN_MS = 24 * 3600_000;
const PUT_TOO_NEW_MS = 2 * 3600_000;
const PUT_TOO_OLD_MS = 14 * 86_400_000;

export function putLogEvents(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const group = requireGroup(logs, params);
  const streamName = params.requireString('logStreamName', STREAM_NAME);
  params.string('sequenceToken');
  const raw = params.objectList('logEvents', { minItems: 1, maxItems: PUT_MAX_EVENTS }) ?? [];
  if (raw.length === 0) throw new SimError('InvalidParameterException', 'logEvents is required.');
  const events = raw.map((event) => ({
    timestamp: event.requireInteger('timestamp', { min: 0 }),
    message: event.requireString('message', { minLength: 1 }),
  }));
  const stream = group.streams.get(streamName);
  if (!stream || stream.createdAt > logs.now()) throw streamNotFound();

  let batchBytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(event.message, 'utf8');
    if (size > PUT_MAX_EVENT_BYTES) {
      throw new SimError(
        'InvalidParameterException',
        `Log event too large: ${size + EVENT_OVERHEAD_BYTES} bytes exceeds limit of ${PUT_MAX_EVENT_BYTES + EVENT_OVERHEAD_BYTES}`,
      );
    }
    batchBytes += size + EVENT_OVERHEAD_BYTES;
  }
  if (batchBytes > PUT_MAX_BATCH_BYTES) {
    throw new SimError(
      'InvalidParameterException',
      `Upload too large: ${batchBytes} bytes exceeds limit of ${PUT_MAX_BATCH_BYTES}`,
    );
  }
  for (let i = 1; i < events.length; i++) {
    if ((events[i] as { timestamp: number }).timestamp < (events[i - 1] as { timestamp: number }).timestamp) {
      throw new SimError(
        'InvalidParameterException',
        'Log events in a single PutLogEvents request must be in chronological order.',
      );
    }
  }
  const firstTimestamp = (events[0] as { timestamp: number }).timestamp;
  const lastTimestamp = (events[events.length - 1] as { timestamp: number }).timestamp;
  if (lastTimestamp - firstTimestamp > PUT_MAX_SPAN_MS) {
    throw new SimError(
      'InvalidParameterException',
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
  }

  // Events too new, too old or already past retention are rejected by index, the rest accepted.
  const now = logs.now();
  const cutoff = logs.retentionCutoff(group);
  let tooNewStart: number | undefined;
  let tooOldEnd: number | undefined;
  let expiredEnd: number | undefined;
  const accepted: { timestamp: number; message: string }[] = [];
  events.forEach((event, index) => {
    if (event.timestamp > now + PUT_TOO_NEW_MS) tooNewStart ??= index;
    else if (event.timestamp < now - PUT_TOO_OLD_MS) tooOldEnd = index;
    else if (event.timestamp < cutoff) expiredEnd = index;
    else accepted.push(event);
  });
  logs.put(stream, accepted);
  const answer: Record<string, unknown> = { nextSequenceToken: String(stream.uploadSequence).padStart(56, '4') };
  if (tooNewStart !== undefined || tooOldEnd !== undefined || expiredEnd !== undefined) {
    const info: Record<string, number> = {};
    if (tooNewStart !== undefined) info.tooNewLogEventStartIndex = tooNewStart;
    if (tooOldEnd !== undefined) info.tooOldLogEventEndIndex = tooOldEnd;
    if (expiredEnd !== undefined) info.expiredLogEventEndIndex = expiredEnd;
    answer.rejectedLogEventsInfo = info;
  }
  return answer;
}

// ------------------------------------------------------------------------------------------------ FilterLogEvents

interface FilterPosition {
  timestamp: number;
  stream: string;
  ordinal: number;
}

function encodeFilterToken(position: FilterPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodeFilterToken(token: string): FilterPosition {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<FilterPosition>;
    if (typeof value.timestamp === 'number' && typeof value.stream === 'string' && typeof value.ordinal === 'number') {
      return { timestamp: value.timestamp, stream: value.stream, ordinal: value.ordinal };
    }
  } catch {
    // Falls through.
  }
  throw new SimError('InvalidParameterException', 'The specified nextToken is invalid.');
}

function comparePositions(a: FilterPosition, b: FilterPosition): number {
  return a.timestamp - b.timestamp || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0) || a.ordinal - b.ordinal;
}

export function filterLogEvents(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const logs = ctx.model.logs;
  const group = requireGroup(logs, params);
  const names = params.stringList('logStreamNames', { minItems: 1, maxItems: 100, item: STREAM_NAME });
  const prefix = params.string('logStreamNamePrefix', STREAM_NAME);
  if (names !== undefined && prefix !== undefined) {
    throw new SimError(
      'InvalidParameterException',
      'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.',
    );
  }
  const startTime = params.integer('startTime', { min: 0 });
  const endTime = params.integer('endTime', { min: 0 });
  const pattern = params.string('filterPattern', { maxLength: 1024 }) ?? '';
  const limit = params.integer('limit', { min: 1, max: MAX_EVENTS_PER_RESPONSE }) ?? MAX_EVENTS_PER_RESPONSE;
  const nextToken = params.string('nextToken', { minLength: 1 });
  params.boolean('interleaved');
  params.boolean('unmask');
  const matches = matcherOf(pattern);
  const after = nextToken === undefined ? undefined : decodeFilterToken(nextToken);

  let streams = logs.streamsOf(group);
  if (names !== undefined) {
    const wanted = new Set(names);
    streams = streams.filter((stream) => wanted.has(stream.name));
    // CloudWatch refuses a named stream that does not exist.
    if (streams.length < wanted.size) throw streamNotFound();
  }
  if (prefix !== undefined) streams = streams.filter((stream) => stream.name.startsWith(prefix));
  streams.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const lo: EventKey = {
    timestamp: Math.max(startTime ?? -Infinity, after?.timestamp ?? -Infinity),
    ordinal: 0,
  };
  const hi: EventKey = endTime === undefined ? MAX_KEY : { timestamp: endTime - 1, ordinal: MAX_ORDINAL };
  // Every stream's events ascending, merged by (timestamp, stream, ordinal): interleaved across streams.
  const cursors = streams
    .map((stream) => ({ stream, events: logs.ascending(stream, lo, hi) }))
    .map((cursor) => ({ ...cursor, head: cursor.events.next() }))
    .filter((cursor) => !cursor.head.done);
  const found: Record<string, unknown>[] = [];
  let bytes = 0;
  let scanned = 0;
  let lastPosition: FilterPosition | undefined;
  let more = false;
  while (cursors.length > 0) {
    let best = 0;
    for (let i = 1; i < cursors.length; i++) {
      const a = cursors[i] as (typeof cursors)[number];
      const b = cursors[best] as (typeof cursors)[number];
      const ea = a.head.value as LogEvent;
      const eb = b.head.value as LogEvent;
      if (ea.timestamp < eb.timestamp || (ea.timestamp === eb.timestamp && a.stream.name < b.stream.name)) best = i;
    }
    const cursor = cursors[best] as (typeof cursors)[number];
    const event = cursor.head.value as LogEvent;
    const position = { timestamp: event.timestamp, stream: cursor.stream.name, ordinal: event.ordinal };
    cursor.head = cursor.events.next();
    if (cursor.head.done) cursors.splice(best, 1);
    if (after && comparePositions(position, after) <= 0) continue;
    if (found.length >= limit || scanned >= FILTER_SCAN_LIMIT) {
      more = true;
      break;
    }
    scanned++;
    lastPosition = position;
    if (!matches(event.message)) continue;
    const size = Buffer.byteLength(event.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (found.length > 0 && bytes + size > MAX_RESPONSE_BYTES) {
      more = true;
      lastPosition = undefined;
      break;
    }
    bytes += size;
    found.push({
      logStreamName: cursor.stream.name,
      timestamp: event.timestamp,
      message: event.message,
      ingestionTime: event.ingestionTime,
      eventId: `${String(event.timestamp).padStart(16, '0')}${String(event.ordinal).padStart(10, '0')}${cursor.stream.name.length}`,
    });
  }
  const answer: Record<string, unknown> = {
    events: found,
    searchedLogStreams: streams.map((stream) => ({ logStreamName: stream.name, searchedCompletely: !more })),
  };
  if (more) {
    const resume = lastPosition ?? positionBefore(found);
    if (resume) answer.nextToken = encodeFilterToken(resume);
  }
  return answer;
}

/** Where to resume when the byte limit cut the page: after the last event returned. */
function positionBefore(found: Record<string, unknown>[]): FilterPosition | undefined {
  const last = found[found.length - 1];
  if (!last) return undefined;
  const eventId = String(last.eventId);
  return {
    timestamp: last.timestamp as number,
    stream: last.logStreamName as string,
    ordinal: Number(eventId.slice(16, 26)),
  };
}

// ------------------------------------------------------------------------------------------------ StartLiveTail

export function startLiveTail(ctx: HandlerContext, params: Params): StreamingAnswer {
  const logs = ctx.model.logs;
  const identifiers = params.requireStringList('logGroupIdentifiers', {
    minItems: 1,
    maxItems: 10,
    item: { minLength: 1, maxLength: 2048 },
  });
  const logStreamNames = params.stringList('logStreamNames', { minItems: 1, maxItems: 100, item: STREAM_NAME });
  const logStreamNamePrefixes = params.stringList('logStreamNamePrefixes', {
    minItems: 1,
    maxItems: 5,
    item: STREAM_NAME,
  });
  const filterPattern = params.string('logEventFilterPattern', { maxLength: 1024 });
  if (logStreamNames !== undefined && logStreamNamePrefixes !== undefined) {
    throw new SimError(
      'InvalidParameterException',
      'logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.',
    );
  }
  if ((logStreamNames !== undefined || logStreamNamePrefixes !== undefined) && identifiers.length !== 1) {
    throw new SimError(
      'InvalidParameterException',
      'logStreamNames and logStreamNamePrefixes can be used only when logGroupIdentifiers names exactly one log group.',
    );
  }
  const groups = identifiers.map((identifier) => {
    if (identifier.endsWith('*')) {
      throw new SimError('InvalidParameterException', 'A log group ARN in logGroupIdentifiers cannot end with *.');
    }
    const group = logs.group(identifier);
    if (!group) throw groupNotFound();
    return { identifier, group };
  });
  const matcher = matcherOf(filterPattern ?? '');
  if (!ctx.liveTail.hasRoom()) {
    throw new SimError(
      'LimitExceededException',
      `You have reached the maximum number of concurrent Live Tail sessions (${ctx.liveTail.maxSessions}).`,
    );
  }
  const request: Parameters<typeof ctx.liveTail.open>[0] = { requestId: ctx.requestId, groups, matcher };
  if (logStreamNames !== undefined) request.logStreamNames = logStreamNames;
  if (logStreamNamePrefixes !== undefined) request.logStreamNamePrefixes = logStreamNamePrefixes;
  if (filterPattern !== undefined) request.filterPattern = filterPattern;
  return new StreamingAnswer(ctx.liveTail.open(request), EVENT_STREAM_CONTENT_TYPE);
}
