import type { SimFailure } from '../errors.ts';
import type { OperationHandler } from './context.ts';
import {
  arnOf,
  BOTH_LAUNCH_TYPE_AND_STRATEGY,
  invalidParameter,
  readCapacityProviderStrategy,
  readDeploymentConfiguration,
  readInclude,
  readLaunchType,
  readLoadBalancers,
  readNetworkConfiguration,
  readPlacementConstraints,
  readPlacementStrategy,
  readTags,
} from './inputs.ts';
import { compareStrings, isString, paginate, readPageRequest } from './paging.ts';
import { wireService } from './serialize.ts';

const SCHEDULING_STRATEGIES = ['REPLICA', 'DAEMON'] as const;
const DEPLOYMENT_CONTROLLERS = ['ECS', 'CODE_DEPLOY', 'EXTERNAL'] as const;
const PROPAGATE_TAGS = ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const;

/** ListServices pages 10 services by default (unlike the other List calls), and lists only ACTIVE services. */
export const listServices: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const launchType = readLaunchType(params);
  const schedulingStrategy = params.string('schedulingStrategy', { values: SCHEDULING_STRATEGIES });
  params.string('resourceManagementType');
  const request = readPageRequest(params, 10, isString);
  // Parameters are checked before state, as ECS validates a request before looking anything up.
  const cluster = model.requireCluster(clusterRef);
  const matching = [...model.servicesOfCluster(cluster)].filter(
    (service) =>
      service.status === 'ACTIVE' &&
      (launchType === undefined || service.launchType === launchType) &&
      (schedulingStrategy === undefined || service.schedulingStrategy === schedulingStrategy),
  );
  const page = paginate(matching, (service) => service.arn, compareStrings, request);
  return { serviceArns: page.items.map((service) => service.arn), nextToken: page.nextToken };
};

export const describeServices: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const refs = params.requireStringList('services', { minItems: 1, maxItems: 10 });
  const includeTags = readInclude(params, ['TAGS']).has('TAGS');
  const cluster = model.requireCluster(clusterRef);
  const services: Record<string, unknown>[] = [];
  const failures: SimFailure[] = [];
  for (const ref of refs) {
    const service = model.findService(cluster, ref);
    if (service) services.push(wireService(service, includeTags));
    else failures.push({ arn: arnOf(model, 'service', ref, cluster.name), reason: 'MISSING' });
  }
  return { services, failures };
};

export const createService: OperationHandler = ({ model }, params) => {
  const serviceName = params.requireString('serviceName', {
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    patternHint: 'up to 255 letters, numbers, hyphens and underscores',
  });
  const controller = params.object('deploymentController');
  const deploymentController = controller
    ? { type: controller.requireString('type', { values: DEPLOYMENT_CONTROLLERS }) }
    : undefined;
  const launchType = readLaunchType(params);
  const capacityProviderStrategy = readCapacityProviderStrategy(params);
  if (launchType !== undefined && capacityProviderStrategy !== undefined && capacityProviderStrategy.length > 0) {
    throw invalidParameter(BOTH_LAUNCH_TYPE_AND_STRATEGY);
  }
  // The simulator's task sets and deployments always need a task definition to start from.
  const taskDefinition = params.requireString('taskDefinition', { minLength: 1 });
  // Accepted for compatibility; not simulated.
  params.objectList('serviceRegistries');
  params.string('role');
  params.string('clientToken', { maxLength: 64 });
  params.boolean('enableECSManagedTags');
  const service = model.createService({
    cluster: params.string('cluster'),
    serviceName,
    taskDefinition,
    desiredCount: params.integer('desiredCount', { min: 0 }),
    launchType,
    capacityProviderStrategy,
    platformVersion: params.string('platformVersion'),
    deploymentConfiguration: readDeploymentConfiguration(params),
    deploymentController,
    schedulingStrategy: params.string('schedulingStrategy', { values: SCHEDULING_STRATEGIES }),
    loadBalancers: readLoadBalancers(params),
    networkConfiguration: readNetworkConfiguration(params),
    placementConstraints: readPlacementConstraints(params, 10),
    placementStrategy: readPlacementStrategy(params, 5),
    healthCheckGracePeriodSeconds: params.integer('healthCheckGracePeriodSeconds', { min: 0, max: 2147483647 }),
    tags: readTags(params),
    enableExecuteCommand: params.boolean('enableExecuteCommand'),
    propagateTags: params.string('propagateTags', { values: PROPAGATE_TAGS }),
  });
  return { service: wireService(service, false) };
};

/**
 * UpdateService: desiredCount, taskDefinition, forceNewDeployment and deploymentConfiguration are simulated; the
 * other members are checked for type and otherwise ignored.
 */
export const updateService: OperationHandler = ({ model }, params) => {
  const input = {
    cluster: params.string('cluster'),
    service: params.requireString('service', { minLength: 1 }),
    desiredCount: params.integer('desiredCount', { min: 0 }),
    taskDefinition: params.string('taskDefinition', { minLength: 1 }),
    forceNewDeployment: params.boolean('forceNewDeployment'),
    deploymentConfiguration: readDeploymentConfiguration(params),
  };
  readCapacityProviderStrategy(params);
  readNetworkConfiguration(params);
  readPlacementConstraints(params, 10);
  readPlacementStrategy(params, 5);
  readLoadBalancers(params);
  params.string('platformVersion');
  params.integer('healthCheckGracePeriodSeconds', { min: 0 });
  params.boolean('enableExecuteCommand');
  params.boolean('enableECSManagedTags');
  params.string('propagateTags', { values: PROPAGATE_TAGS });
  const service = model.updateService(input);
  return { service: wireService(service, false) };
};
