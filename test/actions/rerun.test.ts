import { afterEach, describe, expect, it } from 'vitest';
import { planRerun, taskSubnet } from '../../src/actions/plans.ts';
import { type ActionGateway, ActionRunner } from '../../src/actions/runner.ts';
import type { ActionEvent, ActionPlan } from '../../src/actions/types.ts';
import { isFailedStop } from '../../src/domain/failures.ts';
import type { Task } from '../../src/domain/model.ts';
import { type ActionHarness, planOf, startActionHarness, storeTasks } from './helpers.ts';

let harness: ActionHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const SECURITY_GROUP = 'sg-0d4c6e8a0b2f50004';

function simTask(harness: ActionHarness, arn: string) {
  const task = harness.h.sim.model.state.tasks.get(arn);
  if (!task) throw new Error(`the simulator has no task ${arn}`);
  return task;
}

describe('rerun', () => {
  it('reruns a failed standalone Fargate task with the same revision, group, launch type and subnet', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const batch = await harness.focus('batch');
    const failed = storeTasks(
      h,
      batch,
      (t) => t.lastStatus === 'STOPPED' && isFailedStop(t) && taskSubnet(t) !== undefined,
    );
    expect(failed.length).toBeGreaterThan(0);
    const source = failed[0] as Task;

    const describedBefore = harness.calls('DescribeTasks');
    const offer = await drive(runner.prepareRerun(source, { securityGroups: [SECURITY_GROUP] }));
    expect(harness.calls('DescribeTasks')).toBe(describedBefore + 1);
    expect(offer.kind).toBe('standalone');
    if (offer.kind !== 'standalone') return;
    expect(offer.start).toBeUndefined();
    const plan = planOf(offer.run);
    const subnet = taskSubnet(source);
    expect(plan.operation).toBe('RunTask');
    expect(plan.parameters).toMatchObject({
      cluster: batch,
      taskDefinition: source.taskDefinitionArn,
      launchType: 'FARGATE',
      group: source.group,
      startedBy: 'batch-scheduler',
      platformVersion: source.platformVersion,
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [SECURITY_GROUP] } },
    });
    expect(plan.confirmText).toContain(`RunTask ${source.taskDefinitionArn?.split('/').pop()} in cluster batch`);
    expect(plan.confirmText).toContain(`subnets ${subnet}`);
    expect(harness.mutatingCalls()).toEqual({});

    const events: ActionEvent[] = [];
    runner.subscribe((event) => events.push(event));
    const seq = harness.lastSeq();
    const result = await drive(runner.execute(plan));
    expect(result.status).toBe('ok');
    expect(harness.mutatingCalls(seq)).toEqual({ RunTask: 1 });
    expect(result.newTaskArns.length).toBe(1);
    const created = result.newTaskArns[0] as string;
    expect(created).not.toBe(source.taskArn);
    // In the store at once, for the UI to select and follow.
    expect(h.store.getState().tasks.get(created)?.taskDefinitionArn).toBe(source.taskDefinitionArn);
    const original = simTask(harness, source.taskArn);
    const again = simTask(harness, created);
    expect(again.taskDefinitionArn).toBe(original.taskDefinitionArn);
    expect(again.group).toBe(original.group);
    expect(again.launchType).toBe(original.launchType);
    expect(again.capacityProviderName).toBe(original.capacityProviderName);
    expect(again.overrides).toEqual(original.overrides);
    expect(again.startedBy).toBe(original.startedBy);
    expect(taskSubnet(h.store.getState().tasks.get(created) as Task)).toBe(subnet);
    expect(again.networkConfiguration?.awsvpcConfiguration?.securityGroups).toEqual([SECURITY_GROUP]);

    // Confirmed visible after the first backoff step.
    await h.runUntil(() => events.some((e) => e.type === 'task-visible'), { stepMs: 500 });
    expect(events.find((e) => e.type === 'task-visible')).toMatchObject({ taskArn: created, visible: true });
  });

  it('carries over overrides and tags (not aws: ones) and says when security groups are left empty', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const batch = await harness.focus('batch');
    const model = h.sim.model;
    const subnet = 'subnet-0b2e4d6f8a0c30002';
    const launched = model.runTask({
      cluster: 'batch',
      taskDefinition: 'etl-extract',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [SECURITY_GROUP] } },
      overrides: {
        containerOverrides: [
          { name: 'extract', command: ['extract', '--since', '1d'], environment: [{ key: 'MODE', value: 'full' }] },
        ],
        memory: '2048',
      },
      group: 'backfill',
      startedBy: 'ops/manual',
      tags: [
        { key: 'team', value: 'data' },
        { key: 'aws:cloudformation:stack-name', value: 'etl' },
      ],
    });
    const source = launched.tasks[0];
    if (!source) throw new Error('setup task did not start');
    const offer = await drive(runner.prepareRerun({ taskArn: source.arn, clusterArn: batch }));
    if (offer.kind !== 'standalone') throw new Error(`expected a standalone offer, got ${offer.kind}`);
    const plan = planOf(offer.run);
    expect(plan.parameters).toMatchObject({
      overrides: {
        containerOverrides: [
          { name: 'extract', command: ['extract', '--since', '1d'], environment: [{ name: 'MODE', value: 'full' }] },
        ],
        memory: '2048',
      },
      group: 'backfill',
      startedBy: 'ops/manual',
      tags: [{ key: 'team', value: 'data' }],
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups: [] } },
    });
    expect(plan.notes).toContain('1 aws: tag left out (reserved by AWS).');
    expect(plan.confirmText).toContain('no security groups (the task record does not carry them');
    expect(plan.confirmText).toContain('with the same overrides');
    const result = await drive(runner.execute(plan));
    expect(result.status).toBe('ok');
    const again = simTask(harness, result.newTaskArns[0] as string);
    expect(again.overrides).toEqual(source.overrides);
    expect(again.tags).toEqual([{ key: 'team', value: 'data' }]);
    expect(again.group).toBe('backfill');
  });

  it('reruns the standalone EC2 nightly report with RunTask, and offers StartTask on the same instance', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const nightly = storeTasks(h, prod, (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING')[0];
    if (!nightly) throw new Error('no nightly-report task');
    const offer = await drive(runner.prepareRerun(nightly));
    if (offer.kind !== 'standalone') throw new Error(`expected a standalone offer, got ${offer.kind}`);
    const run = planOf(offer.run);
    expect(run.parameters).toMatchObject({
      taskDefinition: nightly.taskDefinitionArn,
      launchType: 'EC2',
      group: 'family:nightly-report',
      startedBy: 'scheduler',
    });
    expect(run.parameters.platformVersion).toBeUndefined();
    expect(run.parameters.networkConfiguration).toBeUndefined();
    const start = planOf(offer.start ?? { error: 'no StartTask offer' });
    expect(start.operation).toBe('StartTask');
    expect(start.parameters).toMatchObject({
      containerInstances: [nightly.containerInstanceArn],
      taskDefinition: nightly.taskDefinitionArn,
      group: 'family:nightly-report',
    });
    expect(start.confirmText).toContain('on the same container instance');

    const seq = harness.lastSeq();
    const result = await drive(runner.execute(run));
    expect(result.status).toBe('ok');
    expect(harness.mutatingCalls(seq)).toEqual({ RunTask: 1 });
    const again = simTask(harness, result.newTaskArns[0] as string);
    const original = simTask(harness, nightly.taskArn);
    expect(again.taskDefinitionArn).toBe(original.taskDefinitionArn);
    expect(again.launchType).toBe('EC2');
    expect(again.group).toBe('family:nightly-report');
    expect(again.overrides).toEqual(original.overrides);
  });

  it('a service task is not rerun: the scheduler replaces it, and a forced deployment is offered', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    const prod = await harness.focus('prod');
    const web = storeTasks(h, prod, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING')[0] as Task;
    const offer = await drive(runner.prepareRerun(web));
    if (offer.kind !== 'service') throw new Error(`expected a service offer, got ${offer.kind}`);
    expect(offer.explanation).toMatch(/belongs to the service web: its scheduler replaces stopped tasks/);
    const redeploy = planOf(offer.redeploy);
    expect(redeploy.kind).toBe('redeploy');
    expect(redeploy.operation).toBe('UpdateService');
    expect(redeploy.parameters).toMatchObject({ forceNewDeployment: true });
    expect(harness.mutatingCalls()).toEqual({});

    // Found by its deployment id (startedBy) when the group does not name the service.
    const services = h.store.getState().services.values();
    const byStartedBy = planRerun({ ...web, group: 'custom' }, { services }, { user: 'alice' });
    if (byStartedBy.kind !== 'service') throw new Error(`expected a service offer, got ${byStartedBy.kind}`);
    expect(planOf(byStartedBy.redeploy).targets.map((t) => t.label)).toEqual(['web']);
    expect(harness.mutatingCalls()).toEqual({});
  });

  it('a task gone from ECS cannot be rerun', async () => {
    harness = await startActionHarness();
    const { runner, drive } = harness;
    const batch = await harness.focus('batch');
    const offer = await drive(
      runner.prepareRerun({
        taskArn: `${batch.replace(':cluster/', ':task/')}/0123456789abcdef0123456789abcdef`,
        clusterArn: batch,
      }),
    );
    expect(offer).toEqual({ kind: 'unavailable', error: expect.stringMatching(/is gone \(ECS answered MISSING\)/) });
  });

  it('a task MISSING right after RunTask is described again with backoff until it shows', async () => {
    let hidden = 2;
    const describeTimes: number[] = [];
    harness = await startActionHarness();
    const inner = harness.h.gateway;
    const sched = harness.h.scheduler;
    // ECS's eventual consistency: the new task is MISSING for the first two describes.
    const flaky: ActionGateway = {
      stopTask: (...args) => inner.stopTask(...args),
      runTask: (...args) => inner.runTask(...args),
      startTask: (...args) => inner.startTask(...args),
      updateContainerInstancesState: (...args) => inner.updateContainerInstancesState(...args),
      updateService: (...args) => inner.updateService(...args),
      describeTasks: async (cluster, tasks, options) => {
        const out = await inner.describeTasks(cluster, tasks, options);
        if (!options?.includeTags && hidden > 0 && tasks.length === 1) {
          describeTimes.push(sched.now());
          hidden--;
          return { items: [], failures: tasks.map((arn) => ({ arn, reason: 'MISSING' })), missing: [...tasks] };
        }
        if (!options?.includeTags && tasks.length === 1) describeTimes.push(sched.now());
        return out;
      },
    };
    const runner = new ActionRunner({
      gateway: flaky,
      store: harness.h.store,
      scheduler: sched,
      journal: harness.journal,
      user: 'alice',
      visibilityBackoff: { firstDelayMs: 2_000, maxDelayMs: 60_000, giveUpAfterMs: 300_000 },
    });
    const { h, drive } = harness;
    const prod = await harness.focus('prod');
    h.monitor.stop();
    const nightly = storeTasks(
      h,
      prod,
      (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING',
    )[0] as Task;
    const offer = await drive(runner.prepareRerun(nightly));
    if (offer.kind !== 'standalone') throw new Error('expected a standalone offer');
    const events: ActionEvent[] = [];
    runner.subscribe((event) => events.push(event));
    const started = sched.now();
    const result = await drive(runner.execute(planOf(offer.run) as ActionPlan));
    expect(result.status).toBe('ok');
    await h.runUntil(() => events.some((e) => e.type === 'task-visible'), { stepMs: 500 });
    runner.close();
    expect(events.find((e) => e.type === 'task-visible')).toMatchObject({
      visible: true,
      taskArn: result.newTaskArns[0],
    });
    // 2 s, then 4 s, then 8 s after the call: three describes, the first two MISSING.
    expect(describeTimes.map((t) => t - started)).toEqual([2_000, 6_000, 14_000]);
    expect(h.store.getState().tasks.has(result.newTaskArns[0] as string)).toBe(true);
  });
});
