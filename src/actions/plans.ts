/**
 * Plans: what an action will call, on what, with which parameters, worded for the confirmation. Building a plan
 * calls nothing (the rerun's DescribeTasks is a read, done by prepareRerun before planning); the runner executes a
 * plan only after the user confirmed it.
 */
import { shortName, taskDefinitionFamily, taskDefinitionLabel } from '../domain/arn.ts';
import { serviceOfGroup } from '../domain/failures.ts';
import { isServiceTask } from '../domain/instances.ts';
import { isTaskStopping, isTerminalStatus } from '../domain/lifecycle.ts';
import type { NetworkConfiguration, Service, Tag, Task, TaskOverride } from '../domain/model.ts';
import { attachmentDetail } from '../domain/model.ts';
import { sanitizeText } from '../domain/sanitize.ts';
import { DESCRIBE_LIMIT, type RunTaskRequest, type ServiceChange, type StartTaskRequest } from '../ecs/gateway.ts';
import { nodeCrypto } from '../lib/lazyBuiltins.ts';
import type { ScopedInstance } from '../store/store.ts';
import type {
  ActionKind,
  ActionPlan,
  ActionRequest,
  ActionTarget,
  JsonValue,
  PlanOutcome,
  SkippedTarget,
} from './types.ts';
import { stopReason } from './user.ts';

export interface PlanContext {
  /** Who acts: named in the StopTask reason. */
  user: string;
  /** Plan ids; unique across restarts (the journal keys on them). */
  newId?: () => string;
}

/** The largest desired count the scale prompt accepts. */
export const MAX_DESIRED_COUNT = 10_000;
/** ECS's limit on a RunTask/StartTask `overrides` member, as JSON. */
export const MAX_OVERRIDES_JSON_LENGTH = 8192;
const MAX_RUN_COUNT = 10;
const RUN_STARTED_BY_MAX = 128;
const START_STARTED_BY_MAX = 36;
const STARTED_BY_PATTERN = /^[A-Za-z0-9_/-]+$/;

export function newPlanId(): string {
  return `act-${nodeCrypto().randomUUID()}`;
}

