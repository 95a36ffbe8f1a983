/**
 * What each command of the keymap does: one handler per command id. The table's type has a key for every id, so the
 * compiler refuses a command without a handler, as the keymap refuses one without a description. The handlers are
 * short; moving and selecting live in navigation.ts, the action flows in actionFlows.ts, `:` commands in
 * commandLine.ts.
 */
import type { CommandId, Keymap, Scope } from '../../keymap/keymap.ts';
import type { EcsStore } from '../../store/store.ts';
import { maxScroll } from '../components/table.ts';
import type { LogViews } from '../logs/logViews.ts';
import type { ActionFlows } from './actionFlows.ts';
import { runCommandLine } from './commandLine.ts';
import type { AppExit, MonitorLike } from './controller.ts';
import type { DefinitionFlows } from './definitionFlows.ts';
import type { Navigation } from './navigation.ts';
import { flash, pushView, type UiState, type UiStore } from './uiStore.ts';

/** What a handler works with: the stores, the keymap, and the parts of the controller that do the work. */
export interface CommandContext {
  readonly ecs: EcsStore;
  readonly ui: UiStore;
  readonly keymap: Keymap;
  readonly monitor: MonitorLike;
  readonly navigation: Navigation;
  readonly flows: ActionFlows;
  /** The log views (`l`) and what their keys do. */
  readonly logViews: LogViews;
  readonly definitions: DefinitionFlows;
  exit(result: AppExit): void;
  /** Lines of the body, as last laid out. */
  bodyHeight(): number;
  /** The scopes under the modal in front: what help describes. */
  scopesBeneath(state: UiState): Scope[];
}

export type CommandHandler = (app: CommandContext) => void;

/** A handler for every command id, and for nothing else. */
export type CommandHandlers = { readonly [K in CommandId]: CommandHandler };

/** Text typed into the open field (filter, command line, prompt); the filter applies as it is typed. */
export function typeText(app: CommandContext, text: string): void {
  const { ui } = app;
  const input = ui.getState().input + text;
  ui.setState({ input });
  if (ui.getState().modal === 'filter') app.navigation.setFrontList({ filter: input });
}

/** Erases the last character of the open field (a code point, so an emoji goes whole). */
function eraseInput(app: CommandContext): string {
  const input = Array.from(app.ui.getState().input).slice(0, -1).join('');
  app.ui.setState({ input });
  return input;
}

function cancelled(ui: UiStore): void {
  flash(ui, 'Cancelled: nothing was called.', 'muted');
}

const TASK_WINDOWS = ['15m', '1h', '6h'] as const;
const FAILURE_WINDOWS = ['1h', '6h', '24h'] as const;

/** The window after this one, round to the first. */
function following<T>(order: readonly [T, ...T[]], current: T): T {
  return order[(order.indexOf(current) + 1) % order.length] ?? order[0];
}

