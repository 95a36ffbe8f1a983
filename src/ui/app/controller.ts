/**
 * Keys to commands to state changes: the controller turns Ink's input into key names, guards a confirmation against
 * keys typed before it was on screen, and dispatches each key through the keymap to its command's handler
 * (commands.ts). Every handler reads the live state from the stores at the moment the key is handled (never a value
 * captured by an earlier render), so keys that arrive in one chunk each act on the state the previous one left.
 */
import type { UiActionPort } from '../../actions/uiPort.ts';
import type { TaskDefinition } from '../../domain/model.ts';
import {
  activeScopes,
  type CommandId,
  DEFAULT_KEYMAP,
  type InkKey,
  type Keymap,
  keysFromInput,
  type Scope,
  textOfKey,
} from '../../keymap/keymap.ts';
import type { CopyOutcome } from '../../lib/osc52.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import type { LastLinesCache } from '../../logs/lastLines.ts';
import type { LogsAccess } from '../../logs/types.ts';
import type { EcsStore } from '../../store/store.ts';
import { LogViews } from '../logs/logViews.ts';
import { safe } from '../panes/cells.ts';
import type { AnyTable, PaneTables } from '../panes/registry.ts';
import { ActionFlows } from './actionFlows.ts';
import { COMMAND_HANDLERS, type CommandContext, typeText } from './commands.ts';
import { DefinitionFlows } from './definitionFlows.ts';
import { Navigation } from './navigation.ts';
import { flash, topView, type UiState, type UiStore } from './uiStore.ts';

/** What the app needs of the pollers (poll/Monitor fits). */
export interface MonitorLike {
  focusCluster(cluster: string | undefined): void;
  refreshNow(): void;
  /** A task definition revision, described at most once (the diff, rollback and log view read them). */
  taskDefinition?(arn: string): Promise<TaskDefinition | undefined>;
  /** A family's ACTIVE revisions, newest first (ListTaskDefinitions; `limit`: one page of at most that many). */
  taskDefinitionRevisions?(family: string, options?: { limit?: number }): Promise<string[]>;
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
  /** The CloudWatch Logs client, created on first use; absent, the log view says logs cannot be read. */
  logs?: LogsAccess;
  /** Where the log view's `s` writes its files (default: the current directory). */
  logSaveDirectory?: string;
  /** Lines a log view keeps (default 50,000; tests use fewer). */
  logCapacity?: number;
  /** The last lines of stopped tasks, which a stopped task's detail shows (logs/lastLines.ts). */
  lastLines?: Pick<LastLinesCache, 'state'>;
}

export class Controller {
  readonly #o: ControllerOptions;
  readonly keymap: Keymap;
  readonly #navigation: Navigation;
  readonly #app: CommandContext;
  /** The open log views (the body draws the one in front from here). */
  readonly logViews: LogViews;
  /**
   * Set while the rest of the input chunk that opened (or changed) a confirmation is handled: those keys were typed
   * before the dialog was on screen, so they must not answer it.
   */
  #typedBeforeDialog = false;

  constructor(options: ControllerOptions) {
    this.#o = options;
    this.keymap = options.keymap ?? DEFAULT_KEYMAP;
    const monitor = options.monitor;
    this.logViews = new LogViews({
      ecs: options.ecs,
      ui: options.ui,
      scheduler: options.scheduler,
      ...(options.logs ? { logs: options.logs } : {}),
      ...(monitor.taskDefinition
        ? { taskDefinition: (arn: string) => monitor.taskDefinition?.(arn) ?? Promise.resolve(undefined) }
        : {}),
      copy: (text) => options.copy(text),
      saveDirectory: options.logSaveDirectory ?? process.cwd(),
      bodyHeight: () => options.bodyHeight(),
      ...(options.bodyWidth ? { bodyWidth: () => options.bodyWidth?.() ?? 80 } : {}),
      ...(options.logCapacity !== undefined ? { capacity: options.logCapacity } : {}),
    });
    this.#navigation = new Navigation({ ...options, logViews: this.logViews });
    const definitions = new DefinitionFlows({ ...options, keymap: this.keymap, navigation: this.#navigation });
    const flows = new ActionFlows({ ...options, keymap: this.keymap, navigation: this.#navigation, definitions });
    this.#app = {
      ecs: options.ecs,
      ui: options.ui,
      keymap: this.keymap,
      monitor: options.monitor,
      navigation: this.#navigation,
      flows,
      logViews: this.logViews,
      definitions,
      exit: (result) => {
        // A quit closes every live tail session first: they are billed by the minute.
        this.logViews.closeAll();
        options.exit(result);
      },
      bodyHeight: () => options.bodyHeight(),
      scopesBeneath: (state) => this.scopesBeneath(state),
    };
  }

  /** The scopes live right now. */
  scopes(state: UiState = this.#o.ui.getState()): Scope[] {
    const modal: Scope | undefined = state.dialog ? 'dialog' : state.modal;
    return activeScopes({ ...(modal ? { modal } : {}), ...this.#front(state) });
  }

  /** The scopes under the modal in front: what help describes. */
  scopesBeneath(state: UiState = this.#o.ui.getState()): Scope[] {
    return activeScopes(this.#front(state));
  }

  #front(state: UiState): { pane: UiState['pane']; detail: boolean; logs: boolean; diff: boolean } {
    return {
      pane: state.pane,
      detail: state.stack.length > 0,
      logs: state.stack.at(-1)?.kind === 'logs',
      diff: topView(state)?.kind === 'definitionDiff',
    };
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
    if (text !== undefined && (modal === 'filter' || modal === 'command' || modal === 'prompt'))
      typeText(this.#app, text);
  }

  /** Runs one command by its id, as its key would. */
  run(id: CommandId): void {
    COMMAND_HANDLERS[id](this.#app);
  }

  /** The selected row of the table in front. */
  selected(): { table: AnyTable; item: unknown } | undefined {
    return this.#navigation.selected();
  }

  /** Points the pollers at a cluster; the selections of the cluster-scoped panes start over. */
  focusCluster(arn: string): void {
    this.#navigation.focusCluster(arn);
  }
}
