/**
 * The app's state: a vanilla zustand store (pollers and actions write outside React), in slices.
 * Entities live in Maps keyed by ARN. Updates are copy-on-write and keep every reference that did not change,
 * so selectors hand the UI the same row object until something about it really changed.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { type FailureGroup, type FailureOccurrence, mergeFailureGroups } from '../domain/failures.ts';
import type { Cluster, ContainerInstance, Service, ServiceEvent, Task, TaskDefinition } from '../domain/model.ts';
import { serviceEventKey } from '../domain/model.ts';
import type { ObservedTransition } from '../domain/timeline.ts';
import type { ClusterReservation, MetricsApiMeta, ServiceUtilisation, TaskInsights } from '../domain/utilisation.ts';
import { sameValue } from './equality.ts';

/** A container instance with the cluster we listed it in (ECS does not put it on the record). */
export type ScopedInstance = ContainerInstance & { clusterArn: string };

export interface ResourceError {
  message: string;
  kind: string;
  at: number;
}

/** Freshness of one resource feed (a pane's data): shown as "12s ago" and as the pane's error. */
export interface ResourceMeta {
  lastSuccessAt?: number;
  lastError?: ResourceError;
  inFlight: boolean;
}

export interface ApiMeta {
  total: number;
  throttled: number;
  errors: number;
  ratePerSecond: number;
  budgetCeiling: number;
  budgetEffective: number;
  byOperation: Readonly<Record<string, number>>;
}

export interface EcsState {
  clusters: ReadonlyMap<string, Cluster>;
  instances: ReadonlyMap<string, ScopedInstance>;
  services: ReadonlyMap<string, Service>;
  tasks: ReadonlyMap<string, Task>;
  taskDefinitions: ReadonlyMap<string, TaskDefinition>;
  /** Each task's status changes as we observed them, oldest first. */
  transitions: ReadonlyMap<string, readonly ObservedTransition[]>;
  /** Each service's events merged across polls without duplicates, newest first. */
  serviceEvents: ReadonlyMap<string, readonly ServiceEvent[]>;
  /** Every failure occurrence we know of (live, recorder, actions), by occurrence id. */
  failureOccurrences: ReadonlyMap<string, FailureOccurrence>;
  failureGroups: ReadonlyMap<string, FailureGroup>;
  /**
   * Freshness per feed, by its key (`feedKey` in feeds.ts): `clusters`, `services:<cluster>`, `tasks:<cluster>`,
   * `instances:<cluster>`, `stopped:<cluster>`.
   */
  meta: ReadonlyMap<string, ResourceMeta>;
  api: ApiMeta;
  /** CloudWatch utilisation by service ARN (metrics/poller.ts); empty while metrics are off. */
  serviceUtilisation: ReadonlyMap<string, ServiceUtilisation>;
  /** CloudWatch reservation by cluster ARN. */
  clusterReservation: ReadonlyMap<string, ClusterReservation>;
  /** Container Insights figures by task ARN, for the task detail that is open. */
  taskInsights: ReadonlyMap<string, TaskInsights>;
  /** CloudWatch's call rate and budget for the header; absent while metrics are off. */
  metricsApi?: MetricsApiMeta;
}

export type EcsStore = StoreApi<EcsState>;

/** How many service events we keep per service (ECS itself returns at most 100). */
export const MAX_EVENTS_PER_SERVICE = 200;
/** How many observed transitions we keep per task. */
const MAX_TRANSITIONS_PER_TASK = 16;

export function createEcsStore(): EcsStore {
  return createStore<EcsState>()(() => ({
    clusters: new Map(),
    instances: new Map(),
    services: new Map(),
    tasks: new Map(),
    taskDefinitions: new Map(),
    transitions: new Map(),
    serviceEvents: new Map(),
    failureOccurrences: new Map(),
    failureGroups: new Map(),
    meta: new Map(),
    api: {
      total: 0,
      throttled: 0,
      errors: 0,
      ratePerSecond: 0,
      budgetCeiling: 0,
      budgetEffective: 0,
      byOperation: {},
    },
    serviceUtilisation: new Map(),
    clusterReservation: new Map(),
    taskInsights: new Map(),
  }));
}

// ------------------------------------------------------------------ generic copy-on-write helpers

/**
 * Merges `incoming` into `current`, keeping the old object wherever the new one is equal. With `scope`, entries
 * of `current` that match the scope and are absent from `incoming` are removed (a full listing of that scope).
 * Returns `current` itself when nothing changed.
 */
