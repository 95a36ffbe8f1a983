import { afterEach, describe, expect, it } from 'vitest';
import { drainStatus, followDrain, type InstanceDrainStatus } from '../../src/actions/drain.ts';
import type { ScopedInstance } from '../../src/store/store.ts';
import { type ActionHarness, errorOf, planOf, startActionHarness, storeTasks } from './helpers.ts';

let harness: ActionHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function instancesOf(harness: ActionHarness, clusterArn: string): ScopedInstance[] {
  return [...harness.h.store.getState().instances.values()].filter((i) => i.clusterArn === clusterArn);
}

describe('drain and activate', () => {
  it('drains two instances: DRAINING at once, service tasks move off, the standalone task is named and can be stopped', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const nightly = storeTasks(h, prod, (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING')[0];
    expect(nightly?.containerInstanceArn).toBeDefined();
    const instances = instancesOf(harness, prod);
    const held = instances.find((i) => i.containerInstanceArn === nightly?.containerInstanceArn) as ScopedInstance;
    const other = instances.find((i) => i !== held && i.status === 'ACTIVE' && i.agentConnected) as ScopedInstance;
    const chosen = [held, other];

    const plan = planOf(runner.planDrain(chosen));
    expect(plan.operation).toBe('UpdateContainerInstancesState');
    expect(plan.parameters).toMatchObject({ status: 'DRAINING', calls: 1 });
    expect(plan.confirmText).toContain('UpdateContainerInstancesState status=DRAINING on 2 instances in cluster prod');
    expect(plan.confirmText).toContain(held.ec2InstanceId);
    expect(plan.dangerous).toBe(true);

    const seq = harness.lastSeq();
    const arns = chosen.map((i) => i.containerInstanceArn);
    // The store the moment the result is ready, before any poll answered.
    let statusesAtOnce: (string | undefined)[] = [];
    const unsubscribe = runner.subscribe((event) => {
      if (event.type === 'finished') statusesAtOnce = arns.map((arn) => h.store.getState().instances.get(arn)?.status);
    });
    const result = await drive(runner.execute(plan));
    unsubscribe();
    expect(result.status).toBe('ok');
    expect(result.targets.map((t) => [t.arn, t.ok])).toEqual(chosen.map((i) => [i.containerInstanceArn, true]));
    expect(harness.mutatingCalls(seq)).toEqual({ UpdateContainerInstancesState: 1 });
    expect(statusesAtOnce).toEqual(['DRAINING', 'DRAINING']);

    const reports: InstanceDrainStatus[][] = [];
    const stopFollowing = followDrain(h.store, arns, (statuses) => reports.push(statuses));
    const first = reports[0] ?? [];
    expect(first.reduce((sum, s) => sum + s.progress.serviceTasks, 0)).toBeGreaterThan(0);
    await h.runUntil(() => drainStatus(h.store.getState(), arns).every((s) => s.progress.serviceTasks === 0), {
      stepMs: 1000,
      deadlineMs: 60_000,
    });
    stopFollowing();
    const statuses = drainStatus(h.store.getState(), arns);
    const heldStatus = statuses.find((s) => s.instanceArn === held.containerInstanceArn);
    expect(heldStatus?.progress.drained).toBe(false);
    expect(heldStatus?.progress.blocking.map((t) => t.taskArn)).toEqual([nightly?.taskArn]);
    expect(heldStatus?.message).toContain('no service tasks left');
    expect(heldStatus?.message).toContain('family:nightly-report');
    expect(statuses.find((s) => s.instanceArn === other.containerInstanceArn)?.progress.drained).toBe(true);
    expect(reports.length).toBeGreaterThan(1);

    // The one-key follow-up: stop what holds the drain.
    const stopBlocking = planOf(runner.planStopBlocking(arns));
    expect(stopBlocking.operation).toBe('StopTask');
    expect(stopBlocking.targets.map((t) => t.arn)).toEqual([nightly?.taskArn]);
    const stopSeq = harness.lastSeq();
    expect((await drive(runner.execute(stopBlocking))).status).toBe('ok');
    expect(harness.mutatingCalls(stopSeq)).toEqual({ StopTask: 1 });
    await h.runUntil(() => drainStatus(h.store.getState(), arns).every((s) => s.progress.drained), {
      stepMs: 1000,
      deadlineMs: 60_000,
    });
    expect(errorOf(runner.planStopBlocking(arns))).toMatch(/nothing to stop/);

    // Activate again.
    const draining = arns.map((arn) => h.store.getState().instances.get(arn) as ScopedInstance);
    const activate = planOf(runner.planActivate(draining));
    expect(activate.dangerous).toBe(false);
    expect(activate.confirmText).toContain('status=ACTIVE on 2 instances');
    const activateSeq = harness.lastSeq();
    const activated = await drive(runner.execute(activate));
    expect(activated.status).toBe('ok');
    expect(harness.mutatingCalls(activateSeq)).toEqual({ UpdateContainerInstancesState: 1 });
    for (const arn of arns) {
      expect(h.store.getState().instances.get(arn)?.status).toBe('ACTIVE');
      expect(h.sim.model.state.containerInstances.get(arn)?.status).toBe('ACTIVE');
    }
  });

  it('leaves out instances already in the target status or in a status ECS will not change', async () => {
    harness = await startActionHarness();
    const { runner } = harness;
    const staging = await harness.focus('staging');
    const instances = instancesOf(harness, staging);
    const draining = instances.find((i) => i.status === 'DRAINING') as ScopedInstance;
    const active = instances.find((i) => i.status === 'ACTIVE') as ScopedInstance;
    const registering: ScopedInstance = {
      ...active,
      containerInstanceArn: `${active.containerInstanceArn}0`,
      status: 'REGISTERING',
    };
    const plan = planOf(runner.planDrain([draining, active, registering]));
    expect(plan.targets.map((t) => t.arn)).toEqual([active.containerInstanceArn]);
    expect(plan.notes.slice(0, 2)).toEqual([
      expect.stringMatching(/already DRAINING: not called/),
      expect.stringMatching(/is REGISTERING: only ACTIVE instances can be set DRAINING/),
    ]);
    expect(errorOf(runner.planActivate([active]))).toMatch(/none of the 1 instance is DRAINING/);
  });

  it('splits more than ten instances into calls of at most ten', async () => {
    harness = await startActionHarness({ runner: {} });
    const { runner, drive } = harness;
    const prod = await harness.focus('prod');
    const real = instancesOf(harness, prod).filter((i) => i.status === 'ACTIVE');
    // Eleven more that ECS does not know: each comes back MISSING in its batch.
    const ghosts: ScopedInstance[] = Array.from({ length: 11 }, (_, i) => ({
      ...(real[0] as ScopedInstance),
      containerInstanceArn: `${(real[0] as ScopedInstance).containerInstanceArn.replace(/[0-9a-f]{4}$/, '')}${String(i).padStart(4, '0')}`,
      ec2InstanceId: `i-ghost${i}`,
    }));
    const plan = planOf(runner.planDrain([real[0] as ScopedInstance, ...ghosts]));
    expect(plan.parameters.calls).toBe(2);
    const seq = harness.lastSeq();
    const result = await drive(runner.execute(plan));
    expect(harness.mutatingCalls(seq)).toEqual({ UpdateContainerInstancesState: 2 });
    expect(result.status).toBe('partial');
    expect(result.targets.filter((t) => t.ok).length).toBe(1);
    expect(result.targets.filter((t) => t.failure?.reason === 'MISSING').length).toBe(11);
  });
});
