/**
 * The pollers and the flight recorder, joined: what the pollers observe is appended (never blocking them), and
 * what an earlier run recorded is folded back into the store at start, so the failure feed and the timelines
 * survive a restart and reach further back than ECS remembers.
 */
import type { Task } from '../domain/model.ts';
import { failureOccurrences, latestStoppedTasks, transitionsByTask } from '../recorder/fold.ts';
import type { FlightRecorder } from '../recorder/recorder.ts';
import {
  type RecorderRecord,
  serviceEventFailureRecord,
  stoppedTaskRecord,
  transitionRecord,
} from '../recorder/records.ts';
import { addFailures, addObservedTransitions, type EcsStore, upsertTasks } from '../store/store.ts';
import type { MonitorObserver } from './monitor.ts';

export function recordingObserver(recorder: Pick<FlightRecorder, 'append'>): MonitorObserver {
  return {
    transitions(entries) {
      for (const { task, at } of entries) {
        const service = task.group?.startsWith('service:') ? task.group.slice('service:'.length) : undefined;
        const record = transitionRecord(task, at, service ? { service } : {});
        if (record) recorder.append(record);
      }
    },
    failedTasks(tasks, observedAt) {
      for (const task of tasks) recorder.append(stoppedTaskRecord(task, observedAt));
    },
    placementFailures(entries) {
      for (const { service, event } of entries) {
        const record = serviceEventFailureRecord(service, event);
        if (record) recorder.append(record);
      }
    },
  };
}

/** Folds an earlier run's records into the store: failures, the stopped tasks behind them, observed transitions. */
export function restoreFromRecords(store: EcsStore, records: readonly RecorderRecord[], now: number): void {
  addFailures(store, failureOccurrences(records));
  const stopped: Task[] = [...latestStoppedTasks(records).values()].map((record) => ({ ...record.task }));
  // Only tasks the store does not hold yet: live data is never overwritten by history.
  const held = store.getState().tasks;
  upsertTasks(
    store,
    stopped.filter((task) => !held.has(task.taskArn)),
    now,
    { recordTransitions: false },
  );
  const entries: { taskArn: string; status: string; at: number }[] = [];
  for (const [taskArn, transitions] of transitionsByTask(records)) {
    for (const transition of transitions) entries.push({ taskArn, ...transition });
  }
  addObservedTransitions(store, entries);
}
