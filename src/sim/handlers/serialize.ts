/**
 * Model objects to wire shapes. Everything is copied (nothing the model owns leaves by reference), times become
 * epoch seconds, absent members stay absent, and simulator bookkeeping (`sim`, task definition `behaviour`,
 * service/deployment links) is never sent.
 */
import type { ClusterCounts, SimModel } from '../model/model.ts';
import type {
  CapacityProviderStrategyItem,
  ContainerDefinition,
  ContainerOverride,
  KeyValue,
  LoadBalancer,
  NetworkConfiguration,
  SimCluster,
  SimContainer,
  SimContainerInstance,
  SimDeployment,
  SimService,
  SimTask,
  SimTaskDefinition,
  SimTaskSet,
  Tag,
  TaskOverrides,
} from '../model/types.ts';
import { toEpochSeconds } from '../protocol.ts';

type Wire = Record<string, unknown>;

const tags = (list: Tag[]): Wire[] => list.map((tag) => ({ key: tag.key, value: tag.value }));

/** ECS's KeyValuePair is `{name, value}`; the model keeps `{key, value}`. */
const environment = (list: KeyValue[]): Wire[] => list.map((pair) => ({ name: pair.key, value: pair.value }));

const strategy = (list: CapacityProviderStrategyItem[]): Wire[] | undefined =>
  list.length === 0
    ? undefined
    : list.map((item) => ({ capacityProvider: item.capacityProvider, weight: item.weight, base: item.base }));

const loadBalancers = (list: LoadBalancer[]): Wire[] =>
  list.map((lb) => ({
    targetGroupArn: lb.targetGroupArn,
    loadBalancerName: lb.loadBalancerName,
    containerName: lb.containerName,
    containerPort: lb.containerPort,
  }));

function networkConfiguration(config: NetworkConfiguration | undefined): Wire | undefined {
  const vpc = config?.awsvpcConfiguration;
  if (!vpc) return undefined;
  return {
    awsvpcConfiguration: {
      subnets: [...vpc.subnets],
      securityGroups: vpc.securityGroups ? [...vpc.securityGroups] : undefined,
      assignPublicIp: vpc.assignPublicIp,
    },
  };
}

// ------------------------------------------------------------------------------------------------ clusters

export interface ClusterIncludes {
  statistics: boolean;
  settings: boolean;
  tags: boolean;
  attachments: boolean;
}

export function clusterStatistics(counts: ClusterCounts): Wire[] {
  // Names exactly as ECS sends them, including its capital R in RunningFargateTasksCount.
  const stats: [string, number][] = [
    ['runningEC2TasksCount', counts.runningEC2TasksCount],
    ['RunningFargateTasksCount', counts.runningFargateTasksCount],
    ['pendingEC2TasksCount', counts.pendingEC2TasksCount],
    ['pendingFargateTasksCount', counts.pendingFargateTasksCount],
    ['activeEC2ServiceCount', counts.activeEC2ServiceCount],
    ['activeFargateServiceCount', counts.activeFargateServiceCount],
    ['drainingEC2ServiceCount', counts.drainingEC2ServiceCount],
    ['drainingFargateServiceCount', counts.drainingFargateServiceCount],
  ];
  return stats.map(([name, value]) => ({ name, value: String(value) }));
}

export function wireCluster(model: SimModel, cluster: SimCluster, include: ClusterIncludes): Wire {
  const counts = model.clusterCounts(cluster);
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: cluster.status,
    registeredContainerInstancesCount: counts.registeredContainerInstancesCount,
    runningTasksCount: counts.runningTasksCount,
    pendingTasksCount: counts.pendingTasksCount,
    activeServicesCount: counts.activeServicesCount,
    // ECS sends these two lists empty unless asked for.
    statistics: include.statistics ? clusterStatistics(counts) : [],
    tags: include.tags ? tags(cluster.tags) : [],
    settings: include.settings ? cluster.settings.map((s) => ({ name: s.name, value: s.value })) : undefined,
    capacityProviders: [...cluster.capacityProviders],
    defaultCapacityProviderStrategy: cluster.defaultCapacityProviderStrategy.map((item) => ({
      capacityProvider: item.capacityProvider,
      weight: item.weight,
      base: item.base,
    })),
    attachments: include.attachments ? [] : undefined,
  };
}

