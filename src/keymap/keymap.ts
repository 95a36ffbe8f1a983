/**
 * The keymap: one table of commands with their default bindings, scope, description and `dangerous` flag. The help
 * overlay and the footer are generated from it, and the UI dispatches keys through it, so what the screen says a
 * key does is what it does.
 *
 * Keys are named as strings: a printable character stands for itself ('j', 'G', '?', '/'), and the others are
 * 'enter', 'esc', 'tab', 'shift-tab', 'space', 'backspace', 'delete', 'up', 'down', 'left', 'right', 'pgup', 'pgdn',
 * 'home', 'end' and 'ctrl-<letter>'.
 */

export const PANES = ['clusters', 'instances', 'services', 'tasks', 'failures'] as const;
export type PaneId = (typeof PANES)[number];

/**
 * Where a command works. `global` applies under every pane and detail view; a pane scope only while that pane (or a
 * detail view opened from it, for `detail`; `diff` while a task definition diff is in front) is in front; the modal
 * scopes (`dialog`, `prompt`, `filter`, `command`, `help`) replace everything else while they are open; `logs` replaces
 * the panes' and global keys while a log view is in front (the moving keys are declared in both); `anywhere` is live
 * always, modals included (ctrl-c).
 */
export type Scope =
  | 'global'
  | PaneId
  | 'detail'
  | 'logs'
  | 'diff'
  | 'dialog'
  | 'prompt'
  | 'filter'
  | 'command'
  | 'help'
  | 'anywhere';

export const MODAL_SCOPES: readonly Scope[] = ['dialog', 'prompt', 'filter', 'command', 'help'];

export interface CommandSpec {
  keys: readonly string[];
  scopes: readonly Scope[];
  /** One line for the help overlay. */
  description: string;
  /** A word or two for the footer; commands without one are in help only. */
  hint?: string;
  /** Mutates something in the account: confirmation first, never in read-only mode. */
  dangerous?: boolean;
}

