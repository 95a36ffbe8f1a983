/**
 * Readers for the request structures several operations share (tags, network configuration, capacity provider
 * strategies, overrides, placement, container definitions), each turned into the model's input types.
 */
import { buildArn, type EcsResourceType, isArn } from '../../domain/arn.ts';
import { SimError } from '../errors.ts';
import type { SimModel } from '../model/model.ts';
import type {
  CapacityProviderStrategyItem,
  ContainerDefinition,
  ContainerOverride,
  DeploymentConfiguration,
  KeyValue,
  LoadBalancer,
  NetworkConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  PortMapping,
  Tag,
  TaskOverrides,
} from '../model/types.ts';
import type { Params } from '../protocol.ts';

export const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const;

export const BOTH_LAUNCH_TYPE_AND_STRATEGY =
  'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.';

export function invalidParameter(message: string): SimError {
  return new SimError('InvalidParameterException', message);
}

/** The ARN a reference names: itself when it is an ARN, else built from the cluster and the short name. */
export function arnOf(model: SimModel, type: EcsResourceType, ref: string, clusterName?: string): string {
  if (isArn(ref)) return ref;
  const ctx = { region: model.state.region, accountId: model.state.accountId };
  return buildArn(ctx, type, clusterName === undefined ? ref : `${clusterName}/${ref}`);
}

/** `include` as a set, each value checked against the operation's enum. */
export function readInclude(params: Params, allowed: readonly string[]): Set<string> {
  return new Set(params.stringList('include', { item: { values: allowed } }) ?? []);
}

export function readTags(params: Params, name = 'tags'): Tag[] | undefined {
  const list = params.objectList(name, { maxItems: 50 });
  if (!list) return undefined;
  return list.map((tag) => {
    const key = tag.requireString('key', { minLength: 1, maxLength: 128 });
    const value = tag.string('value', { maxLength: 256 }) ?? '';
    if (key.toLowerCase().startsWith('aws:')) {
      throw invalidParameter(`${tag.pathOf('key')}: the aws: prefix is reserved for AWS use.`);
    }
    return { key, value };
  });
}

export function readKeyValuePairs(params: Params, name: string): KeyValue[] | undefined {
  return params.objectList(name)?.map((pair) => ({
    key: pair.requireString('name'),
    value: pair.string('value') ?? '',
  }));
}

export function readNetworkConfiguration(params: Params): NetworkConfiguration | undefined {
  const network = params.object('networkConfiguration');
  if (!network) return undefined;
  const vpc = network.object('awsvpcConfiguration');
  if (!vpc) return {};
  const config: NetworkConfiguration['awsvpcConfiguration'] = {
    subnets: vpc.requireStringList('subnets', { maxItems: 16 }),
  };
  const securityGroups = vpc.stringList('securityGroups', { maxItems: 5 });
  if (securityGroups) config.securityGroups = securityGroups;
  const assignPublicIp = vpc.string('assignPublicIp', { values: ['ENABLED', 'DISABLED'] });
  if (assignPublicIp) config.assignPublicIp = assignPublicIp;
  return { awsvpcConfiguration: config };
}

export function readCapacityProviderStrategy(
  params: Params,
  name = 'capacityProviderStrategy',
): CapacityProviderStrategyItem[] | undefined {
  return params.objectList(name, { maxItems: 20 })?.map((item) => {
    const entry: CapacityProviderStrategyItem = {
      capacityProvider: item.requireString('capacityProvider', { minLength: 1, maxLength: 255 }),
    };
    const weight = item.integer('weight', { min: 0, max: 1000 });
    if (weight !== undefined) entry.weight = weight;
    const base = item.integer('base', { min: 0, max: 100000 });
    if (base !== undefined) entry.base = base;
    return entry;
  });
}

export function readLaunchType(params: Params): string | undefined {
  return params.string('launchType', { values: LAUNCH_TYPES });
}

export function readPlacementConstraints(params: Params, maxItems: number): PlacementConstraint[] | undefined {
  return params.objectList('placementConstraints', { maxItems })?.map((c) => {
    const constraint: PlacementConstraint = {
      type: c.requireString('type', { values: ['distinctInstance', 'memberOf'] }),
    };
    const expression = c.string('expression', { maxLength: 2000 });
    if (expression !== undefined) constraint.expression = expression;
    return constraint;
  });
}

