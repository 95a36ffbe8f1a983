/**
 * Request throttling as ECS does it: a token bucket per category of operations, refilled on the wall clock.
 * An empty bucket answers 400 ThrottlingException "Rate exceeded" (the SDK retries it, then surfaces it).
 *
 * Defaults, close to the published ECS API request quotas (burst = bucket size, refill = tokens per second):
 *
 * | category                     | operations                                           | burst | refill/s |
 * |------------------------------|------------------------------------------------------|-------|----------|
 * | clusterRead                  | ListClusters, DescribeClusters                       |    50 |       20 |
 * | containerInstanceRead        | ListContainerInstances, DescribeContainerInstances   |   100 |       20 |
 * | serviceRead                  | ListServices, DescribeServices                       |   100 |       20 |
 * | taskRead                     | ListTasks, DescribeTasks                             |   100 |       20 |
 * | taskDefinitionRead           | DescribeTaskDefinition, ListTaskDefinitions          |   100 |       20 |
 * | taskSetRead                  | DescribeTaskSets                                     |   100 |       20 |
 * | runTask                      | RunTask                                              |   100 |       20 |
 * | startTask                    | StartTask                                            |   100 |       20 |
 * | stopTask                     | StopTask                                             |   100 |       40 |
 * | updateService                | UpdateService                                        |    50 |       15 |
 * | updateContainerInstancesState| UpdateContainerInstancesState                        |    50 |       10 |
 * | containerInstanceWrite       | RegisterContainerInstance (an agent call)            |   100 |       20 |
 * | clusterWrite                 | CreateCluster                                        |    20 |        1 |
 * | serviceWrite                 | CreateService, CreateTaskSet, UpdateTaskSet,          |    20 |        1 |
 * |                              | UpdateServicePrimaryTaskSet                          |       |          |
 * | taskDefinitionWrite          | RegisterTaskDefinition                               |    20 |        1 |
 * | metricDataRead               | GetMetricData (CloudWatch: 50 TPS per account)       |    50 |       50 |
 *
 * CloudWatch Logs has its own quotas, per account and region (its buckets are separate from ECS's):
 *
 * | logsGetLogEvents             | GetLogEvents                                         |    10 |       10 |
 * | logsFilterLogEvents          | FilterLogEvents                                      |     5 |        5 |
 * | logsDescribeLogStreams       | DescribeLogStreams                                   |     5 |        5 |
 * | logsDescribeLogGroups        | DescribeLogGroups                                    |     5 |        5 |
 * | logsWrite                    | CreateLogGroup, CreateLogStream, PutLogEvents,       |   100 |       50 |
 * |                              | PutRetentionPolicy, DeleteRetentionPolicy            |       |          |
 * | logsStartLiveTail            | StartLiveTail (calls; concurrent sessions are capped |     5 |        1 |
 * |                              | apart, see src/sim/logs/liveTail.ts)                 |       |          |
 *
 * Every bucket can be replaced in the config, and `multiplier` scales every burst and refill at once
 * (0.1 = a tenth of the quota, for tests that want throttling quickly). A request costs one token.
 */
import type { Clock } from '../lib/clock.ts';

export type ThrottleCategory =
  | 'clusterRead'
  | 'containerInstanceRead'
  | 'serviceRead'
  | 'taskRead'
  | 'taskDefinitionRead'
  | 'taskSetRead'
  | 'runTask'
  | 'startTask'
  | 'stopTask'
  | 'updateService'
  | 'updateContainerInstancesState'
  | 'containerInstanceWrite'
  | 'clusterWrite'
  | 'serviceWrite'
  | 'taskDefinitionWrite'
  | 'logsGetLogEvents'
  | 'logsFilterLogEvents'
  | 'logsDescribeLogStreams'
  | 'logsDescribeLogGroups'
  | 'logsWrite'
  | 'logsStartLiveTail'
  | 'metricDataRead';

export interface BucketSpec {
  /** Tokens the bucket holds when full: how many calls may arrive at once. */
  burst: number;
  /** Tokens added per wall-clock second. */
  refillPerSecond: number;
}

export interface ThrottleConfig {
  /** Scales every burst and refill rate (default 1). */
  multiplier?: number;
  /** Per-category replacements for the defaults. */
  buckets?: Partial<Record<ThrottleCategory, BucketSpec>>;
}

