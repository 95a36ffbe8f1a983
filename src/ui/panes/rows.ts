/**
 * The five panes as data: the rows each pane lists (built from the store with memoised selectors, so a row keeps its
 * identity until its entity changes) and the columns that draw them. Pure: no React, no Ink. Every remote string is
 * sanitised here, on its way into a cell.
 */
import { shortName, taskDefinitionLabel } from '../../domain/arn.ts';
import {
  countFailuresSince,
  FAILURE_WINDOWS,
  type FailureGroup,
  type FailureOccurrence,
  groupFailures,
  signatureLabel,
} from '../../domain/failures.ts';
import { formatAge, MISSING } from '../../domain/format.ts';
import {
  type DeploymentProgress,
  deploymentProgress,
  type Health,
  judgeClusterHealth,
  serviceHealth,
} from '../../domain/health.ts';
import { drainProgress, type InstanceUsage, instanceUsage, isServiceTask } from '../../domain/instances.ts';
import { canonicalStatus, isTaskStopping, isTerminalStatus } from '../../domain/lifecycle.ts';
import type { Cluster, Service, Task, TaskSet } from '../../domain/model.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import {
  ASCII_GLYPHS,
  deriveTimeline,
  type ObservedTransition,
  renderTimelineBar,
  TIMELINE_WINDOWS,
  UNICODE_GLYPHS,
} from '../../domain/timeline.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import { clusterOfFeed, feedKey } from '../../store/feeds.ts';
import type { EcsState, ScopedInstance } from '../../store/store.ts';
import type { FailureWindow, TaskWindow } from '../app/uiStore.ts';
import type { Cell, Column, Span } from '../components/table.ts';
import { BAR_TONE, HEALTH_TONE, healthMark } from '../theme/theme.ts';
import { memoLast, memoPerObject } from './memo.ts';

/** Terminal-safe text for a remote value. */
export const safe = (value: unknown): string => sanitizeText(value);

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
/** The short name of an ARN, terminal-safe. */
export const short = (arn: string | undefined): string => (arn === undefined ? MISSING : safe(shortName(arn)));

const HOUR = 3_600_000;

function healthCell(health: Health, ascii: boolean): Cell {
  return { text: healthMark(health.level, ascii), tone: HEALTH_TONE[health.level] };
}

const HEALTH_ORDER = { ok: 0, unknown: 1, degraded: 2, failing: 3 } as const;

// ---------------------------------------------------------------- clusters

export interface ClusterRow {
  arn: string;
  cluster: Cluster;
  name: string;
  health: Health;
  failuresLastHour: number;
  /** The cluster the other panes show (and the fast pollers watch). */
  watched: boolean;
  /** Known only for clusters whose instances we listed. */
  draining?: number;
}

/** The feeds a cluster's health is judged from. */
const CLUSTER_FEEDS = ['services', 'instances', 'stopped'] as const;

/**
 * The cluster feeds (services, instances, stopped tasks) that have answered at least once, as one string: it stays
 * equal (===) across polls, so the cluster rows are not rebuilt each time a feed's freshness changes.
 */
export function loadedFeedsKey(meta: EcsState['meta']): string {
  const keys: string[] = [];
  for (const [key, value] of meta) {
    if (value.lastSuccessAt === undefined) continue;
    if (CLUSTER_FEEDS.some((feed) => clusterOfFeed(key, feed) !== undefined)) keys.push(key);
  }
  return keys.sort().join('\n');
}

/**
 * A cluster's health as the Clusters pane and the cluster detail show it: the same judgement as `snapshot`
 * (judgeClusterHealth), over what the cluster's feeds have read so far (`loaded` answers for a feed key).
 */
export function clusterHealthSoFar(
  cluster: Cluster,
  known: { services: readonly Service[]; instances: readonly ScopedInstance[]; failuresLastHour: number },
  loaded: (feed: string) => boolean,
): Health {
  const arn = cluster.clusterArn;
  return judgeClusterHealth({
    cluster,
    ...(loaded(feedKey.services(arn)) ? { services: known.services } : {}),
    // Failures restored from the recorder count before the stopped tasks are read.
    ...(loaded(feedKey.stopped(arn)) || known.failuresLastHour > 0 ? { failuresLastHour: known.failuresLastHour } : {}),
    ...(loaded(feedKey.instances(arn)) ? { instances: known.instances } : {}),
  });
}

