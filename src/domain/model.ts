/**
 * The app's domain types for ECS entities and the normalisers that build them from untrusted input.
 *
 * Shapes follow the ECS API names so the gateway maps 1:1, with three differences:
 * - every field is optional except the entity's ARN key (entities without one are dropped: nothing can refer to
 *   them); statuses and enums are open strings (unknown values must still render);
 * - every time is epoch MILLISECONDS (`number`), whatever came in (Date, seconds, milliseconds, numeric text);
 * - task and container `cpu`/`memory` are strings as in the ECS model even when an endpoint sends numbers.
 * Container instances additionally carry `availabilityZone` and `instanceType` lifted from their attributes, and
 * their `healthStatus` is the overall status string.
 *
 * Strings are kept raw: sanitise them (sanitize.ts) where they meet the terminal, not here, so the describe view and
 * `snapshot --json` show what ECS actually said.
 *
 * Every `normalize*` function takes `unknown`, never throws, and returns `undefined` for input it cannot use.
 * `normalizeList` keeps one bad record from breaking a list.
 */

import {
  asArray,
  asBoolean,
  asEpochMs,
  asInteger,
  asNonEmptyString,
  asNumber,
  asRecord,
  asString,
  asStringArray,
  type UnknownRecord,
} from './coerce.ts';

// ---------------------------------------------------------------- shared small shapes

export interface Tag {
  key: string;
  value?: string;
}

/** A name/value pair: cluster statistics and settings, attachment details, environment variables. */
export interface NameValue {
  name: string;
  value?: string;
}

export interface Attribute {
  name: string;
  value?: string;
  targetType?: string;
  targetId?: string;
}

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** A registered or remaining resource of a container instance (CPU, MEMORY: integerValue; PORTS: stringSetValue). */
export interface InstanceResource {
  name: string;
  type?: string;
  integerValue?: number;
  longValue?: number;
  doubleValue?: number;
  stringSetValue?: string[];
}

export interface VersionInfo {
  agentVersion?: string;
  agentHash?: string;
  dockerVersion?: string;
}

/** An ENI or other attachment of a task or instance; `details` hold subnetId, networkInterfaceId, privateIPv4Address. */
export interface Attachment {
  id?: string;
  type?: string;
  status?: string;
  details?: NameValue[];
}

export interface NetworkBinding {
  bindIP?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
  containerPortRange?: string;
  hostPortRange?: string;
}

export interface NetworkInterface {
  attachmentId?: string;
  privateIpv4Address?: string;
  ipv6Address?: string;
}

export interface AwsVpcConfiguration {
  subnets?: string[];
  securityGroups?: string[];
  assignPublicIp?: string;
}

export interface NetworkConfiguration {
  awsvpcConfiguration?: AwsVpcConfiguration;
}

export interface LoadBalancer {
  targetGroupArn?: string;
  loadBalancerName?: string;
  containerName?: string;
  containerPort?: number;
}

// ---------------------------------------------------------------- entities

export interface Cluster {
  clusterArn: string;
  clusterName?: string;
  status?: string;
  registeredContainerInstancesCount?: number;
  runningTasksCount?: number;
  pendingTasksCount?: number;
  activeServicesCount?: number;
  statistics?: NameValue[];
  settings?: NameValue[];
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
  attachmentsStatus?: string;
  tags?: Tag[];
}

export interface ContainerInstance {
  containerInstanceArn: string;
  ec2InstanceId?: string;
  status?: string;
  statusReason?: string;
  agentConnected?: boolean;
  runningTasksCount?: number;
  pendingTasksCount?: number;
  registeredResources?: InstanceResource[];
  remainingResources?: InstanceResource[];
  versionInfo?: VersionInfo;
  agentUpdateStatus?: string;
  attributes?: Attribute[];
  registeredAt?: number;
  capacityProviderName?: string;
  /** `healthStatus.overallStatus` of the API: OK, IMPAIRED, INSUFFICIENT_DATA, INITIALIZING. */
  healthStatus?: string;
  version?: number;
  attachments?: Attachment[];
  tags?: Tag[];
  /** From the `ecs.availability-zone` attribute. */
  availabilityZone?: string;
  /** From the `ecs.instance-type` attribute. */
  instanceType?: string;
}

