/**
 * Actions through the UI (issue 5): keys, the confirmation showing the runner's plan, results per target, against
 * the demo simulator through the real SDK on virtual time. The simulator's request log counts the calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recorderJournal } from '../../src/actions/journal.ts';
import { taskSubnet } from '../../src/actions/plans.ts';
import { shortName } from '../../src/domain/arn.ts';
import { isFailedStop } from '../../src/domain/failures.ts';
import type { Task } from '../../src/domain/model.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { actionJournal } from '../../src/recorder/fold.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import { type ScopedInstance, upsertInstances } from '../../src/store/store.ts';
import { MUTATING_OPERATIONS } from '../actions/helpers.ts';
import { START } from '../poll/harness.ts';
import { startUi, type UiHarness, waitUntil } from './appHarness.tsx';
import { selectedLine } from './synthetic.tsx';

let app: UiHarness | undefined;
let directory: string | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

type StartOptions = Parameters<typeof startUi>[0];

/** The UI with a real runner, opened on a cluster of the demo scenario. */
async function open(cluster: string, options: StartOptions = {}): Promise<UiHarness> {
  const started = await startUi({ withActions: true, rows: 40, ...options });
  app = started;
  await started.waitForFrame((f) => f.includes('staging') && f.includes('prod') && f.includes('batch'));
  await started.press(`:cluster ${cluster}\r`);
  const arn = clusterArn(started, cluster);
  await started.runUntil(
    () =>
      ['tasks', 'services', 'instances'].every(
        (feed) => started.data.store.getState().meta.get(`${feed}:${arn}`)?.lastSuccessAt !== undefined,
      ),
    { what: `the first tasks, services and instances of ${cluster}` },
  );
  return started;
}

function clusterArn(app: UiHarness, name: string): string {
  const cluster = [...app.data.sim.model.state.clusters.values()].find((c) => c.name === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster.arn;
}

/** Mutating calls the simulator answered since `sinceSeq`, by operation. */
function mutating(app: UiHarness, sinceSeq = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of app.data.sim.server.requestLog.list({ sinceSeq })) {
    if (MUTATING_OPERATIONS.has(entry.operation)) out[entry.operation] = (out[entry.operation] ?? 0) + 1;
  }
  return out;
}

const lastSeq = (app: UiHarness) => app.data.sim.server.requestLog.lastSeq;

function storeTasks(app: UiHarness, predicate: (task: Task) => boolean): Task[] {
  return [...app.data.store.getState().tasks.values()].filter(predicate);
}

/** The ARN of the selected row of the table in front. */
function selectedArn(app: UiHarness): string | undefined {
  const selection = app.controller.selected();
  return selection ? selection.table.arnOf(selection.item) : undefined;
}

/** Shows the Tasks pane filtered down to `filter` (a task id prefix, a group). */
async function tasksFiltered(app: UiHarness, filter: string): Promise<void> {
  await app.press('4');
  await app.press(`/${filter}\r`);
  await waitUntil(() => app.ui.getState().modal === undefined);
}

const id = (arn: string) => shortName(arn);

