/**
 * The UI's own state (what is in front, selections, filters, marks, the ticking clock), in a vanilla zustand store
 * apart from the ECS data: key handlers read and write it with getState(), so they always act on the live state and
 * never on what an earlier render captured.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ActionResult } from '../../actions/types.ts';
import type { FAILURE_WINDOWS } from '../../domain/failures.ts';
import type { TIMELINE_WINDOWS } from '../../domain/timeline.ts';
import { PANES, type PaneId } from '../../keymap/keymap.ts';
import type { SortState, Span } from '../components/table.ts';
import type { Tone } from '../theme/theme.ts';

export type EntityKind = 'cluster' | 'instance' | 'service' | 'task';

/** A view opened over the panes; the stack of them is what the breadcrumbs show. */
export type View =
  | { kind: EntityKind; arn: string; scroll: number }
  | { kind: 'failureGroup'; key: string; list: ListState }
  | { kind: 'describe'; of: EntityKind | 'failureGroup'; id: string; scroll: number }
  /** An action's outcome, target by target. */
  | { kind: 'result'; result: ActionResult; scroll: number }
  /** Two task definition revisions compared (`D`); the definitions come from the store's cache once described. */
  | DefinitionDiffView
  /** The failing feeds' errors in full (of the panes of `cluster`), then the last action's result if there is one. */
  | { kind: 'problems'; cluster?: string; result?: ActionResult; scroll: number }
  /** A log view (ui/logs): its lines and state live in the session, by id; `label` is for the breadcrumbs. */
  | { kind: 'logs'; session: number; label: string };

export interface DefinitionDiffView {
  kind: 'definitionDiff';
  /** Task definition ARNs: the older side and the newer one. */
  from: string;
  to: string;
  /** The service whose revisions these are (what `B` and `D` act on from here). */
  service?: string;
  /** Why these two (e.g. "the rollout in flight replaces api:1"): already terminal-safe. */
  context?: string;
  scroll: number;
  /** Secret-looking environment values shown instead of masked. */
  unmasked: boolean;
  /** The fields both share listed instead of counted. */
  unfolded: boolean;
  /** Why a definition could not be read: one sentence, already terminal-safe. */
  error?: string;
}

export interface ListState {
  /** The selected row's key: the selection follows the entity when rows move. */
  selectedKey?: string;
  /** Where the selection was, for when its row disappears. */
  selectedIndex: number;
  sort?: SortState;
  filter: string;
  marks: ReadonlySet<string>;
}

export interface DialogState {
  title: string;
  /** What will be called on what, with which parameters (already terminal-safe). */
  lines: Span[][];
  onConfirm: () => void;
  /** Another call the user may switch to with `t` (StartTask on the same instance instead of RunTask). */
  alternative?: { label: string; dialog: () => DialogState };
}

/** A one-line question (the desired count of a scale). */
export interface PromptState {
  title: string;
  /** Returns an error sentence to keep the prompt open, or undefined when the value was taken. */
  onSubmit: (text: string) => string | undefined;
  /** Why the last value was not taken. */
  error?: string;
}

export interface FlashState {
  text: string;
  tone: Tone;
  at: number;
}

export type TaskWindow = keyof typeof TIMELINE_WINDOWS;
export type FailureWindow = keyof typeof FAILURE_WINDOWS;

export interface UiState {
  now: number;
  pane: PaneId;
  lists: Readonly<Record<PaneId, ListState>>;
  stack: readonly View[];
  /** A text-entry or overlay mode in front of everything (the dialog has its own field). */
  modal?: 'filter' | 'command' | 'help' | 'prompt';
  prompt?: PromptState;
  /** The text being typed in filter or command mode. */
  input: string;
  dialog?: DialogState;
  flash?: FlashState;
  /** A standing condition (the flight recorder is off): on the status line whenever nothing fresher is. */
  notice?: { text: string; tone: Tone };
  /** The latest action's result (`!` shows it again, after any feed's error). */
  lastResult?: ActionResult;
  /** The cluster the fast pollers watch (ARN). */
  cluster?: string;
  taskWindow: TaskWindow;
  failureWindow: FailureWindow;
  helpScroll: number;
}

export type UiStore = StoreApi<UiState>;

export function emptyList(sort?: SortState): ListState {
  return { selectedIndex: 0, filter: '', marks: new Set(), ...(sort ? { sort } : {}) };
}

export const DEFAULT_SORT: Readonly<Partial<Record<PaneId, SortState>>> = {
  clusters: { column: 'name', descending: false },
  services: { column: 'name', descending: false },
  tasks: { column: 'group', descending: false },
  failures: { column: 'last', descending: true },
};

export function createUiStore(initial: { now: number; pane?: PaneId; cluster?: string }): UiStore {
  const lists = Object.fromEntries(PANES.map((pane) => [pane, emptyList(DEFAULT_SORT[pane])])) as Record<
    PaneId,
    ListState
  >;
  return createStore<UiState>()(() => ({
    now: initial.now,
    pane: initial.pane ?? 'clusters',
    lists,
    stack: [],
    input: '',
    ...(initial.cluster ? { cluster: initial.cluster } : {}),
    taskWindow: '15m',
    failureWindow: '1h',
    helpScroll: 0,
  }));
}

export function topView(state: UiState): View | undefined {
  return state.stack[state.stack.length - 1];
}

export function updateList(store: UiStore, pane: PaneId, patch: Partial<ListState>): void {
  const state = store.getState();
  store.setState({ lists: { ...state.lists, [pane]: { ...state.lists[pane], ...patch } } });
}

/** Replaces the view in front (selection or scroll changes inside it). */
export function updateTopView(store: UiStore, view: View): void {
  const { stack } = store.getState();
  store.setState({ stack: [...stack.slice(0, -1), view] });
}

export function pushView(store: UiStore, view: View): void {
  store.setState({ stack: [...store.getState().stack, view] });
}

export function popView(store: UiStore): boolean {
  const { stack } = store.getState();
  if (stack.length === 0) return false;
  store.setState({ stack: stack.slice(0, -1) });
  return true;
}

export function flash(store: UiStore, text: string, tone: Tone = 'text'): void {
  store.setState({ flash: { text, tone, at: store.getState().now } });
}

/** Sets the standing notice of the status line (terminal-safe text: sanitise remote or user input first). */
export function setNotice(store: UiStore, text: string, tone: Tone = 'warn'): void {
  store.setState({ notice: { text, tone } });
}
