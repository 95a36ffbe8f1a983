/**
 * The simulated ECS control plane: state plus the clock-driven behaviour (task lifecycle, placement,
 * service scheduler, deployments and circuit breaker, draining, task sets, agents).
 *
 * Determinism: every random draw comes from `random` (seeded), every time from the injected clock, and work
 * due at the same instant runs in the order it was scheduled. `advance()` runs everything due up to
 * `clock.now()`; the server calls it before each request, tests call it after moving a ManualClock.
 */
import type { Clock } from '../../lib/clock.ts';
import { SeededRandom } from '../../lib/random.ts';
import type { SimFailure } from '../errors.ts';
import type {
  CreateClusterInput,
  CreateServiceInput,
  CreateTaskSetInput,
  RegisterContainerInstanceInput,
  RegisterTaskDefinitionInput,
  RunTaskInput,
  StartTaskInput,
  UpdateServiceInput,
} from './api.ts';
import type {
  SimCluster,
  SimContainerInstance,
  SimService,
  SimState,
  SimTask,
  SimTaskDefinition,
  SimTaskSet,
} from './types.ts';

export interface SimModelOptions {
  seed: number;
  clock: Clock;
  region?: string;
  accountId?: string;
  /** Simulated ms a STOPPED task stays visible (ECS: at least an hour). */
  stoppedTaskRetentionMs?: number;
}

export interface ClusterCounts {
  registeredContainerInstancesCount: number;
  runningTasksCount: number;
  pendingTasksCount: number;
  activeServicesCount: number;
  runningEC2TasksCount: number;
  runningFargateTasksCount: number;
  pendingEC2TasksCount: number;
  pendingFargateTasksCount: number;
  activeEC2ServiceCount: number;
  activeFargateServiceCount: number;
  drainingEC2ServiceCount: number;
  drainingFargateServiceCount: number;
}

export interface RemainingResources {
  cpu: number;
  memory: number;
  /** Host ports in use or reserved, as ECS lists them (strings). */
  ports: string[];
}

export interface TasksResult {
  tasks: SimTask[];
  failures: SimFailure[];
}

export class SimModel {
  readonly state: SimState;
  readonly random: SeededRandom;
  readonly clock: Clock;

  constructor(options: SimModelOptions) {
    this.clock = options.clock;
    this.random = new SeededRandom(options.seed);
    this.state = {
      region: options.region ?? 'us-east-1',
      accountId: options.accountId ?? '123456789012',
      clusters: new Map(),
      containerInstances: new Map(),
      taskDefinitions: new Map(),
      services: new Map(),
      tasks: new Map(),
    };
  }

  /** Simulated now, in epoch ms: the time of the last `advance()`. */
  now(): number {
    throw notYet();
  }

  /** Run everything due up to `clock.now()`. */
  advance(): void {
    throw notYet();
  }

  /** Run `action` at simulated time `atMs` (scenario scripts: agent disconnects, spot interruptions). */
  at(atMs: number, action: () => void): void {
    void atMs;
    void action;
    throw notYet();
  }

  /** Run `action` every `periodMs`, first at `firstAtMs` (scenario schedulers: the nightly job, the batch cron). */
  every(periodMs: number, action: () => void, firstAtMs?: number): void {
    void periodMs;
    void action;
    void firstAtMs;
    throw notYet();
  }

  // ------------------------------------------------------------------ lookups (short name/id or ARN)

