/**
 * Whole-screen tests in a real terminal (tmux) of `ecsdeck --demo`, as a person would use it: launch at one size, go
 * by keys into a failing task's detail (Failures pane -> the payments out-of-memory group -> its task), compare what
 * the screen shows with the same task fetched from the demo's simulator through the real SDK, resize and compare
 * again, go back, quit, and check the terminal is restored.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTasksCommand, ECSClient, type Task } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bodyRows,
  breadcrumbRow,
  checkViewShows,
  type ExpectedLine,
  footerRow,
  showsLine,
  statusRow,
  utcStamp,
  waitForFrame,
} from './ecsdeckScreen.ts';
import { ecsdeckCommand, HAS_TMUX, NO_TMUX_REASON, REPO_ROOT, type Size, shellQuote, TmuxTerminal } from './tmux.ts';

const WIDE: Size = { columns: 120, rows: 40 };
const NARROW: Size = { columns: 80, rows: 24 };
const BEFORE_MARKER = 'BEFORE-LAUNCH-MARKER: the shell screen';
const EXIT_MARKER = 'EXIT-STATUS=';

let terminal: TmuxTerminal | undefined;
let stateDirectory: string | undefined;

afterEach(() => {
  terminal?.kill();
  terminal = undefined;
  if (stateDirectory) rmSync(stateDirectory, { recursive: true, force: true });
  stateDirectory = undefined;
});

/** The lines the task detail view must show for `task`, as the data says (one predicate per line). */
function expectedTaskLines(task: Task, columns: number): ExpectedLine[] {
  const field = (label: string, value: string) => `${label.padEnd(18)} ${value}`;
  const taskId = task.taskArn?.split('/').at(-1) ?? '';
  const revision = task.taskDefinitionArn?.split('/').at(-1) ?? '';
  const lines = [
    field('task', taskId),
    field('cluster', task.clusterArn?.split('/').at(-1) ?? ''),
    field('task definition', revision),
    field('last/desired', `${task.lastStatus}/${task.desiredStatus}`),
    field('group', task.group ?? ''),
    field('started by', task.startedBy ?? ''),
  ];
  const stamps = [
    'createdAt',
    'pullStartedAt',
    'pullStoppedAt',
    'startedAt',
    'connectivityAt',
    'executionStoppedAt',
    'stoppingAt',
    'stoppedAt',
  ] as const;
  for (const name of stamps) {
    const at = task[name];
    // The stamp and its gap to the one before: the gap depends on the view's rounding, so match the stamp only.
    if (at) lines.push(`${name.padEnd(18)} ${utcStamp(at)}`);
  }
  lines.push(field('stop code', task.stopCode ?? ''), field('stopped reason', task.stoppedReason ?? ''));
  for (const container of task.containers ?? []) {
    lines.push(
      `${container.name}  ${container.lastStatus}  exit ${container.exitCode}  health ${container.healthStatus ?? '-'}`,
    );
    lines.push(field('  image', container.image ?? ''));
    if (container.reason) lines.push(field('  reason', container.reason));
  }
  return lines.map((line) => {
    const isStamp = stamps.some((name) => line.startsWith(`${name.padEnd(18)} `));
    // A lifecycle row is the stamp followed by its gap ("+31s"), so it starts with the stamp.
    const shows = isStamp ? (row: string) => row.startsWith(line) : showsLine(line, columns);
    return { line, shows };
  });
}

async function describeTask(endpoint: string, cluster: string, taskId: string): Promise<Task> {
  const client = new ECSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
    maxAttempts: 3,
  });
  try {
    const result = await client.send(new DescribeTasksCommand({ cluster, tasks: [taskId] }));
    const task = result.tasks?.[0];
    if (!task) throw new Error(`the simulator does not know task ${taskId}: ${JSON.stringify(result.failures)}`);
    return task;
  } finally {
    client.destroy();
  }
}

/** Rows that must match between two screens of the same state: all but the ticking header and timeline. */
function steadyRows(rows: readonly string[]): string[] {
  return rows.slice(2).filter((row) => !row.startsWith('timeline '));
}