export const COMMAND_HANDLERS: CommandHandlers = {
  moveDown: ({ navigation }) => navigation.move(1),
  moveUp: ({ navigation }) => navigation.move(-1),
  pageDown: ({ navigation }) => navigation.move(Math.max(1, navigation.page() - 1)),
  pageUp: ({ navigation }) => navigation.move(-Math.max(1, navigation.page() - 1)),
  moveTop: ({ navigation }) => navigation.move(Number.NEGATIVE_INFINITY),
  moveBottom: ({ navigation }) => navigation.move(Number.POSITIVE_INFINITY),
  open: ({ navigation }) => navigation.open(),
  back: ({ navigation }) => navigation.back(),
  describe: ({ navigation }) => navigation.describe(),
  copyArn: ({ navigation }) => navigation.copyArn(),
  toggleMark: ({ navigation }) => navigation.toggleMark(),
  clearMarks: ({ navigation }) => navigation.clearMarks(),
  sortNext: ({ navigation }) => navigation.sortNext(),
  sortReverse: ({ navigation }) => navigation.sortReverse(),
  paneClusters: ({ navigation }) => navigation.showPane('clusters'),
  paneInstances: ({ navigation }) => navigation.showPane('instances'),
  paneServices: ({ navigation }) => navigation.showPane('services'),
  paneTasks: ({ navigation }) => navigation.showPane('tasks'),
  paneFailures: ({ navigation }) => navigation.showPane('failures'),
  paneNext: ({ navigation }) => navigation.cyclePane(1),
  panePrevious: ({ navigation }) => navigation.cyclePane(-1),
  filter: ({ ui, navigation }) => ui.setState({ modal: 'filter', input: navigation.frontList().filter }),
  commandMode: ({ ui }) => ui.setState({ modal: 'command', input: '' }),
  help: ({ ui }) => ui.setState({ modal: 'help', helpScroll: 0 }),
  refresh: ({ ui, monitor }) => {
    monitor.refreshNow();
    flash(ui, 'Refreshing…');
  },
  quit: ({ exit }) => exit({ kind: 'quit' }),
  openLogs: ({ ui, navigation, logViews }) => {
    const subject = navigation.logSubject();
    if (subject) logViews.open(subject);
    else flash(ui, 'Select a task or a service to read its logs.', 'muted');
  },
  quitFromAnywhere: ({ ui, exit }) => {
    // Whatever is open goes without its action: no confirm, no prompt value, no command line runs.
    ui.setState({ dialog: undefined, modal: undefined, prompt: undefined, input: '' });
    exit({ kind: 'quit' });
  },
  cycleTaskWindow: ({ ui }) => ui.setState({ taskWindow: following(TASK_WINDOWS, ui.getState().taskWindow) }),
  cycleFailureWindow: ({ ui }) =>
    ui.setState({ failureWindow: following(FAILURE_WINDOWS, ui.getState().failureWindow) }),

  stopTasks: ({ flows }) => flows.stopTasks(),
  rerunTask: ({ flows }) => flows.rerunTask(),
  drainInstances: ({ flows }) => flows.instancesAction('drain'),
  activateInstances: ({ flows }) => flows.instancesAction('activate'),
  stopBlockingTasks: ({ flows }) => flows.stopBlockingTasks(),
  scaleService: ({ flows }) => flows.scale(),
  redeployService: ({ flows }) => flows.redeploy(),
  rollbackService: ({ flows }) => flows.rollback(),
  showDefinitionDiff: ({ definitions }) => definitions.showDiff(),
  diffToggleSecrets: ({ definitions }) => definitions.toggleSecrets(),
  diffToggleUnchanged: ({ definitions }) => definitions.toggleUnchanged(),
  diffChooseRevisions: ({ definitions }) => definitions.chooseRevisions(),
  lastResult: ({ ui, navigation }) => {
    // A feed failing now comes first: its sentence in full, then the last result under it.
    if (navigation.showProblems()) return;
    const result = ui.getState().lastResult;
    if (result) pushView(ui, { kind: 'result', result, scroll: 0 });
    else flash(ui, 'No action has run in this session.', 'muted');
  },

  logFollow: ({ logViews }) => logViews.toggleFollow(),
  logSinceTail: ({ logViews }) => logViews.setSince('tail'),
  logSince1m: ({ logViews }) => logViews.setSince('1m'),
  logSince5m: ({ logViews }) => logViews.setSince('5m'),
  logSince15m: ({ logViews }) => logViews.setSince('15m'),
  logSince1h: ({ logViews }) => logViews.setSince('1h'),
  logSinceAll: ({ logViews }) => logViews.setSince('all'),
  logWrap: ({ logViews }) => logViews.toggleWrap(),
  logTimestamps: ({ logViews }) => logViews.cycleTimestamps(),
  logSearch: ({ logViews }) => logViews.askSearch(),
  logSearchNext: ({ logViews }) => logViews.jumpToMatch(1),
  logSearchPrevious: ({ logViews }) => logViews.jumpToMatch(-1),
  logPattern: ({ logViews }) => logViews.askPattern(),
  logSave: ({ logViews }) => logViews.save(),
  logCopyLine: ({ logViews }) => logViews.copyLine(),
  logPretty: ({ logViews }) => logViews.togglePretty(),
  logAllContainers: ({ logViews }) => logViews.toggleAll(),
  logNextContainer: ({ logViews }) => logViews.cycleTab(1),
  logPreviousContainer: ({ logViews }) => logViews.cycleTab(-1),
  logFailedDeployment: ({ logViews }) => logViews.toggleTaskSet(),
  logClose: ({ navigation }) => navigation.back(),

  confirm: ({ ui }) => {
    // The dialog closes before the call goes out: a second confirm in the same chunk finds nothing to confirm.
    const dialog = ui.getState().dialog;
    ui.setState({ dialog: undefined });
    dialog?.onConfirm();
  },
  cancel: ({ ui }) => {
    ui.setState({ dialog: undefined });
    cancelled(ui);
  },
  switchCall: ({ ui }) => {
    const alternative = ui.getState().dialog?.alternative;
    if (alternative) ui.setState({ dialog: alternative.dialog() });
  },

  promptSubmit: ({ ui }) => {
    const { prompt, input } = ui.getState();
    if (!prompt) return;
    const error = prompt.onSubmit(input);
    // A value the runner refused keeps the prompt open with the reason; one it took has opened the dialog.
    if (error !== undefined) ui.setState({ prompt: { ...prompt, error } });
  },
  promptCancel: ({ ui }) => {
    ui.setState({ modal: undefined, prompt: undefined, input: '' });
    cancelled(ui);
  },
  promptErase: (app) => {
    eraseInput(app);
  },

  filterApply: ({ ui }) => ui.setState({ modal: undefined, input: '' }),
  filterClear: ({ ui, navigation }) => {
    navigation.setFrontList({ filter: '' });
    ui.setState({ modal: undefined, input: '' });
  },
  filterErase: (app) => app.navigation.setFrontList({ filter: eraseInput(app) }),

  commandRun: (app) => {
    const line = app.ui.getState().input;
    app.ui.setState({ modal: undefined, input: '' });
    runCommandLine(app, line);
  },
  commandCancel: ({ ui }) => ui.setState({ modal: undefined, input: '' }),
  commandErase: (app) => {
    eraseInput(app);
  },

  helpClose: ({ ui }) => ui.setState({ modal: undefined }),
  helpDown: ({ ui, keymap, bodyHeight, scopesBeneath }) => {
    const state = ui.getState();
    const entries = keymap.helpEntries(scopesBeneath(state)).length;
    // The help overlay has a title line above its entries.
    ui.setState({ helpScroll: Math.min(maxScroll(entries, bodyHeight() - 1), state.helpScroll + 1) });
  },
  helpUp: ({ ui }) => ui.setState({ helpScroll: Math.max(0, ui.getState().helpScroll - 1) }),
};