describe('stop', () => {
  it('stops one task and then a marked set: STOPPING at once, STOPPED after the stop timeout, replacements', async () => {
    const ui = await open('prod');
    await tasksFiltered(ui, 'web');
    const first = selectedArn(ui) as string;
    expect(ui.data.store.getState().tasks.get(first)?.group).toBe('service:web');
    await ui.press('s');
    expect(ui.frame()).toContain('StopTask on 1 task in cluster prod, reason "Stopped by alice from ecsdeck":');
    expect(ui.frame()).toContain(`${id(first)} (service:web)`);
    expect(ui.frame()).toContain('1 service task: the service scheduler will start replacements.');
    const seq = lastSeq(ui);
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('stop requested (was RUNNING)'));
    // At once: from the StopTask answer, before any poll.
    expect(selectedLine(ui.frame())).toContain('STOPPING (RUNNING)');
    expect(mutating(ui, seq)).toEqual({ StopTask: 1 });

    // Mark the next two and stop them together.
    await ui.press('j j ');
    const marked = [...ui.ui.getState().lists.tasks.marks];
    expect(marked).toHaveLength(2);
    expect(marked).not.toContain(first);
    await ui.press('s');
    expect(ui.frame()).toContain('StopTask on 2 tasks in cluster prod');
    const setSeq = lastSeq(ui);
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('StopTask done on 2 targets.'));
    expect(mutating(ui, setSeq)).toEqual({ StopTask: 2 });
    const lines = ui.frame().split('\n');
    for (const arn of marked) {
      expect(lines.find((line) => line.includes(id(arn).slice(0, 9)))).toContain('STOPPING (RUNNING)');
    }

    // The simulator stops them after the stop timeout; the service scheduler starts replacements.
    const stopped = [first, ...marked];
    const web = [...ui.data.sim.model.state.services.values()].find((s) => s.name === 'web');
    const frame = await ui.waitForFrame(
      (f) =>
        stopped.every((arn) =>
          f
            .split('\n')
            .find((line) => line.includes(id(arn).slice(0, 9)))
            ?.includes('STOPPED/STOPPED'),
        ) &&
        storeTasks(ui, (t) => t.group === 'service:web' && t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING')
          .length === web?.desiredCount,
      { deadlineMs: 40_000, what: 'the three stopped web tasks STOPPED/STOPPED and their replacements RUNNING' },
    );
    const replacements = storeTasks(ui, (t) => t.group === 'service:web' && t.startedAt !== undefined).filter(
      (t) => (t.createdAt ?? 0) >= START,
    );
    expect(replacements.length).toBeGreaterThanOrEqual(3);
    for (const task of replacements) expect(frame).toContain(id(task.taskArn).slice(0, 9));
    expect(mutating(ui, seq)).toEqual({ StopTask: 3 });
  }, 60_000);

  it('a doubled action key and a doubled confirmation make exactly one call per target', async () => {
    const ui = await open('prod');
    await tasksFiltered(ui, 'web');
    await ui.press(' j ');
    const seq = lastSeq(ui);
    // "ss": the second s lands in the dialog, where it means nothing; "yy": the dialog closes on the first.
    await ui.press('ss');
    expect(ui.frame()).toContain('StopTask on 2 tasks');
    await ui.press('yy');
    await ui.waitForFrame((f) => f.includes('StopTask done on 2 targets.'));
    // Late repeats after the answer: no dialog is open, so they are other keys (copy the ARN, open the row).
    await ui.press('y\r');
    const later = ui.data.scheduler.now() + 10_000;
    await ui.runUntil(() => ui.data.scheduler.now() >= later, { what: 'virtual time to pass' });
    expect(mutating(ui, seq)).toEqual({ StopTask: 2 });
    expect(ui.journal.lines.filter((line) => line.phase === 'before')).toHaveLength(1);
  }, 60_000);

  it('esc at the confirmation calls nothing', async () => {
    const ui = await open('prod');
    await tasksFiltered(ui, 'web');
    const seq = lastSeq(ui);
    await ui.press('s');
    expect(ui.frame()).toContain('StopTask on 1 task');
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().dialog === undefined);
    expect(ui.frame()).toContain('Cancelled: nothing was called.');
    await ui.waitForFrame(() => ui.data.scheduler.now() > START + 30_000);
    expect(mutating(ui, seq)).toEqual({});
    expect(ui.journal.lines).toEqual([]);
  }, 60_000);
});

