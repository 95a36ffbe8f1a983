import { describe, expect, it } from 'vitest';
import { actionFailureOccurrence, serviceEventFailure, taskFailureOccurrence } from '../../src/domain/failures.ts';
import { actionJournal, failureOccurrences, latestStoppedTasks, transitionsByTask } from '../../src/recorder/fold.ts';
import {
  actionFailureRecord,
  actionRecord,
  parseRecord,
  type RecorderRecord,
  serviceEventFailureRecord,
  stoppedTaskRecord,
  transitionRecord,
} from '../../src/recorder/records.ts';
import { CLUSTER, NOW, oomTask, paymentsService, placementEvent } from './helpers.ts';

/** What a record looks like after a trip through the file. */
function roundTrip<T extends RecorderRecord>(record: T): T {
  return parseRecord(JSON.parse(JSON.stringify(record))) as T;
}

function transition(taskArn: string, lastStatus: string, at: number): RecorderRecord {
  return transitionRecord({ taskArn, lastStatus }, at) as RecorderRecord;
}

describe('folding records', () => {
  it('keeps the last stopped-task record of each task', () => {
    const first = stoppedTaskRecord(oomTask('a', NOW - 10_000), NOW - 9_000);
    const again = stoppedTaskRecord(oomTask('a', NOW - 10_000), NOW - 1_000);
    const other = stoppedTaskRecord(oomTask('b'), NOW);
    const latest = latestStoppedTasks([first, transition('x', 'RUNNING', NOW), again, other]);
    expect([...latest.keys()]).toEqual([first.task.taskArn, other.task.taskArn]);
    expect(latest.get(first.task.taskArn)).toBe(again);
  });

  it('orders each task transitions by time and collapses repeated sightings of a status', () => {
    const records = [
      transition('t1', 'RUNNING', NOW + 20),
      transition('t1', 'PENDING', NOW + 10),
      transition('t2', 'PROVISIONING', NOW),
      transition('t1', 'RUNNING', NOW + 30),
      transition('t1', 'STOPPED', NOW + 40),
      transition('t1', 'PENDING', NOW + 10),
    ];
    const byTask = transitionsByTask(records);
    expect(byTask.get('t1')).toEqual([
      { status: 'PENDING', at: NOW + 10 },
      { status: 'RUNNING', at: NOW + 20 },
      { status: 'STOPPED', at: NOW + 40 },
    ]);
    expect(byTask.get('t2')).toEqual([{ status: 'PROVISIONING', at: NOW }]);
  });

  it('replays failures with the same ids and signatures as the live feed, so each counts once', () => {
    const task = oomTask('c0ffee00c0ffee00c0ffee00c0ffee00');
    const event = placementEvent('ev-9');
    const failure = { arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci-1', reason: 'RESOURCE:CPU' };
    const actionContext = {
      id: 'act-7#0',
      at: NOW - 500,
      operation: 'StartTask',
      group: 'family:nightly',
      clusterArn: CLUSTER,
    };

    const live = [
      taskFailureOccurrence(task, { observedAt: NOW - 100, serviceName: 'payments', essentialContainers: ['app'] }),
      serviceEventFailure(paymentsService, event),
      actionFailureOccurrence(failure, actionContext),
    ];
    const records = [
      roundTrip(stoppedTaskRecord(task, NOW - 100, { serviceName: 'payments', essentialContainers: ['app'] })),
      roundTrip(serviceEventFailureRecord(paymentsService, event) as RecorderRecord),
      roundTrip(actionFailureRecord(failure, actionContext)),
    ];
    const replayed = failureOccurrences(records);
    const byId = new Map(replayed.map((occurrence) => [occurrence.id, occurrence]));
    for (const occurrence of live) {
      expect(occurrence).toBeDefined();
      expect(byId.get(occurrence?.id as string)).toEqual(occurrence);
    }
    expect(replayed).toHaveLength(3);
  });

  it('folds back records written before the cluster joined the signature, with the cluster their ARNs name', () => {
    const task = oomTask('0ddba11a0ddba11a0ddba11a0ddba11a');
    const live = taskFailureOccurrence(task, { observedAt: NOW - 100 });
    // An older build's lines: the task carried no clusterArn, the service event none either.
    const oldTask = JSON.parse(JSON.stringify(stoppedTaskRecord(task, NOW - 100)));
    delete oldTask.task.clusterArn;
    const event = placementEvent('ev-old');
    const oldEvent = JSON.parse(JSON.stringify(serviceEventFailureRecord(paymentsService, event)));
    delete oldEvent.clusterArn;
    const replayed = failureOccurrences([parseRecord(oldTask), parseRecord(oldEvent)] as RecorderRecord[]);
    expect(replayed).toHaveLength(2);
    const [fromTask, fromEvent] = [replayed.find((o) => o.taskArn), replayed.find((o) => !o.taskArn)];
    expect(fromTask?.signature.cluster).toBe(CLUSTER);
    expect(fromTask?.signature.key).toBe(live?.signature.key);
    expect(fromEvent?.signature.cluster).toBe(CLUSTER);
    expect(fromEvent?.signature.key).toBe(serviceEventFailure(paymentsService, event)?.signature.key);
  });

  it('leaves out recorded tasks that ended well and records that are not failures, and dedupes by id', () => {
    const finished = oomTask('d');
    finished.stopCode = 'EssentialContainerExited';
    finished.containers = [{ name: 'app', exitCode: 0, lastStatus: 'STOPPED' }];
    finished.stoppedReason = 'Essential container in task exited';
    const failed = stoppedTaskRecord(oomTask('e'), NOW);
    const records = [
      stoppedTaskRecord(finished, NOW),
      failed,
      stoppedTaskRecord(oomTask('e'), NOW + 5),
      transition('t', 'RUNNING', NOW),
      actionRecord({ at: NOW, id: 'a', phase: 'before', operation: 'StopTask', targets: [] }),
    ];
    const occurrences = failureOccurrences(records);
    expect(occurrences.map((occurrence) => occurrence.id)).toEqual([failed.task.taskArn]);
  });

  it('pairs the journal lines of each action and shows an interrupted one', () => {
    const line = (id: string, phase: 'before' | 'after', at: number) =>
      actionRecord({ at, id, phase, operation: 'StopTask', targets: [`task-${id}`] });
    const journal = actionJournal([
      line('one', 'before', NOW),
      line('two', 'before', NOW + 1),
      transition('t', 'RUNNING', NOW + 2),
      line('one', 'after', NOW + 3),
    ]);
    expect(journal.map((entry) => [entry.id, entry.before?.at, entry.after?.at])).toEqual([
      ['one', NOW, NOW + 3],
      ['two', NOW + 1, undefined],
    ]);
  });
});
