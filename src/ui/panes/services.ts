/** The Services pane: the watched cluster's services with their rollout, and the columns. */
import { shortName } from '../../domain/arn.ts';
import type { FailureOccurrence } from '../../domain/failures.ts';
import { formatAge, MISSING } from '../../domain/format.ts';
import { type DeploymentProgress, deploymentProgress, type Health, serviceHealth } from '../../domain/health.ts';
import { canonicalStatus } from '../../domain/lifecycle.ts';
import type { Service, TaskSet } from '../../domain/model.ts';
import {
  lastMinutes,
  memoryClimbed,
  memoryHigh,
  percentText,
  type ServiceUtilisation,
  sparkline,
} from '../../domain/utilisation.ts';
import type { EcsState } from '../../store/store.ts';
import type { Cell, Column, Span } from '../components/table.ts';
import { healthColumn, safe, taskDefinitionText } from './cells.ts';
import { memoLast, memoPerObject } from './memo.ts';

export interface ServiceRow {
  arn: string;
  service: Service;
  name: string;
  health: Health;
  progress?: DeploymentProgress;
  lastEventAt?: number;
  /** CloudWatch CPU and memory (metrics/poller.ts), when read. */
  utilisation?: ServiceUtilisation;
  /** A task of the service was killed for memory in the last half hour: a memory climb is the story. */
  oomRecently?: boolean;
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

/** The row with its utilisation (the same row object while both are the same). */
const withUtilisation = memoPerObject((row: ServiceRow, utilisation: ServiceUtilisation | undefined) =>
  utilisation === undefined ? row : { ...row, utilisation },
);
const withOom = memoPerObject((row: ServiceRow, oom: boolean) => (oom ? { ...row, oomRecently: true } : row));

/** How far back an OOM kill makes a memory climb the story. */
const OOM_RECENT_MS = 30 * 60_000;

/** `<cluster ARN>/<service name>` of the services with a task killed for memory in the last half hour. */
export const selectRecentOomServices = memoLast(
  (occurrences: EcsState['failureOccurrences'], minute: number): ReadonlySet<string> => {
    const since = minute * 60_000 - OOM_RECENT_MS;
    const services = new Set<string>();
    for (const occurrence of occurrences.values()) {
      if (!isRecentOom(occurrence, since)) continue;
      services.add(`${occurrence.clusterArn}/${occurrence.service}`);
    }
    return services;
  },
);

function isRecentOom(occurrence: FailureOccurrence, since: number): boolean {
  return (
    occurrence.signature.cause === 'out-of-memory' &&
    occurrence.at >= since &&
    occurrence.service !== undefined &&
    occurrence.clusterArn !== undefined
  );
}

const NO_UTILISATION: EcsState['serviceUtilisation'] = new Map();
const NO_OOM: ReadonlySet<string> = new Set();

export const selectServiceRows = memoLast(
  (
    services: EcsState['services'],
    events: EcsState['serviceEvents'],
    cluster: string | undefined,
    utilisation: EcsState['serviceUtilisation'] = NO_UTILISATION,
    oomServices: ReadonlySet<string> = NO_OOM,
  ): ServiceRow[] => {
    if (cluster === undefined) return [];
    const rows: ServiceRow[] = [];
    for (const service of services.values()) {
      if (service.clusterArn !== cluster) continue;
      const row = withUtilisation(
        serviceRowOf(service, events.get(service.serviceArn)),
        utilisation.get(service.serviceArn),
      );
      rows.push(withOom(row, oomServices.has(`${service.clusterArn}/${service.serviceName}`)));
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

/** Cells of the sparkline after the value "100%" and a space. */
const VALUE_WIDTH = 5;

/**
 * A utilisation cell: the sparkline of the last minutes (as many as the column holds) and the current value; memory
 * at 90 % or more in the error tone, a memory climb with a recent OOM kill in the warning tone. What is not there is
 * said in a word: "no data" (CloudWatch has no datapoints), "✗ denied"/"✗ failed" (the detail says the sentence); a
 * failed read after good ones dims the last good sparkline and puts ✗ where the value was.
 */
export function utilisationCell(
  utilisation: ServiceUtilisation | undefined,
  kind: 'cpu' | 'memory',
  width: number,
  options: { ascii: boolean; oomRecently?: boolean },
): Cell {
  if (utilisation === undefined) return { text: '…', tone: 'muted' };
  const series = utilisation[kind];
  if (series.length === 0) {
    if (utilisation.problem !== undefined) {
      return { text: utilisation.problem.includes('refused') ? '✗ denied' : '✗ failed', tone: 'error' };
    }
    return { text: 'no data', tone: 'muted' };
  }
  const cells = Math.max(1, width - VALUE_WIDTH);
  const line = sparkline(lastMinutes(series, cells), cells, options.ascii);
  if (utilisation.problem !== undefined) {
    // The last good readings, dimmed, and a cross where the current value would be: the detail says why.
    return {
      spans: [
        { text: line.padStart(cells), tone: 'muted' },
        { text: ' ' },
        { text: '✗'.padStart(VALUE_WIDTH - 1), tone: 'error' },
      ],
    };
  }
  const value = (percentText(series) ?? '').padStart(VALUE_WIDTH - 1);
  const high = kind === 'memory' && memoryHigh(series);
  const climb = kind === 'memory' && options.oomRecently === true && memoryClimbed(series, cells);
  const spans: Span[] = [
    { text: line.padStart(cells), tone: climb ? 'warn' : high ? 'error' : 'accent' },
    { text: ' ' },
    { text: value, tone: high ? 'error' : climb ? 'warn' : 'text' },
  ];
  return { spans };
}

/**
 * The Services columns when CloudWatch is read: CPU and MEM after the counts. The columns around them may shrink
 * to their minimum rather than push them out, and LAUNCH and EVENT go first on a narrow terminal.
 */
export function serviceColumnsWithUtilisation(ascii: boolean): Column<ServiceRow>[] {
  const base = serviceColumns(ascii);
  const shrinkable: Record<string, number> = { name: 10, rollout: 14, taskdef: 10 };
  const adjusted = base.map((column) => {
    const minWidth = shrinkable[column.id];
    if (minWidth !== undefined) return { ...column, minWidth };
    if (column.id === 'event') return { ...column, priority: 0 };
    return column;
  });
  const metric = (id: 'cpu' | 'memory', title: string): Column<ServiceRow> => ({
    id,
    title,
    width: 16,
    minWidth: 11,
    growTo: 36,
    value: (r, context) =>
      utilisationCell(r.utilisation, id, context.width, {
        ascii,
        ...(r.oomRecently ? { oomRecently: true } : {}),
      }),
    sortValue: (r) => r.utilisation?.[id].at(-1)?.value,
  });
  const countsAt = adjusted.findIndex((column) => column.id === 'counts');
  return [
    ...adjusted.slice(0, countsAt + 1),
    metric('cpu', 'CPU'),
    metric('memory', 'MEM'),
    ...adjusted.slice(countsAt + 1),
  ];
}
