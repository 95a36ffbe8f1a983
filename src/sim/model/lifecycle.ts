/**
 * The task lifecycle (ECS_API_NOTES §2): PROVISIONING (awsvpc) -> PENDING -> ACTIVATING -> RUNNING ->
 * DEACTIVATING -> STOPPING -> DEPROVISIONING (awsvpc) -> STOPPED, with every timestamp, container exit codes,
 * reasons and health, driven by the outcome drawn for the task.
 *
 * Each task has a step number; a scheduled step carries the number it was scheduled under and does nothing if
 * the task has moved on since (a stop cancels the pending pull, an exit cancels the pending health check).
 */
import { drawOutcome, outcomeDelayMs } from './behaviour.ts';
import type { ModelCore } from './core.ts';
import { privateDnsName } from './ids.ts';
import type { TaskSize } from './resources.ts';
import { containerOverrideFor, effectiveContainer } from './resources.ts';
import type {
  Attachment,
  NetworkConfiguration,
  Outcome,
  SimCluster,
  SimContainer,
  SimContainerInstance,
  SimService,
  SimTask,
  SimTaskDefinition,
  Tag,
  TaskOverrides,
} from './types.ts';

export const STOP_CODE = {
  taskFailedToStart: 'TaskFailedToStart',
  essentialContainerExited: 'EssentialContainerExited',
  userInitiated: 'UserInitiated',
  serviceSchedulerInitiated: 'ServiceSchedulerInitiated',
  spotInterruption: 'SpotInterruption',
} as const;

export const REASON = {
  essentialExited: 'Essential container in task exited',
  userStopped: 'Task stopped by user',
  outOfMemory: 'OutOfMemoryError: Container killed due to memory usage',
  failedHealthChecks: 'Task failed container health checks',
  spot: 'Your Spot Task was interrupted.',
  resourceInit:
    'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ' +
    'unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ' +
    'arn:aws:secretsmanager:{region}:{account}:secret:{family}/app-credentials from secrets manager: ' +
    'AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue',
  cannotPull: (image: string) =>
    `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${qualifiedImage(image)}: not found`,
} as const;

/** Milliseconds a task behind a load balancer must have been RUNNING before its target counts as registered. */
export const LB_REGISTRATION_MS = 5000;
/** Milliseconds a task must stay healthy before it counts as a success (resets failedTasks and the backoff). */
export const STABLE_AFTER_MS = 60_000;
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
const SIGKILL_EXIT_CODE = 137;
const DYNAMIC_PORT_RANGE = [32768, 60999] as const;

const BEFORE_RUNNING = new Set(['PROVISIONING', 'PENDING', 'ACTIVATING']);

export function isBeforeRunning(task: SimTask): boolean {
  return BEFORE_RUNNING.has(task.lastStatus);
}

/** What a task is launched with, once placement has decided where. */
export interface TaskLaunch {
  cluster: SimCluster;
  taskDefinition: SimTaskDefinition;
  launchType: string;
  capacityProviderName?: string;
  platformVersion?: string;
  instance?: SimContainerInstance;
  subnet?: { subnetId: string; availabilityZone: string };
  networkConfiguration?: NetworkConfiguration;
  overrides: TaskOverrides;
  size: TaskSize;
  hostPorts: number[];
  group: string;
  startedBy?: string;
  service?: SimService;
  deploymentId?: string;
  taskSetId?: string;
  tags: Tag[];
  enableExecuteCommand: boolean;
  /** Outcome forced by the caller (tests); drawn from the behaviour otherwise. */
  outcome?: Outcome;
}

export interface LifecycleHooks {
  /** A service task failed: a start failure, an essential exit before it was stable, failed health checks. */
  failed(task: SimTask): void;
  /** A service task has been healthy for STABLE_AFTER_MS. */
  stable(task: SimTask): void;
}

export class Lifecycle {
  readonly #core: ModelCore;
  readonly #hooks: LifecycleHooks;
  /** The current step of every task not yet STOPPED. */
  readonly #steps = new Map<SimTask, number>();

  constructor(core: ModelCore, hooks: LifecycleHooks) {
    this.#core = core;
    this.#hooks = hooks;
  }