/** Every command. The object form makes the compiler insist on a spec (and so a description) for each id. */
export const COMMANDS = {
  moveDown: {
    keys: ['j', 'down'],
    scopes: ['global', 'logs'],
    description: 'Move the selection down one row',
    hint: 'move',
  },
  moveUp: { keys: ['k', 'up'], scopes: ['global', 'logs'], description: 'Move the selection up one row' },
  pageDown: { keys: ['pgdn', 'ctrl-f'], scopes: ['global', 'logs'], description: 'Move down one page' },
  pageUp: { keys: ['pgup', 'ctrl-b'], scopes: ['global', 'logs'], description: 'Move up one page' },
  moveTop: { keys: ['g', 'home'], scopes: ['global', 'logs'], description: 'Go to the first row' },
  moveBottom: { keys: ['G', 'end'], scopes: ['global', 'logs'], description: 'Go to the last row' },
  open: { keys: ['enter'], scopes: ['global'], description: 'Open the selected row', hint: 'open' },
  back: {
    keys: ['esc', 'left'],
    scopes: ['global', 'logs'],
    description: 'Go back (close the view in front)',
    hint: 'back',
  },
  describe: {
    keys: ['v'],
    scopes: ['global'],
    description: 'Describe: the full raw record, scrollable',
    hint: 'describe',
  },
  copyArn: { keys: ['y'], scopes: ['global'], description: 'Copy the ARN of the selection (OSC 52)', hint: 'copy ARN' },
  toggleMark: {
    keys: ['space'],
    scopes: ['global'],
    description: 'Mark or unmark the row for a bulk action',
    hint: 'mark',
  },
  clearMarks: { keys: ['ctrl-u'], scopes: ['global'], description: 'Clear every mark in this pane' },
  sortNext: { keys: ['o'], scopes: ['global'], description: 'Sort by the next column', hint: 'sort' },
  sortReverse: { keys: ['O'], scopes: ['global'], description: 'Reverse the sort order' },
  paneClusters: { keys: ['1'], scopes: ['global'], description: 'Show the Clusters pane' },
  paneInstances: { keys: ['2'], scopes: ['global'], description: 'Show the Instances pane' },
  paneServices: { keys: ['3'], scopes: ['global'], description: 'Show the Services pane' },
  paneTasks: { keys: ['4'], scopes: ['global'], description: 'Show the Tasks pane' },
  paneFailures: { keys: ['5'], scopes: ['global'], description: 'Show the Failures pane' },
  paneNext: { keys: ['tab'], scopes: ['global'], description: 'Next pane', hint: 'pane' },
  panePrevious: { keys: ['shift-tab'], scopes: ['global'], description: 'Previous pane' },
  filter: {
    keys: ['/'],
    scopes: ['global'],
    description: 'Filter rows (substring; a leading ! negates)',
    hint: 'filter',
  },
  commandMode: { keys: [':'], scopes: ['global'], description: 'Command mode (:clusters, :cluster NAME, :region …)' },
  help: { keys: ['?'], scopes: ['global', 'logs'], description: 'Help for what is in front', hint: 'help' },
  refresh: { keys: ['ctrl-r'], scopes: ['global'], description: 'Refresh now' },
  lastResult: {
    keys: ['!'],
    scopes: ['global'],
    description: "Show a failing feed's error in full, and the last action's result target by target",
  },
  quit: { keys: ['q'], scopes: ['global'], description: 'Quit ecsdeck', hint: 'quit' },
  openLogs: {
    keys: ['l'],
    scopes: ['global'],
    description: 'Logs (CloudWatch Logs) of the selected task, or of a service’s running tasks interleaved',
    hint: 'logs',
  },
  // Live in every modal too (as in k9s): a user who reaches for ctrl-c must get out, never type into a confirmation.
  quitFromAnywhere: {
    keys: ['ctrl-c'],
    scopes: ['anywhere'],
    description: 'Quit from anywhere: an open dialog, prompt, filter or help is dropped first and nothing is called',
  },

  cycleTaskWindow: {
    keys: ['w'],
    scopes: ['tasks'],
    description: 'Timeline window: 15m, 1h, 6h',
    hint: 'window',
  },
  cycleFailureWindow: {
    keys: ['w'],
    scopes: ['failures'],
    description: 'Failures window: 1h, 6h, 24h',
    hint: 'window',
  },
  stopTasks: {
    keys: ['s'],
    scopes: ['tasks'],
    description: 'Stop the selected or marked tasks (StopTask)',
    hint: 'stop',
    dangerous: true,
  },
  rerunTask: {
    keys: ['r'],
    scopes: ['tasks'],
    description: 'Rerun the selected task (RunTask, or StartTask on its instance; a service task: offer a redeploy)',
    hint: 'rerun',
    dangerous: true,
  },
  drainInstances: {
    keys: ['d'],
    scopes: ['instances'],
    description: 'Drain the selected or marked instances (UpdateContainerInstancesState DRAINING)',
    hint: 'drain',
    dangerous: true,
  },
  activateInstances: {
    keys: ['a'],
    scopes: ['instances'],
    description: 'Activate the selected or marked instances (UpdateContainerInstancesState ACTIVE)',
    hint: 'activate',
    dangerous: true,
  },
  stopBlockingTasks: {
    keys: ['x'],
    scopes: ['instances'],
    description:
      'Stop the standalone tasks holding a drain: of the marked instances, else of the drain started here, else of the selected one (StopTask)',
    hint: 'stop blockers',
    dangerous: true,
  },
  scaleService: {
    keys: ['S'],
    scopes: ['services'],
    description: 'Scale the selected service: asks for the desired count (UpdateService; also :scale N)',
    hint: 'scale',
    dangerous: true,
  },
  redeployService: {
    keys: ['R'],
    scopes: ['services'],
    description: 'Force a new deployment of the selected service (UpdateService; also :redeploy)',
    hint: 'redeploy',
    dangerous: true,
  },
  showDefinitionDiff: {
    keys: ['D'],
    scopes: ['services'],
    description:
      "Task definition diff: the PRIMARY deployment's revision against the one before it (the rollout's ACTIVE one, else the family's previous revision; also :diff)",
    hint: 'diff',
  },
  rollbackService: {
    keys: ['B'],
    scopes: ['services'],
    description:
      "Roll the selected service back to the revision before its PRIMARY deployment's, the diff in the confirmation (UpdateService taskDefinition; also :rollback)",
    hint: 'rollback',
    dangerous: true,
  },
  diffToggleSecrets: {
    keys: ['m'],
    scopes: ['diff'],
    description: 'Show or mask the values of environment variables whose names look secret (PASSWORD, TOKEN, KEY…)',
    hint: 'unmask',
  },
  diffToggleUnchanged: {
    keys: ['u'],
    scopes: ['diff'],
    description: 'Unfold or fold the fields both revisions share',
    hint: 'unfold',
  },
  diffChooseRevisions: {
    keys: ['c'],
    scopes: ['diff'],
    description: "Compare any two of the family's ACTIVE revisions (ListTaskDefinitions)",
    hint: 'choose',
  },

  logFollow: {
    keys: ['f'],
    scopes: ['logs'],
    description: 'Follow on/off: keep the newest line in view (moving up pauses; G resumes)',
    hint: 'follow',
  },
  logSinceTail: {
    keys: ['0'],
    scopes: ['logs'],
    description: 'Since: the newest 1,000 lines of each stream',
    hint: 'since 0-5',
  },
  logSince1m: { keys: ['1'], scopes: ['logs'], description: 'Since: the last minute' },
  logSince5m: { keys: ['2'], scopes: ['logs'], description: 'Since: the last 5 minutes' },
  logSince15m: { keys: ['3'], scopes: ['logs'], description: 'Since: the last 15 minutes' },
  logSince1h: { keys: ['4'], scopes: ['logs'], description: 'Since: the last hour' },
  logSinceAll: { keys: ['5'], scopes: ['logs'], description: 'Since: the whole stream (up to 50,000 lines)' },
  logWrap: { keys: ['w'], scopes: ['logs'], description: 'Wrap long lines on/off', hint: 'wrap' },
  logTimestamps: { keys: ['t'], scopes: ['logs'], description: 'Timestamps: UTC, local, off', hint: 'time' },
  logSearch: {
    keys: ['/'],
    scopes: ['logs'],
    description: 'Search the loaded lines (case-insensitive; matches highlighted)',
    hint: 'search',
  },
  logSearchNext: { keys: ['n'], scopes: ['logs'], description: 'Next match of the search' },
  logSearchPrevious: { keys: ['N'], scopes: ['logs'], description: 'Previous match of the search' },
  logPattern: {
    keys: ['F'],
    scopes: ['logs'],
    description: 'Filter pattern (CloudWatch syntax), applied by the server; shown in the header',
    hint: 'filter',
  },
  logSave: {
    keys: ['s'],
    scopes: ['logs'],
    description: 'Save the loaded lines to a file in the current directory',
    hint: 'save',
  },
  logCopyLine: { keys: ['y'], scopes: ['logs'], description: 'Copy the selected line (OSC 52)', hint: 'copy' },
  logPretty: {
    keys: ['enter'],
    scopes: ['logs'],
    description: 'Pretty-print the selected JSON line, or show a cut line whole (again to close)',
    hint: 'pretty',
  },
  logAllContainers: {
    keys: ['a'],
    scopes: ['logs'],
    description: "All the task's containers interleaved, or one again",
  },
  logNextContainer: { keys: ['tab'], scopes: ['logs'], description: 'Next container of the task', hint: 'container' },
  logPreviousContainer: { keys: ['shift-tab'], scopes: ['logs'], description: 'Previous container of the task' },
  logFailedDeployment: {
    keys: ['d'],
    scopes: ['logs'],
    description: "A service's running tasks, or the stopped tasks of its last failed deployment",
  },
  logClose: { keys: ['q'], scopes: ['logs'], description: 'Close the log view' },

  confirm: { keys: ['y', 'enter'], scopes: ['dialog'], description: 'Confirm: make the call', hint: 'confirm' },
  cancel: { keys: ['n', 'esc', 'q'], scopes: ['dialog'], description: 'Cancel: call nothing', hint: 'cancel' },
  switchCall: {
    keys: ['t'],
    scopes: ['dialog'],
    description: 'Switch to the other call offered (RunTask or StartTask on the same instance)',
  },

  promptSubmit: { keys: ['enter'], scopes: ['prompt'], description: 'Use this value', hint: 'continue' },
  promptCancel: { keys: ['esc'], scopes: ['prompt'], description: 'Cancel: call nothing', hint: 'cancel' },
  promptErase: { keys: ['backspace', 'delete'], scopes: ['prompt'], description: 'Erase a character' },

  filterApply: { keys: ['enter'], scopes: ['filter'], description: 'Keep this filter', hint: 'apply' },
  filterClear: { keys: ['esc'], scopes: ['filter'], description: 'Clear the filter', hint: 'clear' },
  filterErase: { keys: ['backspace', 'delete'], scopes: ['filter'], description: 'Erase a character' },

  commandRun: { keys: ['enter'], scopes: ['command'], description: 'Run the command', hint: 'run' },
  commandCancel: { keys: ['esc'], scopes: ['command'], description: 'Leave command mode', hint: 'cancel' },
  commandErase: { keys: ['backspace', 'delete'], scopes: ['command'], description: 'Erase a character' },

  helpClose: { keys: ['esc', '?', 'q'], scopes: ['help'], description: 'Close help', hint: 'close' },
  helpDown: { keys: ['j', 'down'], scopes: ['help'], description: 'Scroll help down', hint: 'scroll' },
  helpUp: { keys: ['k', 'up'], scopes: ['help'], description: 'Scroll help up' },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

export interface Command extends CommandSpec {
  id: CommandId;
}

/** The default table as a list, in table order. */
export const COMMAND_LIST: readonly Command[] = (Object.keys(COMMANDS) as CommandId[]).map((id) => ({
  id,
  ...(COMMANDS[id] as CommandSpec),
}));

/** Key overrides from the config file: command id -> the keys that run it, replacing its default keys. */
export type KeyOverrides = Readonly<Record<string, readonly string[]>>;

/** Overrides that cannot be used; the message is one sentence naming the key, e.g. `keys.moveDown: "q" is …`. */
export class KeymapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeymapError';
  }
}

