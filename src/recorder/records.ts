/**
 * What the flight recorder keeps, one JSON object per line: observed task transitions, stopped tasks that did not
 * end well, non-task failures (placement failures from service events, `failures` entries of our own actions) and the
 * action journal.
 *
 * Every record carries `v` (the format version), `kind` and `at` (epoch milliseconds). Reading is as strict as the
 * rest of the domain: `parseRecord` takes `unknown`, never throws, rebuilds the record from the fields it knows
 * (unknown fields are dropped, optional fields of the wrong type are dropped) and answers `undefined` for a line that
 * is not a record it can use: wrong shape, unknown kind, or a version newer than this build understands.
 */

import {
  asArray,
  asInteger,
  asNonEmptyString,
  asRecord,
  asString,
  asStringArray,
  setDefined,
  type UnknownRecord,
} from '../domain/coerce.ts';
import { type ActionFailureContext, serviceEventFailure } from '../domain/failures.ts';
import {
  type Container,
  type Failure,
  normalizeFailure,
  normalizeList,
  normalizeTask,
  type Service,
  type ServiceEvent,
  TASK_TIMESTAMP_FIELDS,
  type Task,
  type TaskTimestampField,
} from '../domain/model.ts';

/** The format version this build writes. Lines with a higher version are skipped on load, never misread. */
export const RECORD_FORMAT_VERSION = 1;

interface RecordBase {
  v: number;
  /** When it happened or was observed, epoch milliseconds; also what the age bound on load looks at. */
  at: number;
}

/** A task's status as a poll observed it (fills the timeline where ECS has no timestamp). */
export interface TransitionRecord extends RecordBase {
  kind: 'transition';
  taskArn: string;
  clusterArn?: string;
  lastStatus: string;
  desiredStatus?: string;
  group?: string;
  /** The service name, when the task belongs to one. */
  service?: string;
}

/** The parts of a container the failure feed and the task view need. */
export type RecordedContainer = Pick<
  Container,
  'name' | 'image' | 'exitCode' | 'reason' | 'lastStatus' | 'healthStatus'
>;

/** A stopped task trimmed to what the failure feed and the timelines need. */
export type RecordedTask = Pick<
  Task,
  | 'taskArn'
  | 'clusterArn'
  | 'group'
  | 'startedBy'
  | 'taskDefinitionArn'
  | 'containerInstanceArn'
  | 'availabilityZone'
  | 'lastStatus'
  | 'desiredStatus'
  | 'launchType'
  | 'capacityProviderName'
  | 'stopCode'
  | 'stoppedReason'
  | TaskTimestampField
> & { containers?: RecordedContainer[] };

/** A stopped task that did not end well, with the context its failure signature was computed with. */
export interface StoppedTaskRecord extends RecordBase {
  kind: 'stopped-task';
  task: RecordedTask;
  /** The service the task belonged to, when the poller knew it better than the task's group. */
  serviceName?: string;
  /** The task definition's essential containers, when known: they decide which exit code counts. */
  essentialContainers?: string[];
}

export type FailureSource = 'service-event' | 'action';

/**
 * A failure that is not a stopped task. `service-event`: a placement failure from a service's events (`at` is the
 * event's time, `message` its text, `eventId` its id). `action`: one `failures[]` entry returned to our own action
 * (`id` unique per entry, `operation`, the entry's `arn`/`reason`/`detail`).
 */
export interface FailureRecord extends RecordBase {
  kind: 'failure';
  source: FailureSource;
  /** Unique per failure: the event's key for service events, the journal id plus entry index for actions. */
  id: string;
  clusterArn?: string;
  serviceArn?: string;
  serviceName?: string;
  eventId?: string;
  message?: string;
  operation?: string;
  group?: string;
  arn?: string;
  reason?: string;
  detail?: string;
}

export type ActionPhase = 'before' | 'after';

/** A line of the action journal: one before the call goes out, one after it returned or failed. */
export interface ActionRecord extends RecordBase {
  kind: 'action';
  /** Shared by the before and after lines of one action. */
  id: string;
  phase: ActionPhase;
  /** The API operation: StopTask, UpdateContainerInstancesState, RunTask, StartTask, UpdateService. */
  operation: string;
  /** The ARNs the action is about. */
  targets: string[];
  clusterArn?: string;
  /** The request parameters that matter for the record (reason, status, overrides, desired count), JSON values. */
  parameters?: Record<string, unknown>;
  /** Who acted: the OS user and the AWS identity when known. */
  user?: string;
  /** After: 'ok', 'partial' (some failures) or 'failed' (the call threw). */
  outcome?: string;
  /** After: what came back that matters (the new task ARNs, the updated statuses), JSON values. */
  result?: Record<string, unknown>;
  failures?: Failure[];
  /** After: the error's one-sentence explanation when the call failed. */
  error?: string;
}