export interface DeploymentCircuitBreaker {
  enable?: boolean;
  rollback?: boolean;
}

export interface DeploymentConfiguration {
  maximumPercent?: number;
  minimumHealthyPercent?: number;
  deploymentCircuitBreaker?: DeploymentCircuitBreaker;
  strategy?: string;
}

export interface Deployment {
  /** `ecs-svc/<n>`; equal to the `startedBy` of the deployment's tasks. */
  id?: string;
  status?: string;
  taskDefinition?: string;
  desiredCount?: number;
  pendingCount?: number;
  runningCount?: number;
  failedTasks?: number;
  createdAt?: number;
  updatedAt?: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  rolloutState?: string;
  rolloutStateReason?: string;
}

export interface ServiceEvent {
  id?: string;
  createdAt?: number;
  message?: string;
}

export interface TaskSetScale {
  value?: number;
  unit?: string;
}

export interface TaskSet {
  taskSetArn: string;
  id?: string;
  serviceArn?: string;
  clusterArn?: string;
  startedBy?: string;
  externalId?: string;
  status?: string;
  taskDefinition?: string;
  computedDesiredCount?: number;
  pendingCount?: number;
  runningCount?: number;
  createdAt?: number;
  updatedAt?: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  scale?: TaskSetScale;
  stabilityStatus?: string;
  stabilityStatusAt?: number;
  tags?: Tag[];
}

export interface Service {
  serviceArn: string;
  serviceName?: string;
  clusterArn?: string;
  status?: string;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  launchType?: string;
  capacityProviderStrategy?: CapacityProviderStrategyItem[];
  platformVersion?: string;
  taskDefinition?: string;
  deploymentConfiguration?: DeploymentConfiguration;
  deployments?: Deployment[];
  taskSets?: TaskSet[];
  events?: ServiceEvent[];
  createdAt?: number;
  createdBy?: string;
  schedulingStrategy?: string;
  deploymentController?: { type?: string };
  loadBalancers?: LoadBalancer[];
  networkConfiguration?: NetworkConfiguration;
  healthCheckGracePeriodSeconds?: number;
  roleArn?: string;
  tags?: Tag[];
}

export interface Container {
  name?: string;
  containerArn?: string;
  taskArn?: string;
  image?: string;
  imageDigest?: string;
  runtimeId?: string;
  lastStatus?: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: string;
  cpu?: string;
  memory?: string;
  memoryReservation?: string;
  networkBindings?: NetworkBinding[];
  networkInterfaces?: NetworkInterface[];
}

export interface ContainerOverride {
  name?: string;
  command?: string[];
  environment?: NameValue[];
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
}

export interface TaskOverride {
  containerOverrides?: ContainerOverride[];
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  ephemeralStorage?: { sizeInGiB?: number };
}

/** The task timestamp fields, in lifecycle order. */
export const TASK_TIMESTAMP_FIELDS = [
  'createdAt',
  'pullStartedAt',
  'pullStoppedAt',
  'startedAt',
  'connectivityAt',
  'stoppingAt',
  'executionStoppedAt',
  'stoppedAt',
] as const;
export type TaskTimestampField = (typeof TASK_TIMESTAMP_FIELDS)[number];

export interface Task {
  taskArn: string;
  clusterArn?: string;
  taskDefinitionArn?: string;
  containerInstanceArn?: string;
  availabilityZone?: string;
  lastStatus?: string;
  desiredStatus?: string;
  healthStatus?: string;
  connectivity?: string;
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  platformFamily?: string;
  cpu?: string;
  memory?: string;
  group?: string;
  startedBy?: string;
  version?: number;
  createdAt?: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  connectivityAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
  stopCode?: string;
  stoppedReason?: string;
  containers?: Container[];
  overrides?: TaskOverride;
  attachments?: Attachment[];
  enableExecuteCommand?: boolean;
  tags?: Tag[];
}

