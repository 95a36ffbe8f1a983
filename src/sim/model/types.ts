/**
 * The simulator's state. Shapes follow the ECS API closely so handlers only serialise, but every time is an
 * epoch-millisecond number here (the wire wants epoch seconds; the handlers convert). Nothing in here is
 * exposed by reference: handlers copy what they send.
 */

export type KeyValue = { key: string; value: string };
export type Tag = { key: string; value: string };

// ---------------------------------------------------------------- behaviour (simulator only, never on the wire)

/** What a task's main container does once started. One outcome is drawn per task, by weight. */
export const OUTCOME_KINDS = [
  /** Runs until stopped; with `afterSeconds` and `exitCode` it exits by itself (a batch job; 0 = success). */
  'runs',
  /** The essential container exits with `exitCode` (default 1) after `afterSeconds`. */
  'exits',
  /** Killed for memory after `afterSeconds`: exit 137, reason "OutOfMemoryError: Container killed due to memory usage". */
  'oom',
  /** The image cannot be pulled: TaskFailedToStart with CannotPullContainerError. */
  'pull-error',
  /** Fargate/awsvpc resources cannot be set up: TaskFailedToStart with ResourceInitializationError. */
  'resource-init-error',
  /** Starts, then its container health check fails after `afterSeconds`. Service tasks are replaced. */
  'unhealthy',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

export interface Outcome {
  kind: OutcomeKind;
  /** Relative weight among the outcomes of one behaviour (default 1). */
  weight?: number;
  /** Seconds after RUNNING before the outcome happens ('exits', 'oom', 'unhealthy', a finite 'runs'). */
  afterSeconds?: number;
  /** Upper bound for a random delay in [afterSeconds, afterSecondsMax]. */
  afterSecondsMax?: number;
  exitCode?: number;
}

export interface TaskBehaviour {
  outcomes: Outcome[];
  /** Seconds the image pull takes (default 3-12, drawn). */
  pullSeconds?: number;
  /**
   * Seconds the container takes to exit after SIGTERM. Absent: it ignores SIGTERM and is killed (exit 137)
   * when the stop timeout runs out, 30 s by default, as `docker stop` does.
   */
  gracefulStopSeconds?: number;
  /** Exit code after a graceful stop (default 0). */
  gracefulExitCode?: number;
  /**
   * How hard the task works, in percent of its reservation (CloudWatch's CPUUtilization and MemoryUtilization);
   * absent: a modest level drawn per family. `cpuPercent` near 100 makes a CPU-bound service.
   */
  load?: TaskLoad;
}

export interface TaskLoad {
  cpuPercent?: number;
  memoryPercent?: number;
}

// ---------------------------------------------------------------- resources

export interface SimCluster {
  arn: string;
  name: string;
  status: string;
  createdAt: number;
  tags: Tag[];
  settings: { name: string; value: string }[];
  capacityProviders: string[];
  defaultCapacityProviderStrategy: CapacityProviderStrategyItem[];
  /** Fargate tasks this cluster may run at once before RunTask answers "Capacity is unavailable". */
  fargateCapacity: number;
  /** Subnets and their AZs used for awsvpc/Fargate tasks when the request names none. */
  subnets: { subnetId: string; availabilityZone: string }[];
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

export interface Resource {
  name: 'CPU' | 'MEMORY' | 'PORTS' | 'PORTS_UDP';
  type: 'INTEGER' | 'STRINGSET';
  integerValue?: number;
  stringSetValue?: string[];
}

export interface SimContainerInstance {
  arn: string;
  /** The 32-hex id at the end of the ARN. */
  id: string;
  clusterArn: string;
  ec2InstanceId: string;
  status: string;
  statusReason?: string;
  agentConnected: boolean;
  /** CPU units and MiB registered with ECS. */
  registeredCpu: number;
  registeredMemory: number;
  /** Host ports the agent reserves (22, 2375, 2376, 51678, 51679). */
  reservedPorts: number[];
  availabilityZone: string;
  instanceType: string;
  agentVersion: string;
  dockerVersion: string;
  registeredAt: number;
  attributes: { name: string; value?: string }[];
  capacityProviderName?: string;
  /** Spot instances can be interrupted. */
  lifecycle: 'on-demand' | 'spot';
  tags: Tag[];
  version: number;
}

export interface PortMapping {
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}

export interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  portMappings: PortMapping[];
  command?: string[];
  entryPoint?: string[];
  environment?: KeyValue[];
  /** References to Secrets Manager or Parameter Store, echoed as registered (the simulator resolves nothing). */
  secrets?: { name: string; valueFrom: string }[];
  healthCheck?: { command: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number };
  stopTimeout?: number;
  dockerLabels?: Record<string, string>;
  /** The container's log driver and its options (awslogs streams are written by the simulator's log store). */
  logConfiguration?: LogConfiguration;
}

export interface LogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
}

export interface SimTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: string;
  networkMode: string;
  requiresCompatibilities: string[];
  compatibilities: string[];
  /** Task-level size as ECS returns it (strings). */
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  containerDefinitions: ContainerDefinition[];
  /** Echoed as registered; not used for placement. */
  placementConstraints?: PlacementConstraint[];
  registeredAt: number;
  registeredBy?: string;
  tags: Tag[];
  behaviour: TaskBehaviour;
}

export interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: KeyValue[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
}

