/**
 * Validates a scenario document (already parsed from JSON) and returns the typed, defaulted `Scenario`.
 * The first problem throws a FieldError naming the field path; `readScenario` adds the file name.
 * Shape checks come first, then the cross-references (task definition revisions, instance labels, services named
 * by the script), so a scenario that parses also loads.
 */

import { FieldError, ObjectReader } from '../../lib/reader.ts';
import { RETENTION_DAYS } from '../handlers/logs.ts';
import type {
  CapacityProviderStrategyItem,
  ContainerDefinition,
  DeploymentConfiguration,
  LoadBalancer,
  NetworkConfiguration,
  Outcome,
  PlacementConstraint,
  PlacementStrategy,
  PortMapping,
  Tag,
  TaskBehaviour,
  TaskLoad,
  TaskOverrides,
} from '../model/types.ts';
import { OUTCOME_KINDS } from '../model/types.ts';
import type {
  ClusterSpec,
  InstanceGroupSpec,
  LogGroupSpec,
  Scenario,
  ScriptAction,
  ScriptEntry,
  ScriptTiming,
  ServiceSpec,
  StandaloneTaskSpec,
  TaskDefinitionSpec,
  TaskLaunchSpec,
  TaskSetSpec,
} from './types.ts';
import { SCENARIO_VERSION, SCRIPT_ACTIONS } from './types.ts';

const DEFAULT_AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL'] as const;
const NETWORK_MODES = ['bridge', 'host', 'awsvpc', 'none'] as const;

/** Validates `document` (the value of a parsed JSON file). Throws FieldError on the first problem. */
export function parseScenario(document: unknown, fallbackName: string): Scenario {
  const root = new ObjectReader(document, '', { comment: 'note' });
  const version = root.required('version');
  if (version !== SCENARIO_VERSION)
    throw new FieldError('version', `must be ${SCENARIO_VERSION} (the only scenario format this simulator reads)`);
  const scenario: Scenario = {
    version: SCENARIO_VERSION,
    name: root.optionalString('name') ?? fallbackName,
    warmupSeconds: root.optionalInteger('warmupSeconds', { min: 0, max: 86_400 }) ?? 0,
    taskDefinitions: root.optionalObjects('taskDefinitions').map(parseTaskDefinition),
    clusters: root.objects('clusters', { minLength: 1 }).map(parseCluster),
    script: root.optionalObjects('script').map(parseScriptEntry),
    logGroups: root.optionalObjects('logGroups').map(parseLogGroup),
  };
  const description = root.optionalString('description');
  if (description !== undefined) scenario.description = description;
  root.end();
  checkReferences(scenario);
  return scenario;
}

// ------------------------------------------------------------------------------------------ log groups

function parseLogGroup(o: ObjectReader): LogGroupSpec {
  const name = o.string('name');
  if (!/^[.\-_/#A-Za-z0-9]{1,512}$/.test(name))
    throw new FieldError(o.at('name'), 'must be 1-512 letters, digits or . - _ / #');
  const spec: LogGroupSpec = { name };
  const retention = o.optionalInteger('retentionInDays', { min: 1 });
  if (retention !== undefined) {
    if (!RETENTION_DAYS.includes(retention))
      throw new FieldError(o.at('retentionInDays'), `must be one of ${RETENTION_DAYS.join(', ')}`);
    spec.retentionInDays = retention;
  }
  o.end();
  return spec;
}

// ------------------------------------------------------------------------------------------ task definitions

function parseTaskDefinition(o: ObjectReader): TaskDefinitionSpec {
  const family = o.string('family');
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family))
    throw new FieldError(o.at('family'), 'must be 1-255 letters, digits, hyphens or underscores');
  const spec: TaskDefinitionSpec = {
    family,
    containerDefinitions: o.objects('containerDefinitions', { minLength: 1 }).map(parseContainerDefinition),
  };
  assign(spec, 'networkMode', o.optionalOneOf('networkMode', NETWORK_MODES));
  assign(spec, 'requiresCompatibilities', o.optionalStringList('requiresCompatibilities'));
  assign(spec, 'cpu', o.optionalNumericString('cpu'));
  assign(spec, 'memory', o.optionalNumericString('memory'));
  assign(spec, 'taskRoleArn', o.optionalString('taskRoleArn'));
  assign(spec, 'executionRoleArn', o.optionalString('executionRoleArn'));
  if (o.has('tags')) spec.tags = parseTags(o, 'tags');
  if (o.has('behaviour')) spec.behaviour = parseBehaviour(o.object('behaviour'));
  o.end();
  if (!spec.containerDefinitions.some((container) => container.essential))
    throw new FieldError(o.at('containerDefinitions'), 'must hold at least one essential container');
  return spec;
}

