/**
 * What a whole ecsdeck screen must look like, read from the rows of a real terminal: the frame (header on row 0,
 * footer on the last row, nothing wider or taller than the terminal) and the parts between (breadcrumbs, body,
 * status line).
 */

import { expect } from 'vitest';
import { displayWidth } from '../../src/domain/width.ts';
import type { Size, TmuxTerminal } from './tmux.ts';

/** Rows above the body (header 2, breadcrumbs 1) and below it (status line, footer). */
export const ROWS_ABOVE_BODY = 3;
export const ROWS_BELOW_BODY = 2;

const HEADER_FIRST = /^ecsdeck profile /;
const HEADER_SECOND = /^data /;
/** The footer of every non-modal screen starts its hints with these (the keymap's global `j move`). */
const FOOTER = /(^| {2})j move {2}enter open( {2}|$)/;

export function bodyRows(rows: readonly string[]): string[] {
  return rows.slice(ROWS_ABOVE_BODY, rows.length - ROWS_BELOW_BODY).map((row) => row.trimEnd());
}

export function breadcrumbRow(rows: readonly string[]): string {
  return rows[2] ?? '';
}

export function statusRow(rows: readonly string[]): string {
  return rows[rows.length - 2] ?? '';
}

export function footerRow(rows: readonly string[]): string {
  return rows[rows.length - 1] ?? '';
}

/**
 * Everything wrong with the frame as a whole, as sentences (empty when it is right): the header's first line on
 * row 0 and its second on row 1, exactly once each; the footer on the last row and nowhere else; as many rows as
 * the terminal has; no row wider than it. A frame drawn a line off, or a stale copy of a header or footer left
 * behind, fails here.
 */
export function frameProblems(rows: readonly string[], size: Size): string[] {
  const problems: string[] = [];
  if (rows.length !== size.rows) problems.push(`${rows.length} rows on a ${size.rows}-row terminal`);
  if (!HEADER_FIRST.test(rows[0] ?? '')) problems.push(`row 0 is not the header: "${rows[0]}"`);
  if (!HEADER_SECOND.test(rows[1] ?? '')) problems.push(`row 1 is not the header's second line: "${rows[1]}"`);
  const headers = rows.filter((row) => HEADER_FIRST.test(row)).length;
  if (headers !== 1) problems.push(`the header shows ${headers} times`);
  if (!FOOTER.test(footerRow(rows))) problems.push(`the last row is not the footer: "${footerRow(rows)}"`);
  const footers = rows.filter((row) => FOOTER.test(row)).length;
  if (footers !== 1) problems.push(`the footer shows ${footers} times`);
  rows.forEach((row, index) => {
    const width = displayWidth(row.trimEnd());
    if (width > size.columns) problems.push(`row ${index} is ${width} columns wide on ${size.columns}`);
  });
  return problems;
}

/** Non-blank body rows that show more than once: a stale copy left by an earlier frame. */
export function duplicatedBodyRows(rows: readonly string[]): string[] {
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const row of bodyRows(rows)) {
    if (row.trim() === '') continue;
    if (seen.has(row)) duplicated.add(row);
    seen.add(row);
  }
  return [...duplicated];
}

/**
 * How a line of `expected` text shows in `columns` cells: whole when it fits, else cut with an ellipsis. Returns a
 * predicate for a screen row.
 */
export function showsLine(expected: string, columns: number): (row: string) => boolean {
  const text = expected.trimEnd();
  if (displayWidth(text) <= columns) return (row) => row.trimEnd() === text;
  // Cut: the row is a prefix of the text followed by the ellipsis (allowing for wide characters at the edge).
  return (row) => {
    const shown = row.trimEnd();
    return shown.endsWith('…') && shown.length > 1 && text.startsWith(shown.slice(0, -1));
  };
}

/** "2026-11-24 04:10:40Z": how the detail views print an instant (UTC, whole seconds). */
export function utcStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Waits for a screen that satisfies `done` and whose frame is whole at `size`. */
export async function waitForFrame(
  term: TmuxTerminal,
  size: Size,
  done: (rows: string[]) => boolean,
  what: string,
  deadlineMs = 20_000,
): Promise<string[]> {
  try {
    return await term.waitFor((rows) => frameProblems(rows, size).length === 0 && done(rows), deadlineMs, what);
  } catch (error) {
    const rows = term.rows();
    throw new Error(`${(error as Error).message}\nframe problems: ${frameProblems(rows, size).join('; ') || 'none'}`);
  }
}

/**
 * The body with what changes by itself blanked out (ages, durations, timeline bars): what changes only when the view
 * scrolls.
 */
function untickedBody(rows: readonly string[]): string {
  return bodyRows(rows)
    .map((row) =>
      row
        .replace(/[0-9]+/g, '#')
        .replace(/[\u2580-\u259f]/g, '')
        .replace(/ +/g, ' '),
    )
    .join('\n');
}

/** How long a page-down may take to move the view before the view is taken to be at its end. */
const SCROLL_SETTLE_MS = 1_500;

export interface ExpectedLine {
  line: string;
  shows: (row: string) => boolean;
}

/**
 * Scrolls the line view in front (a detail or describe view) from its top, page by page, until every expected line
 * has shown; checks every screen on the way is a whole frame without duplicated rows. Fails naming the lines that
 * never showed.
 */
export async function checkViewShows(
  term: TmuxTerminal,
  size: Size,
  expected: readonly ExpectedLine[],
  isFirstLine: (row: string) => boolean,
): Promise<void> {
  term.keys('g');
  let rows = await waitForFrame(term, size, (r) => isFirstLine(bodyRows(r)[0] ?? ''), 'the top of the detail view');
  const missing = new Set(expected);
  for (;;) {
    expect(duplicatedBodyRows(rows), `duplicated rows on:\n${rows.join('\n')}`).toEqual([]);
    for (const item of [...missing]) if (bodyRows(rows).some(item.shows)) missing.delete(item);
    if (missing.size === 0) return;
    const before = untickedBody(rows);
    term.keys('NPage');
    try {
      rows = await waitForFrame(term, size, (r) => untickedBody(r) !== before, 'the next page', SCROLL_SETTLE_MS);
    } catch {
      const lines = [...missing].map((item) => `  ${item.line}`).join('\n');
      throw new Error(`at the end of the view, never shown:\n${lines}\nlast screen:\n${term.rows().join('\n')}`);
    }
  }
}