function safe(text: string | undefined, maxLength = 120): string {
  return sanitizeText(text ?? '', { maxLength });
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function clusterLabel(clusterArn: string): string {
  return safe(shortName(clusterArn));
}

/** Parameters as plain JSON (undefined members dropped), for the confirmation and the journal. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

function buildPlan(
  context: PlanContext,
  fields: Omit<ActionPlan, 'id' | 'parameters' | 'skipped' | 'notes'> & {
    skipped?: SkippedTarget[];
    notes?: string[];
  },
): ActionPlan {
  const plan: ActionPlan = {
    ...fields,
    id: (context.newId ?? newPlanId)(),
    parameters: parametersOf(fields.request),
    skipped: fields.skipped ?? [],
    notes: fields.notes ?? [],
  };
  return Object.freeze(plan);
}

/** What the confirmation shows and the journal keeps: the request as sent, ids shortened where ECS accepts them. */
function parametersOf(request: ActionRequest): Record<string, JsonValue> {
  switch (request.operation) {
    case 'StopTask':
      return { cluster: request.cluster, task: request.tasks, reason: request.reason };
    case 'UpdateContainerInstancesState':
      return {
        cluster: request.cluster,
        containerInstances: request.containerInstances,
        status: request.status,
        calls: Math.ceil(request.containerInstances.length / DESCRIBE_LIMIT.updateContainerInstancesState),
      };
    case 'RunTask':
    case 'StartTask':
      return toJson(request.request) as Record<string, JsonValue>;
    case 'UpdateService':
      return toJson({ cluster: request.cluster, service: request.service, ...request.change }) as Record<
        string,
        JsonValue
      >;
  }
}

function oneCluster(arns: (string | undefined)[], what: string): { clusterArn: string } | { error: string } {
  const clusters = [...new Set(arns.filter((arn): arn is string => arn !== undefined && arn !== ''))];
  if (clusters.length === 0) return { error: `The ${what} do not name their cluster: refresh and try again.` };
  if (clusters.length > 1) {
    return {
      error: `The ${what} are in ${clusters.length} clusters (${clusters.map(clusterLabel).join(', ')}): act on one cluster at a time.`,
    };
  }
  return { clusterArn: clusters[0] as string };
}

function taskLabel(task: Pick<Task, 'taskArn' | 'group'>): string {
  const id = safe(shortName(task.taskArn));
  return task.group ? `${id} (${safe(task.group)})` : id;
}

function instanceLabel(instance: Pick<ScopedInstance, 'containerInstanceArn' | 'ec2InstanceId'>): string {
  return safe(instance.ec2InstanceId ?? shortName(instance.containerInstanceArn));
}

function serviceLabel(service: Pick<Service, 'serviceArn' | 'serviceName'>): string {
  return safe(service.serviceName ?? shortName(service.serviceArn));
}

// ---------------------------------------------------------------- stop

/**
 * StopTask on each task (one call per task), with "Stopped by <user> from ecsdeck" as the reason. Tasks already
 * STOPPED or stopping are left out with a note; an error when none is left.
 */
export function planStop(tasks: readonly Task[], context: PlanContext): PlanOutcome {
  if (tasks.length === 0) return { error: 'Stop: no task is selected or marked.' };
  const cluster = oneCluster(
    tasks.map((task) => task.clusterArn),
    'tasks',
  );
  if ('error' in cluster) return cluster;
  const targets: ActionTarget[] = [];
  const skipped: SkippedTarget[] = [];
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.taskArn)) continue;
    seen.add(task.taskArn);
    const label = taskLabel(task);
    if (isTerminalStatus(task.lastStatus)) {
      skipped.push({ arn: task.taskArn, label, note: `${label} is already ${safe(task.lastStatus)}: not called.` });
    } else if (isTaskStopping(task)) {
      skipped.push({ arn: task.taskArn, label, note: `${label} is already stopping: not called.` });
    } else {
      targets.push({ arn: task.taskArn, label });
    }
  }
  if (targets.length === 0) {
    return { error: `Stop: ${plural(skipped.length, 'task')} already stopped or stopping; nothing to call.` };
  }
  const reason = stopReason(context.user);
  const groups = new Set(tasks.filter((t) => seen.has(t.taskArn)).map((t) => t.group));
  const serviceTasks = tasks.filter((task) => targets.some((t) => t.arn === task.taskArn) && isServiceTask(task));
  const notes = skipped.map((s) => s.note);
  if (serviceTasks.length > 0) {
    notes.push(`${plural(serviceTasks.length, 'service task')}: the service scheduler will start replacements.`);
  }
  const name = clusterLabel(cluster.clusterArn);
  const group = groups.size === 1 ? [...groups][0] : undefined;
  return {
    plan: buildPlan(context, {
      kind: 'stop',
      operation: 'StopTask',
      clusterArn: cluster.clusterArn,
      targets,
      skipped,
      notes,
      dangerous: true,
      ...(group ? { failureGroup: group } : {}),
      confirmText: `StopTask on ${plural(targets.length, 'task')} in cluster ${name}, reason "${reason}":\n${targets
        .map((t) => t.label)
        .join(', ')}`,
      request: { operation: 'StopTask', cluster: cluster.clusterArn, tasks: targets.map((t) => t.arn), reason },
    }),
  };
}

// ---------------------------------------------------------------- drain / activate

/**
 * UpdateContainerInstancesState to DRAINING (from ACTIVE) or ACTIVE (from DRAINING), in calls of at most 10
 * instances. Instances already there or in a status ECS refuses to change are left out with a note, because ECS
 * rejects the whole call for one REGISTERING or DEREGISTERING instance.
 */
