/**
 * The state every part of the control plane shares: the ECS state, the indexes that keep lookups cheap on
 * large scenarios, the agenda, the random streams and simulated time. Lifecycle, placement and scheduler take
 * one of these; SimModel owns it.
 */
import type { ArnContext, EcsResourceType } from '../../domain/arn.ts';
import { buildArn } from '../../domain/arn.ts';
import type { Clock } from '../../lib/clock.ts';
import type { SeededRandom } from '../../lib/random.ts';
import { IdSource } from './ids.ts';
import { EventQueue } from './queue.ts';
import type { SimContainerInstance, SimService, SimState, SimTask, SimTaskDefinition } from './types.ts';

/** How many service events ECS keeps (DescribeServices shows the latest 100). */
export const MAX_SERVICE_EVENTS = 100;

/** Per-cluster indexes: ids and names to objects, in insertion order (which is the simulation's order). */
export interface ClusterIndex {
  tasks: Map<string, SimTask>;
  instances: Map<string, SimContainerInstance>;
  services: Map<string, SimService>;
  /** Fargate tasks not yet STOPPED, against the cluster's fargateCapacity. */
  activeFargateTasks: number;
  /** Set when a service could not place a task, so freed resources wake the cluster's services. */
  placementStarved: boolean;
}

/** What the tasks placed on an instance hold until they are STOPPED. */
export interface InstanceUsage {
  cpu: number;
  memory: number;
  /** Static host port -> number of tasks holding it. */
  ports: Map<number, number>;
}

export class ModelCore {
  readonly state: SimState;
  readonly clock: Clock;
  readonly random: SeededRandom;
  readonly ids: IdSource;
  /** Durations (pull, provisioning, stop). */
  readonly timing: SeededRandom;
  /** Placement choices (random strategy, dynamic ports, subnets). */
  readonly placementRandom: SeededRandom;
  /** Outcomes drawn per task and their delays. */
  readonly outcomeRandom: SeededRandom;
  readonly queue = new EventQueue();
  readonly stoppedTaskRetentionMs: number;
  readonly arnContext: ArnContext;

  readonly clusterIndexes = new Map<string, ClusterIndex>();
  /** Every retained task (STOPPED ones until their retention ends), by service and by instance. */
  readonly tasksByService = new Map<string, Set<SimTask>>();
  readonly tasksByInstance = new Map<string, Set<SimTask>>();
  /** Tasks not yet STOPPED: what the scheduler walks, so an hour of a crash loop's dead tasks costs nothing. */
  readonly liveTasksByService = new Map<string, Set<SimTask>>();
  readonly liveTasksByInstance = new Map<string, Set<SimTask>>();
  readonly instanceUsage = new Map<string, InstanceUsage>();
  /** Family -> revisions in order (index = revision - 1). */
  readonly familyRevisions = new Map<string, SimTaskDefinition[]>();

  /** Simulated now (ms): the time of the last processed action or advance. */
  current: number;
  /** Called just before a STOPPED task is dropped from the state (the log store keeps its streams). */
  readonly taskForgottenListeners: ((task: SimTask) => void)[] = [];

  readonly #dirtyServices = new Set<SimService>();
  #reconcileScheduled = false;
  /** Set by SimModel once the scheduler exists (it needs the lifecycle, which needs this core). */
  reconcileService: (service: SimService) => void = () => {};

  constructor(state: SimState, clock: Clock, random: SeededRandom, retentionMs: number) {
    this.state = state;
    this.clock = clock;
    this.random = random;
    // Independent streams, forked in a fixed order, so new draws in one area do not shift the others.
    this.ids = new IdSource(random.fork('ids'));
    this.timing = random.fork('timing');
    this.placementRandom = random.fork('placement');
    this.outcomeRandom = random.fork('outcomes');
    this.stoppedTaskRetentionMs = retentionMs;
    this.arnContext = { region: state.region, accountId: state.accountId };
    this.current = clock.now();
  }

  /** An ARN in this model's region and account (containers have ARNs too, though no API takes them). */
  arn(type: EcsResourceType | 'container', resource: string): string {
    if (type === 'container')
      return `arn:aws:ecs:${this.arnContext.region}:${this.arnContext.accountId}:container/${resource}`;
    return buildArn(this.arnContext, type, resource);
  }

  /** Run `run` at `at` (never before simulated now). */
  schedule(at: number, run: () => void): void {
    this.queue.push(Math.max(at, this.current), run);
  }

  clusterIndex(clusterArn: string): ClusterIndex {
    let index = this.clusterIndexes.get(clusterArn);
    if (!index) {
      index = {
        tasks: new Map(),
        instances: new Map(),
        services: new Map(),
        activeFargateTasks: 0,
        placementStarved: false,
      };
      this.clusterIndexes.set(clusterArn, index);
    }
    return index;
  }

  usageOf(instanceArn: string): InstanceUsage {
    let usage = this.instanceUsage.get(instanceArn);
    if (!usage) {
      usage = { cpu: 0, memory: 0, ports: new Map() };
      this.instanceUsage.set(instanceArn, usage);
    }
    return usage;
  }

  tasksOfService(serviceArn: string): Set<SimTask> {
    return setIn(this.tasksByService, serviceArn);
  }
  tasksOfInstance(instanceArn: string): Set<SimTask> {
    return setIn(this.tasksByInstance, instanceArn);
  }
  liveTasksOfService(serviceArn: string): Set<SimTask> {
    return setIn(this.liveTasksByService, serviceArn);
  }
  liveTasksOfInstance(instanceArn: string): Set<SimTask> {
    return setIn(this.liveTasksByInstance, instanceArn);
  }

  /** Ask for a reconcile of `service` at the current simulated time (once, however often it is touched). */
  markDirty(service: SimService): void {
    this.#dirtyServices.add(service);
    if (!this.#reconcileScheduled) {
      this.#reconcileScheduled = true;
      this.schedule(this.current, () => this.#reconcileDirty());
    }
  }

  markDirtyAt(service: SimService, at: number): void {
    this.schedule(at, () => this.markDirty(service));
  }

  /** Wake every service of a cluster (capacity appeared: an instance registered, re-activated, reconnected). */
  markClusterDirty(clusterArn: string): void {
    for (const service of this.clusterIndex(clusterArn).services.values()) this.markDirty(service);
  }

  /** Resources were freed in a cluster: wake its services if one of them is waiting for room. */
  capacityFreed(clusterArn: string): void {
    const index = this.clusterIndex(clusterArn);
    if (!index.placementStarved) return;
    index.placementStarved = false;
    this.markClusterDirty(clusterArn);
  }

  #reconcileDirty(): void {
    // A reconcile may dirty services again (it stops and starts tasks); those run in a fresh pass at the same
    // instant. The bound stops a pathological ping-pong from hanging advance().
    for (let pass = 0; pass < 10 && this.#dirtyServices.size > 0; pass++) {
      const batch = [...this.#dirtyServices];
      this.#dirtyServices.clear();
      for (const service of batch) this.reconcileService(service);
    }
    this.#reconcileScheduled = false;
    if (this.#dirtyServices.size > 0) {
      this.#reconcileScheduled = true;
      this.schedule(this.current + 1000, () => this.#reconcileDirty());
    }
  }

  /** Add a service event (newest first, at most 100). */
  serviceEvent(service: SimService, message: string): void {
    service.events.unshift({ id: this.ids.uuid(), createdAt: this.current, message });
    if (service.events.length > MAX_SERVICE_EVENTS) service.events.length = MAX_SERVICE_EVENTS;
  }
}

function setIn<T>(map: Map<string, Set<T>>, key: string): Set<T> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
