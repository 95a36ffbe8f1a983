/**
 * The log view's lines: a bounded ring (50,000 lines by default; the oldest go first and are counted, so the view
 * can say how many it dropped), appended in batches, addressed by a sequence number that never changes while the
 * line is kept (a cursor on line 1,234 stays on it while older lines drop off). Windowing is a slice of the ring.
 *
 * Search (`/`) keeps its matches as an ascending list of sequence numbers, extended as lines arrive and trimmed as
 * they drop, so `n`/`N` and the "3/17 matches" count cost a binary search, not a pass over 50,000 lines.
 */
import type { LogLevel } from './lineFormat.ts';

export const DEFAULT_LINE_CAPACITY = 50_000;

/** One kept line. */
export interface LogLine {
  /** Its place in everything this buffer was ever given: 0 for the first line appended. */
  readonly seq: number;
  /** Epoch ms, as the event says. */
  readonly timestamp: number;
  /** Index of the source it came from (the view's container or task prefix, its colour). */
  readonly source: number;
  /** Terminal-safe, one line, cut (see lineFormat.ts). */
  readonly text: string;
  readonly level?: LogLevel;
  readonly json: boolean;
  /** The whole line when `text` was cut. */
  readonly full?: string;
}

export type LogLineInput = Omit<LogLine, 'seq'>;

/** A search's matches in the kept lines, by sequence number. */
export interface SearchMatches {
  /** Lower-cased query; '' when no search is active. */
  readonly query: string;
  /** How many kept lines match. */
  readonly count: number;
}

export class LineBuffer {
  readonly capacity: number;
  readonly #ring: (LogLine | undefined)[];
  /** Index in the ring of the oldest kept line. */
  #head = 0;
  #size = 0;
  #nextSeq = 0;
  #dropped = 0;
  #query = '';
  /** Matching sequence numbers, ascending; entries before #matchesStart have dropped off. */
  #matches: number[] = [];
  #matchesStart = 0;

  constructor(capacity = DEFAULT_LINE_CAPACITY) {
    if (!(capacity >= 1)) throw new RangeError('a line buffer holds at least one line');
    this.capacity = Math.floor(capacity);
    this.#ring = new Array(this.capacity);
  }

  /** Lines kept now. */
  get size(): number {
    return this.#size;
  }

  /** Sequence number of the oldest kept line (== nextSeq when empty). */
  get firstSeq(): number {
    return this.#nextSeq - this.#size;
  }