export const selectClusterRows = memoLast(
  (
    clusters: EcsState['clusters'],
    services: EcsState['services'],
    instances: EcsState['instances'],
    occurrences: EcsState['failureOccurrences'],
    minute: number,
    watched: string | undefined,
    loadedKey: string,
  ): ClusterRow[] => {
    const since = minute * 60_000 - HOUR;
    const loaded = new Set(loadedKey.split('\n'));
    const servicesByCluster = groupBy(services.values(), (service) => service.clusterArn);
    const instancesByCluster = groupBy(instances.values(), (instance) => instance.clusterArn);
    const occurrencesByCluster = groupBy(occurrences.values(), (occurrence) => occurrence.clusterArn);
    return [...clusters.values()].map((cluster) => {
      const arn = cluster.clusterArn;
      const clusterInstances = instancesByCluster.get(arn);
      const failuresLastHour = countFailuresSince(occurrencesByCluster.get(arn) ?? [], since);
      const row: ClusterRow = {
        arn,
        cluster,
        name: safe(cluster.clusterName ?? shortName(arn)),
        watched: arn === watched,
        failuresLastHour,
        health: clusterHealthSoFar(
          cluster,
          { services: servicesByCluster.get(arn) ?? [], instances: clusterInstances ?? [], failuresLastHour },
          (key) => loaded.has(key),
        ),
      };
      if (clusterInstances) {
        row.draining = clusterInstances.filter((i) => canonicalStatus(i.status) === 'DRAINING').length;
      }
      return row;
    });
  },
);

/**
 * The cluster to open on: the one named (--cluster, by name or ARN), else the most troubled cluster that has
 * services (worst health, then most failures, then most tasks pending), else the most troubled of all.
 */
export function initialCluster(rows: readonly ClusterRow[], wanted?: string): ClusterRow | undefined {
  const name = wanted?.toLowerCase();
  if (name) {
    const named = rows.find((row) => row.arn.toLowerCase() === name || row.name.toLowerCase() === name);
    if (named) return named;
  }
  const withServices = rows.filter((row) => (row.cluster.activeServicesCount ?? 0) > 0);
  const ranked = [...(withServices.length > 0 ? withServices : rows)].sort(
    (a, b) =>
      HEALTH_ORDER[b.health.level] - HEALTH_ORDER[a.health.level] ||
      b.failuresLastHour - a.failuresLastHour ||
      (b.cluster.pendingTasksCount ?? 0) - (a.cluster.pendingTasksCount ?? 0) ||
      a.name.localeCompare(b.name),
  );
  return ranked[0];
}

function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export function clusterColumns(ascii: boolean): Column<ClusterRow>[] {
  return [
    {
      id: 'name',
      title: 'CLUSTER',
      width: 14,
      flex: 1,
      value: (r) => (r.watched ? { text: `${r.name} ${ascii ? '@' : '●'}`, tone: 'accent' } : r.name),
      sortValue: (r) => r.name,
    },
    {
      id: 'health',
      title: 'HEALTH',
      width: 10,
      priority: 3,
      value: (r) => healthCell(r.health, ascii),
      sortValue: (r) => HEALTH_ORDER[r.health.level],
    },
    {
      id: 'status',
      title: 'STATUS',
      width: 8,
      priority: 0,
      value: (r) => safe(r.cluster.status ?? MISSING),
      sortValue: (r) => r.cluster.status,
    },
    {
      id: 'services',
      title: 'SVC',
      width: 4,
      align: 'right',
      value: (r) => String(r.cluster.activeServicesCount ?? MISSING),
      sortValue: (r) => r.cluster.activeServicesCount,
    },
    {
      id: 'tasks',
      title: 'RUN/PEND',
      width: 8,
      align: 'right',
      value: (r) => `${r.cluster.runningTasksCount ?? '?'}/${r.cluster.pendingTasksCount ?? '?'}`,
      sortValue: (r) => r.cluster.runningTasksCount,
    },
    {
      id: 'instances',
      title: 'INST(DRAIN)',
      width: 11,
      align: 'right',
      value: (r) => `${r.cluster.registeredContainerInstancesCount ?? '?'}${r.draining ? `(${r.draining})` : ''}`,
      sortValue: (r) => r.cluster.registeredContainerInstancesCount,
    },
    {
      id: 'failures',
      title: 'FAIL/1h',
      width: 7,
      priority: 2,
      align: 'right',
      value: (r) => (r.failuresLastHour > 0 ? { text: String(r.failuresLastHour), tone: 'error' } : '0'),
      sortValue: (r) => r.failuresLastHour,
    },
    {
      id: 'reason',
      title: 'WHY',
      width: 12,
      flex: 3,
      priority: 0,
      value: (r) => ({ text: safe(r.health.reason), tone: 'muted' }),
    },
  ];
}

