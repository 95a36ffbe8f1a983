/**
 * The pure half of tables: columns, their layout on a terminal width, cells as styled spans, sorting and filtering.
 * VirtualTable draws what these compute, for the visible rows only.
 */
import { displayWidth, fitToWidth, truncateToWidth } from '../../domain/format.ts';
import type { Theme, Tone } from '../theme/theme.ts';

export interface Span {
  text: string;
  tone?: Tone;
}

/** A cell: plain text, text in a tone, or pre-styled spans (a timeline bar) that already fit the column. */
export type Cell = string | { text: string; tone?: Tone } | { spans: Span[] };

export interface CellContext {
  now: number;
  /** The width the column got. */
  width: number;
  theme: Theme;
}

export interface Column<T> {
  id: string;
  title: string;
  /** Preferred width; a flexible column never gets less unless it has a minWidth. */
  width: number;
  /**
   * A column may shrink down to this rather than push columns out of the table: it shrinks after the priority-0
   * columns are gone and before any other column goes.
   */
  minWidth?: number;
  /** Share of the width left over (0 or absent: fixed). */
  flex?: number;
  /**
   * When every column fits, spare width fills the column up to this many cells (whole ids, names) before the
   * flexible columns share what is left; columns in their order.
   */
  growTo?: number;
  align?: 'left' | 'right';
  /** Columns with the lowest priority are left out first when the terminal is narrow (default 1). */
  priority?: number;
  /** Reads the clock (ages, timelines): rows re-render when the clock ticks. */
  timeDependent?: boolean;
  value(item: T, context: CellContext): Cell;
  /** Absent: the column is not sortable. */
  sortValue?(item: T): string | number | undefined;
}

export interface ColumnLayout<T> {
  columns: { column: Column<T>; width: number }[];
  /** Width of all columns and the gaps between them (without the row prefix). */
  width: number;
  timeDependent: boolean;
}

/** Two cells in front of every row: the selection pointer and the mark. */
export const ROW_PREFIX_WIDTH = 2;
const GAP = 1;

/** Fits the columns into `width` cells: drops low-priority columns until they fit, then shares the rest by flex. */
export function layoutColumns<T>(columns: readonly Column<T>[], totalWidth: number): ColumnLayout<T> {
  const available = Math.max(0, totalWidth - ROW_PREFIX_WIDTH);
  let kept = [...columns];
  const needed = (list: Column<T>[], shrunk = false) =>
    list.reduce((sum, c) => sum + (shrunk ? (c.minWidth ?? c.width) : c.width), 0) + Math.max(0, list.length - 1) * GAP;
  while (kept.length > 1 && needed(kept) > available) {
    // The first column names the row: it stays. Among the rest, the lowest priority (then the rightmost) goes.
    let drop = -1;
    for (let index = 1; index < kept.length; index++) {
      const priority = kept[index]?.priority ?? 1;
      if (drop < 0 || priority <= (kept[drop]?.priority ?? 1)) drop = index;
    }
    // Shrinking a column to its minimum beats losing a column that matters.
    if ((kept[drop]?.priority ?? 1) > 0 && needed(kept, true) <= available) break;
    kept = kept.filter((_, index) => index !== drop);
  }
  const widths = kept.map((column) => column.width);
  let deficit = needed(kept) - available;
  kept.forEach((column, index) => {
    if (deficit <= 0 || column.minWidth === undefined) return;
    const give = Math.min(deficit, column.width - column.minWidth);
    widths[index] = column.width - give;
    deficit -= give;
  });
  let spare = available - (widths.reduce((sum, width) => sum + width, 0) + Math.max(0, kept.length - 1) * GAP);
  // Only once every column is in: a narrower table keeps its spare width for the flexible columns.
  const everyColumn = kept.length === columns.length;
  kept.forEach((column, index) => {
    if (spare <= 0 || !everyColumn || column.growTo === undefined) return;
    const give = Math.max(0, Math.min(spare, column.growTo - (widths[index] ?? column.width)));
    widths[index] = (widths[index] ?? column.width) + give;
    spare -= give;
  });
  const flexTotal = kept.reduce((sum, column) => sum + (column.flex ?? 0), 0);
  if (spare > 0 && flexTotal > 0) {
    let given = 0;
    kept.forEach((column, index) => {
      if (!column.flex) return;
      const share = Math.floor((spare * column.flex) / flexTotal);
      widths[index] = (widths[index] ?? 0) + share;
      given += share;
    });
    spare -= given;
    // Rounding leftovers go to the last flexible column.
    const lastFlex = kept.findLastIndex((column) => (column.flex ?? 0) > 0);
    if (lastFlex >= 0 && spare > 0) widths[lastFlex] = (widths[lastFlex] ?? 0) + spare;
  } else if (spare < 0 && kept.length === 1) {
    widths[0] = available;
  }
  const laid = kept.map((column, index) => ({ column, width: widths[index] ?? column.width }));
  return {
    columns: laid,
    width: laid.reduce((sum, c) => sum + c.width, 0) + Math.max(0, laid.length - 1) * GAP,
    timeDependent: kept.some((column) => column.timeDependent === true),
  };
}

