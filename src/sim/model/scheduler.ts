/**
 * The service scheduler (ECS_API_NOTES §3-§5): holds each service at its desired count, rolls deployments within
 * minimumHealthyPercent/maximumPercent, replaces failed and drained tasks, runs the circuit breaker with rollback,
 * DAEMON services (one task per instance) and EXTERNAL task sets, and writes the service events ECS writes.
 *
 * A service is reconciled when something touched it (one of its tasks changed, its instances changed) and on a
 * periodic pass; a steady service costs one walk over its tasks and produces no events.
 */
import type { ModelCore } from './core.ts';
import type { Launcher, LaunchResult, LaunchSpec } from './launcher.ts';
import type { Lifecycle } from './lifecycle.ts';
import { isBeforeRunning, LB_REGISTRATION_MS, REASON, STOP_CODE } from './lifecycle.ts';
import { isExternalInstance, SERVICE_DEFAULT_STRATEGY } from './placement.ts';
import type { SimCluster, SimContainerInstance, SimDeployment, SimService, SimTask, SimTaskSet } from './types.ts';

const STEADY_EVENT_REPEAT_MS = 6 * 3600_000;
const PLACEMENT_EVENT_INTERVAL_MS = 60_000;
const INACTIVE_DEPLOYMENT_LINGER_MS = 60_000;
/** Crash-loop throttling: launches wait 10 s, 20 s, 40 s ... up to 5 min once failures keep coming. */
const BACKOFF_AFTER_FAILURES = 3;
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

export const CIRCUIT_BREAKER_REASON = 'ECS deployment circuit breaker: tasks failed to start.';

/** What new tasks of a deployment or task set are launched with. */
interface LaunchTarget {
  taskDefinitionArn: string;
  launchType?: string;
  capacityProviderStrategy: SimDeployment['capacityProviderStrategy'];
  platformVersion?: string;
  networkConfiguration?: SimDeployment['networkConfiguration'];
  deploymentId?: string;
  taskSetId?: string;
}

/** One set of tasks held at a count: a service's deployments, or one task set. */
interface Cohort {
  desired: number;
  /** The cohort's tasks with desiredStatus RUNNING. */
  active: SimTask[];
  /** Whether a task of the service is one of the cohort's (its stopping tasks count toward maximumPercent). */
  belongs: (task: SimTask) => boolean;
  /** Tasks that stay: the current deployment's, not on a DRAINING instance. The rest are replaced. */
  keeps: (task: SimTask) => boolean;
  canLaunch: boolean;
  /** False once the rollout failed: healthy old tasks are then left alone. */
  canRetireHealthy: boolean;
  target: LaunchTarget;
  /** "deployment ecs-svc/…" or "task set ecs-svc/…", for stop reasons. */
  label: string;
  /** False once the cohort's deployment is no longer the one to launch for (the breaker tripped meanwhile). */
  current: () => boolean;
  /** Start new tasks already RUNNING (a scenario's steady start), up to this many seconds ago. */
  steadySeconds?: number;
}

export class ServiceScheduler {
  readonly #core: ModelCore;
  readonly #lifecycle: Lifecycle;
  readonly #launcher: Launcher;
  readonly #healthChecked = new Map<string, boolean>();

  constructor(core: ModelCore, lifecycle: Lifecycle, launcher: Launcher) {
    this.#core = core;
    this.#lifecycle = lifecycle;
    this.#launcher = launcher;
  }

  reconcile(service: SimService, steadySeconds?: number): void {
    if (service.status === 'ACTIVE') {
      if (service.deploymentController.type !== 'ECS') this.#reconcileTaskSets(service, steadySeconds);
      else if (service.schedulingStrategy === 'DAEMON') this.#reconcileDaemon(service, steadySeconds);
      else this.#reconcileReplica(service, steadySeconds);
    }
    this.#refreshCounts(service);
    if (service.deploymentController.type !== 'ECS') this.#settleTaskSets(service);
    else this.#settleDeployments(service);
  }

