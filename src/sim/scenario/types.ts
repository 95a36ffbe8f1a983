/**
 * The scenario format (version 1), after validation: what `parseScenario` returns and `loadScenario` applies.
 * The JSON document has the same shape; README.md ("Scenarios") documents it for authors.
 *
 * Time in a scenario: t = 0 is the moment its state is built. The simulator builds it `warmupSeconds` before the
 * moment it starts serving ("opens") and runs through the warm-up at load, so clients first see t = warmupSeconds.
 * Script times (`at`, `every`, `firstAt`) are seconds on that axis.
 */

import type { CreateServiceInput } from '../model/api.ts';
import type {
  CapacityProviderStrategyItem,
  ContainerDefinition,
  NetworkConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
  TaskBehaviour,
  TaskOverrides,
} from '../model/types.ts';

export const SCENARIO_VERSION = 1;

export interface Scenario {
  version: typeof SCENARIO_VERSION;
  name: string;
  description?: string;
  warmupSeconds: number;
  /** Registered in this order, so the n-th entry of a family is revision n. */
  taskDefinitions: TaskDefinitionSpec[];
  clusters: ClusterSpec[];
  script: ScriptEntry[];
}

export interface TaskDefinitionSpec {
  family: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  containerDefinitions: ContainerDefinition[];
  tags?: Tag[];
  behaviour?: TaskBehaviour;
}

export interface ClusterSpec {
  name: string;
  tags?: Tag[];
  settings?: { name: string; value: string }[];
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
  fargateCapacity?: number;
  /** Subnets (with their AZs) for awsvpc tasks that name none. */
  subnets?: { subnetId: string; availabilityZone: string }[];
  securityGroups?: string[];
  /** Default AZs the instance groups are spread over. */
  availabilityZones: string[];
  instances: InstanceGroupSpec[];
  services: ServiceSpec[];
  tasks: StandaloneTaskSpec[];
}

/** `count` container instances made from one template, spread round-robin over AZs. */
export interface InstanceGroupSpec {
  /** Label used by scripts and pinned tasks: `name` when count is 1, else `name-1` ... `name-N`. */
  name?: string;
  count: number;
  instanceType: string;
  cpu: number;
  memory: number;
  availabilityZones?: string[];
  lifecycle?: 'on-demand' | 'spot';
  capacityProviderName?: string;
  agentVersion?: string;
  attributes?: { name: string; value?: string }[];
  tags?: Tag[];
  /** Applied after the cluster's services and tasks are placed, so the instance holds tasks when it changes. */
  status?: 'ACTIVE' | 'DRAINING';
  agentConnected?: boolean;
}

/** A service as the scenario writes it: CreateService's fields, named by `name`, plus its task sets. */
export interface ServiceSpec extends Omit<CreateServiceInput, 'cluster' | 'serviceName' | 'propagateTags'> {
  name: string;
  /** EXTERNAL controller only. */
  taskSets: TaskSetSpec[];
}

export interface TaskSetSpec {
  taskDefinition: string;
  externalId?: string;
  launchType?: string;
  /** Percent, 0-100. */
  scale: number;
  primary: boolean;
  startSteadySeconds?: number;
}

/** Fields shared by standalone tasks at load and the script's runTask. */
export interface TaskLaunchSpec {
  taskDefinition: string;
  count: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  networkConfiguration?: NetworkConfiguration;
  overrides?: Partial<TaskOverrides>;
  group?: string;
  startedBy?: string;
  tags?: Tag[];
  placementConstraints?: PlacementConstraint[];
  placementStrategy?: PlacementStrategy[];
  /** Pin to one instance by label (StartTask) instead of letting placement choose (RunTask). */
  instance?: string;
}

export interface StandaloneTaskSpec extends TaskLaunchSpec {
  /** The task begins RUNNING, started this many seconds before t = 0 (RunTask only, not with `instance`). */
  startRunningSecondsAgo?: number;
}

/** When a script entry runs: once at `at`, or every `every` seconds from `firstAt` (default: one period in). */
export type ScriptTiming = { at: number } | { every: number; firstAt: number };

export type ScriptAction =
  | ({ action: 'runTask'; cluster: string } & TaskLaunchSpec)
  | {
      action: 'updateService';
      cluster: string;
      service: string;
      desiredCount?: number;
      taskDefinition?: string;
      forceNewDeployment?: boolean;
    }
  | { action: 'drain' | 'activate'; cluster: string; instances: string[] }
  | { action: 'disconnectAgent' | 'reconnectAgent'; cluster: string; instance: string }
  | { action: 'spotInterruption'; cluster: string; instance: string }
  /** Move `step` percent of scale from the PRIMARY task set to the other; when the move is complete, swap PRIMARY. */
  | { action: 'shiftTaskSets'; cluster: string; service: string; step: number };

export type ScriptActionName = ScriptAction['action'];

export type ScriptEntry = ScriptTiming & ScriptAction & { note?: string };

export const SCRIPT_ACTIONS: readonly ScriptActionName[] = [
  'runTask',
  'updateService',
  'drain',
  'activate',
  'disconnectAgent',
  'reconnectAgent',
  'spotInterruption',
  'shiftTaskSets',
];
