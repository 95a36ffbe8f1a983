/**
 * The log views of one app: `l` opens one over what is selected (a task in any table or its detail, a service),
 * the log view's keys act on the one in front, and a view that leaves the stack (esc, q, a pane key, quitting) is
 * closed at once: its live tail is billed by the minute.
 */
import { shortName } from '../../domain/arn.ts';
import type { TaskDefinition } from '../../domain/model.ts';
import type { CopyOutcome } from '../../lib/osc52.ts';
import type { Scheduler } from '../../lib/scheduler.ts';
import type { Since } from '../../logs/follow.ts';
import type { LogsAccess } from '../../logs/types.ts';
import type { EcsStore } from '../../store/store.ts';
import { flash, pushView, topView, type UiStore } from '../app/uiStore.ts';
import { safe } from '../panes/cells.ts';
import { LOG_CHROME_LINES, LogSession, type LogSubject, shortTaskId } from './session.ts';

export interface LogViewsOptions {
  ecs: EcsStore;
  ui: UiStore;
  scheduler: Scheduler;
  logs?: LogsAccess;
  taskDefinition?(arn: string): Promise<TaskDefinition | undefined>;
  copy(text: string): CopyOutcome;
  saveDirectory: string;
  bodyHeight(): number;
  bodyWidth?(): number;
  /** Buffer bound per view (tests use a small one). */
  capacity?: number;
}

export class LogViews {
  readonly #o: LogViewsOptions;
  readonly #sessions = new Map<number, LogSession>();
  #nextId = 1;

