/**
 * The simulated ECS control plane: state plus the clock-driven behaviour (task lifecycle, placement,
 * service scheduler, deployments and circuit breaker, draining, task sets, agents).
 *
 * Determinism: every random draw comes from `random` (seeded), every time from the injected clock, and work
 * due at the same instant runs in the order it was scheduled. `advance()` runs everything due up to
 * `clock.now()`; the server calls it before each request, tests call it after moving a ManualClock.
 *
 * The parts: core.ts (shared state, indexes, agenda), lifecycle.ts (one task's life), placement.ts and
 * launcher.ts (where a task goes), scheduler.ts (services, deployments, task sets).
 */
import { isArn, parseArn } from '../../domain/arn.ts';
import type { Clock } from '../../lib/clock.ts';
import { SeededRandom } from '../../lib/random.ts';
import type { SimFailure } from '../errors.ts';
import { clusterNotFound, invalidParameter, SimError, serviceNotActive, serviceNotFound } from '../errors.ts';
import { LogStore } from '../logs/store.ts';
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
import { resolveBehaviour } from './behaviour.ts';
import { ModelCore } from './core.ts';
import type { LaunchSpec } from './launcher.ts';
import { CAPACITY_PROVIDER_NOT_ASSOCIATED, Launcher, SERVICE_EXEC_NEEDS_TASK_ROLE } from './launcher.ts';
import { Lifecycle, REASON, STOP_CODE } from './lifecycle.ts';
import { isFargateLaunch, NO_INSTANCES_MESSAGE, RUN_TASK_DEFAULT_STRATEGY } from './placement.ts';
import { ServiceScheduler } from './scheduler.ts';
import type {
  DeploymentConfiguration,
  SimCluster,
  SimContainerInstance,
  SimService,
  SimState,
  SimTask,
  SimTaskDefinition,
  SimTaskSet,
  TaskOverrides,
} from './types.ts';

export interface SimModelOptions {
  seed: number;
  clock: Clock;
  region?: string;
  accountId?: string;
  /** Simulated ms a STOPPED task stays visible (ECS: at least an hour). */
  stoppedTaskRetentionMs?: number;
  /** Simulated ms between the scheduler's periodic passes over every service (default 15 s). */
  reconcileIntervalMs?: number;
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

/** A scripted action (`at`/`every`) that threw; kept so scenarios and tests can see it, never printed. */
export interface ScriptError {
  at: number;
  error: unknown;
}

const DEFAULT_RETENTION_MS = 3600_000;
const DEFAULT_RECONCILE_INTERVAL_MS = 15_000;
const AGENT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679];
const DEFAULT_FARGATE_CAPACITY = 1000;
const MAX_SCRIPT_ERRORS = 100;
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const INSTANCE_STATUSES_THAT_CANNOT_CHANGE = new Set([
  'REGISTERING',
  'DEREGISTERING',
  'REGISTRATION_FAILED',
  'INACTIVE',
]);

export class SimModel {
  readonly state: SimState;
  readonly random: SeededRandom;
  readonly clock: Clock;
  /** Errors thrown by actions scheduled with `at`/`every` (newest last, at most 100). */
  readonly scriptErrors: ScriptError[] = [];
  /** CloudWatch Logs: the streams of task containers with awslogs, and what other clients put. */
  readonly logs: LogStore;

