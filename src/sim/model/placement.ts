/**
 * Where a task goes (ECS_API_NOTES §1.3, §3): eligible container instances, constraints, strategies (binpack,
 * spread, random), the failure reason when nothing fits, Fargate capacity and subnets, and launch types from
 * capacity provider strategies.
 */

import type { SimFailure } from '../errors.ts';
import { invalidParameter } from '../errors.ts';
import type { ModelCore } from './core.ts';
import type { TaskSize } from './resources.ts';
import type {
  CapacityProviderStrategyItem,
  PlacementConstraint,
  PlacementStrategy,
  SimCluster,
  SimContainerInstance,
  SimTask,
} from './types.ts';

export const FARGATE_CAPACITY_REASON =
  'Capacity is unavailable at this time. Please try again later or in a different availability zone';
export const NO_INSTANCES_MESSAGE = 'No Container Instances were found in your cluster.';
/** The attribute ECS sets on an external (ECS Anywhere) instance; EXTERNAL tasks go there and only there. */
export const EXTERNAL_INSTANCE_ATTRIBUTE = 'ecs.capability.external';

export function isExternalInstance(instance: SimContainerInstance): boolean {
  return instance.attributes.some((attribute) => attribute.name === EXTERNAL_INSTANCE_ATTRIBUTE);
}

/** Services spread over zones, then instances, unless they say otherwise. */
export const SERVICE_DEFAULT_STRATEGY: PlacementStrategy[] = [
  { type: 'spread', field: 'attribute:ecs.availability-zone' },
  { type: 'spread', field: 'instanceId' },
];
export const RUN_TASK_DEFAULT_STRATEGY: PlacementStrategy[] = [{ type: 'random' }];

export interface PlacementRequest {
  cluster: SimCluster;
  size: TaskSize;
  hostPorts: number[];
  constraints: PlacementConstraint[];
  strategies: PlacementStrategy[];
  /** The tasks spread and distinctInstance count: the service's, or the group's. */
  peers: Iterable<SimTask>;
  /** An EC2 capacity provider: only its instances (when the cluster has any). */
  capacityProviderName?: string;
  /** EXTERNAL tasks go to external instances only, EC2 tasks never do. */
  external: boolean;
}

export type PlacementOutcome =
  | { instance: SimContainerInstance }
  /** `noInstances`: the cluster has no ACTIVE instance of the launch type at all. */
  | { failure: SimFailure; noInstances?: boolean };

type ResourceShortfall = 'RESOURCE:CPU' | 'RESOURCE:MEMORY' | 'RESOURCE:PORTS';

/** Pick an instance for one task, or say why none fits. */
export function placeOnInstance(core: ModelCore, request: PlacementRequest): PlacementOutcome {
  let instances = [...core.clusterIndex(request.cluster.arn).instances.values()].filter(
    (instance) => isExternalInstance(instance) === request.external,
  );
  if (request.capacityProviderName && instances.some((i) => i.capacityProviderName === request.capacityProviderName)) {
    instances = instances.filter((i) => i.capacityProviderName === request.capacityProviderName);
  }
  const active = instances.filter((i) => i.status === 'ACTIVE');
  if (active.length === 0) return { failure: { reason: 'MISSING', detail: NO_INSTANCES_MESSAGE }, noInstances: true };
  const connected = active.filter((i) => i.agentConnected);
  if (connected.length === 0) return { failure: { arn: (active[0] as SimContainerInstance).arn, reason: 'AGENT' } };

  const peerCounts = countPeersByInstance(request.peers);
  const allowed = connected.filter((instance) =>
    request.constraints.every((constraint) => satisfies(instance, constraint, peerCounts)),
  );
  if (allowed.length === 0)
    return { failure: { arn: (connected[0] as SimContainerInstance).arn, reason: 'ATTRIBUTE' } };

  const fitting: SimContainerInstance[] = [];
  // The closest instance is the one that falls shortest of the task's needs (ECS names it in the failure).
  let closest: { instance: SimContainerInstance; shortfalls: ResourceShortfall[]; deficit: number } | undefined;
  for (const instance of allowed) {
    const shortfalls = shortfallsOn(core, instance, request);
    if (shortfalls.length === 0) {
      fitting.push(instance);
      continue;
    }
    const remaining = remainingOf(core, instance);
    const deficit =
      Math.max(0, request.size.cpu - remaining.cpu) / Math.max(1, request.size.cpu) +
      Math.max(0, request.size.memory - remaining.memory) / Math.max(1, request.size.memory) +
      (shortfalls.includes('RESOURCE:PORTS') ? 1 : 0);
    if (!closest || deficit < closest.deficit) closest = { instance, shortfalls, deficit };
  }
  if (fitting.length === 0 && closest) {
    return { failure: { arn: closest.instance.arn, reason: closest.shortfalls[0] as ResourceShortfall } };
  }
  return { instance: applyStrategies(core, fitting, request.strategies, peerCounts, instances) };
}

