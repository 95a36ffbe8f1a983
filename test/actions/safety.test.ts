import { afterEach, describe, expect, it } from 'vitest';
import type { ActionJournal, ActionJournalEntry } from '../../src/actions/journal.ts';
import { READ_ONLY_MESSAGE } from '../../src/actions/runner.ts';
import type { ActionEvent, ActionPlan } from '../../src/actions/types.ts';
import { MAX_STOP_REASON_LENGTH, stopReason } from '../../src/actions/user.ts';
import type { Service, Task } from '../../src/domain/model.ts';
import type { ScopedInstance } from '../../src/store/store.ts';
import { type ActionHarness, planOf, startActionHarness, storeTasks } from './helpers.ts';

let harness: ActionHarness | undefined;
let other: ActionHarness | undefined;
afterEach(async () => {
  await harness?.close();
  await other?.close();
  harness = undefined;
  other = undefined;
});

/** One plan of every kind against the prod and batch clusters. */
async function everyPlan(harness: ActionHarness): Promise<ActionPlan[]> {
  const { h, runner, drive } = harness;
  const prod = await harness.focus('prod');
  const state = h.store.getState();
  const web = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING')[0] as Task;
  const nightly = storeTasks(h, prod, (t) => t.group === 'family:nightly-report')[0] as Task;
  const instance = [...state.instances.values()].find((i) => i.clusterArn === prod) as ScopedInstance;
  const service = [...state.services.values()].find((s) => s.serviceName === 'web') as Service;
  const rerun = await drive(runner.prepareRerun(nightly));
  if (rerun.kind !== 'standalone') throw new Error('expected a standalone rerun');
  return [
    planOf(runner.planStop([web])),
    planOf(runner.planDrain([instance])),
    planOf(runner.planActivate([{ ...instance, status: 'DRAINING' }])),
    planOf(rerun.run),
    planOf(rerun.start ?? { error: 'no start plan' }),
    planOf(runner.planScale(service, '5')),
    planOf(runner.planForceDeployment(service)),
  ];
}

describe('the stop reason', () => {
  it('names the user and ecsdeck, sanitised and at most 255 characters', () => {
    expect(stopReason('alice')).toBe('Stopped by alice from ecsdeck');
    expect(stopReason('bob\u001b[31m\u202e')).toBe('Stopped by bob from ecsdeck');
    const long = stopReason('x'.repeat(1000));
    expect(long.length).toBeLessThanOrEqual(MAX_STOP_REASON_LENGTH);
    expect(long.endsWith(' from ecsdeck')).toBe(true);
    expect(stopReason('')).toBe('Stopped by unknown from ecsdeck');
  });
});