/** A port nothing listens on right now, so the test knows the demo's endpoint without reading it off the header
 * (at 80 columns the header drops the URL first). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

let demoEndpoint = '';

async function launchDemo(size: Size): Promise<TmuxTerminal> {
  stateDirectory = mkdtempSync(join(tmpdir(), 'ecsdeck-e2e-state-'));
  const port = await freePort();
  demoEndpoint = `http://127.0.0.1:${port}`;
  const term = new TmuxTerminal('demo');
  terminal = term;
  // A fresh flight recorder (nothing from earlier runs), then the installed command on the pinned Node.
  const script = [
    `cd ${shellQuote(REPO_ROOT)}`,
    `printf '%s\\n' ${shellQuote(BEFORE_MARKER)}`,
    `ECSDECK_STATE_DIR=${shellQuote(stateDirectory)} ${ecsdeckCommand(['--demo', '--seed', '1', '--port', String(port)])}`,
    `printf '${EXIT_MARKER}%s\\n' "$?"`,
    // Keeps the pane (and its cursor state) alive after the app: nothing is typed into it any more.
    'exec cat',
  ].join('; ');
  term.start(script, size);
  return term;
}

async function goToFailingTask(term: TmuxTerminal, size: Size): Promise<{ endpoint: string; taskId: string }> {
  const first = await waitForFrame(
    term,
    size,
    (rows) => ['batch', 'prod', 'staging'].every((name) => rows.some((row) => new RegExp(`[ ›] ${name}\\b`).test(row))),
    'the first frame with the clusters',
    25_000,
  );
  expect(term.display('#{alternate_on}')).toBe('1');
  expect(first.join('\n')).not.toContain(BEFORE_MARKER);
  expect(first[0], 'the header says it watches a simulator').toMatch(/\bsimulator\b/);
  const endpoint = demoEndpoint;

  // Failures pane, filtered to the payments group, then open it.
  term.keys('5', '/');
  term.literal('payments');
  term.keys('Enter');
  const group = /› service:payments\s+\d+ EssentialContainerExited/;
  await waitForFrame(
    term,
    size,
    (rows) => rows.some((row) => group.test(row)) && statusRow(rows).trim() === '',
    'the payments failure group selected in the Failures pane',
  );
  term.keys('Enter');
  const groupRows = await waitForFrame(
    term,
    size,
    (rows) => bodyRows(rows).some((row) => /^cause\s+out-of-memory$/.test(row)) && rows.some((row) => /^› /.test(row)),
    'the payments failure group opened',
  );
  expect(bodyRows(groupRows)[0]).toMatch(/^signature\s+EssentialContainerExited · exit 137 · OutOfMemoryError/);
  expect(breadcrumbRow(groupRows)).toContain('Failures › failure service:payments');

  term.keys('Enter');
  const detail = await waitForFrame(
    term,
    size,
    (rows) => /^task\s+[0-9a-f]{32}$/.test(bodyRows(rows)[0] ?? ''),
    'the task detail opened from the group',
  );
  const taskId = /^task\s+([0-9a-f]{32})$/.exec(bodyRows(detail)[0] ?? '')?.[1] ?? '';
  // The breadcrumbs end with the task (cut on a narrow terminal).
  expect(breadcrumbRow(detail)).toMatch(/› task [0-9a-f]{6,}/);
  return { endpoint: endpoint ?? '', taskId };
}

async function checkTaskDetail(term: TmuxTerminal, size: Size, task: Task): Promise<void> {
  const taskId = task.taskArn?.split('/').at(-1) ?? '';
  await checkViewShows(term, size, expectedTaskLines(task, size.columns), (row) => row.endsWith(taskId));
}

async function resizeTo(term: TmuxTerminal, size: Size, taskId: string): Promise<string[]> {
  term.resize(size);
  expect(term.size()).toEqual(size);
  return waitForFrame(
    term,
    size,
    (rows) => breadcrumbRow(rows).includes('› task') && bodyRows(rows).some((row) => row.length > 0),
    `the task ${taskId} redrawn at ${size.columns}x${size.rows}`,
  );
}

/** Waits for the app's end and checks the shell's screen is back as it was, the cursor shown. */
async function checkRestored(term: TmuxTerminal, exitStatus: number): Promise<void> {
  const after = await term.waitFor((rows) => rows.some((row) => row.startsWith(EXIT_MARKER)), 15_000, 'the exit');
  // The shell's screen from before the launch is back, with nothing of the app's left on it.
  expect(after.some((row) => row === BEFORE_MARKER)).toBe(true);
  expect(after.find((row) => row.startsWith(EXIT_MARKER))).toBe(`${EXIT_MARKER}${exitStatus}`);
  expect(after.filter((row) => /ecsdeck profile|data clusters|j move|Lifecycle/.test(row))).toEqual([]);
  expect(term.display('#{alternate_on}')).toBe('0');
  expect(term.display('#{cursor_flag}')).toBe('1');
}

