/**
 * Moving through what is in front: the selection and paging of the table in front (a pane, or a failure group's
 * tasks) or the scroll of a line view; panes, and opening and closing views; marks, sort and filter; the cluster the
 * pollers watch; and what an action acts on (the marked rows, else the selected one). Every method reads the live
 * state from the stores when it is called, never a value an earlier render captured.
 */
import { PANES, type PaneId } from '../../keymap/keymap.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import type { EcsState } from '../../store/store.ts';
import { maxScroll, nextSort } from '../components/table.ts';
import type { LogViews } from '../logs/logViews.ts';
import type { LogSubject } from '../logs/session.ts';
import { safe } from '../panes/cells.ts';
import { memoLast } from '../panes/memo.ts';
import { anyProblem } from '../panes/problems.ts';
import { type AnyTable, selectedIndexIn } from '../panes/registry.ts';
import { failureGroupTaskRowsFor, viewLines } from '../panes/views.ts';
import type { ControllerOptions } from './controller.ts';
import {
  type EntityKind,
  emptyList,
  flash,
  type ListState,
  popView,
  pushView,
  topView,
  type UiState,
  updateList,
  updateTopView,
  type View,
} from './uiStore.ts';

export type NavigationOptions = Pick<
  ControllerOptions,
  'ecs' | 'ui' | 'tables' | 'monitor' | 'scheduler' | 'copy' | 'bodyHeight' | 'bodyWidth' | 'lastLines'
> & { logViews: LogViews };

/** A line view: every view but a failure group's table and a log view (which scrolls itself). */
type LineView = Exclude<View, { kind: 'failureGroup' } | { kind: 'logs' }>;

/** What an action acts on, and where that came from; marks it used go once it has run. */
export interface Targets<T> {
  items: T[];
  source: 'view' | 'marks' | 'selection';
  clearMarks?: () => void;
}

const FOCUS_DELAY_MS = 300;

export class Navigation {
  readonly #o: NavigationOptions;
  #focusTimer: ReturnType<Scheduler['setTimeout']> | undefined;
  readonly #groupRows = memoLast(failureGroupTaskRowsFor);

  constructor(options: NavigationOptions) {
    this.#o = options;
  }

  /** The table in front (a pane, or a failure group's tasks), or undefined when a line view is in front. */
  frontTable(state: UiState = this.#o.ui.getState(), ecs: EcsState = this.#o.ecs.getState()): AnyTable | undefined {
    const view = topView(state);
    if (!view) return this.#o.tables.paneTable(state.pane, ecs, state);
    if (view.kind === 'failureGroup') {
      const group = ecs.failureGroups.get(view.key);
      const rows = this.#groupRows(group, ecs.tasks, ecs.transitions, ecs.instances);
      return this.#o.tables.taskTable(rows, view.list, state.taskWindow);
    }
    return undefined;
  }

  /** The list state of the table in front. */
  frontList(state: UiState = this.#o.ui.getState()): ListState {
    const view = topView(state);
    return view?.kind === 'failureGroup' ? view.list : state.lists[state.pane];
  }