function parseContainerDefinition(o: ObjectReader): ContainerDefinition {
  const container: ContainerDefinition = {
    name: o.string('name'),
    image: o.string('image'),
    essential: o.optionalBoolean('essential') ?? true,
    portMappings: o.optionalObjects('portMappings').map(parsePortMapping),
  };
  assign(container, 'cpu', o.optionalInteger('cpu', { min: 0 }));
  assign(container, 'memory', o.optionalInteger('memory', { min: 4 }));
  assign(container, 'memoryReservation', o.optionalInteger('memoryReservation', { min: 4 }));
  assign(container, 'command', o.optionalStringList('command'));
  assign(container, 'entryPoint', o.optionalStringList('entryPoint'));
  if (o.has('secrets')) {
    container.secrets = o.objects('secrets').map((secret) => {
      const out = { name: secret.string('name'), valueFrom: secret.string('valueFrom') };
      secret.end();
      return out;
    });
  }
  assign(container, 'stopTimeout', o.optionalInteger('stopTimeout', { min: 0, max: 120 }));
  if (o.has('environment')) {
    container.environment = o.objects('environment').map((variable) => {
      // An empty value is a value (ECS accepts it): read it as tags read theirs.
      const value = variable.has('value') ? variable.required('value') : '';
      if (typeof value !== 'string') throw new FieldError(variable.at('value'), 'must be a string');
      const out = { key: variable.string('name'), value };
      variable.end();
      return out;
    });
  }
  const health = o.optionalObject('healthCheck');
  if (health) {
    const check: NonNullable<ContainerDefinition['healthCheck']> = {
      command: health.stringList('command', { minLength: 1 }),
    };
    assign(check, 'interval', health.optionalInteger('interval', { min: 5, max: 300 }));
    assign(check, 'timeout', health.optionalInteger('timeout', { min: 2, max: 120 }));
    assign(check, 'retries', health.optionalInteger('retries', { min: 1, max: 10 }));
    assign(check, 'startPeriod', health.optionalInteger('startPeriod', { min: 0, max: 300 }));
    health.end();
    container.healthCheck = check;
  }
  if (o.has('dockerLabels')) {
    const out: Record<string, string> = {};
    for (const label of o.entries('dockerLabels')) {
      if (typeof label.value !== 'string') throw new FieldError(label.path, 'must be a string');
      out[label.key] = label.value;
    }
    container.dockerLabels = out;
  }
  const logs = o.optionalObject('logConfiguration');
  if (logs) {
    const configuration: NonNullable<ContainerDefinition['logConfiguration']> = { logDriver: logs.string('logDriver') };
    if (logs.has('options')) {
      const options: Record<string, string> = {};
      for (const option of logs.entries('options')) {
        if (typeof option.value !== 'string') throw new FieldError(option.path, 'must be a string');
        options[option.key] = option.value;
      }
      configuration.options = options;
    }
    logs.end();
    container.logConfiguration = configuration;
  }
  o.end();
  return container;
}

function parsePortMapping(o: ObjectReader): PortMapping {
  const mapping: PortMapping = {};
  assign(mapping, 'containerPort', o.optionalInteger('containerPort', { min: 1, max: 65_535 }));
  assign(mapping, 'hostPort', o.optionalInteger('hostPort', { min: 0, max: 65_535 }));
  assign(mapping, 'protocol', o.optionalOneOf('protocol', ['tcp', 'udp']));
  o.end();
  return mapping;
}

function parseBehaviour(o: ObjectReader): TaskBehaviour {
  const behaviour: TaskBehaviour = {
    outcomes: o.objects('outcomes', { minLength: 1 }).map(parseOutcome),
  };
  assign(behaviour, 'pullSeconds', o.optionalNumber('pullSeconds', { min: 0, max: 3600 }));
  assign(behaviour, 'gracefulStopSeconds', o.optionalNumber('gracefulStopSeconds', { min: 0, max: 3600 }));
  assign(behaviour, 'gracefulExitCode', o.optionalInteger('gracefulExitCode', { min: 0, max: 255 }));
  if (o.has('load')) behaviour.load = parseLoad(o.object('load'));
  o.end();
  return behaviour;
}

