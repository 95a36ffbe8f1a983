/**
 * From "run this task definition" to a placed task: launch type, Fargate capacity or an instance, a subnet for
 * awsvpc, then the lifecycle. RunTask, StartTask, the service scheduler and task sets all launch through here.
 */

import type { SimFailure } from '../errors.ts';
import { invalidParameter, SimError } from '../errors.ts';
import type { ModelCore } from './core.ts';
import type { Lifecycle, TaskLaunch } from './lifecycle.ts';
import {
  chooseSubnet,
  FARGATE_CAPACITY_REASON,
  fargateHasCapacity,
  isExternalInstance,
  placeOnInstance,
  resolveLaunch,
  shortfallsOn,
} from './placement.ts';
import type { TaskSize } from './resources.ts';
import { staticHostPorts, taskSize } from './resources.ts';
import type {
  CapacityProviderStrategyItem,
  NetworkConfiguration,
  Outcome,
  PlacementConstraint,
  PlacementStrategy,
  SimCluster,
  SimContainerInstance,
  SimService,
  SimTask,
  SimTaskDefinition,
  Tag,
  TaskOverrides,
} from './types.ts';

export const AWSVPC_NETWORK_REQUIRED = "Network Configuration must be provided when networkMode 'awsvpc' is specified.";
export const NETWORK_CONFIGURATION_NOT_VALID =
  'Network Configuration is not valid for the given networkMode of this task definition.';
export const CAPACITY_PROVIDER_NOT_ASSOCIATED =
  'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.';
/** PlatformUnknownException, as the RunTask reference describes it. */
export const PLATFORM_UNKNOWN = "The specified platform version doesn't exist.";
export const EXEC_NEEDS_TASK_ROLE =
  'The execute command failed because a valid task role is not being used. Specify a valid task role in your task definition or as a task override and try again.';
export const SERVICE_EXEC_NEEDS_TASK_ROLE =
  "The service couldn't be created because a valid taskRoleArn is not being used. Specify a valid task role in your task definition and try again.";
/** The Linux Fargate platform versions (LATEST is 1.4.0). */
const FARGATE_PLATFORM_VERSIONS = new Set(['LATEST', '1.4.0', '1.3.0', '1.2.0', '1.1.0', '1.0.0']);

export function platformVersionMustBeNull(launchType: string): string {
  return `The platform version must be null when specifying an ${launchType} launch type.`;
}

/** Every provider of a strategy must be one of the cluster's (FARGATE and FARGATE_SPOT included). */
export function requireAssociatedProviders(cluster: SimCluster, strategy: CapacityProviderStrategyItem[]): void {
  if (strategy.some((item) => !cluster.capacityProviders.includes(item.capacityProvider))) {
    throw invalidParameter(CAPACITY_PROVIDER_NOT_ASSOCIATED);
  }
}

/** What `Launcher.validate` looks at. */
export interface LaunchValidation
  extends Pick<
    LaunchSpec,
    | 'cluster'
    | 'taskDefinition'
    | 'launchType'
    | 'capacityProviderStrategy'
    | 'networkConfiguration'
    | 'platformVersion'
  > {
  enableExecuteCommand?: boolean;
  /** RunTask/StartTask: a task role given as an override counts as the task definition's own. */
  overrides?: Pick<TaskOverrides, 'taskRoleArn'>;
  /** The refusal's wording when ECS Exec lacks a task role (services say it their own way). */
  execRoleMessage?: string;
}

export interface LaunchSpec {
  cluster: SimCluster;
  taskDefinition: SimTaskDefinition;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  networkConfiguration?: NetworkConfiguration;
  overrides: TaskOverrides;
  group: string;
  startedBy?: string;
  service?: SimService;
  deploymentId?: string;
  taskSetId?: string;
  tags: Tag[];
  enableExecuteCommand: boolean;
  constraints: PlacementConstraint[];
  strategies: PlacementStrategy[];
  /** The tasks spread, distinctInstance and subnet balancing count (the service's, or the group's). */
  peers: Iterable<SimTask>;
  /** Spread awsvpc tasks over the subnets' zones (services) instead of drawing a subnet. */
  balanceSubnets: boolean;
  /** Tasks launched so far per capacity provider, for base/weight. Updated by each launch. */
  launchedPerProvider: Map<string, number>;
  /** StartTask and DAEMON services: this instance and no other. */
  instance?: SimContainerInstance;
  /** Start already RUNNING, this many seconds ago (scenarios). */
  startRunningSecondsAgo?: number;
  outcome?: Outcome;
}