/**
 * One app's keymap: the default table with the config's overrides applied. Dispatch, help and the footer all read
 * the same instance, so what the screen says a key does is what it does.
 */
export interface Keymap {
  readonly commands: readonly Command[];
  /** The commands that apply in these scopes, in table order. */
  commandsIn(scopes: readonly Scope[]): Command[];
  /** The command a key runs in these scopes (earlier scopes win; the table keeps them from overlapping anyway). */
  commandForKey(key: string, scopes: readonly Scope[]): Command | undefined;
  /** The first key of a command, as the screen writes it ("?", "enter", "↓"): for hints in messages. */
  keyOf(id: CommandId): string;
  /** Every key of a command, as the screen writes them. */
  keysOf(id: CommandId): string[];
  helpEntries(scopes: readonly Scope[]): HelpEntry[];
  footerHints(scopes: readonly Scope[], options?: { readOnly?: boolean }): FooterHint[];
}

/** Every set of scopes that can be live at once: a pane (with or without a detail view) over global, a log view, or a modal. */
export function liveScopeSets(): Scope[][] {
  return [
    ...PANES.flatMap((pane) => [activeScopes({ pane, detail: false }), activeScopes({ pane, detail: true })]),
    activeScopes({ pane: 'tasks', detail: true, logs: true }),
    activeScopes({ pane: 'services', detail: true, diff: true }),
    ...MODAL_SCOPES.map((modal) => activeScopes({ modal, pane: 'tasks', detail: false })),
  ];
}