// ---------------------------------------------------------------- instances

export interface InstanceRow {
  arn: string;
  instance: ScopedInstance;
  usage: InstanceUsage;
  /** For a DRAINING instance: tasks still on it and the standalone ones that hold it. */
  drain?: { remaining: number; serviceTasks: number; blocking: Task[] };
}

export const selectInstanceRows = memoLast(
  (instances: EcsState['instances'], tasks: EcsState['tasks'], cluster: string | undefined): InstanceRow[] => {
    if (cluster === undefined) return [];
    const tasksByInstance = groupBy(tasks.values(), (task) =>
      isTerminalStatus(task.lastStatus) ? undefined : task.containerInstanceArn,
    );
    const rows: InstanceRow[] = [];
    for (const instance of instances.values()) {
      if (instance.clusterArn !== cluster) continue;
      const row: InstanceRow = { arn: instance.containerInstanceArn, instance, usage: instanceUsage(instance) };
      if (canonicalStatus(instance.status) === 'DRAINING') {
        const progress = drainProgress(tasksByInstance.get(instance.containerInstanceArn) ?? []);
        row.drain = { remaining: progress.remaining, serviceTasks: progress.serviceTasks, blocking: progress.blocking };
      }
      rows.push(row);
    }
    return rows;
  },
);

/** "DRAINING 3 left; held by db-migrate:1 (standalone)": what keeps a drain from finishing. */
export function drainSummary(drain: NonNullable<InstanceRow['drain']>): string {
  if (drain.remaining === 0) return 'drained';
  const parts = [`${drain.remaining} task${drain.remaining === 1 ? '' : 's'} left`];
  if (drain.blocking.length > 0) {
    const names = drain.blocking.map((task) =>
      task.taskDefinitionArn ? safe(taskDefinitionLabel(task.taskDefinitionArn)) : short(task.taskArn),
    );
    parts.push(`held by ${names.join(', ')} (standalone)`);
  }
  return parts.join('; ');
}

/** The row's short form: who holds the drain comes first (the TASKS column has the count). */
export function drainCell(drain: NonNullable<InstanceRow['drain']>): string {
  if (drain.remaining === 0) return 'drained';
  if (drain.blocking.length === 0)
    return `moving ${drain.serviceTasks} service task${drain.serviceTasks === 1 ? '' : 's'}`;
  const names = drain.blocking.map((task) =>
    task.taskDefinitionArn ? safe(taskDefinitionLabel(task.taskDefinitionArn)) : short(task.taskArn),
  );
  const moving = drain.serviceTasks > 0 ? `, moving ${drain.serviceTasks}` : '';
  return `held by ${names.join(', ')} (standalone)${moving}`;
}

function usedOf(used: number | undefined, registered: number | undefined): string {
  return used === undefined || registered === undefined ? MISSING : `${used}/${registered}`;
}

