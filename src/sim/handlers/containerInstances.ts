import type { SimFailure } from '../errors.ts';
import type { SimContainerInstance } from '../model/types.ts';
import type { Params } from '../protocol.ts';
import type { OperationHandler } from './context.ts';
import { arnOf, invalidParameter, readInclude, readTags } from './inputs.ts';
import { compareStrings, isString, paginate, readPageRequest } from './paging.ts';
import { wireContainerInstance } from './serialize.ts';

const LISTABLE_STATUSES = ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'] as const;
const INSTANCE_INCLUDES = ['TAGS', 'CONTAINER_INSTANCE_HEALTH'] as const;

export const listContainerInstances: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const status = params.string('status', { values: LISTABLE_STATUSES });
  const filterText = params.string('filter', { maxLength: 2000 });
  const filter = filterText === undefined ? undefined : parseInstanceFilter(filterText);
  const request = readPageRequest(params, 100, isString);
  // Parameters are checked before state, as ECS validates a request before looking anything up.
  const cluster = model.requireCluster(clusterRef);
  const matching = [...model.instancesOfCluster(cluster)].filter(
    // No status filter lists every state except INACTIVE, as ECS does.
    (instance) => (status === undefined ? instance.status !== 'INACTIVE' : instance.status === status),
  );
  const page = paginate(
    filter ? matching.filter(filter) : matching,
    (instance) => instance.arn,
    compareStrings,
    request,
  );
  return { containerInstanceArns: page.items.map((instance) => instance.arn), nextToken: page.nextToken };
};

export const describeContainerInstances: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const refs = params.requireStringList('containerInstances', { minItems: 1, maxItems: 100 });
  const include = readInclude(params, INSTANCE_INCLUDES);
  const flags = { tags: include.has('TAGS'), health: include.has('CONTAINER_INSTANCE_HEALTH') };
  const cluster = model.requireCluster(clusterRef);
  const containerInstances: Record<string, unknown>[] = [];
  const failures: SimFailure[] = [];
  for (const ref of refs) {
    const instance = model.findContainerInstance(cluster, ref);
    if (instance) containerInstances.push(wireContainerInstance(model, instance, flags));
    else failures.push({ arn: arnOf(model, 'container-instance', ref, cluster.name), reason: 'MISSING' });
  }
  return { containerInstances, failures };
};

export const updateContainerInstancesState: OperationHandler = ({ model }, params) => {
  const clusterRef = params.string('cluster');
  const refs = params.requireStringList('containerInstances', { minItems: 1, maxItems: 10 });
  const status = params.requireString('status', { values: LISTABLE_STATUSES });
  const result = model.updateContainerInstancesState(clusterRef, refs, status);
  return {
    containerInstances: result.containerInstances.map((instance) =>
      wireContainerInstance(model, instance, { tags: false, health: false }),
    ),
    failures: result.failures.map((f) => ({ arn: f.arn, reason: f.reason, detail: f.detail })),
  };
};

/**
 * RegisterContainerInstance as the ECS agent sends it: the EC2 instance identity document (a JSON string) for
 * the instance id, AZ and type, and totalResources for CPU and memory.
 */
export const registerContainerInstance: OperationHandler = ({ model }, params) => {
  const identity = readIdentityDocument(params);
  const resources = params.objectList('totalResources') ?? [];
  let cpu: number | undefined;
  let memory: number | undefined;
  for (const resource of resources) {
    const name = resource.requireString('name');
    const value = resource.integer('integerValue') ?? resource.integer('longValue');
    if (name === 'CPU') cpu = value;
    if (name === 'MEMORY') memory = value;
    resource.stringList('stringSetValue');
  }
  if (cpu === undefined || memory === undefined) {
    throw invalidParameter('totalResources must include CPU and MEMORY with an integerValue.');
  }
  const versionInfo = params.object('versionInfo');
  const attributes = params.objectList('attributes')?.map((attribute) => {
    const entry: { name: string; value?: string } = { name: attribute.requireString('name', { minLength: 1 }) };
    const value = attribute.string('value');
    if (value !== undefined) entry.value = value;
    return entry;
  });
  params.string('instanceIdentityDocumentSignature');
  params.string('containerInstanceArn');
  const instance = model.registerContainerInstance({
    cluster: params.string('cluster'),
    ec2InstanceId: identity.instanceId,
    availabilityZone: identity.availabilityZone,
    instanceType: identity.instanceType,
    cpu,
    memory,
    attributes,
    tags: readTags(params),
    agentVersion: versionInfo?.string('agentVersion'),
  });
  return { containerInstance: wireContainerInstance(model, instance, { tags: true, health: false }) };
};