describe('drain and activate', () => {
  it('drains two instances, follows the drain to the standalone task holding it, stops it with x, activates', async () => {
    // Wide enough for the whole drain line, one pane high (the three-pane layout starts at 32 rows): each of the
    // hundreds of frames the simulated minutes of the drain draw costs a third.
    const ui = await open('prod', { columns: 180, rows: 31 });
    const prod = clusterArn(ui, 'prod');
    // The demo's bad payments release crash-loops for minutes (maximumPercent 109 starts one task at a time), and a
    // drain waits for its rollback. Scaled to zero first, the drain moves the other services only: about 110 s of
    // simulated time instead of 350.
    let scaledDown = false;
    void ui.data.gateway.updateService(prod, 'payments', { desiredCount: 0 }).then(() => {
      scaledDown = true;
    });
    await ui.runUntil(() => scaledDown, { what: 'payments scaled to zero' });
    const nightly = storeTasks(ui, (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING')[0];
    const instances = [...ui.data.store.getState().instances.values()].filter((i) => i.clusterArn === prod);
    const held = instances.find((i) => i.containerInstanceArn === nightly?.containerInstanceArn) as ScopedInstance;
    const other = instances.find((i) => i !== held && i.status === 'ACTIVE') as ScopedInstance;
    const chosen = [held, other];
    await ui.press('2');
    for (const instance of chosen) {
      await ui.press(`/${instance.ec2InstanceId}\r `);
      await ui.press('\u001b');
      await waitUntil(() => ui.ui.getState().lists.instances.filter === '');
    }
    expect([...ui.ui.getState().lists.instances.marks].sort()).toEqual(
      chosen.map((i) => i.containerInstanceArn).sort(),
    );
    await ui.press('d');
    expect(ui.frame()).toContain(
      'UpdateContainerInstancesState status=DRAINING on 2 instances in cluster prod (1 call)',
    );
    for (const instance of chosen) expect(ui.frame()).toContain(instance.ec2InstanceId);
    const seq = lastSeq(ui);
    await ui.press('y');
    await ui.waitForFrame((f) => /Drain: \d+ service task\(s\) still moving; 0 of 2 drained/.test(f));
    expect(mutating(ui, seq)).toEqual({ UpdateContainerInstancesState: 1 });
    // The marked set has been acted on: its marks are gone.
    expect(ui.ui.getState().lists.instances.marks.size).toBe(0);
    const frame = await ui.waitForFrame((f) => f.includes('Drain: no service tasks left'), {
      deadlineMs: 40_000,
      what: 'the drain flash to say no service task is left',
    });
    const status = frame.split('\n').find((line) => line.startsWith('Drain:')) ?? '';
    expect(status).toBe(
      `Drain: no service tasks left; 1 of 2 drained; x stops the standalone task(s) holding it: ${held.ec2InstanceId}: ${id(nightly?.taskArn ?? '')} (family:nightly-report)`,
    );
    // The pane says it too, after the flash is gone.
    const heldLine = frame.split('\n').find((line) => line.includes(held.ec2InstanceId ?? held.containerInstanceArn));
    expect(heldLine).toContain('held by nightly-report');

    // The one-key follow-up, with nothing marked: the drain started here, as the flash said.
    await ui.press('x');
    expect(ui.frame()).toContain('These standalone tasks keep the drain from finishing:');
    expect(ui.frame()).toContain(`StopTask on 1 task in cluster prod`);
    expect(ui.frame()).toContain(`${id(nightly?.taskArn ?? '')} (family:nightly-report)`);
    const stopSeq = lastSeq(ui);
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('stop requested'));
    expect(mutating(ui, stopSeq)).toEqual({ StopTask: 1 });
    await ui.waitForFrame(
      () =>
        storeTasks(ui, (t) => chosen.some((i) => i.containerInstanceArn === t.containerInstanceArn)).every(
          (t) => t.lastStatus === 'STOPPED',
        ),
      { deadlineMs: 40_000, what: 'every task on the drained instances STOPPED' },
    );

    for (const instance of chosen) {
      await ui.press(`/${instance.ec2InstanceId}\r `);
      await ui.press('\u001b');
      await waitUntil(() => ui.ui.getState().lists.instances.filter === '');
    }
    await ui.press('a');
    expect(ui.frame()).toContain('UpdateContainerInstancesState status=ACTIVE on 2 instances in cluster prod');
    const activateSeq = lastSeq(ui);
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('UpdateContainerInstancesState done on 2 targets.'));
    expect(mutating(ui, activateSeq)).toEqual({ UpdateContainerInstancesState: 1 });
    for (const instance of chosen) {
      expect(ui.data.sim.model.state.containerInstances.get(instance.containerInstanceArn)?.status).toBe('ACTIVE');
    }
  }, 60_000);
});

