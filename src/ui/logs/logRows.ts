/**
 * The log view's window, pure: which lines of the buffer are on screen (only those are turned into spans), where the
 * cursor is, and each line as spans: the cursor mark, the timestamp (UTC or local), the source's prefix in its own
 * colour, the text in its level's tone with search matches highlighted; wrapped to the width or cut at it.
 * The key handlers and the component call the same function with the same size, so they agree on what is shown.
 */

import { formatCount } from '../../domain/count.ts';
import { formatTimestamp } from '../../domain/format.ts';
import { displayWidth } from '../../domain/width.ts';
import { type LineBuffer, type LogLine, matchRanges } from '../../logs/buffer.ts';
import { breakToWidth, type LogLevel } from '../../logs/lineFormat.ts';
import { fitSpans } from '../components/SpanLine.tsx';
import type { Span } from '../components/table.ts';
import type { Tone } from '../theme/theme.ts';

export type TimestampMode = 'utc' | 'local' | 'off';

/** What decides the window (the session's state). */
export interface WindowState {
  follow: boolean;
  /** Sequence number of the first line on screen (when not following). */
  top: number;
  /** Sequence number of the selected line (when not following). */
  cursor: number;
  wrap: boolean;
  timestamps: TimestampMode;
}

/** A line's prefix: its container or task, and the colour it always has. */
export interface SourceLabel {
  label: string;
  tone: Tone;
}

export interface RenderOptions extends WindowState {
  width: number;
  height: number;
  sources: readonly SourceLabel[];
  /** Whether to prefix lines with their source (interleaved views). */
  prefixed: boolean;
  /** Lower-cased search query ('' for none). */
  search: string;
}

export interface LogWindow {
  /** The window's first line and the cursor, clamped to what is kept (both -1 when the buffer is empty). */
  top: number;
  cursor: number;
  rows: Span[][];
}

const LEVEL_TONE: Readonly<Record<LogLevel, Tone | undefined>> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  info: undefined,
  debug: 'muted',
  trace: 'muted',
};

const SOURCE_TONES: readonly Tone[] = ['source0', 'source1', 'source2', 'source3', 'source4', 'source5'];

export function sourceTone(index: number): Tone {
  return SOURCE_TONES[index % SOURCE_TONES.length] as Tone;
}

/** The time of day to the millisecond: "02:07:05.123Z" in UTC, "03:07:05.123" local. */
function stamp(at: number, mode: TimestampMode): string {
  return formatTimestamp(at, { utc: mode === 'utc', millis: true }).slice(11);
}

/** The spans of one line before fitting: mark, stamp, prefix, text (matches highlighted). */
export function lineSpans(line: LogLine, options: RenderOptions, selected: boolean): Span[] {
  const spans: Span[] = [{ text: selected ? '› ' : '  ', tone: 'accent' }];
  if (options.timestamps !== 'off')
    spans.push({ text: `${stamp(line.timestamp, options.timestamps)} `, tone: 'muted' });
  if (options.prefixed) {
    const source = options.sources[line.source];
    if (source) spans.push({ text: `${source.label} `, tone: source.tone });
  }
  const tone = line.level ? LEVEL_TONE[line.level] : undefined;
  const ranges = matchRanges(line.text, options.search);
  let at = 0;
  for (const [start, end] of ranges) {
    if (start > at) spans.push(tinted(line.text.slice(at, start), tone));
    spans.push({ text: line.text.slice(start, end), tone: 'match' });
    at = end;
  }
  if (at < line.text.length || ranges.length === 0) spans.push(tinted(line.text.slice(at), tone));
  return spans;
}

function tinted(text: string, tone: Tone | undefined): Span {
  return tone ? { text, tone } : { text };
}