function parseLoad(o: ObjectReader): TaskLoad {
  const load: TaskLoad = {};
  assign(load, 'cpuPercent', o.optionalNumber('cpuPercent', { min: 0, max: 100 }));
  assign(load, 'memoryPercent', o.optionalNumber('memoryPercent', { min: 0, max: 100 }));
  o.end();
  return load;
}

function parseOutcome(o: ObjectReader): Outcome {
  const outcome: Outcome = { kind: o.oneOf('kind', OUTCOME_KINDS) };
  assign(outcome, 'weight', o.optionalNumber('weight', { min: 0 }));
  assign(outcome, 'afterSeconds', o.optionalNumber('afterSeconds', { min: 0 }));
  assign(outcome, 'afterSecondsMax', o.optionalNumber('afterSecondsMax', { min: 0 }));
  assign(outcome, 'exitCode', o.optionalInteger('exitCode', { min: 0, max: 255 }));
  o.end();
  if (outcome.afterSecondsMax !== undefined) {
    if (outcome.afterSeconds === undefined) throw new FieldError(o.at('afterSecondsMax'), 'needs afterSeconds too');
    if (outcome.afterSecondsMax < outcome.afterSeconds)
      throw new FieldError(o.at('afterSecondsMax'), 'must not be less than afterSeconds');
  }
  return outcome;
}

// ------------------------------------------------------------------------------------------ clusters

function parseCluster(o: ObjectReader): ClusterSpec {
  const name = o.string('name');
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name))
    throw new FieldError(o.at('name'), 'must be 1-255 letters, digits, hyphens or underscores');
  const cluster: ClusterSpec = {
    name,
    availabilityZones: o.optionalStringList('availabilityZones', { minLength: 1 }) ?? DEFAULT_AZS,
    instances: o.optionalObjects('instances').map(parseInstanceGroup),
    services: o.optionalObjects('services').map(parseService),
    tasks: o.optionalObjects('tasks').map(parseStandaloneTask),
  };
  if (o.has('tags')) cluster.tags = parseTags(o, 'tags');
  if (o.has('settings'))
    cluster.settings = o.objects('settings').map((setting) => {
      const out = { name: setting.string('name'), value: setting.string('value') };
      setting.end();
      return out;
    });
  assign(cluster, 'capacityProviders', o.optionalStringList('capacityProviders'));
  if (o.has('defaultCapacityProviderStrategy'))
    cluster.defaultCapacityProviderStrategy = parseStrategy(o, 'defaultCapacityProviderStrategy');
  assign(cluster, 'fargateCapacity', o.optionalInteger('fargateCapacity', { min: 0 }));
  if (o.has('subnets'))
    cluster.subnets = o.objects('subnets', { minLength: 1 }).map((subnet) => {
      const out = { subnetId: subnet.string('subnetId'), availabilityZone: subnet.string('availabilityZone') };
      subnet.end();
      return out;
    });
  assign(cluster, 'securityGroups', o.optionalStringList('securityGroups'));
  o.end();
  return cluster;
}

function parseInstanceGroup(o: ObjectReader): InstanceGroupSpec {
  const group: InstanceGroupSpec = {
    count: o.optionalInteger('count', { min: 1, max: 1000 }) ?? 1,
    instanceType: o.string('instanceType'),
    cpu: o.integer('cpu', { min: 128 }),
    memory: o.integer('memory', { min: 128 }),
  };
  assign(group, 'name', o.optionalString('name'));
  assign(group, 'availabilityZones', o.optionalStringList('availabilityZones', { minLength: 1 }));
  assign(group, 'lifecycle', o.optionalOneOf('lifecycle', ['on-demand', 'spot']));
  assign(group, 'capacityProviderName', o.optionalString('capacityProviderName'));
  assign(group, 'agentVersion', o.optionalString('agentVersion'));
  if (o.has('attributes'))
    group.attributes = o.objects('attributes').map((attribute) => {
      const out: { name: string; value?: string } = { name: attribute.string('name') };
      assign(out, 'value', attribute.optionalString('value'));
      attribute.end();
      return out;
    });
  if (o.has('tags')) group.tags = parseTags(o, 'tags');
  assign(group, 'status', o.optionalOneOf('status', ['ACTIVE', 'DRAINING']));
  assign(group, 'agentConnected', o.optionalBoolean('agentConnected'));
  o.end();
  return group;
}

