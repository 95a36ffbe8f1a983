/**
 * The Tasks pane: the watched cluster's tasks with their timelines, and the columns (also those of a failure
 * group's task list).
 */
import { shortName } from '../../domain/arn.ts';
import type { FailureGroup } from '../../domain/failures.ts';
import { formatAge, MISSING } from '../../domain/format.ts';
import { isServiceTask } from '../../domain/instances.ts';
import { canonicalStatus, isTaskStopping, isTerminalStatus } from '../../domain/lifecycle.ts';
import type { Task } from '../../domain/model.ts';
import {
  ASCII_GLYPHS,
  deriveTimeline,
  type ObservedTransition,
  renderTimelineBar,
  TIMELINE_WINDOWS,
  UNICODE_GLYPHS,
} from '../../domain/timeline.ts';
import type { EcsState, ScopedInstance } from '../../store/store.ts';
import type { TaskWindow } from '../app/uiStore.ts';
import type { Column, Span } from '../components/table.ts';
import { BAR_TONE } from '../theme/theme.ts';
import { safe, short, taskDefinitionText } from './cells.ts';
import { memoLast } from './memo.ts';

/** Statuses in which ECS already says in its own words that the task is on its way down. */
const STOPPING_STATUSES = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING']);

/**
 * LAST/DESIRED, except a task asked to stop that has not started stopping yet (a StopTask a moment ago): it reads
 * STOPPING at once, with the status it still reports.
 */
export function statusText(task: Pick<Task, 'lastStatus' | 'desiredStatus'>): string {
  const last = safe(task.lastStatus ?? '?');
  if (isTaskStopping(task) && !STOPPING_STATUSES.has(canonicalStatus(task.lastStatus) ?? '')) {
    return `STOPPING (${last})`;
  }
  return `${last}/${safe(task.desiredStatus ?? '?')}`;
}

export interface TaskRow {
  arn: string;
  task: Task;
  observed?: readonly ObservedTransition[];
  /** Where it runs: the EC2 instance id, else the AZ. */
  where: string;
  service?: string;
}

/** One row per task, rebuilt only when the task, its observed transitions or its instance record change. */
const taskRowCache = new WeakMap<
  Task,
  { observed: readonly ObservedTransition[] | undefined; instance: ScopedInstance | undefined; row: TaskRow }
>();

function taskRowOf(
  task: Task,
  observed: readonly ObservedTransition[] | undefined,
  instance: ScopedInstance | undefined,
): TaskRow {
  const hit = taskRowCache.get(task);
  if (hit && hit.observed === observed && hit.instance === instance) return hit.row;
  const row: TaskRow = {
    arn: task.taskArn,
    task,
    where: safe(instance?.ec2InstanceId ?? task.availabilityZone ?? MISSING),
  };
  if (observed) row.observed = observed;
  if (isServiceTask(task) && task.group?.startsWith('service:')) row.service = safe(task.group.slice(8));
  taskRowCache.set(task, { observed, instance, row });
  return row;
}

export const selectTaskRows = memoLast(
  (
    tasks: EcsState['tasks'],
    transitions: EcsState['transitions'],
    instances: EcsState['instances'],
    cluster: string | undefined,
  ): TaskRow[] => {
    if (cluster === undefined) return [];
    const rows: TaskRow[] = [];
    for (const task of tasks.values()) {
      if (task.clusterArn !== cluster) continue;
      const instance = task.containerInstanceArn ? instances.get(task.containerInstanceArn) : undefined;
      rows.push(taskRowOf(task, transitions.get(task.taskArn), instance));
    }
    return rows;
  },
);

/** The tasks of a failure group (any cluster), newest first. */
export function failureGroupTaskRows(state: EcsState, group: FailureGroup): TaskRow[] {
  return group.tasks.flatMap((arn) => {
    const task = state.tasks.get(arn);
    if (!task) return [];
    const instance = task.containerInstanceArn ? state.instances.get(task.containerInstanceArn) : undefined;
    return [taskRowOf(task, state.transitions.get(arn), instance)];
  });
}