/** Spans broken into rows of at most `width` cells (wrap mode); continuation rows are indented by one cell. */
export function wrapSpans(spans: readonly Span[], width: number): Span[][] {
  const rows: Span[][] = [];
  let row: Span[] = [];
  let used = 0;
  const room = Math.max(2, width);
  for (const span of spans) {
    let pieces = breakToWidth(span.text, room - used);
    // The first piece fills what is left of this row; the rest are whole rows of their own.
    while (pieces.length > 0) {
      const [piece, ...rest] = pieces as [string, ...string[]];
      if (piece !== '') {
        row.push({ ...span, text: piece });
        used += displayWidth(piece);
      }
      if (rest.length === 0) break;
      rows.push(row);
      row = [{ text: ' ' }];
      used = 1;
      pieces = breakToWidth(rest.join(''), room - used);
    }
  }
  rows.push(row);
  return rows;
}

/** The rows a line takes. */
function rowsOf(line: LogLine, options: RenderOptions, selected: boolean): Span[][] {
  const spans = lineSpans(line, options, selected);
  return options.wrap ? wrapSpans(spans, options.width) : [fitSpans(spans, options.width)];
}

/** How many rows a line takes at this width (1 without wrap). */
function heightOf(line: LogLine, options: RenderOptions): number {
  return options.wrap ? rowsOf(line, options, false).length : 1;
}

/** The marker shown above the oldest kept line when older ones were dropped. */
export function droppedMarker(dropped: number): Span[] {
  return [
    {
      text: `  ··· ${formatCount(dropped)} older lines dropped (the buffer keeps the newest) ···`,
      tone: 'muted',
    },
  ];
}

/**
 * The first line of a window that ends with `last` at the bottom: as many lines before it as fit in `height` rows
 * (the dropped marker counting as one above the oldest line).
 */
function topEndingAt(buffer: LineBuffer, last: number, options: RenderOptions): number {
  let used = 0;
  let top = last;
  for (let seq = last; seq >= buffer.firstSeq; seq--) {
    const line = buffer.at(seq);
    if (!line) break;
    const marker = seq === buffer.firstSeq && buffer.dropped > 0 ? 1 : 0;
    const height = heightOf(line, options) + marker;
    if (used + height > options.height && seq !== last) break;
    used += height;
    top = seq;
  }
  return top;
}

/** The window over the buffer for this state and size. */
export function logWindow(buffer: LineBuffer, options: RenderOptions): LogWindow {
  if (buffer.size === 0) {
    return { top: -1, cursor: -1, rows: buffer.dropped > 0 ? [droppedMarker(buffer.dropped)] : [] };
  }
  const first = buffer.firstSeq;
  const last = buffer.nextSeq - 1;
  const clamp = (seq: number) => Math.min(last, Math.max(first, seq));
  let cursor: number;
  let top: number;
  if (options.follow) {
    cursor = last;
    top = topEndingAt(buffer, last, options);
  } else {
    cursor = clamp(options.cursor);
    top = Math.min(clamp(options.top), cursor);
    // The cursor must be on screen: if it is below the window, the window ends at it.
    if (!fitsFrom(buffer, top, cursor, options)) top = topEndingAt(buffer, cursor, options);
  }
  const rows: Span[][] = [];
  if (top === first && buffer.dropped > 0) rows.push(droppedMarker(buffer.dropped));
  for (let seq = top; seq <= last && rows.length < options.height; seq++) {
    const line = buffer.at(seq);
    if (!line) break;
    rows.push(...rowsOf(line, options, seq === cursor));
  }
  return { top, cursor, rows: rows.slice(0, options.height) };
}

/** Whether the lines from `top` through `cursor` fit in the window's rows. */
function fitsFrom(buffer: LineBuffer, top: number, cursor: number, options: RenderOptions): boolean {
  let used = top === buffer.firstSeq && buffer.dropped > 0 ? 1 : 0;
  for (let seq = top; seq <= cursor; seq++) {
    const line = buffer.at(seq);
    if (!line) return true;
    used += heightOf(line, options);
    if (used > options.height) return false;
  }
  return true;
}