describe('confirmation, read-only and doubled input', () => {
  it('cancelling (never executing) a plan of any kind makes no call', async () => {
    harness = await startActionHarness();
    const plans = await everyPlan(harness);
    expect(plans.map((p) => p.operation)).toEqual([
      'StopTask',
      'UpdateContainerInstancesState',
      'UpdateContainerInstancesState',
      'RunTask',
      'StartTask',
      'UpdateService',
      'UpdateService',
    ]);
    for (const plan of plans) expect(plan.confirmText).toMatch(new RegExp(`^${plan.operation} `));
    // Half a minute of polling later, still nothing mutating.
    const { h } = harness;
    const until = h.scheduler.now() + 30_000;
    await h.runUntil(() => h.scheduler.now() >= until, { stepMs: 500 });
    expect(harness.mutatingCalls()).toEqual({});
    expect(harness.journal.lines).toEqual([]);
  });

  it('read-only: every plan is refused with one sentence, and nothing mutating reaches the simulator', async () => {
    harness = await startActionHarness();
    // Plans made by a normal runner, executed by a read-only one on the same simulator.
    const plans = await everyPlan(harness);
    other = await startActionHarness({ readOnly: true });
    const readOnly = other.runner;
    expect(readOnly.readOnly).toBe(true);
    const events: ActionEvent[] = [];
    readOnly.subscribe((event) => events.push(event));
    const results = await Promise.all(plans.map((plan) => readOnly.execute(plan)));
    for (const result of results) {
      expect(result.status).toBe('refused');
      expect(result.message).toBe(READ_ONLY_MESSAGE);
      expect(result.targets).toEqual([]);
    }
    expect(events.map((e) => e.type)).toEqual(plans.map(() => 'refused'));
    // Planning through the read-only runner is refused too, before any call (the rerun does not even describe).
    const state = other.h.store.getState();
    expect(readOnly.planStop([])).toEqual({ error: READ_ONLY_MESSAGE });
    expect(readOnly.planDrain([])).toEqual({ error: READ_ONLY_MESSAGE });
    expect(readOnly.planActivate([])).toEqual({ error: READ_ONLY_MESSAGE });
    expect(readOnly.planScale({ serviceArn: 'x' }, 3)).toEqual({ error: READ_ONLY_MESSAGE });
    expect(readOnly.planForceDeployment({ serviceArn: 'x' })).toEqual({ error: READ_ONLY_MESSAGE });
    expect(readOnly.planStopBlocking([])).toEqual({ error: READ_ONLY_MESSAGE });
    expect(await readOnly.prepareRerun({ taskArn: 'x', clusterArn: 'y' })).toEqual({
      kind: 'unavailable',
      error: READ_ONLY_MESSAGE,
    });
    expect(state.tasks.size).toBe(0);
    expect(other.mutatingCalls()).toEqual({});
    expect(other.calls('DescribeTasks')).toBe(0);
    expect(harness.mutatingCalls()).toEqual({});
    expect(other.journal.lines).toEqual([]);
  });

  it('a doubled confirmation executes the plan once; a second plan of the same intent in flight is refused', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const tasks = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING').slice(0, 2);
    const plan = planOf(runner.planStop(tasks));
    const twin = planOf(runner.planStop([...tasks].reverse()));
    expect(twin.id).not.toBe(plan.id);

    const seq = harness.lastSeq();
    const first = runner.execute(plan);
    const doubled = runner.execute(plan);
    const sameIntent = runner.execute(twin);
    expect(runner.inFlight).toBe(1);
    const [a, b, c] = await drive(Promise.all([first, doubled, sameIntent]));
    expect(b).toBe(a);
    expect(a.status).toBe('ok');
    expect(c.status).toBe('refused');
    expect(c.message).toMatch(/already in progress: not called again/);
    // Pressed once more after it finished: still the first result, still no call.
    expect(await drive(runner.execute(plan))).toBe(a);
    // The twin, confirmed late: its tasks are stopping by now, so it calls nothing either.
    const late = await drive(runner.execute(twin));
    expect(late.status).toBe('refused');
    expect(late.message).toMatch(/already stopping: nothing was called/);
    expect(harness.mutatingCalls(seq)).toEqual({ StopTask: 2 });
    expect(h.sim.server.requestLog.list({ operation: 'StopTask', sinceSeq: seq }).length).toBe(2);
    expect(harness.journal.lines.map((l) => l.phase)).toEqual(['before', 'after']);
  });

  it('writes the before line before the call goes out, and calls nothing when it cannot be written', async () => {
    // The journal sees the simulator's request log, so it can tell whether the call went out before its line.
    let stopCalls = () => -1;
    const seen: { phase: string; stopCallsSoFar: number; entry: ActionJournalEntry }[] = [];
    const watching: ActionJournal = {
      before: (entry) => seen.push({ phase: 'before', stopCallsSoFar: stopCalls(), entry }),
      after: (entry) => seen.push({ phase: 'after', stopCallsSoFar: stopCalls(), entry }),
    };
    other = await startActionHarness({ journal: watching });
    const { h, runner, drive } = other;
    stopCalls = () => h.sim.server.requestLog.count({ operation: 'StopTask' });
    const prod = await other.focus('prod');
    const task = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING')[0] as Task;
    const result = await drive(runner.execute(planOf(runner.planStop([task]))));
    expect(result.status).toBe('ok');
    expect(seen.map((s) => [s.phase, s.stopCallsSoFar])).toEqual([
      ['before', 0],
      ['after', 1],
    ]);
    expect(seen[0]?.entry).toMatchObject({
      operation: 'StopTask',
      targets: [task.taskArn],
      user: 'alice',
      parameters: { reason: 'Stopped by alice from ecsdeck' },
    });
    expect(seen[1]?.entry).toMatchObject({ outcome: 'ok', result: { targets: [{ arn: task.taskArn, ok: true }] } });

    const broken: ActionJournal = {
      before: () => {
        throw new Error('disk full');
      },
      after: () => {},
    };
    await other.close();
    other = await startActionHarness({ journal: broken });
    const prod2 = await other.focus('prod');
    const task2 = storeTasks(other.h, prod2, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING')[0] as Task;
    const refused = await other.drive(other.runner.execute(planOf(other.runner.planStop([task2]))));
    expect(refused.status).toBe('failed');
    expect(refused.message).toBe('The action journal could not be written (disk full): nothing was called.');
    expect(other.mutatingCalls()).toEqual({});
    expect(other.h.store.getState().tasks.get(task2.taskArn)?.desiredStatus).toBe('RUNNING');
  });
});
