/**
 * The simulator's record of every API call it answered (control endpoints under /_sim/ are not API calls).
 * Tests and benchmarks count calls with it; GET /_sim/requests serves it to other processes.
 */

import type { SimService } from './protocol.ts';

export type RequestOutcome = 'ok' | 'throttled' | 'error' | 'fault';

/** What an injected fault did; absent when no fault fired. */
export type FaultKind = 'server-error' | 'reset' | 'hang' | 'html' | 'error' | 'body';

export interface RequestLogEntry {
  /** 1, 2, 3, ... in arrival order; never reused, even after clear(). */
  seq: number;
  /** The service from X-Amz-Target's prefix; 'ecs' when the request named none. */
  service: SimService;
  /** The operation from X-Amz-Target, or '' when the request named none. */
  operation: string;
  /** The short name of the cluster the request named, if any. */
  cluster?: string;
  /** Wall-clock ms when the request arrived. */
  at: number;
  /** Simulated ms (model time) when it was handled. */
  simAt: number;
  /** HTTP status sent; 0 when no response was sent (connection reset, hung request). */
  status: number;
  outcome: RequestOutcome;
  /** The error's `__type` for errors and throttling, or the fault's name ('ConnectionReset', 'Hang', ...). */
  errorType?: string;
  fault?: FaultKind;
  requestId: string;
  /** Wall-clock ms from arrival to the response (including injected latency). */
  durationMs: number;
}

export interface RequestLogFilter {
  service?: SimService;
  operation?: string;
  outcome?: RequestOutcome;
  /** Only entries with seq greater than this. */
  sinceSeq?: number;
}

export const DEFAULT_REQUEST_LOG_CAPACITY = 100_000;

export class RequestLog {
  readonly capacity: number;
  #entries: RequestLogEntry[] = [];
  /** Index of the oldest entry once the ring is full. */
  #start = 0;
  #nextSeq = 1;

  constructor(capacity: number = DEFAULT_REQUEST_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
  }

  /** Records an entry and returns it with its sequence number. Beyond capacity the oldest entry is dropped. */
  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: this.#nextSeq++, ...entry };
    if (this.#entries.length < this.capacity) {
      this.#entries.push(full);
    } else {
      this.#entries[this.#start] = full;
      this.#start = (this.#start + 1) % this.capacity;
    }
    return full;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Entries oldest first (copies), optionally filtered. */
  list(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    for (const entry of this.#ordered()) {
      if (matches(entry, filter)) out.push({ ...entry });
    }
    return out;
  }

  /** How many entries match (all of them without a filter). */
  count(filter: RequestLogFilter = {}): number {
    let n = 0;
    for (const entry of this.#ordered()) if (matches(entry, filter)) n++;
    return n;
  }

  countByOperation(filter: RequestLogFilter = {}): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.#ordered()) {
      if (matches(entry, filter)) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
    }
    return counts;
  }

  countByOutcome(filter: RequestLogFilter = {}): Record<RequestOutcome, number> {
    const counts: Record<RequestOutcome, number> = { ok: 0, throttled: 0, error: 0, fault: 0 };
    for (const entry of this.#ordered()) if (matches(entry, filter)) counts[entry.outcome]++;
    return counts;
  }

  /** The sequence number the next entry will get; pass `lastSeq` as `sinceSeq` to see only newer calls. */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  clear(): void {
    this.#entries = [];
    this.#start = 0;
  }

  *#ordered(): Generator<RequestLogEntry> {
    const n = this.#entries.length;
    for (let i = 0; i < n; i++) {
      const entry = this.#entries[(this.#start + i) % n];
      if (entry) yield entry;
    }
  }
}

/**
 * The most requests whose arrival stamps fall within one second of each other (a sliding window, not calendar
 * seconds): what a client's request budget promises the server.
 */
export function busiestSecond(entries: readonly Pick<RequestLogEntry, 'at'>[]): number {
  const times = entries.map((entry) => entry.at).sort((a, b) => a - b);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

function matches(entry: RequestLogEntry, filter: RequestLogFilter): boolean {
  if (filter.service !== undefined && entry.service !== filter.service) return false;
  if (filter.operation !== undefined && entry.operation !== filter.operation) return false;
  if (filter.outcome !== undefined && entry.outcome !== filter.outcome) return false;
  if (filter.sinceSeq !== undefined && entry.seq <= filter.sinceSeq) return false;
  return true;
}
