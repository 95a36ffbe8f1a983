/**
 * Failures: which stopped tasks did not end well, the signature that makes the same failure on different tasks
 * group together, and the grouping the Failures pane shows (count, first and last seen, tasks, instances,
 * services). Placement failures from service events and the `failures` our own actions get join the same feed.
 */

import { clusterArnOf, shortName, taskDefinitionFamily } from './arn.ts';
import { canonicalStatus, isTerminalStatus, stopContainer } from './lifecycle.ts';
import { type Failure, type Service, type ServiceEvent, serviceEventKey, type Task } from './model.ts';
import { sanitizeText } from './sanitize.ts';

/** Why a task stopped, in words the UI can label. Only some of these are failures (see StopVerdict). */
export type FailureCause =
  | 'failed-to-start'
  | 'out-of-memory'
  | 'container-exit'
  | 'health-check'
  | 'spot-interruption'
  | 'host-termination'
  | 'infrastructure'
  | 'placement'
  | 'action'
  | 'user'
  | 'scheduler'
  | 'completed'
  | 'unknown';

export interface StopVerdict {
  failed: boolean;
  cause: FailureCause;
}

export interface StopContext {
  /** Names of the task definition's essential containers, when known: they decide the exit code. */
  essentialContainers?: readonly string[];
}

type StoppedTask = Pick<
  Task,
  'lastStatus' | 'stopCode' | 'stoppedReason' | 'stoppedAt' | 'stoppingAt' | 'executionStoppedAt' | 'containers'
>;

const OUT_OF_MEMORY = /OutOfMemory|out of memory|\bOOM/i;
const HEALTH_CHECK_FAILED = /\bfailed\b[^.]*\bhealth[ -]?checks?\b|\bhealth[ -]?checks? failed\b/i;
const START_FAILURE =
  /CannotPullContainerError|ResourceInitializationError|CannotStartContainerError|CannotCreateContainerError|CannotInspectContainerError/;

function hasStopped(task: StoppedTask): boolean {
  return (
    isTerminalStatus(task.lastStatus) ||
    task.stopCode !== undefined ||
    task.stoppedAt !== undefined ||
    task.executionStoppedAt !== undefined
  );
}

/**
 * How the task's stop went, or undefined while it has not stopped (no final status, stop code or stop time).
 * Failures: TaskFailedToStart; EssentialContainerExited with a non-zero or unknown exit code; SpotInterruption;
 * TerminationNotice; InfrastructureHealth; ServiceSchedulerInitiated for failed health checks. Not failures:
 * UserInitiated (whatever the exit code: SIGKILL after the stop timeout gives 137), other scheduler stops
 * (scale-in, deployments, draining), and an exit code of 0. Without a stop code (emulators) the reasons and exit
 * code decide.
 */
export function classifyStop(task: StoppedTask, context: StopContext = {}): StopVerdict | undefined {
  if (!hasStopped(task)) return undefined;
  const container = stopContainer(task, context.essentialContainers);
  const exitCode = container?.exitCode;
  const reasons = [task.stoppedReason, container?.reason, ...(task.containers ?? []).map((c) => c.reason)]
    .filter((reason): reason is string => reason !== undefined)
    .join('\n');
  const outOfMemory = OUT_OF_MEMORY.test(reasons);
  const failedHealthCheck = HEALTH_CHECK_FAILED.test(reasons);
  const failed = (cause: FailureCause): StopVerdict => ({ failed: true, cause });
  const fine = (cause: FailureCause): StopVerdict => ({ failed: false, cause });

  switch (canonicalStatus(task.stopCode)) {
    case 'TASKFAILEDTOSTART':
      return failed('failed-to-start');
    case 'ESSENTIALCONTAINEREXITED':
      if (outOfMemory) return failed('out-of-memory');
      return exitCode === 0 ? fine('completed') : failed('container-exit');
    case 'SPOTINTERRUPTION':
      return failed('spot-interruption');
    case 'TERMINATIONNOTICE':
      return failed('host-termination');
    case 'INFRASTRUCTUREHEALTH':
      return failed('infrastructure');
    case 'SERVICESCHEDULERINITIATED':
      return failedHealthCheck ? failed('health-check') : fine('scheduler');
    case 'USERINITIATED':
      return fine('user');
    case undefined:
      if (START_FAILURE.test(reasons)) return failed('failed-to-start');
      break;
  }
  // No stop code, or one we do not know: judge by what the containers say.
  if (outOfMemory) return failed('out-of-memory');
  if (failedHealthCheck) return failed('health-check');
  if (exitCode !== undefined && exitCode !== 0) return failed('container-exit');
  if (exitCode === 0) return fine('completed');
  return fine('unknown');
}

