/**
 * Keys to commands to state changes. Every handler reads the live state from the stores at the moment the key is
 * handled (never a value captured by an earlier render), so keys that arrive in one chunk each act on the state the
 * previous one left.
 */
import { followDrain } from '../../actions/drain.ts';
import type { RerunOffer } from '../../actions/plans.ts';
import type { ActionEvent, ActionPlan, ActionResult, PlanOutcome } from '../../actions/types.ts';
import type { UiActionPort } from '../../actions/uiPort.ts';
import { shortName } from '../../domain/arn.ts';
import type { FailureGroup } from '../../domain/failures.ts';
import type { Service } from '../../domain/model.ts';
import {
  activeScopes,
  type CommandId,
  DEFAULT_KEYMAP,
  type InkKey,
  type Keymap,
  keysFromInput,
  PANES,
  type PaneId,
  type Scope,
  textOfKey,
} from '../../keymap/keymap.ts';
import type { CopyOutcome } from '../../lib/osc52.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import type { EcsState, EcsStore } from '../../store/store.ts';
import { maxScroll, nextSort } from '../components/table.ts';
import { planLines, planTitle, resultLines, STATUS_TONES } from '../panes/actionLines.ts';
import { safe } from '../panes/cells.ts';
import {
  clusterDetailLines,
  describeLines,
  instanceDetailLines,
  serviceDetailLines,
  taskDetailLines,
} from '../panes/details.ts';
import { memoLast } from '../panes/memo.ts';
import { anyProblem, problemsViewLines } from '../panes/problems.ts';
import { type AnyTable, type PaneTables, selectedIndexIn } from '../panes/registry.ts';
import { failureGroupTaskRows } from '../panes/tasks.ts';
import {
  type DialogState,
  type EntityKind,
  emptyList,
  flash,
  type ListState,
  popView,
  pushView,
  topView,
  type UiState,
  type UiStore,
  updateList,
  updateTopView,
  type View,
} from './uiStore.ts';

/** What the app needs of the pollers (poll/Monitor fits). */
export interface MonitorLike {
  focusCluster(cluster: string | undefined): void;
  refreshNow(): void;
}

export type { UiActionPort } from '../../actions/uiPort.ts';

/** Why the app ended: quit, or a request to reopen on another region or profile (the CLI rebuilds the gateway). */
export type AppExit = { kind: 'quit' } | { kind: 'switch'; region?: string; profile?: string };

export interface ControllerOptions {
  ecs: EcsStore;
  ui: UiStore;
  tables: PaneTables;
  monitor: MonitorLike;
  scheduler: Scheduler;
  readOnly: boolean;
  /** The keymap with the config's overrides (default: the built-in bindings). */
  keymap?: Keymap;
  /**
   * The actions layer (an ActionRunner through createUiActions). Its plans are what the confirmation shows, word for
   * word; absent, every action key says actions are not available.
   */
  actions?: UiActionPort;
  /** Puts text on the clipboard (OSC 52 to the terminal, or tmux's buffer) and says in a sentence what it did. */
  copy(text: string): CopyOutcome;
  exit(result: AppExit): void;
  /** Lines of the body (between the breadcrumbs and the status line), as last laid out. */
  bodyHeight(): number;
  /** Columns of the body, as last laid out (line views wrap to it); absent: lines are not wrapped. */
  bodyWidth?(): number;
}

const FOCUS_DELAY_MS = 300;

export class Controller {
  readonly #o: ControllerOptions;
  readonly keymap: Keymap;
  #focusTimer: ReturnType<Scheduler['setTimeout']> | undefined;
  readonly #groupRows = memoLast(failureGroupTaskRowsFor);

  /** A rerun being prepared (DescribeTasks in flight): a second `r` meanwhile is the same intent. */
  #rerunPending = false;
  /** The task a rerun started, selected in the Tasks pane until the user moves. */
  #followTask: string | undefined;
  #stopFollowingDrain: (() => void) | undefined;
  /** The instances the latest drain confirmed here set DRAINING: what `x` frees when nothing is marked. */
  #drained: string[] = [];
  /**
   * Set while the rest of the input chunk that opened (or changed) a confirmation is handled: those keys were typed
   * before the dialog was on screen, so they must not answer it.
   */
  #typedBeforeDialog = false;