interface IdentityDocument {
  instanceId?: string;
  availabilityZone?: string;
  instanceType?: string;
}

function readIdentityDocument(params: Params): IdentityDocument {
  const text = params.string('instanceIdentityDocument');
  if (text === undefined) return {};
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw invalidParameter('instanceIdentityDocument is not valid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalidParameter('instanceIdentityDocument must be a JSON object.');
  }
  const fields = document as Record<string, unknown>;
  const pick = (name: string): string | undefined => {
    const value = fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalidParameter(`instanceIdentityDocument.${name} must be a string.`);
    return value;
  };
  return {
    instanceId: pick('instanceId'),
    availabilityZone: pick('availabilityZone'),
    instanceType: pick('instanceType'),
  };
}

// ------------------------------------------------------------------------------ cluster query language (subset)

type InstancePredicate = (instance: SimContainerInstance) => boolean;

/**
 * The part of ECS's cluster query language the simulator understands: clauses on attributes joined by
 * `and`/`&&` and `or`/`||` (and binds tighter), each one of
 * `attribute:<name> == <value>`, `attribute:<name> != <value>`, `attribute:<name> in [a, b]`,
 * `attribute:<name> not_in [a, b]`, `attribute:<name> exists`, `attribute:<name> !exists`.
 * Anything else is refused with InvalidParameterException rather than silently ignored.
 */
export function parseInstanceFilter(expression: string): InstancePredicate {
  const alternatives = expression
    .split(/\s+(?:or|\|\|)\s+/i)
    .map((part) => part.split(/\s+(?:and|&&)\s+/i).map((clause) => parseClause(clause.trim(), expression)));
  return (instance) => alternatives.some((clauses) => clauses.every((clause) => clause(instance)));
}

function parseClause(clause: string, expression: string): InstancePredicate {
  const unsupported = () =>
    invalidParameter(
      `The simulator does not understand the filter "${expression.slice(0, 200)}": use attribute:<name> ==, !=, in [...], not_in [...], exists or !exists, joined by and/or.`,
    );
  const match = /^attribute:([A-Za-z0-9_.:/-]+)\s*(==|!=|in|not_in|exists|!exists)\s*(.*)$/.exec(clause);
  if (!match) throw unsupported();
  const [, name = '', operator = '', rest = ''] = match;
  const attributeOf = (instance: SimContainerInstance) => instanceAttribute(instance, name);
  const operand = rest.trim();
  const list = () => {
    const inner = /^\[(.*)\]$/.exec(operand);
    if (!inner) throw unsupported();
    return (inner[1] ?? '')
      .split(',')
      .map((v) => unquote(v.trim()))
      .filter((v) => v !== '');
  };
  switch (operator) {
    case '==': {
      if (operand === '') throw unsupported();
      const wanted = unquote(operand);
      return (instance) => attributeOf(instance) === wanted;
    }
    case '!=': {
      if (operand === '') throw unsupported();
      const unwanted = unquote(operand);
      return (instance) => attributeOf(instance) !== unwanted;
    }
    case 'in': {
      const values = list();
      return (instance) => {
        const value = attributeOf(instance);
        return value !== undefined && values.includes(value);
      };
    }
    case 'not_in': {
      const values = list();
      return (instance) => {
        const value = attributeOf(instance);
        return value === undefined || !values.includes(value);
      };
    }
    case 'exists':
      if (operand !== '') throw unsupported();
      return (instance) => attributeOf(instance) !== undefined;
    default:
      if (operand !== '') throw unsupported();
      return (instance) => attributeOf(instance) === undefined;
  }
}

function unquote(value: string): string {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

function instanceAttribute(instance: SimContainerInstance, name: string): string | undefined {
  const attribute = instance.attributes.find((a) => a.name === name);
  if (attribute) return attribute.value ?? '';
  if (name === 'ecs.instance-type') return instance.instanceType;
  if (name === 'ecs.availability-zone') return instance.availabilityZone;
  return undefined;
}
