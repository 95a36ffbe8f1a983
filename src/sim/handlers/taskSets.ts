import { SimError, type SimFailure } from '../errors.ts';
import type { OperationHandler } from './context.ts';
import { readInclude, readLaunchType } from './inputs.ts';
import { wireTaskSet } from './serialize.ts';

/**
 * DescribeTaskSets: `cluster` and `service` are required. A service on the ECS deployment controller has no task
 * sets, so it answers with none.
 */
export const describeTaskSets: OperationHandler = ({ model }, params) => {
  const clusterRef = params.requireString('cluster', { minLength: 1 });
  const serviceRef = params.requireString('service', { minLength: 1 });
  const refs = params.stringList('taskSets');
  const includeTags = readInclude(params, ['TAGS']).has('TAGS');
  // Parameters are checked before state, as ECS validates a request before looking anything up.
  const cluster = model.requireCluster(clusterRef);
  const service = model.findService(cluster, serviceRef);
  if (!service) throw new SimError('ServiceNotFoundException', 'Service not found.');
  if (service.status !== 'ACTIVE') throw new SimError('ServiceNotActiveException', 'Service was not ACTIVE.');
  if (refs === undefined || refs.length === 0) {
    return { taskSets: service.taskSets.map((set) => wireTaskSet(set, includeTags)), failures: [] };
  }
  const taskSets: Record<string, unknown>[] = [];
  const failures: SimFailure[] = [];
  for (const ref of refs) {
    const set = model.findTaskSet(service, ref);
    if (set) taskSets.push(wireTaskSet(set, includeTags));
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { taskSets, failures };
};

export const createTaskSet: OperationHandler = ({ model }, params) => {
  const scaleParams = params.object('scale');
  const scale = scaleParams && {
    value: scaleParams.requireNumber('value', { min: 0, max: 100 }),
    unit: scaleParams.string('unit', { values: ['PERCENT'] }) ?? 'PERCENT',
  };
  // Accepted for compatibility; the simulator's task sets take these from the service.
  params.object('networkConfiguration');
  params.objectList('loadBalancers');
  params.objectList('serviceRegistries');
  params.objectList('capacityProviderStrategy');
  params.string('platformVersion');
  params.string('clientToken', { maxLength: 64 });
  params.objectList('tags', { maxItems: 50 });
  const set = model.createTaskSet({
    cluster: params.string('cluster'),
    service: params.requireString('service', { minLength: 1 }),
    taskDefinition: params.requireString('taskDefinition', { minLength: 1 }),
    externalId: params.string('externalId', { maxLength: 255 }),
    launchType: readLaunchType(params),
    scale,
  });
  return { taskSet: wireTaskSet(set, false) };
};

export const updateTaskSet: OperationHandler = ({ model }, params) => {
  const cluster = params.requireString('cluster', { minLength: 1 });
  const service = params.requireString('service', { minLength: 1 });
  const taskSet = params.requireString('taskSet', { minLength: 1 });
  const scale = params.requireObject('scale');
  const value = scale.requireNumber('value', { min: 0, max: 100 });
  scale.string('unit', { values: ['PERCENT'] });
  return { taskSet: wireTaskSet(model.updateTaskSetScale(cluster, service, taskSet, value), false) };
};

export const updateServicePrimaryTaskSet: OperationHandler = ({ model }, params) => {
  const cluster = params.requireString('cluster', { minLength: 1 });
  const service = params.requireString('service', { minLength: 1 });
  const primaryTaskSet = params.requireString('primaryTaskSet', { minLength: 1 });
  return { taskSet: wireTaskSet(model.updateServicePrimaryTaskSet(cluster, service, primaryTaskSet), false) };
};
