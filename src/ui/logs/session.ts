/**
 * One open log view: what it shows (a task's containers one at a time or interleaved, a service's running tasks or
 * the tasks of its last failed deployment), the lines it holds (a bounded LineBuffer), the follower reading them,
 * and the view's own state (follow, cursor, wrap, timestamps, since, search, filter pattern, the pretty view) in a
 * small store the component subscribes to. Lines arrive in batches and go straight into the buffer; the screen is
 * told at most 10 times a second (FRAME_MS), so 5,000 lines a second cost 10 renders, not 5,000.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { shortName } from '../../domain/arn.ts';
import { canonicalStatus } from '../../domain/lifecycle.ts';
import type { Service, Task, TaskDefinition } from '../../domain/model.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import type { CopyOutcome } from '../../lib/osc52.ts';
import type { Scheduler, TimerHandle } from '../../lib/scheduler.ts';
import { LineBuffer, type LogLine } from '../../logs/buffer.ts';
import { type FollowStatus, LogFollower, type Since } from '../../logs/follow.ts';
import { formatMessage, prettyLines } from '../../logs/lineFormat.ts';
import { logSourcesOf } from '../../logs/sources.ts';
import type { LogEvent, LogSource, LogStreamRef, LogsAccess } from '../../logs/types.ts';
import type { EcsStore } from '../../store/store.ts';
import { logWindow, type SourceLabel, sourceTone, type TimestampMode } from './logRows.ts';

/**
 * The screen is told about new lines at most this often while following: 10 times a second. Not at the app's 30 fps
 * cap: Ink throttles frames to one per 33 ms, so a key that lands just after a frame of lines waits for the next
 * one; at 10 frames of lines a second most keys find the frame free (bench:logs measured a median key from about
 * 40 ms at 30 frames of lines a second down to under 10 ms at 10).
 */
export const FRAME_MS = 100;
/** While paused the lines on screen stay put and only the header's counts change: 4 times a second is enough. */
export const PAUSED_FRAME_MS = 250;
/** Lines of the log view above its lines: the header and the tab or status line. */
export const LOG_CHROME_LINES = 2;

export type LogSubject = { kind: 'task'; taskArn: string } | { kind: 'service'; serviceArn: string };

export interface LogViewState {
  /** Bumped when the lines changed (at most once a frame). */
  version: number;
  /** What the view shows, in words: "task 0f1e2d3c", "service web · running tasks". */
  title: string;
  /** Containers of a task as tabs (empty for a service). */
  tabs: string[];
  tab: number | 'all';
  /** A service's running tasks, or the stopped tasks of its last failed deployment. */
  taskSet: 'running' | 'failed';
  /** Why nothing can be read (an unreadable container, no tasks, no logs client), one sentence or a few. */
  notices: string[];
  loading: boolean;
  status?: FollowStatus;
  follow: boolean;
  top: number;
  cursor: number;
  wrap: boolean;
  timestamps: TimestampMode;
  since: Since;
  pattern: string;
  search: string;
  matches: number;
  /** `enter`: one line pretty-printed (or whole), scrolled. */
  pretty?: { lines: string[]; scroll: number };
}

export interface LogSessionOptions {
  id: number;
  subject: LogSubject;
  ecs: EcsStore;
  scheduler: Scheduler;
  logs?: LogsAccess;
  /** The task definition of a revision (cached once per revision by the monitor). */
  taskDefinition?(arn: string): Promise<TaskDefinition | undefined>;
  copy(text: string): CopyOutcome;
  /** Where `s` writes its files. */
  saveDirectory: string;
  /** Buffer bound (tests use a small one). */
  capacity?: number;
}

const TIMESTAMP_CYCLE: readonly TimestampMode[] = ['utc', 'local', 'off'];

/** "0f1e2d3c": the first 8 characters of a task id, as prefixes show it. */
export function shortTaskId(taskArn: string | undefined): string {
  return shortName(taskArn ?? '').slice(0, 8);
}

const isStopped = (task: Task) => canonicalStatus(task.lastStatus) === 'STOPPED';