/** True for a stopped task that did not end well (see classifyStop). */
export function isFailedStop(task: StoppedTask, context: StopContext = {}): boolean {
  return classifyStop(task, context)?.failed === true;
}

// ---------------------------------------------------------------- signatures

export interface FailureSignature {
  /**
   * The cluster's ARN, when known: `service:sync` failing in two clusters is two failures to look at, not one. Taken
   * from the record's cluster ARN, else from a long-form task or service ARN.
   */
  cluster?: string;
  /** `service:<name>` for service tasks, else the task's group (`family:<family>` by default), else `family:<x>`. */
  group: string;
  stopCode?: string;
  /** The stop reason with ids, hex, numbers, ARNs, IPs and times replaced by placeholders. */
  reason: string;
  /** The explaining container's reason, normalised the same way, when it adds to `reason`. */
  containerReason?: string;
  exitCode?: number;
  cause: FailureCause;
  /** Stable across tasks, processes and machines: equal signatures have equal keys. */
  key: string;
}

const MAX_REASON_LENGTH = 240;

const PLACEHOLDER_RULES: readonly [RegExp, string][] = [
  // ARNs first: they contain ids, numbers and colons the later rules would chew up piecemeal.
  [/\barn:[\w-]+:[\w-]+:[\w-]*:\d*:[^\s,;()"'[\]]*[^\s,;()"'[\].]/g, '<arn>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w:])/gi, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5}|\/\d{1,2})?\b/g, '<ip>'],
  [/\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b/gi, '<ip>'],
  [/\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?\b|(?<![\w:])::[0-9a-f]{1,4}\b/gi, '<ip>'],
  // Hex runs with at least one digit: task, instance, container and image ids, digests (`eni-<hex>` keeps its kind).
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>'],
  // Numbers not glued to a word (`ec2`, `t3.large`, `x86_64` and `v42` stay as they are).
  [/(?<![A-Za-z_\d])\d+/g, '<n>'],
];

/**
 * A reason with its per-task details replaced by placeholders, on one sanitised line, so "the same failure" reads
 * the same on every task: `<arn>`, `<time>`, `<id>` (UUIDs), `<ip>`, `<hex>` (ids, digests), `<n>` (numbers).
 */
export function normalizeReason(reason: unknown): string {
  let text = sanitizeText(reason);
  for (const [pattern, placeholder] of PLACEHOLDER_RULES) text = text.replace(pattern, placeholder);
  text = text.replace(/\s+/g, ' ').trim();
  return sanitizeText(text, { maxLength: MAX_REASON_LENGTH });
}

/** cyrb53-style 64-bit string hash as 16 hex digits: stable everywhere, collisions negligible at our scale. */
export function stableHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}

function signatureKey(parts: Omit<FailureSignature, 'key'>): string {
  // The cause is derived from the other parts, so it does not split groups.
  return `sig-${stableHash(
    JSON.stringify([
      parts.cluster ?? '',
      parts.group,
      parts.stopCode ?? '',
      parts.reason,
      parts.containerReason ?? '',
      parts.exitCode ?? null,
    ]),
  )}`;
}

function makeSignature(parts: Omit<FailureSignature, 'key'>): FailureSignature {
  const signature: FailureSignature = { group: parts.group, reason: parts.reason, cause: parts.cause, key: '' };
  if (parts.cluster !== undefined && parts.cluster !== '') signature.cluster = parts.cluster;
  if (parts.stopCode !== undefined) signature.stopCode = parts.stopCode;
  if (parts.containerReason !== undefined) signature.containerReason = parts.containerReason;
  if (parts.exitCode !== undefined) signature.exitCode = parts.exitCode;
  signature.key = signatureKey(signature);
  return signature;
}

