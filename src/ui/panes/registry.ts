/**
 * One entry point for "the table in front": the rows of a pane (or of a failure group's view), filtered and sorted,
 * with their columns and keys. Both the components (to draw) and the key handlers (to move, open, mark, copy) use
 * it, so they always agree on what row N is.
 */

import type { FailureGroup } from '../../domain/failures.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import type { EcsState } from '../../store/store.ts';
import { emptyList, type ListState, type UiState } from '../app/uiStore.ts';
import { type Column, matchesFilter, type SortState, sortItems } from '../components/table.ts';
import { createTheme, type Theme } from '../theme/theme.ts';
import { type ClusterRow, clusterColumns, loadedFeedsKey, selectClusterRows } from './clusters.ts';
import { failureColumns, groupsInSeveralClusters, selectFailureRows } from './failures.ts';
import { type InstanceRow, instanceColumns, selectInstanceRows } from './instances.ts';
import { memoLast } from './memo.ts';
import {
  type ServiceRow,
  selectRecentOomServices,
  selectServiceRows,
  serviceColumns,
  serviceColumnsWithUtilisation,
} from './services.ts';
import { selectTaskRows, type TaskRow, taskColumns } from './tasks.ts';

export type EntityOfRow = 'cluster' | 'instance' | 'service' | 'task' | 'failureGroup';