export function mergeEntities<T>(
  current: ReadonlyMap<string, T>,
  incoming: Iterable<[string, T]>,
  options: { removeMissingIn?: (key: string, value: T) => boolean; keep?: (old: T, next: T) => boolean } = {},
): ReadonlyMap<string, T> {
  let next: Map<string, T> | undefined;
  const seen = new Set<string>();
  for (const [key, value] of incoming) {
    seen.add(key);
    const old = current.get(key);
    if (old !== undefined && (sameValue(old, value) || options.keep?.(old, value))) continue;
    next ??= new Map(current);
    next.set(key, value);
  }
  if (options.removeMissingIn) {
    for (const [key, value] of current) {
      if (!seen.has(key) && options.removeMissingIn(key, value)) {
        next ??= new Map(current);
        next.delete(key);
      }
    }
  }
  return next ?? current;
}

function withoutKeys<T>(current: ReadonlyMap<string, T>, keys: Iterable<string>): ReadonlyMap<string, T> {
  let next: Map<string, T> | undefined;
  for (const key of keys) {
    if (!current.has(key)) continue;
    next ??= new Map(current);
    next.delete(key);
  }
  return next ?? current;
}

/** ECS bumps a task's `version` on every change: never let an older answer overwrite a newer one. */
function olderVersion(old: Task, next: Task): boolean {
  return old.version !== undefined && next.version !== undefined && next.version < old.version;
}

// ------------------------------------------------------------------ slice updates

export function setClusters(store: EcsStore, clusters: Cluster[], options: { complete: boolean }): void {
  const state = store.getState();
  const merged = mergeEntities(
    state.clusters,
    clusters.map((c) => [c.clusterArn, c] as [string, Cluster]),
    options.complete ? { removeMissingIn: () => true } : {},
  );
  if (merged !== state.clusters) store.setState({ clusters: merged });
}

/**
 * Each instance record with its cluster, made once per record: a record the gateway hands out again (an unchanged
 * answer) is then the very one the store holds, and merging it costs no comparison.
 */
const scopedInstances = new WeakMap<ContainerInstance, ScopedInstance>();

function scopedInstance(instance: ContainerInstance, clusterArn: string): ScopedInstance {
  const kept = scopedInstances.get(instance);
  if (kept?.clusterArn === clusterArn) return kept;
  const scoped = { ...instance, clusterArn };
  scopedInstances.set(instance, scoped);
  return scoped;
}

/** A full listing of one cluster's instances. */
export function setInstances(store: EcsStore, clusterArn: string, instances: ContainerInstance[]): void {
  const state = store.getState();
  const merged = mergeEntities(
    state.instances,
    instances.map((i) => [i.containerInstanceArn, scopedInstance(i, clusterArn)] as [string, ScopedInstance]),
    { removeMissingIn: (_key, value) => value.clusterArn === clusterArn },
  );
  if (merged !== state.instances) store.setState({ instances: merged });
}

/** Instances changed by an action: merged, not a full listing. */
export function upsertInstances(store: EcsStore, clusterArn: string, instances: ContainerInstance[]): void {
  const state = store.getState();
  const merged = mergeEntities(
    state.instances,
    instances.map((i) => [i.containerInstanceArn, scopedInstance(i, clusterArn)] as [string, ScopedInstance]),
  );
  if (merged !== state.instances) store.setState({ instances: merged });
}

/**
 * The history each service's events were last merged into, by the events array: the same array (an unchanged
 * answer) merged into that same history again adds nothing, so it is not merged again.
 */
const mergedEvents = new WeakMap<readonly ServiceEvent[], readonly ServiceEvent[]>();

/** A full listing of one cluster's services; their events merge into the per-service history. */
export function setServices(
  store: EcsStore,
  clusterArn: string,
  services: Service[],
  options: { complete: boolean } = { complete: true },
): void {
  const state = store.getState();
  // ECS names the cluster on every service: the record itself then, not a copy to compare.
  const scoped = services.map(
    (s) => [s.serviceArn, s.clusterArn !== undefined ? s : { ...s, clusterArn }] as [string, Service],
  );
  const merged = mergeEntities(
    state.services,
    scoped,
    options.complete ? { removeMissingIn: (_key, value) => value.clusterArn === clusterArn } : {},
  );
  let events: Map<string, readonly ServiceEvent[]> | undefined;
  for (const [arn, service] of scoped) {
    const before = state.serviceEvents.get(arn) ?? [];
    const incoming = service.events ?? [];
    if (mergedEvents.get(incoming) === before) continue;
    const after = mergeEvents(before, incoming);
    mergedEvents.set(incoming, after);
    if (after !== before) {
      events ??= new Map(state.serviceEvents);
      events.set(arn, after);
    }
  }
  if (merged !== state.services || events) {
    store.setState({ services: merged, ...(events ? { serviceEvents: events } : {}) });
  }
}

