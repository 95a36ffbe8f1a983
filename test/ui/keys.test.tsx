import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from './appHarness.tsx';
import { makeTask, NOW, recordingActions, selectedLine, startSynthetic, taskArn } from './synthetic.tsx';

type App = ReturnType<typeof startSynthetic>;
let app: App | undefined;
afterEach(() => {
  app?.close();
  app = undefined;
});

const tasks = Array.from({ length: 40 }, (_, index) =>
  makeTask(`t${String(index).padStart(3, '0')}`, { createdAt: NOW - 100_000 - index * 1000 }),
);

async function onTasks(options: Parameters<typeof startSynthetic>[1] = {}): Promise<App> {
  const started = startSynthetic({ tasks }, options);
  app = started;
  await started.settle();
  await started.press('4');
  return started;
}

describe('keys', () => {
  it('counts every key of a chunk: "jjj" moves three rows, "kk" two back', async () => {
    const ui = await onTasks();
    expect(selectedLine(ui.frame())).toContain('t000');
    await ui.press('jjj');
    expect(selectedLine(ui.frame())).toContain('t003');
    await ui.press('kk');
    expect(selectedLine(ui.frame())).toContain('t001');
    await ui.press('G');
    expect(selectedLine(ui.frame())).toContain('t039');
    await ui.press('g');
    expect(selectedLine(ui.frame())).toContain('t000');
  });

  it('windows the list: only the rows that fit are drawn and the selection stays in view', async () => {
    const ui = await onTasks();
    const rowsShown = () =>
      ui
        .frame()
        .split('\n')
        .filter((line) => /t0\d\d/.test(line)).length;
    expect(rowsShown()).toBe(30 - 5 - 2);
    expect(ui.frame().split('\n').length).toBeLessThanOrEqual(30);
    await ui.press('j'.repeat(30));
    expect(selectedLine(ui.frame())).toContain('t030');
    expect(ui.frame()).not.toContain('t000');
    expect(rowsShown()).toBe(23);
  });

  it('filters by substring, negates with !, and esc clears', async () => {
    const ui = await onTasks();
    await ui.press('/t01');
    expect(ui.frame()).toContain('filter "t01"');
    const lines = ui
      .frame()
      .split('\n')
      .filter((line) => /t0\d\d/.test(line));
    expect(lines).toHaveLength(10);
    await ui.press('\r');
    await ui.press('/');
    await ui.press('\u007f\u007f\u007f!t0');
    expect(
      ui
        .frame()
        .split('\n')
        .filter((line) => /t0\d\d/.test(line)),
    ).toHaveLength(0);
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().modal === undefined);
    expect(ui.ui.getState().lists.tasks.filter).toBe('');
    expect(
      ui
        .frame()
        .split('\n')
        .filter((line) => /t0\d\d/.test(line)),
    ).toHaveLength(23);
  });

  it('marks rows with space and sorts by column', async () => {
    const ui = await onTasks();
    await ui.press(' j ');
    expect(ui.frame()).toContain('2 marked');
    expect(ui.ui.getState().lists.tasks.marks.has(taskArn('t001'))).toBe(true);
    ui.ui.setState({
      lists: {
        ...ui.ui.getState().lists,
        tasks: { ...ui.ui.getState().lists.tasks, sort: { column: 'id', descending: false } },
      },
    });
    await ui.press('O');
    expect(ui.ui.getState().lists.tasks.sort).toEqual({ column: 'id', descending: true });
    await ui.press('g');
    expect(selectedLine(ui.frame())).toContain('t039');
  });

  it('copies the selected ARN and names it in a flash', async () => {
    const ui = await onTasks();
    await ui.press('jy');
    expect(ui.copies).toEqual([taskArn('t001')]);
    expect(ui.frame()).toContain('Copied');
  });

  it('a dangerous key without an actions port says it is not available; read-only refuses', async () => {
    const ui = await onTasks();
    await ui.press('s');
    expect(ui.frame()).toContain('actions are not available');
    ui.close();
    const actions = recordingActions();
    const readOnly = await onTasks({ readOnly: true, actions: actions.port });
    await readOnly.press('s');
    expect(readOnly.frame()).toContain('Read-only mode (--read-only): Stop is disabled');
    expect(readOnly.frame()).toContain('READ-ONLY');
    expect(actions.executed).toEqual([]);
  });

  it("asks with the runner's plan before stopping the marked tasks, and executes it once on y", async () => {
    const actions = recordingActions();
    const ui = await onTasks({ actions: actions.port });
    await ui.press(' j ');
    await ui.press('s');
    expect(ui.frame()).toContain('StopTask on 2 tasks in cluster prod, reason "Stopped by alice from ecsdeck"');
    expect(ui.frame()).toContain('t000 (service:web), t001 (service:web)');
    expect(ui.frame()).toContain('2 service tasks: the service scheduler will start replacements.');
    expect(ui.frame()).toContain('reason: Stopped by alice from ecsdeck');
    expect(actions.executed).toEqual([]);
    await ui.press('yy');
    expect(actions.executed).toHaveLength(1);
    expect(actions.executed[0]?.targets.map((t) => t.arn)).toEqual([taskArn('t000'), taskArn('t001')]);
    await waitUntil(() => ui.frame().includes('StopTask done on 2 targets.'));
    await ui.press('s');
    await ui.press('n');
    expect(actions.executed).toHaveLength(1);
    expect(ui.frame()).toContain('Cancelled');
  });

  it('switches panes with digits and tab, and runs : commands', async () => {
    const ui = await onTasks();
    await ui.press('\t');
    expect(ui.ui.getState().pane).toBe('failures');
    await ui.press('1');
    expect(ui.frame()).toContain('CLUSTER');
    await ui.press(':tasks\r');
    expect(ui.ui.getState().pane).toBe('tasks');
    await ui.press(':nonsense\r');
    expect(ui.frame()).toContain('Unknown command :nonsense');
    await ui.press(':region eu-west-1\r');
    expect(ui.exits).toEqual([{ kind: 'switch', region: 'eu-west-1' }]);
    await ui.press('q');
    expect(ui.exits.at(-1)).toEqual({ kind: 'quit' });
  });

  it('help lists the bindings of the pane it was opened in, and closes again', async () => {
    const ui = await onTasks({ rows: 60 });
    await ui.press('?');
    const frame = ui.frame();
    expect(frame).toContain('Help: tasks + global');
    expect(frame).toContain('Stop the selected or marked tasks');
    expect(frame).toContain('j / ↓');
    expect(frame).not.toContain('Drain the selected');
    await ui.press('?');
    expect(ui.ui.getState().modal).toBeUndefined();
  });

  it('opens a task and goes back with esc; breadcrumbs say where we are', async () => {
    const ui = await onTasks();
    await ui.press('jj\r');
    expect(ui.frame()).toContain('task t002');
    expect(ui.frame()).toContain('Lifecycle');
    await ui.press('v');
    expect(ui.frame()).toContain('describe');
    expect(ui.frame()).toContain('"taskArn"');
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().stack.length === 1);
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().stack.length === 0);
    await ui.settle();
    expect(selectedLine(ui.frame())).toContain('t002');
  });

  it('w cycles the timeline window and the axis follows; ctrl-r refreshes now', async () => {
    const ui = await onTasks();
    const axis = () => ui.frame().split('\n')[4] ?? '';
    expect(ui.frame()).toContain('window 15m');
    expect(axis()).toMatch(/-10m\s+now$/);
    await ui.press('w');
    expect(ui.frame()).toContain('window 1h');
    expect(axis()).toMatch(/-1h\s+-30m\s+now$/);
    await ui.press('ww');
    expect(ui.frame()).toContain('window 15m');
    await ui.press('\u0012');
    expect(ui.monitorCalls).toContain('refresh');
    await ui.press('5w');
    expect(ui.frame()).toContain('window 6h');
  });

  it('moving through the clusters points the pollers at the one the selection rests on', async () => {
    const other = 'arn:aws:ecs:us-east-1:123456789012:cluster/staging';
    const started = startSynthetic({
      clusters: [
        { clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', clusterName: 'prod', status: 'ACTIVE' },
        { clusterArn: other, clusterName: 'staging', status: 'ACTIVE' },
      ],
    });
    app = started;
    await started.settle();
    expect(started.monitorCalls).toEqual(['focus arn:aws:ecs:us-east-1:123456789012:cluster/prod']);
    await started.press('j');
    expect(started.monitorCalls).toHaveLength(1);
    await started.scheduler.advance(300);
    expect(started.monitorCalls.at(-1)).toBe(`focus ${other}`);
    expect(started.frame()).toContain('cluster staging');
  });

  it('scrolls a detail view to its end and no further, and pages through a list', async () => {
    const ui = await onTasks();
    await ui.press('\r');
    expect(ui.frame()).not.toContain('Observed by ecsdeck');
    await ui.press('G');
    const bottom = ui.frame();
    expect(bottom).toContain('Observed by ecsdeck');
    await ui.press('jjj');
    expect(ui.frame()).toBe(bottom);
    await ui.press('k');
    expect(ui.frame()).not.toBe(bottom);
    await ui.press('g');
    expect(ui.frame()).toMatch(/^task\s+t000/m);
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().stack.length === 0);
    await ui.press('\u001b[6~');
    await waitUntil(() => selectedLine(ui.frame())?.includes('t022') === true);
  });

  it('drain and activate ask with the exact call; rerun offers RunTask and StartTask on the same instance', async () => {
    const instanceArn = 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/abc';
    const standalone = makeTask('job', {
      group: 'family:nightly',
      startedBy: 'scheduler',
      launchType: 'EC2',
      containerInstanceArn: instanceArn,
      createdAt: NOW - 50_000,
    });
    const all = [standalone, ...tasks];
    const actions = recordingActions({ tasks: all });
    const started = startSynthetic(
      { tasks: all, instances: [{ containerInstanceArn: instanceArn, ec2InstanceId: 'i-0123', status: 'ACTIVE' }] },
      { actions: actions.port, rows: 40 },
    );
    app = started;
    await started.settle();
    await started.press('2');
    await started.press('d');
    expect(started.frame()).toContain('UpdateContainerInstancesState status=DRAINING on 1 instance in cluster prod');
    expect(started.frame()).toContain('i-0123');
    expect(started.frame()).toContain('• Service tasks move to other instances within their deployment limits;');
    await started.press('y');
    expect(actions.executed.map((p) => p.parameters.status)).toEqual(['DRAINING']);
    // The store still says ACTIVE (this port does not touch it): activate is refused by the plan in one sentence.
    await started.press('a');
    expect(started.frame()).toContain('Activate: none of the 1 instance is DRAINING; nothing to call.');
    await started.press('4');
    await waitUntil(() => selectedLine(started.frame())?.includes('job') === true);
    await started.press('r');
    await waitUntil(() => started.frame().includes('RunTask web:3 in cluster prod on launch type EC2'));
    expect(started.frame()).toContain('t StartTask on the same instance instead');
    await started.press('t');
    expect(started.frame()).toContain('StartTask web:3 in cluster prod on the same container instance abc');
    await started.press('\r');
    expect(actions.executed.at(-1)?.operation).toBe('StartTask');
    expect(actions.executed.at(-1)?.parameters).toMatchObject({ containerInstances: [instanceArn] });
  });
});