export const DEFAULT_BUCKETS: Readonly<Record<ThrottleCategory, BucketSpec>> = {
  clusterRead: { burst: 50, refillPerSecond: 20 },
  containerInstanceRead: { burst: 100, refillPerSecond: 20 },
  serviceRead: { burst: 100, refillPerSecond: 20 },
  taskRead: { burst: 100, refillPerSecond: 20 },
  taskDefinitionRead: { burst: 100, refillPerSecond: 20 },
  taskSetRead: { burst: 100, refillPerSecond: 20 },
  runTask: { burst: 100, refillPerSecond: 20 },
  startTask: { burst: 100, refillPerSecond: 20 },
  stopTask: { burst: 100, refillPerSecond: 40 },
  updateService: { burst: 50, refillPerSecond: 15 },
  updateContainerInstancesState: { burst: 50, refillPerSecond: 10 },
  containerInstanceWrite: { burst: 100, refillPerSecond: 20 },
  clusterWrite: { burst: 20, refillPerSecond: 1 },
  serviceWrite: { burst: 20, refillPerSecond: 1 },
  taskDefinitionWrite: { burst: 20, refillPerSecond: 1 },
  logsGetLogEvents: { burst: 10, refillPerSecond: 10 },
  logsFilterLogEvents: { burst: 5, refillPerSecond: 5 },
  logsDescribeLogStreams: { burst: 5, refillPerSecond: 5 },
  logsDescribeLogGroups: { burst: 5, refillPerSecond: 5 },
  logsWrite: { burst: 100, refillPerSecond: 50 },
  logsStartLiveTail: { burst: 5, refillPerSecond: 1 },
  metricDataRead: { burst: 50, refillPerSecond: 50 },
};

const CATEGORY_OF_OPERATION: Readonly<Record<string, ThrottleCategory>> = {
  ListClusters: 'clusterRead',
  DescribeClusters: 'clusterRead',
  ListContainerInstances: 'containerInstanceRead',
  DescribeContainerInstances: 'containerInstanceRead',
  ListServices: 'serviceRead',
  DescribeServices: 'serviceRead',
  ListTasks: 'taskRead',
  DescribeTasks: 'taskRead',
  DescribeTaskDefinition: 'taskDefinitionRead',
  ListTaskDefinitions: 'taskDefinitionRead',
  DescribeTaskSets: 'taskSetRead',
  RunTask: 'runTask',
  StartTask: 'startTask',
  StopTask: 'stopTask',
  UpdateService: 'updateService',
  UpdateContainerInstancesState: 'updateContainerInstancesState',
  RegisterContainerInstance: 'containerInstanceWrite',
  CreateCluster: 'clusterWrite',
  CreateService: 'serviceWrite',
  CreateTaskSet: 'serviceWrite',
  UpdateTaskSet: 'serviceWrite',
  UpdateServicePrimaryTaskSet: 'serviceWrite',
  RegisterTaskDefinition: 'taskDefinitionWrite',
  GetLogEvents: 'logsGetLogEvents',
  FilterLogEvents: 'logsFilterLogEvents',
  DescribeLogStreams: 'logsDescribeLogStreams',
  DescribeLogGroups: 'logsDescribeLogGroups',
  CreateLogGroup: 'logsWrite',
  CreateLogStream: 'logsWrite',
  PutLogEvents: 'logsWrite',
  PutRetentionPolicy: 'logsWrite',
  DeleteRetentionPolicy: 'logsWrite',
  StartLiveTail: 'logsStartLiveTail',
  GetMetricData: 'metricDataRead',
};

export const THROTTLE_CATEGORIES = Object.keys(DEFAULT_BUCKETS) as ThrottleCategory[];

/** The bucket an operation draws from; undefined for operations that are never throttled. */
export function throttleCategoryOf(operation: string): ThrottleCategory | undefined {
  return Object.hasOwn(CATEGORY_OF_OPERATION, operation) ? CATEGORY_OF_OPERATION[operation] : undefined;
}

/** A token bucket; `now` is wall-clock ms. Starts full. */
export class TokenBucket {
  readonly burst: number;
  readonly refillPerSecond: number;
  #tokens: number;
  #updatedAt: number;