  /** Sequence number the next appended line gets; the newest kept line is nextSeq - 1. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Lines dropped off the old end since the buffer was last cleared. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends lines in order; past the capacity the oldest are dropped. Returns the sequence number of the first. */
  append(lines: readonly LogLineInput[]): number {
    const first = this.#nextSeq;
    // A batch larger than the whole buffer keeps only its tail.
    const skip = Math.max(0, lines.length - this.capacity);
    this.#nextSeq += skip;
    this.#dropped += skip;
    for (let i = skip; i < lines.length; i++) {
      const input = lines[i] as LogLineInput;
      const line: LogLine = { ...input, seq: this.#nextSeq++ };
      const slot = (this.#head + this.#size) % this.capacity;
      this.#ring[slot] = line;
      if (this.#size < this.capacity) this.#size++;
      else {
        this.#head = (this.#head + 1) % this.capacity;
        this.#dropped++;
      }
      if (this.#query !== '' && matches(line, this.#query)) this.#matches.push(line.seq);
    }
    this.#trimMatches();
    return first;
  }

  /** Drops every line (a new since or filter reloads); sequence numbers go on from where they were. */
  clear(): void {
    this.#ring.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    this.#dropped = 0;
    this.#matches = [];
    this.#matchesStart = 0;
  }

  /** The kept line with this sequence number. */
  at(seq: number): LogLine | undefined {
    if (seq < this.firstSeq || seq >= this.#nextSeq || !Number.isInteger(seq)) return undefined;
    return this.#ring[(this.#head + (seq - this.firstSeq)) % this.capacity];
  }

  /** Up to `count` kept lines from `fromSeq` on (clamped to what is kept). */
  slice(fromSeq: number, count: number): LogLine[] {
    const start = Math.max(this.firstSeq, fromSeq);
    const end = Math.min(this.#nextSeq, start + Math.max(0, count));
    const out: LogLine[] = [];
    for (let seq = start; seq < end; seq++)
      out.push(this.#ring[(this.#head + (seq - this.firstSeq)) % this.capacity] as LogLine);
    return out;
  }

  /** Every kept line, oldest first (saving to a file). */
  *lines(): IterableIterator<LogLine> {
    for (let i = 0; i < this.#size; i++) yield this.#ring[(this.#head + i) % this.capacity] as LogLine;
  }

  // ---------------------------------------------------------------- search

  /** Starts (or with '' ends) a case-insensitive search over the kept lines and every line appended later. */
  setSearch(query: string): SearchMatches {
    this.#query = query.toLowerCase();
    this.#matches = [];
    this.#matchesStart = 0;
    if (this.#query !== '') {
      for (const line of this.lines()) if (matches(line, this.#query)) this.#matches.push(line.seq);
    }
    return this.search;
  }

  get search(): SearchMatches {
    return { query: this.#query, count: this.#matches.length - this.#matchesStart };
  }

  /** Whether a kept line matches the search. */
  isMatch(seq: number): boolean {
    return this.#indexOfMatch(seq) >= 0;
  }

  /** The first match after `seq` (before it, going back), wrapping round; undefined without matches. */
  nextMatch(seq: number, direction: 1 | -1): number | undefined {
    const count = this.#matches.length - this.#matchesStart;
    if (count === 0) return undefined;
    // Index of the first match >= seq + 1 (forward) or the last match <= seq - 1 (backward).
    if (direction === 1) {
      const at = this.#lowerBound(seq + 1);
      return this.#matches[at < this.#matches.length ? at : this.#matchesStart];
    }
    const at = this.#lowerBound(seq) - 1;
    return this.#matches[at >= this.#matchesStart ? at : this.#matches.length - 1];
  }

  /** 1-based position of a match among the matches (for "3/17"), or 0 when `seq` is not one. */
  matchNumber(seq: number): number {
    const at = this.#indexOfMatch(seq);
    return at < 0 ? 0 : at - this.#matchesStart + 1;
  }

  #indexOfMatch(seq: number): number {
    const at = this.#lowerBound(seq);
    return at < this.#matches.length && this.#matches[at] === seq ? at : -1;
  }

  /** Index of the first kept match >= seq. */
  #lowerBound(seq: number): number {
    let low = this.#matchesStart;
    let high = this.#matches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#matches[middle] as number) < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Forgets matches of dropped lines; compacts the array now and then rather than shifting it on every drop. */
  #trimMatches(): void {
    const first = this.firstSeq;
    while (this.#matchesStart < this.#matches.length && (this.#matches[this.#matchesStart] as number) < first) {
      this.#matchesStart++;
    }
    if (this.#matchesStart > 4_096 && this.#matchesStart * 2 > this.#matches.length) {
      this.#matches = this.#matches.slice(this.#matchesStart);
      this.#matchesStart = 0;
    }
  }
}

function matches(line: LogLine, query: string): boolean {
  return line.text.toLowerCase().includes(query);
}

/**
 * Where `query` (lower-cased) occurs in `text`, case-insensitively, as [start, end) ranges in `text`'s UTF-16 units:
 * for highlighting. Lower-casing that changes a string's length (rare letters) falls back to no ranges.
 */
export function matchRanges(text: string, query: string): Array<[number, number]> {
  if (query === '') return [];
  const lower = text.toLowerCase();
  if (lower.length !== text.length) return [];
  const out: Array<[number, number]> = [];
  for (let at = lower.indexOf(query); at >= 0; at = lower.indexOf(query, at + query.length)) {
    out.push([at, at + query.length]);
  }
  return out;
}