// ------------------------------------------------------------------------------------- container instances

/** A stable short hash for versionInfo.agentHash (ECS sends the agent's git commit). */
function agentHash(agentVersion: string): string {
  let h = 2166136261;
  for (let i = 0; i < agentVersion.length; i++) h = Math.imul(h ^ agentVersion.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, '0');
}

const integerResource = (name: 'CPU' | 'MEMORY', value: number): Wire => ({
  name,
  type: 'INTEGER',
  doubleValue: 0,
  longValue: 0,
  integerValue: value,
});

const stringSetResource = (name: 'PORTS' | 'PORTS_UDP', values: string[]): Wire => ({
  name,
  type: 'STRINGSET',
  doubleValue: 0,
  longValue: 0,
  integerValue: 0,
  stringSetValue: values,
});

export interface ContainerInstanceIncludes {
  tags: boolean;
  health: boolean;
}

export function wireContainerInstance(
  model: SimModel,
  instance: SimContainerInstance,
  include: ContainerInstanceIncludes,
): Wire {
  const remaining = model.remainingResources(instance);
  const counts = model.instanceTaskCounts(instance);
  return {
    containerInstanceArn: instance.arn,
    ec2InstanceId: instance.ec2InstanceId,
    capacityProviderName: instance.capacityProviderName,
    version: instance.version,
    versionInfo: {
      agentVersion: instance.agentVersion,
      agentHash: agentHash(instance.agentVersion),
      dockerVersion: instance.dockerVersion,
    },
    remainingResources: [
      integerResource('CPU', remaining.cpu),
      integerResource('MEMORY', remaining.memory),
      stringSetResource('PORTS', [...remaining.ports]),
      stringSetResource('PORTS_UDP', []),
    ],
    registeredResources: [
      integerResource('CPU', instance.registeredCpu),
      integerResource('MEMORY', instance.registeredMemory),
      stringSetResource(
        'PORTS',
        instance.reservedPorts.map((port) => String(port)),
      ),
      stringSetResource('PORTS_UDP', []),
    ],
    status: instance.status,
    statusReason: instance.statusReason,
    agentConnected: instance.agentConnected,
    runningTasksCount: counts.running,
    pendingTasksCount: counts.pending,
    attributes: instance.attributes.map((a) => ({ name: a.name, value: a.value })),
    registeredAt: toEpochSeconds(instance.registeredAt),
    attachments: [],
    tags: include.tags ? tags(instance.tags) : undefined,
    healthStatus: include.health
      ? {
          // The simulator has no runtime health checks; an instance whose agent is gone reports no data.
          overallStatus: instance.agentConnected ? 'OK' : 'INSUFFICIENT_DATA',
          details: [],
        }
      : undefined,
  };
}

// --------------------------------------------------------------------------------------- task definitions

function containerDefinition(def: ContainerDefinition): Wire {
  return {
    name: def.name,
    image: def.image,
    cpu: def.cpu ?? 0,
    memory: def.memory,
    memoryReservation: def.memoryReservation,
    portMappings: def.portMappings.map((pm) => ({
      containerPort: pm.containerPort,
      hostPort: pm.hostPort,
      protocol: pm.protocol,
    })),
    essential: def.essential,
    command: def.command ? [...def.command] : undefined,
    entryPoint: def.entryPoint ? [...def.entryPoint] : undefined,
    environment: environment(def.environment ?? []),
    secrets: def.secrets
      ? def.secrets.map((secret) => ({ name: secret.name, valueFrom: secret.valueFrom }))
      : undefined,
    mountPoints: [],
    volumesFrom: [],
    stopTimeout: def.stopTimeout,
    healthCheck: def.healthCheck
      ? {
          command: [...def.healthCheck.command],
          interval: def.healthCheck.interval,
          timeout: def.healthCheck.timeout,
          retries: def.healthCheck.retries,
          startPeriod: def.healthCheck.startPeriod,
        }
      : undefined,
    dockerLabels: def.dockerLabels ? { ...def.dockerLabels } : undefined,
    logConfiguration: def.logConfiguration
      ? {
          logDriver: def.logConfiguration.logDriver,
          options: def.logConfiguration.options ? { ...def.logConfiguration.options } : undefined,
        }
      : undefined,
  };
}

