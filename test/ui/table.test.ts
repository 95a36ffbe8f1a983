import { describe, expect, it } from 'vitest';
import {
  type Column,
  headerText,
  layoutColumns,
  matchesFilter,
  nextSort,
  ROW_PREFIX_WIDTH,
  rowSpans,
  rowSpansOverTime,
  sortItems,
} from '../../src/ui/components/table.ts';
import { windowStart } from '../../src/ui/components/VirtualTable.tsx';
import { createTheme } from '../../src/ui/theme/theme.ts';

interface Item {
  name: string;
  count?: number;
}

const columns: Column<Item>[] = [
  { id: 'name', title: 'NAME', width: 10, flex: 1, value: (i) => i.name, sortValue: (i) => i.name },
  {
    id: 'count',
    title: 'COUNT',
    width: 6,
    align: 'right',
    priority: 2,
    value: (i) => String(i.count ?? '-'),
    sortValue: (i) => i.count,
  },
  { id: 'note', title: 'NOTE', width: 20, priority: 0, value: () => 'a note' },
];

describe('column layout', () => {
  it('uses the whole width, giving the spare room to flexible columns', () => {
    const layout = layoutColumns(columns, 80);
    expect(layout.width).toBe(80 - ROW_PREFIX_WIDTH);
    expect(layout.columns.map((c) => c.width)).toEqual([78 - 6 - 20 - 2, 6, 20]);
  });

  it('drops the lowest-priority columns first when the terminal is narrow, never the first', () => {
    expect(layoutColumns(columns, 30).columns.map((c) => c.column.id)).toEqual(['name', 'count']);
    expect(layoutColumns(columns, 12).columns.map((c) => c.column.id)).toEqual(['name']);
    expect(layoutColumns(columns, 12).width).toBeLessThanOrEqual(12);
  });

  it('fits every cell to its column, wide characters included', () => {
    const layout = layoutColumns(columns, 40);
    const theme = createTheme({ colour: false });
    const text = rowSpans({ name: '日本語のとても長いサービス名', count: 7 }, layout, { now: 0, theme })
      .map((span) => span.text)
      .join('');
    expect(text).toContain('…');
    expect(headerText(layout, { column: 'count', descending: true })).toContain('COUNT↓');
  });
});

describe('a row as the clock moves', () => {
  it('draws what rowSpans draws at every time, fitting the cells that ignore the clock once', () => {
    let nameCalls = 0;
    const aged: Column<Item>[] = [
      {
        id: 'name',
        title: 'NAME',
        width: 12,
        value: (i) => {
          nameCalls++;
          return i.name;
        },
      },
      { id: 'age', title: 'AGE', width: 6, timeDependent: true, value: (_i, context) => `${context.now / 1000}s` },
    ];
    const layout = layoutColumns(aged, 40);
    const theme = createTheme({ colour: false });
    const item = { name: 'web-7f9c' };
    const spansAt = rowSpansOverTime(item, layout, theme);
    for (const now of [1_000, 2_000, 59_000]) {
      expect(spansAt(now)).toEqual(rowSpans(item, layout, { now, theme }));
    }
    // Three calls of rowSpans (one each), one of rowSpansOverTime for all three times.
    expect(nameCalls).toBe(3 + 1);
  });
});

describe('sorting and filtering', () => {
  const items: Item[] = [{ name: 'b', count: 2 }, { name: 'a' }, { name: 'c', count: 10 }, { name: 'd', count: 2 }];

  it('sorts numbers as numbers, keeps ties stable and puts missing values last either way', () => {
    const up = sortItems(items, columns, { column: 'count', descending: false });
    expect(up.map((i) => i.name)).toEqual(['b', 'd', 'c', 'a']);
    const down = sortItems(items, columns, { column: 'count', descending: true });
    expect(down.map((i) => i.name)).toEqual(['c', 'b', 'd', 'a']);
    expect(sortItems(items, columns, undefined).map((i) => i.name)).toEqual(['b', 'a', 'c', 'd']);
  });

  it('cycles the sort through the sortable columns', () => {
    expect(nextSort(columns, undefined)).toEqual({ column: 'name', descending: false });
    expect(nextSort(columns, { column: 'name', descending: true })).toEqual({ column: 'count', descending: false });
    expect(nextSort(columns, { column: 'count', descending: false })).toEqual({ column: 'name', descending: false });
  });

  it('matches substrings case-insensitively and negates with a leading !', () => {
    expect(matchesFilter('payments OOM', 'oom')).toBe(true);
    expect(matchesFilter('payments OOM', '!oom')).toBe(false);
    expect(matchesFilter('web', '!oom')).toBe(true);
    expect(matchesFilter('anything', '')).toBe(true);
    expect(matchesFilter('anything', '!')).toBe(true);
  });
});

describe('windowing', () => {
  it('moves the window only as far as needed to keep the selection in view', () => {
    expect(windowStart(0, 5, 10, 100)).toBe(0);
    expect(windowStart(0, 10, 10, 100)).toBe(1);
    expect(windowStart(20, 15, 10, 100)).toBe(15);
    expect(windowStart(95, 99, 10, 100)).toBe(90);
    expect(windowStart(50, 3, 10, 5)).toBe(0);
  });
});