/** Newest first, without duplicates, bounded. Returns `before` when nothing is new. */
export function mergeEvents(
  before: readonly ServiceEvent[],
  incoming: readonly ServiceEvent[],
): readonly ServiceEvent[] {
  const known = new Set(before.map(serviceEventKey));
  const fresh = incoming.filter((event) => !known.has(serviceEventKey(event)));
  if (fresh.length === 0) return before;
  const all = [...before, ...fresh];
  all.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  return all.slice(0, MAX_EVENTS_PER_SERVICE);
}

/**
 * Tasks as described. Records a transition whenever a task's status differs from what we held (or we see it
 * for the first time), stamped with `observedAt`.
 */
export function upsertTasks(
  store: EcsStore,
  tasks: Task[],
  observedAt: number,
  options: { recordTransitions?: boolean } = {},
): void {
  const state = store.getState();
  const merged = mergeEntities(
    state.tasks,
    tasks.map((t) => [t.taskArn, t] as [string, Task]),
    { keep: olderVersion },
  );
  let transitions: Map<string, readonly ObservedTransition[]> | undefined;
  // Tasks restored from history were not observed now: their transitions come from the record.
  for (const task of options.recordTransitions === false ? [] : tasks) {
    if (task.lastStatus === undefined) continue;
    const history = state.transitions.get(task.taskArn) ?? [];
    const last = history[history.length - 1];
    if (last?.status === task.lastStatus) continue;
    const held = state.tasks.get(task.taskArn);
    if (held && olderVersion(held, task)) continue;
    transitions ??= new Map(state.transitions);
    transitions.set(
      task.taskArn,
      [...history, { status: task.lastStatus, at: observedAt }].slice(-MAX_TRANSITIONS_PER_TASK),
    );
  }
  if (merged !== state.tasks || transitions) {
    store.setState({ tasks: merged, ...(transitions ? { transitions } : {}) });
  }
}

/** Transitions loaded from the flight recorder, merged before live ones. */
export function addObservedTransitions(
  store: EcsStore,
  entries: { taskArn: string; status: string; at: number }[],
): void {
  if (entries.length === 0) return;
  const state = store.getState();
  const next = new Map(state.transitions);
  for (const entry of entries) {
    const history = next.get(entry.taskArn) ?? [];
    if (history.some((h) => h.status === entry.status)) continue;
    const merged = [...history, { status: entry.status, at: entry.at }].sort((a, b) => a.at - b.at);
    next.set(entry.taskArn, merged.slice(-MAX_TRANSITIONS_PER_TASK));
  }
  store.setState({ transitions: next });
}

/** Entities ECS answered MISSING for, or that a full listing no longer names. */
export function pruneEntities(
  store: EcsStore,
  kind: 'clusters' | 'instances' | 'services' | 'tasks',
  arns: Iterable<string>,
): void {
  const state = store.getState();
  const current = state[kind] as ReadonlyMap<string, unknown>;
  const next = withoutKeys(current, arns);
  if (next !== current) store.setState({ [kind]: next } as Partial<EcsState>);
}

export function addTaskDefinition(store: EcsStore, definition: TaskDefinition): void {
  const state = store.getState();
  if (sameValue(state.taskDefinitions.get(definition.taskDefinitionArn), definition)) return;
  const next = new Map(state.taskDefinitions);
  next.set(definition.taskDefinitionArn, definition);
  store.setState({ taskDefinitions: next });
}

export function addFailures(store: EcsStore, occurrences: FailureOccurrence[]): void {
  const state = store.getState();
  const fresh = occurrences.filter((o) => !state.failureOccurrences.has(o.id));
  if (fresh.length === 0) return;
  const all = new Map(state.failureOccurrences);
  for (const occurrence of fresh) all.set(occurrence.id, occurrence);
  store.setState({ failureOccurrences: all, failureGroups: mergeFailureGroups(state.failureGroups, fresh) });
}

export function updateMeta(store: EcsStore, key: string, patch: Partial<ResourceMeta>): void {
  const state = store.getState();
  const before = state.meta.get(key) ?? { inFlight: false };
  const after = { ...before, ...patch };
  if (sameValue(before, after)) return;
  const next = new Map(state.meta);
  next.set(key, after);
  store.setState({ meta: next });
}

export function setApiMeta(store: EcsStore, api: ApiMeta): void {
  if (sameValue(store.getState().api, api)) return;
  store.setState({ api });
}