export interface HealthCheck {
  command?: string[];
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface PortMapping {
  name?: string;
  containerPort?: number;
  hostPort?: number;
  protocol?: string;
}

/** The parts of a container definition the UI shows. `essential` absent means true (the ECS default). */
export interface ContainerDefinitionSummary {
  name?: string;
  image?: string;
  essential?: boolean;
  cpu?: number;
  memory?: number;
  memoryReservation?: number;
  portMappings?: PortMapping[];
  healthCheck?: HealthCheck;
  command?: string[];
  entryPoint?: string[];
  environment?: NameValue[];
  /** References to Secrets Manager or Parameter Store (the value itself never reaches ECS's answer). */
  secrets?: SecretReference[];
  logConfiguration?: LogConfiguration;
  stopTimeout?: number;
}

export interface SecretReference {
  name: string;
  valueFrom?: string;
}

export interface LogConfiguration {
  logDriver?: string;
  options?: Record<string, string>;
  secretOptions?: SecretReference[];
}

export interface PlacementConstraint {
  type?: string;
  expression?: string;
}

/** A task definition revision as the UI shows it (immutable once registered). */
export interface TaskDefinition {
  taskDefinitionArn: string;
  family?: string;
  revision?: number;
  status?: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  compatibilities?: string[];
  /** Task-level size, strings as in the ECS model ("256", "1 vCPU", "0.5GB"). */
  cpu?: string;
  memory?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  registeredAt?: number;
  deregisteredAt?: number;
  registeredBy?: string;
  containerDefinitions?: ContainerDefinitionSummary[];
  placementConstraints?: PlacementConstraint[];
}

/** An entry of an API `failures` array. */
export interface Failure {
  arn?: string;
  reason?: string;
  detail?: string;
}

// ---------------------------------------------------------------- reading machinery

type Reader<T> = (value: unknown) => T | undefined;
/** One reader per field: the compiler makes sure no field of the type is forgotten. */
type Readers<T> = { [K in keyof T]-?: Reader<NonNullable<T[K]>> };

function readFields<T>(record: UnknownRecord, readers: Readers<T>): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(readers) as (keyof T & string)[]) {
    const value = readers[key](record[key]);
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** Runs a normaliser so that a throwing getter or proxy in the input yields `undefined` instead of an exception. */
function safely<T>(build: () => T | undefined): T | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}

/** A normaliser for records without a required key: any object yields a (possibly empty) result. */
function plain<T>(readers: Readers<T>): (input: unknown) => T | undefined {
  return (input) =>
    safely(() => {
      const record = asRecord(input);
      return record ? readFields(record, readers) : undefined;
    });
}

/** A normaliser for records that need a non-empty `keyField`. */
function keyed<K extends string, T extends Record<K, string>>(
  keyField: K,
  readers: Readers<Omit<T, K>>,
): (input: unknown) => T | undefined {
  return (input) =>
    safely(() => {
      const record = asRecord(input);
      const key = asNonEmptyString(record?.[keyField]);
      if (!record || key === undefined) return undefined;
      return { [keyField]: key, ...readFields(record, readers) } as unknown as T;
    });
}

/** An array's usable records: non-arrays give [], a record that fails to normalise (or throws) is left out. */
export function normalizeList<T>(
  input: unknown,
  normalize: (item: unknown) => T | undefined,
  onReject?: (item: unknown, index: number) => void,
): T[] {
  const items = safely(() => asArray(input));
  if (!items) return [];
  const out: T[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = safely(() => items[index]);
    const normalized = safely(() => normalize(item));
    if (normalized !== undefined) out.push(normalized);
    else onReject?.(item, index);
  }
  return out;
}

/** A reader for a nested list; absent when the input has no array there. */
function listOf<T>(normalize: (item: unknown) => T | undefined): Reader<T[]> {
  return (value) => (Array.isArray(value) ? normalizeList(value, normalize) : undefined);
}

// ---------------------------------------------------------------- small shapes