  // ---------------------------------------------------------------- creation

  /** Create a task placed by `launch` and start its lifecycle at simulated now. */
  launch(launch: TaskLaunch): SimTask {
    const task = this.#build(launch, this.#core.current);
    const awsvpc = task.attachments.length > 0;
    if (awsvpc) {
      this.#after(task, this.#core.timing.int(2000, 5000), () => this.#provisioned(task));
    } else {
      this.#after(task, this.#core.timing.int(1000, 3000), () => this.#pendingDone(task));
    }
    return task;
  }

  /**
   * Create a task that is already RUNNING, started about `startedSecondsAgo` ago, with plausible stamps in the
   * past (scenarios begin steady this way). Tasks whose outcome fails before RUNNING start normally instead.
   */
  launchRunning(launch: TaskLaunch, startedSecondsAgo: number): SimTask {
    const now = this.#core.current;
    const timing = this.#core.timing;
    const outcome = launch.outcome ?? drawOutcome(launch.taskDefinition.behaviour, this.#core.outcomeRandom);
    if (outcome.kind === 'pull-error' || outcome.kind === 'resource-init-error') {
      return this.launch({ ...launch, outcome });
    }
    const delay = outcomeDelayMs(outcome, this.#core.outcomeRandom);
    let startedAt = now - Math.max(0, Math.round(startedSecondsAgo * 1000));
    // A task whose outcome would already have struck started more recently: it is still ahead of us.
    if (delay !== undefined && startedAt + delay <= now) startedAt = now - Math.floor(delay * timing.between(0.1, 0.9));
    const awsvpc = launch.taskDefinition.networkMode === 'awsvpc';
    const provisioning = awsvpc ? timing.int(2000, 5000) : 0;
    const pending = timing.int(1000, 3000);
    const pull = this.#pullMs(launch.taskDefinition);
    const create = timing.int(1000, 2000);
    const createdAt = startedAt - create - pull - pending - provisioning;

    const task = this.#build({ ...launch, outcome }, createdAt);
    task.pullStartedAt = createdAt + provisioning + pending;
    task.pullStoppedAt = task.pullStartedAt + pull;
    for (const attachment of task.attachments) attachment.status = 'ATTACHED';
    // PROVISIONING -> PENDING -> ACTIVATING -> RUNNING happened in the past.
    task.version += awsvpc ? 3 : 2;
    this.#becomeRunning(task, startedAt, delay, false);
    return task;
  }

  #build(launch: TaskLaunch, createdAt: number): SimTask {
    const core = this.#core;
    const { cluster, taskDefinition: definition } = launch;
    const id = core.ids.resourceId();
    const arn = core.arn('task', `${cluster.name}/${id}`);
    const outcome = launch.outcome ?? drawOutcome(definition.behaviour, core.outcomeRandom);
    const awsvpc = definition.networkMode === 'awsvpc';

    const attachments: Attachment[] = [];
    let privateIp: string | undefined;
    if (awsvpc) {
      privateIp = core.ids.privateIpv4();
      const subnetId = launch.subnet?.subnetId ?? '';
      attachments.push({
        id: core.ids.uuid(),
        type: 'ElasticNetworkInterface',
        status: 'PRECREATED',
        details: [
          { name: 'subnetId', value: subnetId },
          { name: 'networkInterfaceId', value: core.ids.networkInterfaceId() },
          { name: 'macAddress', value: core.ids.macAddress() },
          { name: 'privateDnsName', value: privateDnsName(privateIp, core.state.region) },
          { name: 'privateIPv4Address', value: privateIp },
        ],
      });
    }

    const containers: SimContainer[] = definition.containerDefinitions.map((container) => {
      const effective = effectiveContainer(container, containerOverrideFor(launch.overrides, container.name));
      const simContainer: SimContainer = {
        containerArn: core.arn('container', `${cluster.name}/${id}/${core.ids.uuid()}`),
        name: container.name,
        image: container.image,
        lastStatus: 'PENDING',
        healthStatus: 'UNKNOWN',
        cpu: String(effective.cpu ?? 0),
        essential: container.essential,
        networkBindings: [],
        networkInterfaces: [],
      };
      if (effective.memory !== undefined) simContainer.memory = String(effective.memory);
      if (effective.memoryReservation !== undefined)
        simContainer.memoryReservation = String(effective.memoryReservation);
      const attachment = attachments[0];
      if (attachment && privateIp) {
        simContainer.networkInterfaces.push({ attachmentId: attachment.id, privateIpv4Address: privateIp });
      }
      return simContainer;
    });

    const task: SimTask = {
      arn,
      id,
      clusterArn: cluster.arn,
      taskDefinitionArn: definition.arn,
      lastStatus: awsvpc ? 'PROVISIONING' : 'PENDING',
      desiredStatus: 'RUNNING',
      healthStatus: 'UNKNOWN',
      launchType: launch.launchType,
      availabilityZone: launch.instance?.availabilityZone ?? launch.subnet?.availabilityZone,
      cpu: launch.size.cpuText,
      memory: launch.size.memoryText,
      group: launch.group,
      connectivity: 'DISCONNECTED',
      createdAt,
      containers,
      overrides: launch.overrides,
      attachments,
      tags: launch.tags,
      enableExecuteCommand: launch.enableExecuteCommand,
      version: 1,
      sim: {
        outcome,
        hostPorts: launch.hostPorts,
        reservedCpu: launch.instance ? launch.size.cpu : 0,
        reservedMemory: launch.instance ? launch.size.memory : 0,
      },
    };
    if (launch.instance) task.containerInstanceArn = launch.instance.arn;
    if (launch.capacityProviderName) task.capacityProviderName = launch.capacityProviderName;
    if (launch.platformVersion) {
      task.platformVersion = launch.platformVersion;
      task.platformFamily = 'Linux';
    }
    if (launch.startedBy) task.startedBy = launch.startedBy;
    if (launch.service) task.serviceArn = launch.service.arn;
    if (launch.deploymentId) task.deploymentId = launch.deploymentId;
    if (launch.taskSetId) task.taskSetId = launch.taskSetId;
    if (launch.networkConfiguration) task.networkConfiguration = launch.networkConfiguration;

    this.#register(task, launch);
    this.#steps.set(task, 0);
    return task;
  }

  /** Index the task and reserve what it holds. */
  #register(task: SimTask, launch: TaskLaunch): void {
    const core = this.#core;
    core.state.tasks.set(task.arn, task);
    const index = core.clusterIndex(task.clusterArn);
    index.tasks.set(task.id, task);
    if (task.launchType === 'FARGATE') index.activeFargateTasks++;
    if (task.serviceArn) {
      core.tasksOfService(task.serviceArn).add(task);
      core.liveTasksOfService(task.serviceArn).add(task);
    }
    if (launch.instance) {
      core.tasksOfInstance(launch.instance.arn).add(task);
      core.liveTasksOfInstance(launch.instance.arn).add(task);
      const usage = core.usageOf(launch.instance.arn);
      usage.cpu += task.sim.reservedCpu;
      usage.memory += task.sim.reservedMemory;
      for (const port of task.sim.hostPorts) usage.ports.set(port, (usage.ports.get(port) ?? 0) + 1);
    }
  }

