/**
 * Walking a log stream with GetLogEvents, page after page, on any LogsGateway. CloudWatch never says "no more": at
 * the end of a stream it hands back the token it was given (forwards) or the one of the oldest page (backwards), so
 * a walk stops when a token comes round again; and it is bounded in pages, so a misbehaving endpoint cannot keep it
 * going (each page is one request of the logs budget).
 */
import type { CallOptions } from '../ecs/gateway.ts';
import type { LogEvent, LogEventsPage, LogStreamRef, LogsGateway } from './types.ts';

/** GetLogEvents answers at most 10,000 events (1 MB) a page. */
export const GET_LOG_EVENTS_MAX_LIMIT = 10_000;

/** Pages one walk may take by default: 20 requests, up to 200,000 events. */
export const DEFAULT_MAX_PAGES = 20;

export interface NewestEventsRequest {
  /** How many of the newest events. */
  count: number;
  /** Only events at or before this time (epoch ms); the end of the stream when absent. */
  endTime?: number;
  startTime?: number;
  maxPages?: number;
}

export interface NewestEvents {
  /** Oldest first, at most `count`. */
  events: LogEvent[];
  /** Where a forward read continues after the newest event (for following). */
  nextForwardToken?: string;
  /** Pages (requests) it took. */
  pages: number;
}

/** The newest `count` events of a stream (before `endTime`), reading backwards from the end. */
export async function readNewestEvents(
  gateway: Pick<LogsGateway, 'getLogEvents'>,
  ref: LogStreamRef,
  request: NewestEventsRequest,
  options?: CallOptions,
): Promise<NewestEvents> {
  const maxPages = request.maxPages ?? DEFAULT_MAX_PAGES;
  const older: LogEvent[][] = [];
  let collected = 0;
  let token: string | undefined;
  let nextForwardToken: string | undefined;
  const seen = new Set<string>();
  let pages = 0;
  while (pages < maxPages && collected < request.count) {
    const page = await gateway.getLogEvents(
      ref,
      {
        startFromHead: false,
        limit: Math.min(GET_LOG_EVENTS_MAX_LIMIT, request.count - collected),
        ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
        ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
        ...(token !== undefined ? { nextToken: token } : {}),
      },
      options,
    );
    pages++;
    if (pages === 1) nextForwardToken = page.nextForwardToken;
    older.unshift(page.events);
    collected += page.events.length;
    const next = page.nextBackwardToken;
    // The start of the stream: the backward token comes round again (or is missing).
    if (next === undefined || next === token || seen.has(next)) break;
    seen.add(next);
    token = next;
  }
  const events = older.flat();
  return {
    events: events.length > request.count ? events.slice(events.length - request.count) : events,
    ...(nextForwardToken !== undefined ? { nextForwardToken } : {}),
    pages,
  };
}

export interface ForwardRequest {
  startTime?: number;
  endTime?: number;
  /** Continue from here (a page's nextForwardToken) instead of the head of the stream. */
  nextToken?: string;
  maxPages?: number;
  /** Events per page (CloudWatch's own bound, 10,000, when absent). */
  limit?: number;
}

/**
 * The stream oldest first, page by page, until the end (the forward token comes back) or `maxPages`. Each yielded
 * page carries the token to poll from next; `atEnd` says whether the walk reached the end of what is stored.
 */
export async function* walkForward(
  gateway: Pick<LogsGateway, 'getLogEvents'>,
  ref: LogStreamRef,
  request: ForwardRequest,
  options?: CallOptions,
): AsyncGenerator<LogEventsPage & { atEnd: boolean }, void, undefined> {
  const maxPages = request.maxPages ?? DEFAULT_MAX_PAGES;
  let token = request.nextToken;
  const seen = new Set<string>();
  if (token !== undefined) seen.add(token);
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await gateway.getLogEvents(
      ref,
      {
        startFromHead: true,
        ...(request.limit !== undefined ? { limit: request.limit } : {}),
        ...(request.startTime !== undefined ? { startTime: request.startTime } : {}),
        ...(request.endTime !== undefined ? { endTime: request.endTime } : {}),
        ...(token !== undefined ? { nextToken: token } : {}),
      },
      options,
    );
    const next = page.nextForwardToken;
    const atEnd = next === undefined || seen.has(next);
    yield { ...page, ...(next === undefined && token !== undefined ? { nextForwardToken: token } : {}), atEnd };
    if (atEnd) return;
    seen.add(next);
    token = next;
  }
}