export function instanceColumns(): Column<InstanceRow>[] {
  return [
    {
      id: 'ec2',
      title: 'EC2 INSTANCE',
      width: 19,
      value: (r) => safe(r.instance.ec2InstanceId ?? shortName(r.arn)),
      sortValue: (r) => r.instance.ec2InstanceId,
    },
    {
      id: 'status',
      title: 'STATUS',
      width: 10,
      value: (r) => {
        const status = safe(r.instance.status ?? MISSING);
        return canonicalStatus(r.instance.status) === 'ACTIVE' ? status : { text: status, tone: 'warn' };
      },
      sortValue: (r) => r.instance.status,
    },
    {
      id: 'agent',
      title: 'AGENT',
      width: 6,
      value: (r) =>
        r.instance.agentConnected === false
          ? { text: '✗ down', tone: 'error' }
          : r.instance.agentConnected
            ? { text: '✓ up', tone: 'ok' }
            : MISSING,
      sortValue: (r) => (r.instance.agentConnected ? 1 : 0),
    },
    {
      id: 'az',
      title: 'AZ',
      width: 10,
      priority: 0,
      value: (r) => safe(r.instance.availabilityZone ?? MISSING),
      sortValue: (r) => r.instance.availabilityZone,
    },
    {
      id: 'type',
      title: 'TYPE',
      width: 10,
      priority: 0,
      value: (r) => safe(r.instance.instanceType ?? MISSING),
      sortValue: (r) => r.instance.instanceType,
    },
    {
      id: 'cpu',
      title: 'CPU',
      width: 9,
      align: 'right',
      value: (r) => usedOf(r.usage.cpuUsed, r.usage.cpuRegistered),
      sortValue: (r) => r.usage.cpuUsed,
    },
    {
      id: 'memory',
      title: 'MEM MiB',
      width: 10,
      align: 'right',
      value: (r) => usedOf(r.usage.memoryUsed, r.usage.memoryRegistered),
      sortValue: (r) => r.usage.memoryUsed,
    },
    {
      id: 'tasks',
      title: 'TASKS',
      width: 5,
      // What a drain waits on: kept before memory at 80 columns.
      priority: 2,
      align: 'right',
      value: (r) => String(r.instance.runningTasksCount ?? MISSING),
      sortValue: (r) => r.instance.runningTasksCount,
    },
    {
      id: 'version',
      title: 'AGENT VER',
      width: 9,
      priority: 0,
      value: (r) => safe(r.instance.versionInfo?.agentVersion ?? MISSING),
    },
    {
      id: 'drain',
      title: 'DRAIN',
      // Narrow enough that CPU and the TASKS count still fit at 80 columns; it grows with the terminal.
      width: 24,
      flex: 1,
      priority: 2,
      value: (r) => (r.drain ? { text: drainCell(r.drain), tone: r.drain.blocking.length > 0 ? 'warn' : 'text' } : ''),
    },
  ];
}

// ---------------------------------------------------------------- services

export interface ServiceRow {
  arn: string;
  service: Service;
  name: string;
  health: Health;
  progress?: DeploymentProgress;
  lastEventAt?: number;
}

const serviceRowOf = memoPerObject((service: Service, events: readonly { createdAt?: number }[] | undefined) => {
  const row: ServiceRow = {
    arn: service.serviceArn,
    service,
    name: safe(service.serviceName ?? shortName(service.serviceArn)),
    health: serviceHealth(service),
  };
  const progress = serviceProgress(service);
  if (progress) row.progress = progress;
  const newest = events?.[0]?.createdAt;
  if (newest !== undefined) row.lastEventAt = newest;
  return row;
});

export const selectServiceRows = memoLast(
  (services: EcsState['services'], events: EcsState['serviceEvents'], cluster: string | undefined): ServiceRow[] => {
    if (cluster === undefined) return [];
    const rows: ServiceRow[] = [];
    for (const service of services.values()) {
      if (service.clusterArn !== cluster) continue;
      rows.push(serviceRowOf(service, events.get(service.serviceArn)));
    }
    return rows;
  },
);

/**
 * The primary deployment's progress, against the service's desired count when no rollout is under way: a scale
 * changes the service's count first (the deployment's may follow a moment later), and the DES column shows that one.
 */
export function serviceProgress(service: Service): DeploymentProgress | undefined {
  const progress = deploymentProgress(service);
  if (!progress || progress.rollingOut || service.desiredCount === undefined) return progress;
  const desired = service.desiredCount;
  const percent = desired > 0 ? Math.min(100, Math.floor((progress.running / desired) * 100)) : 100;
  return { ...progress, desired, percent };
}

/** The rolled-out deployment still moving toward the desired count (a scale, a task replaced): not a rollout. */
export function isScaling(progress: DeploymentProgress): boolean {
  return (
    !progress.rollingOut && progress.running !== progress.desired && canonicalStatus(progress.rolloutState) !== 'FAILED'
  );
}

export function rolloutText(progress: DeploymentProgress | undefined): string {
  if (!progress) return MISSING;
  // "COMPLETED 66%" would contradict itself: the rollout is done, the service is scaling.
  if (isScaling(progress)) return `SCALING ${progress.running}->${progress.desired}`;
  const state = safe(progress.rolloutState ?? (progress.rollingOut ? 'IN_PROGRESS' : 'COMPLETED'));
  const failed = progress.failedTasks > 0 ? ` ${progress.failedTasks} failed` : '';
  return `${state} ${progress.percent}%${failed}`;
}