describe('rerun', () => {
  it('reruns the failed standalone Fargate task of batch and selects the new task', async () => {
    const ui = await open('batch');
    const source = storeTasks(
      ui,
      (t) => t.lastStatus === 'STOPPED' && isFailedStop(t) && taskSubnet(t) !== undefined,
    )[0] as Task;
    expect(source).toBeDefined();
    await tasksFiltered(ui, id(source.taskArn).slice(0, 12));
    expect(selectedArn(ui)).toBe(source.taskArn);
    const seq = lastSeq(ui);
    await ui.press('rr');
    const dialog = await ui.waitForFrame((f) => f.includes('RunTask parameters:'));
    expect(dialog).toContain(
      `RunTask ${source.taskDefinitionArn?.split('/').pop()} in cluster batch on launch type FARGATE`,
    );
    expect(dialog).toContain(`awsvpc subnets ${taskSubnet(source)}`);
    expect(dialog).toContain(`group: ${source.group}`);
    expect(dialog).not.toContain('StartTask');
    // Reading the task again is the only call so far.
    expect(mutating(ui, seq)).toEqual({});
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('RunTask started'));
    expect(mutating(ui, seq)).toEqual({ RunTask: 1 });
    const created = ui.ui.getState().lastResult?.newTaskArns[0] as string;
    expect(created).toBeDefined();
    const again = ui.data.sim.model.state.tasks.get(created);
    expect(again?.taskDefinitionArn).toBe(source.taskDefinitionArn);
    expect(again?.group).toBe(source.group);
    expect(again?.launchType).toBe('FARGATE');
    // Selected and followed in the Tasks pane, the filter that would hide it cleared.
    expect(ui.ui.getState().pane).toBe('tasks');
    expect(ui.ui.getState().lists.tasks.filter).toBe('');
    expect(selectedArn(ui)).toBe(created);
    await ui.waitForFrame((f) => f.includes(`Task ${id(created)} is visible to ECS now.`));
    expect(selectedLine(ui.frame())).toContain(id(created).slice(0, 9));
  }, 60_000);

  it('reruns the standalone EC2 nightly report with StartTask on the same instance, chosen with t', async () => {
    const ui = await open('prod');
    const nightly = storeTasks(ui, (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING')[0] as Task;
    await tasksFiltered(ui, 'nightly');
    expect(selectedArn(ui)).toBe(nightly.taskArn);
    await ui.press('r');
    await ui.waitForFrame((f) => f.includes('RunTask parameters:'));
    expect(ui.frame()).toContain('on launch type EC2, group family:nightly-report');
    expect(ui.frame()).toContain('t StartTask on the same instance instead');
    await ui.press('t');
    expect(ui.frame()).toContain('StartTask nightly-report:1 in cluster prod on the same container instance');
    expect(ui.frame()).toContain(`"${nightly.containerInstanceArn?.slice(0, 60)}`);
    expect(ui.frame()).toContain('StartTask parameters:');
    const seq = lastSeq(ui);
    await ui.press('\r');
    await ui.waitForFrame((f) => f.includes('StartTask started'));
    expect(mutating(ui, seq)).toEqual({ StartTask: 1 });
    const created = ui.ui.getState().lastResult?.newTaskArns[0] as string;
    const again = ui.data.sim.model.state.tasks.get(created);
    expect(again?.containerInstanceArn).toBe(nightly.containerInstanceArn);
    expect(again?.group).toBe('family:nightly-report');
    expect(selectedArn(ui)).toBe(created);
  }, 60_000);

  it('on a service task explains the scheduler and offers a forced deployment', async () => {
    const ui = await open('prod');
    await tasksFiltered(ui, 'web');
    const seq = lastSeq(ui);
    await ui.press('r');
    await ui.waitForFrame((f) => f.includes('forceNewDeployment=true'));
    expect(ui.frame()).toContain('belongs to the service web: its scheduler replaces');
    expect(ui.frame()).toContain('Confirm to force a new deployment instead:');
    await ui.press('n');
    expect(mutating(ui, seq)).toEqual({});
    const deployments = () =>
      [...ui.data.sim.model.state.services.values()].find((s) => s.name === 'web')?.deployments.length ?? 0;
    const before = deployments();
    await ui.press('r');
    await ui.waitForFrame((f) => f.includes('forceNewDeployment=true'));
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('new deployment'));
    expect(mutating(ui, seq)).toEqual({ UpdateService: 1 });
    expect(deployments()).toBe(before + 1);
  }, 60_000);
});