/** Why `instance` cannot take a task of this size now (empty when it can), in ECS's order: CPU, memory, ports. */
export function shortfallsOn(
  core: ModelCore,
  instance: SimContainerInstance,
  request: Pick<PlacementRequest, 'size' | 'hostPorts'>,
): ResourceShortfall[] {
  const remaining = remainingOf(core, instance);
  const shortfalls: ResourceShortfall[] = [];
  if (request.size.cpu > remaining.cpu) shortfalls.push('RESOURCE:CPU');
  if (request.size.memory > remaining.memory) shortfalls.push('RESOURCE:MEMORY');
  const used = core.usageOf(instance.arn).ports;
  if (request.hostPorts.some((port) => used.has(port) || instance.reservedPorts.includes(port))) {
    shortfalls.push('RESOURCE:PORTS');
  }
  return shortfalls;
}

export function remainingOf(core: ModelCore, instance: SimContainerInstance): { cpu: number; memory: number } {
  const usage = core.usageOf(instance.arn);
  return { cpu: instance.registeredCpu - usage.cpu, memory: instance.registeredMemory - usage.memory };
}

/** Peer tasks still meant to run, per instance. */
function countPeersByInstance(peers: Iterable<SimTask>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of peers) {
    if (task.desiredStatus !== 'RUNNING' || !task.containerInstanceArn) continue;
    counts.set(task.containerInstanceArn, (counts.get(task.containerInstanceArn) ?? 0) + 1);
  }
  return counts;
}

function satisfies(
  instance: SimContainerInstance,
  constraint: PlacementConstraint,
  peerCounts: Map<string, number>,
): boolean {
  if (constraint.type === 'distinctInstance') return (peerCounts.get(instance.arn) ?? 0) === 0;
  if (constraint.type === 'memberOf') return matchesExpression(instance, constraint.expression ?? '');
  throw invalidParameter(`Unsupported placement constraint type: ${constraint.type}.`);
}

/**
 * The cluster query language, as far as the simulator speaks it: `attribute:<name> == value`, `!= value`,
 * `in [a, b]`, `not_in [a, b]`, joined by `and` / `or` (no parentheses).
 */
export function matchesExpression(instance: SimContainerInstance, expression: string): boolean {
  const alternatives = expression.split(/\s+or\s+/i);
  return alternatives.some((alternative) =>
    alternative.split(/\s+and\s+/i).every((term) => matchesTerm(instance, term.trim(), expression)),
  );
}

function matchesTerm(instance: SimContainerInstance, term: string, expression: string): boolean {
  const match = /^attribute:([\w.-]+)\s*(==|!=|not_in|in)\s*(.+)$/i.exec(term);
  if (!match) throw invalidParameter(`Unsupported placement constraint expression: ${expression}`);
  const [, name = '', operator = '', rawValue = ''] = match;
  const actual = attributeValue(instance, name);
  const op = operator.toLowerCase();
  if (op === 'in' || op === 'not_in') {
    const list = rawValue
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    const member = actual !== undefined && list.includes(actual);
    return op === 'in' ? member : !member;
  }
  const value = rawValue.trim();
  return op === '==' ? actual === value : actual !== value;
}

export function attributeValue(instance: SimContainerInstance, name: string): string | undefined {
  return instance.attributes.find((a) => a.name === name)?.value;
}

/** Narrow the fitting instances strategy by strategy; the first one left wins. */
function applyStrategies(
  core: ModelCore,
  fitting: SimContainerInstance[],
  strategies: PlacementStrategy[],
  peerCounts: Map<string, number>,
  allInstances: SimContainerInstance[],
): SimContainerInstance {
  let candidates = fitting;
  for (const strategy of strategies) {
    if (candidates.length <= 1) break;
    if (strategy.type === 'random') {
      candidates = [core.placementRandom.pick(candidates)];
    } else if (strategy.type === 'binpack') {
      const field = (strategy.field ?? 'memory').toLowerCase();
      if (field !== 'memory' && field !== 'cpu') throw invalidParameter(`Invalid binpack field: ${strategy.field}.`);
      const remaining = (i: SimContainerInstance) => remainingOf(core, i)[field];
      const least = Math.min(...candidates.map(remaining));
      candidates = candidates.filter((i) => remaining(i) === least);
    } else if (strategy.type === 'spread') {
      candidates = spread(candidates, strategy.field ?? 'instanceId', peerCounts, allInstances);
    } else {
      throw invalidParameter(`Invalid placement strategy type: ${strategy.type}.`);
    }
  }
  return candidates[0] as SimContainerInstance;
}