  /** No reference means the cluster named `default`, as in ECS. */
  findCluster(ref?: string): SimCluster | undefined {
    void ref;
    throw notYet();
  }
  /** Throws ClusterNotFoundException. */
  requireCluster(ref?: string): SimCluster {
    void ref;
    throw notYet();
  }
  findContainerInstance(cluster: SimCluster, ref: string): SimContainerInstance | undefined {
    void cluster;
    void ref;
    throw notYet();
  }
  findService(cluster: SimCluster, ref: string): SimService | undefined {
    void cluster;
    void ref;
    throw notYet();
  }
  findTask(cluster: SimCluster, ref: string): SimTask | undefined {
    void cluster;
    void ref;
    throw notYet();
  }
  findTaskSet(service: SimService, ref: string): SimTaskSet | undefined {
    void service;
    void ref;
    throw notYet();
  }
  /** `family` (latest ACTIVE revision), `family:revision` or ARN. */
  resolveTaskDefinition(ref: string): SimTaskDefinition | undefined {
    void ref;
    throw notYet();
  }
  /** Tasks of one cluster (every status still retained), in a stable order. */
  tasksOfCluster(cluster: SimCluster): Iterable<SimTask> {
    void cluster;
    throw notYet();
  }
  instancesOfCluster(cluster: SimCluster): Iterable<SimContainerInstance> {
    void cluster;
    throw notYet();
  }
  servicesOfCluster(cluster: SimCluster): Iterable<SimService> {
    void cluster;
    throw notYet();
  }

  // ------------------------------------------------------------------ derived figures

  clusterCounts(cluster: SimCluster): ClusterCounts {
    void cluster;
    throw notYet();
  }
  remainingResources(instance: SimContainerInstance): RemainingResources {
    void instance;
    throw notYet();
  }
  /** ECS's runningTasksCount (desired RUNNING and RUNNING) and pendingTasksCount of an instance. */
  instanceTaskCounts(instance: SimContainerInstance): { running: number; pending: number } {
    void instance;
    throw notYet();
  }

  // ------------------------------------------------------------------ operations

  createCluster(input: CreateClusterInput): SimCluster {
    void input;
    throw notYet();
  }
  registerTaskDefinition(input: RegisterTaskDefinitionInput): SimTaskDefinition {
    void input;
    throw notYet();
  }
  registerContainerInstance(input: RegisterContainerInstanceInput): SimContainerInstance {
    void input;
    throw notYet();
  }
  createService(input: CreateServiceInput): SimService {
    void input;
    throw notYet();
  }
  updateService(input: UpdateServiceInput): SimService {
    void input;
    throw notYet();
  }
  runTask(input: RunTaskInput): TasksResult {
    void input;
    throw notYet();
  }
  startTask(input: StartTaskInput): TasksResult {
    void input;
    throw notYet();
  }
  stopTask(cluster: string | undefined, task: string, reason?: string): SimTask {
    void cluster;
    void task;
    void reason;
    throw notYet();
  }
  updateContainerInstancesState(
    cluster: string | undefined,
    containerInstances: string[],
    status: string,
  ): { containerInstances: SimContainerInstance[]; failures: SimFailure[] } {
    void cluster;
    void containerInstances;
    void status;
    throw notYet();
  }
  createTaskSet(input: CreateTaskSetInput): SimTaskSet {
    void input;
    throw notYet();
  }
  updateTaskSetScale(cluster: string | undefined, service: string, taskSet: string, percent: number): SimTaskSet {
    void cluster;
    void service;
    void taskSet;
    void percent;
    throw notYet();
  }
  updateServicePrimaryTaskSet(cluster: string | undefined, service: string, taskSet: string): SimTaskSet {
    void cluster;
    void service;
    void taskSet;
    throw notYet();
  }

  // ------------------------------------------------------------------ simulation controls

  setAgentConnected(cluster: string | undefined, containerInstance: string, connected: boolean): void {
    void cluster;
    void containerInstance;
    void connected;
    throw notYet();
  }
  /** A Spot interruption: of a Fargate Spot task, or of every task on a spot instance (which starts DRAINING). */
  interruptSpot(cluster: string | undefined, taskOrInstance: string): void {
    void cluster;
    void taskOrInstance;
    throw notYet();
  }
}

function notYet(): Error {
  return new Error('simulator model: not implemented yet');
}