export function planInstancesState(
  instances: readonly ScopedInstance[],
  status: 'DRAINING' | 'ACTIVE',
  context: PlanContext,
): PlanOutcome {
  const verb = status === 'DRAINING' ? 'Drain' : 'Activate';
  if (instances.length === 0) return { error: `${verb}: no container instance is selected or marked.` };
  const cluster = oneCluster(
    instances.map((i) => i.clusterArn),
    'instances',
  );
  if ('error' in cluster) return cluster;
  const from = status === 'DRAINING' ? 'ACTIVE' : 'DRAINING';
  const targets: ActionTarget[] = [];
  const skipped: SkippedTarget[] = [];
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.containerInstanceArn)) continue;
    seen.add(instance.containerInstanceArn);
    const label = instanceLabel(instance);
    // An instance whose status we do not know yet is left to ECS to judge.
    if (instance.status === undefined || instance.status === from) {
      targets.push({ arn: instance.containerInstanceArn, label });
    } else if (instance.status === status) {
      skipped.push({ arn: instance.containerInstanceArn, label, note: `${label} is already ${status}: not called.` });
    } else {
      skipped.push({
        arn: instance.containerInstanceArn,
        label,
        note: `${label} is ${safe(instance.status)}: only ${from} instances can be set ${status}.`,
      });
    }
  }
  if (targets.length === 0) {
    return { error: `${verb}: none of the ${plural(skipped.length, 'instance')} is ${from}; nothing to call.` };
  }
  const calls = Math.ceil(targets.length / DESCRIBE_LIMIT.updateContainerInstancesState);
  const notes = skipped.map((s) => s.note);
  if (status === 'DRAINING') {
    notes.push(
      'Service tasks move to other instances within their deployment limits; standalone tasks keep running and hold the drain until stopped.',
    );
  }
  return {
    plan: buildPlan(context, {
      kind: status === 'DRAINING' ? 'drain' : 'activate',
      operation: 'UpdateContainerInstancesState',
      clusterArn: cluster.clusterArn,
      targets,
      skipped,
      notes,
      dangerous: status === 'DRAINING',
      confirmText: `UpdateContainerInstancesState status=${status} on ${plural(targets.length, 'instance')} in cluster ${clusterLabel(
        cluster.clusterArn,
      )} (${plural(calls, 'call')}):\n${targets.map((t) => t.label).join(', ')}`,
      request: {
        operation: 'UpdateContainerInstancesState',
        cluster: cluster.clusterArn,
        containerInstances: targets.map((t) => t.arn),
        status,
      },
    }),
  };
}

export function planDrain(instances: readonly ScopedInstance[], context: PlanContext): PlanOutcome {
  return planInstancesState(instances, 'DRAINING', context);
}

export function planActivate(instances: readonly ScopedInstance[], context: PlanContext): PlanOutcome {
  return planInstancesState(instances, 'ACTIVE', context);
}

// ---------------------------------------------------------------- scale / redeploy

function serviceCluster(service: Service): { clusterArn: string } | { error: string } {
  const clusterArn = service.clusterArn;
  if (!clusterArn) return { error: `The service ${serviceLabel(service)} does not name its cluster: refresh first.` };
  return { clusterArn };
}

/**
 * An UpdateService plan on one service (scale, redeploy, rollback): one target, the service's failure group, and a
 * confirmation that names the service and its cluster before `what` changes.
 */
function serviceUpdatePlan(
  context: PlanContext,
  service: Service,
  clusterArn: string,
  fields: { kind: ActionKind; notes: string[]; dangerous: boolean; what: string; change: ServiceChange },
): ActionPlan {
  const name = serviceLabel(service);
  return buildPlan(context, {
    kind: fields.kind,
    operation: 'UpdateService',
    clusterArn,
    targets: [{ arn: service.serviceArn, label: name }],
    notes: fields.notes,
    dangerous: fields.dangerous,
    failureGroup: `service:${service.serviceName ?? shortName(service.serviceArn)}`,
    confirmText: `UpdateService ${name} in cluster ${clusterLabel(clusterArn)}: ${fields.what}`,
    request: { operation: 'UpdateService', cluster: clusterArn, service: service.serviceArn, change: fields.change },
  });
}

