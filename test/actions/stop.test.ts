import { afterEach, describe, expect, it } from 'vitest';
import { isServiceTask } from '../../src/domain/instances.ts';
import type { Task } from '../../src/domain/model.ts';
import { type ActionHarness, planOf, startActionHarness, storeTasks } from './helpers.ts';

let harness: ActionHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const running = (group: string) => (task: Task) =>
  task.group === group && task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING';

describe('stop', () => {
  it('stops one service task: STOPPING in the store at once, STOPPED after the stop timeout, then replaced', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const webBefore = storeTasks(h, prod, running('service:web'));
    expect(webBefore.length).toBe(4);
    const victim = webBefore[0] as Task;

    const plan = planOf(runner.planStop([victim]));
    expect(plan.operation).toBe('StopTask');
    expect(plan.targets.map((t) => t.arn)).toEqual([victim.taskArn]);
    expect(plan.parameters.reason).toBe('Stopped by alice from ecsdeck');
    expect(plan.confirmText).toContain('StopTask on 1 task in cluster prod');
    expect(plan.confirmText).toContain(victim.taskArn.split('/').pop());
    expect(plan.notes.join(' ')).toMatch(/scheduler will start replacements/);
    expect(harness.mutatingCalls()).toEqual({});

    const seq = harness.lastSeq();
    // What the store holds the moment the result is ready: before the refresh it asks for has answered.
    let held: Task | undefined;
    runner.subscribe((event) => {
      if (event.type === 'finished') held = h.store.getState().tasks.get(victim.taskArn);
    });
    const result = await drive(runner.execute(plan));
    expect(result.status).toBe('ok');
    expect(result.targets).toEqual([expect.objectContaining({ arn: victim.taskArn, ok: true })]);
    expect(held?.desiredStatus).toBe('STOPPED');
    expect(held?.lastStatus).not.toBe('STOPPED');
    expect(harness.mutatingCalls(seq)).toEqual({ StopTask: 1 });

    await h.runUntil(() => h.store.getState().tasks.get(victim.taskArn)?.lastStatus === 'STOPPED', { stepMs: 500 });
    const stopped = h.store.getState().tasks.get(victim.taskArn);
    expect(stopped?.stopCode).toBe('UserInitiated');
    expect(stopped?.stoppedReason).toBe('Stopped by alice from ecsdeck');
    // The scheduler replaces it.
    await h.runUntil(() => storeTasks(h, prod, running('service:web')).length === 4, { stepMs: 500 });
    const webAfter = storeTasks(h, prod, running('service:web')).map((t) => t.taskArn);
    expect(webAfter).not.toContain(victim.taskArn);
    expect(harness.mutatingCalls(seq)).toEqual({ StopTask: 1 });
  });

  it('stops a marked set with one call per task and skips a task that is already stopping', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const [a, b, c] = storeTasks(h, prod, running('service:api'));
    expect(c).toBeDefined();
    // c is already on its way out when the plan is made.
    const stopping: Task = { ...(c as Task), desiredStatus: 'STOPPED' };
    const plan = planOf(runner.planStop([a as Task, b as Task, stopping, a as Task]));
    expect(plan.targets.map((t) => t.arn)).toEqual([a?.taskArn, b?.taskArn]);
    expect(plan.skipped).toEqual([expect.objectContaining({ arn: c?.taskArn })]);
    expect(plan.notes[0]).toMatch(/already stopping: not called/);
    expect(plan.confirmText).toContain('StopTask on 2 tasks');

    const seq = harness.lastSeq();
    const result = await drive(runner.execute(plan));
    expect(result.status).toBe('ok');
    expect(result.targets.filter((t) => t.ok).map((t) => t.arn)).toEqual([a?.taskArn, b?.taskArn]);
    expect(harness.mutatingCalls(seq)).toEqual({ StopTask: 2 });
    for (const task of [a, b]) expect(h.store.getState().tasks.get(task?.taskArn ?? '')?.desiredStatus).toBe('STOPPED');
    await h.runUntil(
      () => [a, b].every((task) => h.store.getState().tasks.get(task?.taskArn ?? '')?.lastStatus === 'STOPPED'),
      { stepMs: 500 },
    );
    expect(h.sim.model.state.tasks.get(c?.taskArn ?? '')?.desiredStatus).toBe('RUNNING');
  });

  it('refuses a plan when every task is already stopped or stopping', async () => {
    harness = await startActionHarness();
    const { h, runner } = harness;
    const prod = await harness.focus('prod');
    const task = storeTasks(h, prod, running('service:web'))[0] as Task;
    const outcome = runner.planStop([{ ...task, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }]);
    expect(outcome).toEqual({ error: expect.stringMatching(/already stopped or stopping; nothing to call/) });
    expect(runner.planStop([])).toEqual({ error: expect.stringMatching(/no task is selected/) });
  });

  it('a standalone task is stopped without a replacement note', async () => {
    harness = await startActionHarness();
    const { h, runner } = harness;
    const prod = await harness.focus('prod');
    const nightly = storeTasks(h, prod, (t) => t.group === 'family:nightly-report' && t.desiredStatus === 'RUNNING');
    expect(nightly.length).toBe(1);
    expect(isServiceTask(nightly[0] as Task)).toBe(false);
    const plan = planOf(runner.planStop(nightly));
    expect(plan.notes).toEqual([]);
    expect(plan.failureGroup).toBe('family:nightly-report');
  });
});
