/**
 * The scenario format (version 1), after validation: what `parseScenario` returns and `loadScenario` applies.
 * The JSON document has the same shape; README.md ("Scenarios") documents it for authors.
 *
 * Time in a scenario: t = 0 is the moment its state is built. The simulator builds it `warmupSeconds` before the
 * moment it starts serving ("opens") and runs through the warm-up at load, so clients first see t = warmupSeconds.
 * Script times (`at`, `every`, `firstAt`) are seconds on that axis.
 */

import type {
  CreateClusterInput,
  CreateServiceInput,
  CreateTaskSetInput,
  RegisterContainerInstanceInput,
  RegisterTaskDefinitionInput,
  RunTaskInput,
  UpdateServiceInput,
} from '../model/api.ts';

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
  /** CloudWatch Logs groups that exist from t = 0 (awslogs streams need their group, or awslogs-create-group). */
  logGroups: LogGroupSpec[];
}

export interface LogGroupSpec {
  name: string;
  /** Events older than this many days expire (CloudWatch's allowed values). */
  retentionInDays?: number;
}

/** A task definition as the scenario writes it: RegisterTaskDefinition's input. */
export type TaskDefinitionSpec = RegisterTaskDefinitionInput;

/**
 * A cluster as the scenario writes it: CreateCluster's fields (its `subnets` serve awsvpc tasks that name none), plus
 * what the scenario puts in it.
 */
export interface ClusterSpec extends Omit<CreateClusterInput, 'clusterName'> {
  name: string;
  /** Security groups for awsvpc tasks that name none. */
  securityGroups?: string[];
  /** Default AZs the instance groups are spread over. */
  availabilityZones: string[];
  instances: InstanceGroupSpec[];
  services: ServiceSpec[];
  tasks: StandaloneTaskSpec[];
}

/** The optional fields of an instance group that RegisterContainerInstance takes as they are. */
export const INSTANCE_REGISTRATION_FIELDS = [
  'lifecycle',
  'capacityProviderName',
  'agentVersion',
  'attributes',
  'tags',
] as const;

/** `count` container instances made from one template, spread round-robin over AZs. */
export interface InstanceGroupSpec
  extends Pick<RegisterContainerInstanceInput, 'cpu' | 'memory' | (typeof INSTANCE_REGISTRATION_FIELDS)[number]> {
  /** Label used by scripts and pinned tasks: `name` when count is 1, else `name-1` ... `name-N`. */
  name?: string;
  count: number;
  instanceType: string;
  availabilityZones?: string[];
  /** Applied after the cluster's services and tasks are placed, so the instance holds tasks when it changes. */
  status?: 'ACTIVE' | 'DRAINING';
  /** Applied after placement too (see `status`). */
  agentConnected?: boolean;
}

/** A service as the scenario writes it: CreateService's fields, named by `name`, plus its task sets. */
export interface ServiceSpec extends Omit<CreateServiceInput, 'cluster' | 'serviceName' | 'propagateTags'> {
  name: string;
  /** EXTERNAL controller only. */
  taskSets: TaskSetSpec[];
}

/** A task set as the scenario writes it: CreateTaskSet's fields, its scale in percent, and whether it is PRIMARY. */
export interface TaskSetSpec
  extends Pick<CreateTaskSetInput, 'taskDefinition' | 'externalId' | 'launchType' | 'startSteadySeconds'> {
  /** Percent, 0-100. */
  scale: number;
  primary: boolean;
}

/** The optional fields of a task launch that StartTask takes as they are (its network configuration is resolved). */
export const START_TASK_FIELDS = ['overrides', 'group', 'startedBy', 'tags'] as const;
/** The optional fields of a task launch that RunTask takes as they are. */
export const RUN_TASK_FIELDS = [
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  ...START_TASK_FIELDS,
  'placementConstraints',
  'placementStrategy',
] as const;

/** Fields shared by standalone tasks at load and the script's runTask: RunTask's, or StartTask's with `instance`. */
export interface TaskLaunchSpec
  extends Pick<RunTaskInput, 'taskDefinition' | 'networkConfiguration' | (typeof RUN_TASK_FIELDS)[number]> {
  count: number;
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
  | ({ action: 'updateService'; cluster: string } & Pick<
      UpdateServiceInput,
      'service' | 'desiredCount' | 'taskDefinition' | 'forceNewDeployment'
    >)
  | { action: 'drain' | 'activate'; cluster: string; instances: string[] }
  | { action: 'disconnectAgent' | 'reconnectAgent'; cluster: string; instance: string }
  | { action: 'spotInterruption'; cluster: string; instance: string }
  /** Move `step` percent of scale from the PRIMARY task set to the other; when the move is complete, swap PRIMARY. */
  | { action: 'shiftTaskSets'; cluster: string; service: string; step: number };

export type ScriptActionName = ScriptAction['action'];

export type ScriptEntry = ScriptTiming & ScriptAction & { note?: string };

/** Every action, once: the compiler checks the list against ScriptAction. */
const ACTION_NAMES: Record<ScriptActionName, true> = {
  runTask: true,
  updateService: true,
  drain: true,
  activate: true,
  disconnectAgent: true,
  reconnectAgent: true,
  spotInterruption: true,
  shiftTaskSets: true,
};
export const SCRIPT_ACTIONS = Object.keys(ACTION_NAMES) as ScriptActionName[];
