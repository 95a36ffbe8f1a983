/**
 * The log view on screen: keys, windowing, follow, search, save, copy, pretty-printing, the buffer's bound and
 * hostile lines, over a store filled by hand with lines driven straight into the view's buffer (no CloudWatch:
 * the reading itself is tested against the simulator in logFollow.test.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { taskFailureOccurrence } from '../../src/domain/failures.ts';
import type { TaskDefinition } from '../../src/domain/model.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import type { LogLineInput } from '../../src/logs/buffer.ts';
import { formatMessage } from '../../src/logs/lineFormat.ts';
import { addFailures, addTaskDefinition, createEcsStore, upsertTasks } from '../../src/store/store.ts';
import { App, CHROME_LINES } from '../../src/ui/app/App.tsx';
import { type AppExit, Controller } from '../../src/ui/app/controller.ts';
import { createUiStore, topView } from '../../src/ui/app/uiStore.ts';
import type { LogSession } from '../../src/ui/logs/session.ts';
import { createPaneTables } from '../../src/ui/panes/registry.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { plain } from './appHarness.tsx';
import { CLUSTER, fillStore, makeTask, NOW } from './synthetic.tsx';

const DEFINITION: TaskDefinition = {
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
  containerDefinitions: [
    {
      name: 'app',
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'ecs' },
      },
    },
    { name: 'router', logConfiguration: { logDriver: 'awsfirelens', options: {} } },
    {
      name: 'sidecar',
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'ecs' },
      },
    },
  ],
};

const ROWS = 20;
const BODY = ROWS - CHROME_LINES;
let close: (() => void) | undefined;
const dirs: string[] = [];
afterEach(() => {
  close?.();
  close = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(options: { capacity?: number } = {}) {
  const store = createEcsStore();
  fillStore(store, {
    services: [
      { serviceArn: `${CLUSTER.replace(':cluster/', ':service/')}/web`, serviceName: 'web', clusterArn: CLUSTER },
    ],
    tasks: [makeTask('aaaa1111bbbb2222')],
  });
  addTaskDefinition(store, DEFINITION);
  const scheduler = new VirtualScheduler(NOW);
  const ui = createUiStore({ now: NOW, cluster: CLUSTER, pane: 'tasks' });
  const theme = createTheme({ colour: false });
  const tables = createPaneTables(theme);
  const saveDirectory = mkdtempSync(join(tmpdir(), 'ecsdeck-logview-'));
  dirs.push(saveDirectory);
  const copies: string[] = [];
  const exits: AppExit[] = [];
  const controller = new Controller({
    ecs: store,
    ui,
    tables,
    monitor: { focusCluster: () => {}, refreshNow: () => {} },
    scheduler,
    readOnly: false,
    copy: (text) => {
      copies.push(text);
      return { copied: true, message: `Copied ${text}` };
    },
    exit: (result) => exits.push(result),
    bodyHeight: () => BODY,
    bodyWidth: () => 100,
    logSaveDirectory: saveDirectory,
    ...(options.capacity ? { logCapacity: options.capacity } : {}),
  });
  const rendered = render(
    <App
      services={{ ecs: store, ui, tables, target: { endpointKind: 'aws', region: 'us-east-1' }, readOnly: false }}
      controller={controller}
      theme={theme}
      scheduler={scheduler}
      size={{ columns: 100, rows: ROWS }}
    />,
  );
  close = () => rendered.unmount();
  const settle = async () => {
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const app = {
    store,
    ui,
    scheduler,
    controller,
    copies,
    exits,
    saveDirectory,
    frame: () => plain(rendered.lastFrame() ?? ''),
    raw: () => rendered.frames.join(''),
    press: async (keys: string) => {
      rendered.stdin.write(keys);
      await settle();
    },
    /** One frame's worth of virtual time: the view hears of new lines at most every 100 ms (250 paused). */
    frameTick: async () => {
      await scheduler.advance(300);
      await settle();
    },
    session(): LogSession {
      const view = topView(ui.getState());
      const session = view?.kind === 'logs' ? controller.logViews.session(view.session) : undefined;
      if (!session) throw new Error('no log view in front');
      return session;
    },
    async lines(messages: readonly string[], source = 0, from = NOW - 60_000) {
      app.session().appendLines(messages.map((message, index) => lineOf(message, from + index * 1000, source)));
      await app.frameTick();
    },
  };
  return app;
}

function lineOf(message: string, timestamp: number, source = 0): LogLineInput {
  const formatted = formatMessage(message);
  return {
    timestamp,
    source,
    text: formatted.text,
    json: formatted.json,
    ...(formatted.level ? { level: formatted.level } : {}),
    ...(formatted.full ? { full: formatted.full } : {}),
  };
}

async function opened(options: { capacity?: number } = {}) {
  const app = start(options);
  await app.press('l');
  await app.frameTick();
  return app;
}

/** The frame's line holding the log view's cursor mark. */
const cursorLine = (frame: string) => frame.split('\n').find((line) => line.startsWith('›'));