  readonly #core: ModelCore;
  readonly #lifecycle: Lifecycle;
  readonly #launcher: Launcher;
  readonly #scheduler: ServiceScheduler;

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
    const core = new ModelCore(
      this.state,
      this.clock,
      this.random,
      options.stoppedTaskRetentionMs ?? DEFAULT_RETENTION_MS,
    );
    this.#core = core;
    this.logs = new LogStore({
      state: this.state,
      now: () => this.now(),
      onTaskForgotten: (listener) => core.taskForgottenListeners.push(listener),
    });
    this.#lifecycle = new Lifecycle(core, {
      failed: (task) => this.#scheduler.taskFailed(task),
      stable: (task) => this.#scheduler.taskStable(task),
    });
    this.#launcher = new Launcher(core, this.#lifecycle);
    this.#scheduler = new ServiceScheduler(core, this.#lifecycle, this.#launcher);
    core.reconcileService = (service) => this.#scheduler.reconcile(service);

    // The cheap periodic pass: retries placements, ends backoffs, repeats the steady-state event. Settled services
    // are skipped: whatever unsettles one (a task change, an instance change, an update) marks it dirty itself.
    const interval = options.reconcileIntervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
    this.#repeat(core.current + interval, interval, () => {
      for (const service of this.state.services.values()) {
        if (service.status === 'ACTIVE' && !this.#scheduler.isSettled(service)) core.markDirty(service);
      }
    });
  }

  /** Simulated now, in epoch ms: the time of the last `advance()`. */
  now(): number {
    return this.#core.current;
  }

  /** Run everything due up to `clock.now()`. */
  advance(): void {
    const core = this.#core;
    const target = this.clock.now();
    for (;;) {
      const due = core.queue.peekTime();
      if (due === undefined || due > target) break;
      const action = core.queue.pop();
      if (!action) break;
      if (action.at > core.current) core.current = action.at;
      action.run();
    }
    if (target > core.current) core.current = target;
  }

  /** Actions waiting on the agenda (steady tasks add none; the benchmark watches this). */
  get scheduledActionCount(): number {
    return this.#core.queue.size;
  }

  /** Run `action` at simulated time `atMs` (scenario scripts: agent disconnects, spot interruptions). */
  at(atMs: number, action: () => void): void {
    this.#core.schedule(atMs, () => this.#runScripted(action));
  }

  /** Run `action` every `periodMs`, first at `firstAtMs` (scenario schedulers: the nightly job, the batch cron). */
  every(periodMs: number, action: () => void, firstAtMs?: number): void {
    if (!(periodMs > 0)) throw new RangeError('every() needs a positive period');
    this.#repeat(firstAtMs ?? this.#core.current + periodMs, periodMs, () => this.#runScripted(action));
  }

  #repeat(firstAt: number, periodMs: number, action: () => void): void {
    const core = this.#core;
    const tick = (at: number) => {
      core.schedule(at, () => {
        action();
        tick(at + periodMs);
      });
    };
    tick(firstAt);
  }

  #runScripted(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.scriptErrors.push({ at: this.#core.current, error });
      if (this.scriptErrors.length > MAX_SCRIPT_ERRORS) this.scriptErrors.shift();
    }
  }

  // ------------------------------------------------------------------ lookups (short name/id or ARN)

  /** No reference means the cluster named `default`, as in ECS. */
  findCluster(ref?: string): SimCluster | undefined {
    const name = ref ?? 'default';
    if (isArn(name)) return this.state.clusters.get(name);
    return this.state.clusters.get(this.#core.arn('cluster', name));
  }
  /** Throws ClusterNotFoundException. */
  requireCluster(ref?: string): SimCluster {
    const cluster = this.findCluster(ref);
    if (!cluster || cluster.status === 'INACTIVE') throw clusterNotFound();
    return cluster;
  }
  findContainerInstance(cluster: SimCluster, ref: string): SimContainerInstance | undefined {
    const id = this.#idWithin(cluster, ref, 'container-instance');
    return id === undefined ? undefined : this.#core.clusterIndex(cluster.arn).instances.get(id);
  }
  findService(cluster: SimCluster, ref: string): SimService | undefined {
    const name = this.#idWithin(cluster, ref, 'service');
    return name === undefined ? undefined : this.#core.clusterIndex(cluster.arn).services.get(name);
  }
  findTask(cluster: SimCluster, ref: string): SimTask | undefined {
    const id = this.#idWithin(cluster, ref, 'task');
    return id === undefined ? undefined : this.#core.clusterIndex(cluster.arn).tasks.get(id);
  }
  findTaskSet(service: SimService, ref: string): SimTaskSet | undefined {
    if (isArn(ref)) return service.taskSets.find((set) => set.arn === ref);
    return service.taskSets.find((set) => set.id === ref || set.id === `ecs-svc/${ref}`);
  }
  /** `family` (latest ACTIVE revision), `family:revision` or ARN. */
  resolveTaskDefinition(ref: string): SimTaskDefinition | undefined {
    let reference = ref;
    if (isArn(ref)) {
      const parsed = parseArn(ref);
      if (parsed?.resourceType !== 'task-definition') return undefined;
      reference = parsed.resource;
    }
    const colon = reference.lastIndexOf(':');
    if (colon >= 0) {
      const revision = Number(reference.slice(colon + 1));
      if (!Number.isInteger(revision) || revision < 1) return undefined;
      return this.#core.familyRevisions.get(reference.slice(0, colon))?.[revision - 1];
    }
    const revisions = this.#core.familyRevisions.get(reference) ?? [];
    for (let i = revisions.length - 1; i >= 0; i--) {
      const definition = revisions[i];
      if (definition?.status === 'ACTIVE') return definition;
    }
    return undefined;
  }
  /** Tasks of one cluster (every status still retained), in a stable order. */
  tasksOfCluster(cluster: SimCluster): Iterable<SimTask> {
    return this.#core.clusterIndex(cluster.arn).tasks.values();
  }
  instancesOfCluster(cluster: SimCluster): Iterable<SimContainerInstance> {
    return this.#core.clusterIndex(cluster.arn).instances.values();
  }
  servicesOfCluster(cluster: SimCluster): Iterable<SimService> {
    return this.#core.clusterIndex(cluster.arn).services.values();
  }
  /** Tasks of one service (every status still retained), oldest first. */
  tasksOfService(service: SimService): Iterable<SimTask> {
    return this.#core.tasksOfService(service.arn).values();
  }
  /** Tasks placed on one container instance (every status still retained), oldest first. */
  tasksOfInstance(instance: SimContainerInstance): Iterable<SimTask> {
    return this.#core.tasksOfInstance(instance.arn).values();
  }

  /**
   * The id or name in `ref` (a bare id/name, or an ARN in long or old short form) if it can belong to
   * `cluster`; undefined when it is an ARN of another type or of another cluster.
   */
  #idWithin(cluster: SimCluster, ref: string, type: string): string | undefined {
    if (!isArn(ref)) return ref;
    const parsed = parseArn(ref);
    if (!parsed || parsed.resourceType !== type) return undefined;
    if (parsed.region !== this.state.region || parsed.accountId !== this.state.accountId) return undefined;
    if (parsed.cluster !== undefined && parsed.cluster !== cluster.name) return undefined;
    return parsed.name;
  }

  // ------------------------------------------------------------------ derived figures

  clusterCounts(cluster: SimCluster): ClusterCounts {
    const counts: ClusterCounts = {
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      runningEC2TasksCount: 0,
      runningFargateTasksCount: 0,
      pendingEC2TasksCount: 0,
      pendingFargateTasksCount: 0,
      activeEC2ServiceCount: 0,
      activeFargateServiceCount: 0,
      drainingEC2ServiceCount: 0,
      drainingFargateServiceCount: 0,
    };
    const index = this.#core.clusterIndex(cluster.arn);
    for (const instance of index.instances.values()) {
      if (instance.status === 'ACTIVE' || instance.status === 'DRAINING') counts.registeredContainerInstancesCount++;
    }
    for (const task of index.tasks.values()) {
      if (task.desiredStatus !== 'RUNNING') continue;
      const fargate = task.launchType === 'FARGATE';
      if (task.lastStatus === 'RUNNING') {
        counts.runningTasksCount++;
        if (fargate) counts.runningFargateTasksCount++;
        else counts.runningEC2TasksCount++;
      } else if (task.lastStatus !== 'STOPPED') {
        counts.pendingTasksCount++;
        if (fargate) counts.pendingFargateTasksCount++;
        else counts.pendingEC2TasksCount++;
      }
    }
    for (const service of index.services.values()) {
      const fargate = isFargateLaunch(cluster, service.launchType, service.capacityProviderStrategy);
      if (service.status === 'ACTIVE') {
        counts.activeServicesCount++;
        if (fargate) counts.activeFargateServiceCount++;
        else counts.activeEC2ServiceCount++;
      } else if (service.status === 'DRAINING') {
        if (fargate) counts.drainingFargateServiceCount++;
        else counts.drainingEC2ServiceCount++;
      }
    }
    return counts;
  }
  remainingResources(instance: SimContainerInstance): RemainingResources {
    const usage = this.#core.usageOf(instance.arn);
    const ports = new Set<number>(instance.reservedPorts);
    for (const port of usage.ports.keys()) ports.add(port);
    return {
      cpu: instance.registeredCpu - usage.cpu,
      memory: instance.registeredMemory - usage.memory,
      ports: [...ports].sort((a, b) => a - b).map(String),
    };
  }
  /**
   * ECS's runningTasksCount (every task whose desiredStatus is RUNNING, the PENDING ones included) and
   * pendingTasksCount (those not yet RUNNING) of an instance.
   */
  instanceTaskCounts(instance: SimContainerInstance): { running: number; pending: number } {
    let running = 0;
    let pending = 0;
    for (const task of this.#core.tasksOfInstance(instance.arn)) {
      if (task.desiredStatus !== 'RUNNING' || task.lastStatus === 'STOPPED') continue;
      running++;
      if (task.lastStatus !== 'RUNNING') pending++;
    }
    return { running, pending };
  }

  // ------------------------------------------------------------------ operations

  createCluster(input: CreateClusterInput): SimCluster {
    const core = this.#core;
    const name = input.clusterName ?? 'default';
    if (!NAME_PATTERN.test(name)) {
      throw invalidParameter('Cluster name must be 1-255 letters, numbers, hyphens and underscores.');
    }
    const capacityProviders = input.capacityProviders ?? [];
    const defaultStrategy = input.defaultCapacityProviderStrategy ?? [];
    if (defaultStrategy.some((item) => !capacityProviders.includes(item.capacityProvider))) {
      throw invalidParameter(CAPACITY_PROVIDER_NOT_ASSOCIATED);
    }
    const arn = core.arn('cluster', name);
    const existing = this.state.clusters.get(arn);
    if (existing && existing.status === 'ACTIVE') return existing;
    const region = this.state.region;
    const cluster: SimCluster = {
      arn,
      name,
      status: 'ACTIVE',
      createdAt: core.current,
      tags: input.tags ?? [],
      settings: input.settings ?? [{ name: 'containerInsights', value: 'disabled' }],
      capacityProviders,
      defaultCapacityProviderStrategy: defaultStrategy,
      fargateCapacity: input.fargateCapacity ?? DEFAULT_FARGATE_CAPACITY,
      subnets:
        input.subnets ??
        ['a', 'b', 'c'].map((zone) => ({ subnetId: core.ids.subnetId(), availabilityZone: `${region}${zone}` })),
    };
    this.state.clusters.set(arn, cluster);
    core.clusterIndexes.delete(arn);
    core.clusterIndex(arn);
    return cluster;
  }

  registerTaskDefinition(input: RegisterTaskDefinitionInput): SimTaskDefinition {
    const core = this.#core;
    if (!NAME_PATTERN.test(input.family ?? '')) {
      throw invalidParameter('Family must be 1-255 letters, numbers, hyphens and underscores.');
    }
    if (!Array.isArray(input.containerDefinitions) || input.containerDefinitions.length === 0) {
      throw invalidParameter('Container definitions cannot be empty.');
    }
    const containerDefinitions = input.containerDefinitions.map((container) => {
      if (!container.name || !container.image)
        throw invalidParameter('Container.name and Container.image should not be null or empty.');
      return { ...container, essential: container.essential ?? true, portMappings: container.portMappings ?? [] };
    });
    const networkMode = input.networkMode ?? 'bridge';
    const requiresCompatibilities = input.requiresCompatibilities ?? [];
    if (requiresCompatibilities.includes('FARGATE')) {
      if (networkMode !== 'awsvpc') throw invalidParameter("Fargate only supports network mode 'awsvpc'.");
      if (!input.cpu || !input.memory)
        throw invalidParameter('Fargate requires task definition to have task-level cpu and memory.');
    }
    const compatibilities = ['EC2', 'EXTERNAL'];
    if (networkMode === 'awsvpc' && input.cpu && input.memory) compatibilities.push('FARGATE');
    const behaviour = resolveBehaviour(input.behaviour, containerDefinitions);
    const revisions = core.familyRevisions.get(input.family) ?? [];
    const revision = revisions.length + 1;
    const definition: SimTaskDefinition = {
      arn: core.arn('task-definition', `${input.family}:${revision}`),
      family: input.family,
      revision,
      status: 'ACTIVE',
      networkMode,
      requiresCompatibilities,
      compatibilities,
      containerDefinitions,
      registeredAt: core.current,
      registeredBy: `arn:aws:iam::${this.state.accountId}:root`,
      tags: input.tags ?? [],
      behaviour,
    };
    if (input.cpu) definition.cpu = input.cpu;
    if (input.memory) definition.memory = input.memory;
    if (input.taskRoleArn) definition.taskRoleArn = input.taskRoleArn;
    if (input.executionRoleArn) definition.executionRoleArn = input.executionRoleArn;
    if (input.placementConstraints && input.placementConstraints.length > 0) {
      definition.placementConstraints = input.placementConstraints.map((constraint) => ({ ...constraint }));
    }
    revisions.push(definition);
    core.familyRevisions.set(input.family, revisions);
    this.state.taskDefinitions.set(definition.arn, definition);
    return definition;
  }

  /** Simulator extra: mark a revision INACTIVE (DeregisterTaskDefinition); running tasks keep it. */
  deregisterTaskDefinition(ref: string): SimTaskDefinition {
    const definition = this.resolveTaskDefinition(ref);
    if (!definition || !ref.includes(':')) throw invalidParameter('The specified task definition does not exist.');
    definition.status = 'INACTIVE';
    return definition;
  }

  registerContainerInstance(input: RegisterContainerInstanceInput): SimContainerInstance {
    const core = this.#core;
    const cluster = this.requireCluster(input.cluster);
    if (!(input.cpu > 0) || !(input.memory > 0))
      throw invalidParameter('Container instance CPU and memory must be positive.');
    const id = core.ids.resourceId();
    const availabilityZone = input.availabilityZone ?? this.#leastUsedZone(cluster);
    const instanceType = input.instanceType ?? 'm5.large';
    const attributes = new Map<string, string | undefined>([
      ['ecs.instance-type', instanceType],
      ['ecs.availability-zone', availabilityZone],
      ['ecs.os-type', 'linux'],
      ['ecs.os-family', 'LINUX'],
      ['ecs.cpu-architecture', 'x86_64'],
      ['ecs.ami-id', core.ids.amiId()],
      ['ecs.capability.task-eni', undefined],
      ['com.amazonaws.ecs.capability.docker-remote-api.1.44', undefined],
    ]);
    for (const attribute of input.attributes ?? []) attributes.set(attribute.name, attribute.value);
    const instance: SimContainerInstance = {
      arn: core.arn('container-instance', `${cluster.name}/${id}`),
      id,
      clusterArn: cluster.arn,
      ec2InstanceId: input.ec2InstanceId ?? core.ids.ec2InstanceId(),
      status: input.status ?? 'ACTIVE',
      agentConnected: input.agentConnected ?? true,
      registeredCpu: input.cpu,
      registeredMemory: input.memory,
      reservedPorts: [...AGENT_RESERVED_PORTS],
      availabilityZone,
      instanceType,
      agentVersion: input.agentVersion ?? '1.89.2',
      dockerVersion: 'DockerVersion: 25.0.8',
      registeredAt: core.current,
      attributes: [...attributes].map(([name, value]) => (value === undefined ? { name } : { name, value })),
      lifecycle: input.lifecycle ?? 'on-demand',
      tags: input.tags ?? [],
      version: 1,
    };
    if (input.statusReason) instance.statusReason = input.statusReason;
    if (input.capacityProviderName) instance.capacityProviderName = input.capacityProviderName;
    this.state.containerInstances.set(instance.arn, instance);
    core.clusterIndex(cluster.arn).instances.set(id, instance);
    core.markClusterDirty(cluster.arn);
    return instance;
  }

  /** The zone of the cluster's subnets with the fewest instances, so instances registered in bulk spread out. */
  #leastUsedZone(cluster: SimCluster): string {
    const zones = cluster.subnets.map((s) => s.availabilityZone);
    if (zones.length === 0) zones.push(`${this.state.region}a`);
    const counts = new Map<string, number>(zones.map((zone) => [zone, 0]));
    for (const instance of this.#core.clusterIndex(cluster.arn).instances.values()) {
      if (counts.has(instance.availabilityZone))
        counts.set(instance.availabilityZone, (counts.get(instance.availabilityZone) ?? 0) + 1);
    }
    let best = zones[0] as string;
    for (const zone of zones) if ((counts.get(zone) ?? 0) < (counts.get(best) ?? 0)) best = zone;
    return best;
  }

  createService(input: CreateServiceInput): SimService {
    const core = this.#core;
    const cluster = this.requireCluster(input.cluster);
    if (!NAME_PATTERN.test(input.serviceName ?? '')) {
      throw invalidParameter('Service name must be 1-255 letters, numbers, hyphens and underscores.');
    }
    const index = core.clusterIndex(cluster.arn);
    const existing = index.services.get(input.serviceName);
    if (existing && existing.status !== 'INACTIVE') throw invalidParameter('Creation of service was not idempotent.');
    const definition = this.resolveTaskDefinition(input.taskDefinition);
    if (!definition) throw invalidParameter('TaskDefinition not found.');
    const schedulingStrategy = input.schedulingStrategy ?? 'REPLICA';
    if (schedulingStrategy !== 'REPLICA' && schedulingStrategy !== 'DAEMON') {
      throw invalidParameter(`Invalid scheduling strategy: ${schedulingStrategy}.`);
    }
    const controller = input.deploymentController?.type ?? 'ECS';
    if (!['ECS', 'EXTERNAL', 'CODE_DEPLOY'].includes(controller)) {
      throw invalidParameter(`Invalid deployment controller type: ${controller}.`);
    }
    if (schedulingStrategy === 'DAEMON') {
      if (input.launchType === 'FARGATE')
        throw invalidParameter('Daemon scheduling strategy is not supported with launch type FARGATE.');
      if (controller !== 'ECS')
        throw invalidParameter('Daemon scheduling strategy is only supported with the ECS deployment controller.');
    }
    const desiredCount = input.desiredCount ?? 0;
    if (!Number.isInteger(desiredCount) || desiredCount < 0)
      throw invalidParameter('desiredCount must be a non-negative integer.');
    this.#launcher.validate({
      cluster,
      taskDefinition: definition,
      ...(input.launchType ? { launchType: input.launchType } : {}),
      ...(input.capacityProviderStrategy ? { capacityProviderStrategy: input.capacityProviderStrategy } : {}),
      ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
      ...(input.platformVersion !== undefined ? { platformVersion: input.platformVersion } : {}),
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      execRoleMessage: SERVICE_EXEC_NEEDS_TASK_ROLE,
    });

    const daemon = schedulingStrategy === 'DAEMON';
    const service: SimService = {
      arn: core.arn('service', `${cluster.name}/${input.serviceName}`),
      name: input.serviceName,
      clusterArn: cluster.arn,
      status: 'ACTIVE',
      desiredCount: daemon ? 0 : desiredCount,
      runningCount: 0,
      pendingCount: 0,
      capacityProviderStrategy: input.capacityProviderStrategy ?? [],
      taskDefinitionArn: definition.arn,
      deploymentConfiguration: mergeDeploymentConfiguration(
        daemon
          ? {
              maximumPercent: 100,
              minimumHealthyPercent: 0,
              deploymentCircuitBreaker: { enable: false, rollback: false },
            }
          : {
              maximumPercent: 200,
              minimumHealthyPercent: 100,
              deploymentCircuitBreaker: { enable: false, rollback: false },
            },
        input.deploymentConfiguration,
      ),
      deploymentController: { type: controller },
      schedulingStrategy,
      deployments: [],
      taskSets: [],
      events: [],
      loadBalancers: input.loadBalancers ?? [],
      placementConstraints: input.placementConstraints ?? [],
      placementStrategy: input.placementStrategy ?? [],
      createdAt: core.current,
      createdBy: `arn:aws:iam::${this.state.accountId}:root`,
      tags: input.tags ?? [],
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      sim: { consecutiveLaunchFailures: 0 },
    };
    if (input.launchType) service.launchType = input.launchType;
    if (input.platformVersion) service.platformVersion = input.platformVersion;
    else if (input.launchType === 'FARGATE') service.platformVersion = 'LATEST';
    if (input.networkConfiguration) service.networkConfiguration = input.networkConfiguration;
    if (input.healthCheckGracePeriodSeconds !== undefined)
      service.healthCheckGracePeriodSeconds = input.healthCheckGracePeriodSeconds;
    if (input.propagateTags) service.propagateTags = input.propagateTags;

    if (existing) {
      // A re-created service starts over: the old one's tasks no longer count as its own.
      this.state.services.delete(existing.arn);
      core.tasksByService.delete(existing.arn);
    }
    this.state.services.set(service.arn, service);
    index.services.set(service.name, service);

    if (controller === 'ECS') {
      this.#scheduler.newDeployment(service, definition.arn);
    } else if (controller === 'CODE_DEPLOY') {
      // CodeDeploy creates the first task set itself, serving all traffic.
      const set = this.#newTaskSet(service, cluster, definition, { value: 100, unit: 'PERCENT' }, 'CODE_DEPLOY');
      set.status = 'PRIMARY';
    }
    if (input.startSteadySeconds !== undefined) this.#scheduler.reconcile(service, input.startSteadySeconds);
    else core.markDirty(service);
    return service;
  }

  updateService(input: UpdateServiceInput): SimService {
    const core = this.#core;
    const cluster = this.requireCluster(input.cluster);
    const service = this.findService(cluster, input.service);
    if (!service) throw serviceNotFound();
    if (service.status !== 'ACTIVE') throw serviceNotActive();
    const controller = service.deploymentController.type;
    if (controller !== 'ECS') {
      if (
        input.taskDefinition !== undefined ||
        input.forceNewDeployment ||
        input.deploymentConfiguration !== undefined
      ) {
        throw invalidParameter(
          `Unable to update task definition on services with a ${controller} deployment controller. Use task sets instead.`,
        );
      }
    }
    let definition: SimTaskDefinition | undefined;
    if (input.taskDefinition !== undefined) {
      definition = this.resolveTaskDefinition(input.taskDefinition);
      if (!definition) throw invalidParameter('TaskDefinition not found.');
    }
    if (input.desiredCount !== undefined) {
      if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0) {
        throw invalidParameter('desiredCount must be a non-negative integer.');
      }
      if (service.schedulingStrategy === 'DAEMON') {
        throw invalidParameter('The daemon scheduling strategy does not support a desired count for services.');
      }
    }

    if (input.deploymentConfiguration) {
      service.deploymentConfiguration = mergeDeploymentConfiguration(
        service.deploymentConfiguration,
        input.deploymentConfiguration,
      );
    }
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (input.desiredCount !== undefined) {
      service.desiredCount = input.desiredCount;
      for (const set of service.taskSets) set.computedDesiredCount = computedDesiredCount(service, set);
      // The PRIMARY deployment carries the service's count; the response must show it, not the next reconcile.
      if (primary && primary.desiredCount !== input.desiredCount) {
        primary.desiredCount = input.desiredCount;
        primary.updatedAt = core.current;
      }
    }
    const changedDefinition = definition !== undefined && definition.arn !== primary?.taskDefinitionArn;
    if (controller === 'ECS' && (changedDefinition || input.forceNewDeployment)) {
      this.#scheduler.newDeployment(
        service,
        definition?.arn ?? primary?.taskDefinitionArn ?? service.taskDefinitionArn,
      );
    }
    core.markDirty(service);
    return service;
  }

  runTask(input: RunTaskInput): TasksResult {
    const cluster = this.requireCluster(input.cluster);
    const definition = this.resolveTaskDefinition(input.taskDefinition);
    if (!definition) throw invalidParameter('TaskDefinition not found.');
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw invalidParameter('count must be between 1 and 10.');
    const group = input.group ?? `family:${definition.family}`;
    const peers = [...this.#core.clusterIndex(cluster.arn).tasks.values()].filter(
      (t) => t.group === group && t.desiredStatus === 'RUNNING',
    );
    const spec = this.#standaloneSpec(cluster, definition, input, group, peers);
    spec.constraints = input.placementConstraints ?? [];
    spec.strategies =
      input.placementStrategy && input.placementStrategy.length > 0
        ? input.placementStrategy
        : RUN_TASK_DEFAULT_STRATEGY;
    if (input.launchType) spec.launchType = input.launchType;
    if (input.capacityProviderStrategy) spec.capacityProviderStrategy = input.capacityProviderStrategy;
    if (input.platformVersion) spec.platformVersion = input.platformVersion;
    this.#launcher.validate(spec);

    const result: TasksResult = { tasks: [], failures: [] };
    for (let i = 0; i < count; i++) {
      if (input.startRunningSecondsAgo !== undefined) spec.startRunningSecondsAgo = input.startRunningSecondsAgo;
      const launched = this.#launcher.launchOne(spec);
      if ('task' in launched) {
        result.tasks.push(launched.task);
        peers.push(launched.task);
      } else if (launched.noInstances) {
        throw invalidParameter(NO_INSTANCES_MESSAGE);
      } else {
        result.failures.push(launched.failure);
      }
    }
    return result;
  }

  startTask(input: StartTaskInput): TasksResult {
    const cluster = this.requireCluster(input.cluster);
    const definition = this.resolveTaskDefinition(input.taskDefinition);
    if (!definition) throw invalidParameter('TaskDefinition not found.');
    if (input.containerInstances.length < 1 || input.containerInstances.length > 10) {
      throw invalidParameter('containerInstances must list between 1 and 10 container instances.');
    }
    const group = input.group ?? `family:${definition.family}`;
    const spec = this.#standaloneSpec(cluster, definition, input, group, []);
    spec.launchType = 'EC2';
    this.#launcher.validate(spec);
    const result: TasksResult = { tasks: [], failures: [] };
    for (const ref of input.containerInstances) {
      const instance = this.findContainerInstance(cluster, ref);
      if (!instance) {
        result.failures.push({ arn: ref, reason: 'MISSING' });
        continue;
      }
      const launched = this.#launcher.launchOne({ ...spec, instance });
      if ('task' in launched) result.tasks.push(launched.task);
      else result.failures.push(launched.failure);
    }
    return result;
  }

  #standaloneSpec(
    cluster: SimCluster,
    definition: SimTaskDefinition,
    input: RunTaskInput | StartTaskInput,
    group: string,
    peers: SimTask[],
  ): LaunchSpec {
    const overrides: TaskOverrides = {
      ...input.overrides,
      containerOverrides: input.overrides?.containerOverrides ?? [],
    };
    const spec: LaunchSpec = {
      cluster,
      taskDefinition: definition,
      overrides,
      group,
      tags: input.tags ?? [],
      enableExecuteCommand: input.enableExecuteCommand ?? false,
      constraints: [],
      strategies: RUN_TASK_DEFAULT_STRATEGY,
      peers,
      balanceSubnets: false,
      launchedPerProvider: new Map(),
    };
    if (input.networkConfiguration) spec.networkConfiguration = input.networkConfiguration;
    if (input.startedBy) spec.startedBy = input.startedBy;
    return spec;
  }

  stopTask(cluster: string | undefined, task: string, reason?: string): SimTask {
    const found = this.findTask(this.requireCluster(cluster), task);
    if (!found) throw invalidParameter('The referenced task was not found.');
    const stopped = this.#lifecycle.requestStop(found, STOP_CODE.userInitiated, reason ?? REASON.userStopped);
    // ECS deletes a task's tags when it is stopped.
    if (stopped) found.tags = [];
    return found;
  }

  updateContainerInstancesState(
    cluster: string | undefined,
    containerInstances: string[],
    status: string,
  ): { containerInstances: SimContainerInstance[]; failures: SimFailure[] } {
    const core = this.#core;
    const owner = this.requireCluster(cluster);
    if (status !== 'ACTIVE' && status !== 'DRAINING') {
      throw invalidParameter('Container instance status must be ACTIVE or DRAINING.');
    }
    const found: SimContainerInstance[] = [];
    const failures: SimFailure[] = [];
    for (const ref of containerInstances) {
      const instance = this.findContainerInstance(owner, ref);
      if (!instance) {
        failures.push({
          arn: isArn(ref) ? ref : core.arn('container-instance', `${owner.name}/${ref}`),
          reason: 'MISSING',
        });
        continue;
      }
      if (INSTANCE_STATUSES_THAT_CANNOT_CHANGE.has(instance.status)) {
        throw invalidParameter(
          `Container instance ${instance.arn} is in ${instance.status} status. Only ACTIVE or DRAINING container instances can be updated.`,
        );
      }
      found.push(instance);
    }
    let changed = false;
    for (const instance of found) {
      if (instance.status === status) continue;
      instance.status = status;
      instance.version++;
      changed = true;
    }
    if (changed) core.markClusterDirty(owner.arn);
    return { containerInstances: found, failures };
  }

  createTaskSet(input: CreateTaskSetInput): SimTaskSet {
    const cluster = this.requireCluster(input.cluster);
    const service = this.#requireActiveService(cluster, input.service);
    if (service.deploymentController.type === 'ECS') {
      throw invalidParameter(
        'Task sets can only be created for services with an EXTERNAL or CODE_DEPLOY deployment controller.',
      );
    }
    const definition = this.resolveTaskDefinition(input.taskDefinition);
    if (!definition) throw invalidParameter('TaskDefinition not found.');
    const scale = { value: input.scale?.value ?? 100, unit: input.scale?.unit ?? 'PERCENT' };
    validateScale(scale.value);
    const launchType = input.launchType ?? service.launchType;
    this.#launcher.validate({
      cluster,
      taskDefinition: definition,
      ...(launchType ? { launchType } : { capacityProviderStrategy: service.capacityProviderStrategy }),
      ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
    });
    const set = this.#newTaskSet(service, cluster, definition, scale, undefined, input.externalId);
    if (input.launchType) set.launchType = input.launchType;
    if (input.startSteadySeconds !== undefined) this.#scheduler.reconcile(service, input.startSteadySeconds);
    else this.#core.markDirty(service);
    return set;
  }

  #newTaskSet(
    service: SimService,
    cluster: SimCluster,
    definition: SimTaskDefinition,
    scale: { value: number; unit: string },
    startedBy?: string,
    externalId?: string,
  ): SimTaskSet {
    const core = this.#core;
    const id = core.ids.ecsServiceId();
    const set: SimTaskSet = {
      id,
      arn: core.arn('task-set', `${cluster.name}/${service.name}/${id}`),
      serviceArn: service.arn,
      clusterArn: cluster.arn,
      status: 'ACTIVE',
      taskDefinitionArn: definition.arn,
      computedDesiredCount: 0,
      pendingCount: 0,
      runningCount: 0,
      createdAt: core.current,
      updatedAt: core.current,
      capacityProviderStrategy: service.capacityProviderStrategy,
      loadBalancers: service.loadBalancers,
      scale,
      stabilityStatus: 'STABILIZING',
      stabilityStatusAt: core.current,
      tags: [],
    };
    set.computedDesiredCount = computedDesiredCount(service, set);
    if (startedBy) set.startedBy = startedBy;
    if (externalId) set.externalId = externalId;
    if (service.launchType) set.launchType = service.launchType;
    if (service.platformVersion) set.platformVersion = service.platformVersion;
    if (service.networkConfiguration) set.networkConfiguration = service.networkConfiguration;
    service.taskSets.push(set);
    return set;
  }

  updateTaskSetScale(cluster: string | undefined, service: string, taskSet: string, percent: number): SimTaskSet {
    const owner = this.#requireActiveService(this.requireCluster(cluster), service);
    const set = this.#requireTaskSet(owner, taskSet);
    validateScale(percent);
    set.scale = { value: percent, unit: set.scale.unit };
    set.computedDesiredCount = computedDesiredCount(owner, set);
    set.updatedAt = this.#core.current;
    this.#core.markDirty(owner);
    return set;
  }

  updateServicePrimaryTaskSet(cluster: string | undefined, service: string, taskSet: string): SimTaskSet {
    const owner = this.#requireActiveService(this.requireCluster(cluster), service);
    const set = this.#requireTaskSet(owner, taskSet);
    if (set.status === 'DRAINING') throw invalidParameter('A DRAINING task set cannot become the primary task set.');
    const now = this.#core.current;
    for (const other of owner.taskSets) {
      if (other !== set && other.status === 'PRIMARY') {
        other.status = 'ACTIVE';
        other.updatedAt = now;
      }
    }
    if (set.status !== 'PRIMARY') {
      set.status = 'PRIMARY';
      set.updatedAt = now;
    }
    owner.taskDefinitionArn = set.taskDefinitionArn;
    this.#core.markDirty(owner);
    return set;
  }

  /** Simulator extra (DeleteTaskSet): the set goes DRAINING, its tasks stop, and it disappears once they are gone. */
  deleteTaskSet(cluster: string | undefined, service: string, taskSet: string, force = false): SimTaskSet {
    const owner = this.#requireActiveService(this.requireCluster(cluster), service);
    const set = this.#requireTaskSet(owner, taskSet);
    if (set.status === 'PRIMARY' && !force) {
      throw invalidParameter('The primary task set cannot be deleted without force.');
    }
    set.status = 'DRAINING';
    set.scale = { value: 0, unit: set.scale.unit };
    set.computedDesiredCount = 0;
    set.updatedAt = this.#core.current;
    this.#core.markDirty(owner);
    return set;
  }

  #requireActiveService(cluster: SimCluster, ref: string): SimService {
    const service = this.findService(cluster, ref);
    if (!service) throw serviceNotFound();
    if (service.status !== 'ACTIVE') throw serviceNotActive();
    return service;
  }

  #requireTaskSet(service: SimService, ref: string): SimTaskSet {
    const set = this.findTaskSet(service, ref);
    if (!set) throw invalidParameter('The specified task set does not exist.');
    return set;
  }

  // ------------------------------------------------------------------ simulation controls

  setAgentConnected(cluster: string | undefined, containerInstance: string, connected: boolean): void {
    const owner = this.requireCluster(cluster);
    const instance = this.findContainerInstance(owner, containerInstance);
    if (!instance) throw invalidParameter('The referenced container instance was not found.');
    if (instance.agentConnected === connected) return;
    instance.agentConnected = connected;
    instance.version++;
    this.#core.markClusterDirty(owner.arn);
  }

  /** A Spot interruption: of a Fargate Spot task, or of every task on a spot instance (which starts DRAINING). */
  interruptSpot(cluster: string | undefined, taskOrInstance: string): void {
    const owner = this.requireCluster(cluster);
    const task = this.findTask(owner, taskOrInstance);
    if (task) {
      const instance = task.containerInstanceArn
        ? this.state.containerInstances.get(task.containerInstanceArn)
        : undefined;
      if (task.capacityProviderName !== 'FARGATE_SPOT' && instance?.lifecycle !== 'spot') {
        throw invalidParameter('Only Fargate Spot tasks and tasks on Spot instances can be interrupted.');
      }
      this.#lifecycle.requestStop(task, STOP_CODE.spotInterruption, REASON.spot);
      return;
    }
    const instance = this.findContainerInstance(owner, taskOrInstance);
    if (!instance) throw invalidParameter('The referenced task or container instance was not found.');
    if (instance.lifecycle !== 'spot') throw invalidParameter('Only Spot instances can be interrupted.');
    if (instance.status === 'ACTIVE') {
      instance.status = 'DRAINING';
      instance.version++;
    }
    for (const onInstance of [...this.#core.tasksOfInstance(instance.arn)]) {
      this.#lifecycle.requestStop(onInstance, STOP_CODE.spotInterruption, REASON.spot);
    }
    this.#core.markClusterDirty(owner.arn);
  }
}