  /** Steady at the last reconcile and not yet due for the repeated steady-state event: nothing to look at. */
  isSettled(service: SimService): boolean {
    const last = service.sim.lastSteadyEventAt;
    return service.sim.steady === true && last !== undefined && this.#core.current - last < STEADY_EVENT_REPEAT_MS;
  }

  // ---------------------------------------------------------------- deployments

  /** A new PRIMARY deployment of `taskDefinitionArn`; the previous PRIMARY becomes ACTIVE and is replaced. */
  newDeployment(service: SimService, taskDefinitionArn: string): SimDeployment {
    const core = this.#core;
    const now = core.current;
    for (const deployment of service.deployments) {
      if (deployment.status === 'PRIMARY') {
        deployment.status = 'ACTIVE';
        deployment.updatedAt = now;
      }
    }
    const id = core.ids.ecsServiceId();
    const deployment: SimDeployment = {
      id,
      status: 'PRIMARY',
      taskDefinitionArn,
      desiredCount: service.desiredCount,
      pendingCount: 0,
      runningCount: 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      capacityProviderStrategy: service.capacityProviderStrategy,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
    };
    if (service.launchType) deployment.launchType = service.launchType;
    if (service.platformVersion) deployment.platformVersion = service.platformVersion;
    if (service.networkConfiguration) deployment.networkConfiguration = service.networkConfiguration;
    service.deployments.unshift(deployment);
    service.taskDefinitionArn = taskDefinitionArn;
    service.sim.consecutiveLaunchFailures = 0;
    delete service.sim.launchBackoffUntil;
    service.sim.steady = false;
    core.markDirty(service);
    return deployment;
  }

  /** A service task failed. Counts once per task toward failedTasks, the crash-loop backoff and the breaker. */
  taskFailed(task: SimTask): void {
    const core = this.#core;
    const service = task.serviceArn ? core.state.services.get(task.serviceArn) : undefined;
    if (!service || task.sim.countedAsFailure) return;
    task.sim.countedAsFailure = true;
    const failures = ++service.sim.consecutiveLaunchFailures;
    if (failures >= BACKOFF_AFTER_FAILURES) {
      const wait = Math.min(BACKOFF_BASE_MS * 2 ** (failures - BACKOFF_AFTER_FAILURES), BACKOFF_MAX_MS);
      service.sim.launchBackoffUntil = core.current + wait;
      core.markDirtyAt(service, core.current + wait);
    }
    const deployment = service.deployments.find((d) => d.id === task.deploymentId);
    if (deployment?.status !== 'PRIMARY') return;
    deployment.failedTasks++;
    deployment.updatedAt = core.current;
    const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
    if (!breaker.enable || deployment.rolloutState !== 'IN_PROGRESS') return;
    const threshold = Math.min(200, Math.max(3, Math.ceil(0.5 * service.desiredCount)));
    if (deployment.failedTasks >= threshold) this.#tripCircuitBreaker(service, deployment);
  }

  /** A service task has been healthy long enough: the crash loop, if any, is over. */
  taskStable(task: SimTask): void {
    const core = this.#core;
    const service = task.serviceArn ? core.state.services.get(task.serviceArn) : undefined;
    if (!service) return;
    service.sim.consecutiveLaunchFailures = 0;
    delete service.sim.launchBackoffUntil;
    const deployment = service.deployments.find((d) => d.id === task.deploymentId);
    if (deployment && deployment.status === 'PRIMARY' && deployment.failedTasks > 0) {
      deployment.failedTasks = 0;
      deployment.updatedAt = core.current;
    }
    core.markDirty(service);
  }