/** The tasks of a service: its running ones, or the stopped ones of its most recent failed deployment. */
export function serviceTasks(
  tasks: Iterable<Task>,
  service: Service,
  which: 'running' | 'failed',
): { tasks: Task[]; deployment?: string } {
  const group = `service:${service.serviceName ?? shortName(service.serviceArn)}`;
  const own = [...tasks].filter(
    (task) =>
      task.group === group && (!service.clusterArn || !task.clusterArn || task.clusterArn === service.clusterArn),
  );
  if (which === 'running')
    return { tasks: own.filter((task) => !isStopped(task) && canonicalStatus(task.desiredStatus) !== 'STOPPED') };
  const deployments = service.deployments ?? [];
  const failed = deployments
    .filter((deployment) => canonicalStatus(deployment.rolloutState) === 'FAILED' && deployment.id)
    .sort((a, b) => (b.updatedAt ?? b.createdAt ?? 0) - (a.updatedAt ?? a.createdAt ?? 0))[0]?.id;
  // A rolled-back deployment leaves the service's list: its stopped tasks still name it in startedBy.
  const current = new Set(deployments.map((deployment) => deployment.id));
  const stopped = own.filter(isStopped).sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0));
  const deployment = failed ?? stopped.find((task) => task.startedBy && !current.has(task.startedBy))?.startedBy;
  if (!deployment) return { tasks: [] };
  return { tasks: stopped.filter((task) => task.startedBy === deployment), deployment };
}

export class LogSession {
  readonly id: number;
  readonly buffer: LineBuffer;
  readonly state: StoreApi<LogViewState>;
  readonly #o: LogSessionOptions;
  /** Every source of the subject: a task's containers, or each container of each task of a service. */
  #sources: LogSource[] = [];
  /** The prefixes, by source index as the buffer records it. */
  #labels: SourceLabel[] = [];
  /** Stream name -> source index, for the refs being read. */
  #streamIndex = new Map<string, number>();
  #follower: LogFollower | undefined;
  #frameTimer: TimerHandle | undefined;
  #closed = false;
  /** Bumped by each open (sources resolved again) and each reading: answers for an older one are dropped. */
  #openGeneration = 0;
  #readGeneration = 0;
  /** The sources are known: keys that change what is read (since, pattern, tab) read again at once. */
  #resolved = false;