describe('the log view', () => {
  it('opens with l on the selected task: its containers as tabs, and says why nothing can be read without CloudWatch Logs', async () => {
    const app = await opened();
    const frame = app.frame();
    expect(frame).toContain('Logs');
    expect(frame).toContain('task aaaa1111');
    expect(frame).toMatch(/app +router +sidecar +all/);
    expect(frame).toContain('CloudWatch Logs is not available in this session');
    expect(frame).toContain('logs aaaa1111');
  });

  it('takes a since key typed with l, before the containers are known, for the reading that follows', async () => {
    const app = start();
    await app.press('l1');
    await app.frameTick();
    expect(app.frame()).toContain('last 1m');
    expect(app.frame()).toContain('CloudWatch Logs is not available in this session');
  });

  it('says where a FireLens container’s logs go instead of an empty screen', async () => {
    const app = await opened();
    await app.press('\t');
    await app.frameTick();
    expect(app.frame()).toContain('router: its logs are not in CloudWatch Logs: FireLens routes them');
  });

  it('shows lines as they arrive and follows the newest; moving up pauses, G resumes', async () => {
    const app = await opened();
    await app.lines(Array.from({ length: 40 }, (_, i) => `request ${i} ok`));
    expect(app.frame()).toContain('following');
    expect(cursorLine(app.frame())).toContain('request 39 ok');
    expect(app.frame()).not.toContain('request 5 ok');
    await app.press('kk');
    expect(app.frame()).toContain('paused (G follows)');
    expect(cursorLine(app.frame())).toContain('request 37 ok');
    await app.lines(['request 40 ok']);
    // Paused: the cursor and the window stay where they were.
    expect(cursorLine(app.frame())).toContain('request 37 ok');
    expect(app.frame()).not.toContain('request 40 ok');
    await app.press('G');
    expect(cursorLine(app.frame())).toContain('request 40 ok');
    expect(app.frame()).toContain('following');
    await app.press('f');
    expect(app.frame()).toContain('paused');
    await app.press('f');
    expect(app.frame()).toContain('following');
  });

  it('colours nothing a log line says: escape payloads never reach the terminal', async () => {
    const app = await opened();
    await app.lines([
      'ERROR boom \u001b]52;c;ZXZpbA==\u0007 clipboard',
      'title \u001b]0;pwned\u0007 set',
      'clear \u001b[2J\u001b[H screen',
      'bidi \u202egnp.exe\u202c name',
      'bell \u0007 and c1 \u009b31m red',
    ]);
    const frame = app.frame();
    expect(frame).toContain('ERROR boom  clipboard');
    expect(frame).toContain('bidi gnp.exe name');
    const raw = app.raw();
    expect(raw).not.toContain(']52;');
    expect(raw).not.toContain(']0;pwned');
    expect(raw).not.toContain('\u001b[2J');
    expect(raw).not.toContain('\u202e');
    expect(raw).not.toContain('\u0007');
    expect(raw).not.toContain('\u009b');
  });

  it('searches the loaded lines with /, counts and highlights matches, and n/N move between them', async () => {
    const app = await opened();
    await app.lines(['GET /a 200', 'Timeout talking to db', 'GET /b 200', 'db TIMEOUT again', 'GET /c 200']);
    await app.press('/');
    await app.press('timeout');
    await app.press('\r');
    await app.frameTick();
    expect(app.frame()).toContain('/timeout 2 matches');
    expect(cursorLine(app.frame())).toContain('Timeout talking to db');
    await app.press('n');
    expect(cursorLine(app.frame())).toContain('db TIMEOUT again');
    await app.press('N');
    expect(cursorLine(app.frame())).toContain('Timeout talking to db');
    const highlighted = app.session().window(100, BODY);
    const spans = highlighted.rows.flat().filter((span) => span.tone === 'match');
    expect(spans.map((span) => span.text)).toEqual(['Timeout', 'TIMEOUT']);
  });

  it('s saves every loaded line to a file in the save directory and says where', async () => {
    const app = await opened();
    await app.lines(['first line', 'second \u001b[31mline']);
    await app.press('s');
    const files = readdirSync(app.saveDirectory);
    expect(files).toHaveLength(1);
    const path = join(app.saveDirectory, files[0] as string);
    expect(app.frame()).toContain('Saved 2 lines to');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('first line');
    expect(text).toContain('second line');
    expect(text).not.toContain('\u001b');
    expect(text.split('\n')[0]).toMatch(/^2026-11-24T11:59:00\.000Z first line$/);
  });

  it('y copies the selected line; enter pretty-prints a JSON line; esc closes it, then the view', async () => {
    const app = await opened();
    await app.lines(['plain', '{"level":"error","msg":"charge failed","order":42}']);
    await app.press('y');
    expect(app.copies).toEqual(['{"level":"error","msg":"charge failed","order":42}']);
    await app.press('\r');
    const pretty = app.frame();
    expect(pretty).toContain('"msg": "charge failed",');
    expect(pretty).toContain('"order": 42');
    await app.press('\u001b');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await app.frameTick();
    expect(app.frame()).not.toContain('"order": 42');
    expect(app.frame()).toContain('Logs');
    await app.press('q');
    expect(topView(app.ui.getState())).toBeUndefined();
  });

  it('shows a cut line whole with enter, and wraps long lines with w', async () => {
    const app = await opened();
    const long = `start ${'x'.repeat(3_000)} end`;
    await app.lines([long]);
    expect(app.frame()).not.toContain(' end');
    await app.press('\r');
    expect(app.frame()).toContain('start xxxx');
    await app.press('G');
    expect(app.frame()).toContain('x end');
    await app.press('\u001b');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await app.frameTick();
    await app.press('w');
    // Wrapped, the cut line fills the body, its rows one under another.
    const rows = app
      .frame()
      .split('\n')
      .filter((line) => /^ ?x{20,}/.test(line.replace(/^[›\s]\S*\s/, '')));
    expect(rows.length).toBeGreaterThan(5);
    expect(app.frame()).toContain('wrap');
  });

  it('t cycles the timestamps: UTC, local, off', async () => {
    const app = await opened();
    await app.lines(['hello']);
    expect(cursorLine(app.frame())).toContain('11:59:00.000Z hello');
    await app.press('t');
    expect(app.frame()).toContain('local time');
    await app.press('t');
    expect(cursorLine(app.frame())).toMatch(/^› hello/);
  });

  it('keeps a bounded buffer and says how many older lines it dropped', async () => {
    const app = await opened({ capacity: 100 });
    await app.lines(Array.from({ length: 250 }, (_, i) => `line ${i}`));
    expect(app.frame()).toContain('100 lines · 150 dropped');
    await app.press('g');
    expect(app.frame()).toContain('150 older lines dropped');
    expect(cursorLine(app.frame())).toContain('line 150');
  });

  it('tells the screen of new lines at most every 100 ms, however many batches arrive', async () => {
    const app = await opened();
    const session = app.session();
    const before = session.state.getState().version;
    for (let batch = 0; batch < 50; batch++) session.appendLines([lineOf(`batch ${batch}`, NOW, 0)]);
    await app.scheduler.advance(99);
    expect(session.state.getState().version).toBe(before);
    await app.scheduler.advance(1);
    expect(session.state.getState().version).toBe(before + 1);
    expect(session.buffer.size).toBe(50);
  });

  it('l in a task’s detail opens that task’s logs', async () => {
    const app = start();
    await app.press('\r');
    expect(topView(app.ui.getState())?.kind).toBe('task');
    await app.press('l');
    await app.frameTick();
    expect(app.frame()).toContain('Logs  task aaaa1111');
  });

  it('l in a failure group’s task list opens the selected task’s logs', async () => {
    const app = start();
    const stopped = makeTask('dead0000beef1111', {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      stoppedAt: NOW - 60_000,
      containers: [{ name: 'app', exitCode: 137 }],
    });
    upsertTasks(app.store, [stopped], NOW);
    addFailures(
      app.store,
      [taskFailureOccurrence(stopped, { observedAt: NOW })].flatMap((one) => (one ? [one] : [])),
    );
    await app.press('5');
    await app.press('\r');
    expect(topView(app.ui.getState())?.kind).toBe('failureGroup');
    await app.press('l');
    await app.frameTick();
    expect(app.frame()).toContain('Logs  task dead0000');
  });

  it('l on a service interleaves its running tasks, prefixed with their short ids; d says when no deployment failed', async () => {
    const app = start();
    await app.press('3');
    await app.press('l');
    await app.frameTick();
    expect(app.frame()).toContain('service web · running tasks');
    await app.lines(['hello from the task'], 0);
    expect(app.frame()).toMatch(/aaaa1111\/app +hello from the task/);
    expect(app.frame()).toContain('aaaa1111/router: its logs are not in CloudWatch Logs');
    await app.press('d');
    await app.frameTick();
    expect(app.frame()).toContain('No failed deployment of this service is known');
  });

  it('a interleaves every container, each prefixed with its name', async () => {
    const app = await opened();
    await app.press('a');
    await app.frameTick();
    await app.lines(['from app'], 0);
    await app.lines(['from sidecar'], 2);
    expect(app.frame()).toMatch(/app +from app/);
    expect(app.frame()).toMatch(/sidecar +from sidecar/);
  });

  it('ctrl-c quits from the log view, its reading closed first', async () => {
    const app = await opened();
    const session = app.session();
    await app.press('\u0003');
    expect(app.exits).toEqual([{ kind: 'quit' }]);
    expect(session.closed).toBe(true);
  });

  it('q closes the view and its reading; help lists the log view’s keys, not the panes’', async () => {
    const app = await opened();
    const session = app.session();
    await app.press('?');
    expect(app.frame()).toContain('Follow on/off');
    expect(app.frame()).not.toContain('Stop the selected or marked tasks');
    await app.press('\u001b');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await app.press('q');
    expect(session.closed).toBe(true);
  });
});