function parseService(o: ObjectReader): ServiceSpec {
  const service: ServiceSpec = {
    name: o.string('name'),
    taskDefinition: o.string('taskDefinition'),
    taskSets: o.optionalObjects('taskSets').map(parseTaskSet),
  };
  assign(service, 'desiredCount', o.optionalInteger('desiredCount', { min: 0 }));
  assign(service, 'launchType', o.optionalOneOf('launchType', LAUNCH_TYPES));
  if (o.has('capacityProviderStrategy'))
    service.capacityProviderStrategy = parseStrategy(o, 'capacityProviderStrategy');
  assign(service, 'platformVersion', o.optionalString('platformVersion'));
  const deployment = o.optionalObject('deploymentConfiguration');
  if (deployment) service.deploymentConfiguration = parseDeploymentConfiguration(deployment);
  const controller = o.optionalObject('deploymentController');
  if (controller) {
    service.deploymentController = { type: controller.oneOf('type', ['ECS', 'EXTERNAL']) };
    controller.end();
  }
  assign(service, 'schedulingStrategy', o.optionalOneOf('schedulingStrategy', ['REPLICA', 'DAEMON']));
  if (o.has('loadBalancers')) service.loadBalancers = o.objects('loadBalancers').map(parseLoadBalancer);
  const network = o.optionalObject('networkConfiguration');
  if (network) service.networkConfiguration = parseNetworkConfiguration(network);
  if (o.has('placementConstraints')) service.placementConstraints = parseConstraints(o);
  if (o.has('placementStrategy')) service.placementStrategy = parsePlacementStrategy(o);
  assign(service, 'healthCheckGracePeriodSeconds', o.optionalInteger('healthCheckGracePeriodSeconds', { min: 0 }));
  if (o.has('tags')) service.tags = parseTags(o, 'tags');
  assign(service, 'enableExecuteCommand', o.optionalBoolean('enableExecuteCommand'));
  assign(service, 'startSteadySeconds', o.optionalInteger('startSteadySeconds', { min: 0 }));
  o.end();

  const daemon = service.schedulingStrategy === 'DAEMON';
  const external = service.deploymentController?.type === 'EXTERNAL';
  if (daemon && service.desiredCount !== undefined)
    throw new FieldError(o.at('desiredCount'), 'must not be set on a DAEMON service (it runs one task per instance)');
  if (!daemon && service.desiredCount === undefined) throw new FieldError(o.at('desiredCount'), 'is required');
  if (daemon && external) throw new FieldError(o.at('schedulingStrategy'), 'DAEMON is not allowed with EXTERNAL');
  if (external && service.taskSets.length === 0)
    throw new FieldError(o.at('taskSets'), 'must hold at least one task set for an EXTERNAL service');
  if (!external && service.taskSets.length > 0)
    throw new FieldError(o.at('taskSets'), 'are only allowed with deploymentController {"type": "EXTERNAL"}');
  if (service.taskSets.filter((set) => set.primary).length > 1)
    throw new FieldError(o.at('taskSets'), 'may mark at most one task set primary');
  return service;
}

function parseTaskSet(o: ObjectReader): TaskSetSpec {
  const set: TaskSetSpec = {
    taskDefinition: o.string('taskDefinition'),
    scale: o.number('scale', { min: 0, max: 100 }),
    primary: o.optionalBoolean('primary') ?? false,
  };
  assign(set, 'externalId', o.optionalString('externalId'));
  assign(set, 'launchType', o.optionalOneOf('launchType', LAUNCH_TYPES));
  assign(set, 'startSteadySeconds', o.optionalInteger('startSteadySeconds', { min: 0 }));
  o.end();
  return set;
}

