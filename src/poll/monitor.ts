/**
 * The pollers of the app, wired gateway -> store. Clusters everywhere on a slow cadence; the focused cluster's
 * services, tasks and instances on a fast one; stopped tasks and instances of every other cluster on a slow one, so
 * the failure feed and every cluster's health (failures, agents) cover the whole account.
 * Fetches only what can have changed: a STOPPED task is final and described once, task definitions are
 * immutable and cached, stopping tasks are re-described with the running ones in the same batches.
 */
import { type FailureOccurrence, serviceEventFailure, taskFailureOccurrence } from '../domain/failures.ts';
import type { Service, ServiceEvent, Task, TaskDefinition } from '../domain/model.ts';
import type { CallOptions, EcsGateway } from '../ecs/gateway.ts';
import type { Scheduler, TimerHandle } from '../lib/scheduler.ts';
import { feedKey } from '../store/feeds.ts';
import {
  addFailures,
  addTaskDefinition,
  type EcsStore,
  pruneEntities,
  setApiMeta,
  setClusters,
  setInstances,
  setServices,
  updateMeta,
  upsertTasks,
} from '../store/store.ts';
import { Poller } from './poller.ts';

export interface Cadence {
  clustersMs: number;
  servicesMs: number;
  tasksMs: number;
  instancesMs: number;
  /** Stopped tasks of the focused cluster (the failure feed). */
  stoppedMs: number;
  /** Stopped tasks of the other clusters. */
  backgroundStoppedMs: number;
  /** Container instances of the other clusters (their agents and drains judge the clusters' health). */
  backgroundInstancesMs: number;
}

export const DEFAULT_CADENCE: Cadence = {
  clustersMs: 30_000,
  servicesMs: 5_000,
  tasksMs: 5_000,
  instancesMs: 15_000,
  stoppedMs: 15_000,
  backgroundStoppedMs: 60_000,
  backgroundInstancesMs: 60_000,
};

/** `--refresh SECONDS` sets the fast cadence; the others keep their proportion to it. */
export function scaledCadence(refreshSeconds: number | undefined): Cadence {
  if (!refreshSeconds || !(refreshSeconds > 0)) return DEFAULT_CADENCE;
  const factor = (refreshSeconds * 1000) / DEFAULT_CADENCE.tasksMs;
  const scaled = Object.entries(DEFAULT_CADENCE).map(([key, ms]) => [key, Math.round(ms * factor)]);
  return Object.fromEntries(scaled) as unknown as Cadence;
}

/** What the flight recorder hears from the pollers. */
export interface MonitorObserver {
  transitions?(entries: { task: Task; status: string; at: number }[]): void;
  /** Tasks seen reaching STOPPED that did not end well, once each. */
  failedTasks?(tasks: Task[], observedAt: number): void;
  /** Placement failures first seen in a service's events. */
  placementFailures?(entries: { service: Service; event: ServiceEvent }[]): void;
}

export interface MonitorOptions {
  gateway: EcsGateway;
  store: EcsStore;
  scheduler: Scheduler;
  cadence?: Cadence;
  observer?: MonitorObserver;
  /** Keep failed STOPPED tasks in the store this long after ECS forgets them (the failures window). */
  failedTaskRetentionMs?: number;
}

/** How often the header's call rate is brought up to date, whether or not a refresh has ended. */
const API_META_INTERVAL_MS = 1000;

function errorInfo(error: unknown, at: number) {
  const kind = typeof error === 'object' && error !== null && 'kind' in error ? String(error.kind) : 'unknown';
  const message = error instanceof Error ? error.message : String(error);
  return { kind, message, at };
}

function isFinal(task: Task | undefined): boolean {
  return task?.lastStatus === 'STOPPED' || task?.lastStatus === 'DELETED';
}

export class Monitor {
  readonly #gateway: EcsGateway;
  readonly #store: EcsStore;
  readonly #scheduler: Scheduler;
  readonly #cadence: Cadence;
  readonly #observer: MonitorObserver;
  readonly #failedRetentionMs: number;
  readonly #clusterPoller: Poller;
  #focusPollers: Poller[] = [];
  /** The slow pollers of each cluster out of focus: its stopped tasks and its instances. */
  #background = new Map<string, Poller[]>();
  /** Background pollers waiting for their first run (see #startBackground). */
  #deferred = new Map<Poller, TimerHandle>();
  #focused: string | undefined;
  #taskDefinitions = new Map<string, Promise<TaskDefinition | undefined>>();
  #started = false;
  #apiMetaTimer: TimerHandle | undefined;