  constructor(options: ControllerOptions) {
    this.#o = options;
    this.keymap = options.keymap ?? DEFAULT_KEYMAP;
    options.actions?.subscribe((event) => this.#onActionEvent(event));
  }

  /** The scopes live right now. */
  scopes(state: UiState = this.#o.ui.getState()): Scope[] {
    const modal: Scope | undefined = state.dialog ? 'dialog' : state.modal;
    return activeScopes({ ...(modal ? { modal } : {}), pane: state.pane, detail: state.stack.length > 0 });
  }

  /** The scopes under the modal in front: what help describes. */
  scopesBeneath(state: UiState = this.#o.ui.getState()): Scope[] {
    return activeScopes({ pane: state.pane, detail: state.stack.length > 0 });
  }

  /** One input event from Ink: possibly several keys. */
  handleInput(input: string, key: InkKey): void {
    let ignored = 0;
    for (const name of keysFromInput(input, key)) {
      // ctrl-c still quits; anything else typed along with the key that opened the dialog is dropped.
      if (this.#typedBeforeDialog && this.keymap.commandForKey(name, ['anywhere']) === undefined) {
        ignored++;
        continue;
      }
      const before = this.#o.ui.getState().dialog;
      try {
        this.handleKey(name);
      } catch (error) {
        // One bad record must not take the whole app down with a key press.
        flash(this.#o.ui, `That key failed: ${safe(error instanceof Error ? error.message : error)}`, 'error');
      }
      const after = this.#o.ui.getState().dialog;
      if (after !== undefined && after !== before && !this.#typedBeforeDialog) {
        this.#typedBeforeDialog = true;
        // Ink hands a chunk over synchronously (as several events when it holds escape sequences): a microtask runs
        // once the whole chunk has been handled, and the next chunk answers the dialog the user has seen.
        queueMicrotask(() => {
          this.#typedBeforeDialog = false;
        });
      }
    }
    if (ignored > 0 && this.#o.ui.getState().dialog) {
      flash(
        this.#o.ui,
        `Ignored ${ignored} key(s) typed before this confirmation was on screen: read it, then answer.`,
        'warn',
      );
    }
  }

  handleKey(key: string): void {
    const scopes = this.scopes();
    const command = this.keymap.commandForKey(key, scopes);
    if (command) {
      this.run(command.id);
      return;
    }
    const text = textOfKey(key);
    const { modal } = this.#o.ui.getState();
    if (text !== undefined && (modal === 'filter' || modal === 'command' || modal === 'prompt')) this.#type(text);
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

  #setFrontList(patch: Partial<ListState>): void {
    const state = this.#o.ui.getState();
    const view = topView(state);
    if (view?.kind === 'failureGroup') updateTopView(this.#o.ui, { ...view, list: { ...view.list, ...patch } });
    else updateList(this.#o.ui, state.pane, patch);
  }

  run(id: CommandId): void {
    const ui = this.#o.ui;
    switch (id) {
      case 'moveDown':
        this.#move(1);
        return;
      case 'moveUp':
        this.#move(-1);
        return;
      case 'pageDown':
        this.#move(Math.max(1, this.#page() - 1));
        return;
      case 'pageUp':
        this.#move(-Math.max(1, this.#page() - 1));
        return;
      case 'moveTop':
        this.#move(Number.NEGATIVE_INFINITY);
        return;
      case 'moveBottom':
        this.#move(Number.POSITIVE_INFINITY);
        return;
      case 'open':
        this.#open();
        return;
      case 'back':
        this.#back();
        return;
      case 'describe':
        this.#describe();
        return;
      case 'copyArn':
        this.#copyArn();
        return;
      case 'toggleMark':
        this.#toggleMark();
        return;
      case 'clearMarks':
        this.#setFrontList({ marks: new Set() });
        return;
      case 'sortNext': {
        const table = this.frontTable();
        if (table) this.#setFrontList({ sort: nextSort(table.columns, this.frontList().sort) });
        return;
      }
      case 'sortReverse': {
        const sort = this.frontList().sort;
        if (sort) this.#setFrontList({ sort: { ...sort, descending: !sort.descending } });
        return;
      }
      case 'paneClusters':
        this.showPane('clusters');
        return;
      case 'paneInstances':
        this.showPane('instances');
        return;
      case 'paneServices':
        this.showPane('services');
        return;
      case 'paneTasks':
        this.showPane('tasks');
        return;
      case 'paneFailures':
        this.showPane('failures');
        return;
      case 'paneNext':
        this.#cyclePane(1);
        return;
      case 'panePrevious':
        this.#cyclePane(-1);
        return;
      case 'filter':
        ui.setState({ modal: 'filter', input: this.frontList().filter });
        return;
      case 'commandMode':
        ui.setState({ modal: 'command', input: '' });
        return;
      case 'help':
        ui.setState({ modal: 'help', helpScroll: 0 });
        return;
      case 'refresh':
        this.#o.monitor.refreshNow();
        flash(ui, 'Refreshing…');
        return;
      case 'quit':
        this.#o.exit({ kind: 'quit' });
        return;
      case 'quitFromAnywhere':
        // Whatever is open goes without its action: no confirm, no prompt value, no command line runs.
        ui.setState({ dialog: undefined, modal: undefined, prompt: undefined, input: '' });
        this.#o.exit({ kind: 'quit' });
        return;
      case 'cycleTaskWindow': {
        const order = ['15m', '1h', '6h'] as const;
        const next = order[(order.indexOf(ui.getState().taskWindow) + 1) % order.length] ?? '15m';
        ui.setState({ taskWindow: next });
        return;
      }
      case 'cycleFailureWindow': {
        const order = ['1h', '6h', '24h'] as const;
        const next = order[(order.indexOf(ui.getState().failureWindow) + 1) % order.length] ?? '1h';
        ui.setState({ failureWindow: next });
        return;
      }
      case 'stopTasks':
        this.#stopTasks();
        return;
      case 'rerunTask':
        this.#rerunTask();
        return;
      case 'drainInstances':
        this.#instancesAction('drain');
        return;
      case 'activateInstances':
        this.#instancesAction('activate');
        return;
      case 'stopBlockingTasks':
        this.#stopBlocking();
        return;
      case 'scaleService':
        this.#scale();
        return;
      case 'redeployService':
        this.#redeploy();
        return;
      case 'lastResult': {
        // A feed failing now comes first: its sentence in full, then the last result under it.
        if (this.#showProblems()) return;
        const result = ui.getState().lastResult;
        if (result) pushView(ui, { kind: 'result', result, scroll: 0 });
        else flash(ui, 'No action has run in this session.', 'muted');
        return;
      }
      case 'confirm': {
        // The dialog closes before the call goes out: a second confirm in the same chunk finds nothing to confirm.
        const dialog = ui.getState().dialog;
        ui.setState({ dialog: undefined });
        dialog?.onConfirm();
        return;
      }
      case 'cancel':
        ui.setState({ dialog: undefined });
        flash(ui, 'Cancelled: nothing was called.', 'muted');
        return;
      case 'switchCall': {
        const alternative = ui.getState().dialog?.alternative;
        if (alternative) ui.setState({ dialog: alternative.dialog() });
        return;
      }
      case 'promptSubmit': {
        const { prompt, input } = ui.getState();
        if (!prompt) return;
        const error = prompt.onSubmit(input);
        // A value the runner refused keeps the prompt open with the reason; one it took has opened the dialog.
        if (error !== undefined) ui.setState({ prompt: { ...prompt, error } });
        return;
      }
      case 'promptCancel':
        ui.setState({ modal: undefined, prompt: undefined, input: '' });
        flash(ui, 'Cancelled: nothing was called.', 'muted');
        return;
      case 'filterApply':
        ui.setState({ modal: undefined, input: '' });
        return;
      case 'filterClear':
        this.#setFrontList({ filter: '' });
        ui.setState({ modal: undefined, input: '' });
        return;
      case 'promptErase':
      case 'filterErase':
      case 'commandErase': {
        const input = Array.from(ui.getState().input).slice(0, -1).join('');
        ui.setState({ input });
        if (id === 'filterErase') this.#setFrontList({ filter: input });
        return;
      }
      case 'commandRun': {
        const line = ui.getState().input;
        ui.setState({ modal: undefined, input: '' });
        this.runCommandLine(line);
        return;
      }
      case 'commandCancel':
        ui.setState({ modal: undefined, input: '' });
        return;
      case 'helpClose':
        ui.setState({ modal: undefined });
        return;
      case 'helpDown': {
        const state = ui.getState();
        const entries = this.keymap.helpEntries(this.scopesBeneath(state)).length;
        // The help overlay has a title line above its entries.
        ui.setState({ helpScroll: Math.min(maxScroll(entries, this.#o.bodyHeight() - 1), state.helpScroll + 1) });
        return;
      }
      case 'helpUp':
        ui.setState({ helpScroll: Math.max(0, ui.getState().helpScroll - 1) });
        return;
    }
  }

  /** Rows a page holds: a table spends two lines on its title and column header, a line view none. */
  #page(): number {
    const view = topView(this.#o.ui.getState());
    return Math.max(1, view && view.kind !== 'failureGroup' ? this.#o.bodyHeight() : this.#o.bodyHeight() - 2);
  }

  showPane(pane: PaneId): void {
    this.#o.ui.setState({ pane, stack: [] });
  }

  #cyclePane(step: number): void {
    const index = PANES.indexOf(this.#o.ui.getState().pane);
    const next = PANES[(index + step + PANES.length) % PANES.length] ?? 'clusters';
    this.showPane(next);
  }

  #type(text: string): void {
    const ui = this.#o.ui;
    const input = ui.getState().input + text;
    ui.setState({ input });
    // The filter applies as it is typed.
    if (ui.getState().modal === 'filter') this.#setFrontList({ filter: input });
  }

  #move(delta: number): void {
    const state = this.#o.ui.getState();
    const view = topView(state);
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
    this.#setFrontList({ selectedIndex: target, ...(selectedKey !== undefined ? { selectedKey } : {}) });
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
  #showProblems(): boolean {
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

  #open(): void {
    const selection = this.selected();
    // Nothing to open in an empty table: a feed's error under its title, if there is one, opens whole.
    if (!selection) {
      if (!topView(this.#o.ui.getState())) this.#showProblems();
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

  #back(): void {
    if (popView(this.#o.ui)) return;
    if (this.frontList().filter !== '') this.#setFrontList({ filter: '' });
  }

  /** What `v` and `y` act on: the entity view in front, else the selected row. */
  #subject(): { kind: EntityKind | 'failureGroup'; id: string } | undefined {
    const view = topView(this.#o.ui.getState());
    if (view?.kind === 'result' || view?.kind === 'problems') return undefined;
    if (view && view.kind !== 'failureGroup' && view.kind !== 'describe') return { kind: view.kind, id: view.arn };
    if (view?.kind === 'describe') return { kind: view.of, id: view.id };
    const selection = this.selected();
    if (!selection) return undefined;
    const { table, item } = selection;
    return { kind: table.entity, id: table.entity === 'failureGroup' ? table.keyOf(item) : (table.arnOf(item) ?? '') };
  }

  #describe(): void {
    const subject = this.#subject();
    if (!subject) return;
    const view = topView(this.#o.ui.getState());
    if (view?.kind === 'describe') return;
    pushView(this.#o.ui, { kind: 'describe', of: subject.kind, id: subject.id, scroll: 0 });
  }

  #copyArn(): void {
    const subject = this.#subject();
    if (!subject || subject.kind === 'failureGroup') {
      flash(this.#o.ui, 'Nothing with an ARN is selected.', 'warn');
      return;
    }
    const arn = safe(subject.id);
    const outcome = this.#o.copy(arn);
    flash(this.#o.ui, outcome.message, outcome.copied ? 'ok' : 'warn');
  }

  #toggleMark(): void {
    const selection = this.selected();
    if (!selection) return;
    const key = selection.table.keyOf(selection.item);
    const marks = new Set(this.frontList().marks);
    if (marks.has(key)) marks.delete(key);
    else marks.add(key);
    this.#setFrontList({ marks });
  }

  /** The marked rows of the table in front, or the selected one; in an entity view, that entity. */
  #targets<T>(kind: EntityKind, lookup: (state: EcsState, arn: string) => T | undefined): Targets<T> {
    const ecs = this.#o.ecs.getState();
    const state = this.#o.ui.getState();
    const view = topView(state);
    if (view && view.kind === kind) {
      const one = lookup(ecs, view.arn);
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

  // ---------------------------------------------------------------- actions

  /** The actions port when an action may run; else says why not (read-only first) and answers undefined. */
  #port(what: string): UiActionPort | undefined {
    const port = this.#o.actions;
    if (this.#o.readOnly || port?.readOnly) {
      flash(this.#o.ui, `Read-only mode (--read-only): ${what} is disabled, nothing was called.`, 'warn');
      return undefined;
    }
    if (!port) {
      flash(this.#o.ui, `${what}: actions are not available in this session.`, 'warn');
      return undefined;
    }
    return port;
  }

  /** A plan goes to the confirmation; a plan error is one sentence on the flash line. */
  #offer(outcome: PlanOutcome, options: OfferOptions = {}): void {
    if ('error' in outcome) {
      flash(this.#o.ui, safe(outcome.error), 'warn');
      return;
    }
    this.#o.ui.setState({ dialog: this.#dialogOf(outcome.plan, options) });
  }

  #dialogOf(plan: ActionPlan, options: OfferOptions = {}): DialogState {
    return {
      title: planTitle(plan),
      lines: planLines(plan, options.lead),
      onConfirm: () => {
        // The marked set has been acted on: the marks go (as in k9s); a cancelled dialog leaves them.
        options.clearMarks?.();
        this.#execute(plan, options.after);
      },
    };
  }

  #execute(plan: ActionPlan, after?: (result: ActionResult) => void): void {
    const port = this.#o.actions;
    if (!port) return;
    flash(this.#o.ui, `${plan.operation}: sent, waiting for the answer…`, 'muted');
    port.execute(plan).then(
      (result) => {
        this.#showResult(result);
        after?.(result);
      },
      (error: unknown) =>
        flash(this.#o.ui, `${plan.operation} failed: ${safe(error instanceof Error ? error.message : error)}`, 'error'),
    );
  }

  /** The flash in the tone of the status; a partial or failed result opens its per-target view at once. */
  #showResult(result: ActionResult): void {
    const ui = this.#o.ui;
    ui.setState({ lastResult: result });
    const failedSome = result.status === 'partial' || result.status === 'failed';
    flash(
      ui,
      `${safe(result.message)}${failedSome ? ` (${this.keymap.keyOf('lastResult')} shows each target)` : ''}`,
      STATUS_TONES[result.status],
    );
    if (failedSome && !ui.getState().dialog && ui.getState().modal === undefined) {
      pushView(ui, { kind: 'result', result, scroll: 0 });
    }
  }

  #onActionEvent(event: ActionEvent): void {
    if (event.type !== 'task-visible' || event.taskArn !== this.#followTask) return;
    const id = safe(shortName(event.taskArn));
    if (!event.visible) {
      flash(this.#o.ui, `Task ${id} has not shown up in DescribeTasks yet: it may have failed to start.`, 'warn');
      return;
    }
    // Still following it (the user has not moved the cursor): keep it selected as the polls bring it in.
    if (this.#o.ui.getState().lists.tasks.selectedKey === event.taskArn) {
      flash(this.#o.ui, `Task ${id} is visible to ECS now.`, 'ok');
    }
  }

  #stopTasks(): void {
    const port = this.#port('Stop');
    if (!port) return;
    const tasks = this.#targets('task', (state, arn) => state.tasks.get(arn));
    this.#offer(port.planStop(tasks.items), marksOf(tasks));
  }

  #instancesAction(kind: 'drain' | 'activate'): void {
    const port = this.#port(kind === 'drain' ? 'Drain' : 'Activate');
    if (!port) return;
    const instances = this.#targets('instance', (state, arn) => state.instances.get(arn));
    if (kind === 'activate') {
      this.#offer(port.planActivate(instances.items), {
        ...marksOf(instances),
        after: (result) => {
          this.#stopFollowingDrain?.();
          const activated = new Set(result.targets.filter((t) => t.ok).map((t) => t.arn));
          this.#drained = this.#drained.filter((arn) => !activated.has(arn));
        },
      });
      return;
    }
    this.#offer(port.planDrain(instances.items), {
      ...marksOf(instances),
      after: (result) => {
        const drained = result.targets.filter((t) => t.ok && !t.skipped).map((t) => t.arn);
        if (drained.length > 0) {
          this.#drained = drained;
          this.#followDrain(drained);
        }
      },
    });
  }

  /**
   * The drain followed live on the flash line, from the store the pollers keep fresh: service tasks still moving,
   * then the standalone tasks that hold it, named, with the key that stops them. Ends when no service task is left.
   */
  #followDrain(instanceArns: string[]): void {
    this.#stopFollowingDrain?.();
    let done = false;
    let stop: (() => void) | undefined;
    const finish = () => {
      done = true;
      stop?.();
      this.#stopFollowingDrain = undefined;
    };
    stop = followDrain(this.#o.ecs, instanceArns, (statuses) => {
      if (done) return;
      const moving = statuses.reduce((sum, s) => sum + s.progress.serviceTasks, 0);
      const drained = statuses.filter((s) => s.progress.drained).length;
      const held = statuses.filter((s) => s.blocking.length > 0).map((s) => `${s.label}: ${s.blocking.join(', ')}`);
      const parts = [
        moving > 0 ? `${moving} service task(s) still moving` : 'no service tasks left',
        `${drained} of ${statuses.length} drained`,
      ];
      if (held.length > 0)
        parts.push(
          `${this.keymap.keyOf('stopBlockingTasks')} stops the standalone task(s) holding it: ${held.join('; ')}`,
        );
      flash(this.#o.ui, `Drain: ${parts.join('; ')}`, moving > 0 ? 'muted' : held.length > 0 ? 'warn' : 'ok');
      if (moving === 0) finish();
    });
    if (done) stop();
    else this.#stopFollowingDrain = finish;
  }

  #stopBlocking(): void {
    const port = this.#port('Stopping the tasks that hold a drain');
    if (!port) return;
    const instances = this.#targets('instance', (state, arn) => state.instances.get(arn));
    let arns = instances.items.map((i) => i.containerInstanceArn);
    // Nothing marked and no instance opened: the drain started here (whose marks are gone) is what the flash offered.
    if (instances.source === 'selection') {
      const ecs = this.#o.ecs.getState();
      const draining = this.#drained.filter((arn) => ecs.instances.get(arn)?.status === 'DRAINING');
      if (draining.length > 0) arns = draining;
    }
    if (arns.length === 0) {
      flash(this.#o.ui, 'Stop blockers: no container instance is selected or marked.', 'warn');
      return;
    }
    this.#offer(port.planStopBlocking(arns), {
      ...marksOf(instances),
      lead: ['These standalone tasks keep the drain from finishing:'],
    });
  }

  #service(): Service | undefined {
    const service = this.#targets('service', (state, arn) => state.services.get(arn)).items[0];
    if (!service)
      flash(this.#o.ui, `Select a service first (the Services pane, ${this.keymap.keyOf('paneServices')}).`, 'warn');
    return service;
  }

  #scale(count?: string): void {
    const port = this.#port('Scale');
    if (!port) return;
    const service = this.#service();
    if (!service) return;
    const arn = service.serviceArn;
    const ui = this.#o.ui;
    // Planned from the record as it is when the value is entered: a poll may have moved desiredCount meanwhile.
    const plan = (text: string) => port.planScale(this.#o.ecs.getState().services.get(arn) ?? service, text);
    if (count !== undefined) {
      this.#offer(plan(count));
      return;
    }
    const name = safe(service.serviceName ?? shortName(arn));
    ui.setState({
      modal: 'prompt',
      input: '',
      prompt: {
        title: `Scale ${name} (desired now ${service.desiredCount ?? '?'}) to:`,
        onSubmit: (text) => {
          const outcome = plan(text);
          if ('error' in outcome) return safe(outcome.error);
          ui.setState({ modal: undefined, prompt: undefined, input: '' });
          this.#offer(outcome);
          return undefined;
        },
      },
    });
  }

  #redeploy(): void {
    const port = this.#port('Redeploy');
    if (!port) return;
    const service = this.#service();
    if (service) this.#offer(port.planForceDeployment(service));
  }

  #rerunTask(): void {
    const port = this.#port('Rerun');
    if (!port) return;
    const task = this.#targets('task', (state, arn) => state.tasks.get(arn)).items[0];
    if (!task) {
      flash(this.#o.ui, 'Rerun: no task is selected.', 'warn');
      return;
    }
    if (this.#rerunPending) return;
    this.#rerunPending = true;
    const id = safe(shortName(task.taskArn));
    flash(this.#o.ui, `Rerun: reading task ${id} again (DescribeTasks)…`, 'muted');
    port
      .prepareRerun({ taskArn: task.taskArn, ...(task.clusterArn ? { clusterArn: task.clusterArn } : {}) })
      .then(
        (offer) => this.#rerunOffer(offer),
        (error: unknown) =>
          flash(this.#o.ui, `Rerun: ${safe(error instanceof Error ? error.message : error)}`, 'error'),
      )
      .finally(() => {
        this.#rerunPending = false;
      });
  }

  #rerunOffer(offer: RerunOffer): void {
    const ui = this.#o.ui;
    if (offer.kind === 'unavailable') {
      flash(ui, safe(offer.error), 'warn');
      return;
    }
    // Something else took the front while the task was read: do not open a dialog over it.
    if (ui.getState().dialog || ui.getState().modal !== undefined) {
      flash(ui, `Rerun: put aside (another dialog was open); press ${this.keymap.keyOf('rerunTask')} again.`, 'muted');
      return;
    }
    if (offer.kind === 'service') {
      if ('error' in offer.redeploy) {
        flash(ui, `${safe(offer.explanation)} ${safe(offer.redeploy.error)}`, 'warn');
        return;
      }
      this.#offer(offer.redeploy, { lead: [offer.explanation, 'Confirm to force a new deployment instead:'] });
      return;
    }
    const follow = (result: ActionResult) => this.#selectNewTask(result);
    const run = offer.run;
    const start = offer.start;
    if (!start || 'error' in start) {
      this.#offer(run, { after: follow });
      return;
    }
    if ('error' in run) {
      this.#offer(start, { lead: [`RunTask cannot be offered: ${run.error}`], after: follow });
      return;
    }
    const runDialog = (): DialogState => ({
      ...this.#dialogOf(run.plan, { after: follow }),
      alternative: { label: 'StartTask on the same instance instead', dialog: startDialog },
    });
    const startDialog = (): DialogState => ({
      ...this.#dialogOf(start.plan, { after: follow }),
      alternative: { label: 'RunTask (ECS places it) instead', dialog: runDialog },
    });
    ui.setState({ dialog: runDialog() });
  }

  /** After a rerun: the new task selected in the Tasks pane, and followed until it is visible to DescribeTasks. */
  #selectNewTask(result: ActionResult): void {
    const arn = result.newTaskArns[0];
    if (!arn) return;
    this.#followTask = arn;
    const ui = this.#o.ui;
    // The filter or a mark could hide or outvote it: the new task is what the user wants in front.
    updateList(ui, 'tasks', { selectedKey: arn, filter: '', marks: new Set() });
    const { dialog, modal } = ui.getState();
    if (dialog || modal !== undefined) return;
    // A partial result stays in front, the Tasks pane with the new task under it.
    if (topView(ui.getState())?.kind === 'result') ui.setState({ pane: 'tasks' });
    else ui.setState({ pane: 'tasks', stack: [] });
  }

  /** `:clusters`, `:cluster NAME`, `:region NAME`, `:profile NAME`, `:scale N`, `:redeploy`, `:q`. */
  runCommandLine(line: string): void {
    const [word = '', ...rest] = line.trim().split(/\s+/);
    const argument = rest.join(' ');
    const ui = this.#o.ui;
    const panes: Record<string, PaneId> = {
      clusters: 'clusters',
      cl: 'clusters',
      instances: 'instances',
      inst: 'instances',
      services: 'services',
      svc: 'services',
      tasks: 'tasks',
      failures: 'failures',
      fail: 'failures',
    };
    const pane = panes[word.toLowerCase()];
    if (pane) {
      this.showPane(pane);
      return;
    }
    switch (word.toLowerCase()) {
      case '':
        return;
      case 'cluster': {
        const wanted = argument.toLowerCase();
        const cluster = [...this.#o.ecs.getState().clusters.values()].find(
          (c) =>
            c.clusterArn.toLowerCase() === wanted ||
            (c.clusterName ?? shortName(c.clusterArn)).toLowerCase() === wanted,
        );
        if (!cluster) {
          flash(ui, `No cluster named ${safe(argument)}.`, 'error');
          return;
        }
        this.focusCluster(cluster.clusterArn);
        ui.setState({ pane: 'services', stack: [] });
        flash(ui, `Watching cluster ${safe(cluster.clusterName ?? argument)}.`, 'ok');
        return;
      }
      case 'region':
      case 'profile': {
        if (argument === '') {
          flash(ui, `Usage: :${word} NAME`, 'warn');
          return;
        }
        this.#o.exit(word === 'region' ? { kind: 'switch', region: argument } : { kind: 'switch', profile: argument });
        return;
      }
      case 'scale':
        if (argument === '') this.#scale();
        else this.#scale(argument);
        return;
      case 'redeploy':
        this.#redeploy();
        return;
      case 'q':
      case 'quit':
        this.#o.exit({ kind: 'quit' });
        return;
      default:
        flash(
          ui,
          `Unknown command :${safe(word)} (try :clusters, :cluster NAME, :region NAME, :profile NAME, :scale N, :redeploy).`,
          'error',
        );
    }
  }

  #lineCount(view: Exclude<View, { kind: 'failureGroup' }>): number {
    const ecs = this.#o.ecs.getState();
    const { now, taskWindow } = this.#o.ui.getState();
    return viewLines(ecs, view, now, taskWindow, this.#o.bodyWidth?.()).length;
  }
}

/** What an action acts on, and where that came from; marks it used go once it has run. */
interface Targets<T> {
  items: T[];
  source: 'view' | 'marks' | 'selection';
  clearMarks?: () => void;
}

interface OfferOptions {
  lead?: string[];
  after?: (result: ActionResult) => void;
  /** Takes the marks the plan was made from off their list, when the call goes out. */
  clearMarks?: () => void;
}

function marksOf(targets: Targets<unknown>): Pick<OfferOptions, 'clearMarks'> {
  return targets.clearMarks ? { clearMarks: targets.clearMarks } : {};
}

export function failureGroupTaskRowsFor(
  group: FailureGroup | undefined,
  tasks: EcsState['tasks'],
  transitions: EcsState['transitions'],
  instances: EcsState['instances'],
) {
  if (!group) return [];
  return failureGroupTaskRows({ tasks, transitions, instances } as EcsState, group);
}

/** The lines of a line view (entity detail, describe, errors), the long ones of describe and errors wrapped. */
export function viewLines(
  ecs: EcsState,
  view: Exclude<View, { kind: 'failureGroup' }>,
  now: number,
  taskWindow: UiState['taskWindow'],
  width = Number.POSITIVE_INFINITY,
) {
  if (view.kind === 'describe') return describeLines(recordOf(ecs, view.of, view.id), width);
  if (view.kind === 'result') return resultLines(view.result);
  if (view.kind === 'problems') {
    const problems = problemsViewLines(ecs, view.cluster, width);
    const lines = problems.length > 0 ? problems : [[{ text: 'No feed is failing now.', tone: 'ok' as const }]];
    return view.result
      ? [...lines, [], [{ text: 'Last action', tone: 'title' as const }], ...resultLines(view.result)]
      : lines;
  }
  switch (view.kind) {
    case 'cluster':
      return clusterDetailLines(ecs, view.arn, now);
    case 'instance':
      return instanceDetailLines(ecs, view.arn, now);
    case 'service':
      return serviceDetailLines(ecs, view.arn, now);
    case 'task':
      return taskDetailLines(ecs, view.arn, now, taskWindow);
  }
}

export function recordOf(ecs: EcsState, kind: EntityKind | 'failureGroup', id: string): unknown {
  switch (kind) {
    case 'cluster':
      return ecs.clusters.get(id);
    case 'instance':
      return ecs.instances.get(id);
    case 'service':
      return ecs.services.get(id);
    case 'task':
      return ecs.tasks.get(id);
    case 'failureGroup':
      return ecs.failureGroups.get(id);
  }
}