export function wireTaskDefinition(def: SimTaskDefinition): Wire {
  return {
    taskDefinitionArn: def.arn,
    containerDefinitions: def.containerDefinitions.map(containerDefinition),
    family: def.family,
    taskRoleArn: def.taskRoleArn,
    executionRoleArn: def.executionRoleArn,
    networkMode: def.networkMode,
    revision: def.revision,
    volumes: [],
    status: def.status,
    placementConstraints: (def.placementConstraints ?? []).map((c) => ({ type: c.type, expression: c.expression })),
    compatibilities: [...def.compatibilities],
    requiresCompatibilities: def.requiresCompatibilities.length > 0 ? [...def.requiresCompatibilities] : undefined,
    cpu: def.cpu,
    memory: def.memory,
    registeredAt: toEpochSeconds(def.registeredAt),
    registeredBy: def.registeredBy,
  };
}

// ---------------------------------------------------------------------------------------------------- tasks

function containerOverride(override: ContainerOverride): Wire {
  return {
    name: override.name,
    command: override.command ? [...override.command] : undefined,
    environment: override.environment ? environment(override.environment) : undefined,
    cpu: override.cpu,
    memory: override.memory,
    memoryReservation: override.memoryReservation,
  };
}

function taskOverrides(overrides: TaskOverrides): Wire {
  return {
    containerOverrides: overrides.containerOverrides.map(containerOverride),
    cpu: overrides.cpu,
    memory: overrides.memory,
    taskRoleArn: overrides.taskRoleArn,
    executionRoleArn: overrides.executionRoleArn,
    ephemeralStorage: overrides.ephemeralStorage ? { sizeInGiB: overrides.ephemeralStorage.sizeInGiB } : undefined,
  };
}

function container(task: SimTask, c: SimContainer): Wire {
  return {
    containerArn: c.containerArn,
    taskArn: task.arn,
    name: c.name,
    image: c.image,
    imageDigest: c.imageDigest,
    runtimeId: c.runtimeId,
    lastStatus: c.lastStatus,
    exitCode: c.exitCode,
    reason: c.reason,
    networkBindings: c.networkBindings.map((b) => ({
      bindIP: b.bindIP,
      containerPort: b.containerPort,
      hostPort: b.hostPort,
      protocol: b.protocol,
    })),
    networkInterfaces: c.networkInterfaces.map((n) => ({
      attachmentId: n.attachmentId,
      privateIpv4Address: n.privateIpv4Address,
    })),
    healthStatus: c.healthStatus,
    cpu: c.cpu,
    memory: c.memory,
    memoryReservation: c.memoryReservation,
  };
}