/** Reads the scale prompt: an integer 0..10000 that differs from the current desired count. */
export function parseDesiredCount(input: string | number, current: number | undefined): number | { error: string } {
  const text = String(input).trim();
  if (!/^\d+$/.test(text))
    return { error: `"${safe(text, 20)}" is not a whole number: enter 0 to ${MAX_DESIRED_COUNT}.` };
  const value = Number(text);
  if (value > MAX_DESIRED_COUNT) return { error: `${value} is too many: enter 0 to ${MAX_DESIRED_COUNT}.` };
  if (current !== undefined && value === current) {
    return { error: `The desired count is already ${current}: nothing to change.` };
  }
  return value;
}

/** UpdateService desiredCount (validated). DAEMON services have no desired count to set. */
export function planScale(service: Service, input: string | number, context: PlanContext): PlanOutcome {
  const cluster = serviceCluster(service);
  if ('error' in cluster) return cluster;
  const name = serviceLabel(service);
  if (service.schedulingStrategy === 'DAEMON') {
    return { error: `${name} is a DAEMON service: it runs one task per instance and has no desired count to set.` };
  }
  if (service.status !== undefined && service.status !== 'ACTIVE') {
    return { error: `${name} is ${safe(service.status)}: only an ACTIVE service can be scaled.` };
  }
  const count = parseDesiredCount(input, service.desiredCount);
  if (typeof count !== 'number') return count;
  const current = service.desiredCount;
  const notes = count === 0 ? [`Every task of ${name} will be stopped.`] : [];
  return {
    plan: serviceUpdatePlan(context, service, cluster.clusterArn, {
      kind: 'scale',
      notes,
      // Scaling in stops tasks; scaling out only starts some.
      dangerous: current === undefined || count < current,
      what: `desiredCount ${current ?? '?'} -> ${count}`,
      change: { desiredCount: count },
    }),
  };
}

/** UpdateService forceNewDeployment: every task replaced with the same task definition (re-pulls images). */
export function planForceDeployment(service: Service, context: PlanContext): PlanOutcome {
  const cluster = serviceCluster(service);
  if ('error' in cluster) return cluster;
  const name = serviceLabel(service);
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') {
    return {
      error: `${name} uses the ${safe(controller)} deployment controller: ECS cannot force a deployment; its task sets are changed by that controller.`,
    };
  }
  if (service.status !== undefined && service.status !== 'ACTIVE') {
    return { error: `${name} is ${safe(service.status)}: only an ACTIVE service can be redeployed.` };
  }
  const definition = service.taskDefinition ? safe(taskDefinitionLabel(service.taskDefinition)) : 'its task definition';
  return {
    plan: serviceUpdatePlan(context, service, cluster.clusterArn, {
      kind: 'redeploy',
      notes: [`A new deployment of ${definition} replaces every task within the deployment configuration.`],
      dangerous: true,
      what: `forceNewDeployment=true (${definition}, ${plural(service.desiredCount ?? 0, 'task')} replaced)`,
      change: { forceNewDeployment: true },
    }),
  };
}

/**
 * UpdateService taskDefinition: back to `previous` (the revision before the PRIMARY deployment's, found by the
 * caller), as a new deployment that replaces every task within the deployment configuration.
 */
export function planRollback(service: Service, previous: string, context: PlanContext): PlanOutcome {
  const cluster = serviceCluster(service);
  if ('error' in cluster) return cluster;
  const name = serviceLabel(service);
  const controller = service.deploymentController?.type ?? 'ECS';
  if (controller !== 'ECS') {
    return {
      error: `${name} uses the ${safe(controller)} deployment controller: ECS cannot change its task definition; its task sets are changed by that controller.`,
    };
  }
  if (service.status !== undefined && service.status !== 'ACTIVE') {
    return { error: `${name} is ${safe(service.status)}: only an ACTIVE service can be rolled back.` };
  }
  const primary = service.deployments?.find((d) => d.status === 'PRIMARY')?.taskDefinition ?? service.taskDefinition;
  const to = safe(taskDefinitionLabel(previous));
  if (primary !== undefined && taskDefinitionLabel(primary) === taskDefinitionLabel(previous)) {
    return { error: `${name} already deploys ${to}: nothing to roll back to.` };
  }
  const from = primary ? safe(taskDefinitionLabel(primary)) : 'its current task definition';
  return {
    plan: serviceUpdatePlan(context, service, cluster.clusterArn, {
      kind: 'rollback',
      notes: [`A new deployment of ${to} replaces the tasks of ${from} within the deployment configuration.`],
      dangerous: true,
      what: `taskDefinition ${from} -> ${to} (rollback, ${plural(service.desiredCount ?? 0, 'task')} replaced)`,
      change: { taskDefinition: previous },
    }),
  };
}