/** For services deployed through task sets: "sets P:50% A:50%" (status initial and scale, primary first). */
export function taskSetsText(sets: readonly TaskSet[]): string {
  const ordered = [...sets].sort(
    (a, b) => Number(canonicalStatus(b.status) === 'PRIMARY') - Number(canonicalStatus(a.status) === 'PRIMARY'),
  );
  const parts = ordered.map((set) => `${safe((set.status ?? '?').slice(0, 1))}:${set.scale?.value ?? '?'}%`);
  return `sets ${parts.join(' ')}`;
}

function launchLabel(service: Service): string {
  if (service.capacityProviderStrategy && service.capacityProviderStrategy.length > 0) {
    return safe(service.capacityProviderStrategy.map((item) => item.capacityProvider).join('+'));
  }
  return safe(service.launchType ?? service.deploymentController?.type ?? MISSING);
}

export function serviceColumns(ascii: boolean): Column<ServiceRow>[] {
  return [
    // Spare width goes mostly to TASK DEF (family:revision is what tells deployments apart), then name and rollout.
    { id: 'name', title: 'SERVICE', width: 14, flex: 1, value: (r) => r.name, sortValue: (r) => r.name },
    {
      id: 'health',
      title: 'HEALTH',
      width: 10,
      value: (r) => healthCell(r.health, ascii),
      sortValue: (r) => HEALTH_ORDER[r.health.level],
    },
    {
      id: 'counts',
      title: 'DES/RUN/PEN',
      width: 11,
      align: 'right',
      value: (r) =>
        `${r.service.desiredCount ?? '?'}/${r.service.runningCount ?? '?'}/${r.service.pendingCount ?? '?'}`,
      sortValue: (r) => r.service.desiredCount,
    },
    {
      id: 'rollout',
      title: 'ROLLOUT',
      width: 24,
      flex: 1,
      value: (r) => {
        const sets = r.service.taskSets ?? [];
        if (!r.progress && sets.length > 0) {
          const settling = sets.some((set) => canonicalStatus(set.stabilityStatus) !== 'STEADY_STATE');
          return { text: taskSetsText(sets), tone: settling ? 'warn' : 'text' };
        }
        const text = rolloutText(r.progress);
        const state = canonicalStatus(r.progress?.rolloutState);
        const moving = state === 'IN_PROGRESS' || (r.progress !== undefined && isScaling(r.progress));
        return { text, tone: state === 'FAILED' ? 'error' : moving ? 'warn' : 'text' };
      },
      sortValue: (r) => r.progress?.percent,
    },
    {
      id: 'taskdef',
      title: 'TASK DEF',
      width: 14,
      flex: 2,
      value: (r) => (r.service.taskDefinition ? safe(taskDefinitionLabel(r.service.taskDefinition)) : MISSING),
      sortValue: (r) => r.service.taskDefinition,
    },
    { id: 'launch', title: 'LAUNCH', width: 8, priority: 0, value: (r) => launchLabel(r.service) },
    {
      id: 'event',
      title: 'EVENT',
      width: 6,
      align: 'right',
      timeDependent: true,
      value: (r, context) => formatAge(r.lastEventAt, context.now),
      sortValue: (r) => (r.lastEventAt === undefined ? undefined : -r.lastEventAt),
    },
  ];
}

// ---------------------------------------------------------------- tasks

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
      value: (r) => (r.task.taskDefinitionArn ? safe(taskDefinitionLabel(r.task.taskDefinitionArn)) : MISSING),
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

// ---------------------------------------------------------------- failures

export const selectFailureRows = memoLast(
  (occurrences: EcsState['failureOccurrences'], window: FailureWindow, minute: number): FailureGroup[] =>
    groupFailures(occurrences.values(), { since: minute * 60_000 - FAILURE_WINDOWS[window] }),
);

/**
 * How the Failures pane and the failure detail name an instance: its EC2 instance id when known, else its container
 * instance id labelled `ci:` (a deregistered host is known only by that): one kind of id per column, never a bare
 * mix of the two.
 */
export function failureInstanceLabel(ec2InstanceId: string | undefined, containerInstanceArn: string): string {
  if (ec2InstanceId !== undefined && ec2InstanceId !== '') return safe(ec2InstanceId);
  return `ci:${safe(shortName(containerInstanceArn)).slice(0, 8)}`;
}