  constructor(options: MonitorOptions) {
    this.#gateway = options.gateway;
    this.#store = options.store;
    this.#scheduler = options.scheduler;
    this.#cadence = options.cadence ?? DEFAULT_CADENCE;
    this.#observer = options.observer ?? {};
    this.#failedRetentionMs = options.failedTaskRetentionMs ?? 24 * 3600_000;
    this.#clusterPoller = this.#poller(feedKey.clusters, this.#cadence.clustersMs, (signal) =>
      this.#refreshClusters(signal),
    );
    // The header shows the real budget from the first frame, before any call.
    this.#publishApiMeta();
  }

  get focusedCluster(): string | undefined {
    return this.#focused;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#clusterPoller.start();
    for (const poller of this.#focusPollers) poller.start();
    this.#tickApiMeta();
  }

  stop(): void {
    this.#started = false;
    if (this.#apiMetaTimer) this.#scheduler.clearTimeout(this.#apiMetaTimer);
    this.#apiMetaTimer = undefined;
    this.#clusterPoller.stop();
    for (const poller of [...this.#focusPollers, ...this.#backgroundPollers()]) poller.stop();
    for (const timer of this.#deferred.values()) this.#scheduler.clearTimeout(timer);
    this.#deferred.clear();
  }

  /** Point the fast pollers at one cluster (ARN or name); the old cluster's in-flight calls are aborted. */
  focusCluster(cluster: string | undefined): void {
    if (cluster === this.#focused) return;
    for (const poller of this.#focusPollers) poller.stop();
    this.#focused = cluster;
    this.#focusPollers = [];
    if (cluster === undefined) return;
    const c = this.#cadence;
    this.#focusPollers = [
      this.#poller(feedKey.services(cluster), c.servicesMs, (signal) => this.#refreshServices(cluster, signal)),
      this.#poller(feedKey.tasks(cluster), c.tasksMs, (signal) => this.#refreshTasks(cluster, signal)),
      this.#poller(feedKey.instances(cluster), c.instancesMs, (signal) => this.#refreshInstances(cluster, signal)),
      this.#poller(feedKey.stopped(cluster), c.stoppedMs, (signal) => this.#refreshStopped(cluster, signal)),
    ];
    // The background pollers of this cluster would duplicate the focused ones.
    for (const poller of this.#background.get(cluster) ?? []) poller.stop();
    this.#background.delete(cluster);
    if (this.#started) for (const poller of this.#focusPollers) poller.start();
  }

  /** ctrl-r: every poller of the focused cluster and the cluster list, now. */
  refreshNow(): void {
    this.#clusterPoller.refreshNow();
    for (const poller of this.#focusPollers) poller.refreshNow();
  }

  /** Resolves once no poller has a run in flight (tests, snapshot). */
  async idle(): Promise<void> {
    const all = () => [this.#clusterPoller, ...this.#focusPollers, ...this.#backgroundPollers()];
    while (all().some((p) => p.running)) await Promise.all(all().map((p) => p.idle()));
  }

  /** How many runs each feed has started (benchmarks count refresh cycles with it). */
  feedRuns(): Record<string, number> {
    const all = [this.#clusterPoller, ...this.#focusPollers, ...this.#backgroundPollers()];
    return Object.fromEntries(all.map((poller) => [poller.name, poller.runs]));
  }

  /** A task definition revision, described at most once (revisions never change). */
  taskDefinition(arn: string): Promise<TaskDefinition | undefined> {
    const cached = this.#store.getState().taskDefinitions.get(arn);
    if (cached) return Promise.resolve(cached);
    let pending = this.#taskDefinitions.get(arn);
    if (!pending) {
      pending = this.#gateway.describeTaskDefinition(arn).then(
        (definition) => {
          if (definition) addTaskDefinition(this.#store, definition);
          return definition;
        },
        (error: unknown) => {
          // Let a later request try again.
          this.#taskDefinitions.delete(arn);
          throw error;
        },
      );
      this.#taskDefinitions.set(arn, pending);
    }
    return pending;
  }

  /**
   * The ACTIVE revisions of a family, newest first (ListTaskDefinitions, every page, or one page of `limit`). Not
   * cached: a new revision can be registered at any time.
   */
  taskDefinitionRevisions(family: string, options: CallOptions & { limit?: number } = {}): Promise<string[]> {
    const { limit, ...call } = options;
    return this.#gateway.listTaskDefinitions(
      family,
      { status: 'ACTIVE', sort: 'DESC', ...(limit !== undefined ? { limit } : {}) },
      call,
    );
  }

  #backgroundPollers(): Poller[] {
    return [...this.#background.values()].flat();
  }

  #poller(key: string, intervalMs: number, run: (signal: AbortSignal) => Promise<void>): Poller {
    return new Poller({
      name: key,
      intervalMs,
      scheduler: this.#scheduler,
      run,
      onStart: () => updateMeta(this.#store, key, { inFlight: true }),
      onSettled: ({ ok, error, at }) => {
        updateMeta(
          this.#store,
          key,
          ok
            ? { inFlight: false, lastSuccessAt: at, lastError: undefined }
            : { inFlight: false, lastError: errorInfo(error, at) },
        );
        this.#publishApiMeta();
      },
    });
  }

  /** The rate and the budget from the start and every second: a stalled or endless refresh must not freeze them. */
  #tickApiMeta(): void {
    this.#publishApiMeta();
    this.#apiMetaTimer = this.#scheduler.setTimeout(() => {
      if (this.#started) this.#tickApiMeta();
    }, API_META_INTERVAL_MS);
  }

  #publishApiMeta(): void {
    const stats = this.#gateway.stats();
    const budget = this.#gateway.budget();
    setApiMeta(this.#store, {
      total: stats.total,
      throttled: stats.throttled,
      errors: stats.errors,
      ratePerSecond: stats.ratePerSecond,
      budgetCeiling: budget.ceiling,
      budgetEffective: budget.effective,
      byOperation: stats.byOperation,
    });
  }

  async #refreshClusters(signal: AbortSignal): Promise<void> {
    const arns = await this.#gateway.listClusters({ signal });
    const { items, missing } = await this.#gateway.describeClusters(arns, { signal });
    setClusters(this.#store, items, { complete: true });
    pruneEntities(this.#store, 'clusters', missing);
    // Every cluster but the focused one gets slow pollers of its stopped tasks (the failure feed) and its instances.
    const present = new Set(items.map((c) => c.clusterArn));
    for (const [arn, pollers] of this.#background) {
      if (!present.has(arn)) {
        for (const poller of pollers) poller.stop();
        this.#background.delete(arn);
      }
    }
    const c = this.#cadence;
    let fresh = 0;
    for (const arn of present) {
      if (arn === this.#focused || this.#background.has(arn)) continue;
      const pollers = [
        this.#poller(feedKey.stopped(arn), c.backgroundStoppedMs, (s) => this.#refreshStopped(arn, s)),
        this.#poller(feedKey.instances(arn), c.backgroundInstancesMs, (s) => this.#refreshBackgroundInstances(arn, s)),
      ];
      this.#background.set(arn, pollers);
      for (const poller of pollers) this.#startBackground(arn, poller, fresh++);
    }
  }

  /**
   * The n-th background poller created in one go starts n steps after the first, a step being the time two calls take
   * at half the budget: the first load of a large account then leaves the focused cluster half the budget instead of
   * queueing its calls behind every other cluster's.
   */
  #startBackground(cluster: string, poller: Poller, index: number): void {
    if (!this.#started) return;
    const stepMs = (2 * 1000) / Math.max(1, this.#gateway.budget().ceiling / 2);
    const timer = this.#scheduler.setTimeout(() => {
      this.#deferred.delete(poller);
      // Not if the cluster was focused or went away meanwhile: its pollers were stopped for good.
      if (this.#started && this.#background.get(cluster)?.includes(poller)) poller.start();
    }, index * stepMs);
    this.#deferred.set(poller, timer);
  }

  async #refreshServices(cluster: string, signal: AbortSignal): Promise<void> {
    const arns = await this.#gateway.listServices(cluster, { signal });
    const { items, missing } = await this.#gateway.describeServices(cluster, arns, { signal });
    setServices(this.#store, cluster, items, { complete: true });
    pruneEntities(this.#store, 'services', missing);
    const known = this.#store.getState().failureOccurrences;
    const fresh: { service: Service; event: ServiceEvent; occurrence: FailureOccurrence }[] = [];
    for (const service of items) {
      for (const event of service.events ?? []) {
        const occurrence = serviceEventFailure(service, event);
        if (occurrence && !known.has(occurrence.id)) fresh.push({ service, event, occurrence });
      }
    }
    if (fresh.length > 0) {
      addFailures(
        this.#store,
        fresh.map((f) => f.occurrence),
      );
      this.#observer.placementFailures?.(fresh);
    }
  }

  async #refreshInstances(cluster: string, signal: AbortSignal): Promise<void> {
    const arns = await this.#gateway.listContainerInstances(cluster, {}, { signal });
    const { items } = await this.#gateway.describeContainerInstances(cluster, arns, { signal });
    setInstances(this.#store, cluster, items);
  }

  /** A cluster out of focus: its instances, without a call when DescribeClusters says it has none (Fargate only). */
  async #refreshBackgroundInstances(cluster: string, signal: AbortSignal): Promise<void> {
    if (this.#store.getState().clusters.get(cluster)?.registeredContainerInstancesCount === 0) {
      setInstances(this.#store, cluster, []);
      return;
    }
    await this.#refreshInstances(cluster, signal);
  }

  /** Running (and pending) tasks, plus the tasks we hold that are on their way to STOPPED, in one set of batches. */
  async #refreshTasks(cluster: string, signal: AbortSignal): Promise<void> {
    const listed = await this.#gateway.listTasks(cluster, { desiredStatus: 'RUNNING' }, { signal });
    const wanted = new Set(listed);
    for (const task of this.#store.getState().tasks.values()) {
      if (task.clusterArn === cluster && !isFinal(task) && !wanted.has(task.taskArn)) wanted.add(task.taskArn);
    }
    // Tags ride along in the same calls (include TAGS costs no extra request): the task view shows them.
    const { items, missing } = await this.#gateway.describeTasks(cluster, [...wanted], { signal, includeTags: true });
    this.#absorbTasks(items);
    pruneEntities(this.#store, 'tasks', missing);
  }

  /** Stopped tasks: each described once, then final. Feeds the failures. */
  async #refreshStopped(cluster: string, signal: AbortSignal): Promise<void> {
    const listed = await this.#gateway.listTasks(cluster, { desiredStatus: 'STOPPED' }, { signal });
    const held = this.#store.getState().tasks;
    const fresh = listed.filter((arn) => !isFinal(held.get(arn)));
    if (fresh.length > 0) {
      const { items } = await this.#gateway.describeTasks(cluster, fresh, { signal, includeTags: true });
      this.#absorbTasks(items);
    }
    this.#forgetStopped(cluster, new Set(listed));
  }

  #absorbTasks(tasks: Task[]): void {
    const before = this.#store.getState();
    const now = this.#scheduler.now();
    upsertTasks(this.#store, tasks, now);
    const after = this.#store.getState();
    if (after.transitions !== before.transitions) {
      const changed = tasks.flatMap((task) => {
        const history = after.transitions.get(task.taskArn);
        const last = history?.[history.length - 1];
        return last && last !== before.transitions.get(task.taskArn)?.at(-1)
          ? [{ task, status: last.status, at: last.at }]
          : [];
      });
      if (changed.length > 0) this.#observer.transitions?.(changed);
    }
    const newlyStopped = tasks.filter((task) => isFinal(task) && !isFinal(before.tasks.get(task.taskArn)));
    const occurrences = newlyStopped.flatMap((task) => taskFailureOccurrence(task, { observedAt: now }) ?? []);
    if (occurrences.length > 0) {
      addFailures(this.#store, occurrences);
      const failedArns = new Set(occurrences.map((o) => o.id));
      this.#observer.failedTasks?.(
        newlyStopped.filter((task) => failedArns.has(task.taskArn)),
        now,
      );
    }
  }

  /** ECS forgets stopped tasks after about an hour; we drop the ones that did not fail when it does. */
  #forgetStopped(cluster: string, stillListed: Set<string>): void {
    const state = this.#store.getState();
    const now = this.#scheduler.now();
    const gone: string[] = [];
    for (const task of state.tasks.values()) {
      if (task.clusterArn !== cluster || !isFinal(task) || stillListed.has(task.taskArn)) continue;
      const failed = state.failureOccurrences.has(task.taskArn);
      const stoppedAt = task.stoppedAt ?? 0;
      if (!failed || now - stoppedAt > this.#failedRetentionMs) gone.push(task.taskArn);
    }
    if (gone.length > 0) pruneEntities(this.#store, 'tasks', gone);
  }
}