export function timelineSpans(
  row: Pick<TaskRow, 'task' | 'observed'>,
  now: number,
  window: TaskWindow | { start: number; end: number },
  width: number,
  ascii: boolean,
): Span[] {
  const timeline = deriveTimeline(row.task, { now, ...(row.observed ? { observed: row.observed } : {}) });
  const range = typeof window === 'string' ? { start: now - TIMELINE_WINDOWS[window], end: now } : window;
  const bar = renderTimelineBar(timeline, {
    windowStart: range.start,
    windowEnd: range.end,
    width,
    glyphs: ascii ? ASCII_GLYPHS : UNICODE_GLYPHS,
  });
  return bar.runs.map((run) => ({ text: run.text, tone: BAR_TONE[run.kind] }));
}

/**
 * The window that shows a task's whole life at full width (its detail view): from its first stamp to its stop (or
 * now), with a little room after the stop for the exit code. Undefined when the task has no stamps at all.
 */
export function lifetimeWindow(task: Task, now: number): { start: number; end: number } | undefined {
  const start = task.createdAt ?? task.pullStartedAt ?? task.startedAt;
  if (start === undefined) return undefined;
  const end = Math.max(start + 1_000, task.stoppedAt ?? task.executionStoppedAt ?? now);
  return { start, end: end + Math.ceil((end - start) / 10) };
}

/**
 * The health a task has now. A stopped task keeps the last status its checks reported (often HEALTHY) but has no
 * health any more: nothing, unless it was UNHEALTHY, its final state and often why it was stopped.
 */
export function taskHealthNow(task: Pick<Task, 'lastStatus' | 'healthStatus'>): string | undefined {
  if (!isTerminalStatus(task.lastStatus)) return task.healthStatus;
  return canonicalStatus(task.healthStatus) === 'UNHEALTHY' ? task.healthStatus : undefined;
}

function statusTone(task: Task): 'ok' | 'warn' | 'error' | 'muted' | 'text' {
  const last = canonicalStatus(task.lastStatus);
  if (last === 'RUNNING') return canonicalStatus(task.desiredStatus) === 'STOPPED' ? 'warn' : 'ok';
  if (isTerminalStatus(last)) return 'muted';
  return 'warn';
}

export function taskColumns(window: () => TaskWindow, ascii: boolean): Column<TaskRow>[] {
  return [
    // On a wide terminal the id, the service and the revision grow to their whole length before the timeline does.
    {
      id: 'id',
      title: 'TASK',
      width: 10,
      growTo: 32,
      value: (r) => short(r.arn),
      sortValue: (r) => shortName(r.arn),
    },
    {
      id: 'group',
      title: 'SERVICE/GROUP',
      width: 14,
      growTo: 28,
      value: (r) => r.service ?? safe(r.task.group ?? MISSING),
      sortValue: (r) => r.task.group,
    },
    {
      id: 'status',
      title: 'LAST/DESIRED',
      width: 18,
      priority: 2,
      value: (r) => ({
        text: statusText(r.task),
        tone: statusTone(r.task),
      }),
      sortValue: (r) => r.task.lastStatus,
    },
    {
      id: 'health',
      title: 'HEALTH',
      width: 9,
      priority: 0,
      value: (r) => {
        const health = taskHealthNow(r.task);
        return health === 'UNHEALTHY' ? { text: '✗ UNHEALTHY', tone: 'error' } : safe(health ?? MISSING);
      },
      sortValue: (r) => taskHealthNow(r.task),
    },
    {
      id: 'revision',
      title: 'REV',
      width: 15,
      growTo: 30,
      priority: 0,
      value: (r) => taskDefinitionText(r.task.taskDefinitionArn),
      sortValue: (r) => r.task.taskDefinitionArn,
    },
    { id: 'where', title: 'INSTANCE/AZ', width: 19, priority: 0, value: (r) => r.where, sortValue: (r) => r.where },
    {
      id: 'age',
      title: 'AGE',
      width: 6,
      align: 'right',
      timeDependent: true,
      value: (r, context) => formatAge(r.task.createdAt, context.now),
      sortValue: (r) => (r.task.createdAt === undefined ? undefined : -r.task.createdAt),
    },
    {
      id: 'timeline',
      title: 'TIMELINE',
      width: 16,
      flex: 1,
      timeDependent: true,
      value: (r, context) => ({ spans: timelineSpans(r, context.now, window(), context.width, ascii) }),
      sortValue: (r) => r.task.createdAt,
    },
  ];
}
