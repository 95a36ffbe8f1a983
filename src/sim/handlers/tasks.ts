import { taskDefinitionLabel } from '../../domain/arn.ts';
import { SimError, type SimFailure } from '../errors.ts';
import type { SimTask } from '../model/types.ts';
import type { Params } from '../protocol.ts';
import type { HandlerContext, OperationHandler } from './context.ts';
import {
  arnOf,
  BOTH_LAUNCH_TYPE_AND_STRATEGY,
  invalidParameter,
  readCapacityProviderStrategy,
  readInclude,
  readLaunchType,
  readNetworkConfiguration,
  readOverrides,
  readPlacementConstraints,
  readPlacementStrategy,
  readStartedBy,
  readTags,
} from './inputs.ts';
import { compareStrings, isString, paginate, readPageRequest } from './paging.ts';
import { wireTask } from './serialize.ts';

const DESIRED_STATUSES = ['RUNNING', 'PENDING', 'STOPPED'] as const;
const PROPAGATE_TAGS = ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const;
const MAX_REMEMBERED_CLIENT_TOKENS = 10_000;

/** `family` of `arn:...:task-definition/family:3`. */
function familyOf(taskDefinitionArn: string): string {
  const label = taskDefinitionLabel(taskDefinitionArn);
  const colon = label.lastIndexOf(':');
  return colon < 0 ? label : label.slice(0, colon);
}

export const listTasks: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const containerInstanceRef = params.string('containerInstance');
  const family = params.string('family');
  const serviceName = params.string('serviceName');
  const startedBy = params.string('startedBy');
  const desiredStatusParam = params.string('desiredStatus', { values: DESIRED_STATUSES });
  const launchType = readLaunchType(params);
  const daemonName = params.string('daemonName', { minLength: 1, maxLength: 255 });
  const request = readPageRequest(params, 100, isString);

  const others = [containerInstanceRef, family, serviceName, desiredStatusParam, launchType, daemonName];
  if (startedBy !== undefined && others.some((filter) => filter !== undefined)) {
    throw invalidParameter('startedBy must be the only filter when it is used.');
  }
  // Parameters are checked before state, as ECS validates a request before looking anything up.
  const cluster = model.requireCluster(clusterRef);
  let serviceArn: string | undefined;
  if (serviceName !== undefined) {
    const service = model.findService(cluster, serviceName);
    if (!service) throw new SimError('ServiceNotFoundException', 'Service not found.');
    serviceArn = service.arn;
  }
  let containerInstanceArn: string | undefined;
  if (containerInstanceRef !== undefined) {
    // An instance that is not in the cluster holds no tasks of it: an empty list, not an error.
    containerInstanceArn = model.findContainerInstance(cluster, containerInstanceRef)?.arn ?? '';
  }
  const desiredStatus = desiredStatusParam ?? 'RUNNING';

  const matches = (task: SimTask): boolean => {
    // ECS never reports a desired status of PENDING, so that filter matches nothing.
    if (task.desiredStatus !== desiredStatus) return false;
    // The simulator runs no ECS managed daemons (CreateDaemon), so no task belongs to the daemon named.
    if (daemonName !== undefined) return false;
    if (startedBy !== undefined && task.startedBy !== startedBy) return false;
    if (serviceArn !== undefined && task.serviceArn !== serviceArn) return false;
    if (containerInstanceArn !== undefined && task.containerInstanceArn !== containerInstanceArn) return false;
    if (family !== undefined && familyOf(task.taskDefinitionArn) !== family) return false;
    if (launchType !== undefined && task.launchType !== launchType) return false;
    return true;
  };
  const matching: SimTask[] = [];
  for (const task of model.tasksOfCluster(cluster)) if (matches(task)) matching.push(task);
  const page = paginate(matching, (task) => task.arn, compareStrings, request);
  return { taskArns: page.items.map((task) => task.arn), nextToken: page.nextToken };
};

export const describeTasks: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const refs = params.requireStringList('tasks', { minItems: 1, maxItems: 100 });
  const includeTags = readInclude(params, ['TAGS']).has('TAGS');
  const cluster = model.requireCluster(clusterRef);
  const tasks: Record<string, unknown>[] = [];
  const failures: SimFailure[] = [];
  // A task named twice (even once by id and once by ARN) is described once, as is a missing one.
  const seen = new Set<string>();
  for (const ref of refs) {
    const task = model.findTask(cluster, ref);
    const arn = task ? task.arn : arnOf(model, 'task', ref, cluster.name);
    if (seen.has(arn)) continue;
    seen.add(arn);
    if (task) tasks.push(wireTask(task, includeTags));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { tasks, failures };
};