export interface TableModel<T> {
  /** Every row of the table before filtering (for counts). */
  total: number;
  /** The rows to show: filtered, then sorted. */
  items: readonly T[];
  columns: readonly Column<T>[];
  keyOf(item: T): string;
  /** What `enter` opens and `y` copies. */
  entity: EntityOfRow;
  arnOf(item: T): string | undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: a table of any row type, used only through its own functions
export type AnyTable = TableModel<any>;

const minuteOf = (now: number) => Math.floor(now / 60_000);

/** Text a filter matches against: the row's static cells (the clock-driven ones would make matches flicker). */
function searchTextFor<T extends object>(columns: readonly Column<T>[], theme: Theme) {
  const cache = new WeakMap<T, string>();
  return (item: T): string => {
    let text = cache.get(item);
    if (text === undefined) {
      text = columns
        .filter((column) => !column.timeDependent)
        .map((column) => {
          const cell = column.value(item, { now: 0, width: 200, theme });
          if (typeof cell === 'string') return cell;
          return 'spans' in cell ? cell.spans.map((span) => span.text).join('') : cell.text;
        })
        .join(' ');
      cache.set(item, text);
    }
    return text;
  };
}

function filteredSorted<T extends object>(columns: readonly Column<T>[], theme: Theme) {
  const search = searchTextFor(columns, theme);
  return memoLast((rows: readonly T[], filter: string, sort: SortState | undefined): T[] => {
    const kept = filter === '' ? rows : rows.filter((row) => matchesFilter(search(row), filter));
    return sortItems(kept, columns, sort);
  });
}

/**
 * What a pane's table is made of in the UI state: the whole UiState does, and so does a pane's own slice (its list
 * alone, the clock to the minute), which is what a pane subscribes to.
 */
export type PaneTableUi = Pick<UiState, 'now' | 'cluster' | 'taskWindow' | 'failureWindow'> & {
  lists: Readonly<Partial<Record<PaneId, ListState>>>;
};

const NO_LIST: ListState = emptyList();

/** The pane tables for one theme (glyphs differ with ASCII); build once per app. */
export function createPaneTables(theme: Theme = createTheme({ colour: true })) {
  const ascii = theme.ascii;
  const clusters = clusterColumns(ascii);
  const instances = instanceColumns();
  const services = serviceColumns(ascii);
  const servicesWithUtilisation = serviceColumnsWithUtilisation(ascii);
  const tasksByWindow = new Map<string, Column<TaskRow>[]>();
  const taskColumnsFor = (window: UiState['taskWindow']) => {
    let columns = tasksByWindow.get(window);
    if (!columns) {
      columns = taskColumns(() => window, ascii);
      tasksByWindow.set(window, columns);
    }
    return columns;
  };
  const failuresFor = memoLast((instancesMap: EcsState['instances'], groups: readonly FailureGroup[]) =>
    failureColumns((arn) => instancesMap.get(arn)?.ec2InstanceId, groupsInSeveralClusters(groups)),
  );

  const clusterList = filteredSorted<ClusterRow>(clusters, theme);
  const instanceList = filteredSorted<InstanceRow>(instances, theme);
  const serviceList = filteredSorted<ServiceRow>(services, theme);
  const serviceUtilisationList = filteredSorted<ServiceRow>(servicesWithUtilisation, theme);
  const taskLists = new Map<string, ReturnType<typeof filteredSorted<TaskRow>>>();
  const taskListFor = (window: UiState['taskWindow']) => {
    let list = taskLists.get(window);
    if (!list) {
      list = filteredSorted<TaskRow>(taskColumnsFor(window), theme);
      taskLists.set(window, list);
    }
    return list;
  };
  const failureLists = new WeakMap<object, ReturnType<typeof filteredSorted<FailureGroup>>>();
  const failureListFor = (columns: Column<FailureGroup>[]) => {
    let list = failureLists.get(columns);
    if (!list) {
      list = filteredSorted<FailureGroup>(columns, theme);
      failureLists.set(columns, list);
    }
    return list;
  };

  function paneTable(pane: PaneId, ecs: EcsState, ui: PaneTableUi): AnyTable {
    const list: ListState = ui.lists[pane] ?? NO_LIST;
    switch (pane) {
      case 'clusters': {
        const rows = selectClusterRows(
          ecs.clusters,
          ecs.services,
          ecs.instances,
          ecs.failureOccurrences,
          minuteOf(ui.now),
          ui.cluster,
          loadedFeedsKey(ecs.meta),
        );
        return table(rows, clusterList(rows, list.filter, list.sort), clusters, 'cluster');
      }
      case 'instances': {
        const rows = selectInstanceRows(ecs.instances, ecs.tasks, ui.cluster);
        return table(rows, instanceList(rows, list.filter, list.sort), instances, 'instance');
      }
      case 'services': {
        // CloudWatch's columns once its client is up (the header shows its budget then too).
        if (ecs.metricsApi !== undefined) {
          const rows = selectServiceRows(
            ecs.services,
            ecs.serviceEvents,
            ui.cluster,
            ecs.serviceUtilisation,
            selectRecentOomServices(ecs.failureOccurrences, minuteOf(ui.now)),
          );
          const items = serviceUtilisationList(rows, list.filter, list.sort);
          return table(rows, items, servicesWithUtilisation, 'service');
        }
        const rows = selectServiceRows(ecs.services, ecs.serviceEvents, ui.cluster);
        return table(rows, serviceList(rows, list.filter, list.sort), services, 'service');
      }
      case 'tasks': {
        const rows = selectTaskRows(ecs.tasks, ecs.transitions, ecs.instances, ui.cluster);
        const columns = taskColumnsFor(ui.taskWindow);
        return table(rows, taskListFor(ui.taskWindow)(rows, list.filter, list.sort), columns, 'task');
      }
      case 'failures': {
        const rows = selectFailureRows(ecs.failureOccurrences, ui.failureWindow, minuteOf(ui.now));
        const columns = failuresFor(ecs.instances, rows);
        return {
          total: rows.length,
          items: failureListFor(columns)(rows, list.filter, list.sort),
          columns,
          keyOf: (group: FailureGroup) => group.key,
          entity: 'failureGroup',
          arnOf: () => undefined,
        };
      }
    }
  }

  /** The tasks of a failure group as a table (its detail view), in the task timeline window. */
  const groupTaskList = memoLast(
    (rows: readonly TaskRow[], filter: string, sort: SortState | undefined, window: UiState['taskWindow']) =>
      taskListFor(window)(rows, filter, sort),
  );
  function taskTable(rows: readonly TaskRow[], list: ListState, window: UiState['taskWindow']): AnyTable {
    return table(rows, groupTaskList(rows, list.filter, list.sort, window), taskColumnsFor(window), 'task');
  }

  return { paneTable, taskTable };
}

export type PaneTables = ReturnType<typeof createPaneTables>;

function table<T extends { arn: string }>(
  all: readonly T[],
  items: readonly T[],
  columns: readonly Column<T>[],
  entity: EntityOfRow,
): TableModel<T> {
  return { total: all.length, items, columns, keyOf: (item) => item.arn, entity, arnOf: (item) => item.arn };
}

/** The index of the selected row: the selected key's row if it is still listed, else the old index clamped. */
export function selectedIndexIn(table: AnyTable, list: ListState): number {
  if (table.items.length === 0) return -1;
  if (list.selectedKey !== undefined) {
    const index = table.items.findIndex((item) => table.keyOf(item) === list.selectedKey);
    if (index >= 0) return index;
  }
  return Math.min(Math.max(0, list.selectedIndex), table.items.length - 1);
}