export const normalizeTag = keyed<'key', Tag>('key', { value: asString });
export const normalizeNameValue = keyed<'name', NameValue>('name', { value: asString });
export const normalizeAttribute = keyed<'name', Attribute>('name', {
  value: asString,
  targetType: asString,
  targetId: asString,
});
export const normalizeCapacityProviderStrategyItem = keyed<'capacityProvider', CapacityProviderStrategyItem>(
  'capacityProvider',
  { weight: asNumber, base: asNumber },
);
export const normalizeInstanceResource = keyed<'name', InstanceResource>('name', {
  type: asString,
  integerValue: asNumber,
  longValue: asNumber,
  doubleValue: asNumber,
  stringSetValue: asStringArray,
});
const normalizeVersionInfo = plain<VersionInfo>({
  agentVersion: asString,
  agentHash: asString,
  dockerVersion: asString,
});
export const normalizeAttachment = plain<Attachment>({
  id: asString,
  type: asString,
  status: asString,
  details: listOf(normalizeNameValue),
});
const normalizeNetworkBinding = plain<NetworkBinding>({
  bindIP: asString,
  containerPort: asInteger,
  hostPort: asInteger,
  protocol: asString,
  containerPortRange: asString,
  hostPortRange: asString,
});
const normalizeNetworkInterface = plain<NetworkInterface>({
  attachmentId: asString,
  privateIpv4Address: asString,
  ipv6Address: asString,
});
const normalizeNetworkConfiguration = plain<NetworkConfiguration>({
  awsvpcConfiguration: plain<AwsVpcConfiguration>({
    subnets: asStringArray,
    securityGroups: asStringArray,
    assignPublicIp: asString,
  }),
});
const normalizeLoadBalancer = plain<LoadBalancer>({
  targetGroupArn: asString,
  loadBalancerName: asString,
  containerName: asString,
  containerPort: asInteger,
});

// ---------------------------------------------------------------- entities

export const normalizeFailure = plain<Failure>({ arn: asString, reason: asString, detail: asString });

export const normalizeCluster = keyed<'clusterArn', Cluster>('clusterArn', {
  clusterName: asString,
  status: asString,
  registeredContainerInstancesCount: asInteger,
  runningTasksCount: asInteger,
  pendingTasksCount: asInteger,
  activeServicesCount: asInteger,
  statistics: listOf(normalizeNameValue),
  settings: listOf(normalizeNameValue),
  capacityProviders: asStringArray,
  defaultCapacityProviderStrategy: listOf(normalizeCapacityProviderStrategyItem),
  attachmentsStatus: asString,
  tags: listOf(normalizeTag),
});

const readContainerInstance = keyed<'containerInstanceArn', Omit<ContainerInstance, 'healthStatus'>>(
  'containerInstanceArn',
  {
    ec2InstanceId: asString,
    status: asString,
    statusReason: asString,
    agentConnected: asBoolean,
    runningTasksCount: asInteger,
    pendingTasksCount: asInteger,
    registeredResources: listOf(normalizeInstanceResource),
    remainingResources: listOf(normalizeInstanceResource),
    versionInfo: normalizeVersionInfo,
    agentUpdateStatus: asString,
    attributes: listOf(normalizeAttribute),
    registeredAt: asEpochMs,
    capacityProviderName: asString,
    version: asInteger,
    attachments: listOf(normalizeAttachment),
    tags: listOf(normalizeTag),
    // Lifted from the attributes below; never read from the input.
    availabilityZone: () => undefined,
    instanceType: () => undefined,
  },
);

export function normalizeContainerInstance(input: unknown): ContainerInstance | undefined {
  return safely(() => {
    const instance: ContainerInstance | undefined = readContainerInstance(input);
    if (!instance) return undefined;
    // The API nests it ({overallStatus}); a flattened string from an emulator is taken as is.
    const health = (input as UnknownRecord).healthStatus;
    const overall = asString(asRecord(health)?.overallStatus) ?? asString(health);
    if (overall !== undefined) instance.healthStatus = overall;
    const zone = instanceAttribute(instance, 'ecs.availability-zone');
    if (zone !== undefined) instance.availabilityZone = zone;
    const type = instanceAttribute(instance, 'ecs.instance-type');
    if (type !== undefined) instance.instanceType = type;
    return instance;
  });
}