function parseTaskLaunch(o: ObjectReader): TaskLaunchSpec {
  const spec: TaskLaunchSpec = {
    taskDefinition: o.string('taskDefinition'),
    count: o.optionalInteger('count', { min: 1, max: 10 }) ?? 1,
  };
  assign(spec, 'launchType', o.optionalOneOf('launchType', LAUNCH_TYPES));
  if (o.has('capacityProviderStrategy')) spec.capacityProviderStrategy = parseStrategy(o, 'capacityProviderStrategy');
  assign(spec, 'platformVersion', o.optionalString('platformVersion'));
  const network = o.optionalObject('networkConfiguration');
  if (network) spec.networkConfiguration = parseNetworkConfiguration(network);
  const overrides = o.optionalObject('overrides');
  if (overrides) spec.overrides = parseOverrides(overrides);
  assign(spec, 'group', o.optionalString('group'));
  const startedBy = o.optionalString('startedBy');
  if (startedBy !== undefined && !/^[A-Za-z0-9_/-]{1,128}$/.test(startedBy))
    throw new FieldError(o.at('startedBy'), 'must be 1-128 letters, digits, hyphens, underscores or slashes');
  assign(spec, 'startedBy', startedBy);
  if (o.has('tags')) spec.tags = parseTags(o, 'tags');
  if (o.has('placementConstraints')) spec.placementConstraints = parseConstraints(o);
  if (o.has('placementStrategy')) spec.placementStrategy = parsePlacementStrategy(o);
  assign(spec, 'instance', o.optionalString('instance'));
  if (spec.launchType !== undefined && spec.capacityProviderStrategy !== undefined)
    throw new FieldError(o.at('capacityProviderStrategy'), 'cannot be combined with launchType');
  if (spec.instance !== undefined && spec.count !== 1)
    throw new FieldError(o.at('count'), 'must be 1 when the task is pinned to an instance');
  return spec;
}

function parseStandaloneTask(o: ObjectReader): StandaloneTaskSpec {
  const spec: StandaloneTaskSpec = parseTaskLaunch(o);
  assign(spec, 'startRunningSecondsAgo', o.optionalInteger('startRunningSecondsAgo', { min: 0 }));
  o.end();
  if (spec.startRunningSecondsAgo !== undefined && spec.instance !== undefined)
    throw new FieldError(o.at('startRunningSecondsAgo'), 'cannot be combined with instance (StartTask starts fresh)');
  return spec;
}

// ------------------------------------------------------------------------------------------ script

function parseScriptEntry(o: ObjectReader): ScriptEntry {
  const action = o.oneOf('action', SCRIPT_ACTIONS);
  const timing = parseTiming(o);
  const cluster = o.string('cluster');
  const note = o.optionalString('note');
  const entry = { ...timing, ...parseAction(o, action, cluster) } as ScriptEntry;
  o.end();
  if (note !== undefined) entry.note = note;
  return entry;
}

function parseTiming(o: ObjectReader): ScriptTiming {
  if (o.has('at') === o.has('every')) throw new FieldError(o.path, 'needs exactly one of "at" or "every"');
  if (o.has('at')) {
    if (o.has('firstAt')) throw new FieldError(o.at('firstAt'), 'only goes with "every"');
    return { at: o.number('at', { min: 0 }) };
  }
  const every = o.number('every', { min: 1 });
  return { every, firstAt: o.optionalNumber('firstAt', { min: 0 }) ?? every };
}

function parseAction(o: ObjectReader, action: ScriptAction['action'], cluster: string): ScriptAction {
  switch (action) {
    case 'runTask':
      return { action, cluster, ...parseTaskLaunch(o) };
    case 'updateService': {
      const update: ScriptAction & { action: 'updateService' } = { action, cluster, service: o.string('service') };
      assign(update, 'desiredCount', o.optionalInteger('desiredCount', { min: 0 }));
      assign(update, 'taskDefinition', o.optionalString('taskDefinition'));
      assign(update, 'forceNewDeployment', o.optionalBoolean('forceNewDeployment'));
      if (
        update.desiredCount === undefined &&
        update.taskDefinition === undefined &&
        update.forceNewDeployment === undefined
      )
        throw new FieldError(o.path, 'needs desiredCount, taskDefinition or forceNewDeployment');
      return update;
    }
    case 'drain':
    case 'activate': {
      if (o.has('instance') === o.has('instances'))
        throw new FieldError(o.path, 'needs exactly one of "instance" or "instances"');
      const instances = o.has('instance')
        ? [o.string('instance')]
        : o.stringList('instances', { minLength: 1, maxLength: 10 });
      return { action, cluster, instances };
    }
    case 'disconnectAgent':
    case 'reconnectAgent':
    case 'spotInterruption':
      return { action, cluster, instance: o.string('instance') };
    case 'shiftTaskSets':
      return {
        action,
        cluster,
        service: o.string('service'),
        step: o.optionalNumber('step', { min: 1, max: 100 }) ?? 25,
      };
  }
}