export type RecorderRecord = TransitionRecord | StoppedTaskRecord | FailureRecord | ActionRecord;
export type RecordKind = RecorderRecord['kind'];

export const RECORD_KINDS: readonly RecordKind[] = ['transition', 'stopped-task', 'failure', 'action'];

// ---------------------------------------------------------------- building records

/** The transition record of a task as a poll saw it now; undefined when the task carries no status. */
export function transitionRecord(
  task: Pick<Task, 'taskArn' | 'clusterArn' | 'lastStatus' | 'desiredStatus' | 'group'>,
  at: number,
  context: { clusterArn?: string; service?: string } = {},
): TransitionRecord | undefined {
  if (task.lastStatus === undefined) return undefined;
  const record: TransitionRecord = {
    v: RECORD_FORMAT_VERSION,
    kind: 'transition',
    at,
    taskArn: task.taskArn,
    lastStatus: task.lastStatus,
  };
  setDefined(record, 'clusterArn', task.clusterArn ?? context.clusterArn);
  setDefined(record, 'desiredStatus', task.desiredStatus);
  setDefined(record, 'group', task.group);
  setDefined(record, 'service', context.service);
  return record;
}

const RECORDED_TASK_FIELDS = [
  'clusterArn',
  'group',
  'startedBy',
  'taskDefinitionArn',
  'containerInstanceArn',
  'availabilityZone',
  'lastStatus',
  'desiredStatus',
  'launchType',
  'capacityProviderName',
  'stopCode',
  'stoppedReason',
] as const satisfies readonly (keyof RecordedTask)[];

const RECORDED_CONTAINER_FIELDS = [
  'name',
  'image',
  'exitCode',
  'reason',
  'lastStatus',
  'healthStatus',
] as const satisfies readonly (keyof RecordedContainer)[];

/** A domain task trimmed to the recorded fields (a copy: later changes to the task do not reach the record). */
export function trimTask(task: Task): RecordedTask {
  const out: RecordedTask = { taskArn: task.taskArn };
  for (const field of RECORDED_TASK_FIELDS) setDefined(out, field, task[field]);
  for (const field of TASK_TIMESTAMP_FIELDS) setDefined(out, field, task[field]);
  if (task.containers) {
    out.containers = task.containers.map((container) => {
      const trimmed: RecordedContainer = {};
      for (const field of RECORDED_CONTAINER_FIELDS) setDefined(trimmed, field, container[field]);
      return trimmed;
    });
  }
  return out;
}

/** The stopped-task record of a task observed stopped at `observedAt`. */
export function stoppedTaskRecord(
  task: Task,
  observedAt: number,
  context: { serviceName?: string; essentialContainers?: readonly string[] } = {},
): StoppedTaskRecord {
  const record: StoppedTaskRecord = {
    v: RECORD_FORMAT_VERSION,
    kind: 'stopped-task',
    at: observedAt,
    task: trimTask(task),
  };
  setDefined(record, 'serviceName', context.serviceName);
  if (context.essentialContainers) record.essentialContainers = [...context.essentialContainers];
  return record;
}

/** The failure record of a placement-failure event; undefined for any other event (nothing else is recorded). */
export function serviceEventFailureRecord(
  service: Pick<Service, 'serviceArn' | 'serviceName' | 'clusterArn'>,
  event: ServiceEvent,
): FailureRecord | undefined {
  if (event.createdAt === undefined || event.message === undefined) return undefined;
  if (!serviceEventFailure(service, event)) return undefined;
  const record: FailureRecord = {
    v: RECORD_FORMAT_VERSION,
    kind: 'failure',
    source: 'service-event',
    at: event.createdAt,
    // The same key serviceEventFailure uses, so a replayed event and a live one are one occurrence.
    id: `event:${event.id ?? `${event.createdAt}:${event.message}`}`,
    serviceArn: service.serviceArn,
    message: event.message,
  };
  setDefined(record, 'serviceName', service.serviceName);
  setDefined(record, 'clusterArn', service.clusterArn);
  setDefined(record, 'eventId', event.id);
  return record;
}

/** The failure record of one `failures[]` entry returned to our own action. */
export function actionFailureRecord(failure: Failure, context: ActionFailureContext): FailureRecord {
  const record: FailureRecord = {
    v: RECORD_FORMAT_VERSION,
    kind: 'failure',
    source: 'action',
    at: context.at,
    id: context.id,
    operation: context.operation,
  };
  setDefined(record, 'group', context.group);
  setDefined(record, 'clusterArn', context.clusterArn);
  setDefined(record, 'arn', failure.arn);
  setDefined(record, 'reason', failure.reason);
  setDefined(record, 'detail', failure.detail);
  return record;
}

export type ActionRecordInput = Omit<ActionRecord, 'v' | 'kind'>;