export const normalizeDeployment = plain<Deployment>({
  id: asString,
  status: asString,
  taskDefinition: asString,
  desiredCount: asInteger,
  pendingCount: asInteger,
  runningCount: asInteger,
  failedTasks: asInteger,
  createdAt: asEpochMs,
  updatedAt: asEpochMs,
  launchType: asString,
  capacityProviderStrategy: listOf(normalizeCapacityProviderStrategyItem),
  platformVersion: asString,
  rolloutState: asString,
  rolloutStateReason: asString,
});

export const normalizeServiceEvent = plain<ServiceEvent>({ id: asString, createdAt: asEpochMs, message: asString });

export const normalizeTaskSet = keyed<'taskSetArn', TaskSet>('taskSetArn', {
  id: asString,
  serviceArn: asString,
  clusterArn: asString,
  startedBy: asString,
  externalId: asString,
  status: asString,
  taskDefinition: asString,
  computedDesiredCount: asInteger,
  pendingCount: asInteger,
  runningCount: asInteger,
  createdAt: asEpochMs,
  updatedAt: asEpochMs,
  launchType: asString,
  capacityProviderStrategy: listOf(normalizeCapacityProviderStrategyItem),
  platformVersion: asString,
  scale: plain<TaskSetScale>({ value: asNumber, unit: asString }),
  stabilityStatus: asString,
  stabilityStatusAt: asEpochMs,
  tags: listOf(normalizeTag),
});

export const normalizeService = keyed<'serviceArn', Service>('serviceArn', {
  serviceName: asString,
  clusterArn: asString,
  status: asString,
  desiredCount: asInteger,
  runningCount: asInteger,
  pendingCount: asInteger,
  launchType: asString,
  capacityProviderStrategy: listOf(normalizeCapacityProviderStrategyItem),
  platformVersion: asString,
  taskDefinition: asString,
  deploymentConfiguration: plain<DeploymentConfiguration>({
    maximumPercent: asNumber,
    minimumHealthyPercent: asNumber,
    deploymentCircuitBreaker: plain<DeploymentCircuitBreaker>({ enable: asBoolean, rollback: asBoolean }),
    strategy: asString,
  }),
  deployments: listOf(normalizeDeployment),
  taskSets: listOf(normalizeTaskSet),
  events: listOf(normalizeServiceEvent),
  createdAt: asEpochMs,
  createdBy: asString,
  schedulingStrategy: asString,
  deploymentController: plain<{ type?: string }>({ type: asString }),
  loadBalancers: listOf(normalizeLoadBalancer),
  networkConfiguration: normalizeNetworkConfiguration,
  healthCheckGracePeriodSeconds: asNumber,
  roleArn: asString,
  tags: listOf(normalizeTag),
});

export const normalizeContainer = plain<Container>({
  name: asString,
  containerArn: asString,
  taskArn: asString,
  image: asString,
  imageDigest: asString,
  runtimeId: asString,
  lastStatus: asString,
  exitCode: asInteger,
  reason: asString,
  healthStatus: asString,
  cpu: asString,
  memory: asString,
  memoryReservation: asString,
  networkBindings: listOf(normalizeNetworkBinding),
  networkInterfaces: listOf(normalizeNetworkInterface),
});

const normalizeContainerOverride = plain<ContainerOverride>({
  name: asString,
  command: asStringArray,
  environment: listOf(normalizeNameValue),
  cpu: asNumber,
  memory: asNumber,
  memoryReservation: asNumber,
});

export const normalizeTaskOverride = plain<TaskOverride>({
  containerOverrides: listOf(normalizeContainerOverride),
  cpu: asString,
  memory: asString,
  taskRoleArn: asString,
  executionRoleArn: asString,
  ephemeralStorage: plain<{ sizeInGiB?: number }>({ sizeInGiB: asNumber }),
});

