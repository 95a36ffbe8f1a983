/**
 * CloudWatch metrics the simulator publishes from its model, computed when asked (nothing is recorded):
 *
 * - `AWS/ECS` CPUUtilization and MemoryUtilization by ClusterName+ServiceName (and by ClusterName): one sample per
 *   task per minute, so Average is the service's mean, Maximum its busiest task, SampleCount its task count, as
 *   ECS publishes them; CPUReservation and MemoryReservation by ClusterName: what the running EC2 tasks reserve of
 *   the registered instances, one sample a minute.
 * - `ECS/ContainerInsights` CpuUtilized, CpuReserved (CPU units), MemoryUtilized, MemoryReserved (MiB) and
 *   RunningTaskCount by ClusterName, ClusterName+ServiceName, ClusterName+TaskDefinitionFamily and
 *   ClusterName+TaskDefinitionFamily+TaskId: one sample a minute, the sum over the tasks; only for clusters whose
 *   `containerInsights` setting is enabled (or enhanced). Elsewhere the metrics do not exist: no datapoints.
 *
 * Missing datapoints fall where a real account has them: minutes in which no task of the service ran (before its
 * first task started, between crash-looping tasks), and the minute still being collected (a minute is published
 * once it is over plus a minute of delay).
 */
import type { SimModel } from '../model/model.ts';
import type { SimCluster, SimTask, SimTaskDefinition } from '../model/types.ts';
import { cpuPercent, MINUTE_MS, memoryPercent, runningInterval, type TaskProfile, taskProfile } from './utilisation.ts';

export const ECS_NAMESPACE = 'AWS/ECS';
export const CONTAINER_INSIGHTS_NAMESPACE = 'ECS/ContainerInsights';
/** A minute's datapoint appears this long after the minute ends. */
export const PUBLISH_DELAY_MS = 60_000;

export const STATISTICS = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'] as const;
export type Statistic = (typeof STATISTICS)[number];

export interface MetricRequest {
  namespace: string;
  metricName: string;
  dimensions: ReadonlyMap<string, string>;
  /** Seconds, a multiple of 60. */
  period: number;
  stat: Statistic;
}

export interface Datapoint {
  /** Epoch ms of the period's start. */
  at: number;
  value: number;
}

/** Accumulates the samples of one period. */
class Bucket {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }
  stat(stat: Statistic): number {
    switch (stat) {
      case 'Average':
        return round(this.sum / this.count);
      case 'Maximum':
        return this.max;
      case 'Minimum':
        return this.min;
      case 'Sum':
        return round(this.sum);
      case 'SampleCount':
        return this.count;
    }
  }
}

/** The minutes a window covers, split into periods; samples land in their period's bucket. */
class Window {
  readonly buckets = new Map<number, Bucket>();
  constructor(
    readonly from: number,
    readonly to: number,
    readonly periodMs: number,
  ) {}
  add(minuteStart: number, value: number): void {
    const at = this.from + Math.floor((minuteStart - this.from) / this.periodMs) * this.periodMs;
    let bucket = this.buckets.get(at);
    if (!bucket) {
      bucket = new Bucket();
      this.buckets.set(at, bucket);
    }
    bucket.add(value);
  }
  /** The minutes of [from, to) that a span overlaps. */
  *minutes(span: { from: number; to: number }): Iterable<number> {
    const first = Math.max(this.from, Math.floor(span.from / MINUTE_MS) * MINUTE_MS);
    const end = Math.min(this.to, span.to);
    for (let minute = first; minute < end; minute += MINUTE_MS) yield minute;
  }
  datapoints(stat: Statistic): Datapoint[] {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([at, bucket]) => ({ at, value: bucket.stat(stat) }));
  }
}

/** Datapoints of one metric over [startMs, endMs), oldest first; [] for a metric the model does not publish. */
export function metricDatapoints(
  model: SimModel,
  request: MetricRequest,
  startMs: number,
  endMs: number,
  profiles: ProfileCache,
): Datapoint[] {
  const periodMs = request.period * 1000;
  // Periods start on the minute; only minutes already published are served.
  const from = Math.floor(startMs / MINUTE_MS) * MINUTE_MS;
  const published = Math.floor((model.now() - PUBLISH_DELAY_MS) / MINUTE_MS) * MINUTE_MS;
  const to = Math.min(endMs, published);
  if (to <= from) return [];
  const clusterName = request.dimensions.get('ClusterName');
  const cluster = clusterName === undefined ? undefined : model.findCluster(clusterName);
  if (!cluster) return [];
  const window = new Window(from, to, periodMs);
  const dims = [...request.dimensions.keys()].sort().join(',');

  if (request.namespace === ECS_NAMESPACE) {
    const name = request.metricName;
    if (name === 'CPUUtilization' || name === 'MemoryUtilization') {
      let tasks: Iterable<SimTask>;
      if (dims === 'ClusterName,ServiceName') {
        const service = model.findService(cluster, request.dimensions.get('ServiceName') ?? '');
        if (!service) return [];
        tasks = model.tasksOfService(service);
      } else if (dims === 'ClusterName') {
        tasks = [...model.tasksOfCluster(cluster)].filter((task) => task.serviceArn !== undefined);
      } else {
        return [];
      }
      for (const profile of profiles.of(tasks)) {
        const span = runningInterval(profile.task);
        if (!span) continue;
        for (const minute of window.minutes(span)) {
          const value =
            name === 'CPUUtilization'
              ? cpuPercent(profile, minute)
              : memoryPercent(profile, Math.min(minute + MINUTE_MS, span.to));
          window.add(minute, value);
        }
      }
      return window.datapoints(request.stat);
    }
    if ((name === 'CPUReservation' || name === 'MemoryReservation') && dims === 'ClusterName') {
      reservation(model, cluster, name === 'CPUReservation' ? 'cpu' : 'memory', window, profiles);
      return window.datapoints(request.stat);
    }
    return [];
  }

  if (request.namespace === CONTAINER_INSIGHTS_NAMESPACE && containerInsightsEnabled(cluster)) {
    const tasks = containerInsightsTasks(model, cluster, request.dimensions, dims);
    if (!tasks) return [];
    const reading = CONTAINER_INSIGHTS_READINGS[request.metricName];
    if (!reading) return [];
    const perMinute = new Map<number, number>();
    for (const profile of profiles.of(tasks)) {
      const span = runningInterval(profile.task);
      if (!span) continue;
      for (const minute of window.minutes(span)) {
        perMinute.set(minute, (perMinute.get(minute) ?? 0) + reading(profile, minute, span.to));
      }
    }
    for (const [minute, value] of perMinute) window.add(minute, round(value));
    return window.datapoints(request.stat);
  }
  return [];
}