export const stopTask: OperationHandler = ({ model }, params) => {
  const cluster = params.string('cluster');
  const task = params.requireString('task', { minLength: 1 });
  const reason = params.string('reason', { maxLength: 255 });
  return { task: wireTask(model.stopTask(cluster, task, reason), false) };
};

function readCommonStartMembers(params: Params) {
  const propagateTags = params.string('propagateTags', { values: PROPAGATE_TAGS });
  if (propagateTags === 'SERVICE') {
    throw invalidParameter('propagateTags SERVICE is only valid for tasks started by a service.');
  }
  params.boolean('enableECSManagedTags');
  params.string('referenceId', { maxLength: 1024 });
  params.objectList('volumeConfigurations');
  return {
    cluster: params.string('cluster'),
    taskDefinition: params.requireString('taskDefinition', { minLength: 1 }),
    networkConfiguration: readNetworkConfiguration(params),
    overrides: readOverrides(params),
    group: params.string('group', { maxLength: 255 }),
    tags: readTags(params),
    enableExecuteCommand: params.boolean('enableExecuteCommand'),
  };
}

function failuresOut(failures: SimFailure[]) {
  return failures.map((f) => ({ arn: f.arn, reason: f.reason, detail: f.detail }));
}

export const runTask: OperationHandler = (ctx, params) => {
  const { model } = ctx;
  const clientToken = params.string('clientToken', { minLength: 1, maxLength: 64 });
  const common = readCommonStartMembers(params);
  const launchType = readLaunchType(params);
  const capacityProviderStrategy = readCapacityProviderStrategy(params);
  if (launchType !== undefined && capacityProviderStrategy !== undefined && capacityProviderStrategy.length > 0) {
    throw invalidParameter(BOTH_LAUNCH_TYPE_AND_STRATEGY);
  }
  const input = {
    ...common,
    count: params.integer('count', { min: 1, max: 10 }) ?? 1,
    launchType,
    capacityProviderStrategy,
    platformVersion: params.string('platformVersion'),
    startedBy: readStartedBy(params, 128),
    placementConstraints: readPlacementConstraints(params, 10),
    placementStrategy: readPlacementStrategy(params, 5),
  };
  if (clientToken === undefined) {
    const result = model.runTask(input);
    return { tasks: result.tasks.map((task) => wireTask(task, false)), failures: failuresOut(result.failures) };
  }
  return idempotentRunTask(ctx, params, clientToken, () => model.runTask(input));
};

/** RunTask with a clientToken: a repeat of the same request answers with the same tasks instead of new ones. */
function idempotentRunTask(
  { model, runTaskTokens }: HandlerContext,
  params: Params,
  clientToken: string,
  run: () => { tasks: SimTask[]; failures: SimFailure[] },
): Record<string, unknown> {
  const { clientToken: _ignored, ...rest } = params.rawObject();
  const request = JSON.stringify(rest);
  const previous = runTaskTokens.get(clientToken);
  if (previous) {
    if (previous.request !== request) {
      throw new SimError(
        'ConflictException',
        'The specified clientToken has already been used with different parameters.',
      );
    }
    const cluster = model.requireCluster(params.string('cluster'));
    const tasks = previous.taskArns.flatMap((arn) => {
      const task = model.findTask(cluster, arn);
      return task ? [wireTask(task, false)] : [];
    });
    return { tasks, failures: failuresOut(previous.failures) };
  }
  const result = run();
  // Bounded: the oldest token is forgotten first (Maps iterate in insertion order).
  if (runTaskTokens.size >= MAX_REMEMBERED_CLIENT_TOKENS) {
    const oldest = runTaskTokens.keys().next().value;
    if (oldest !== undefined) runTaskTokens.delete(oldest);
  }
  runTaskTokens.set(clientToken, {
    request,
    taskArns: result.tasks.map((task) => task.arn),
    failures: failuresOut(result.failures),
  });
  return { tasks: result.tasks.map((task) => wireTask(task, false)), failures: failuresOut(result.failures) };
}

export const startTask: OperationHandler = ({ model }, params) => {
  const common = readCommonStartMembers(params);
  const result = model.startTask({
    ...common,
    containerInstances: params.requireStringList('containerInstances', { minItems: 1, maxItems: 10 }),
    startedBy: readStartedBy(params, 36),
  });
  return { tasks: result.tasks.map((task) => wireTask(task, false)), failures: failuresOut(result.failures) };
};