export interface TaskOverrides {
  containerOverrides: ContainerOverride[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  ephemeralStorage?: { sizeInGiB: number };
}

export interface NetworkConfiguration {
  awsvpcConfiguration?: { subnets: string[]; securityGroups?: string[]; assignPublicIp?: string };
}

export interface SimContainer {
  containerArn: string;
  name: string;
  image: string;
  imageDigest?: string;
  runtimeId?: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus: string;
  cpu?: string;
  memory?: string;
  memoryReservation?: string;
  essential: boolean;
  networkBindings: { bindIP: string; containerPort?: number; hostPort?: number; protocol: string }[];
  networkInterfaces: { attachmentId: string; privateIpv4Address: string }[];
}

export interface Attachment {
  id: string;
  type: string;
  status: string;
  details: { name: string; value: string }[];
}

export interface SimTask {
  arn: string;
  /** The 32-hex id at the end of the ARN. */
  id: string;
  clusterArn: string;
  taskDefinitionArn: string;
  containerInstanceArn?: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string;
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  platformFamily?: string;
  availabilityZone?: string;
  cpu?: string;
  memory?: string;
  group: string;
  startedBy?: string;
  /** The service this task belongs to, if any (not on the wire; `group` and `startedBy` say it there). */
  serviceArn?: string;
  /** The deployment or task set id that started it. */
  deploymentId?: string;
  taskSetId?: string;
  connectivity?: string;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers: SimContainer[];
  overrides: TaskOverrides;
  attachments: Attachment[];
  tags: Tag[];
  enableExecuteCommand: boolean;
  /** Network configuration the task was started with (awsvpc only); rerun reads it back from the attachment. */
  networkConfiguration?: NetworkConfiguration;
  version: number;
  /** Simulation bookkeeping, never serialised. */
  sim: {
    outcome: Outcome;
    /** Host ports this task holds on its instance. */
    hostPorts: number[];
    /** Reserved CPU units and MiB on its instance while not STOPPED. */
    reservedCpu: number;
    reservedMemory: number;
    /** The time the task became healthy enough to count as a success for the circuit breaker. */
    stableAt?: number;
    /** True once the circuit breaker has counted this task as failed. */
    countedAsFailure?: boolean;
    /** When the drawn outcome strikes (planned at RUNNING), so its logs can lead up to it. */
    outcomeAt?: number;
  };
}

export interface SimDeployment {
  id: string;
  status: string;
  taskDefinitionArn: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  platformVersion?: string;
  networkConfiguration?: NetworkConfiguration;
  rolloutState?: string;
  rolloutStateReason?: string;
}

export interface SimTaskSet {
  id: string;
  arn: string;
  serviceArn: string;
  clusterArn: string;
  startedBy?: string;
  externalId?: string;
  status: string;
  taskDefinitionArn: string;
  computedDesiredCount: number;
  pendingCount: number;
  runningCount: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  platformVersion?: string;
  networkConfiguration?: NetworkConfiguration;
  loadBalancers: LoadBalancer[];
  scale: { value: number; unit: string };
  stabilityStatus: string;
  stabilityStatusAt: number;
  tags: Tag[];
}

export interface LoadBalancer {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface DeploymentConfiguration {
  maximumPercent: number;
  minimumHealthyPercent: number;
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
}

export interface PlacementStrategy {
  type: 'random' | 'spread' | 'binpack' | string;
  field?: string;
}

export interface PlacementConstraint {
  type: 'distinctInstance' | 'memberOf' | string;
  expression?: string;
}

export interface SimService {
  arn: string;
  name: string;
  clusterArn: string;
  status: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  launchType?: string;
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  platformVersion?: string;
  taskDefinitionArn: string;
  deploymentConfiguration: DeploymentConfiguration;
  deploymentController: { type: string };
  schedulingStrategy: string;
  deployments: SimDeployment[];
  taskSets: SimTaskSet[];
  /** Newest first, at most 100. */
  events: ServiceEvent[];
  loadBalancers: LoadBalancer[];
  networkConfiguration?: NetworkConfiguration;
  placementConstraints: PlacementConstraint[];
  placementStrategy: PlacementStrategy[];
  healthCheckGracePeriodSeconds?: number;
  createdAt: number;
  createdBy?: string;
  tags: Tag[];
  enableExecuteCommand: boolean;
  propagateTags?: string;
  /** Simulation bookkeeping. */
  sim: {
    /** Sequence for `ecs-svc/<n>` deployment ids. */
    lastSteadyEventAt?: number;
    /** The task definition of the last deployment that COMPLETED, for circuit-breaker rollback. */
    lastCompletedTaskDefinitionArn?: string;
    lastCompletedDeploymentId?: string;
    /** Earliest time the scheduler may launch again after repeated failures (ECS throttles crash loops). */
    launchBackoffUntil?: number;
    consecutiveLaunchFailures: number;
    /** Whether the last reconcile found the service steady (the steady-state event fires on the change). */
    steady?: boolean;
    /** When the last "was unable to place a task" event was written (at most one a minute). */
    lastPlacementFailureEventAt?: number;
  };
}

/** The whole state. Maps keep insertion order, which keeps iteration (and so the simulation) deterministic. */
export interface SimState {
  region: string;
  accountId: string;
  clusters: Map<string, SimCluster>;
  containerInstances: Map<string, SimContainerInstance>;
  taskDefinitions: Map<string, SimTaskDefinition>;
  services: Map<string, SimService>;
  tasks: Map<string, SimTask>;
}
