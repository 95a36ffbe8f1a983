import { afterEach, describe, expect, it } from 'vitest';
import type { ActionEvent } from '../../src/actions/types.ts';
import { createUiActions } from '../../src/actions/uiPort.ts';
import { type ActionHarness, planOf, startActionHarness, storeTasks } from './helpers.ts';

let harness: ActionHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('createUiActions', () => {
  it("hands the UI the runner's plans, execution and events, each usable on its own", async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    // Destructured, as a component would: each method stays bound to the runner.
    const { planStop, execute, subscribe, readOnly } = createUiActions(runner);
    expect(readOnly).toBe(false);
    const task = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING')[0];
    if (!task) throw new Error('no web task');
    const events: ActionEvent['type'][] = [];
    const unsubscribe = subscribe((event) => events.push(event.type));
    const plan = planOf(planStop([task]));
    expect(plan.confirmText).toContain('Stopped by alice from ecsdeck');
    const seq = harness.lastSeq();
    const result = await drive(execute(plan));
    // The same plan again (a doubled confirmation) answers with the first result and calls nothing.
    expect(await drive(execute(plan))).toBe(result);
    expect(result.status).toBe('ok');
    expect(harness.mutatingCalls(seq)).toEqual({ StopTask: 1 });
    expect(events).toEqual(['started', 'finished']);
    unsubscribe();
  });

  it('reports read-only and plans nothing then', async () => {
    harness = await startActionHarness({ readOnly: true });
    const port = createUiActions(harness.runner);
    expect(port.readOnly).toBe(true);
    expect(port.planForceDeployment({ serviceArn: 'arn:aws:ecs:us-east-1:1:service/prod/web' })).toEqual({
      error: 'Read-only mode (--read-only): actions are disabled, nothing was called.',
    });
    expect(await port.prepareRerun({ taskArn: 'arn:aws:ecs:us-east-1:1:task/prod/abc' })).toMatchObject({
      kind: 'unavailable',
    });
    expect(harness.mutatingCalls()).toEqual({});
  });
});