async function wholeScreenTest(first: Size, second: Size, quitKey: 'q' | 'C-c'): Promise<void> {
  const term = await launchDemo(first);
  const { endpoint, taskId } = await goToFailingTask(term, first);
  const task = await describeTask(endpoint, 'prod', taskId);
  // The demo's story: the payments release dies of out-of-memory with exit 137.
  expect(task.group).toBe('service:payments');
  expect(task.lastStatus).toBe('STOPPED');
  expect(task.stopCode).toBe('EssentialContainerExited');
  expect(task.containers?.[0]?.exitCode).toBe(137);
  expect(task.containers?.[0]?.reason).toMatch(/^OutOfMemoryError/);

  await checkTaskDetail(term, first, task);
  // Incrementally drawn (after the navigation and scrolling) vs fully redrawn (after a resize and back): same rows.
  term.keys('g');
  const incremental = await waitForFrame(term, first, (r) => bodyRows(r)[0]?.endsWith(taskId) === true, 'top');

  await resizeTo(term, second, taskId);
  await checkTaskDetail(term, second, task);

  await resizeTo(term, first, taskId);
  await checkTaskDetail(term, first, task);
  term.keys('g');
  const redrawn = await waitForFrame(term, first, (r) => bodyRows(r)[0]?.endsWith(taskId) === true, 'top again');
  expect(steadyRows(redrawn)).toEqual(steadyRows(incremental));

  // Back to the group, then to the pane: nothing of the detail view may stay behind.
  term.keys('Escape');
  await waitForFrame(term, first, (rows) => bodyRows(rows).some((row) => /^cause\s+out-of-memory$/.test(row)), 'back');
  term.keys('Escape');
  const pane = await waitForFrame(
    term,
    first,
    (rows) => !breadcrumbRow(rows).includes('› failure') && rows.some((row) => row.includes('› service:payments')),
    'back at the Failures pane',
  );
  const leftovers = bodyRows(pane).filter((row) =>
    /^(task|cluster|cause|signature|Lifecycle|createdAt|stoppedAt|stop code|Containers)\b/.test(row),
  );
  expect(leftovers, `stale detail rows on:\n${pane.join('\n')}`).toEqual([]);
  expect(footerRow(pane)).toMatch(/j move/);

  term.keys(quitKey);
  await checkRestored(term, 0);
}

describe.skipIf(!HAS_TMUX)(`ecsdeck --demo in a real terminal${HAS_TMUX ? '' : ` (${NO_TMUX_REASON})`}`, () => {
  it('120x40: Failures -> payments OOM -> task matches the simulator; again at 80x24 and back; quits cleanly', async () => {
    await wholeScreenTest(WIDE, NARROW, 'q');
  }, 60_000);

  it('80x24: the same way in, matching the data; again at 120x40 and back; quits cleanly on ctrl-c', async () => {
    await wholeScreenTest(NARROW, WIDE, 'C-c');
  }, 60_000);

  it('ctrl-c in a stop confirmation quits without the stop, and the terminal is restored', async () => {
    const term = await launchDemo(NARROW);
    await waitForFrame(term, NARROW, (rows) => rows.some((row) => /[ ›] prod\b/.test(row)), 'the first frame', 25_000);
    term.keys('4');
    await waitForFrame(term, NARROW, (rows) => rows.some((row) => /^› [0-9a-f]{9}… /.test(row)), 'a task selected');
    term.keys('s');
    // The dialog's footer is its own (y confirm  n cancel), not the panes' one the frame check expects.
    await term.waitFor((rows) => rows.some((row) => row.includes('StopTask on 1 task')), 20_000, 'the dialog');
    term.keys('C-c');
    // What a user types next, believing they are at the shell: had ctrl-c been ignored, `y` would confirm the stop.
    term.literal('y');
    term.keys('Enter');
    await checkRestored(term, 0);
    // The flight recorder journals every action before its call: it holds none.
    const recorded = readdirSync(stateDirectory ?? '', { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
      .join('\n');
    expect(recorded).not.toContain('StopTask');
  }, 60_000);

  it('ended by SIGTERM, the app still restores the terminal', async () => {
    const term = await launchDemo(NARROW);
    await waitForFrame(term, NARROW, (rows) => rows.some((row) => /[ ›] prod\b/.test(row)), 'the first frame', 25_000);
    expect(term.display('#{alternate_on}')).toBe('1');
    expect(term.display('#{cursor_flag}')).toBe('0');
    // The app is the one child of the pane's shell (started by this test).
    const shell = term.display('#{pane_pid}');
    const app = Number(execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).trim());
    expect(Number.isInteger(app) && app > 0).toBe(true);
    process.kill(app, 'SIGTERM');
    await checkRestored(term, 128 + 15);
  }, 60_000);
});
