import { Box } from 'ink';
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shortName } from '../../domain/arn.ts';
import { renderTimeAxis, TIMELINE_WINDOWS } from '../../domain/timeline.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import { useUiClock } from '../app/clock.ts';
import { useApp, useEcs, useKeymap, useUi } from '../app/context.ts';
import { feedOfPane } from '../app/feeds.ts';
import type { View } from '../app/uiStore.ts';
import { ErrorBoundary } from '../components/ErrorBoundary.tsx';
import { LinesView } from '../components/LinesView.tsx';
import { SpanLine } from '../components/SpanLine.tsx';
import { type ColumnLayout, columnTitle, type SortState, type Span, sortArrow } from '../components/table.ts';
import { VirtualTable } from '../components/VirtualTable.tsx';
import { PANE_TITLES, safe, short } from './cells.ts';
import { failureGroupLines, lastLinesSection } from './details.ts';
import { memoLast } from './memo.ts';
import { feedProblem, problemLines } from './problems.ts';
import { type AnyTable, type PaneTableUi, selectedIndexIn } from './registry.ts';
import { reservationText } from './utilisationLines.ts';
import { failureGroupTaskRowsFor, viewLines, viewReads } from './views.ts';

/**
 * The time axis over the TIMELINE column, in place of its title; the other titles stay, with the sort arrow (sorted
 * by the timeline, i.e. start time, the arrow goes in front of the axis).
 */
function axisHeader(window: keyof typeof TIMELINE_WINDOWS, sort: SortState | undefined) {
  return (layout: ColumnLayout<unknown>, now: number): string =>
    layout.columns
      .map(({ column, width }) => {
        if (column.id !== 'timeline') return columnTitle(column, width, sort);
        const arrow = sortArrow(sort, column.id);
        const axis = (cells: number) =>
          renderTimeAxis({ windowStart: now - TIMELINE_WINDOWS[window], windowEnd: now, width: cells });
        const full = axis(width);
        if (arrow === '') return full;
        // The arrow takes a blank first cell, else the axis is drawn one cell narrower after it.
        return full.startsWith(' ') ? `${arrow}${full.slice(1)}` : `${arrow}${axis(width - 1)}`;
      })
      .join(' ');
}

function titleSpans(title: string, focused: boolean, details: string): Span[] {
  return [
    { text: ` ${title} `, tone: focused ? 'selection' : 'title' },
    { text: ` ${details}`, tone: 'muted' },
  ];
}

/** What an empty table says: why it is empty, when that is known. */
export function emptyText(input: {
  pane: PaneId;
  cluster: string | undefined;
  total: number;
  filter: string;
  problem: boolean;
  keyOf: (command: 'paneClusters' | 'lastResult' | 'back') => string;
}): string {
  const { pane, keyOf } = input;
  if (pane !== 'clusters' && pane !== 'failures' && !input.cluster)
    return `select a cluster in the Clusters pane (${keyOf('paneClusters')}) first`;
  if (input.total > 0 && input.filter !== '')
    return `no rows match "${safe(input.filter)}" (${keyOf('back')} clears the filter)`;
  if (input.problem) return `no data: the error above (${keyOf('lastResult')} shows it whole)`;
  if (pane === 'failures') return 'no failures in this window';
  return 'nothing here (yet)';
}

const MINUTE_MS = 60_000;

/** One pane: a title line and its table. */
export function PaneView({
  pane,
  width,
  height,
  focused,
}: {
  pane: PaneId;
  width: number;
  height: number;
  focused: boolean;
}) {
  const { tables, ecs } = useApp();
  const keymap = useKeymap();
  const clock = useUiClock();
  // What this pane's table is made of in the UI state: its list, the cluster, the windows, the clock's minute.
  const view = useUi(
    useShallow((s) => ({
      list: s.lists[pane],
      cluster: s.cluster,
      taskWindow: s.taskWindow,
      failureWindow: s.failureWindow,
      minute: Math.floor(s.now / MINUTE_MS),
    })),
  );
  const tableUi = useMemo(
    (): PaneTableUi => ({
      lists: { [pane]: view.list },
      now: view.minute * MINUTE_MS,
      cluster: view.cluster,
      taskWindow: view.taskWindow,
      failureWindow: view.failureWindow,
    }),
    [pane, view],
  );
  // The table's rows and what the title shows, not the whole data: a poll that changes none of them draws nothing.
  const shown = useEcs(
    useShallow((ecs) => {
      const { items, total, columns } = tables.paneTable(pane, ecs, tableUi);
      return {
        items,
        total,
        columns,
        // The feed's error as the pane words it: a refresh that only toggles "in flight" draws nothing.
        problem: feedProblem(ecs.meta.get(feedOfPane(pane, view.cluster))),
        clusterName: view.cluster ? ecs.clusters.get(view.cluster)?.clusterName : undefined,
        // The cluster's CloudWatch reservation, as the title words it (a string: a new reading of the same draws nothing).
        reservation:
          pane === 'services' && view.cluster ? reservationText(ecs.clusterReservation.get(view.cluster)) : undefined,
      };
    }),
  );
  // The same (memoised) table, whole: its keys and entity besides what the subscription compared.
  const table: AnyTable = { ...tables.paneTable(pane, ecs.getState(), tableUi), ...shown };
  const list = view.list;
  const selectedIndex = selectedIndexIn(table, list);
  const clusterName = view.cluster ? safe(shown.clusterName ?? shortName(view.cluster)) : undefined;
  const parts = [`${table.items.length}/${table.total}`];
  if (pane !== 'clusters' && pane !== 'failures')
    parts.unshift(clusterName ? `cluster ${clusterName}` : 'no cluster selected');
  if (shown.reservation) parts.push(shown.reservation);
  if (list.filter) parts.push(`filter "${safe(list.filter)}"`);
  if (list.marks.size > 0) parts.push(`${list.marks.size} marked`);
  if (pane === 'tasks') parts.push(`window ${view.taskWindow}`);
  if (pane === 'failures') parts.push(`window ${view.failureWindow}`);
  const problem = shown.problem;
  const problemRows = problem ? problemLines(problem, width, height, keymap.keyOf('lastResult')) : [];
  const empty = emptyText({
    pane,
    cluster: view.cluster,
    total: table.total,
    filter: list.filter,
    problem: problem !== undefined,
    keyOf: (command) => keymap.keyOf(command),
  });
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <SpanLine spans={titleSpans(PANE_TITLES[pane], focused, parts.join(' · '))} width={width} />
      {problemRows.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one wrapped sentence
        <SpanLine key={index} spans={line} width={width} />
      ))}
      <ErrorBoundary label={`${PANE_TITLES[pane]} pane`} resetKey={table.items}>
        <VirtualTable
          items={table.items}
          columns={table.columns}
          keyOf={table.keyOf}
          selectedIndex={selectedIndex}
          marks={list.marks}
          width={width}
          height={height - 1 - problemRows.length}
          clock={clock}
          focused={focused}
          {...(list.sort ? { sort: list.sort } : {})}
          {...(pane === 'tasks' ? { header: axisHeader(view.taskWindow, list.sort) } : {})}
          emptyText={empty}
        />
      </ErrorBoundary>
    </Box>
  );
}

