/**
 * What the screen says, read whole: a feed's error wraps in its pane and `!` (or enter on the empty pane) shows it in
 * full; empty tables say why they are empty; describe shows times as ISO-8601 in UTC and local and wraps long values;
 * the sorted column has its arrow; the 80-column tab bar names every pane; a stopped task has no health; right after
 * a scale the rollout agrees with the counts; a wide Tasks table gives ids, services and revisions their room first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// A zone with no daylight saving time and a half-hour offset: local times in this file are exact and unambiguous.
vi.hoisted(() => {
  process.env.TZ = 'Asia/Kolkata';
});

import { formatInstant } from '../../src/domain/format.ts';
import type { Task } from '../../src/domain/model.ts';
import { createEcsStore, upsertTasks } from '../../src/store/store.ts';
import { createUiStore } from '../../src/ui/app/uiStore.ts';
import { fitPath, tabSpans } from '../../src/ui/components/Breadcrumbs.tsx';
import { type Column, headerText, layoutColumns, type Span } from '../../src/ui/components/table.ts';
import { describeLines, taskDetailLines } from '../../src/ui/panes/details.ts';
import { failureColumns } from '../../src/ui/panes/failures.ts';
import { createPaneTables } from '../../src/ui/panes/registry.ts';
import type { ServiceRow } from '../../src/ui/panes/services.ts';
import { type TaskRow, taskColumns } from '../../src/ui/panes/tasks.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { type ActionHarness, planOf, startActionHarness } from '../actions/helpers.ts';
import { startUi, type UiHarness } from './appHarness.tsx';
import { makeTask, NOW } from './synthetic.tsx';

const text = (spans: readonly Span[]) => spans.map((span) => span.text).join('');
/** Every character but whitespace, so a sentence wrapped over several lines compares with the sentence. */
const squeezed = (value: string) => value.replace(/\s+/g, '');
const theme = createTheme({ colour: false });

let app: UiHarness | undefined;
let actions: ActionHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await actions?.close();
  actions = undefined;
});

/** A refusal that ECS explains at length (the gateway keeps up to 200 characters of it). */
const REFUSAL =
  'The container instance filter is not valid for a cluster that uses capacity providers only: name a ' +
  'container instance registered to cluster prod, or list the tasks without a filter';

describe("a feed's error", () => {
  it('wraps in its pane at 80 columns, whole; ! and enter on the empty pane show it in a view', async () => {
    app = await startUi({
      columns: 80,
      rows: 24,
      faults: { errors: [{ operation: 'ListTasks', type: 'InvalidParameterException', message: REFUSAL }] },
    });
    await app.waitForFrame((f) => f.includes('cluster prod'));
    await app.press('4');
    const sentence = `✗ ECS refused ListTasks: ${REFUSAL}. (no data yet)`;
    const frame = await app.waitForFrame((f) => squeezed(f).includes(squeezed(sentence)));
    // Under the title, on the lines before the column header.
    const body = frame.split('\n').slice(4, -2);
    const errorLines = body.slice(
      0,
      body.findIndex((line) => line.startsWith('  TASK')),
    );
    expect(errorLines.length).toBeGreaterThan(1);
    expect(squeezed(errorLines.join(''))).toBe(squeezed(sentence));
    expect(frame.split('\n').every((line) => line.length <= 80)).toBe(true);
    // Under an error there is no "nothing here (yet)": the empty table points at the error.
    expect(frame).not.toContain('nothing here');
    expect(frame).toContain('no data: the error above (! shows it whole)');

    await app.press('!');
    const view = await app.waitForFrame((f) => f.includes('› errors'));
    expect(view).toContain('Tasks pane');
    expect(squeezed(view)).toContain(squeezed(sentence));
    await app.press('\u001b');
    await app.waitForFrame((f) => !f.includes('› errors') && f.includes('no data: the error above'));
    await app.press('\r');
    await app.waitForFrame((f) => f.includes('› errors'));
  }, 30_000);

  it('a filter that matches nothing says so, with the filter', async () => {
    app = await startUi({ columns: 80, rows: 24 });
    await app.waitForFrame((f) => f.includes('cluster prod'));
    await app.press('3');
    await app.waitForFrame((f) => f.includes('payments'));
    await app.press('/');
    await app.press('zzz-none');
    const frame = await app.waitForFrame((f) => f.includes('no rows match'));
    expect(frame).toContain('no rows match "zzz-none" (esc clears the filter)');
    expect(frame).not.toContain('nothing here');
  });
});