/**
 * The first problem with these overrides as one sentence, or undefined: an unknown command, or a key that another
 * command live in the same place already has (`keys.moveDown: "q" is already bound to quit in global`).
 */
export function keyOverrideProblem(overrides: KeyOverrides): string | undefined {
  for (const id of Object.keys(overrides)) {
    if (!Object.hasOwn(COMMANDS, id)) return `keys.${id}: is not a command (the commands are listed in help, ?)`;
    if ((overrides[id] ?? []).length === 0) return `keys.${id}: must name at least one key`;
  }
  const commands = applyOverrides(overrides);
  for (const command of commands) {
    if (!Object.hasOwn(overrides, command.id)) continue;
    for (const key of command.keys) {
      for (const scopes of liveScopeSets()) {
        if (!command.scopes.some((scope) => scopes.includes(scope))) continue;
        const other = commands.find(
          (candidate) =>
            candidate.id !== command.id &&
            candidate.keys.includes(key) &&
            candidate.scopes.some((scope) => scopes.includes(scope)),
        );
        if (other) {
          const where = other.scopes.find((scope) => scopes.includes(scope)) ?? other.scopes[0];
          return `keys.${command.id}: ${JSON.stringify(key)} is already bound to ${other.id} in ${where}`;
        }
      }
    }
  }
  return undefined;
}

function applyOverrides(overrides: KeyOverrides): Command[] {
  return COMMAND_LIST.map((command) => {
    const keys = overrides[command.id];
    return keys ? { ...command, keys: [...keys] } : command;
  });
}

/** The keymap with the config's overrides (none: the defaults). Throws KeymapError on a conflict. */
export function createKeymap(overrides: KeyOverrides = {}): Keymap {
  const problem = keyOverrideProblem(overrides);
  if (problem) throw new KeymapError(problem);
  const commands: readonly Command[] = applyOverrides(overrides);
  const commandsIn = (scopes: readonly Scope[]) =>
    commands.filter((command) => command.scopes.some((scope) => scopes.includes(scope)));
  const bySpecificity = (scopes: readonly Scope[]) =>
    [...commandsIn(scopes)].sort((a, b) => scopeRank(a.scopes, scopes) - scopeRank(b.scopes, scopes));
  return {
    commands,
    commandsIn,
    commandForKey(key, scopes) {
      for (const scope of scopes) {
        const found = commands.find((command) => command.scopes.includes(scope) && command.keys.includes(key));
        if (found) return found;
      }
      return undefined;
    },
    keyOf(id) {
      return keyLabel(commands.find((command) => command.id === id)?.keys[0] ?? '');
    },
    keysOf(id) {
      return (commands.find((command) => command.id === id)?.keys ?? []).map(keyLabel);
    },
    helpEntries(scopes) {
      return bySpecificity(scopes).map((command) => ({
        keys: command.keys.map(keyLabel).join(' / '),
        description: command.description,
        dangerous: command.dangerous === true,
      }));
    },
    footerHints(scopes, options = {}) {
      return bySpecificity(scopes)
        .filter((command) => command.hint !== undefined && !(options.readOnly && command.dangerous))
        .map((command) => ({
          id: command.id,
          key: keyLabel(command.keys[0] ?? ''),
          label: command.hint ?? '',
          dangerous: command.dangerous === true,
        }));
    },
  };
}

