/**
 * A windowed table: only the rows that fit are mounted, one Text per row, each row memoised so a keypress re-renders
 * the two rows whose selection changed and a poll re-renders the rows whose entity changed.
 */
import { Box, Text } from 'ink';
import { memo, useMemo, useRef } from 'react';
import { type ClockSource, STILL_CLOCK, useClockDerived } from '../app/clock.ts';
import { useTheme } from '../theme/context.ts';
import { SpanLine } from './SpanLine.tsx';
import {
  type Column,
  type ColumnLayout,
  headerText,
  layoutColumns,
  rowSpansOverTime,
  type SortState,
  type Span,
} from './table.ts';

/** The first visible row: moves only as far as needed to keep the selection in view. */
export function windowStart(previousTop: number, selected: number, height: number, total: number): number {
  if (height <= 0 || total <= height) return 0;
  let top = Math.min(Math.max(0, previousTop), total - height);
  if (selected >= 0 && selected < top) top = selected;
  if (selected >= top + height) top = selected - height + 1;
  return top;
}

export interface VirtualTableProps<T> {
  items: readonly T[];
  columns: readonly Column<T>[];
  keyOf(item: T): string;
  selectedIndex: number;
  marks: ReadonlySet<string>;
  width: number;
  /** Lines for the header and the rows together. */
  height: number;
  /** The clock of the time-dependent columns: a row re-renders when a tick changes what it shows, not every tick. */
  clock: ClockSource;
  focused: boolean;
  sort?: SortState;
  /** Replaces the column header line (the Tasks pane puts its time axis there), redrawn as the clock changes it. */
  header?: (layout: ColumnLayout<T>, now: number) => string;
  emptyText?: string;
}

interface RowProps {
  item: unknown;
  layout: ColumnLayout<unknown>;
  selected: boolean;
  marked: boolean;
  clock: ClockSource;
  width: number;
}

const cellsText = (spans: readonly Span[]) =>
  spans.map((span) => `${span.tone ?? ''}\u0000${span.text}`).join('\u0001');

const MINUTE_MS = 60_000;
/** An age in seconds as formatDuration writes it ("42s"), apart from any name that happens to hold one ("k8s"). */
const SECONDS_AGE = /(^|[^\p{L}\p{N}])\d{1,2}s($|[^\p{L}\p{N}])/u;

/**
 * The time a row of clock-driven cells is drawn at: now while it shows an age in seconds (it changes every second
 * anyway), else the start of the current minute, so that every row showing minutes, hours or a timeline changes in
 * the same frame once a minute rather than each at its own second. `textAt` is the row's text at a given time;
 * `minuteShowsSeconds` caches, per minute, whether the row drawn at that minute's start would show seconds (then it
 * is drawn at now: a young age is never shown late).
 */
export function rowDrawTime(
  now: number,
  textAt: (at: number) => string,
  minuteShowsSeconds: (minute: number) => boolean,
): number {
  if (SECONDS_AGE.test(textAt(now))) return now;
  const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  return minuteShowsSeconds(minute) ? now : minute;
}

const Row = memo(function Row({ item, layout, selected, marked, clock, width }: RowProps) {
  const theme = useTheme();
  const spansAt = useMemo(() => rowSpansOverTime(item, layout, theme), [item, layout, theme]);
  const textAt = (at: number) => cellsText(spansAt(at));
  const minuteCheck = useRef<{ minute: number; seconds: boolean } | undefined>(undefined);
  const minuteShowsSeconds = (minute: number) => {
    if (minuteCheck.current?.minute !== minute) {
      minuteCheck.current = { minute, seconds: SECONDS_AGE.test(textAt(minute)) };
    }
    return minuteCheck.current.seconds;
  };
  // Rows of tables with clock-driven columns follow the clock: every second while they show seconds ("41s"), else
  // once a minute ("3m", timelines); the others never look at it (0).
  // The UI store changes on every key, not only on ticks: the draw time is worked out once per tick and row.
  const drawTime = useRef<{ at: number; item: unknown; layout: unknown; value: number } | undefined>(undefined);
  // A row with no clock-driven column does not follow the clock at all: a tick asks it nothing.
  const now = useClockDerived(layout.timeDependent ? clock : STILL_CLOCK, (at) => {
    if (!layout.timeDependent) return 0;
    const known = drawTime.current;
    if (known && known.at === at && known.item === item && known.layout === layout) return known.value;
    const value = rowDrawTime(at, textAt, minuteShowsSeconds);
    drawTime.current = { at, item, layout, value };
    return value;
  });
  const pointer = selected ? (theme.ascii ? '>' : '›') : ' ';
  const spans: Span[] = [{ text: `${pointer}${marked ? '*' : ' '}`, tone: selected ? 'accent' : 'text' }];
  spans.push(...spansAt(now));
  return <SpanLine spans={spans} width={width} {...(selected ? { lineTone: 'selection' as const } : {})} />;
});

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const { items, columns, keyOf, selectedIndex, marks, width, height, clock, focused, sort } = props;
  const layout = useMemo(() => layoutColumns(columns, width), [columns, width]);
  const bodyHeight = Math.max(0, height - 1);
  const topRef = useRef(0);
  const top = windowStart(topRef.current, selectedIndex, bodyHeight, items.length);
  topRef.current = top;
  const visible = items.slice(top, top + bodyHeight);
  const customHeader = props.header;
  const header = useClockDerived(customHeader ? clock : STILL_CLOCK, (now) =>
    customHeader ? customHeader(layout, now) : headerText(layout, sort),
  );
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end" bold dimColor={!focused}>
        {`  ${header}`}
      </Text>
      {visible.length === 0 ? (
        <Text wrap="truncate-end" dimColor>
          {`  ${props.emptyText ?? 'nothing here'}`}
        </Text>
      ) : (
        visible.map((item, offset) => {
          const key = keyOf(item);
          return (
            <Row
              key={key}
              item={item}
              layout={layout as ColumnLayout<unknown>}
              selected={focused && top + offset === selectedIndex}
              marked={marks.has(key)}
              clock={clock}
              width={width}
            />
          );
        })
      )}
    </Box>
  );
}