// ------------------------------------------------------------------------------------------ shared shapes

function parseTags(o: ObjectReader, key: string): Tag[] {
  return o.objects(key, { maxLength: 50 }).map((tag) => {
    const value = tag.required('value');
    if (typeof value !== 'string') throw new FieldError(tag.at('value'), 'must be a string');
    const out = { key: tag.string('key'), value };
    tag.end();
    return out;
  });
}

function parseStrategy(o: ObjectReader, key: string): CapacityProviderStrategyItem[] {
  return o.objects(key, { minLength: 1, maxLength: 20 }).map((entry) => {
    const out: CapacityProviderStrategyItem = { capacityProvider: entry.string('capacityProvider') };
    assign(out, 'weight', entry.optionalInteger('weight', { min: 0, max: 1000 }));
    assign(out, 'base', entry.optionalInteger('base', { min: 0, max: 100_000 }));
    entry.end();
    return out;
  });
}

function parseDeploymentConfiguration(o: ObjectReader): Partial<DeploymentConfiguration> {
  const out: Partial<DeploymentConfiguration> = {};
  assign(out, 'maximumPercent', o.optionalInteger('maximumPercent', { min: 100, max: 200 }));
  assign(out, 'minimumHealthyPercent', o.optionalInteger('minimumHealthyPercent', { min: 0, max: 100 }));
  const breaker = o.optionalObject('deploymentCircuitBreaker');
  if (breaker) {
    out.deploymentCircuitBreaker = {
      enable: breaker.optionalBoolean('enable') ?? false,
      rollback: breaker.optionalBoolean('rollback') ?? false,
    };
    breaker.end();
  }
  o.end();
  return out;
}

function parseLoadBalancer(o: ObjectReader): LoadBalancer {
  const out: LoadBalancer = {};
  assign(out, 'targetGroupArn', o.optionalString('targetGroupArn'));
  assign(out, 'loadBalancerName', o.optionalString('loadBalancerName'));
  assign(out, 'containerName', o.optionalString('containerName'));
  assign(out, 'containerPort', o.optionalInteger('containerPort', { min: 1, max: 65_535 }));
  o.end();
  if (out.targetGroupArn === undefined && out.loadBalancerName === undefined)
    throw new FieldError(o.path, 'needs targetGroupArn or loadBalancerName');
  return out;
}

function parseNetworkConfiguration(o: ObjectReader): NetworkConfiguration {
  const vpc = o.object('awsvpcConfiguration');
  const config: NonNullable<NetworkConfiguration['awsvpcConfiguration']> = {
    subnets: vpc.stringList('subnets', { minLength: 1, maxLength: 16 }),
  };
  assign(config, 'securityGroups', vpc.optionalStringList('securityGroups', { maxLength: 5 }));
  assign(config, 'assignPublicIp', vpc.optionalOneOf('assignPublicIp', ['ENABLED', 'DISABLED']));
  vpc.end();
  o.end();
  return { awsvpcConfiguration: config };
}

function parseConstraints(o: ObjectReader): PlacementConstraint[] {
  return o.objects('placementConstraints', { maxLength: 10 }).map((c) => {
    const out: PlacementConstraint = { type: c.oneOf('type', ['distinctInstance', 'memberOf']) };
    assign(out, 'expression', c.optionalString('expression'));
    c.end();
    if (out.type === 'memberOf' && out.expression === undefined)
      throw new FieldError(c.at('expression'), 'is required for memberOf');
    return out;
  });
}

function parsePlacementStrategy(o: ObjectReader): PlacementStrategy[] {
  return o.objects('placementStrategy', { maxLength: 5 }).map((s) => {
    const out: PlacementStrategy = { type: s.oneOf('type', ['random', 'spread', 'binpack']) };
    assign(out, 'field', s.optionalString('field'));
    s.end();
    return out;
  });
}