/** Keep the instances whose value of `field` holds the fewest peers. */
function spread(
  candidates: SimContainerInstance[],
  field: string,
  peerCounts: Map<string, number>,
  allInstances: SimContainerInstance[],
): SimContainerInstance[] {
  const byInstance = field === 'instanceId' || field === 'host';
  const keyOf = (instance: SimContainerInstance) =>
    byInstance ? instance.arn : (attributeValue(instance, field.replace(/^attribute:/, '')) ?? '');
  const perValue = new Map<string, number>();
  // Count peers on every instance of a value, not only the fitting ones: a full zone still holds its tasks.
  for (const instance of allInstances) {
    const key = keyOf(instance);
    perValue.set(key, (perValue.get(key) ?? 0) + (peerCounts.get(instance.arn) ?? 0));
  }
  const fewest = Math.min(...candidates.map((i) => perValue.get(keyOf(i)) ?? 0));
  return candidates.filter((i) => (perValue.get(keyOf(i)) ?? 0) === fewest);
}

// ---------------------------------------------------------------- Fargate

/** A Fargate slot, or the capacity failure. */
export function fargateHasCapacity(core: ModelCore, cluster: SimCluster): boolean {
  return core.clusterIndex(cluster.arn).activeFargateTasks < cluster.fargateCapacity;
}

/**
 * A subnet (and its zone) for an awsvpc task: for services the zone with the fewest of their tasks, otherwise
 * a random one of those named. Subnets the cluster does not know get a zone of the region, drawn once per name.
 */
export function chooseSubnet(
  core: ModelCore,
  cluster: SimCluster,
  subnetIds: string[],
  peers: Iterable<SimTask> | undefined,
  zoneOf: (subnetId: string) => string,
): { subnetId: string; availabilityZone: string } {
  const subnets = (subnetIds.length > 0 ? subnetIds : cluster.subnets.map((s) => s.subnetId)).map((subnetId) => ({
    subnetId,
    availabilityZone: cluster.subnets.find((s) => s.subnetId === subnetId)?.availabilityZone ?? zoneOf(subnetId),
  }));
  if (subnets.length === 0) throw invalidParameter('subnets can not be empty.');
  if (!peers) return core.placementRandom.pick(subnets);
  const perZone = new Map<string, number>();
  for (const task of peers) {
    if (task.desiredStatus !== 'RUNNING' || !task.availabilityZone) continue;
    perZone.set(task.availabilityZone, (perZone.get(task.availabilityZone) ?? 0) + 1);
  }
  let best = subnets[0] as { subnetId: string; availabilityZone: string };
  for (const subnet of subnets) {
    if ((perZone.get(subnet.availabilityZone) ?? 0) < (perZone.get(best.availabilityZone) ?? 0)) best = subnet;
  }
  return best;
}

// ---------------------------------------------------------------- launch types

export interface ResolvedLaunch {
  launchType: 'EC2' | 'FARGATE' | 'EXTERNAL';
  capacityProviderName?: string;
}

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

/**
 * The launch type of one task: an explicit launchType, else a provider from the capacity provider strategy (or
 * the cluster's default strategy), else EC2. `launched` counts tasks already started per provider, so `base`
 * and `weight` split them as ECS does.
 */
export function resolveLaunch(
  cluster: SimCluster,
  launchType: string | undefined,
  strategy: CapacityProviderStrategyItem[] | undefined,
  launched: Map<string, number>,
): ResolvedLaunch {
  if (launchType && strategy && strategy.length > 0) {
    throw invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  }
  if (launchType) {
    if (launchType === 'FARGATE') return { launchType: 'FARGATE' };
    if (launchType === 'EC2' || launchType === 'EXTERNAL') return { launchType };
    throw invalidParameter(`Unsupported launch type: ${launchType}.`);
  }
  const effective = strategy && strategy.length > 0 ? strategy : cluster.defaultCapacityProviderStrategy;
  if (effective.length === 0) return { launchType: 'EC2' };
  const provider = chooseProvider(effective, launched);
  return { launchType: FARGATE_PROVIDERS.has(provider) ? 'FARGATE' : 'EC2', capacityProviderName: provider };
}

function chooseProvider(strategy: CapacityProviderStrategyItem[], launched: Map<string, number>): string {
  for (const item of strategy) {
    if ((launched.get(item.capacityProvider) ?? 0) < (item.base ?? 0)) return item.capacityProvider;
  }
  const weighted = strategy.filter((item) => (item.weight ?? 0) > 0);
  if (weighted.length === 0) return (strategy[0] as CapacityProviderStrategyItem).capacityProvider;
  // The provider furthest below its share of the weight gets the next task.
  let best = weighted[0] as CapacityProviderStrategyItem;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (const item of weighted) {
    const load = (launched.get(item.capacityProvider) ?? 0) / (item.weight ?? 1);
    if (load < bestLoad) {
      best = item;
      bestLoad = load;
    }
  }
  return best.capacityProvider;
}

/** Whether a service (or its strategy) runs on Fargate, for the cluster statistics. */
export function isFargateLaunch(
  cluster: SimCluster,
  launchType: string | undefined,
  strategy: CapacityProviderStrategyItem[],
): boolean {
  if (launchType) return launchType === 'FARGATE';
  const effective = strategy.length > 0 ? strategy : cluster.defaultCapacityProviderStrategy;
  return effective.length > 0 && effective.every((item) => FARGATE_PROVIDERS.has(item.capacityProvider));
}