/** A journal line; `parameters` and `result` must be plain JSON values. */
export function actionRecord(input: ActionRecordInput): ActionRecord {
  const record: ActionRecord = {
    v: RECORD_FORMAT_VERSION,
    kind: 'action',
    at: input.at,
    id: input.id,
    phase: input.phase,
    operation: input.operation,
    targets: [...input.targets],
  };
  setDefined(record, 'clusterArn', input.clusterArn);
  setDefined(record, 'parameters', input.parameters);
  setDefined(record, 'user', input.user);
  setDefined(record, 'outcome', input.outcome);
  setDefined(record, 'result', input.result);
  if (input.failures) record.failures = input.failures.map((failure) => ({ ...failure }));
  setDefined(record, 'error', input.error);
  return record;
}

// ---------------------------------------------------------------- reading records back

/** A JSON object value (for `parameters` and `result`), or undefined. */
function asJsonObject(value: unknown): Record<string, unknown> | undefined {
  const record = asRecord(value);
  return record ? { ...record } : undefined;
}

function readTransition(input: UnknownRecord, at: number): TransitionRecord | undefined {
  const taskArn = asNonEmptyString(input.taskArn);
  const lastStatus = asNonEmptyString(input.lastStatus);
  if (taskArn === undefined || lastStatus === undefined) return undefined;
  const record: TransitionRecord = { v: RECORD_FORMAT_VERSION, kind: 'transition', at, taskArn, lastStatus };
  setDefined(record, 'clusterArn', asString(input.clusterArn));
  setDefined(record, 'desiredStatus', asString(input.desiredStatus));
  setDefined(record, 'group', asString(input.group));
  setDefined(record, 'service', asString(input.service));
  return record;
}

function readStoppedTask(input: UnknownRecord, at: number): StoppedTaskRecord | undefined {
  // The domain normaliser validates every field; trimming again drops anything a record should not carry.
  const task = normalizeTask(input.task);
  if (!task) return undefined;
  const record: StoppedTaskRecord = { v: RECORD_FORMAT_VERSION, kind: 'stopped-task', at, task: trimTask(task) };
  setDefined(record, 'serviceName', asString(input.serviceName));
  setDefined(record, 'essentialContainers', asStringArray(input.essentialContainers));
  return record;
}

const FAILURE_SOURCES: readonly string[] = ['service-event', 'action'] satisfies FailureSource[];

function readFailure(input: UnknownRecord, at: number): FailureRecord | undefined {
  const source = asString(input.source);
  const id = asNonEmptyString(input.id);
  if (source === undefined || !FAILURE_SOURCES.includes(source) || id === undefined) return undefined;
  const record: FailureRecord = { v: RECORD_FORMAT_VERSION, kind: 'failure', at, source: source as FailureSource, id };
  for (const field of [
    'clusterArn',
    'serviceArn',
    'serviceName',
    'eventId',
    'message',
    'operation',
    'group',
    'arn',
    'reason',
    'detail',
  ] as const) {
    setDefined(record, field, asString(input[field]));
  }
  // What each source needs to become a feed occurrence again.
  if (record.source === 'service-event' && (record.serviceArn === undefined || record.message === undefined)) {
    return undefined;
  }
  if (record.source === 'action' && record.operation === undefined) return undefined;
  return record;
}

function readAction(input: UnknownRecord, at: number): ActionRecord | undefined {
  const id = asNonEmptyString(input.id);
  const phase = asString(input.phase);
  const operation = asNonEmptyString(input.operation);
  const targets = asStringArray(input.targets);
  if (id === undefined || (phase !== 'before' && phase !== 'after') || operation === undefined || !targets) {
    return undefined;
  }
  const record: ActionRecord = { v: RECORD_FORMAT_VERSION, kind: 'action', at, id, phase, operation, targets };
  setDefined(record, 'clusterArn', asString(input.clusterArn));
  setDefined(record, 'parameters', asJsonObject(input.parameters));
  setDefined(record, 'user', asString(input.user));
  setDefined(record, 'outcome', asString(input.outcome));
  setDefined(record, 'result', asJsonObject(input.result));
  if (asArray(input.failures)) record.failures = normalizeList(input.failures, normalizeFailure);
  setDefined(record, 'error', asString(input.error));
  return record;
}

/** A record from a parsed JSON line, or undefined when the value is not a record this build can use. */
export function parseRecord(value: unknown): RecorderRecord | undefined {
  const input = asRecord(value);
  if (!input) return undefined;
  const version = asInteger(input.v);
  if (version === undefined || version < 1 || version > RECORD_FORMAT_VERSION) return undefined;
  // Written as epoch milliseconds by this code: no unit guessing, only a sanity check.
  const at = input.at;
  if (typeof at !== 'number' || !Number.isFinite(at) || at <= 0) return undefined;
  switch (input.kind) {
    case 'transition':
      return readTransition(input, at);
    case 'stopped-task':
      return readStoppedTask(input, at);
    case 'failure':
      return readFailure(input, at);
    case 'action':
      return readAction(input, at);
    default:
      return undefined;
  }
}
