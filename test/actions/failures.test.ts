import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recorderJournal } from '../../src/actions/journal.ts';
import type { FailureGroup } from '../../src/domain/failures.ts';
import type { Task } from '../../src/domain/model.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { actionJournal, failureOccurrences } from '../../src/recorder/fold.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import type { ScopedInstance } from '../../src/store/store.ts';
import { START } from '../poll/harness.ts';
import { type ActionHarness, planOf, startActionHarness, storeTasks } from './helpers.ts';

let harness: ActionHarness | undefined;
let directory: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

function feedGroups(harness: ActionHarness): FailureGroup[] {
  return [...harness.h.store.getState().failureGroups.values()].filter((g) => g.signature.cause === 'action');
}

/** An instance ECS does not know: same cluster, an id nobody registered. */
function ghostInstance(real: ScopedInstance): ScopedInstance {
  return {
    ...real,
    containerInstanceArn: real.containerInstanceArn.replace(/\/[^/]+$/, '/00000000000000000000000000000000'),
    ec2InstanceId: 'i-0000000000000ghost',
  };
}

describe('partial failures: per target and in the Failures feed', () => {
  it('RunTask RESOURCE:MEMORY (a too-large memory override) is shown and joins the feed', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const nightly = storeTasks(
      h,
      prod,
      (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING',
    )[0] as Task;
    const offer = await drive(runner.prepareRerun(nightly, { overrides: { memory: '100000' }, count: 2 }));
    if (offer.kind !== 'standalone') throw new Error('expected a standalone offer');
    const plan = planOf(offer.run);
    expect(plan.parameters).toMatchObject({ count: 2, overrides: { memory: '100000' } });
    const seq = harness.lastSeq();
    const result = await drive(runner.execute(plan));
    expect(harness.mutatingCalls(seq)).toEqual({ RunTask: 1 });
    expect(result.status).toBe('failed');
    expect(result.newTaskArns).toEqual([]);
    expect(result.targets).toHaveLength(2);
    for (const target of result.targets) {
      expect(target.ok).toBe(false);
      expect(target.failure?.reason).toBe('RESOURCE:MEMORY');
      expect(target.message).toMatch(/^Not started on .+: RESOURCE:MEMORY/);
    }
    expect(result.message).toMatch(/^RunTask started nothing: Not started on .+: RESOURCE:MEMORY/);
    const groups = feedGroups(harness);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.signature.group).toBe('family:nightly-report');
    expect(groups[0]?.signature.reason).toBe('RunTask: RESOURCE:MEMORY');
    expect(groups[0]?.count).toBe(2);
    expect(harness.journal.failures.map((f) => f.failure.reason)).toEqual(['RESOURCE:MEMORY', 'RESOURCE:MEMORY']);
  });

  it('one instance MISSING in UpdateContainerInstancesState: the other is drained, the missing one is reported', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const real = [...h.store.getState().instances.values()].find((i) => i.clusterArn === prod) as ScopedInstance;
    const ghost = ghostInstance(real);
    const result = await drive(runner.execute(planOf(runner.planDrain([real, ghost]))));
    expect(result.status).toBe('partial');
    expect(result.targets).toEqual([
      expect.objectContaining({
        arn: real.containerInstanceArn,
        ok: true,
        message: `${real.ec2InstanceId} is now DRAINING.`,
      }),
      expect.objectContaining({
        arn: ghost.containerInstanceArn,
        ok: false,
        message: 'i-0000000000000ghost: MISSING',
        failure: expect.objectContaining({ reason: 'MISSING' }),
      }),
    ]);
    expect(result.message).toBe('UpdateContainerInstancesState: 1 of 2 done; failed: i-0000000000000ghost: MISSING');
    expect(h.store.getState().instances.get(real.containerInstanceArn)?.status).toBe('DRAINING');
    const groups = feedGroups(harness);
    expect(groups.map((g) => g.signature.reason)).toEqual(['UpdateContainerInstancesState: MISSING']);
    expect(groups[0]?.instances).toEqual([ghost.containerInstanceArn]);
  });

  it('AccessDenied on StopTask is shown on every target and joins the feed; the store is left as it was', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    h.sim.server.setFaults({ errors: [{ operation: 'StopTask', type: 'AccessDeniedException' }] });
    const tasks = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING').slice(0, 2);
    const seq = harness.lastSeq();
    const result = await drive(runner.execute(planOf(runner.planStop(tasks))));
    // Not retried: a denied write is final.
    expect(harness.mutatingCalls(seq)).toEqual({ StopTask: 2 });
    expect(result.status).toBe('failed');
    for (const target of result.targets) {
      expect(target.ok).toBe(false);
      expect(target.message).toMatch(/: Access denied to ecs:StopTask: your IAM policy does not allow it\.$/);
      expect(target.failure?.reason).toBe('AccessDeniedException');
    }
    for (const task of tasks) expect(h.store.getState().tasks.get(task.taskArn)?.desiredStatus).toBe('RUNNING');
    const groups = feedGroups(harness);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.signature.group).toBe('service:web');
    expect(groups[0]?.signature.reason).toMatch(/^StopTask: AccessDeniedException/);
    expect(groups[0]?.count).toBe(2);
    const after = harness.journal.lines.find((l) => l.phase === 'after');
    expect(after).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/Access denied to ecs:StopTask/) });
  });
});

