/**
 * The action journal: a line before each mutating call goes out and one after it returned, so "who did what, when,
 * and what came back" survives the session. The runner writes through this small interface; the flight recorder
 * implements it (recorderJournal), tests and recorder-less runs use the in-memory one.
 */
import type { ActionFailureContext } from '../domain/failures.ts';
import type { Failure } from '../domain/model.ts';
import {
  type ActionRecord,
  type ActionRecordInput,
  actionFailureRecord,
  actionRecord,
  type FailureRecord,
} from '../recorder/records.ts';

/** One journal line as the runner hands it over: the recorder's action record without its phase (the method says it). */
export type ActionJournalEntry = Omit<ActionRecordInput, 'phase'>;

export interface ActionJournal {
  /** Must be durable when it returns: the call goes out right after. Throwing stops the action before any call. */
  before(entry: ActionJournalEntry): void;
  after(entry: ActionJournalEntry): void;
  /** One `failures` entry (or error) of an action, for the failure feed after a restart. */
  failure?(failure: Failure, context: ActionFailureContext): void;
}

export interface MemoryJournalLine extends ActionJournalEntry {
  phase: 'before' | 'after';
}

/** Keeps the lines in memory: for tests and for runs without a flight recorder. */
export class MemoryJournal implements ActionJournal {
  readonly lines: MemoryJournalLine[] = [];
  readonly failures: { failure: Failure; context: ActionFailureContext }[] = [];

  before(entry: ActionJournalEntry): void {
    this.lines.push({ ...entry, phase: 'before' });
  }

  after(entry: ActionJournalEntry): void {
    this.lines.push({ ...entry, phase: 'after' });
  }

  failure(failure: Failure, context: ActionFailureContext): void {
    this.failures.push({ failure: { ...failure }, context: { ...context } });
  }
}

/** What the journal needs of the flight recorder (FlightRecorder fits). */
export interface JournalRecorder {
  appendNow(record: ActionRecord): void;
  append(record: FailureRecord): void;
}

function recordInput(entry: ActionJournalEntry, phase: 'before' | 'after'): ActionRecordInput {
  const input: ActionRecordInput = {
    id: entry.id,
    at: entry.at,
    phase,
    operation: entry.operation,
    targets: entry.targets,
  };
  if (entry.clusterArn !== undefined) input.clusterArn = entry.clusterArn;
  if (entry.parameters !== undefined) input.parameters = entry.parameters;
  if (entry.user !== undefined) input.user = entry.user;
  if (entry.outcome !== undefined) input.outcome = entry.outcome;
  if (entry.result !== undefined) input.result = entry.result;
  if (entry.failures !== undefined) input.failures = entry.failures;
  if (entry.error !== undefined) input.error = entry.error;
  return input;
}

/**
 * The journal in the flight recorder. Both lines are written synchronously and fsynced (actions are rare): the
 * before line must be on disk before the call, and the after line is the only record of what came back.
 */
export function recorderJournal(recorder: JournalRecorder): ActionJournal {
  return {
    before: (entry) => recorder.appendNow(actionRecord(recordInput(entry, 'before'))),
    after: (entry) => recorder.appendNow(actionRecord(recordInput(entry, 'after'))),
    failure: (failure, context) => recorder.append(actionFailureRecord(failure, context)),
  };
}
