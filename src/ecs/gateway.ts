/**
 * The one way into ECS. Pollers read through it, actions write through it; nothing else talks to the SDK.
 * Every List* follows every page, every Describe* is chunked at its limit, `failures` come back to the caller
 * and MISSING entities are named so the store can prune them.
 */
import type {
  Cluster,
  ContainerInstance,
  Failure,
  NetworkConfiguration,
  Service,
  Task,
  TaskDefinition,
  TaskOverride,
  TaskSet,
} from '../domain/model.ts';
import type { CallStatsSnapshot } from './stats.ts';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface DescribeResult<T> {
  items: T[];
  /** Every `failures` entry ECS returned, MISSING included. */
  failures: Failure[];
  /** ARNs (or ids as given) that ECS answered MISSING: gone, prune them. */
  missing: string[];
}

export interface ListTasksFilter {
  desiredStatus?: 'RUNNING' | 'STOPPED';
  serviceName?: string;
  containerInstance?: string;
  family?: string;
  startedBy?: string;
  launchType?: string;
}

export interface RunTaskRequest {
  cluster: string;
  taskDefinition: string;
  count?: number;
  launchType?: string;
  capacityProviderStrategy?: { capacityProvider: string; weight?: number; base?: number }[];
  platformVersion?: string;
  networkConfiguration?: NetworkConfiguration;
  overrides?: TaskOverride;
  group?: string;
  startedBy?: string;
  tags?: { key: string; value?: string }[];
  enableExecuteCommand?: boolean;
}

export interface StartTaskRequest {
  cluster: string;
  taskDefinition: string;
  containerInstances: string[];
  networkConfiguration?: NetworkConfiguration;
  overrides?: TaskOverride;
  group?: string;
  startedBy?: string;
  tags?: { key: string; value?: string }[];
  enableExecuteCommand?: boolean;
}

export interface ListTaskDefinitionsFilter {
  /** Default ACTIVE, as in ECS. */
  status?: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  /** Default ASC (oldest revision first), as in ECS. */
  sort?: 'ASC' | 'DESC';
  /** At most this many (1-100), from one page: the latest revision is one call however long the family. */
  limit?: number;
}

/** What an UpdateService from ecsdeck may change: the count, a forced deployment, or the task definition (rollback). */
export interface ServiceChange {
  desiredCount?: number;
  forceNewDeployment?: boolean;
  taskDefinition?: string;
}

export interface TasksOutcome {
  tasks: Task[];
  failures: Failure[];
}

export interface EcsGateway {
  /** What the header shows: "AWS", "custom" or "simulator", plus the region and profile in use. */
  readonly target: GatewayTarget;

  listClusters(options?: CallOptions): Promise<string[]>;
  describeClusters(clusters: string[], options?: CallOptions): Promise<DescribeResult<Cluster>>;
  listContainerInstances(cluster: string, filter?: { status?: string }, options?: CallOptions): Promise<string[]>;
  describeContainerInstances(
    cluster: string,
    containerInstances: string[],
    options?: CallOptions,
  ): Promise<DescribeResult<ContainerInstance>>;
  listServices(cluster: string, options?: CallOptions): Promise<string[]>;
  describeServices(cluster: string, services: string[], options?: CallOptions): Promise<DescribeResult<Service>>;
  describeTaskSets(cluster: string, service: string, options?: CallOptions): Promise<DescribeResult<TaskSet>>;
  listTasks(cluster: string, filter?: ListTasksFilter, options?: CallOptions): Promise<string[]>;
  describeTasks(
    cluster: string,
    tasks: string[],
    options?: CallOptions & { includeTags?: boolean },
  ): Promise<DescribeResult<Task>>;
  describeTaskDefinition(taskDefinition: string, options?: CallOptions): Promise<TaskDefinition | undefined>;
  /** Revisions of one family (ECS matches `familyPrefix` as the whole family), every page, in `sort` order. */
  listTaskDefinitions(
    familyPrefix: string,
    filter?: ListTaskDefinitionsFilter,
    options?: CallOptions,
  ): Promise<string[]>;

  stopTask(cluster: string, task: string, reason: string, options?: CallOptions): Promise<Task | undefined>;
  runTask(request: RunTaskRequest, options?: CallOptions): Promise<TasksOutcome>;
  startTask(request: StartTaskRequest, options?: CallOptions): Promise<TasksOutcome>;
  /** Batches of at most 10 instances, one call each. */
  updateContainerInstancesState(
    cluster: string,
    containerInstances: string[],
    status: 'ACTIVE' | 'DRAINING',
    options?: CallOptions,
  ): Promise<DescribeResult<ContainerInstance>>;
  updateService(
    cluster: string,
    service: string,
    change: ServiceChange,
    options?: CallOptions,
  ): Promise<Service | undefined>;

  stats(): CallStatsSnapshot;
  /** The request budget's ceiling and its current (adaptive) rate. */
  budget(): { ceiling: number; effective: number };
}

export interface GatewayTarget {
  kind: 'aws' | 'custom' | 'simulator';
  region: string;
  profile?: string;
  endpoint?: string;
}

/** ECS's batch limits. */
export const DESCRIBE_LIMIT = {
  clusters: 100,
  containerInstances: 100,
  services: 10,
  tasks: 100,
  updateContainerInstancesState: 10,
} as const;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