  setFrontList(patch: Partial<ListState>): void {
    const state = this.#o.ui.getState();
    const view = topView(state);
    if (view?.kind === 'failureGroup') updateTopView(this.#o.ui, { ...view, list: { ...view.list, ...patch } });
    else updateList(this.#o.ui, state.pane, patch);
  }

  /** Rows a page holds: a table spends two lines on its title and column header, a line view none. */
  page(): number {
    const view = topView(this.#o.ui.getState());
    if (view?.kind === 'logs') return this.#o.logViews.page();
    return Math.max(1, view && view.kind !== 'failureGroup' ? this.#o.bodyHeight() : this.#o.bodyHeight() - 2);
  }

  showPane(pane: PaneId): void {
    this.#o.ui.setState({ pane, stack: [] });
  }

  cyclePane(step: number): void {
    const index = PANES.indexOf(this.#o.ui.getState().pane);
    const next = PANES[(index + step + PANES.length) % PANES.length] ?? 'clusters';
    this.showPane(next);
  }

  /** Moves the selection (or a line view's scroll) by delta rows; an infinite delta goes to the first or last. */
  move(delta: number): void {
    const state = this.#o.ui.getState();
    const view = topView(state);
    if (view?.kind === 'logs') {
      this.#o.logViews.move(delta);
      return;
    }
    if (view && view.kind !== 'failureGroup') {
      const total = this.#lineCount(view);
      const max = maxScroll(total, this.#o.bodyHeight());
      const scroll = Math.min(max, Math.max(0, Number.isFinite(delta) ? view.scroll + delta : delta > 0 ? max : 0));
      updateTopView(this.#o.ui, { ...view, scroll });
      return;
    }
    const table = this.frontTable(state);
    if (!table || table.items.length === 0) return;
    const list = this.frontList(state);
    const current = selectedIndexIn(table, list);
    const target = Number.isFinite(delta)
      ? Math.min(table.items.length - 1, Math.max(0, current + delta))
      : delta > 0
        ? table.items.length - 1
        : 0;
    const item = table.items[target];
    const selectedKey = item === undefined ? undefined : table.keyOf(item);
    this.setFrontList({ selectedIndex: target, ...(selectedKey !== undefined ? { selectedKey } : {}) });
    if (!view && state.pane === 'clusters' && selectedKey !== undefined) this.#focusSoon(selectedKey);
  }

  /** The selected row of the table in front. */
  selected(): { table: AnyTable; item: unknown } | undefined {
    const table = this.frontTable();
    if (!table) return undefined;
    const index = selectedIndexIn(table, this.frontList());
    const item = index >= 0 ? table.items[index] : undefined;
    return item === undefined ? undefined : { table, item };
  }

  /** Point the pollers at a cluster a moment after the selection rests there (moving through the list costs nothing). */
  #focusSoon(arn: string): void {
    const { scheduler } = this.#o;
    if (this.#focusTimer) scheduler.clearTimeout(this.#focusTimer);
    this.#focusTimer = scheduler.setTimeout(() => {
      this.#focusTimer = undefined;
      this.focusCluster(arn);
    }, FOCUS_DELAY_MS);
  }

  focusCluster(arn: string): void {
    const ui = this.#o.ui;
    if (ui.getState().cluster === arn) return;
    // Selections in the cluster-scoped panes belonged to the old cluster.
    const lists = { ...ui.getState().lists };
    for (const pane of ['instances', 'services', 'tasks'] as const) {
      lists[pane] = emptyList(lists[pane].sort);
    }
    ui.setState({ cluster: arn, lists });
    this.#o.monitor.focusCluster(arn);
  }

  /** Opens the errors of the failing feeds, unless none is failing (false) or they are already in front. */
  showProblems(): boolean {
    const state = this.#o.ui.getState();
    if (topView(state)?.kind === 'problems') return true;
    if (!anyProblem(this.#o.ecs.getState(), state.cluster)) return false;
    pushView(this.#o.ui, {
      kind: 'problems',
      ...(state.cluster ? { cluster: state.cluster } : {}),
      ...(state.lastResult ? { result: state.lastResult } : {}),
      scroll: 0,
    });
    return true;
  }

  open(): void {
    const selection = this.selected();
    // Nothing to open in an empty table: a feed's error under its title, if there is one, opens whole.
    if (!selection) {
      if (!topView(this.#o.ui.getState())) this.showProblems();
      return;
    }
    const { table, item } = selection;
    if (table.entity === 'failureGroup') {
      pushView(this.#o.ui, {
        kind: 'failureGroup',
        key: table.keyOf(item),
        list: emptyList({ column: 'age', descending: false }),
      });
      return;
    }
    const arn = table.arnOf(item);
    if (arn === undefined) return;
    if (table.entity === 'cluster') this.focusCluster(arn);
    pushView(this.#o.ui, { kind: table.entity, arn, scroll: 0 });
  }

  back(): void {
    // A log view's pretty-printed line closes before the log view does.
    if (topView(this.#o.ui.getState())?.kind === 'logs' && this.#o.logViews.closePretty()) return;
    if (popView(this.#o.ui)) return;
    if (this.frontList().filter !== '') this.setFrontList({ filter: '' });
  }

  /** What `v` and `y` act on: the entity view in front, else the selected row. */
  #subject(): { kind: EntityKind | 'failureGroup'; id: string } | undefined {
    const view = topView(this.#o.ui.getState());
    if (
      view?.kind === 'result' ||
      view?.kind === 'problems' ||
      view?.kind === 'logs' ||
      view?.kind === 'definitionDiff'
    )
      return undefined;
    if (view && view.kind !== 'failureGroup' && view.kind !== 'describe') return { kind: view.kind, id: view.arn };
    if (view?.kind === 'describe') return { kind: view.of, id: view.id };
    const selection = this.selected();
    if (!selection) return undefined;
    const { table, item } = selection;
    return { kind: table.entity, id: table.entity === 'failureGroup' ? table.keyOf(item) : (table.arnOf(item) ?? '') };
  }

  describe(): void {
    const subject = this.#subject();
    if (!subject) return;
    const view = topView(this.#o.ui.getState());
    if (view?.kind === 'describe') return;
    pushView(this.#o.ui, { kind: 'describe', of: subject.kind, id: subject.id, scroll: 0 });
  }

  copyArn(): void {
    const subject = this.#subject();
    if (!subject || subject.kind === 'failureGroup') {
      flash(this.#o.ui, 'Nothing with an ARN is selected.', 'warn');
      return;
    }
    const arn = safe(subject.id);
    const outcome = this.#o.copy(arn);
    flash(this.#o.ui, outcome.message, outcome.copied ? 'ok' : 'warn');
  }

  toggleMark(): void {
    const selection = this.selected();
    if (!selection) return;
    const key = selection.table.keyOf(selection.item);
    const marks = new Set(this.frontList().marks);
    if (marks.has(key)) marks.delete(key);
    else marks.add(key);
    this.setFrontList({ marks });
  }

  clearMarks(): void {
    this.setFrontList({ marks: new Set() });
  }

  sortNext(): void {
    const table = this.frontTable();
    if (table) this.setFrontList({ sort: nextSort(table.columns, this.frontList().sort) });
  }

  sortReverse(): void {
    const sort = this.frontList().sort;
    if (sort) this.setFrontList({ sort: { ...sort, descending: !sort.descending } });
  }

  /** The marked rows of the table in front, or the selected one; in an entity view, that entity. */
  targets<T>(kind: EntityKind, lookup: (state: EcsState, arn: string) => T | undefined): Targets<T> {
    const ecs = this.#o.ecs.getState();
    const state = this.#o.ui.getState();
    const view = topView(state);
    if (view && view.kind === kind) {
      const one = lookup(ecs, view.arn);
      return { items: one ? [one] : [], source: 'view' };
    }
    if (view?.kind === 'definitionDiff' && kind === 'service' && view.service) {
      const one = lookup(ecs, view.service);
      return { items: one ? [one] : [], source: 'view' };
    }
    const table = this.frontTable();
    if (!table || table.entity !== kind) return { items: [], source: 'selection' };
    const marks = this.frontList().marks;
    const marked = table.items.filter((item) => marks.has(table.keyOf(item)));
    const chosen = marked.length > 0 ? marked : [this.selected()?.item].filter((item) => item !== undefined);
    const items = chosen.flatMap((item) => {
      const arn = table.arnOf(item);
      const found = arn === undefined ? undefined : lookup(ecs, arn);
      return found ? [found] : [];
    });
    if (marked.length === 0) return { items, source: 'selection' };
    const used = new Set(marked.map((item) => table.keyOf(item)));
    const where = view?.kind === 'failureGroup' ? { group: view.key } : { pane: state.pane };
    return { items, source: 'marks', clearMarks: () => this.#unmark(used, where) };
  }

  /** Takes these marks off the pane's list (or the failure group view's), leaving any other mark. */
  #unmark(keys: ReadonlySet<string>, where: { pane: PaneId } | { group: string }): void {
    const ui = this.#o.ui;
    const without = (marks: ReadonlySet<string>) => new Set([...marks].filter((key) => !keys.has(key)));
    const { lists, stack } = ui.getState();
    if ('pane' in where) {
      updateList(ui, where.pane, { marks: without(lists[where.pane].marks) });
      return;
    }
    ui.setState({
      stack: stack.map((view) =>
        view.kind === 'failureGroup' && view.key === where.group
          ? { ...view, list: { ...view.list, marks: without(view.list.marks) } }
          : view,
      ),
    });
  }

  /** What `l` reads the logs of: the task or service in front, else the selected task or service row. */
  logSubject(): LogSubject | undefined {
    const view = topView(this.#o.ui.getState());
    if (view?.kind === 'task') return { kind: 'task', taskArn: view.arn };
    if (view?.kind === 'service') return { kind: 'service', serviceArn: view.arn };
    if (view?.kind === 'describe' && view.of === 'task') return { kind: 'task', taskArn: view.id };
    if (view?.kind === 'describe' && view.of === 'service') return { kind: 'service', serviceArn: view.id };
    if (view && view.kind !== 'failureGroup') return undefined;
    const selection = this.selected();
    if (!selection) return undefined;
    const arn = selection.table.arnOf(selection.item);
    if (arn === undefined) return undefined;
    if (selection.table.entity === 'task') return { kind: 'task', taskArn: arn };
    if (selection.table.entity === 'service') return { kind: 'service', serviceArn: arn };
    return undefined;
  }

  #lineCount(view: LineView): number {
    const ecs = this.#o.ecs.getState();
    const { now, taskWindow } = this.#o.ui.getState();
    const lastLines = this.#o.lastLines;
    return viewLines(ecs, view, now, taskWindow, this.#o.bodyWidth?.(), lastLines && ((arn) => lastLines.state(arn)))
      .length;
  }
}
