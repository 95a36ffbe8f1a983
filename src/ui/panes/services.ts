/** The Services pane: the watched cluster's services with their rollout, and the columns. */
import { shortName } from '../../domain/arn.ts';
import { formatAge, MISSING } from '../../domain/format.ts';
import { type DeploymentProgress, deploymentProgress, type Health, serviceHealth } from '../../domain/health.ts';
import { canonicalStatus } from '../../domain/lifecycle.ts';
import type { Service, TaskSet } from '../../domain/model.ts';
import type { EcsState } from '../../store/store.ts';
import type { Column } from '../components/table.ts';
import { healthColumn, safe, taskDefinitionText } from './cells.ts';
import { memoLast, memoPerObject } from './memo.ts';

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
    healthColumn(ascii),
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
      value: (r) => taskDefinitionText(r.service.taskDefinition),
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