// ---------------------------------------------------------------- rerun

export interface RerunOptions {
  /** Security groups for an awsvpc task: the task record does not carry them. Default: none. */
  securityGroups?: string[];
  /** Subnets instead of the one in the task's ENI attachment. */
  subnets?: string[];
  assignPublicIp?: 'ENABLED' | 'DISABLED';
  /** Overrides instead of the task's own (what the user edited in the confirmation). */
  overrides?: TaskOverride;
  /** Tasks to run (RunTask only), 1..10. Default 1. */
  count?: number;
  /** Services of the cluster, to find the service of a task whose group does not name it. */
  services?: Iterable<Service>;
}

export type RerunOffer =
  /** A standalone task: RunTask again, or on EC2 StartTask on the same instance. */
  | { kind: 'standalone'; task: Task; run: PlanOutcome; start?: PlanOutcome }
  /** A service's task: not rerun; the scheduler replaces it. A forced deployment is offered instead. */
  | { kind: 'service'; task: Task; explanation: string; redeploy: PlanOutcome }
  | { kind: 'unavailable'; error: string };

const FARGATE_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT']);

function isFargate(task: Task): boolean {
  return task.launchType === 'FARGATE' || FARGATE_PROVIDERS.has(task.capacityProviderName ?? '');
}

/** The subnet of the task's ENI attachment (awsvpc tasks), if it has one. */
export function taskSubnet(task: Pick<Task, 'attachments'>): string | undefined {
  for (const attachment of task.attachments ?? []) {
    if (attachment.type !== undefined && attachment.type !== 'ElasticNetworkInterface' && attachment.type !== 'eni') {
      continue;
    }
    const subnet = attachmentDetail(attachment, 'subnetId');
    if (subnet) return subnet;
  }
  return undefined;
}

/** Tags to carry over: `aws:` keys are reserved and refused by RunTask. */
function userTags(tags: readonly Tag[] | undefined): Tag[] {
  return (tags ?? []).filter((tag) => !tag.key.toLowerCase().startsWith('aws:')).map((tag) => ({ ...tag }));
}

/** Overrides without the empty members DescribeTasks echoes back (a container override naming only the container). */
function meaningfulOverrides(overrides: TaskOverride | undefined): TaskOverride | undefined {
  if (!overrides) return undefined;
  const out: TaskOverride = { ...overrides };
  const containers = (overrides.containerOverrides ?? []).filter((c) => Object.keys(c).some((key) => key !== 'name'));
  if (containers.length > 0) out.containerOverrides = containers;
  else delete out.containerOverrides;
  if (out.ephemeralStorage && out.ephemeralStorage.sizeInGiB === undefined) delete out.ephemeralStorage;
  return Object.keys(out).length > 0 ? out : undefined;
}

function validStartedBy(startedBy: string | undefined, max: number): string | undefined {
  return startedBy !== undefined && startedBy.length <= max && STARTED_BY_PATTERN.test(startedBy)
    ? startedBy
    : undefined;
}

function serviceOfTask(task: Task, services: Iterable<Service> | undefined): Service | string | undefined {
  const byGroup = task.group ? serviceOfGroup(task.group) : undefined;
  for (const service of services ?? []) {
    if (task.clusterArn && service.clusterArn && service.clusterArn !== task.clusterArn) continue;
    if (byGroup !== undefined && (service.serviceName ?? shortName(service.serviceArn)) === byGroup) return service;
    if (task.startedBy && service.deployments?.some((d) => d.id === task.startedBy)) return service;
  }
  return byGroup;
}