  constructor(options: LogSessionOptions) {
    this.#o = options;
    this.id = options.id;
    this.buffer = new LineBuffer(options.capacity);
    this.state = createStore<LogViewState>()(() => ({
      version: 0,
      title: '',
      tabs: [],
      tab: 0,
      taskSet: 'running',
      notices: [],
      loading: true,
      follow: true,
      top: 0,
      cursor: 0,
      wrap: false,
      timestamps: 'utc',
      since: 'tail',
      pattern: '',
      search: '',
      matches: 0,
    }));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether lines are prefixed with their source (interleaved). */
  get prefixed(): boolean {
    const { tab } = this.state.getState();
    return this.#o.subject.kind === 'service' || tab === 'all';
  }

  get labels(): readonly SourceLabel[] {
    return this.#labels;
  }

  /** Reads the subject's sources (task definitions first) and starts reading its logs. */
  async open(): Promise<void> {
    const generation = ++this.#openGeneration;
    this.#resolved = false;
    this.#stopReading();
    this.state.setState({ loading: true, notices: [], status: undefined });
    const { subject, ecs } = this.#o;
    const state = ecs.getState();
    let tasks: Task[];
    if (subject.kind === 'task') {
      const task = state.tasks.get(subject.taskArn);
      this.state.setState({ title: `task ${shortTaskId(subject.taskArn)}` });
      if (!task) {
        this.#done(['This task is no longer known (ECS forgets stopped tasks after about an hour).']);
        return;
      }
      tasks = [task];
    } else {
      const service = state.services.get(subject.serviceArn);
      const name = sanitizeText(service?.serviceName ?? shortName(subject.serviceArn));
      const which = this.state.getState().taskSet;
      this.state.setState({
        title: `service ${name} · ${which === 'running' ? 'running tasks' : 'last failed deployment'}`,
      });
      if (!service) {
        this.#done(['This service is no longer listed.']);
        return;
      }
      const found = serviceTasks(state.tasks.values(), service, which);
      if (found.tasks.length === 0) {
        this.#done([
          which === 'running'
            ? 'This service has no running tasks.'
            : 'No failed deployment of this service is known: no FAILED rollout, and no stopped task of an older deployment.',
        ]);
        return;
      }
      if (found.deployment)
        this.state.setState({ title: `service ${name} · failed deployment ${sanitizeText(found.deployment)}` });
      tasks = found.tasks;
    }
    const definitions = await Promise.all(tasks.map((task) => this.#definition(task.taskDefinitionArn)));
    if (generation !== this.#openGeneration || this.#closed) return;
    const owned = tasks.flatMap((task, index) =>
      logSourcesOf(task, definitions[index]).map((source) => ({ source, taskId: shortTaskId(task.taskArn) })),
    );
    this.#sources = owned.map(({ source }) => source);
    const readablePerTask = new Map<string, number>();
    for (const { source, taskId } of owned) {
      if (source.kind === 'cloudwatch') readablePerTask.set(taskId, (readablePerTask.get(taskId) ?? 0) + 1);
    }
    this.#labels = owned.map(({ source, taskId }, index) => {
      const container = sanitizeText(source.kind === 'cloudwatch' ? source.ref.container : source.container);
      if (subject.kind === 'task') return { label: container, tone: sourceTone(index) };
      // A task's one readable container goes by the task's id; several (or an unreadable one) by id/container.
      const alone = source.kind === 'cloudwatch' && (readablePerTask.get(taskId) ?? 0) === 1;
      return { label: alone ? taskId : `${taskId}/${container}`, tone: sourceTone(index) };
    });
    if (subject.kind === 'task') {
      const first = this.#sources.findIndex((source) => source.kind === 'cloudwatch');
      this.state.setState({ tabs: this.#labels.map((label) => label.label), tab: Math.max(first, 0) });
    }
    this.#resolved = true;
    await this.#read();
  }

  async #definition(arn: string | undefined): Promise<TaskDefinition | undefined> {
    if (!arn) return undefined;
    const cached = this.#o.ecs.getState().taskDefinitions.get(arn);
    if (cached || !this.#o.taskDefinition) return cached;
    try {
      return await this.#o.taskDefinition(arn);
    } catch {
      return undefined;
    }
  }

  #done(notices: string[]): void {
    this.state.setState({ loading: false, notices });
    this.#bump();
  }

  /** The sources being read now, with their indexes. */
  #chosen(): Array<{ source: LogSource; index: number }> {
    const all = this.#sources.map((source, index) => ({ source, index }));
    const { tab } = this.state.getState();
    if (this.#o.subject.kind === 'service' || tab === 'all') return all;
    const one = all[tab];
    return one ? [one] : [];
  }

  /** Starts a reading of the chosen sources with the current since and pattern (the buffer starts empty). */
  async #read(): Promise<void> {
    const generation = ++this.#readGeneration;
    this.#stopReading();
    this.buffer.clear();
    this.buffer.setSearch(this.state.getState().search);
    const chosen = this.#chosen();
    const refs: LogStreamRef[] = [];
    const notices: string[] = [];
    this.#streamIndex = new Map();
    for (const { source, index } of chosen) {
      if (source.kind === 'cloudwatch') {
        refs.push(source.ref);
        this.#streamIndex.set(source.ref.stream, index);
      } else {
        const label = this.#labels[index]?.label ?? sanitizeText(source.container);
        notices.push(`${label}: its logs are not in CloudWatch Logs: ${sanitizeText(source.why)}.`);
      }
    }
    this.state.setState({ notices, loading: refs.length > 0, status: undefined, matches: 0, pretty: undefined });
    this.#bump();
    if (refs.length === 0) return;
    const access = this.#o.logs;
    if (!access) {
      this.#done([...notices, 'CloudWatch Logs is not available in this session, so no log can be read.']);
      return;
    }
    let gateway: Awaited<ReturnType<LogsAccess['gateway']>>;
    try {
      gateway = await access.gateway();
    } catch (error) {
      if (generation !== this.#readGeneration) return;
      const sentence = sanitizeText(error instanceof Error ? error.message : error);
      this.#done([...notices, `CloudWatch Logs could not be reached: ${sentence}`]);
      return;
    }
    if (generation !== this.#readGeneration || this.#closed) return;
    const { since, pattern } = this.state.getState();
    const follower = new LogFollower({
      gateway,
      refs,
      scheduler: this.#o.scheduler,
      since,
      ...(pattern ? { pattern } : {}),
      historyLimit: this.buffer.capacity,
      onEvents: (events) => {
        if (follower === this.#follower) this.#append(events);
      },
      onStatus: (status) => {
        if (follower !== this.#follower) return;
        this.state.setState({ status, loading: status.phase === 'history' });
        this.#bump();
      },
    });
    this.#follower = follower;
    await follower.start();
  }

  /** Reads again with the state as it is now; before the sources are known, open() reads with it when they are. */
  #readAgain(): void {
    if (this.#resolved && !this.#closed) void this.#read();
  }

  #stopReading(): void {
    this.#follower?.close();
    this.#follower = undefined;
  }

  /** New lines into the buffer now; the screen hears of them at the next frame. */
  #append(events: readonly LogEvent[]): void {
    const lines = events.map((event) => {
      const formatted = formatMessage(event.message);
      return {
        timestamp: event.timestamp,
        source: this.#streamIndex.get(event.stream) ?? 0,
        text: formatted.text,
        json: formatted.json,
        ...(formatted.level ? { level: formatted.level } : {}),
        ...(formatted.full !== undefined ? { full: formatted.full } : {}),
      };
    });
    this.appendLines(lines);
  }

  /** Formatted lines into the buffer (the follower's path, and the benchmark's). */
  appendLines(lines: Parameters<LineBuffer['append']>[0]): void {
    if (this.#closed || lines.length === 0) return;
    this.buffer.append(lines);
    this.#bump();
  }

  /** Tells the screen at the next frame, once however many batches arrive before it. */
  #bump(): void {
    if (this.#frameTimer || this.#closed) return;
    this.#frameTimer = this.#o.scheduler.setTimeout(
      () => {
        this.#frameTimer = undefined;
        const { search } = this.state.getState();
        this.state.setState((s) => ({ version: s.version + 1, matches: search ? this.buffer.search.count : 0 }));
      },
      this.state.getState().follow ? FRAME_MS : PAUSED_FRAME_MS,
    );
  }

  /** Ends the reading (every live tail session closes) and every timer. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#openGeneration++;
    this.#readGeneration++;
    this.#stopReading();
    if (this.#frameTimer) this.#o.scheduler.clearTimeout(this.#frameTimer);
    this.#frameTimer = undefined;
  }

  // ---------------------------------------------------------------- what the keys do

  /** The window as it is now at this size (the handlers act on what is shown). */
  window(width: number, height: number) {
    const s = this.state.getState();
    return logWindow(this.buffer, {
      ...s,
      width,
      height,
      sources: this.#labels,
      prefixed: this.prefixed,
      search: s.search.toLowerCase(),
    });
  }

  /** Moves the cursor by `delta` lines (infinite: to an end; the newest end resumes following). */
  move(delta: number, width: number, height: number): void {
    const s = this.state.getState();
    if (s.pretty) {
      const max = Math.max(0, s.pretty.lines.length - height);
      const scroll = Number.isFinite(delta) ? s.pretty.scroll + delta : delta > 0 ? max : 0;
      this.state.setState({ pretty: { ...s.pretty, scroll: Math.min(max, Math.max(0, scroll)) } });
      return;
    }
    if (delta === Number.POSITIVE_INFINITY) {
      this.state.setState({ follow: true });
      return;
    }
    const shown = this.window(width, height);
    if (shown.cursor < 0) return;
    const first = this.buffer.firstSeq;
    const last = this.buffer.nextSeq - 1;
    const cursor = Number.isFinite(delta) ? Math.min(last, Math.max(first, shown.cursor + delta)) : first;
    // Moving up pauses following; moving down stays paused until G or f.
    this.state.setState({ follow: false, cursor, top: Math.min(shown.top, cursor) });
  }

  toggleFollow(width: number, height: number): void {
    const s = this.state.getState();
    if (s.follow) {
      const shown = this.window(width, height);
      this.state.setState({ follow: false, cursor: shown.cursor, top: shown.top });
    } else this.state.setState({ follow: true });
  }

  toggleWrap(): void {
    this.state.setState((s) => ({ wrap: !s.wrap }));
  }

  cycleTimestamps(): TimestampMode {
    const next =
      TIMESTAMP_CYCLE[(TIMESTAMP_CYCLE.indexOf(this.state.getState().timestamps) + 1) % TIMESTAMP_CYCLE.length] ??
      'utc';
    this.state.setState({ timestamps: next });
    return next;
  }

  /** A new window of history: the lines are read again from the server. */
  setSince(since: Since): void {
    if (this.state.getState().since === since && !this.state.getState().loading) return;
    this.state.setState({ since, follow: true });
    this.#readAgain();
  }

  /** A CloudWatch filter pattern ('' for none): the lines are read again, filtered by the server. */
  setPattern(pattern: string): void {
    this.state.setState({ pattern: pattern.trim(), follow: true });
    this.#readAgain();
  }

  /** Searches the loaded lines (and those arriving); jumps to the first match from the cursor. Returns the count. */
  setSearch(query: string, width: number, height: number): number {
    const search = query.trim();
    this.buffer.setSearch(search);
    const count = this.buffer.search.count;
    this.state.setState({ search, matches: count });
    if (search !== '' && count > 0) this.jumpToMatch(1, width, height, true);
    return count;
  }

  /** The next (1) or previous (-1) match from the cursor; false when there is none. */
  jumpToMatch(direction: 1 | -1, width: number, height: number, fromCursorInclusive = false): boolean {
    const shown = this.window(width, height);
    const from = fromCursorInclusive && direction === 1 ? shown.cursor - 1 : shown.cursor;
    const seq = this.buffer.nextMatch(from, direction);
    if (seq === undefined) return false;
    this.state.setState({ follow: false, cursor: seq, top: Math.min(shown.top, seq) });
    return true;
  }

  /** The line under the cursor. */
  selectedLine(width: number, height: number): LogLine | undefined {
    const shown = this.window(width, height);
    return shown.cursor < 0 ? undefined : this.buffer.at(shown.cursor);
  }

  /** `enter`: the selected line pretty-printed (JSON) or whole; again closes it. */
  togglePretty(width: number, height: number): boolean {
    const s = this.state.getState();
    if (s.pretty) {
      this.state.setState({ pretty: undefined });
      return true;
    }
    const line = this.selectedLine(width, height);
    if (!line) return false;
    this.state.setState({ pretty: { lines: prettyLines(line.full ?? line.text, width), scroll: 0 } });
    return true;
  }

  closePretty(): boolean {
    if (!this.state.getState().pretty) return false;
    this.state.setState({ pretty: undefined });
    return true;
  }

  copySelected(width: number, height: number): CopyOutcome {
    const line = this.selectedLine(width, height);
    if (!line) return { copied: false, message: 'No line to copy yet.' };
    return this.#o.copy(line.full ?? line.text);
  }

  /** Tab / shift-tab: the next container of a task (from `all`, the first or last). */
  cycleTab(step: 1 | -1): boolean {
    const { tabs, tab } = this.state.getState();
    if (this.#o.subject.kind !== 'task' || tabs.length < 2) return false;
    const next = tab === 'all' ? (step > 0 ? 0 : tabs.length - 1) : (tab + step + tabs.length) % tabs.length;
    this.state.setState({ tab: next, follow: true });
    this.#readAgain();
    return true;
  }

  /** `a`: every container of the task interleaved (again: back to the first container). */
  toggleAll(): boolean {
    const { tabs, tab } = this.state.getState();
    if (this.#o.subject.kind !== 'task' || tabs.length < 2) return false;
    const first = this.#sources.findIndex((source) => source.kind === 'cloudwatch');
    this.state.setState({ tab: tab === 'all' ? Math.max(0, first) : 'all', follow: true });
    this.#readAgain();
    return true;
  }

  /** `d` on a service: its running tasks, or the stopped tasks of its last failed deployment. */
  toggleTaskSet(): boolean {
    if (this.#o.subject.kind !== 'service') return false;
    this.state.setState((s) => ({ taskSet: s.taskSet === 'running' ? 'failed' : 'running', follow: true }));
    void this.open();
    return true;
  }

  /** Writes every loaded line (whole, with its UTC time and prefix) to a new file; returns its path. */
  save(): { path: string; lines: number } {
    const { title } = this.state.getState();
    const slug = title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'logs';
    const at = new Date(this.#o.scheduler.now())
      .toISOString()
      .replace(/[:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const path = join(this.#o.saveDirectory, `ecsdeck-${slug}-${at}.log`);
    const out: string[] = [];
    for (const line of this.buffer.lines()) {
      const prefix = this.prefixed ? `${this.#labels[line.source]?.label ?? '?'} ` : '';
      out.push(`${new Date(line.timestamp).toISOString()} ${prefix}${line.full ?? line.text}`);
    }
    writeFileSync(path, out.length > 0 ? `${out.join('\n')}\n` : '', { flag: 'wx' });
    return { path, lines: out.length };
  }
}