export interface SignatureContext extends StopContext {
  /** The service the task belongs to, when the caller knows it better than the task's `group` does. */
  serviceName?: string;
}

/** The cluster of a task: its `clusterArn`, else the one a long-form task ARN names (records from older builds). */
export function taskClusterArn(task: Partial<Pick<Task, 'clusterArn' | 'taskArn'>>): string | undefined {
  if (task.clusterArn !== undefined && task.clusterArn !== '') return task.clusterArn;
  return task.taskArn === undefined ? undefined : clusterArnOf(task.taskArn);
}

/** The group a task's failures are filed under: `service:<name>`, the task's group, or `family:<family>`. */
export function failureGroupOf(task: Pick<Task, 'group' | 'taskDefinitionArn'>, serviceName?: string): string {
  if (serviceName !== undefined && serviceName !== '') return `service:${serviceName}`;
  if (task.group !== undefined && task.group.trim() !== '') return task.group;
  const family = task.taskDefinitionArn === undefined ? undefined : taskDefinitionFamily(task.taskDefinitionArn);
  return family === undefined ? 'unknown' : `family:${family}`;
}

/** The service name of a `service:<name>` group. */
export function serviceOfGroup(group: string): string | undefined {
  return group.startsWith('service:') && group.length > 'service:'.length ? group.slice('service:'.length) : undefined;
}

/** The failure signature of a stopped task that did not end well; undefined for any other task. */
export function failureSignature(
  task: StoppedTask & Pick<Task, 'group' | 'taskDefinitionArn'> & Partial<Pick<Task, 'clusterArn' | 'taskArn'>>,
  context: SignatureContext = {},
): FailureSignature | undefined {
  const verdict = classifyStop(task, context);
  if (!verdict?.failed) return undefined;
  const container = stopContainer(task, context.essentialContainers);
  const reason = normalizeReason(task.stoppedReason);
  // A pull error without an exit code still has its container's reason: fall back to any container that gave one.
  const explaining = container?.reason ?? task.containers?.find((c) => c.reason !== undefined)?.reason;
  const containerReason = explaining === undefined ? undefined : normalizeReason(explaining);
  const parts: Omit<FailureSignature, 'key'> = {
    group: failureGroupOf(task, context.serviceName),
    reason,
    cause: verdict.cause,
  };
  const cluster = taskClusterArn(task);
  if (cluster !== undefined) parts.cluster = cluster;
  if (task.stopCode !== undefined) parts.stopCode = task.stopCode;
  if (containerReason !== undefined && containerReason !== '' && containerReason !== reason) {
    parts.containerReason = containerReason;
  }
  if (container?.exitCode !== undefined) parts.exitCode = container.exitCode;
  return makeSignature(parts);
}

/** One line for the Failures pane: stop code, exit code and the most specific reason. */
export function signatureLabel(signature: FailureSignature): string {
  const parts: string[] = [];
  if (signature.stopCode !== undefined) parts.push(signature.stopCode);
  if (signature.exitCode !== undefined) parts.push(`exit ${signature.exitCode}`);
  const reason = signature.containerReason ?? signature.reason;
  if (reason !== '') parts.push(reason);
  return parts.length > 0 ? parts.join(' · ') : signature.cause;
}

// ---------------------------------------------------------------- occurrences

/** One failure seen once: a task, a placement-failure event or an action's failure entry. */
export interface FailureOccurrence {
  /** Counted once per group: the task ARN, `event:<key>` or the action's id. */
  id: string;
  signature: FailureSignature;
  /** When it happened (epoch ms). */
  at: number;
  taskArn?: string;
  clusterArn?: string;
  containerInstanceArn?: string;
  service?: string;
}

export interface TaskFailureContext extends SignatureContext {
  /** When we saw the task stopped: the time used when the task carries no stop time of its own. */
  observedAt: number;
}