/**
 * What "rerun" means for this task, described with its tags (DescribeTasks include TAGS: see prepareRerun).
 * Standalone: RunTask with the same task definition revision, overrides, group, startedBy, launch type or capacity
 * provider, platform version (Fargate), tags and network configuration; on EC2 also StartTask on its instance.
 * A service's task: an explanation and a forced deployment of its service.
 */
export function planRerun(task: Task, options: RerunOptions, context: PlanContext): RerunOffer {
  const clusterArn = task.clusterArn;
  const id = safe(shortName(task.taskArn));
  if (!clusterArn) return { kind: 'unavailable', error: `Task ${id} does not name its cluster: refresh first.` };
  if (!task.taskDefinitionArn) {
    return { kind: 'unavailable', error: `Task ${id} does not name its task definition: it cannot be run again.` };
  }
  if (isServiceTask(task)) {
    const found = serviceOfTask(task, options.services);
    const name = typeof found === 'string' ? safe(found) : found ? serviceLabel(found) : 'its service';
    const explanation = `Task ${id} belongs to the service ${name}: its scheduler replaces stopped tasks by itself, so it is not rerun. A forced new deployment replaces every task of the service instead.`;
    const redeploy: PlanOutcome =
      found !== undefined && typeof found !== 'string'
        ? planForceDeployment(found, context)
        : { error: `The service ${name} is not loaded yet: open the services pane and try again.` };
    return { kind: 'service', task, explanation, redeploy };
  }
  return {
    kind: 'standalone',
    task,
    run: planRunTask(task, clusterArn, options, context),
    ...(task.containerInstanceArn && !isFargate(task)
      ? { start: planStartTask(task, clusterArn, task.containerInstanceArn, options, context) }
      : {}),
  };
}

interface CarriedOver {
  overrides?: TaskOverride;
  tags: Tag[];
  networkConfiguration?: NetworkConfiguration;
  notes: string[];
  error?: string;
  networkLine?: string;
}

function carryOver(task: Task, options: RerunOptions): CarriedOver {
  const notes: string[] = [];
  const overrides = meaningfulOverrides(options.overrides ?? task.overrides);
  const out: CarriedOver = { tags: userTags(task.tags), notes };
  if (overrides) {
    out.overrides = overrides;
    if (JSON.stringify(overrides).length > MAX_OVERRIDES_JSON_LENGTH) {
      out.error = `The overrides are longer than ECS accepts (${MAX_OVERRIDES_JSON_LENGTH} characters of JSON).`;
    }
  }
  const dropped = (task.tags ?? []).length - out.tags.length;
  if (dropped > 0) notes.push(`${plural(dropped, 'aws: tag')} left out (reserved by AWS).`);
  const subnet = taskSubnet(task);
  const subnets = options.subnets && options.subnets.length > 0 ? options.subnets : subnet ? [subnet] : [];
  if (subnets.length > 0) {
    const securityGroups = options.securityGroups ?? [];
    out.networkConfiguration = {
      awsvpcConfiguration: {
        subnets: [...subnets],
        securityGroups: [...securityGroups],
        ...(options.assignPublicIp ? { assignPublicIp: options.assignPublicIp } : {}),
      },
    };
    out.networkLine = `awsvpc subnets ${subnets.map((s) => safe(s)).join(', ')}, ${
      securityGroups.length > 0
        ? `security groups ${securityGroups.map((s) => safe(s)).join(', ')}`
        : 'no security groups (the task record does not carry them: the VPC default applies)'
    }`;
  } else if (isFargate(task)) {
    out.error = `Task ${safe(shortName(task.taskArn))} has no network attachment to take a subnet from: give the subnets to use.`;
  }
  return out;
}