const groupRowsMemo = memoLast(failureGroupTaskRowsFor);

const noSubscription = () => () => {};

/** Lines shown at most between a failure group's fields and its tasks: the selected task's last lines. */
const GROUP_LAST_LINES_MAX = 24;

/** A view opened over the panes: an entity's detail, a raw describe, or a failure group with its tasks. */
export function DetailView({
  view,
  width,
  height,
}: {
  view: Exclude<View, { kind: 'logs' }>;
  width: number;
  height: number;
}) {
  const { tables, lastLines, ecs: ecsStore } = useApp();
  const clock = useUiClock();
  // Subscribed to the parts of the state the view shows (an API call or another feed's poll changes none of them);
  // drawn from the state they are part of.
  const shown = useEcs(useShallow((s) => viewReads(view).map((part) => s[part])));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shown` is what the view reads of this state
  const ecs = useMemo(() => ecsStore.getState(), [ecsStore, shown]);
  const now = useUi((s) => s.now);
  const taskWindow = useUi((s) => s.taskWindow);
  // The last lines of the stopped task on screen: re-rendered when they arrive.
  const lastLinesVersion = useSyncExternalStore(lastLines?.subscribe ?? noSubscription, () => lastLines?.version ?? 0);
  const group = view.kind === 'failureGroup' ? ecs.failureGroups.get(view.key) : undefined;
  const rows = groupRowsMemo(group, ecs.tasks, ecs.transitions, ecs.instances);
  const table = view.kind === 'failureGroup' ? tables.taskTable(rows, view.list, taskWindow) : undefined;
  const shownTask =
    view.kind === 'task'
      ? ecs.tasks.get(view.arn)
      : view.kind === 'failureGroup' && table
        ? rows[selectedIndexIn(table, view.list)]?.task
        : undefined;
  useEffect(() => {
    if (shownTask) lastLines?.want(shownTask);
  }, [shownTask, lastLines]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastLinesVersion says when the cache's states changed
  const lines = useMemo(
    () =>
      view.kind === 'failureGroup'
        ? []
        : viewLines(ecs, view, now, taskWindow, width, lastLines && ((arn) => lastLines.state(arn))),
    [ecs, view, now, taskWindow, width, lastLines, lastLinesVersion],
  );
  if (view.kind !== 'failureGroup') {
    return (
      <ErrorBoundary label="This view" resetKey={lines}>
        <LinesView lines={lines} scroll={view.scroll} width={width} height={height} />
      </ErrorBoundary>
    );
  }
  if (!table) return null;
  const taskArn = shownTask?.taskArn;
  const selectedLastLines =
    taskArn && lastLines
      ? lastLinesSection(lastLines.state(taskArn), `Last lines of ${short(taskArn)} before it stopped`).slice(
          0,
          // Half the view at most: the group's tasks stay in sight below.
          Math.min(GROUP_LAST_LINES_MAX, Math.floor(height / 2)),
        )
      : [];
  const header = group
    ? [...failureGroupLines(ecs, group, now), ...selectedLastLines]
    : [[{ text: 'This failure group is gone.', tone: 'warn' as const }]];
  const headerHeight = Math.min(header.length + 1, Math.max(0, height - 3));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LinesView lines={header} scroll={0} width={width} height={headerHeight} />
      <ErrorBoundary label="Failure group tasks" resetKey={table.items}>
        <VirtualTable
          items={table.items}
          columns={table.columns}
          keyOf={table.keyOf}
          selectedIndex={selectedIndexIn(table, view.list)}
          marks={view.list.marks}
          width={width}
          height={height - headerHeight}
          clock={clock}
          focused
          {...(view.list.sort ? { sort: view.list.sort } : {})}
          header={axisHeader(taskWindow, view.list.sort)}
          emptyText="ECS has forgotten these tasks and the flight recorder holds no copy"
        />
      </ErrorBoundary>
    </Box>
  );
}