/** The failure occurrence of a task, or undefined when it did not fail. */
export function taskFailureOccurrence(task: Task, context: TaskFailureContext): FailureOccurrence | undefined {
  const signature = failureSignature(task, context);
  if (!signature) return undefined;
  const occurrence: FailureOccurrence = {
    id: task.taskArn,
    signature,
    at: task.stoppedAt ?? task.executionStoppedAt ?? task.stoppingAt ?? context.observedAt,
    taskArn: task.taskArn,
  };
  if (signature.cluster !== undefined) occurrence.clusterArn = signature.cluster;
  if (task.containerInstanceArn !== undefined) occurrence.containerInstanceArn = task.containerInstanceArn;
  const service = serviceOfGroup(signature.group);
  if (service !== undefined) occurrence.service = service;
  return occurrence;
}

const PLACEMENT_FAILURE = /\bwas unable to place a task\b/i;

/** A placement failure from a service's events ("… was unable to place a task because …"), else undefined. */
export function serviceEventFailure(
  service: Pick<Service, 'serviceArn' | 'serviceName' | 'clusterArn'>,
  event: ServiceEvent,
): FailureOccurrence | undefined {
  if (event.message === undefined || event.createdAt === undefined || !PLACEMENT_FAILURE.test(event.message)) {
    return undefined;
  }
  const name = service.serviceName ?? shortName(service.serviceArn);
  // The "(service x)" prefix repeats the group.
  const message = event.message.replace(/^\s*\(service [^)]*\)\s*/i, '');
  const cluster = service.clusterArn || clusterArnOf(service.serviceArn);
  const signature = makeSignature({
    group: `service:${name}`,
    reason: normalizeReason(message),
    cause: 'placement',
    ...(cluster ? { cluster } : {}),
  });
  const occurrence: FailureOccurrence = {
    id: `event:${serviceEventKey(event)}`,
    signature,
    at: event.createdAt,
    service: name,
  };
  if (cluster) occurrence.clusterArn = cluster;
  return occurrence;
}

export interface ActionFailureContext {
  /** Unique per failure entry, e.g. the journal id of the action plus the entry's index. */
  id: string;
  at: number;
  /** The API operation: RunTask, StartTask, UpdateContainerInstancesState. */
  operation: string;
  /** The group the action targeted (`family:x` for RunTask), if any. */
  group?: string;
  clusterArn?: string;
}

/** A `failures[]` entry returned to one of our own actions, as an occurrence for the feed. */
export function actionFailureOccurrence(failure: Failure, context: ActionFailureContext): FailureOccurrence {
  const detail = failure.detail === undefined ? '' : ` (${failure.detail})`;
  const signature = makeSignature({
    group: context.group ?? `action:${context.operation}`,
    reason: normalizeReason(`${context.operation}: ${failure.reason ?? 'failed'}${detail}`),
    cause: 'action',
    ...(context.clusterArn ? { cluster: context.clusterArn } : {}),
  });
  const occurrence: FailureOccurrence = { id: context.id, signature, at: context.at };
  if (context.clusterArn !== undefined) occurrence.clusterArn = context.clusterArn;
  if (failure.arn?.includes(':container-instance/')) occurrence.containerInstanceArn = failure.arn;
  const service = serviceOfGroup(signature.group);
  if (service !== undefined) occurrence.service = service;
  return occurrence;
}

// ---------------------------------------------------------------- grouping

export interface FailureGroup {
  key: string;
  signature: FailureSignature;
  /** Distinct occurrences (a task seen live and again from the flight recorder counts once). */
  count: number;
  firstSeen: number;
  lastSeen: number;
  /** Occurrence ids, in the order they were added. */
  ids: readonly string[];
  tasks: readonly string[];
  instances: readonly string[];
  services: readonly string[];
  clusters: readonly string[];
}

interface GroupDraft {
  signature: FailureSignature;
  firstSeen: number;
  lastSeen: number;
  ids: string[];
  idSet: Set<string>;
  tasks: string[];
  taskSet: Set<string>;
  instances: string[];
  services: string[];
  clusters: string[];
  changed: boolean;
}