export function readPlacementStrategy(params: Params, maxItems: number): PlacementStrategy[] | undefined {
  return params.objectList('placementStrategy', { maxItems })?.map((s) => {
    const entry: PlacementStrategy = { type: s.requireString('type', { values: ['random', 'spread', 'binpack'] }) };
    const field = s.string('field', { maxLength: 255 });
    if (field !== undefined) entry.field = field;
    return entry;
  });
}

export function readLoadBalancers(params: Params): LoadBalancer[] | undefined {
  return params.objectList('loadBalancers')?.map((lb) => {
    const entry: LoadBalancer = {};
    const targetGroupArn = lb.string('targetGroupArn');
    if (targetGroupArn !== undefined) entry.targetGroupArn = targetGroupArn;
    const loadBalancerName = lb.string('loadBalancerName');
    if (loadBalancerName !== undefined) entry.loadBalancerName = loadBalancerName;
    const containerName = lb.string('containerName');
    if (containerName !== undefined) entry.containerName = containerName;
    const containerPort = lb.integer('containerPort', { min: 0, max: 65535 });
    if (containerPort !== undefined) entry.containerPort = containerPort;
    return entry;
  });
}

export function readDeploymentConfiguration(params: Params): Partial<DeploymentConfiguration> | undefined {
  const config = params.object('deploymentConfiguration');
  if (!config) return undefined;
  const out: Partial<DeploymentConfiguration> = {};
  const maximumPercent = config.integer('maximumPercent', { min: 0 });
  if (maximumPercent !== undefined) out.maximumPercent = maximumPercent;
  const minimumHealthyPercent = config.integer('minimumHealthyPercent', { min: 0 });
  if (minimumHealthyPercent !== undefined) out.minimumHealthyPercent = minimumHealthyPercent;
  const breaker = config.object('deploymentCircuitBreaker');
  if (breaker) {
    out.deploymentCircuitBreaker = {
      enable: requireBoolean(breaker, 'enable'),
      rollback: requireBoolean(breaker, 'rollback'),
    };
  }
  return out;
}

function requireBoolean(params: Params, name: string): boolean {
  const value = params.boolean(name);
  if (value === undefined) throw invalidParameter(`${params.pathOf(name)} is required.`);
  return value;
}

/** Task overrides, at most 8192 characters of JSON as ECS allows. */
export function readOverrides(params: Params): Partial<TaskOverrides> | undefined {
  const overrides = params.object('overrides');
  if (!overrides) return undefined;
  if (JSON.stringify(params.raw('overrides')).length > 8192) {
    throw invalidParameter('overrides: the total size of the overrides must be at most 8192 characters.');
  }
  const out: Partial<TaskOverrides> = {};
  const containerOverrides = overrides.objectList('containerOverrides');
  if (containerOverrides) out.containerOverrides = containerOverrides.map(readContainerOverride);
  const cpu = overrides.string('cpu');
  if (cpu !== undefined) out.cpu = cpu;
  const memory = overrides.string('memory');
  if (memory !== undefined) out.memory = memory;
  const taskRoleArn = overrides.string('taskRoleArn');
  if (taskRoleArn !== undefined) out.taskRoleArn = taskRoleArn;
  const executionRoleArn = overrides.string('executionRoleArn');
  if (executionRoleArn !== undefined) out.executionRoleArn = executionRoleArn;
  const storage = overrides.object('ephemeralStorage');
  if (storage) out.ephemeralStorage = { sizeInGiB: storage.requireInteger('sizeInGiB', { min: 20, max: 200 }) };
  return out;
}

function readContainerOverride(params: Params): ContainerOverride {
  const out: ContainerOverride = {};
  const name = params.string('name');
  if (name !== undefined) out.name = name;
  const command = params.stringList('command');
  if (command !== undefined) out.command = command;
  const env = readKeyValuePairs(params, 'environment');
  if (env !== undefined) out.environment = env;
  const cpu = params.integer('cpu', { min: 0 });
  if (cpu !== undefined) out.cpu = cpu;
  const memory = params.integer('memory', { min: 0 });
  if (memory !== undefined) out.memory = memory;
  const memoryReservation = params.integer('memoryReservation', { min: 0 });
  if (memoryReservation !== undefined) out.memoryReservation = memoryReservation;
  return out;
}