describe('describe (v)', () => {
  it('shows time fields as ISO-8601 UTC and local with the offset, and wraps long values', () => {
    const createdAt = Date.UTC(2026, 10, 24, 12, 0, 0, 0);
    const record = {
      createdAt,
      stoppedAt: new Date(createdAt + 90_500),
      desiredCount: 1_764_000_000_000,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${'x'.repeat(90)}:3`,
    };
    const lines = describeLines(record, 100).map(text);
    expect(lines).toContain('  "createdAt": "2026-11-24T12:00:00.000Z (local 2026-11-24 17:30:00 +05:30)",');
    expect(lines).toContain('  "stoppedAt": "2026-11-24T12:01:30.500Z (local 2026-11-24 17:31:30 +05:30)",');
    // A number in a field that is not a time stays a number.
    expect(lines).toContain('  "desiredCount": 1764000000000,');
    const narrow = describeLines(record, 60).map(text);
    expect(narrow.every((line) => line.length <= 60)).toBe(true);
    expect(narrow.length).toBeGreaterThan(lines.length);
    expect(squeezed(narrow.join(''))).toContain(squeezed(record.taskDefinitionArn));
    expect(squeezed(narrow.join(''))).toContain(
      squeezed('"createdAt": "2026-11-24T12:00:00.000Z (local 2026-11-24 17:30:00 +05:30)"'),
    );
  });

  it('on a task of the demo: its stamps as the simulator gave them, long lines wrapped, the end reachable', async () => {
    app = await startUi({ columns: 80, rows: 24 });
    await app.waitForFrame((f) => f.includes('cluster prod'));
    await app.press('4');
    await app.waitForFrame((f) => /^› /m.test(f));
    const task = app.controller.selected()?.item as TaskRow;
    await app.press('v');
    await app.waitForFrame((f) => f.includes('› describe'));
    // Page by page to the end (the last line, the closing brace, must be reachable through the wrapped lines).
    const pages: string[] = [];
    const isEnd = (f: string) => f.split('\n').some((line) => line === '}');
    for (let page = 0; page < 20 && !isEnd(app.frame()); page++) {
      pages.push(app.frame());
      await app.press('\u0006');
    }
    pages.push(app.frame());
    expect(isEnd(app.frame())).toBe(true);
    const seen = pages.map((f) => f.split('\n').slice(3, -2).join('\n')).join('\n');
    const createdAt = task.task.createdAt as number;
    const local = new Date(createdAt + 5.5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(squeezed(seen)).toContain(
      squeezed(`"createdAt": "${new Date(createdAt).toISOString()} (local ${local} +05:30)"`),
    );
    expect(seen).not.toMatch(/"createdAt": \d/);
    expect(seen).not.toContain('…');
    expect(squeezed(seen)).toContain(squeezed(`"taskArn": "${task.task.taskArn}"`));
  }, 30_000);

  it('formats an instant the same way wherever it is used', () => {
    expect(formatInstant(Date.UTC(2026, 0, 1, 0, 0, 0, 7))).toBe(
      '2026-01-01T00:00:00.007Z (local 2026-01-01 05:30:00 +05:30)',
    );
    expect(formatInstant(Number.NaN)).toBe('-');
  });
});

describe('small things', () => {
  it('the sorted column has its arrow, even when its title fills the column; the Tasks header too', async () => {
    const columns = failureColumns((arn) => arn);
    const layout = layoutColumns(columns, 100);
    expect(headerText(layout, { column: 'first', descending: false })).toMatch(/FIRS↑/);
    expect(headerText(layout, { column: 'count', descending: true })).toMatch(/COUN↓/);
    app = await startUi({ columns: 100, rows: 30 });
    await app.waitForFrame((f) => f.includes('cluster prod'));
    await app.press('4');
    const tasks = await app.waitForFrame((f) => f.includes('SERVICE/GROUP'));
    expect(tasks).toContain('SERVICE/GROUP↑');
  });

  it('the tab bar at 80 columns names every pane, the others abbreviated', async () => {
    expect(text(tabSpans('services', 80))).toBe(' 1 Clus  2 Inst  3 Services  4 Task  5 Fail ');
    expect(text(tabSpans('services', 120))).toBe(' 1 Clusters  2 Instances  3 Services  4 Tasks  5 Failures ');
    app = await startUi({ columns: 80, rows: 24 });
    const frame = await app.waitForFrame((f) => f.includes('cluster prod'));
    expect(frame.split('\n')[2]).toMatch(/^ 1 Clusters {2}2 Inst {2}3 Svc {2}4 Task {2}5 Fail {3}Clusters/);
  });

  it('a path too long for the room beside the tabs gives up its first parts, keeping where you are', () => {
    const parts = ['Failures', 'failure service:payments', 'task 9638c05fbdebf39eb2c8d866eb174402'];
    expect(fitPath(parts, 80)).toBe('Failures › failure service:payments › task 9638c05fbdebf39eb2c8d866eb174402');
    expect(fitPath(parts, 70)).toBe('… › failure service:payments › task 9638c05fbdebf39eb2c8d866eb174402');
    expect(fitPath(parts, 45)).toBe('… › task 9638c05fbdebf39eb2c8d866eb174402');
    expect(fitPath(parts, 20)).toBe('… › task 9638c05fbd…');
  });

  it('a STOPPED task shows no HEALTHY: nothing, or UNHEALTHY when that was its end', () => {
    const health = taskColumns(() => '15m', false).find((c) => c.id === 'health') as Column<TaskRow>;
    const cell = (task: Partial<Task>) => {
      const value = health.value(
        { arn: 'a', task: { taskArn: 'a', ...task }, where: '-' },
        { now: 0, width: 9, theme },
      );
      return typeof value === 'string' ? value : 'text' in value ? value.text : '';
    };
    expect(cell({ lastStatus: 'STOPPED', healthStatus: 'HEALTHY' })).toBe('-');
    expect(cell({ lastStatus: 'STOPPED', healthStatus: 'UNHEALTHY' })).toBe('✗ UNHEALTHY');
    expect(cell({ lastStatus: 'RUNNING', healthStatus: 'HEALTHY' })).toBe('HEALTHY');
    // Its detail view says what the checks last said, as the past.
    const stopped = makeTask('s1', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED', healthStatus: 'HEALTHY' });
    const store = createEcsStore();
    upsertTasks(store, [stopped], NOW);
    const detail = taskDetailLines(store.getState(), stopped.taskArn, NOW, '15m').map(text);
    expect(detail.find((line) => line.startsWith('health '))).toMatch(
      /^health\s+- \(stopped; its checks last said HEALTHY\)$/,
    );
  });

  it('right after a scale, the rollout agrees with the desired count the row shows', async () => {
    actions = await startActionHarness();
    const { h, runner, drive } = actions;
    const cluster = await actions.focus('prod');
    const rowOf = () => {
      const ui = createUiStore({ now: h.scheduler.now(), pane: 'services', cluster });
      const table = createPaneTables(theme).paneTable('services', h.store.getState(), ui.getState());
      const row = (table.items as ServiceRow[]).find((r) => r.name === 'web') as ServiceRow;
      const cellOf = (id: string) => {
        const value = table.columns.find((c) => c.id === id)?.value(row, { now: 0, width: 24, theme });
        return typeof value === 'string' ? value : value && 'text' in value ? value.text : '';
      };
      return { counts: cellOf('counts'), rollout: cellOf('rollout') };
    };
    expect(rowOf()).toEqual({ counts: '4/4/0', rollout: 'COMPLETED 100%' });
    const web = [...h.store.getState().services.values()].find((s) => s.serviceName === 'web');
    if (!web) throw new Error('no web service');
    await drive(runner.execute(planOf(runner.planScale(web, '6'))));
    // The UpdateService answer is in the store; no poll has run since.
    // The answer says desired 6 and 4 running (the counts cell shows both): the rollout says the same.
    const after = rowOf();
    expect(after.counts).toMatch(/^6\/4\/\d+$/);
    expect(after.rollout).toBe('SCALING 4->6');
  }, 30_000);

  it('a wide Tasks table gives the id, the service and the revision their room before the timeline', () => {
    const widths = (total: number) =>
      Object.fromEntries(
        layoutColumns(
          taskColumns(() => '15m', false),
          total,
        ).columns.map((c) => [c.column.id, c.width]),
      );
    const wide = widths(200);
    expect(wide).toMatchObject({ id: 32, group: 28, revision: 30 });
    expect(wide.timeline).toBeGreaterThanOrEqual(16);
    // At 120 columns the timeline keeps its own width and the id gets what is left.
    expect(widths(120).timeline).toBe(16);
    expect(widths(120).id).toBeGreaterThan(10);
    // Narrower, with columns left out, the spare width stays with the timeline.
    expect(widths(100)).toMatchObject({ id: 10, group: 14 });
    expect(widths(100).timeline).toBeGreaterThan(16);
  });

  it('the README documents !', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toMatch(/^\| `!` \| errors in full: .*last action's result/m);
  });
});