/** The keymap without overrides. */
export const DEFAULT_KEYMAP: Keymap = createKeymap();

/** The commands that apply in these scopes, in table order (default keymap). */
export function commandsIn(scopes: readonly Scope[]): Command[] {
  return DEFAULT_KEYMAP.commandsIn(scopes);
}

/** The command a key runs in these scopes (default keymap). */
export function commandForKey(key: string, scopes: readonly Scope[]): Command | undefined {
  return DEFAULT_KEYMAP.commandForKey(key, scopes);
}

/**
 * The scopes that are live for what is in front: a modal alone, a log view alone, or the pane's scope (and `detail`,
 * and `diff` over it) over global; then `anywhere` under each.
 */
export function activeScopes(front: {
  modal?: Scope;
  pane: PaneId;
  detail: boolean;
  logs?: boolean;
  diff?: boolean;
}): Scope[] {
  if (front.modal) return [front.modal, 'anywhere'];
  if (front.logs) return ['logs', 'anywhere'];
  if (front.diff) return ['diff', 'detail', front.pane, 'global', 'anywhere'];
  return front.detail ? ['detail', front.pane, 'global', 'anywhere'] : [front.pane, 'global', 'anywhere'];
}

// ---------------------------------------------------------------- key names from terminal input

/** What Ink's useInput reports about a key (the fields we use). */
export interface InkKey {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

function characterKey(character: string): string {
  if (character === ' ') return 'space';
  if (character === '\r' || character === '\n') return 'enter';
  if (character === '\t') return 'tab';
  return character;
}

/**
 * The key names in one input event. Several characters arriving in one chunk ("jjj" from a fast typist or a key
 * repeat over a slow link) are several keys, each of which counts.
 */
export function keysFromInput(input: string, key: InkKey): string[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageUp) return ['pgup'];
  if (key.pageDown) return ['pgdn'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.return) return ['enter'];
  if (key.escape) return ['esc'];
  if (key.tab) return [key.shift ? 'shift-tab' : 'tab'];
  if (key.backspace) return ['backspace'];
  if (key.delete) return ['delete'];
  if (key.ctrl && input.length === 1) return [`ctrl-${input.toLowerCase()}`];
  if (key.meta) return [];
  // Ink hands a chunk of plain text over whole: split it into characters (code points, so emoji stay one key).
  return Array.from(input).map(characterKey);
}

/** Printable text a key adds to a text field (filter, command line), or undefined for a non-text key. */
export function textOfKey(key: string): string | undefined {
  if (key === 'space') return ' ';
  if (Array.from(key).length === 1 && key >= ' ') return key;
  return undefined;
}

// ---------------------------------------------------------------- help and footer

const KEY_LABELS: Readonly<Record<string, string>> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
};

export function keyLabel(key: string): string {
  return KEY_LABELS[key] ?? key;
}

export interface HelpEntry {
  keys: string;
  description: string;
  dangerous: boolean;
}

/** Every command of the scopes with all its bindings, most specific scope first (default keymap). */
export function helpEntries(scopes: readonly Scope[]): HelpEntry[] {
  return DEFAULT_KEYMAP.helpEntries(scopes);
}

function scopeRank(commandScopes: readonly Scope[], scopes: readonly Scope[]): number {
  const ranks = commandScopes.map((scope) => scopes.indexOf(scope)).filter((rank) => rank >= 0);
  return Math.min(...ranks);
}

export interface FooterHint {
  id: CommandId;
  key: string;
  label: string;
  dangerous: boolean;
}

/** The footer's hints: commands with a hint, most specific scope first, shown by their first binding (default keymap). */
export function footerHints(scopes: readonly Scope[], options: { readOnly?: boolean } = {}): FooterHint[] {
  return DEFAULT_KEYMAP.footerHints(scopes, options);
}