/** The cluster a failure group belongs to (part of its signature), by name. */
export function failureClusterName(group: FailureGroup): string {
  const cluster = group.signature.cluster ?? group.clusters[0];
  return cluster === undefined ? MISSING : short(cluster);
}

/** `prod/payments` for a service's group (the service's own ARN path), `prod/family:etl` for the others. */
function groupInCluster(group: FailureGroup): string {
  const name = group.signature.group;
  const service = name.startsWith('service:') ? name.slice('service:'.length) : name;
  return `${failureClusterName(group)}/${safe(service)}`;
}

/** The service or group names that failed in more than one cluster among these groups. */
export function groupsInSeveralClusters(groups: readonly FailureGroup[]): ReadonlySet<string> {
  const clusterOf = new Map<string, string>();
  const several = new Set<string>();
  for (const group of groups) {
    const cluster = failureClusterName(group);
    const seen = clusterOf.get(group.signature.group);
    if (seen === undefined) clusterOf.set(group.signature.group, cluster);
    else if (seen !== cluster) several.add(group.signature.group);
  }
  return several;
}

/**
 * `ec2InstanceIdOf` answers the EC2 instance id of a container instance ARN, when the store knows it.
 * `inSeveralClusters` names the groups that failed in more than one cluster: their cell names the cluster too,
 * so the rows look apart even where the CLUSTER column does not fit (80 columns, a pane of the wide layout).
 */
export function failureColumns(
  ec2InstanceIdOf: (arn: string) => string | undefined,
  inSeveralClusters: ReadonlySet<string> = new Set(),
): Column<FailureGroup>[] {
  return [
    {
      id: 'group',
      title: 'SERVICE/GROUP',
      // Wider than "family:report-r…", so groups that differ only at the end look apart; not wider, so the
      // signature keeps its exit code at 80 and 100 columns.
      width: 18,
      value: (g) => (inSeveralClusters.has(g.signature.group) ? groupInCluster(g) : safe(g.signature.group)),
      sortValue: (g) => g.signature.group,
    },
    {
      id: 'count',
      title: 'COUNT',
      width: 5,
      align: 'right',
      value: (g) => ({ text: String(g.count), tone: 'error' }),
      sortValue: (g) => g.count,
    },
    {
      id: 'signature',
      title: 'SIGNATURE',
      // The reason and exit code are the point of this pane: the columns beside it go first on a narrow terminal,
      // and in a narrow pane it shrinks rather than push FIRST and LAST out.
      width: 38,
      minWidth: 24,
      flex: 1,
      value: (g) => safe(signatureLabel(g.signature)),
      sortValue: (g) => signatureLabel(g.signature),
    },
    {
      id: 'first',
      title: 'FIRST',
      width: 5,
      align: 'right',
      timeDependent: true,
      value: (g, context) => formatAge(g.firstSeen, context.now),
      sortValue: (g) => g.firstSeen,
    },
    {
      id: 'last',
      title: 'LAST',
      width: 5,
      align: 'right',
      timeDependent: true,
      value: (g, context) => formatAge(g.lastSeen, context.now),
      sortValue: (g) => g.lastSeen,
    },
    // Before INSTANCES, so it is the one kept when only one of the two fits (100 columns).
    {
      id: 'clusters',
      title: 'CLUSTER',
      width: 10,
      priority: 0,
      value: (g) => failureClusterName(g),
      sortValue: (g) => failureClusterName(g),
    },
    {
      id: 'instances',
      title: 'EC2 INSTANCE',
      width: 14,
      priority: 0,
      value: (g) =>
        g.instances.length === 0
          ? MISSING
          : g.instances.map((arn) => failureInstanceLabel(ec2InstanceIdOf(arn), arn)).join(','),
    },
  ];
}

/** Occurrences of one group, for its detail. */
export function occurrencesOf(state: EcsState, group: FailureGroup): FailureOccurrence[] {
  return group.ids.flatMap((id) => state.failureOccurrences.get(id) ?? []);
}

// ---------------------------------------------------------------- shared

export const PANE_TITLES: Readonly<Record<PaneId, string>> = {
  clusters: 'Clusters',
  instances: 'Instances',
  services: 'Services',
  tasks: 'Tasks',
  failures: 'Failures',
};