function planRunTask(task: Task, clusterArn: string, options: RerunOptions, context: PlanContext): PlanOutcome {
  const carried = carryOver(task, options);
  if (carried.error) return { error: carried.error };
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > MAX_RUN_COUNT) {
    return { error: `RunTask starts 1 to ${MAX_RUN_COUNT} tasks at a time, not ${safe(String(count), 20)}.` };
  }
  const taskDefinition = task.taskDefinitionArn as string;
  const request: RunTaskRequest = { cluster: clusterArn, taskDefinition };
  if (count !== 1) request.count = count;
  let placement: string;
  if (task.capacityProviderName) {
    request.capacityProviderStrategy = [{ capacityProvider: task.capacityProviderName, weight: 1 }];
    placement = `capacity provider ${safe(task.capacityProviderName)}`;
  } else if (task.launchType) {
    request.launchType = task.launchType;
    placement = `launch type ${safe(task.launchType)}`;
  } else {
    placement = "the cluster's default capacity provider strategy";
  }
  // Platform versions exist only on Fargate; EC2 refuses the member.
  if (isFargate(task) && task.platformVersion) request.platformVersion = task.platformVersion;
  if (carried.networkConfiguration) request.networkConfiguration = carried.networkConfiguration;
  if (carried.overrides) request.overrides = carried.overrides;
  if (task.group) request.group = task.group;
  const startedBy = validStartedBy(task.startedBy, RUN_STARTED_BY_MAX);
  if (startedBy) request.startedBy = startedBy;
  if (carried.tags.length > 0) request.tags = carried.tags;
  if (task.enableExecuteCommand) request.enableExecuteCommand = true;
  const definition = safe(taskDefinitionLabel(taskDefinition));
  const family = taskDefinitionFamily(taskDefinition);
  return {
    plan: buildPlan(context, {
      kind: 'rerun',
      operation: 'RunTask',
      clusterArn,
      targets: [{ arn: task.taskArn, label: taskLabel(task) }],
      notes: carried.notes,
      dangerous: true,
      failureGroup: task.group ?? (family ? `family:${family}` : undefined),
      confirmText: `RunTask ${definition}${count === 1 ? '' : ` x${count}`} in cluster ${clusterLabel(clusterArn)} on ${placement}${
        carried.overrides ? ', with the same overrides' : ''
      }${task.group ? `, group ${safe(task.group)}` : ''}${carried.networkLine ? `:\n${carried.networkLine}` : ''}`,
      request: { operation: 'RunTask', request },
    }),
  };
}

function planStartTask(
  task: Task,
  clusterArn: string,
  containerInstanceArn: string,
  options: RerunOptions,
  context: PlanContext,
): PlanOutcome {
  const carried = carryOver(task, options);
  if (carried.error) return { error: carried.error };
  const taskDefinition = task.taskDefinitionArn as string;
  const request: StartTaskRequest = { cluster: clusterArn, taskDefinition, containerInstances: [containerInstanceArn] };
  if (carried.networkConfiguration) request.networkConfiguration = carried.networkConfiguration;
  if (carried.overrides) request.overrides = carried.overrides;
  if (task.group) request.group = task.group;
  const startedBy = validStartedBy(task.startedBy, START_STARTED_BY_MAX);
  if (startedBy) request.startedBy = startedBy;
  else if (task.startedBy) carried.notes.push('startedBy is left out: StartTask accepts at most 36 characters.');
  if (carried.tags.length > 0) request.tags = carried.tags;
  if (task.enableExecuteCommand) request.enableExecuteCommand = true;
  const instance = safe(shortName(containerInstanceArn));
  return {
    plan: buildPlan(context, {
      kind: 'start',
      operation: 'StartTask',
      clusterArn,
      targets: [{ arn: task.taskArn, label: taskLabel(task) }],
      notes: carried.notes,
      dangerous: true,
      failureGroup: task.group,
      confirmText: `StartTask ${safe(taskDefinitionLabel(taskDefinition))} in cluster ${clusterLabel(clusterArn)} on the same container instance ${instance}${
        carried.overrides ? ', with the same overrides' : ''
      }${task.group ? `, group ${safe(task.group)}` : ''}${carried.networkLine ? `:\n${carried.networkLine}` : ''}`,
      request: { operation: 'StartTask', request },
    }),
  };
}
