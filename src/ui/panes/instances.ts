/** The Instances pane: the watched cluster's container instances, what holds a drain, and the columns. */
import { shortName } from '../../domain/arn.ts';
import { MISSING } from '../../domain/format.ts';
import { drainProgress, type InstanceUsage, instanceUsage } from '../../domain/instances.ts';
import { canonicalStatus, isTerminalStatus } from '../../domain/lifecycle.ts';
import type { Task } from '../../domain/model.ts';
import type { EcsState, ScopedInstance } from '../../store/store.ts';
import type { Column } from '../components/table.ts';
import { safe, short, taskDefinitionText } from './cells.ts';
import { groupBy, memoLast } from './memo.ts';

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

/** The standalone tasks that hold a drain, by task definition (else by task id). */
function blockingNames(blocking: readonly Task[]): string {
  return blocking
    .map((task) => (task.taskDefinitionArn ? taskDefinitionText(task.taskDefinitionArn) : short(task.taskArn)))
    .join(', ');
}

/** "DRAINING 3 left; held by db-migrate:1 (standalone)": what keeps a drain from finishing. */
export function drainSummary(drain: NonNullable<InstanceRow['drain']>): string {
  if (drain.remaining === 0) return 'drained';
  const parts = [`${drain.remaining} task${drain.remaining === 1 ? '' : 's'} left`];
  if (drain.blocking.length > 0) {
    parts.push(`held by ${blockingNames(drain.blocking)} (standalone)`);
  }
  return parts.join('; ');
}

/** The row's short form: who holds the drain comes first (the TASKS column has the count). */
export function drainCell(drain: NonNullable<InstanceRow['drain']>): string {
  if (drain.remaining === 0) return 'drained';
  if (drain.blocking.length === 0)
    return `moving ${drain.serviceTasks} service task${drain.serviceTasks === 1 ? '' : 's'}`;
  const moving = drain.serviceTasks > 0 ? `, moving ${drain.serviceTasks}` : '';
  return `held by ${blockingNames(drain.blocking)} (standalone)${moving}`;
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
