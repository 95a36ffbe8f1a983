/**
 * Folding loaded records into what the store keeps. The recorder appends what it is told and may hold the same fact
 * more than once (a task seen stopped by two runs, an event recorded again after a restart); these helpers collapse
 * that, so the store can merge the result with what it sees live.
 */

import {
  actionFailureOccurrence,
  type FailureOccurrence,
  serviceEventFailure,
  taskFailureOccurrence,
} from '../domain/failures.ts';
import type { Failure } from '../domain/model.ts';
import type { ObservedTransition } from '../domain/timeline.ts';
import type { ActionRecord, FailureRecord, RecorderRecord, StoppedTaskRecord, TransitionRecord } from './records.ts';

/** The last stopped-task record of each task, by task ARN. */
export function latestStoppedTasks(records: Iterable<RecorderRecord>): Map<string, StoppedTaskRecord> {
  const out = new Map<string, StoppedTaskRecord>();
  for (const record of records) if (record.kind === 'stopped-task') out.set(record.task.taskArn, record);
  return out;
}

/**
 * Each task's observed statuses in time order, with repeats of the same status collapsed to the first sighting
 * (a status seen by many polls, or again after a restart, is one transition).
 */
export function transitionsByTask(records: Iterable<RecorderRecord>): Map<string, ObservedTransition[]> {
  const grouped = new Map<string, TransitionRecord[]>();
  for (const record of records) {
    if (record.kind !== 'transition') continue;
    const list = grouped.get(record.taskArn);
    if (list) list.push(record);
    else grouped.set(record.taskArn, [record]);
  }
  const out = new Map<string, ObservedTransition[]>();
  for (const [taskArn, list] of grouped) {
    // Stable: equal times keep file order.
    list.sort((a, b) => a.at - b.at);
    const transitions: ObservedTransition[] = [];
    for (const record of list) {
      if (transitions[transitions.length - 1]?.status === record.lastStatus) continue;
      transitions.push({ status: record.lastStatus, at: record.at });
    }
    out.set(taskArn, transitions);
  }
  return out;
}

/**
 * The failure-feed occurrence of a record, computed with the same domain functions as the live feed, so a failure
 * seen live and again from the recorder has the same id and signature and counts once. Undefined for records that
 * are not failures (transitions, the journal, a recorded task that turns out to have ended well).
 */
export function failureOccurrenceOf(record: RecorderRecord): FailureOccurrence | undefined {
  switch (record.kind) {
    case 'stopped-task': {
      const context: Parameters<typeof taskFailureOccurrence>[1] = { observedAt: record.at };
      if (record.serviceName !== undefined) context.serviceName = record.serviceName;
      if (record.essentialContainers !== undefined) context.essentialContainers = record.essentialContainers;
      return taskFailureOccurrence(record.task, context);
    }
    case 'failure':
      return failureRecordOccurrence(record);
    default:
      return undefined;
  }
}

function failureRecordOccurrence(record: FailureRecord): FailureOccurrence | undefined {
  if (record.source === 'service-event') {
    if (record.serviceArn === undefined) return undefined;
    const service: Parameters<typeof serviceEventFailure>[0] = { serviceArn: record.serviceArn };
    if (record.serviceName !== undefined) service.serviceName = record.serviceName;
    if (record.clusterArn !== undefined) service.clusterArn = record.clusterArn;
    const event: Parameters<typeof serviceEventFailure>[1] = { createdAt: record.at };
    if (record.eventId !== undefined) event.id = record.eventId;
    if (record.message !== undefined) event.message = record.message;
    return serviceEventFailure(service, event);
  }
  if (record.operation === undefined) return undefined;
  const failure: Failure = {};
  if (record.arn !== undefined) failure.arn = record.arn;
  if (record.reason !== undefined) failure.reason = record.reason;
  if (record.detail !== undefined) failure.detail = record.detail;
  const context: Parameters<typeof actionFailureOccurrence>[1] = {
    id: record.id,
    at: record.at,
    operation: record.operation,
  };
  if (record.group !== undefined) context.group = record.group;
  if (record.clusterArn !== undefined) context.clusterArn = record.clusterArn;
  return actionFailureOccurrence(failure, context);
}

/** The feed's occurrences from the records, one per occurrence id (the last record wins), oldest first. */
export function failureOccurrences(records: Iterable<RecorderRecord>): FailureOccurrence[] {
  const byId = new Map<string, FailureOccurrence>();
  for (const record of records) {
    const occurrence = failureOccurrenceOf(record);
    if (!occurrence) continue;
    // Delete first so the map's order follows the latest sighting.
    byId.delete(occurrence.id);
    byId.set(occurrence.id, occurrence);
  }
  return [...byId.values()].sort((a, b) => a.at - b.at);
}

/** One action of the journal: its before and after lines. */
export interface JournalEntry {
  id: string;
  operation: string;
  at: number;
  before?: ActionRecord;
  after?: ActionRecord;
}

/** The journal, one entry per action id in order of first line. An entry without `after` was interrupted. */
export function actionJournal(records: Iterable<RecorderRecord>): JournalEntry[] {
  const entries = new Map<string, JournalEntry>();
  for (const record of records) {
    if (record.kind !== 'action') continue;
    let entry = entries.get(record.id);
    if (!entry) {
      entry = { id: record.id, operation: record.operation, at: record.at };
      entries.set(record.id, entry);
    }
    entry[record.phase] = record;
  }
  return [...entries.values()];
}