describe('scale and redeploy', () => {
  it('S asks for the count (validated), :scale N plans it directly, R and :redeploy force a deployment', async () => {
    const ui = await open('prod');
    const web = () => [...ui.data.sim.model.state.services.values()].find((s) => s.name === 'web');
    const desired = web()?.desiredCount as number;
    await ui.press('3');
    await ui.press('/web\r');
    const seq = lastSeq(ui);
    await ui.press('S');
    expect(ui.frame()).toContain(`Scale web (desired now ${desired}) to:`);
    await ui.press('many\r');
    expect(ui.frame()).toContain('"many" is not a whole number: enter 0 to 10000.');
    await ui.press('\u007f\u007f\u007f\u007f');
    await ui.press(`${desired}\r`);
    expect(ui.frame()).toContain(`The desired count is already ${desired}: nothing to change.`);
    await ui.press('\u007f');
    await ui.press(`${desired + 2}\r`);
    expect(ui.frame()).toContain(`UpdateService web in cluster prod: desiredCount ${desired} -> ${desired + 2}`);
    expect(mutating(ui, seq)).toEqual({});
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes(`web: desiredCount is now ${desired + 2}.`));
    expect(mutating(ui, seq)).toEqual({ UpdateService: 1 });
    expect(web()?.desiredCount).toBe(desired + 2);

    await ui.press(`:scale ${desired}\r`);
    expect(ui.frame()).toContain(`desiredCount ${desired + 2} -> ${desired}`);
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes(`web: desiredCount is now ${desired}.`));
    expect(web()?.desiredCount).toBe(desired);

    const deployments = web()?.deployments.length ?? 0;
    await ui.press('R');
    expect(ui.frame()).toContain('UpdateService web in cluster prod: forceNewDeployment=true');
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('new deployment'));
    expect(web()?.deployments.length).toBe(deployments + 1);
    await ui.press(':redeploy\r');
    expect(ui.frame()).toContain('forceNewDeployment=true');
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().dialog === undefined);
    expect(mutating(ui, seq)).toEqual({ UpdateService: 3 });
  }, 60_000);
});