  constructor(options: LogViewsOptions) {
    this.#o = options;
    // A view gone from the stack is closed, however it went.
    options.ui.subscribe((state, previous) => {
      if (state.stack === previous.stack || this.#sessions.size === 0) return;
      const open = new Set(state.stack.flatMap((view) => (view.kind === 'logs' ? [view.session] : [])));
      for (const [id, session] of this.#sessions) {
        if (open.has(id)) continue;
        session.close();
        this.#sessions.delete(id);
      }
    });
  }

  session(id: number): LogSession | undefined {
    return this.#sessions.get(id);
  }

  /** The log view in front, if one is. */
  front(): LogSession | undefined {
    const view = topView(this.#o.ui.getState());
    return view?.kind === 'logs' ? this.#sessions.get(view.session) : undefined;
  }

  /** Opens a log view over a task or a service. */
  open(subject: LogSubject): LogSession {
    const id = this.#nextId++;
    const session = new LogSession({
      id,
      subject,
      ecs: this.#o.ecs,
      scheduler: this.#o.scheduler,
      ...(this.#o.logs ? { logs: this.#o.logs } : {}),
      ...(this.#o.taskDefinition ? { taskDefinition: this.#o.taskDefinition } : {}),
      copy: this.#o.copy,
      saveDirectory: this.#o.saveDirectory,
      ...(this.#o.capacity !== undefined ? { capacity: this.#o.capacity } : {}),
    });
    this.#sessions.set(id, session);
    const label =
      subject.kind === 'task'
        ? `logs ${shortTaskId(subject.taskArn)}`
        : `logs ${safe(this.#o.ecs.getState().services.get(subject.serviceArn)?.serviceName ?? shortName(subject.serviceArn))}`;
    pushView(this.#o.ui, { kind: 'logs', session: id, label });
    session.open().catch((error: unknown) => {
      flash(this.#o.ui, `The log view failed: ${safe(error instanceof Error ? error.message : error)}`, 'error');
    });
    return session;
  }

  /** The size of the log view's lines (the body less its header and tab line). */
  size(): { width: number; height: number } {
    return {
      width: this.#o.bodyWidth?.() ?? 80,
      height: Math.max(1, this.#o.bodyHeight() - LOG_CHROME_LINES),
    };
  }

  move(delta: number): void {
    const { width, height } = this.size();
    this.front()?.move(delta, width, height);
  }

  page(): number {
    return Math.max(1, this.size().height - 1);
  }

  /** esc: the pretty view first, then the log view. True when it closed something of the log view's own. */
  closePretty(): boolean {
    return this.front()?.closePretty() ?? false;
  }

  toggleFollow(): void {
    const { width, height } = this.size();
    this.front()?.toggleFollow(width, height);
  }

  setSince(since: Since): void {
    this.front()?.setSince(since);
  }

  toggleWrap(): void {
    this.front()?.toggleWrap();
  }

  cycleTimestamps(): void {
    const mode = this.front()?.cycleTimestamps();
    if (mode)
      flash(this.#o.ui, mode === 'off' ? 'Timestamps off' : `Timestamps in ${mode === 'utc' ? 'UTC' : 'local time'}`);
  }

  /** `/`: asks for a search of the loaded lines. */
  askSearch(): void {
    const session = this.front();
    if (!session) return;
    const ui = this.#o.ui;
    ui.setState({
      modal: 'prompt',
      input: session.state.getState().search,
      prompt: {
        title: 'Search the loaded lines (empty: no search):',
        onSubmit: (text) => {
          ui.setState({ modal: undefined, prompt: undefined, input: '' });
          const { width, height } = this.size();
          const count = session.setSearch(text, width, height);
          if (text.trim() !== '') {
            flash(
              ui,
              count > 0 ? `${count} matching lines` : `No loaded line matches "${safe(text.trim())}".`,
              count > 0 ? 'text' : 'warn',
            );
          }
          return undefined;
        },
      },
    });
  }

  jumpToMatch(direction: 1 | -1): void {
    const session = this.front();
    if (!session) return;
    const { width, height } = this.size();
    if (session.state.getState().search === '') {
      flash(this.#o.ui, 'No search: / searches the loaded lines.', 'muted');
      return;
    }
    if (!session.jumpToMatch(direction, width, height)) flash(this.#o.ui, 'No loaded line matches the search.', 'warn');
  }

  /** `F`: asks for a CloudWatch filter pattern; the lines are read again through the server's filter. */
  askPattern(): void {
    const session = this.front();
    if (!session) return;
    const ui = this.#o.ui;
    ui.setState({
      modal: 'prompt',
      input: session.state.getState().pattern,
      prompt: {
        title: 'CloudWatch filter pattern (empty: none):',
        onSubmit: (text) => {
          ui.setState({ modal: undefined, prompt: undefined, input: '' });
          session.setPattern(text);
          return undefined;
        },
      },
    });
  }

  save(): void {
    const session = this.front();
    if (!session) return;
    try {
      const { path, lines } = session.save();
      flash(this.#o.ui, `Saved ${lines} lines to ${safe(path)}`, 'ok');
    } catch (error) {
      flash(this.#o.ui, `Could not save the lines: ${safe(error instanceof Error ? error.message : error)}`, 'error');
    }
  }

  copyLine(): void {
    const session = this.front();
    if (!session) return;
    const { width, height } = this.size();
    const outcome = session.copySelected(width, height);
    const message = outcome.copied ? 'Copied the selected line.' : outcome.message;
    flash(this.#o.ui, safe(message), outcome.copied ? 'ok' : 'warn');
  }

  togglePretty(): void {
    const { width, height } = this.size();
    this.front()?.togglePretty(width, height);
  }

  cycleTab(step: 1 | -1): void {
    const session = this.front();
    if (session && !session.cycleTab(step)) flash(this.#o.ui, 'One container: there is no other to show.', 'muted');
  }

  toggleAll(): void {
    const session = this.front();
    if (session && !session.toggleAll())
      flash(this.#o.ui, 'Only a task with several containers interleaves them.', 'muted');
  }

  toggleTaskSet(): void {
    const session = this.front();
    if (session && !session.toggleTaskSet())
      flash(this.#o.ui, 'Only a service has deployments to switch between.', 'muted');
  }

  /** Closes every log view (the app is ending). */
  closeAll(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
  }
}