export function containerInsightsEnabled(cluster: SimCluster): boolean {
  const setting = cluster.settings.find((s) => s.name === 'containerInsights');
  return setting?.value === 'enabled' || setting?.value === 'enhanced';
}

type Reading = (profile: TaskProfile, minute: number, stoppedAt: number) => number;

const CONTAINER_INSIGHTS_READINGS: Readonly<Record<string, Reading>> = {
  CpuUtilized: (p, minute) => (cpuPercent(p, minute) / 100) * p.cpuUnits,
  CpuReserved: (p) => p.cpuUnits,
  MemoryUtilized: (p, minute, stoppedAt) =>
    (memoryPercent(p, Math.min(minute + MINUTE_MS, stoppedAt)) / 100) * p.memoryMiB,
  MemoryReserved: (p) => p.memoryMiB,
  RunningTaskCount: () => 1,
};

function containerInsightsTasks(
  model: SimModel,
  cluster: SimCluster,
  dimensions: ReadonlyMap<string, string>,
  dims: string,
): Iterable<SimTask> | undefined {
  switch (dims) {
    case 'ClusterName':
      return model.tasksOfCluster(cluster);
    case 'ClusterName,ServiceName': {
      const service = model.findService(cluster, dimensions.get('ServiceName') ?? '');
      return service ? model.tasksOfService(service) : undefined;
    }
    case 'ClusterName,TaskDefinitionFamily': {
      const family = dimensions.get('TaskDefinitionFamily');
      return [...model.tasksOfCluster(cluster)].filter((task) => familyOf(task.taskDefinitionArn) === family);
    }
    case 'ClusterName,TaskDefinitionFamily,TaskId': {
      const task = model.findTask(cluster, dimensions.get('TaskId') ?? '');
      return task && familyOf(task.taskDefinitionArn) === dimensions.get('TaskDefinitionFamily') ? [task] : undefined;
    }
    default:
      return undefined;
  }
}

/** Per minute: CPU or memory the cluster's running EC2 tasks reserve, in percent of what its instances register. */
function reservation(
  model: SimModel,
  cluster: SimCluster,
  resource: 'cpu' | 'memory',
  window: Window,
  profiles: ProfileCache,
): void {
  const reserved = new Map<number, number>();
  for (const profile of profiles.of(model.tasksOfCluster(cluster))) {
    if (profile.task.containerInstanceArn === undefined) continue;
    const span = runningInterval(profile.task);
    if (!span) continue;
    const amount = resource === 'cpu' ? profile.cpuUnits : profile.memoryMiB;
    for (const minute of window.minutes(span)) reserved.set(minute, (reserved.get(minute) ?? 0) + amount);
  }
  const instances = [...model.instancesOfCluster(cluster)].filter((instance) => instance.status !== 'INACTIVE');
  // A scenario backdates its steady tasks past their instance's registration: the instance was there for them.
  const since = new Map<string, number>();
  for (const instance of instances) {
    let earliest = instance.registeredAt;
    for (const task of model.tasksOfInstance(instance)) {
      if (task.startedAt !== undefined && task.startedAt < earliest) earliest = task.startedAt;
    }
    since.set(instance.arn, earliest);
  }
  for (const minute of window.minutes({ from: window.from, to: window.to })) {
    let registered = 0;
    for (const instance of instances) {
      if ((since.get(instance.arn) ?? instance.registeredAt) < minute + MINUTE_MS) {
        registered += resource === 'cpu' ? instance.registeredCpu : instance.registeredMemory;
      }
    }
    if (registered > 0) window.add(minute, round(((reserved.get(minute) ?? 0) / registered) * 100));
  }
}

/** Task profiles for one request: each task's definition is resolved once, whatever the number of queries. */
export class ProfileCache {
  readonly #model: SimModel;
  readonly #profiles = new Map<SimTask, TaskProfile>();
  readonly #definitions = new Map<string, SimTaskDefinition | undefined>();
  constructor(model: SimModel) {
    this.#model = model;
  }
  *of(tasks: Iterable<SimTask>): Iterable<TaskProfile> {
    for (const task of tasks) {
      let profile = this.#profiles.get(task);
      if (!profile) {
        let definition = this.#definitions.get(task.taskDefinitionArn);
        if (!this.#definitions.has(task.taskDefinitionArn)) {
          definition = this.#model.resolveTaskDefinition(task.taskDefinitionArn);
          this.#definitions.set(task.taskDefinitionArn, definition);
        }
        profile = taskProfile(task, definition);
        this.#profiles.set(task, profile);
      }
      yield profile;
    }
  }
}

function familyOf(arn: string): string {
  const tail = arn.slice(arn.lastIndexOf('/') + 1);
  const colon = tail.indexOf(':');
  return colon < 0 ? tail : tail.slice(0, colon);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