  #tripCircuitBreaker(service: SimService, deployment: SimDeployment): void {
    const core = this.#core;
    deployment.rolloutState = 'FAILED';
    deployment.rolloutStateReason = CIRCUIT_BREAKER_REASON;
    deployment.updatedAt = core.current;
    core.serviceEvent(
      service,
      `(service ${service.name}) (deployment ${deployment.id}) deployment failed: tasks failed to start.`,
    );
    const target = service.sim.lastCompletedTaskDefinitionArn;
    if (service.deploymentConfiguration.deploymentCircuitBreaker.rollback && target) {
      const rollback = this.newDeployment(service, target);
      core.serviceEvent(
        service,
        `(service ${service.name}) rolling back to deployment ${service.sim.lastCompletedDeploymentId ?? rollback.id}.`,
      );
    }
    core.markDirty(service);
  }

  // ---------------------------------------------------------------- REPLICA

  #reconcileReplica(service: SimService, steadySeconds: number | undefined): void {
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    const failed = primary.rolloutState === 'FAILED';
    const active = this.#activeTasks(service, () => true);
    const cohort: Cohort = {
      desired: service.desiredCount,
      active,
      belongs: () => true,
      keeps: (task) => task.deploymentId === primary.id && !this.#onDrainingInstance(task),
      canLaunch: !failed,
      canRetireHealthy: !failed,
      target: {
        taskDefinitionArn: primary.taskDefinitionArn,
        capacityProviderStrategy: primary.capacityProviderStrategy,
        deploymentId: primary.id,
        ...(primary.launchType ? { launchType: primary.launchType } : {}),
        ...(primary.platformVersion ? { platformVersion: primary.platformVersion } : {}),
        ...(primary.networkConfiguration ? { networkConfiguration: primary.networkConfiguration } : {}),
      },
      label: `deployment ${primary.id}`,
      current: () => primary.status === 'PRIMARY' && (primary.rolloutState === 'FAILED') === failed,
      ...(steadySeconds !== undefined ? { steadySeconds } : {}),
    };
    this.#roll(service, cohort);
  }

  /**
   * The rolling rule (one pass): stop what must go (failed health checks, not-yet-running tasks being replaced,
   * healthy ones only above minimumHealthyPercent), scale in, then launch up to maximumPercent.
   */
  #roll(service: SimService, cohort: Cohort): void {
    const core = this.#core;
    const now = core.current;
    const { maximumPercent, minimumHealthyPercent } = service.deploymentConfiguration;
    const maxTotal = Math.floor((cohort.desired * maximumPercent) / 100);
    const minHealthy = Math.ceil((cohort.desired * minimumHealthyPercent) / 100);
    const stopped: SimTask[] = [];
    const stop = (task: SimTask, reason: string) => {
      if (this.#lifecycle.requestStop(task, STOP_CODE.serviceSchedulerInitiated, reason)) stopped.push(task);
    };
    const stillActive = () => cohort.active.filter((t) => t.desiredStatus === 'RUNNING');

    this.#stopUnhealthy(service, cohort.active);
    // A failed health check can trip the circuit breaker; the reconcile it queued takes over from here.
    if (!cohort.current()) return;

    // Tasks being replaced that are not serving yet go at once (PENDING tasks on a DRAINING instance too).
    for (const task of stillActive()) {
      if (!cohort.keeps(task) && isBeforeRunning(task)) stop(task, this.#replaceReason(task, cohort));
    }

    // Serving tasks being replaced: unhealthy ones freely, healthy ones only above the healthy floor.
    let healthyBudget = stillActive().filter((t) => this.#isHealthy(service, t)).length - minHealthy;
    const retiring = stillActive()
      .filter((t) => !cohort.keeps(t))
      .sort(
        (a, b) =>
          Number(a.deploymentId === cohort.target.deploymentId) -
            Number(b.deploymentId === cohort.target.deploymentId) || a.createdAt - b.createdAt,
      );
    for (const task of retiring) {
      if (!this.#isHealthy(service, task)) {
        if (cohort.canRetireHealthy) stop(task, this.#replaceReason(task, cohort));
      } else if (cohort.canRetireHealthy && healthyBudget > 0) {
        stop(task, this.#replaceReason(task, cohort));
        healthyBudget--;
      }
    }

    // Scale in: the newest pending tasks first, then the newest running ones.
    const kept = stillActive().filter(cohort.keeps);
    if (kept.length > cohort.desired) {
      const order = [...kept].sort(
        (a, b) => Number(isBeforeRunning(b)) - Number(isBeforeRunning(a)) || b.createdAt - a.createdAt,
      );
      for (const task of order.slice(0, kept.length - cohort.desired))
        stop(task, `Scaling activity initiated by (${cohort.label})`);
    }

    if (stopped.length > 0) {
      const ids = stopped.map((t) => `(task ${t.id})`).join(' ');
      core.serviceEvent(service, `(service ${service.name}) has stopped ${stopped.length} running tasks: ${ids}.`);
    }

    const keptNow = stillActive().filter(cohort.keeps).length;
    // maximumPercent caps every task not yet STOPPED, those being stopped included: at 100 a replacement
    // starts only once a task it replaces (drained, or of an older deployment) has stopped.
    let occupying = 0;
    for (const task of core.liveTasksOfService(service.arn)) {
      if (task.lastStatus !== 'STOPPED' && cohort.belongs(task)) occupying++;
    }
    const toLaunch = Math.min(cohort.desired - keptNow, maxTotal - occupying);
    if (toLaunch <= 0 || !cohort.canLaunch) return;
    const backoffUntil = service.sim.launchBackoffUntil;
    if (backoffUntil !== undefined && now < backoffUntil) {
      core.markDirtyAt(service, backoffUntil);
      return;
    }
    const launched: SimTask[] = [];
    const cluster = this.#clusterOf(service);
    const spec = this.#launchSpec(service, cluster, cohort.target);
    let refused: Extract<LaunchResult, { failure: unknown }> | undefined;
    for (let i = 0; i < toLaunch; i++) {
      if (cohort.steadySeconds !== undefined)
        spec.startRunningSecondsAgo = core.timing.between(0, cohort.steadySeconds);
      const result = this.#launcher.launchOne(spec);
      if ('failure' in result) {
        refused = result;
        break;
      }
      launched.push(result.task);
    }
    if (launched.length > 0) {
      const ids = launched.map((t) => `(task ${t.id})`).join(' ');
      core.serviceEvent(service, `(service ${service.name}) has started ${launched.length} tasks: ${ids}.`);
    }
    if (refused) {
      const { reason, arn } = refused.failure;
      this.#placementFailed(service, cluster, reason, arn, refused.noInstances === true);
    }
  }

  /** Failed container health checks: the service stops the task (after any grace period) and replaces it. */
  #stopUnhealthy(service: SimService, tasks: Iterable<SimTask>): void {
    const core = this.#core;
    const graceMs = (service.healthCheckGracePeriodSeconds ?? 0) * 1000;
    for (const task of tasks) {
      if (task.desiredStatus !== 'RUNNING' || task.lastStatus !== 'RUNNING' || task.healthStatus !== 'UNHEALTHY')
        continue;
      const graceEnds = (task.startedAt ?? core.current) + graceMs;
      if (graceEnds > core.current) {
        core.markDirtyAt(service, graceEnds);
        continue;
      }
      this.#lifecycle.requestStop(task, STOP_CODE.serviceSchedulerInitiated, REASON.failedHealthChecks);
      core.serviceEvent(service, `(service ${service.name}) (task ${task.id}) failed container health checks.`);
      this.taskFailed(task);
    }
  }

  #replaceReason(task: SimTask, cohort: Cohort): string {
    if (this.#onDrainingInstance(task)) return 'Container instance is being drained';
    return `Scaling activity initiated by (${cohort.label})`;
  }

  #launchSpec(service: SimService, cluster: SimCluster, target: LaunchTarget): LaunchSpec {
    const core = this.#core;
    const definition = core.state.taskDefinitions.get(target.taskDefinitionArn);
    if (!definition) throw new Error(`simulator: service ${service.name} has no task definition`);
    const peers = core.liveTasksOfService(service.arn);
    const launchedPerProvider = new Map<string, number>();
    for (const task of peers) {
      if (task.desiredStatus === 'RUNNING' && task.capacityProviderName) {
        launchedPerProvider.set(
          task.capacityProviderName,
          (launchedPerProvider.get(task.capacityProviderName) ?? 0) + 1,
        );
      }
    }
    const spec: LaunchSpec = {
      cluster,
      taskDefinition: definition,
      capacityProviderStrategy: target.capacityProviderStrategy,
      overrides: { containerOverrides: [] },
      group: `service:${service.name}`,
      startedBy: target.taskSetId ?? target.deploymentId ?? '',
      service,
      tags: [],
      enableExecuteCommand: service.enableExecuteCommand,
      constraints: service.placementConstraints,
      strategies: service.placementStrategy.length > 0 ? service.placementStrategy : SERVICE_DEFAULT_STRATEGY,
      peers,
      balanceSubnets: true,
      launchedPerProvider,
    };
    if (target.launchType) spec.launchType = target.launchType;
    if (target.platformVersion) spec.platformVersion = target.platformVersion;
    if (target.networkConfiguration) spec.networkConfiguration = target.networkConfiguration;
    if (target.deploymentId) spec.deploymentId = target.deploymentId;
    if (target.taskSetId) spec.taskSetId = target.taskSetId;
    return spec;
  }

  #placementFailed(
    service: SimService,
    cluster: SimCluster,
    reason: string | undefined,
    instanceArn: string | undefined,
    noInstances: boolean,
  ): void {
    const core = this.#core;
    core.clusterIndex(cluster.arn).placementStarved = true;
    // Try again on the periodic pass even if nothing frees up (an instance may register meanwhile).
    const last = service.sim.lastPlacementFailureEventAt;
    if (last !== undefined && core.current - last < PLACEMENT_EVENT_INTERVAL_MS) return;
    service.sim.lastPlacementFailureEventAt = core.current;
    core.serviceEvent(service, placementFailureMessage(service.name, reason, instanceArn, noInstances));
  }

  // ---------------------------------------------------------------- DAEMON

  #reconcileDaemon(service: SimService, steadySeconds: number | undefined): void {
    const core = this.#core;
    // Health stops first: they may trip the circuit breaker and change the PRIMARY deployment.
    this.#stopUnhealthy(
      service,
      this.#activeTasks(service, () => true),
    );
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    if (!primary) return;
    const cluster = this.#clusterOf(service);
    const failed = primary.rolloutState === 'FAILED';
    const backoffUntil = service.sim.launchBackoffUntil;
    const inBackoff = backoffUntil !== undefined && core.current < backoffUntil;
    if (inBackoff) core.markDirtyAt(service, backoffUntil);
    const target: LaunchTarget = {
      taskDefinitionArn: primary.taskDefinitionArn,
      capacityProviderStrategy: primary.capacityProviderStrategy,
      deploymentId: primary.id,
      ...(primary.launchType ? { launchType: primary.launchType } : {}),
      ...(primary.networkConfiguration ? { networkConfiguration: primary.networkConfiguration } : {}),
    };
    const spec = this.#launchSpec(service, cluster, target);
    const label = `deployment ${primary.id}`;
    const launched: SimTask[] = [];
    const stopped: SimTask[] = [];
    const stop = (task: SimTask, reason: string) => {
      if (this.#lifecycle.requestStop(task, STOP_CODE.serviceSchedulerInitiated, reason)) stopped.push(task);
    };
    let desired = 0;

    for (const instance of core.clusterIndex(cluster.arn).instances.values()) {
      const here = [...core.liveTasksOfInstance(instance.arn)].filter(
        (t) => t.serviceArn === service.arn && t.desiredStatus === 'RUNNING',
      );
      if (instance.status === 'DRAINING') {
        // Daemons leave last: once the replica services' tasks on the instance are gone.
        if (!this.#holdsReplicaTasks(instance))
          for (const task of here) stop(task, 'Container instance is being drained');
        continue;
      }
      if (instance.status !== 'ACTIVE') continue;
      // An EXTERNAL daemon runs on the external instances, any other on the EC2 ones.
      if (isExternalInstance(instance) !== (primary.launchType === 'EXTERNAL')) continue;
      const current = here.filter((t) => t.deploymentId === primary.id);
      for (const task of here)
        if (task.deploymentId !== primary.id && !failed) stop(task, `Scaling activity initiated by (${label})`);
      for (const task of current.slice(1)) stop(task, `Scaling activity initiated by (${label})`);
      if (current.length > 0) {
        desired++;
        continue;
      }
      if (!instance.agentConnected) continue;
      if (failed || inBackoff) {
        desired++;
        continue;
      }
      spec.instance = instance;
      if (steadySeconds !== undefined) spec.startRunningSecondsAgo = core.timing.between(0, steadySeconds);
      const result = this.#launcher.launchOne(spec);
      if ('task' in result) {
        launched.push(result.task);
        desired++;
      } else if (here.length > 0) {
        // The old revision still holds the room; the new one starts when it has stopped.
        desired++;
        core.clusterIndex(cluster.arn).placementStarved = true;
      }
    }
    service.desiredCount = desired;
    if (stopped.length > 0) {
      core.serviceEvent(
        service,
        `(service ${service.name}) has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${t.id})`).join(' ')}.`,
      );
    }
    if (launched.length > 0) {
      core.serviceEvent(
        service,
        `(service ${service.name}) has started ${launched.length} tasks: ${launched.map((t) => `(task ${t.id})`).join(' ')}.`,
      );
    }
  }

  #holdsReplicaTasks(instance: SimContainerInstance): boolean {
    for (const task of this.#core.liveTasksOfInstance(instance.arn)) {
      if (task.lastStatus === 'STOPPED' || !task.serviceArn) continue;
      const owner = this.#core.state.services.get(task.serviceArn);
      if (owner && owner.schedulingStrategy !== 'DAEMON') return true;
    }
    return false;
  }

  // ---------------------------------------------------------------- task sets (EXTERNAL)

  #reconcileTaskSets(service: SimService, steadySeconds: number | undefined): void {
    for (const set of service.taskSets) {
      const belongs = (task: SimTask) => task.taskSetId === set.id;
      const cohort: Cohort = {
        desired: set.status === 'DRAINING' ? 0 : set.computedDesiredCount,
        active: this.#activeTasks(service, belongs),
        belongs,
        keeps: (task) => !this.#onDrainingInstance(task),
        canLaunch: set.status !== 'DRAINING',
        canRetireHealthy: true,
        target: {
          taskDefinitionArn: set.taskDefinitionArn,
          capacityProviderStrategy: set.capacityProviderStrategy,
          taskSetId: set.id,
          ...(set.launchType ? { launchType: set.launchType } : {}),
          ...(set.platformVersion ? { platformVersion: set.platformVersion } : {}),
          ...(set.networkConfiguration ? { networkConfiguration: set.networkConfiguration } : {}),
        },
        label: `task set ${set.id}`,
        current: () => service.taskSets.includes(set),
        ...(steadySeconds !== undefined ? { steadySeconds } : {}),
      };
      this.#roll(service, cohort);
    }
  }

  /** Task set stability, and DRAINING sets leave once their tasks are gone. */
  #settleTaskSets(service: SimService): void {
    const core = this.#core;
    const now = core.current;
    let allSteady = service.taskSets.length > 0;
    for (const set of [...service.taskSets]) {
      let unsettled = false;
      let live = 0;
      for (const task of core.liveTasksOfService(service.arn)) {
        if (task.taskSetId !== set.id) continue;
        if (task.lastStatus !== 'STOPPED') live++;
        if (task.desiredStatus !== 'RUNNING') continue;
        if (this.#onDrainingInstance(task) || !this.#isHealthy(service, task)) unsettled = true;
      }
      if (set.status === 'DRAINING' && live === 0) {
        service.taskSets.splice(service.taskSets.indexOf(set), 1);
        continue;
      }
      const stability =
        set.runningCount === set.computedDesiredCount && set.pendingCount === 0 && !unsettled
          ? 'STEADY_STATE'
          : 'STABILIZING';
      if (stability !== set.stabilityStatus) {
        set.stabilityStatus = stability;
        set.stabilityStatusAt = now;
        set.updatedAt = now;
      }
      if (stability !== 'STEADY_STATE') allSteady = false;
    }
    this.#steadyEvent(service, allSteady);
  }

  // ---------------------------------------------------------------- counts and settling

  #refreshCounts(service: SimService): void {
    const now = this.#core.current;
    const perOwner = new Map<string, { running: number; pending: number }>();
    let running = 0;
    let pending = 0;
    for (const task of this.#core.liveTasksOfService(service.arn)) {
      if (task.desiredStatus !== 'RUNNING') continue;
      const owner = task.taskSetId ?? task.deploymentId ?? '';
      let counts = perOwner.get(owner);
      if (!counts) {
        counts = { running: 0, pending: 0 };
        perOwner.set(owner, counts);
      }
      if (task.lastStatus === 'RUNNING') {
        counts.running++;
        running++;
      } else if (isBeforeRunning(task)) {
        counts.pending++;
        pending++;
      }
    }
    service.runningCount = running;
    service.pendingCount = pending;
    const owners: (SimDeployment | SimTaskSet)[] = [...service.deployments, ...service.taskSets];
    for (const owner of owners) {
      const counts = perOwner.get(owner.id) ?? { running: 0, pending: 0 };
      if (owner.runningCount !== counts.running || owner.pendingCount !== counts.pending) {
        owner.runningCount = counts.running;
        owner.pendingCount = counts.pending;
        owner.updatedAt = now;
      }
    }
  }

  /** Retired deployments go INACTIVE (then away); PRIMARY completes when the service is steady. */
  #settleDeployments(service: SimService): void {
    const core = this.#core;
    const now = core.current;
    const live = new Map<string, number>();
    const activeByDeployment = new Map<string, number>();
    let onDraining = false;
    let unhealthy = false;
    for (const task of core.liveTasksOfService(service.arn)) {
      const id = task.deploymentId ?? '';
      if (task.lastStatus !== 'STOPPED') live.set(id, (live.get(id) ?? 0) + 1);
      if (task.desiredStatus === 'RUNNING') {
        activeByDeployment.set(id, (activeByDeployment.get(id) ?? 0) + 1);
        if (this.#onDrainingInstance(task)) onDraining = true;
        if (!this.#isHealthy(service, task)) unhealthy = true;
      }
    }
    for (const deployment of service.deployments) {
      if (deployment.status === 'PRIMARY') {
        deployment.desiredCount = service.desiredCount;
        continue;
      }
      if (deployment.status !== 'ACTIVE') continue;
      const remaining = activeByDeployment.get(deployment.id) ?? 0;
      if (deployment.desiredCount !== remaining) {
        deployment.desiredCount = remaining;
        deployment.updatedAt = now;
      }
      if ((live.get(deployment.id) ?? 0) === 0) {
        deployment.status = 'INACTIVE';
        deployment.updatedAt = now;
        core.schedule(now + INACTIVE_DEPLOYMENT_LINGER_MS, () => {
          const index = service.deployments.indexOf(deployment);
          if (index >= 0 && deployment.status === 'INACTIVE') service.deployments.splice(index, 1);
        });
      }
    }
    const current = service.deployments.filter((d) => d.status === 'PRIMARY' || d.status === 'ACTIVE');
    const primary = current.find((d) => d.status === 'PRIMARY');
    const steady =
      service.status === 'ACTIVE' &&
      current.length === 1 &&
      primary !== undefined &&
      service.runningCount === service.desiredCount &&
      service.pendingCount === 0 &&
      !onDraining &&
      !unhealthy;
    if (steady && primary.rolloutState === 'IN_PROGRESS') {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = now;
      service.sim.lastCompletedTaskDefinitionArn = primary.taskDefinitionArn;
      service.sim.lastCompletedDeploymentId = primary.id;
      core.serviceEvent(service, `(service ${service.name}) (deployment ${primary.id}) deployment completed.`);
    }
    this.#steadyEvent(service, steady);
  }

  #steadyEvent(service: SimService, steady: boolean): void {
    const core = this.#core;
    const last = service.sim.lastSteadyEventAt;
    if (steady && (!service.sim.steady || last === undefined || core.current - last >= STEADY_EVENT_REPEAT_MS)) {
      core.serviceEvent(service, `(service ${service.name}) has reached a steady state.`);
      service.sim.lastSteadyEventAt = core.current;
    }
    service.sim.steady = steady;
  }

  // ---------------------------------------------------------------- helpers

  #activeTasks(service: SimService, belongs: (task: SimTask) => boolean): SimTask[] {
    const active: SimTask[] = [];
    for (const task of this.#core.liveTasksOfService(service.arn)) {
      if (task.desiredStatus === 'RUNNING' && belongs(task)) active.push(task);
    }
    return active;
  }

  /**
   * Healthy for the scheduler: RUNNING, not UNHEALTHY, HEALTHY when the task definition has health checks,
   * and registered with its target groups (RUNNING a few seconds) behind a load balancer.
   */
  #isHealthy(service: SimService, task: SimTask): boolean {
    if (task.lastStatus !== 'RUNNING' || task.healthStatus === 'UNHEALTHY') return false;
    if (this.#hasHealthCheck(task.taskDefinitionArn) && task.healthStatus !== 'HEALTHY') return false;
    if (service.loadBalancers.length > 0 && (task.startedAt ?? 0) + LB_REGISTRATION_MS > this.#core.current)
      return false;
    return true;
  }

  #hasHealthCheck(taskDefinitionArn: string): boolean {
    let checked = this.#healthChecked.get(taskDefinitionArn);
    if (checked === undefined) {
      const definition = this.#core.state.taskDefinitions.get(taskDefinitionArn);
      checked = definition?.containerDefinitions.some((c) => c.essential && c.healthCheck !== undefined) ?? false;
      this.#healthChecked.set(taskDefinitionArn, checked);
    }
    return checked;
  }

  #onDrainingInstance(task: SimTask): boolean {
    if (!task.containerInstanceArn) return false;
    return this.#core.state.containerInstances.get(task.containerInstanceArn)?.status === 'DRAINING';
  }

  #clusterOf(service: SimService): SimCluster {
    const cluster = this.#core.state.clusters.get(service.clusterArn);
    if (!cluster) throw new Error(`simulator: service ${service.name} has no cluster`);
    return cluster;
  }
}

const TROUBLESHOOTING = 'For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.';

/** The "was unable to place a task" event, phrased as ECS phrases it for each reason. */
export function placementFailureMessage(
  serviceName: string,
  reason: string | undefined,
  instanceArn: string | undefined,
  noInstances: boolean,
): string {
  const prefix = `(service ${serviceName}) was unable to place a task`;
  if (noInstances) {
    return `${prefix} because no container instance met all of its requirements. Reason: No Container Instances were found in your cluster. ${TROUBLESHOOTING}`;
  }
  if (!instanceArn) return `${prefix}. Reason: ${reason ?? 'unknown'}. ${TROUBLESHOOTING}`;
  const instanceId = instanceArn.split('/').pop() ?? instanceArn;
  const closest = `The closest matching (container-instance ${instanceId})`;
  const detail: Record<string, string> = {
    'RESOURCE:MEMORY': 'has insufficient memory available',
    'RESOURCE:CPU': 'has insufficient CPU units available',
    'RESOURCE:PORTS': 'is already using a port required by your task',
    ATTRIBUTE: 'is missing an attribute required by your task',
    AGENT: 'encountered error "AGENT"',
  };
  const what = detail[reason ?? ''] ?? `encountered error "${reason ?? 'unknown'}"`;
  return `${prefix} because no container instance met all of its requirements. ${closest} ${what}. ${TROUBLESHOOTING}`;
}