describe('read-only', () => {
  it('every action key and command says it is disabled, and the request log holds no mutating call', async () => {
    const ui = await open('prod', { readOnly: true });
    expect(ui.runner?.readOnly).toBe(true);
    const script: [pane: string, keys: string, action: string][] = [
      ['4', 's', 'Stop'],
      ['4', 'r', 'Rerun'],
      ['2', 'd', 'Drain'],
      ['2', 'a', 'Activate'],
      ['2', 'x', 'Stopping the tasks that hold a drain'],
      ['3', 'S', 'Scale'],
      ['3', 'R', 'Redeploy'],
      ['3', ':scale 9\r', 'Scale'],
      ['3', ':redeploy\r', 'Redeploy'],
    ];
    for (const [pane, keys, action] of script) {
      await ui.press(pane);
      await ui.press(' ');
      await ui.press(keys);
      expect(ui.frame()).toContain(`Read-only mode (--read-only): ${action} is disabled, nothing was called.`);
      expect(ui.ui.getState().dialog).toBeUndefined();
      // Confirm keys pressed blindly afterwards are other keys here (copy the ARN, open the row): still no call.
      await ui.press('y\r');
      while (ui.ui.getState().stack.length > 0) {
        const depth = ui.ui.getState().stack.length;
        await ui.press('\u001b');
        await waitUntil(() => ui.ui.getState().stack.length < depth);
      }
    }
    const later = ui.data.scheduler.now() + 30_000;
    await ui.runUntil(() => ui.data.scheduler.now() >= later, { what: 'virtual time to pass' });
    expect(ui.data.sim.server.requestLog.list({ sinceSeq: 0 }).length).toBeGreaterThan(10);
    expect(mutating(ui)).toEqual({});
    expect(ui.journal.lines).toEqual([]);
  }, 60_000);
});

/** The Failures pane's line for an action failure signature. */
async function failuresLine(ui: UiHarness, reason: string): Promise<string> {
  await ui.press('5');
  const frame = await ui.waitForFrame((f) => f.includes(reason));
  return frame.split('\n').find((line) => line.includes(reason)) ?? '';
}

