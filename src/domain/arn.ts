/**
 * ECS resource names. ECS accepts a short name/id or a full ARN almost everywhere, and ARNs come in a
 * long form (`task/<cluster>/<id>`) and an old short form (`task/<id>`). Parse both.
 */
export type EcsResourceType =
  | 'cluster'
  | 'container-instance'
  | 'service'
  | 'task'
  | 'task-definition'
  | 'task-set'
  | 'capacity-provider';

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resourceType: string;
  /** Everything after `<type>/`. */
  resource: string;
  /** The cluster name when the ARN is in long form and names one. */
  cluster?: string;
  /** The last path segment: the name or id. For task definitions `family:revision`. */
  name: string;
}

export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

export function parseArn(arn: string): ParsedArn | undefined {
  if (!isArn(arn)) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  const [, partition = '', service = '', region = '', accountId = ''] = parts;
  const rest = parts.slice(5).join(':');
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const resourceType = rest.slice(0, slash);
  const resource = rest.slice(slash + 1);
  const segments = resource.split('/');
  const name = segments[segments.length - 1] ?? '';
  const parsed: ParsedArn = { partition, service, region, accountId, resourceType, resource, name };
  const clustered = ['container-instance', 'service', 'task'];
  if (clustered.includes(resourceType) && segments.length >= 2) parsed.cluster = segments[0];
  if (resourceType === 'task-set' && segments.length >= 3) parsed.cluster = segments[0];
  return parsed;
}

/** The short name or id of a resource given as a name, an id or an ARN of either form. */
export function shortName(nameOrArn: string): string {
  const parsed = parseArn(nameOrArn);
  return parsed ? parsed.name : nameOrArn;
}

/**
 * The ARN of the cluster a long-form task, service or container-instance ARN names (`…:task/<cluster>/<id>` ->
 * `…:cluster/<cluster>`); undefined for short-form ARNs and anything else.
 */
export function clusterArnOf(resourceArn: string): string | undefined {
  const parsed = parseArn(resourceArn);
  if (parsed?.cluster === undefined || parsed.cluster === '') return undefined;
  return `arn:${parsed.partition}:${parsed.service}:${parsed.region}:${parsed.accountId}:cluster/${parsed.cluster}`;
}

export interface ArnContext {
  partition?: string;
  region: string;
  accountId: string;
}

export function buildArn(ctx: ArnContext, resourceType: EcsResourceType, resource: string): string {
  return `arn:${ctx.partition ?? 'aws'}:ecs:${ctx.region}:${ctx.accountId}:${resourceType}/${resource}`;
}

/** `family:revision` from a task definition ARN or reference; the input itself when it is not an ARN. */
export function taskDefinitionLabel(arnOrRef: string): string {
  const parsed = parseArn(arnOrRef);
  return parsed ? parsed.resource : arnOrRef;
}

/** The family of a task definition given as an ARN, `family:revision` or a bare family; undefined for ''. */
export function taskDefinitionFamily(arnOrRef: string): string | undefined {
  const label = taskDefinitionLabel(arnOrRef);
  const colon = label.lastIndexOf(':');
  const family = colon >= 0 && /^\d+$/.test(label.slice(colon + 1)) ? label.slice(0, colon) : label;
  return family === '' ? undefined : family;
}
