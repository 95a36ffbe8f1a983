/**
 * The inputs of the model's operations: what the API handlers and the scenario loader pass in, already parsed
 * and validated for shape (the model still checks state: a missing cluster, an instance that is not ACTIVE).
 * References (`cluster`, `taskDefinition`, ...) accept a short name/id or a full ARN.
 */
import type {
  CapacityProviderStrategyItem,
  ContainerDefinition,
  DeploymentConfiguration,
  LoadBalancer,
  NetworkConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  Tag,
  TaskBehaviour,
  TaskOverrides,
} from './types.ts';

export interface CreateClusterInput {
  clusterName?: string;
  tags?: Tag[];
  settings?: { name: string; value: string }[];
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
  /** Simulator only. */
  fargateCapacity?: number;
  subnets?: { subnetId: string; availabilityZone: string }[];
}

export interface RegisterTaskDefinitionInput {
  family: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  containerDefinitions: ContainerDefinition[];
  placementConstraints?: PlacementConstraint[];
  tags?: Tag[];
  /** Simulator only; when absent it is read from the `ecsdeck.sim.*` docker labels of the first essential container. */
  behaviour?: TaskBehaviour;
}

export interface RegisterContainerInstanceInput {
  cluster?: string;
  ec2InstanceId?: string;
  /** CPU units and MiB. */
  cpu: number;
  memory: number;
  availabilityZone?: string;
  instanceType?: string;
  attributes?: { name: string; value?: string }[];
  tags?: Tag[];
  /** Simulator only. */
  agentConnected?: boolean;
  lifecycle?: 'on-demand' | 'spot';
  capacityProviderName?: string;
  agentVersion?: string;
  /** Simulator only: register in this status instead of ACTIVE (e.g. REGISTERING, REGISTRATION_FAILED). */
  status?: string;
  statusReason?: string;
}

export interface CreateServiceInput {
  cluster?: string;
  serviceName: string;
  taskDefinition: string;
  desiredCount?: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  deploymentConfiguration?: Partial<DeploymentConfiguration>;
  deploymentController?: { type: string };
  schedulingStrategy?: string;
  loadBalancers?: LoadBalancer[];
  networkConfiguration?: NetworkConfiguration;
  placementConstraints?: PlacementConstraint[];
  placementStrategy?: PlacementStrategy[];
  healthCheckGracePeriodSeconds?: number;
  tags?: Tag[];
  enableExecuteCommand?: boolean;
  propagateTags?: string;
  /**
   * Simulator only: start with `desiredCount` tasks already RUNNING, started at random times in the past
   * up to this many seconds ago, and the deployment COMPLETED (how scenarios begin in steady state).
   */
  startSteadySeconds?: number;
}

export interface UpdateServiceInput {
  cluster?: string;
  service: string;
  desiredCount?: number;
  taskDefinition?: string;
  forceNewDeployment?: boolean;
  deploymentConfiguration?: Partial<DeploymentConfiguration>;
}

export interface RunTaskInput {
  cluster?: string;
  taskDefinition: string;
  count?: number;
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
  enableExecuteCommand?: boolean;
  /** Simulator only: the task starts already RUNNING, started this many seconds ago. */
  startRunningSecondsAgo?: number;
}

export interface StartTaskInput {
  cluster?: string;
  taskDefinition: string;
  containerInstances: string[];
  networkConfiguration?: NetworkConfiguration;
  overrides?: Partial<TaskOverrides>;
  group?: string;
  startedBy?: string;
  tags?: Tag[];
  enableExecuteCommand?: boolean;
}

export interface CreateTaskSetInput {
  cluster?: string;
  service: string;
  taskDefinition: string;
  externalId?: string;
  launchType?: string;
  scale?: { value: number; unit?: string };
  /** Simulator only: its tasks start already RUNNING (see CreateServiceInput.startSteadySeconds). */
  startSteadySeconds?: number;
}