describe('the journal in the flight recorder', () => {
  it('holds a before and an after line per action (target, parameters, result, user) and survives a restart', async () => {
    directory = mkdtempSync(join(tmpdir(), 'ecsdeck-actions-'));
    const recorderOptions = { directory, fileName: 'recorder-test.jsonl' };
    // The recorder's clock only bounds the age of records on load: the harness's virtual start time.
    const clock = new ManualClock(START);
    const recorder = new FlightRecorder({ ...recorderOptions, clock });
    harness = await startActionHarness({ journal: recorderJournal(recorder) });
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const task = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING')[0] as Task;
    const instance = [...h.store.getState().instances.values()].find((i) => i.clusterArn === prod) as ScopedInstance;
    const stop = planOf(runner.planStop([task]));
    const drain = planOf(runner.planDrain([instance, ghostInstance(instance)]));
    await drive(runner.execute(stop));
    await drive(runner.execute(drain));
    await recorder.close();

    // A new process: a fresh recorder on the same file.
    const reopened = new FlightRecorder({ ...recorderOptions, clock });
    const loaded = await reopened.load();
    expect(loaded.skipped).toBe(0);
    const entries = actionJournal(loaded.records);
    expect(entries.map((e) => [e.id, e.operation])).toEqual([
      [stop.id, 'StopTask'],
      [drain.id, 'UpdateContainerInstancesState'],
    ]);
    const [stopEntry, drainEntry] = entries;
    expect(stopEntry?.before).toMatchObject({
      phase: 'before',
      targets: [task.taskArn],
      clusterArn: prod,
      user: 'alice',
      parameters: { reason: 'Stopped by alice from ecsdeck', task: [task.taskArn] },
    });
    expect(stopEntry?.after).toMatchObject({
      phase: 'after',
      user: 'alice',
      outcome: 'ok',
      result: { targets: [{ arn: task.taskArn, ok: true }] },
    });
    expect(drainEntry?.before?.parameters).toMatchObject({ status: 'DRAINING', calls: 1 });
    expect(drainEntry?.after).toMatchObject({
      outcome: 'partial',
      failures: [expect.objectContaining({ reason: 'MISSING' })],
    });
    expect((stopEntry?.before?.at ?? 0) <= (stopEntry?.after?.at ?? 0)).toBe(true);
    // The action's failure comes back into the feed after the restart, with the same id as live.
    const occurrences = failureOccurrences(loaded.records);
    expect(occurrences.map((o) => o.id)).toEqual([`${drain.id}#0`]);
    expect(occurrences[0]?.signature.reason).toBe('UpdateContainerInstancesState: MISSING');
    expect(h.store.getState().failureOccurrences.has(`${drain.id}#0`)).toBe(true);
    await reopened.close();
  });
});