export const normalizeTask = keyed<'taskArn', Task>('taskArn', {
  clusterArn: asString,
  taskDefinitionArn: asString,
  containerInstanceArn: asString,
  availabilityZone: asString,
  lastStatus: asString,
  desiredStatus: asString,
  healthStatus: asString,
  connectivity: asString,
  launchType: asString,
  capacityProviderName: asString,
  platformVersion: asString,
  platformFamily: asString,
  cpu: asString,
  memory: asString,
  group: asString,
  startedBy: asString,
  version: asInteger,
  createdAt: asEpochMs,
  pullStartedAt: asEpochMs,
  pullStoppedAt: asEpochMs,
  startedAt: asEpochMs,
  connectivityAt: asEpochMs,
  stoppingAt: asEpochMs,
  executionStoppedAt: asEpochMs,
  stoppedAt: asEpochMs,
  stopCode: asString,
  stoppedReason: asString,
  containers: listOf(normalizeContainer),
  overrides: normalizeTaskOverride,
  attachments: listOf(normalizeAttachment),
  enableExecuteCommand: asBoolean,
  tags: listOf(normalizeTag),
});

const normalizeSecretReference = keyed<'name', SecretReference>('name', { valueFrom: asString });

/** A string-to-string map (log driver options): entries whose value is not a string are left out. */
function asStringMap(value: unknown): Record<string, string> | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  // fromEntries defines own properties: a "__proto__" key stays a key.
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

const normalizeContainerDefinition = plain<ContainerDefinitionSummary>({
  name: asString,
  image: asString,
  essential: asBoolean,
  cpu: asNumber,
  memory: asNumber,
  memoryReservation: asNumber,
  portMappings: listOf(
    plain<PortMapping>({ name: asString, containerPort: asInteger, hostPort: asInteger, protocol: asString }),
  ),
  healthCheck: plain<HealthCheck>({
    command: asStringArray,
    interval: asNumber,
    timeout: asNumber,
    retries: asNumber,
    startPeriod: asNumber,
  }),
  command: asStringArray,
  entryPoint: asStringArray,
  environment: listOf(normalizeNameValue),
  secrets: listOf(normalizeSecretReference),
  logConfiguration: plain<LogConfiguration>({
    logDriver: asString,
    options: asStringMap,
    secretOptions: listOf(normalizeSecretReference),
  }),
  stopTimeout: asNumber,
});

export const normalizeTaskDefinition = keyed<'taskDefinitionArn', TaskDefinition>('taskDefinitionArn', {
  family: asString,
  revision: asInteger,
  status: asString,
  networkMode: asString,
  requiresCompatibilities: asStringArray,
  compatibilities: asStringArray,
  cpu: asString,
  memory: asString,
  taskRoleArn: asString,
  executionRoleArn: asString,
  registeredAt: asEpochMs,
  deregisteredAt: asEpochMs,
  registeredBy: asString,
  containerDefinitions: listOf(normalizeContainerDefinition),
  placementConstraints: listOf(plain<PlacementConstraint>({ type: asString, expression: asString })),
});

// ---------------------------------------------------------------- lookups on normalised records

/** The value of an instance attribute such as `ecs.instance-type`. */
export function instanceAttribute(instance: Pick<ContainerInstance, 'attributes'>, name: string): string | undefined {
  return instance.attributes?.find((attribute) => attribute.name === name)?.value;
}

/** The integer value of a resource (CPU units, MiB) from a resource list. */
export function resourceValue(resources: readonly InstanceResource[] | undefined, name: string): number | undefined {
  const resource = resources?.find((item) => item.name === name);
  return resource?.integerValue ?? resource?.longValue ?? resource?.doubleValue;
}

/** A cluster statistic by name, case-insensitive (ECS spells one `RunningFargateTasksCount`). */
export function clusterStatistic(cluster: Pick<Cluster, 'statistics'>, name: string): number | undefined {
  const wanted = name.toLowerCase();
  return asNumber(cluster.statistics?.find((item) => item.name.toLowerCase() === wanted)?.value);
}

/** A detail of an attachment (e.g. `privateIPv4Address` of a task's ENI). */
export function attachmentDetail(attachment: Attachment, name: string): string | undefined {
  return attachment.details?.find((detail) => detail.name === name)?.value;
}

/**
 * A stable identity for a service event, for merging events across polls: its id, or its time and message when
 * an endpoint sends none.
 */
export function serviceEventKey(event: ServiceEvent): string {
  return event.id ?? `${event.createdAt ?? ''}:${event.message ?? ''}`;
}