describe('partial failures: per target, and in the Failures pane', () => {
  it('RunTask RESOURCE:MEMORY: the result view shows the failure and the Failures pane has it', async () => {
    const ui = await open('prod');
    const nightly = storeTasks(ui, (t) => t.group === 'family:nightly-report' && t.lastStatus === 'RUNNING')[0] as Task;
    // The task asked for more memory than any instance has: its rerun cannot be placed.
    const simTask = ui.data.sim.model.state.tasks.get(nightly.taskArn);
    if (!simTask) throw new Error('no nightly task in the simulator');
    simTask.overrides = { ...simTask.overrides, memory: '100000' };
    await tasksFiltered(ui, 'nightly');
    await ui.press('r');
    await ui.waitForFrame((f) => f.includes('RunTask parameters:'));
    expect(ui.frame()).toContain('overrides: {"memory":"100000"}');
    const seq = lastSeq(ui);
    await ui.press('y');
    const frame = await ui.waitForFrame((f) => f.includes('RunTask FAILED'));
    expect(mutating(ui, seq)).toEqual({ RunTask: 1 });
    expect(ui.ui.getState().stack.at(-1)?.kind).toBe('result');
    expect(frame).toContain('RunTask started nothing: Not started on');
    expect(frame).toMatch(/✗ failed\s+Not started on \S+: RESOURCE:MEMORY/);
    expect(frame).toMatch(/failure RESOURCE:MEMORY on \S+/);
    expect(await failuresLine(ui, 'RunTask: RESOURCE:MEMORY')).toContain('family:nightly');
  }, 60_000);

  it('one instance MISSING in UpdateContainerInstancesState: ok and failed side by side', async () => {
    const ui = await open('prod');
    const prod = clusterArn(ui, 'prod');
    const real = [...ui.data.store.getState().instances.values()].find(
      (i) => i.clusterArn === prod && i.status === 'ACTIVE',
    ) as ScopedInstance;
    // An instance ECS no longer knows (deregistered since the last poll).
    const ghost = {
      ...real,
      containerInstanceArn: real.containerInstanceArn.replace(/\/[^/]+$/, '/00000000000000000000000000000000'),
      ec2InstanceId: 'i-0000000000000ghost',
    };
    upsertInstances(ui.data.store, prod, [ghost]);
    await ui.press('2');
    for (const instance of [real, ghost]) {
      await ui.press(`/${instance.ec2InstanceId}\r `);
      await ui.press('\u001b');
      await waitUntil(() => ui.ui.getState().lists.instances.filter === '');
    }
    await ui.press('d');
    expect(ui.frame()).toContain('status=DRAINING on 2 instances');
    const seq = lastSeq(ui);
    await ui.press('y');
    const frame = await ui.waitForFrame((f) => f.includes('UpdateContainerInstancesState PARTIAL'));
    expect(mutating(ui, seq)).toEqual({ UpdateContainerInstancesState: 1 });
    expect(ui.ui.getState().lastResult?.message).toBe(
      'UpdateContainerInstancesState: 1 of 2 done; failed: i-0000000000000ghost: MISSING',
    );
    expect(frame).toContain('UpdateContainerInstancesState: 1 of 2 done; failed: i-0000000000000ghost:');
    expect(frame).toMatch(new RegExp(`✓ ok\\s+${real.ec2InstanceId} is now DRAINING\\.`));
    expect(frame).toMatch(/✗ failed\s+i-0000000000000ghost: MISSING\n\s+failure MISSING on 0{32}/);
    expect(await failuresLine(ui, 'UpdateContainerInstancesState: MISSING')).toBeTruthy();
  }, 60_000);

  it('AccessDenied on StopTask is shown on every target, joins the Failures pane, and ! shows it again', async () => {
    const ui = await open('prod');
    ui.data.sim.server.setFaults({ errors: [{ operation: 'StopTask', type: 'AccessDeniedException' }] });
    await tasksFiltered(ui, 'web');
    await ui.press(' j ');
    const marked = [...ui.ui.getState().lists.tasks.marks];
    await ui.press('s');
    const seq = lastSeq(ui);
    await ui.press('y');
    const frame = await ui.waitForFrame((f) => f.includes('StopTask FAILED'));
    expect(mutating(ui, seq)).toEqual({ StopTask: 2 });
    const failedLines = frame.split('\n').filter((line) => line.startsWith('✗ failed'));
    expect(failedLines.map((line) => line.match(/[0-9a-f]{32}/)?.[0]).sort()).toEqual(marked.map(id).sort());
    expect(frame.match(/failure AccessDeniedException on [0-9a-f]{32}/g)).toHaveLength(2);
    expect(frame).toContain('Access denied to ecs:StopTask');
    expect(await failuresLine(ui, 'StopTask: AccessDenied')).toContain('web');
    await ui.press('!');
    expect(ui.frame()).toContain('StopTask FAILED');
    expect(ui.frame()).toContain('result StopTask');
  }, 60_000);
});

describe('the journal', () => {
  it('holds a before and an after line per action in the flight recorder, and they survive a restart', async () => {
    directory = mkdtempSync(join(tmpdir(), 'ecsdeck-ui-actions-'));
    const recorderOptions = { directory, fileName: 'recorder-ui.jsonl', clock: new ManualClock(START) };
    const recorder = new FlightRecorder(recorderOptions);
    const ui = await open('prod', { journal: recorderJournal(recorder) });
    await tasksFiltered(ui, 'web');
    const target = selectedArn(ui) as string;
    await ui.press('s');
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('stop requested'));
    await recorder.close();

    const reopened = new FlightRecorder(recorderOptions);
    const loaded = await reopened.load();
    const entries = actionJournal(loaded.records);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.before).toMatchObject({
      phase: 'before',
      operation: 'StopTask',
      targets: [target],
      user: 'alice',
      parameters: { reason: 'Stopped by alice from ecsdeck', task: [target] },
    });
    expect(entries[0]?.after).toMatchObject({
      phase: 'after',
      outcome: 'ok',
      user: 'alice',
      result: { targets: [{ arn: target, ok: true }] },
    });
    await reopened.close();
  }, 60_000);
});