function parseOverrides(o: ObjectReader): Partial<TaskOverrides> {
  const out: Partial<TaskOverrides> = {};
  if (o.has('containerOverrides'))
    out.containerOverrides = o.objects('containerOverrides').map((c) => {
      const override: TaskOverrides['containerOverrides'][number] = {};
      assign(override, 'name', c.optionalString('name'));
      assign(override, 'command', c.optionalStringList('command'));
      assign(override, 'cpu', c.optionalInteger('cpu', { min: 0 }));
      assign(override, 'memory', c.optionalInteger('memory', { min: 4 }));
      assign(override, 'memoryReservation', c.optionalInteger('memoryReservation', { min: 4 }));
      c.end();
      return override;
    });
  assign(out, 'cpu', o.optionalNumericString('cpu'));
  assign(out, 'memory', o.optionalNumericString('memory'));
  assign(out, 'taskRoleArn', o.optionalString('taskRoleArn'));
  assign(out, 'executionRoleArn', o.optionalString('executionRoleArn'));
  o.end();
  if (JSON.stringify(out).length > 8192) throw new FieldError(o.path, 'must be at most 8192 characters of JSON');
  return out;
}

// ------------------------------------------------------------------------------------------ cross-references

/** Revisions per family, in file order: the n-th definition of a family becomes revision n. */
function revisionsByFamily(scenario: Scenario): Map<string, TaskDefinitionSpec[]> {
  const families = new Map<string, TaskDefinitionSpec[]>();
  for (const definition of scenario.taskDefinitions) {
    const list = families.get(definition.family) ?? [];
    list.push(definition);
    families.set(definition.family, list);
  }
  return families;
}

/** The definition a `family` or `family:revision` reference names (a bare family = its latest revision). */
export function resolveDefinitionRef(
  families: Map<string, TaskDefinitionSpec[]>,
  ref: string,
  path: string,
): TaskDefinitionSpec {
  const [family = '', revisionText] = ref.split(':');
  const revisions = families.get(family);
  if (!revisions)
    throw new FieldError(path, `names task definition family "${family}", which this file does not define`);
  if (revisionText === undefined) return revisions[revisions.length - 1] as TaskDefinitionSpec;
  const revision = /^[0-9]+$/.test(revisionText) ? Number(revisionText) : Number.NaN;
  const definition = revisions[revision - 1];
  if (!definition)
    throw new FieldError(
      path,
      `names "${ref}", but this file defines ${family} revision${revisions.length === 1 ? ' 1' : `s 1-${revisions.length}`}`,
    );
  return definition;
}

/** The labels instance groups give their instances, in registration order. */
export function instanceLabels(group: InstanceGroupSpec): (string | undefined)[] {
  return Array.from({ length: group.count }, (_, index) => {
    if (group.name === undefined) return undefined;
    return group.count === 1 ? group.name : `${group.name}-${index + 1}`;
  });
}

function usesFargate(
  launchType: string | undefined,
  strategy: CapacityProviderStrategyItem[] | undefined,
  cluster: ClusterSpec,
): boolean {
  if (launchType !== undefined) return launchType === 'FARGATE';
  const chosen = strategy ?? cluster.defaultCapacityProviderStrategy;
  return chosen?.some((item) => item.capacityProvider.startsWith('FARGATE')) ?? false;
}

