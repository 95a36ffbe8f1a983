/**
 * CPU and memory utilisation as CloudWatch reports it (per minute, in percent), and how it is drawn: sparklines of
 * one cell per minute on a fixed 0-100 % scale (a full block is the limit), the current value, and the two signs
 * triage looks for: memory near its limit, and memory climbing to it before an out-of-memory kill.
 */

export interface MetricPoint {
  /** Epoch ms of the minute's start. */
  at: number;
  value: number;
}

/** Oldest first, one point per minute at most; minutes CloudWatch has no datapoint for are absent. */
export type MetricSeries = readonly MetricPoint[];

/** A service's utilisation: `AWS/ECS` CPUUtilization (Average) and MemoryUtilization (Maximum: its busiest task). */
export interface ServiceUtilisation {
  cpu: MetricSeries;
  memory: MetricSeries;
  /** Why there is nothing (or nothing new) to show, in one sentence: CloudWatch refused, failed, ... */
  problem?: string;
  /** True once CloudWatch answered for it: empty series then mean "no datapoints yet", not "not read yet". */
  fetched?: boolean;
}

/** A cluster's `AWS/ECS` CPUReservation and MemoryReservation (Average). */
export interface ClusterReservation {
  cpu: MetricSeries;
  memory: MetricSeries;
  problem?: string;
}

/** A task's `ECS/ContainerInsights` figures: CPU units and MiB used and reserved. */
export interface TaskInsights {
  /** False: the cluster does not have Container Insights; nothing was asked. */
  enabled: boolean;
  cpuUtilized: MetricSeries;
  cpuReserved: MetricSeries;
  memoryUtilized: MetricSeries;
  memoryReserved: MetricSeries;
  problem?: string;
}

/** The CloudWatch rate and budget for the header. */
export interface MetricsApiMeta {
  ratePerSecond: number;
  budgetCeiling: number;
  throttled: number;
  errors: number;
}

export const MEMORY_HIGH_PERCENT = 90;
const BLOCKS = '▁▂▃▄▅▆▇█';
const ASCII_BLOCKS = '_.-:=+*#';
const MINUTE_MS = 60_000;

/** The block for a percentage on the 0-100 scale (above 100 is drawn full). */
export function blockOf(value: number, ascii = false): string {
  const blocks = ascii ? ASCII_BLOCKS : BLOCKS;
  const index = Math.max(0, Math.min(blocks.length - 1, Math.floor((value / 100) * blocks.length)));
  return blocks[index] as string;
}

/**
 * One cell per minute (or per `stepMs`) for the `width` minutes ending with the series' newest point, oldest left; a
 * minute without a datapoint is a space (no tasks ran, or CloudWatch has nothing), so gaps show as gaps.
 */
export function sparkline(series: MetricSeries, width: number, ascii = false, stepMs = MINUTE_MS): string {
  const newest = series.at(-1);
  if (newest === undefined || width <= 0) return '';
  const first = newest.at - (width - 1) * stepMs;
  const cells = Array.from({ length: width }, () => ' ');
  for (const point of series) {
    if (point.at < first) continue;
    const index = Math.round((point.at - first) / stepMs);
    if (index >= 0 && index < width) cells[index] = blockOf(point.value, ascii);
  }
  // Leading minutes before the series began are not gaps: leave them out so the line starts where data does.
  return cells.join('').replace(/^ +/, '');
}

/** The newest value, rounded for a cell: "42%". */
export function percentText(series: MetricSeries): string | undefined {
  const newest = series.at(-1);
  return newest === undefined ? undefined : `${Math.round(newest.value)}%`;
}

/** The points of the last `minutes` minutes before the series' newest point (inclusive). */
export function lastMinutes(series: MetricSeries, minutes: number): MetricSeries {
  const newest = series.at(-1);
  if (newest === undefined) return series;
  const from = newest.at - (minutes - 1) * MINUTE_MS;
  let index = series.length;
  while (index > 0 && (series[index - 1] as MetricPoint).at >= from) index--;
  return series.slice(index);
}

/** Memory at or above 90 % of the limit now. */
export function memoryHigh(series: MetricSeries): boolean {
  const newest = series.at(-1);
  return newest !== undefined && newest.value >= MEMORY_HIGH_PERCENT;
}

/**
 * Memory climbing to its limit within the window: a point at 90 % or more that rose at least 20 points above the
 * lowest before it. With an OOM kill in the service's recent failures, this is the leak that killed it.
 */
export function memoryClimbed(series: MetricSeries, minutes: number): boolean {
  let lowest = Number.POSITIVE_INFINITY;
  for (const point of lastMinutes(series, minutes)) {
    if (point.value >= MEMORY_HIGH_PERCENT && point.value - lowest >= 20) return true;
    lowest = Math.min(lowest, point.value);
  }
  return false;
}

/** Adds `incoming` to `current` by minute (a newer reading of a minute replaces the older), dropping points before `keepFrom`. */
export function mergeSeries(current: MetricSeries, incoming: MetricSeries, keepFrom: number): MetricSeries {
  if (incoming.length === 0 && (current[0]?.at ?? keepFrom) >= keepFrom) return current;
  const byMinute = new Map<number, number>();
  for (const point of current) if (point.at >= keepFrom) byMinute.set(point.at, point.value);
  for (const point of incoming) if (point.at >= keepFrom) byMinute.set(point.at, point.value);
  const merged = [...byMinute.entries()].sort(([a], [b]) => a - b).map(([at, value]) => ({ at, value }));
  if (
    merged.length === current.length &&
    merged.every((p, i) => p.at === current[i]?.at && p.value === current[i]?.value)
  ) {
    return current;
  }
  return merged;
}

/** One point per `minutes` minutes (the bucket's start): the mean of its points, or the largest with `max`. */
export function downsample(series: MetricSeries, minutes: number, mode: 'mean' | 'max'): MetricSeries {
  if (minutes <= 1) return series;
  const size = minutes * MINUTE_MS;
  const buckets = new Map<number, { sum: number; count: number; max: number }>();
  for (const point of series) {
    const at = Math.floor(point.at / size) * size;
    const bucket = buckets.get(at) ?? { sum: 0, count: 0, max: Number.NEGATIVE_INFINITY };
    bucket.sum += point.value;
    bucket.count++;
    bucket.max = Math.max(bucket.max, point.value);
    buckets.set(at, bucket);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, bucket]) => ({ at, value: mode === 'max' ? bucket.max : bucket.sum / bucket.count }));
}

/** `used` as a percentage of `reserved`, minute by minute (Container Insights' units and MiB). */
export function percentOf(used: MetricSeries, reserved: MetricSeries): MetricSeries {
  const limits = new Map(reserved.map((point) => [point.at, point.value]));
  const out: MetricPoint[] = [];
  for (const point of used) {
    const limit = limits.get(point.at);
    if (limit !== undefined && limit > 0) out.push({ at: point.at, value: (point.value / limit) * 100 });
  }
  return out;
}