function cellSpans(cell: Cell, width: number, align: 'left' | 'right'): Span[] {
  if (typeof cell === 'string') return [{ text: fitToWidth(cell, width, align) }];
  if ('spans' in cell) {
    const used = cell.spans.reduce((sum, span) => sum + displayWidth(span.text), 0);
    return used < width ? [...cell.spans, { text: ' '.repeat(width - used) }] : cell.spans;
  }
  const span: Span = { text: fitToWidth(cell.text, width, align) };
  if (cell.tone) span.tone = cell.tone;
  return [span];
}

/** The spans of one row, every cell fitted to its column. */
export function rowSpans<T>(item: T, layout: ColumnLayout<T>, context: Omit<CellContext, 'width'>): Span[] {
  const spans: Span[] = [];
  layout.columns.forEach(({ column, width }, index) => {
    if (index > 0) spans.push({ text: ' '.repeat(GAP) });
    spans.push(...cellSpans(column.value(item, { ...context, width }), width, column.align ?? 'left'));
  });
  return spans;
}

/**
 * rowSpans of one item as the clock moves: the cells of the columns that do not read the clock (no `timeDependent`,
 * which is what lets them ignore it) are fitted once, at the first call, the others at every call. A row's text is
 * worked out at each tick to tell whether it changed, and most of its cells cannot have.
 */
export function rowSpansOverTime<T>(item: T, layout: ColumnLayout<T>, theme: Theme): (now: number) => Span[] {
  let fixed: (Span[] | undefined)[] | undefined;
  const cell = ({ column, width }: ColumnLayout<T>['columns'][number], now: number) =>
    cellSpans(column.value(item, { now, theme, width }), width, column.align ?? 'left');
  return (now) => {
    fixed ??= layout.columns.map((laid) => (laid.column.timeDependent ? undefined : cell(laid, now)));
    const spans: Span[] = [];
    layout.columns.forEach((laid, index) => {
      if (index > 0) spans.push({ text: ' '.repeat(GAP) });
      spans.push(...(fixed?.[index] ?? cell(laid, now)));
    });
    return spans;
  };
}

/** The arrow after the title of the column the rows are sorted by. */
export function sortArrow(sort: SortState | undefined, columnId: string): string {
  return sort?.column === columnId ? (sort.descending ? '↓' : '↑') : '';
}

/** A column's title fitted to its width; the sort arrow stays whole, the title is cut before it is. */
export function columnTitle<T>(column: Column<T>, width: number, sort?: SortState): string {
  const arrow = sortArrow(sort, column.id);
  const room = Math.max(0, width - displayWidth(arrow));
  const title = displayWidth(column.title) > room ? truncateToWidth(column.title, room, '') : column.title;
  return fitToWidth(`${title}${arrow}`, width, column.align ?? 'left');
}

export function headerText<T>(layout: ColumnLayout<T>, sort?: SortState): string {
  return layout.columns.map(({ column, width }) => columnTitle(column, width, sort)).join(' '.repeat(GAP));
}

/** The largest useful scroll offset for `total` lines in `height` rows. */
export function maxScroll(total: number, height: number): number {
  return Math.max(0, total - Math.max(1, height));
}

export interface SortState {
  column: string;
  descending: boolean;
}

/**
 * One collator for every comparison: `localeCompare` builds one per call, which is slow over 10,000 rows. Built when
 * first asked: building it loads ICU's collation data (~12 ms), which the first frame never needs.
 */
let collator: Intl.Collator | undefined;

function compareValues(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  collator ??= new Intl.Collator(undefined, { numeric: true });
  return collator.compare(String(a), String(b));
}

/** Sorted copy (stable; missing values last in either direction). Unknown or unsortable column: the input order. */
export function sortItems<T>(items: readonly T[], columns: readonly Column<T>[], sort: SortState | undefined): T[] {
  const column = sort ? columns.find((c) => c.id === sort.column) : undefined;
  if (!column?.sortValue || !sort) return [...items];
  const read = column.sortValue;
  const keyed = items.map((item, index) => ({ item, index, value: read(item) }));
  keyed.sort((a, b) => {
    if (a.value === undefined || b.value === undefined) return compareValues(a.value, b.value) || a.index - b.index;
    const order = compareValues(a.value, b.value);
    return (sort.descending ? -order : order) || a.index - b.index;
  });
  return keyed.map((entry) => entry.item);
}

/** Case-insensitive substring; a leading `!` keeps the rows that do NOT contain the rest. Empty: everything. */
export function matchesFilter(text: string, filter: string): boolean {
  const negate = filter.startsWith('!');
  const needle = (negate ? filter.slice(1) : filter).trim().toLowerCase();
  if (needle === '') return true;
  const found = text.toLowerCase().includes(needle);
  return negate ? !found : found;
}

/** The next sortable column after the current one (wrapping), for the "sort by next column" key. */
export function nextSort<T>(columns: readonly Column<T>[], sort: SortState | undefined): SortState | undefined {
  const sortable = columns.filter((column) => column.sortValue !== undefined);
  if (sortable.length === 0) return sort;
  const index = sort ? sortable.findIndex((column) => column.id === sort.column) : -1;
  const next = sortable[(index + 1) % sortable.length];
  return next ? { column: next.id, descending: false } : sort;
}