  /** Give back what the task held (at STOPPED). */
  #release(task: SimTask): void {
    const core = this.#core;
    const index = core.clusterIndex(task.clusterArn);
    if (task.launchType === 'FARGATE') index.activeFargateTasks--;
    if (task.serviceArn) core.liveTasksByService.get(task.serviceArn)?.delete(task);
    if (task.containerInstanceArn) {
      core.liveTasksByInstance.get(task.containerInstanceArn)?.delete(task);
      const usage = core.usageOf(task.containerInstanceArn);
      usage.cpu -= task.sim.reservedCpu;
      usage.memory -= task.sim.reservedMemory;
      for (const port of task.sim.hostPorts) {
        const holders = (usage.ports.get(port) ?? 1) - 1;
        if (holders > 0) usage.ports.set(port, holders);
        else usage.ports.delete(port);
      }
    }
    core.capacityFreed(task.clusterArn);
  }

  /** Forget a STOPPED task once its retention has run out. */
  #forget(task: SimTask): void {
    const core = this.#core;
    for (const listener of core.taskForgottenListeners) listener(task);
    core.state.tasks.delete(task.arn);
    core.clusterIndex(task.clusterArn).tasks.delete(task.id);
    if (task.serviceArn) core.tasksByService.get(task.serviceArn)?.delete(task);
    if (task.containerInstanceArn) core.tasksByInstance.get(task.containerInstanceArn)?.delete(task);
  }

  // ---------------------------------------------------------------- the way up

  #provisioned(task: SimTask): void {
    for (const attachment of task.attachments) attachment.status = 'ATTACHED';
    if (task.sim.outcome.kind === 'resource-init-error') {
      this.#failToStart(task, this.#resourceInitReason(task), undefined);
      return;
    }
    this.#setStatus(task, 'PENDING');
    this.#after(task, this.#core.timing.int(1000, 3000), () => this.#pendingDone(task));
  }

  #pendingDone(task: SimTask): void {
    if (task.sim.outcome.kind === 'resource-init-error') {
      this.#failToStart(task, this.#resourceInitReason(task), undefined);
      return;
    }
    task.pullStartedAt = this.#core.current;
    this.#setStatus(task, 'ACTIVATING');
    const definition = this.#definitionOf(task);
    this.#after(task, this.#pullMs(definition), () => this.#pulled(task));
  }

  #pulled(task: SimTask): void {
    const now = this.#core.current;
    task.pullStoppedAt = now;
    if (task.sim.outcome.kind === 'pull-error') {
      const image = this.#mainContainer(task)?.image ?? '';
      const reason = REASON.cannotPull(image);
      this.#failToStart(task, reason, reason);
      return;
    }
    for (const container of task.containers) {
      container.imageDigest = this.#core.ids.imageDigest(container.image);
      container.runtimeId = this.#core.ids.runtimeId();
    }
    task.version++;
    this.#after(task, this.#core.timing.int(1000, 2000), () => {
      const delay = outcomeDelayMs(task.sim.outcome, this.#core.outcomeRandom);
      this.#becomeRunning(task, this.#core.current, delay, true);
    });
  }

  /** RUNNING from `startedAt` (now, or in the past for tasks that begin steady). */
  #becomeRunning(task: SimTask, startedAt: number, outcomeDelay: number | undefined, live: boolean): void {
    const core = this.#core;
    const definition = this.#definitionOf(task);
    task.lastStatus = 'RUNNING';
    task.startedAt = startedAt;
    task.connectivity = 'CONNECTED';
    task.connectivityAt = startedAt;
    task.version++;
    const checked = new Set(definition.containerDefinitions.filter((c) => c.healthCheck).map((c) => c.name));
    const healthyAt = startedAt + (checked.size > 0 ? core.timing.int(5000, 10_000) : 0);
    for (const container of task.containers) {
      container.lastStatus = 'RUNNING';
      container.imageDigest ??= core.ids.imageDigest(container.image);
      container.runtimeId ??= core.ids.runtimeId();
      container.networkBindings = this.#networkBindings(task, definition, container.name);
      if (checked.has(container.name) && healthyAt <= core.current) container.healthStatus = 'HEALTHY';
    }
    this.#refreshHealth(task);

    const service = this.#serviceOf(task);
    if (live && service) {
      for (const balancer of service.loadBalancers) {
        if (balancer.targetGroupArn) {
          core.serviceEvent(
            service,
            `(service ${service.name}) registered 1 targets in (target-group ${balancer.targetGroupArn})`,
          );
        }
      }
    }
    // The scheduler counts the task as healthy once its targets are registered: look again then.
    if (service && service.loadBalancers.length > 0) core.markDirtyAt(service, startedAt + LB_REGISTRATION_MS);

    if (healthyAt > core.current) this.#at(task, healthyAt, () => this.#becomeHealthy(task, checked));
    const stableAt = healthyAt + STABLE_AFTER_MS;
    if (stableAt <= core.current && task.sim.outcome.kind !== 'unhealthy') task.sim.stableAt = stableAt;
    else this.#at(task, stableAt, () => this.#checkStable(task));
    if (outcomeDelay !== undefined) {
      task.sim.outcomeAt = startedAt + outcomeDelay;
      this.#at(task, startedAt + outcomeDelay, () => this.#strike(task));
    }
    this.#touch(task);
  }

  #becomeHealthy(task: SimTask, checked: Set<string>): void {
    for (const container of task.containers) {
      if (checked.has(container.name) && container.healthStatus === 'UNKNOWN') container.healthStatus = 'HEALTHY';
    }
    this.#refreshHealth(task);
    task.version++;
    this.#touch(task);
  }

  #checkStable(task: SimTask): void {
    if (task.desiredStatus !== 'RUNNING' || task.healthStatus === 'UNHEALTHY') return;
    task.sim.stableAt = this.#core.current;
    this.#hooks.stable(task);
  }

  /** The drawn outcome happens. */
  #strike(task: SimTask): void {
    const outcome = task.sim.outcome;
    switch (outcome.kind) {
      case 'runs':
        this.#essentialExit(task, outcome.exitCode ?? 0, undefined);
        return;
      case 'exits':
        this.#essentialExit(task, outcome.exitCode ?? 1, undefined);
        return;
      case 'oom':
        this.#essentialExit(task, outcome.exitCode ?? SIGKILL_EXIT_CODE, REASON.outOfMemory);
        return;
      case 'unhealthy': {
        const main = this.#mainContainer(task);
        if (main) main.healthStatus = 'UNHEALTHY';
        this.#refreshHealth(task);
        task.version++;
        this.#touch(task);
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- the way down

  /**
   * Stop a task (StopTask, the scheduler, a drain, a Spot interruption): desiredStatus STOPPED at once, then the
   * stop signal. A task that is not RUNNING yet stops at once. Returns false when it was already stopping.
   */
  requestStop(task: SimTask, stopCode: string, reason: string): boolean {
    if (task.desiredStatus === 'STOPPED' || task.lastStatus === 'STOPPED') return false;
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.version++;
    if (isBeforeRunning(task)) this.#abortBeforeRunning(task);
    // The agent picks the stop up a moment later: StopTask's answer still says RUNNING (ECS_API_NOTES §4).
    else this.#after(task, this.#core.timing.int(200, 1000), () => this.#deactivate(task, false));
    this.#touch(task);
    return true;
  }

  #abortBeforeRunning(task: SimTask): void {
    const now = this.#core.current;
    this.#nextStep(task);
    for (const container of task.containers) container.lastStatus = 'STOPPED';
    task.executionStoppedAt = now;
    task.stoppingAt = now;
    this.#setStatus(task, 'STOPPING');
    this.#after(task, this.#core.timing.int(500, 1000), () => this.#executionEnded(task));
  }

  /** Never reached RUNNING: TaskFailedToStart. */
  #failToStart(task: SimTask, reason: string, containerReason: string | undefined): void {
    const now = this.#core.current;
    this.#nextStep(task);
    task.desiredStatus = 'STOPPED';
    task.stopCode = STOP_CODE.taskFailedToStart;
    task.stoppedReason = reason;
    for (const container of task.containers) {
      container.lastStatus = 'STOPPED';
      if (containerReason && container === this.#mainContainer(task)) container.reason = containerReason;
    }
    task.executionStoppedAt = now;
    task.version++;
    this.#hooks.failed(task);
    this.#after(task, this.#core.timing.int(500, 1000), () => {
      task.stoppingAt = this.#core.current;
      this.#setStatus(task, 'STOPPING');
      this.#after(task, this.#core.timing.int(1000, 2000), () => this.#executionEnded(task));
    });
    this.#touch(task);
  }

  /** The essential container exited by itself: execution stops first, then the task winds down. */
  #essentialExit(task: SimTask, exitCode: number, reason: string | undefined): void {
    const now = this.#core.current;
    const behaviour = this.#definitionOf(task).behaviour;
    const main = this.#mainContainer(task);
    this.#nextStep(task);
    for (const container of task.containers) {
      if (container.lastStatus === 'STOPPED') continue;
      container.lastStatus = 'STOPPED';
      if (container === main) {
        container.exitCode = exitCode;
        if (reason) container.reason = reason;
      } else {
        // The agent stops the other containers once the essential one is gone.
        container.exitCode = behaviour.gracefulExitCode ?? 0;
      }
    }
    task.executionStoppedAt = now;
    task.desiredStatus = 'STOPPED';
    task.stopCode = STOP_CODE.essentialContainerExited;
    task.stoppedReason = REASON.essentialExited;
    task.version++;
    if (task.sim.stableAt === undefined) this.#hooks.failed(task);
    this.#deactivate(task, true);
    this.#touch(task);
  }

  /** DEACTIVATING: target deregistration (longer behind a load balancer), then STOPPING. */
  #deactivate(task: SimTask, alreadyExited: boolean): void {
    const core = this.#core;
    const service = this.#serviceOf(task);
    const balanced = service !== undefined && service.loadBalancers.length > 0;
    if (balanced && service)
      core.serviceEvent(service, `(service ${service.name}) has begun draining connections on 1 tasks.`);
    this.#setStatus(task, 'DEACTIVATING');
    const delay = balanced ? core.timing.int(4500, 5500) : core.timing.int(1000, 2000);
    this.#after(task, delay, () => {
      if (balanced && service) {
        for (const balancer of service.loadBalancers) {
          if (balancer.targetGroupArn) {
            core.serviceEvent(
              service,
              `(service ${service.name}) deregistered 1 targets in (target-group ${balancer.targetGroupArn})`,
            );
          }
        }
      }
      this.#beginStopping(task, alreadyExited);
    });
  }

  /** STOPPING: the stop signal; containers exit after their graceful time, or are killed at the stop timeout. */
  #beginStopping(task: SimTask, alreadyExited: boolean): void {
    const core = this.#core;
    task.stoppingAt = core.current;
    this.#setStatus(task, 'STOPPING');
    if (alreadyExited) {
      this.#after(task, core.timing.int(1000, 2000), () => this.#executionEnded(task));
      return;
    }
    const definition = this.#definitionOf(task);
    const graceful = definition.behaviour.gracefulStopSeconds;
    let lastExitMs = 0;
    const exits = new Map<SimContainer, number>();
    for (const container of task.containers) {
      if (container.lastStatus === 'STOPPED') continue;
      const timeoutSeconds =
        definition.containerDefinitions.find((c) => c.name === container.name)?.stopTimeout ??
        DEFAULT_STOP_TIMEOUT_SECONDS;
      // A container that ignores SIGTERM is killed when its stop timeout runs out; a graceful one leaves earlier.
      const exitMs = graceful !== undefined && graceful < timeoutSeconds ? graceful * 1000 : timeoutSeconds * 1000;
      const code =
        graceful !== undefined && graceful < timeoutSeconds
          ? (definition.behaviour.gracefulExitCode ?? 0)
          : SIGKILL_EXIT_CODE;
      exits.set(container, code);
      lastExitMs = Math.max(lastExitMs, exitMs);
    }
    this.#after(task, lastExitMs, () => {
      for (const [container, code] of exits) {
        container.lastStatus = 'STOPPED';
        container.exitCode = code;
      }
      task.executionStoppedAt = core.current;
      task.version++;
      this.#after(task, core.timing.int(500, 1000), () => this.#executionEnded(task));
    });
  }

  /** Containers are gone: DEPROVISIONING (the ENI) for awsvpc, then STOPPED. */
  #executionEnded(task: SimTask): void {
    const attached = task.attachments.some((a) => a.status === 'ATTACHED');
    if (attached) {
      for (const attachment of task.attachments) attachment.status = 'DELETED';
      this.#setStatus(task, 'DEPROVISIONING');
      this.#after(task, this.#core.timing.int(2000, 4000), () => this.#stopped(task));
    } else {
      this.#stopped(task);
    }
  }

  #stopped(task: SimTask): void {
    const core = this.#core;
    task.stoppedAt = core.current;
    task.connectivity = 'DISCONNECTED';
    for (const attachment of task.attachments) attachment.status = 'DELETED';
    this.#setStatus(task, 'STOPPED');
    this.#steps.delete(task);
    this.#release(task);
    core.schedule(task.stoppedAt + core.stoppedTaskRetentionMs, () => this.#forget(task));
    this.#touch(task);
  }

  // ---------------------------------------------------------------- helpers

  #setStatus(task: SimTask, status: string): void {
    task.lastStatus = status;
    task.version++;
  }

  /** Task health from the essential containers (ECS_API_NOTES §2). */
  #refreshHealth(task: SimTask): void {
    const essential = task.containers.filter((c) => c.essential);
    if (essential.some((c) => c.healthStatus === 'UNHEALTHY')) task.healthStatus = 'UNHEALTHY';
    else if (essential.length > 0 && essential.every((c) => c.healthStatus === 'HEALTHY'))
      task.healthStatus = 'HEALTHY';
    else task.healthStatus = 'UNKNOWN';
  }

  #networkBindings(
    task: SimTask,
    definition: SimTaskDefinition,
    containerName: string,
  ): SimContainer['networkBindings'] {
    const mode = definition.networkMode;
    if (mode !== 'bridge' && mode !== 'host') return [];
    const container = definition.containerDefinitions.find((c) => c.name === containerName);
    if (!container || !task.containerInstanceArn) return [];
    const used = this.#core.usageOf(task.containerInstanceArn).ports;
    return container.portMappings.map((mapping) => {
      let hostPort = mode === 'host' ? (mapping.hostPort ?? mapping.containerPort) : mapping.hostPort;
      if (hostPort === undefined || hostPort === 0) {
        // Docker's ephemeral range; the agent does not reserve these with ECS.
        do hostPort = this.#core.placementRandom.int(DYNAMIC_PORT_RANGE[0], DYNAMIC_PORT_RANGE[1]);
        while (used.has(hostPort));
      }
      const binding: SimContainer['networkBindings'][number] = {
        bindIP: '0.0.0.0',
        hostPort,
        protocol: mapping.protocol ?? 'tcp',
      };
      if (mapping.containerPort !== undefined) binding.containerPort = mapping.containerPort;
      return binding;
    });
  }

  #pullMs(definition: SimTaskDefinition): number {
    const seconds = definition.behaviour.pullSeconds;
    return seconds !== undefined ? Math.round(seconds * 1000) : this.#core.timing.int(3000, 12_000);
  }

  #resourceInitReason(task: SimTask): string {
    const family = this.#definitionOf(task).family;
    return REASON.resourceInit
      .replace('{region}', this.#core.state.region)
      .replace('{account}', this.#core.state.accountId)
      .replace('{family}', family);
  }

  /** The container the outcome happens to: the first essential one. */
  #mainContainer(task: SimTask): SimContainer | undefined {
    return task.containers.find((c) => c.essential) ?? task.containers[0];
  }

  #definitionOf(task: SimTask): SimTaskDefinition {
    const definition = this.#core.state.taskDefinitions.get(task.taskDefinitionArn);
    if (!definition) throw new Error(`simulator: task ${task.id} has no task definition`);
    return definition;
  }

  #serviceOf(task: SimTask): SimService | undefined {
    return task.serviceArn ? this.#core.state.services.get(task.serviceArn) : undefined;
  }

  #touch(task: SimTask): void {
    const service = this.#serviceOf(task);
    if (service) this.#core.markDirty(service);
  }

  #nextStep(task: SimTask): number {
    const step = (this.#steps.get(task) ?? 0) + 1;
    this.#steps.set(task, step);
    return step;
  }

  /** Run `action` for `task` after `delayMs`, unless the task has moved to another step by then. */
  #after(task: SimTask, delayMs: number, action: () => void): void {
    this.#at(task, this.#core.current + delayMs, action, this.#nextStep(task));
  }

  /** Run `action` at `at` if the task is still in step `step` (default: the current one). */
  #at(task: SimTask, at: number, action: () => void, step = this.#steps.get(task) ?? 0): void {
    this.#core.schedule(at, () => {
      if (this.#steps.get(task) === step) action();
    });
  }
}

/** The image reference as containerd resolves it (docker.io/library/ for bare names). */
function qualifiedImage(image: string): string {
  const withTag = /:[^/]+$/.test(image) || image.includes('@') ? image : `${image}:latest`;
  const first = withTag.split('/')[0] ?? '';
  if (withTag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return withTag;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}