  constructor(spec: BucketSpec, now: number) {
    this.burst = spec.burst;
    this.refillPerSecond = spec.refillPerSecond;
    this.#tokens = spec.burst;
    this.#updatedAt = now;
  }

  /** Takes one token if there is one. */
  tryTake(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  tokens(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  #refill(now: number): void {
    // A clock that steps back (it should not) must not drain or overfill the bucket.
    const elapsedMs = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsedMs / 1000) * this.refillPerSecond);
    this.#updatedAt = Math.max(this.#updatedAt, now);
  }
}

/** Throttling for one server: buckets per category, created lazily, all reset when the config changes. */
export class Throttler {
  readonly #clock: Clock;
  #config: ThrottleConfig | false;
  #buckets = new Map<ThrottleCategory, TokenBucket>();

  constructor(config: ThrottleConfig | false, clock: Clock) {
    this.#config = normalizeThrottleConfig(config);
    this.#clock = clock;
  }

  get config(): ThrottleConfig | false {
    return this.#config;
  }

  setConfig(config: ThrottleConfig | false): void {
    this.#config = normalizeThrottleConfig(config);
    this.#buckets.clear();
  }

  /** True when the call may proceed (a token was taken); false when it must be throttled. */
  tryAcquire(operation: string): boolean {
    if (this.#config === false) return true;
    const category = throttleCategoryOf(operation);
    if (category === undefined) return true;
    let bucket = this.#buckets.get(category);
    if (!bucket) {
      bucket = new TokenBucket(effectiveBucket(this.#config, category), this.#clock.now());
      this.#buckets.set(category, bucket);
    }
    return bucket.tryTake(this.#clock.now());
  }
}

/** The bucket a category gets under a config: its override or default, scaled by the multiplier. */
export function effectiveBucket(config: ThrottleConfig, category: ThrottleCategory): BucketSpec {
  const base = config.buckets?.[category] ?? DEFAULT_BUCKETS[category];
  const multiplier = config.multiplier ?? 1;
  return { burst: Math.floor(base.burst * multiplier), refillPerSecond: base.refillPerSecond * multiplier };
}

/**
 * Checks a throttle config that may come from JSON (POST /_sim/throttling). Returns it as given (copied);
 * throws a RangeError naming the field otherwise.
 */
export function normalizeThrottleConfig(value: unknown): ThrottleConfig | false {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError('throttling must be false or an object {multiplier?, buckets?}');
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (key !== 'multiplier' && key !== 'buckets') throw new RangeError(`throttling.${key} is not a known setting`);
  }
  const config: ThrottleConfig = {};
  if (raw.multiplier !== undefined) {
    if (typeof raw.multiplier !== 'number' || !Number.isFinite(raw.multiplier) || raw.multiplier < 0) {
      throw new RangeError('throttling.multiplier must be a non-negative number');
    }
    config.multiplier = raw.multiplier;
  }
  if (raw.buckets !== undefined) {
    if (typeof raw.buckets !== 'object' || raw.buckets === null || Array.isArray(raw.buckets)) {
      throw new RangeError('throttling.buckets must be an object keyed by category');
    }
    const buckets: Partial<Record<ThrottleCategory, BucketSpec>> = {};
    for (const [name, spec] of Object.entries(raw.buckets as Record<string, unknown>)) {
      if (!(THROTTLE_CATEGORIES as string[]).includes(name)) {
        throw new RangeError(`throttling.buckets.${name} is not a category (${THROTTLE_CATEGORIES.join(', ')})`);
      }
      const s = spec as Record<string, unknown> | null;
      if (typeof s !== 'object' || s === null) throw new RangeError(`throttling.buckets.${name} must be an object`);
      if (typeof s.burst !== 'number' || !Number.isFinite(s.burst) || s.burst < 0) {
        throw new RangeError(`throttling.buckets.${name}.burst must be a non-negative number`);
      }
      if (typeof s.refillPerSecond !== 'number' || !Number.isFinite(s.refillPerSecond) || s.refillPerSecond < 0) {
        throw new RangeError(`throttling.buckets.${name}.refillPerSecond must be a non-negative number`);
      }
      buckets[name as ThrottleCategory] = { burst: s.burst, refillPerSecond: s.refillPerSecond };
    }
    config.buckets = buckets;
  }
  return config;
}
