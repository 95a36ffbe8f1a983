/**
 * The log view over the simulator's CloudWatch Logs through the real SDK, on virtual time: `l` on a running task
 * shows its lines and follows them through the live tail; a refused live tail is said in the header and polling
 * takes over; since reloads; search highlights; save writes the file; FireLens is said in words; the demo's hostile
 * lines never reach the terminal.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/model.ts';
import type { FaultConfig } from '../../src/sim/server.ts';
import { topView } from '../../src/ui/app/uiStore.ts';
import { startUi, type UiHarness } from './appHarness.tsx';

let app: UiHarness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function started(faults?: FaultConfig): Promise<UiHarness> {
  const saveDirectory = mkdtempSync(join(tmpdir(), 'ecsdeck-logsim-'));
  dirs.push(saveDirectory);
  app = await startUi({ withLogs: true, logSaveDirectory: saveDirectory, ...(faults ? { faults } : {}) });
  return app;
}

function tasksOf(ui: UiHarness, family: string): Task[] {
  return [...ui.data.store.getState().tasks.values()].filter(
    (task) => task.lastStatus === 'RUNNING' && task.taskDefinitionArn?.includes(`task-definition/${family}:`),
  );
}

/** Focuses the cluster and opens the log view of a running task of `family` (the `l` key itself: see the first test). */
async function openLogsOf(ui: UiHarness, cluster: string, family: string): Promise<Task> {
  ui.controller.focusCluster(cluster);
  await ui.runUntil(() => tasksOf(ui, family).length > 0, { what: `a running ${family} task` });
  const task = tasksOf(ui, family)[0] as Task;
  ui.controller.logViews.open({ kind: 'task', taskArn: task.taskArn });
  return task;
}

const session = (ui: UiHarness) => {
  const view = topView(ui.ui.getState());
  const found = view?.kind === 'logs' ? ui.controller.logViews.session(view.session) : undefined;
  if (!found) throw new Error('no log view in front');
  return found;
};