export function wireTask(task: SimTask, includeTags: boolean): Wire {
  const fargate = task.launchType === 'FARGATE';
  return {
    attachments: task.attachments.map((a) => ({
      id: a.id,
      type: a.type,
      status: a.status,
      details: a.details.map((d) => ({ name: d.name, value: d.value })),
    })),
    availabilityZone: task.availabilityZone,
    capacityProviderName: task.capacityProviderName,
    clusterArn: task.clusterArn,
    connectivity: task.connectivity,
    connectivityAt: toEpochSeconds(task.connectivityAt),
    containerInstanceArn: task.containerInstanceArn,
    containers: task.containers.map((c) => container(task, c)),
    cpu: task.cpu,
    createdAt: toEpochSeconds(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: task.enableExecuteCommand,
    executionStoppedAt: toEpochSeconds(task.executionStoppedAt),
    group: task.group,
    healthStatus: task.healthStatus,
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    memory: task.memory,
    overrides: taskOverrides(task.overrides),
    platformVersion: task.platformVersion,
    platformFamily: task.platformFamily,
    pullStartedAt: toEpochSeconds(task.pullStartedAt),
    pullStoppedAt: toEpochSeconds(task.pullStoppedAt),
    startedAt: toEpochSeconds(task.startedAt),
    startedBy: task.startedBy,
    stopCode: task.stopCode,
    stoppedAt: toEpochSeconds(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: toEpochSeconds(task.stoppingAt),
    tags: includeTags ? tags(task.tags) : undefined,
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinitionArn,
    version: task.version,
    // Fargate tasks report their ephemeral storage (20 GiB unless overridden).
    ephemeralStorage: fargate ? { sizeInGiB: task.overrides.ephemeralStorage?.sizeInGiB ?? 20 } : undefined,
  };
}

// ------------------------------------------------------------------------------- services and task sets

function deployment(d: SimDeployment): Wire {
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinitionArn,
    desiredCount: d.desiredCount,
    pendingCount: d.pendingCount,
    runningCount: d.runningCount,
    failedTasks: d.failedTasks,
    createdAt: toEpochSeconds(d.createdAt),
    updatedAt: toEpochSeconds(d.updatedAt),
    capacityProviderStrategy: strategy(d.capacityProviderStrategy),
    launchType: d.launchType,
    platformVersion: d.platformVersion,
    networkConfiguration: networkConfiguration(d.networkConfiguration),
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

export function wireTaskSet(set: SimTaskSet, includeTags: boolean): Wire {
  return {
    id: set.id,
    taskSetArn: set.arn,
    serviceArn: set.serviceArn,
    clusterArn: set.clusterArn,
    startedBy: set.startedBy,
    externalId: set.externalId,
    status: set.status,
    taskDefinition: set.taskDefinitionArn,
    computedDesiredCount: set.computedDesiredCount,
    pendingCount: set.pendingCount,
    runningCount: set.runningCount,
    createdAt: toEpochSeconds(set.createdAt),
    updatedAt: toEpochSeconds(set.updatedAt),
    launchType: set.launchType,
    capacityProviderStrategy: strategy(set.capacityProviderStrategy),
    platformVersion: set.platformVersion,
    networkConfiguration: networkConfiguration(set.networkConfiguration),
    loadBalancers: loadBalancers(set.loadBalancers),
    serviceRegistries: [],
    scale: { value: set.scale.value, unit: set.scale.unit },
    stabilityStatus: set.stabilityStatus,
    stabilityStatusAt: toEpochSeconds(set.stabilityStatusAt),
    tags: includeTags ? tags(set.tags) : undefined,
  };
}

export function wireService(service: SimService, includeTags: boolean): Wire {
  const usesTaskSets = service.deploymentController.type !== 'ECS';
  // Newest first, as ECS sends them; the sort is stable so equal times keep the model's order.
  const events = [...service.events].sort((a, b) => b.createdAt - a.createdAt);
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    loadBalancers: loadBalancers(service.loadBalancers),
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: service.runningCount,
    pendingCount: service.pendingCount,
    launchType: service.launchType,
    capacityProviderStrategy: strategy(service.capacityProviderStrategy),
    platformVersion: service.platformVersion,
    taskDefinition: service.taskDefinitionArn === '' ? undefined : service.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: {
        enable: service.deploymentConfiguration.deploymentCircuitBreaker.enable,
        rollback: service.deploymentConfiguration.deploymentCircuitBreaker.rollback,
      },
      maximumPercent: service.deploymentConfiguration.maximumPercent,
      minimumHealthyPercent: service.deploymentConfiguration.minimumHealthyPercent,
    },
    taskSets: usesTaskSets ? service.taskSets.map((set) => wireTaskSet(set, false)) : undefined,
    deployments: service.deployments.map(deployment),
    events: events.map((e) => ({ id: e.id, createdAt: toEpochSeconds(e.createdAt), message: e.message })),
    createdAt: toEpochSeconds(service.createdAt),
    placementConstraints: service.placementConstraints.map((c) => ({ type: c.type, expression: c.expression })),
    placementStrategy: service.placementStrategy.map((s) => ({ type: s.type, field: s.field })),
    networkConfiguration: networkConfiguration(service.networkConfiguration),
    healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds,
    schedulingStrategy: service.schedulingStrategy,
    deploymentController: { type: service.deploymentController.type },
    tags: includeTags ? tags(service.tags) : undefined,
    createdBy: service.createdBy,
    enableECSManagedTags: false,
    propagateTags: service.propagateTags ?? 'NONE',
    enableExecuteCommand: service.enableExecuteCommand,
  };
}