function draftOf(base: FailureGroup | undefined, signature: FailureSignature): GroupDraft {
  return {
    signature: base?.signature ?? signature,
    firstSeen: base?.firstSeen ?? Number.POSITIVE_INFINITY,
    lastSeen: base?.lastSeen ?? Number.NEGATIVE_INFINITY,
    ids: [...(base?.ids ?? [])],
    idSet: new Set(base?.ids ?? []),
    tasks: [...(base?.tasks ?? [])],
    taskSet: new Set(base?.tasks ?? []),
    instances: [...(base?.instances ?? [])],
    services: [...(base?.services ?? [])],
    clusters: [...(base?.clusters ?? [])],
    changed: false,
  };
}

/** For the short lists (instances, services, clusters) of a group. */
function addUnique(list: string[], value: string | undefined): void {
  if (value !== undefined && !list.includes(value)) list.push(value);
}

/**
 * Folds occurrences into groups keyed by signature. Copy on write: the result shares every group the occurrences
 * did not change, and is the input map itself when nothing changed, so a store can compare references.
 */
export function mergeFailureGroups(
  groups: ReadonlyMap<string, FailureGroup>,
  occurrences: Iterable<FailureOccurrence>,
): ReadonlyMap<string, FailureGroup> {
  const drafts = new Map<string, GroupDraft>();
  for (const occurrence of occurrences) {
    const key = occurrence.signature.key;
    let draft = drafts.get(key);
    if (!draft) {
      draft = draftOf(groups.get(key), occurrence.signature);
      drafts.set(key, draft);
    }
    if (draft.idSet.has(occurrence.id)) continue;
    draft.idSet.add(occurrence.id);
    draft.ids.push(occurrence.id);
    draft.firstSeen = Math.min(draft.firstSeen, occurrence.at);
    draft.lastSeen = Math.max(draft.lastSeen, occurrence.at);
    if (occurrence.taskArn !== undefined && !draft.taskSet.has(occurrence.taskArn)) {
      draft.taskSet.add(occurrence.taskArn);
      draft.tasks.push(occurrence.taskArn);
    }
    addUnique(draft.instances, occurrence.containerInstanceArn);
    addUnique(draft.services, occurrence.service);
    addUnique(draft.clusters, occurrence.clusterArn);
    draft.changed = true;
  }
  const changed = [...drafts.entries()].filter(([, draft]) => draft.changed);
  if (changed.length === 0) return groups;
  const out = new Map(groups);
  for (const [key, draft] of changed) {
    out.set(key, {
      key,
      signature: draft.signature,
      count: draft.ids.length,
      firstSeen: draft.firstSeen,
      lastSeen: draft.lastSeen,
      ids: draft.ids,
      tasks: draft.tasks,
      instances: draft.instances,
      services: draft.services,
      clusters: draft.clusters,
    });
  }
  return out;
}

/** Most recent first; ties by count, then key (a stable order for the pane). */
export function compareFailureGroups(a: FailureGroup, b: FailureGroup): number {
  return b.lastSeen - a.lastSeen || b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The Failures pane's windows. */
export const FAILURE_WINDOWS = { '1h': 60 * 60_000, '6h': 6 * 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;

/** Groups the occurrences at or after `since` (the pane's 1h / 6h / 24h window), most recent group first. */
export function groupFailures(
  occurrences: Iterable<FailureOccurrence>,
  options: { since?: number } = {},
): FailureGroup[] {
  const since = options.since ?? Number.NEGATIVE_INFINITY;
  const inWindow = [...occurrences].filter((occurrence) => occurrence.at >= since);
  return [...mergeFailureGroups(new Map(), inWindow).values()].sort(compareFailureGroups);
}

/** How many distinct failures happened at or after `since` (the clusters pane's "failures in the last hour"). */
export function countFailuresSince(occurrences: Iterable<FailureOccurrence>, since: number): number {
  const ids = new Set<string>();
  for (const occurrence of occurrences) if (occurrence.at >= since) ids.add(occurrence.id);
  return ids.size;
}