/** Merge a partial deployment configuration over the current one (the circuit breaker field by field). */
function mergeDeploymentConfiguration(
  base: DeploymentConfiguration,
  update: Partial<DeploymentConfiguration> | undefined,
): DeploymentConfiguration {
  const merged: DeploymentConfiguration = {
    maximumPercent: update?.maximumPercent ?? base.maximumPercent,
    minimumHealthyPercent: update?.minimumHealthyPercent ?? base.minimumHealthyPercent,
    deploymentCircuitBreaker: { ...base.deploymentCircuitBreaker, ...update?.deploymentCircuitBreaker },
  };
  if (!Number.isInteger(merged.maximumPercent) || merged.maximumPercent < 0) {
    throw invalidParameter('maximumPercent must be a non-negative integer.');
  }
  if (
    !Number.isInteger(merged.minimumHealthyPercent) ||
    merged.minimumHealthyPercent < 0 ||
    merged.minimumHealthyPercent > 100
  ) {
    throw invalidParameter('minimumHealthyPercent must be an integer between 0 and 100.');
  }
  return merged;
}

function computedDesiredCount(service: SimService, set: SimTaskSet): number {
  return Math.ceil((service.desiredCount * set.scale.value) / 100);
}

function validateScale(value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new SimError('InvalidParameterException', 'Scale value must be between 0 and 100 percent.');
  }
}