export type LaunchResult = { task: SimTask } | { failure: SimFailure; noInstances?: boolean };

export class Launcher {
  readonly #core: ModelCore;
  readonly #lifecycle: Lifecycle;

  constructor(core: ModelCore, lifecycle: Lifecycle) {
    this.#core = core;
    this.#lifecycle = lifecycle;
  }

  /**
   * What ECS rejects before placing anything: both a launch type and a strategy, a capacity provider the cluster
   * does not have, Fargate without awsvpc or a task-level size, awsvpc without subnets, a network configuration
   * for another network mode, a platform version off Fargate or unknown, and ECS Exec without a task role.
   */
  validate(spec: LaunchValidation): void {
    const { cluster, taskDefinition: definition } = spec;
    // Throws for launch type + strategy, and for unknown launch types.
    resolveLaunch(cluster, spec.launchType, spec.capacityProviderStrategy, new Map());
    const strategy =
      spec.capacityProviderStrategy && spec.capacityProviderStrategy.length > 0
        ? spec.capacityProviderStrategy
        : spec.launchType
          ? []
          : cluster.defaultCapacityProviderStrategy;
    requireAssociatedProviders(cluster, strategy);
    const mayUseFargate =
      spec.launchType === 'FARGATE' ||
      strategy.some((item) => item.capacityProvider === 'FARGATE' || item.capacityProvider === 'FARGATE_SPOT');
    if (mayUseFargate) {
      if (definition.networkMode !== 'awsvpc') {
        throw invalidParameter("Fargate only supports network mode 'awsvpc'.");
      }
      if (!definition.cpu || !definition.memory) {
        throw invalidParameter('Fargate requires task definition to have task-level cpu and memory.');
      }
    }
    if (definition.networkMode === 'awsvpc') {
      const subnets = spec.networkConfiguration?.awsvpcConfiguration?.subnets;
      if (!subnets || subnets.length === 0) throw invalidParameter(AWSVPC_NETWORK_REQUIRED);
    } else if (spec.networkConfiguration?.awsvpcConfiguration) {
      throw invalidParameter(NETWORK_CONFIGURATION_NOT_VALID);
    }
    if (spec.platformVersion !== undefined) {
      if (!mayUseFargate) throw invalidParameter(platformVersionMustBeNull(spec.launchType ?? 'EC2'));
      if (!FARGATE_PLATFORM_VERSIONS.has(spec.platformVersion)) {
        throw new SimError('PlatformUnknownException', PLATFORM_UNKNOWN);
      }
    }
    if (spec.enableExecuteCommand && !definition.taskRoleArn && !spec.overrides?.taskRoleArn) {
      throw invalidParameter(spec.execRoleMessage ?? EXEC_NEEDS_TASK_ROLE);
    }
  }