function checkReferences(scenario: Scenario): void {
  const families = revisionsByFamily(scenario);
  const clusterNames = new Set<string>();

  scenario.clusters.forEach((cluster, clusterIndex) => {
    const path = `clusters[${clusterIndex}]`;
    if (clusterNames.has(cluster.name)) throw new FieldError(`${path}.name`, `repeats cluster name "${cluster.name}"`);
    clusterNames.add(cluster.name);

    const labels = new Set<string>();
    cluster.instances.forEach((group, groupIndex) => {
      for (const label of instanceLabels(group)) {
        if (label === undefined) continue;
        if (labels.has(label))
          throw new FieldError(`${path}.instances[${groupIndex}].name`, `gives instance label "${label}" twice`);
        labels.add(label);
      }
    });

    /** A task definition reference that must fit the launch it is used with. */
    const checkLaunch = (
      ref: string,
      refPath: string,
      launchType: string | undefined,
      strategy: CapacityProviderStrategyItem[] | undefined,
      network: NetworkConfiguration | undefined,
    ) => {
      const definition = resolveDefinitionRef(families, ref, refPath);
      if (usesFargate(launchType, strategy, cluster)) {
        if (definition.networkMode !== 'awsvpc' || definition.cpu === undefined || definition.memory === undefined)
          throw new FieldError(
            refPath,
            `names "${ref}", which Fargate cannot run (it needs networkMode awsvpc, cpu and memory)`,
          );
      } else if (cluster.instances.length === 0) {
        throw new FieldError(refPath, `launches on EC2 but cluster "${cluster.name}" has no instances`);
      }
      if (definition.networkMode === 'awsvpc' && network === undefined && cluster.subnets === undefined)
        throw new FieldError(
          refPath,
          `names "${ref}" (networkMode awsvpc) but neither a networkConfiguration nor the cluster's subnets are given`,
        );
    };
    const checkInstance = (label: string, labelPath: string) => {
      if (!labels.has(label))
        throw new FieldError(labelPath, `names instance "${label}", which cluster "${cluster.name}" does not have`);
    };

    const serviceNames = new Set<string>();
    cluster.services.forEach((service, serviceIndex) => {
      const servicePath = `${path}.services[${serviceIndex}]`;
      if (serviceNames.has(service.name))
        throw new FieldError(`${servicePath}.name`, `repeats service name "${service.name}"`);
      serviceNames.add(service.name);
      const network = service.networkConfiguration;
      checkLaunch(
        service.taskDefinition,
        `${servicePath}.taskDefinition`,
        service.launchType,
        service.capacityProviderStrategy,
        network,
      );
      service.taskSets.forEach((set, setIndex) => {
        checkLaunch(
          set.taskDefinition,
          `${servicePath}.taskSets[${setIndex}].taskDefinition`,
          set.launchType ?? service.launchType,
          service.capacityProviderStrategy,
          network,
        );
      });
    });

    cluster.tasks.forEach((task, taskIndex) => {
      const taskPath = `${path}.tasks[${taskIndex}]`;
      checkLaunch(
        task.taskDefinition,
        `${taskPath}.taskDefinition`,
        task.launchType,
        task.capacityProviderStrategy,
        task.networkConfiguration,
      );
      if (task.instance !== undefined) checkInstance(task.instance, `${taskPath}.instance`);
    });

    scenario.script.forEach((entry, entryIndex) => {
      if (entry.cluster !== cluster.name) return;
      const entryPath = `script[${entryIndex}]`;
      switch (entry.action) {
        case 'runTask':
          checkLaunch(
            entry.taskDefinition,
            `${entryPath}.taskDefinition`,
            entry.launchType,
            entry.capacityProviderStrategy,
            entry.networkConfiguration,
          );
          if (entry.instance !== undefined) checkInstance(entry.instance, `${entryPath}.instance`);
          break;
        case 'updateService': {
          const service = cluster.services.find((candidate) => candidate.name === entry.service);
          if (!service)
            throw new FieldError(`${entryPath}.service`, `names service "${entry.service}", not in "${cluster.name}"`);
          if (entry.taskDefinition !== undefined)
            checkLaunch(
              entry.taskDefinition,
              `${entryPath}.taskDefinition`,
              service.launchType,
              service.capacityProviderStrategy,
              service.networkConfiguration,
            );
          if (
            service.deploymentController?.type === 'EXTERNAL' &&
            (entry.taskDefinition !== undefined || entry.forceNewDeployment !== undefined)
          )
            throw new FieldError(entryPath, 'may only change desiredCount of an EXTERNAL service');
          break;
        }
        case 'shiftTaskSets': {
          const service = cluster.services.find((candidate) => candidate.name === entry.service);
          if (!service)
            throw new FieldError(`${entryPath}.service`, `names service "${entry.service}", not in "${cluster.name}"`);
          if (service.deploymentController?.type !== 'EXTERNAL' || service.taskSets.length < 2)
            throw new FieldError(`${entryPath}.service`, 'must name an EXTERNAL service with at least two task sets');
          break;
        }
        case 'drain':
        case 'activate':
          entry.instances.forEach((label, labelIndex) => {
            checkInstance(label, `${entryPath}.instances[${labelIndex}]`);
          });
          break;
        case 'disconnectAgent':
        case 'reconnectAgent':
        case 'spotInterruption':
          checkInstance(entry.instance, `${entryPath}.instance`);
          break;
      }
    });
  });

  scenario.script.forEach((entry, entryIndex) => {
    if (!clusterNames.has(entry.cluster))
      throw new FieldError(`script[${entryIndex}].cluster`, `names cluster "${entry.cluster}", which is not defined`);
  });
}

/** Sets an optional member only when it has a value, so absent fields stay absent. */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