describe('the log view over the simulator', () => {
  it('l on a running task shows its lines and follows new ones live', async () => {
    const ui = await started();
    await ui.press('4');
    await ui.waitForFrame((frame) => /RUNNING/.test(frame), { what: 'a running task in the Tasks pane' });
    await ui.press('l');
    const live = await ui.waitForFrame((frame) => frame.includes('● live tail') && /lines/.test(frame), {
      what: 'the live tail',
    });
    expect(live).toContain('Logs');
    const loaded = session(ui).buffer.size;
    expect(loaded).toBeGreaterThan(0);
    await ui.runUntil(() => session(ui).buffer.size > loaded, { what: 'a line from the live tail', stepMs: 500 });
    const newest = session(ui).buffer.at(session(ui).buffer.nextSeq - 1);
    await ui.waitForFrame((frame) => frame.includes((newest?.text ?? '').slice(0, 40)), { what: 'the newest line' });
    expect(ui.data.sim.server.liveTail.openSessions).toBe(1);
    await ui.press('q');
    await ui.runUntil(() => ui.data.sim.server.liveTail.openSessions === 0, { what: 'the live tail closed' });
  });

  it('says in the header that it polls when StartLiveTail is refused, and still shows new lines', async () => {
    const ui = await started({
      errors: [
        { operation: 'StartLiveTail', type: 'AccessDeniedException', message: 'no logs:StartLiveTail', status: 400 },
      ],
    });
    await openLogsOf(ui, 'prod', 'web');
    await ui.waitForFrame((frame) => frame.includes('polling (live tail refused:'), { what: 'the polling header' });
    const loaded = session(ui).buffer.size;
    await ui.runUntil(() => session(ui).buffer.size > loaded, { what: 'a polled line', stepMs: 500 });
  });

  it('reads a since window again, searches with highlight, and saves what is loaded', async () => {
    const ui = await started();
    await openLogsOf(ui, 'prod', 'web');
    await ui.waitForFrame((frame) => frame.includes('● live tail'), { what: 'the live tail' });
    await ui.press('1');
    await ui.waitForFrame((frame) => frame.includes('last 1m') && frame.includes('● live tail'), {
      what: 'the last minute, following',
    });
    const now = ui.data.scheduler.now();
    const lines = [...session(ui).buffer.lines()];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.timestamp >= now - 120_000)).toBe(true);
    const word = (lines[0]?.text.match(/[A-Za-z]{4,}/) ?? [])[0] ?? 'GET';
    await ui.press('/');
    await ui.press(word);
    await ui.press('\r');
    await ui.waitForFrame((frame) => new RegExp(`/${word} \\d+ matches`).test(frame), { what: 'the search count' });
    expect(session(ui).buffer.search.count).toBeGreaterThan(0);
    await ui.press('s');
    await ui.waitForFrame((frame) => frame.includes('Saved'), { what: 'the saved file' });
    const [file] = readdirSync(dirs[0] as string);
    const saved = readFileSync(join(dirs[0] as string, file as string), 'utf8');
    expect(saved).toContain(lines[0]?.text ?? '');
  });

  it('l on a service interleaves its running tasks’ lines, each prefixed with its short task id, in one live tail', async () => {
    const ui = await started();
    ui.controller.focusCluster('prod');
    await ui.runUntil(() => tasksOf(ui, 'web').length > 1, { what: 'running web tasks' });
    const service = [...ui.data.store.getState().services.values()].find(
      (candidate) => candidate.serviceName === 'web',
    );
    if (!service) throw new Error('no web service');
    ui.controller.logViews.open({ kind: 'service', serviceArn: service.serviceArn });
    await ui.waitForFrame((frame) => frame.includes('service web · running tasks') && frame.includes('● live tail'), {
      what: 'the service live',
    });
    const ids = tasksOf(ui, 'web').map((task) => task.taskArn.split('/').pop()?.slice(0, 8) ?? '');
    const sources = new Set([...session(ui).buffer.lines()].map((line) => session(ui).labels[line.source]?.label));
    expect([...sources].filter((label) => label !== undefined && ids.includes(label)).length).toBeGreaterThan(1);
    // One live tail for the group, however many tasks write to it.
    expect(ui.data.sim.server.liveTail.openSessions).toBe(1);
  });

  it('stops reading the history at the buffer’s bound and says so, then follows', async () => {
    const saveDirectory = mkdtempSync(join(tmpdir(), 'ecsdeck-logsim-'));
    dirs.push(saveDirectory);
    app = await startUi({ withLogs: true, logSaveDirectory: saveDirectory, logCapacity: 50 });
    const ui = app;
    await openLogsOf(ui, 'prod', 'web');
    await ui.press('5');
    const frame = await ui.waitForFrame(
      (shown) => shown.includes('history cut at the bound') && shown.includes('● live tail'),
      {
        what: 'the cut history, following',
      },
    );
    expect(frame).toContain('50 lines');
    expect(session(ui).buffer.size).toBe(50);
  });

  it('says where a FireLens container’s logs go', async () => {
    const ui = await started();
    await openLogsOf(ui, 'staging', 'orders');
    await ui.waitForFrame((frame) => frame.includes('FireLens routes them'), { what: 'the FireLens sentence' });
  });

  it('keeps the escape payloads of hostile log lines out of the terminal; F filters on the server', async () => {
    const ui = await started();
    await openLogsOf(ui, 'staging', 'search');
    await ui.press('5');
    await ui.waitForFrame((frame) => frame.includes('whole stream') && frame.includes('● live tail'), {
      what: 'the whole stream, following',
    });
    await ui.press('/');
    await ui.press('hostile:');
    await ui.press('\r');
    const shown = await ui.waitForFrame((frame) => frame.includes('WARN hostile:'), { what: 'a hostile line' });
    expect(shown).toMatch(/\/hostile: [1-9]\d* matches/);
    // What Ink writes itself is SGR styling and cursor moves (ESC [ … letter); nothing else may come from a line.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the controls a log line must not bring
    const foreign = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Ink's own sequences
    const inkOwn = /\u001b\[[0-9;?]*[A-Za-z]/g;
    expect(ui.rawFrame().replace(inkOwn, '').match(foreign)).toBeNull();
    expect(ui.rawFrame()).not.toContain(']52;');
    await ui.press('F');
    await ui.press('hostile');
    await ui.press('\r');
    await ui.waitForFrame((frame) => frame.includes('filter "hostile"') && frame.includes('● live tail'), {
      what: 'the filtered reading',
    });
    const lines = [...session(ui).buffer.lines()];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.text.includes('hostile'))).toBe(true);
  });
});