  launchOne(spec: LaunchSpec): LaunchResult {
    const core = this.#core;
    const { cluster, taskDefinition: definition } = spec;
    const resolved = resolveLaunch(cluster, spec.launchType, spec.capacityProviderStrategy, spec.launchedPerProvider);
    // A named instance (StartTask, a DAEMON service) decides between EC2 and EXTERNAL itself.
    if (spec.instance && resolved.launchType !== 'FARGATE') {
      resolved.launchType = isExternalInstance(spec.instance) ? 'EXTERNAL' : 'EC2';
    }
    const size = taskSize(definition, spec.overrides);
    const hostPorts = staticHostPorts(definition);
    const subnetIds = spec.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
    let instance: SimContainerInstance | undefined;
    let subnet: { subnetId: string; availabilityZone: string } | undefined;
    let platformVersion: string | undefined;

    if (resolved.launchType === 'FARGATE') {
      if (!fargateHasCapacity(core, cluster)) return { failure: { reason: FARGATE_CAPACITY_REASON } };
      subnet = chooseSubnet(core, cluster, subnetIds, spec.balanceSubnets ? spec.peers : undefined, (id) =>
        this.#zoneOf(id),
      );
      platformVersion = !spec.platformVersion || spec.platformVersion === 'LATEST' ? '1.4.0' : spec.platformVersion;
    } else {
      if (spec.instance) {
        const refusal = this.#refusalOn(spec.instance, size, hostPorts);
        if (refusal) return { failure: refusal };
        instance = spec.instance;
      } else {
        const placed = placeOnInstance(core, {
          cluster,
          size,
          hostPorts,
          constraints: spec.constraints,
          strategies: spec.strategies,
          peers: spec.peers,
          external: resolved.launchType === 'EXTERNAL',
          ...(resolved.capacityProviderName ? { capacityProviderName: resolved.capacityProviderName } : {}),
        });
        if ('failure' in placed) return placed;
        instance = placed.instance;
      }
      if (definition.networkMode === 'awsvpc') {
        const zone = instance.availabilityZone;
        const inZone = subnetIds.filter((id) => this.#zoneFor(cluster, id) === zone);
        const subnetId =
          inZone[0] ?? subnetIds[0] ?? cluster.subnets.find((s) => s.availabilityZone === zone)?.subnetId ?? '';
        subnet = { subnetId, availabilityZone: zone };
      }
    }

    const launch: TaskLaunch = {
      cluster,
      taskDefinition: definition,
      launchType: resolved.launchType,
      overrides: spec.overrides,
      size,
      hostPorts: instance ? hostPorts : [],
      group: spec.group,
      tags: spec.tags,
      enableExecuteCommand: spec.enableExecuteCommand,
    };
    if (resolved.capacityProviderName) launch.capacityProviderName = resolved.capacityProviderName;
    if (platformVersion) launch.platformVersion = platformVersion;
    if (instance) launch.instance = instance;
    if (subnet) launch.subnet = subnet;
    if (spec.networkConfiguration && definition.networkMode === 'awsvpc')
      launch.networkConfiguration = spec.networkConfiguration;
    if (spec.startedBy) launch.startedBy = spec.startedBy;
    if (spec.service) launch.service = spec.service;
    if (spec.deploymentId) launch.deploymentId = spec.deploymentId;
    if (spec.taskSetId) launch.taskSetId = spec.taskSetId;
    if (spec.outcome) launch.outcome = spec.outcome;

    const task =
      spec.startRunningSecondsAgo !== undefined
        ? this.#lifecycle.launchRunning(launch, spec.startRunningSecondsAgo)
        : this.#lifecycle.launch(launch);
    const provider = resolved.capacityProviderName;
    if (provider) spec.launchedPerProvider.set(provider, (spec.launchedPerProvider.get(provider) ?? 0) + 1);
    return { task };
  }

  /** StartTask's checks on a named instance. */
  #refusalOn(instance: SimContainerInstance, size: TaskSize, hostPorts: number[]): SimFailure | undefined {
    if (instance.status !== 'ACTIVE') return { arn: instance.arn, reason: instance.status };
    if (!instance.agentConnected) return { arn: instance.arn, reason: 'AGENT' };
    const shortfalls = shortfallsOn(this.#core, instance, { size, hostPorts });
    return shortfalls.length > 0 ? { arn: instance.arn, reason: shortfalls[0] } : undefined;
  }

  #zoneFor(cluster: SimCluster, subnetId: string): string {
    return cluster.subnets.find((s) => s.subnetId === subnetId)?.availabilityZone ?? this.#zoneOf(subnetId);
  }

  /** A zone for a subnet the cluster does not describe: stable per name, without drawing from the seed. */
  #zoneOf(subnetId: string): string {
    let hash = 0;
    for (let i = 0; i < subnetId.length; i++) hash = (hash * 31 + subnetId.charCodeAt(i)) >>> 0;
    return `${this.#core.state.region}${'abc'[hash % 3]}`;
  }
}
