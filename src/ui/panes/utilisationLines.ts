/**
 * CloudWatch in the detail views: the service's CPU and memory over the last hour (a cell a minute) and six hours (a
 * cell every six minutes), and the task's Container Insights figures, or plainly why there are none.
 */
import { shortName } from '../../domain/arn.ts';
import type { ClusterReservation } from '../../domain/utilisation.ts';
import {
  downsample,
  type MetricSeries,
  memoryHigh,
  percentOf,
  percentText,
  sparkline,
} from '../../domain/utilisation.ts';
import type { EcsState } from '../../store/store.ts';
import type { Span } from '../components/table.ts';
import type { Tone } from '../theme/theme.ts';
import { safe } from './cells.ts';

type Line = Span[];

const HOUR_CELLS = 60;
const SIX_HOUR_MINUTES_PER_CELL = 6;

function chartLine(label: string, series: MetricSeries, stepMinutes: number, tone: Tone, value?: string): Line {
  const line = sparkline(series, HOUR_CELLS, false, stepMinutes * 60_000);
  return [
    { text: `${label.padEnd(18)} `, tone: 'muted' },
    { text: line.padStart(HOUR_CELLS), tone },
    { text: value === undefined ? '' : ` ${value}` },
  ];
}

/** The service detail's Utilisation section; none while CloudWatch is not read (its client not up). */
export function serviceUtilisationLines(
  state: Pick<EcsState, 'metricsApi' | 'serviceUtilisation'>,
  arn: string,
): Line[] {
  if (state.metricsApi === undefined) return [];
  const lines: Line[] = [[], [{ text: 'Utilisation (CloudWatch, AWS/ECS)', tone: 'title' }]];
  const utilisation = state.serviceUtilisation.get(arn);
  if (utilisation === undefined) {
    lines.push([{ text: 'reading CloudWatch…', tone: 'muted' }]);
    return lines;
  }
  if (utilisation.problem !== undefined) lines.push([{ text: `✗ ${safe(utilisation.problem)}`, tone: 'error' }]);
  if (utilisation.cpu.length === 0 && utilisation.memory.length === 0) {
    if (utilisation.problem === undefined) {
      lines.push([
        {
          text: 'no datapoints yet: CloudWatch has none for this service (no task has run long enough).',
          tone: 'muted',
        },
      ]);
    }
    return lines;
  }
  const memoryTone: Tone = memoryHigh(utilisation.memory) ? 'error' : 'accent';
  lines.push(
    chartLine('CPU avg, 1 h', utilisation.cpu, 1, 'accent', percentText(utilisation.cpu)),
    chartLine('MEM max task, 1 h', utilisation.memory, 1, memoryTone, percentText(utilisation.memory)),
    chartLine(
      'CPU avg, 6 h',
      downsample(utilisation.cpu, SIX_HOUR_MINUTES_PER_CELL, 'mean'),
      SIX_HOUR_MINUTES_PER_CELL,
      'accent',
    ),
    chartLine(
      'MEM max task, 6 h',
      downsample(utilisation.memory, SIX_HOUR_MINUTES_PER_CELL, 'max'),
      SIX_HOUR_MINUTES_PER_CELL,
      memoryTone,
    ),
    [
      {
        text: `${''.padEnd(18)} a cell a minute (1 h), every ${SIX_HOUR_MINUTES_PER_CELL} minutes (6 h); ▁ 0 % … █ 100 %`,
        tone: 'muted',
      },
    ],
  );
  return lines;
}

/** The task detail's Container Insights section, or why there is none. */
export function taskInsightsLines(
  state: Pick<EcsState, 'metricsApi' | 'taskInsights' | 'tasks' | 'clusters'>,
  arn: string,
): Line[] {
  if (state.metricsApi === undefined) return [];
  const task = state.tasks.get(arn);
  const cluster = task?.clusterArn === undefined ? undefined : state.clusters.get(task.clusterArn);
  const lines: Line[] = [[], [{ text: 'Container Insights (ECS/ContainerInsights)', tone: 'title' }]];
  if (!cluster) {
    lines.push([{ text: 'its cluster is not known yet', tone: 'muted' }]);
    return lines;
  }
  const setting = cluster.settings?.find((entry) => entry.name === 'containerInsights')?.value;
  if (setting !== 'enabled' && setting !== 'enhanced') {
    const name = safe(cluster.clusterName ?? shortName(cluster.clusterArn));
    lines.push([
      { text: `Container Insights is not enabled on cluster ${name}: no task-level CPU or memory.`, tone: 'muted' },
    ]);
    return lines;
  }
  const insights = state.taskInsights.get(arn);
  if (!insights) {
    lines.push([{ text: 'reading CloudWatch…', tone: 'muted' }]);
    return lines;
  }
  if (insights.problem !== undefined) lines.push([{ text: `✗ ${safe(insights.problem)}`, tone: 'error' }]);
  if (insights.cpuUtilized.length === 0 && insights.memoryUtilized.length === 0) {
    if (insights.problem === undefined) lines.push([{ text: 'no datapoints yet', tone: 'muted' }]);
    return lines;
  }
  const figure = (used: MetricSeries, reserved: MetricSeries, unit: string) => {
    const last = used.at(-1)?.value;
    const limit = reserved.at(-1)?.value;
    if (last === undefined) return '-';
    const share = limit ? ` (${Math.round((last / limit) * 100)}%)` : '';
    return `${Math.round(last)}${limit ? ` of ${Math.round(limit)}` : ''} ${unit}${share}`;
  };
  const memoryPercent = percentOf(insights.memoryUtilized, insights.memoryReserved);
  lines.push(
    chartLine(
      'CPU, 1 h',
      percentOf(insights.cpuUtilized, insights.cpuReserved),
      1,
      'accent',
      figure(insights.cpuUtilized, insights.cpuReserved, 'CPU units'),
    ),
    chartLine(
      'memory, 1 h',
      memoryPercent,
      1,
      memoryHigh(memoryPercent) ? 'error' : 'accent',
      figure(insights.memoryUtilized, insights.memoryReserved, 'MiB'),
    ),
  );
  return lines;
}

/** The Services pane title's "reserved CPU 45% MEM 38%": what the cluster's running tasks reserve of its instances. */
export function reservationText(reservation: ClusterReservation | undefined): string | undefined {
  if (!reservation) return undefined;
  const cpu = percentText(reservation.cpu);
  const memory = percentText(reservation.memory);
  if (cpu === undefined && memory === undefined) return undefined;
  return `reserved CPU ${cpu ?? '-'} MEM ${memory ?? '-'}`;
}