export function readContainerDefinition(params: Params): ContainerDefinition {
  const def: ContainerDefinition = {
    name: params.requireString('name', {
      minLength: 1,
      maxLength: 255,
      pattern: /^[A-Za-z0-9_-]+$/,
      patternHint: 'letters, numbers, hyphens and underscores only',
    }),
    image: params.requireString('image', { minLength: 1, maxLength: 2048 }),
    essential: params.boolean('essential') ?? true,
    portMappings: (params.objectList('portMappings') ?? []).map(readPortMapping),
  };
  const cpu = params.integer('cpu', { min: 0 });
  if (cpu !== undefined) def.cpu = cpu;
  const memory = params.integer('memory', { min: 6 });
  if (memory !== undefined) def.memory = memory;
  const memoryReservation = params.integer('memoryReservation', { min: 6 });
  if (memoryReservation !== undefined) def.memoryReservation = memoryReservation;
  const command = params.stringList('command');
  if (command !== undefined) def.command = command;
  const entryPoint = params.stringList('entryPoint');
  if (entryPoint !== undefined) def.entryPoint = entryPoint;
  const env = readKeyValuePairs(params, 'environment');
  if (env !== undefined) def.environment = env;
  const secrets = params.objectList('secrets')?.map((secret) => ({
    name: secret.requireString('name', { minLength: 1 }),
    valueFrom: secret.requireString('valueFrom', { minLength: 1 }),
  }));
  if (secrets !== undefined) def.secrets = secrets;
  const healthCheck = params.object('healthCheck');
  if (healthCheck) {
    const check: NonNullable<ContainerDefinition['healthCheck']> = {
      command: healthCheck.requireStringList('command', { minItems: 1 }),
    };
    const interval = healthCheck.integer('interval', { min: 5, max: 300 });
    if (interval !== undefined) check.interval = interval;
    const timeout = healthCheck.integer('timeout', { min: 2, max: 120 });
    if (timeout !== undefined) check.timeout = timeout;
    const retries = healthCheck.integer('retries', { min: 1, max: 10 });
    if (retries !== undefined) check.retries = retries;
    const startPeriod = healthCheck.integer('startPeriod', { min: 0, max: 300 });
    if (startPeriod !== undefined) check.startPeriod = startPeriod;
    def.healthCheck = check;
  }
  const stopTimeout = params.integer('stopTimeout', { min: 0, max: 120 });
  if (stopTimeout !== undefined) def.stopTimeout = stopTimeout;
  const dockerLabels = params.stringMap('dockerLabels');
  if (dockerLabels !== undefined) def.dockerLabels = dockerLabels;
  const logConfiguration = params.object('logConfiguration');
  if (logConfiguration) {
    const configuration: NonNullable<ContainerDefinition['logConfiguration']> = {
      logDriver: logConfiguration.requireString('logDriver', { values: LOG_DRIVERS }),
    };
    const options = logConfiguration.stringMap('options');
    if (options !== undefined) configuration.options = options;
    def.logConfiguration = configuration;
  }
  return def;
}

/** The log drivers RegisterTaskDefinition accepts. */
const LOG_DRIVERS = ['json-file', 'syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'awsfirelens'];

function readPortMapping(params: Params): PortMapping {
  const mapping: PortMapping = {};
  const containerPort = params.integer('containerPort', { min: 0, max: 65535 });
  if (containerPort !== undefined) mapping.containerPort = containerPort;
  const hostPort = params.integer('hostPort', { min: 0, max: 65535 });
  if (hostPort !== undefined) mapping.hostPort = hostPort;
  mapping.protocol = params.string('protocol', { values: ['tcp', 'udp'] }) ?? 'tcp';
  return mapping;
}

/** The `startedBy` rule: letters, numbers, hyphens, slashes and underscores, up to `maxLength`. */
export function readStartedBy(params: Params, maxLength: number): string | undefined {
  return params.string('startedBy', {
    maxLength,
    pattern: /^[A-Za-z0-9_/-]*$/,
    patternHint: 'letters, numbers, hyphens, forward slashes and underscores only',
  });
}
