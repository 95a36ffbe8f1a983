/**
 * Remote text carrying escape sequences and control characters, in a service event, a stop reason, an environment
 * override and a tag, reaches the terminal as its visible text only. A simulator in this process (a small scenario
 * fixture, on a ManualClock) gets the payloads through the real SDK (RunTask tags and overrides, StopTask reason) and,
 * for the service event that no API call can write, straight into its model. `ecsdeck --endpoint-url` shows them in
 * tmux, and every raw byte it writes is copied to a file (pipe-pane) and searched for the payloads' control bytes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTasksCommand, ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.ts';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';
import { bodyRows, checkViewShows, showsLine, waitForFrame } from './ecsdeckScreen.ts';
import { ecsdeckCommand, HAS_TMUX, NO_TMUX_REASON, REPO_ROOT, type Size, shellQuote, TmuxTerminal } from './tmux.ts';

const SIZE: Size = { columns: 120, rows: 40 };
const CLUSTER = 'hostile';

/**
 * Between its visible letters a..h: an OSC that sets the window title (BEL-terminated), a clear-screen CSI, a C1
 * CSI (U+009B) with its SGR parameters, a right-to-left override, a backspace, DEL, and a DCS string ended by ST.
 */
const PAYLOAD = 'a\u001b]0;pwned\u0007b\u001b[2Jc\u009b31md\u202ee\bf\u007fg\u001bPdcs\u001b\\h';
/** What a person must see of it. */
const VISIBLE = 'abcdefgh';
/** The payload's control sequences and characters, none of which may reach the terminal. */
const INJECTED: readonly [string, string][] = [
  ['the OSC window-title sequence', '\u001b]0;'],
  ['the BEL that ends it', '\u0007'],
  ['the C1 CSI U+009B', '\u009b'],
  ['the right-to-left override U+202E', '\u202e'],
  ['the backspace', '\b'],
  ['DEL', '\u007f'],
  ['the DCS introducer', '\u001bP'],
  ['the string terminator', '\u001b\\'],
];
/** Markers around each payload, so its stretch of the output can be found and checked whole. */
const WRAPPED = {
  event: ['EV<', '>EV'],
  reason: ['STOP<', '>STOP'],
  environment: ['ENV<', '>ENV'],
  tag: ['TAG<', '>TAG'],
} as const;
const wrap = (which: keyof typeof WRAPPED, inner: string) => `${WRAPPED[which][0]}${inner}${WRAPPED[which][1]}`;

let simulator: RunningSimulator | undefined;
let terminal: TmuxTerminal | undefined;
let workDirectory = '';
let rawFile = '';

/** Back to a pane with nothing open and no filter, whatever was in front (one key at a time: ESC ESC is alt-ESC). */
async function home(term: TmuxTerminal, pane: '3' | '4'): Promise<void> {
  const crumbs = `${pane === '3' ? 'Services' : 'Tasks'} › ${CLUSTER}`;
  term.keys(pane);
  const rows = await waitForFrame(term, SIZE, (r) => (r[2] ?? '').trimEnd().endsWith(crumbs), 'the pane');
  if (!rows.some((row) => row.includes(' · filter "'))) return;
  term.keys('Escape');
  await waitForFrame(term, SIZE, (r) => !r.some((row) => row.includes(' · filter "')), 'the filter cleared');
}

/** Opens the Tasks pane row whose group contains `group`. */
async function openTask(term: TmuxTerminal, group: string): Promise<void> {
  await home(term, '4');
  term.keys('/');
  term.literal(group);
  term.keys('Enter');
  await waitForFrame(term, SIZE, (rows) => rows.some((row) => row.includes(`› `) && row.includes(group)), group);
  term.keys('Enter');
  await waitForFrame(term, SIZE, (rows) => /^task\s+[0-9a-f]{32}$/.test(bodyRows(rows)[0] ?? ''), `${group} detail`);
}

const isTaskLine = (row: string) => /^task\s+[0-9a-f]{32}$/.test(row);

describe.skipIf(!HAS_TMUX)(`escape sequences in remote text${HAS_TMUX ? '' : ` (${NO_TMUX_REASON})`}`, () => {
  beforeAll(async () => {
    workDirectory = mkdtempSync(join(tmpdir(), 'ecsdeck-e2e-injection-'));
    rawFile = join(workDirectory, 'raw-output.bin');
    const clock = new ManualClock(Date.now());
    simulator = await startSimulator({
      scenario: join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'hostile.json'),
      clock,
      seed: 7,
      throttling: false,
    });
    const client = new ECSClient({
      endpoint: simulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
    });
    try {
      await client.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'app',
          group: 'family:tagged',
          tags: [{ key: 'owner', value: wrap('tag', PAYLOAD) }],
          overrides: {
            containerOverrides: [{ name: 'app', environment: [{ name: 'MODE', value: wrap('environment', PAYLOAD) }] }],
          },
        }),
      );
      const run = await client.send(
        new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'app', group: 'family:stopped' }),
      );
      clock.advance(30_000);
      await client.send(
        new StopTaskCommand({ cluster: CLUSTER, task: run.tasks?.[0]?.taskArn, reason: wrap('reason', PAYLOAD) }),
      );
      clock.advance(30_000);
      const described = await client.send(
        new DescribeTasksCommand({ cluster: CLUSTER, tasks: [run.tasks?.[0]?.taskArn ?? ''] }),
      );
      // The simulator kept the bytes as sent: the test is about the app, not about a sanitising server.
      expect(described.tasks?.[0]?.stoppedReason).toBe(wrap('reason', PAYLOAD));
      expect(described.tasks?.[0]?.lastStatus).toBe('STOPPED');
    } finally {
      client.destroy();
    }
    // No API writes a service event: put one where ECS would, newest first.
    const cluster = simulator.model.findCluster(CLUSTER);
    const service = cluster ? simulator.model.findService(cluster, 'web') : undefined;
    if (!service) throw new Error('the fixture has no service web');
    service.events.unshift({ id: 'e2e-injected-event', createdAt: clock.now(), message: wrap('event', PAYLOAD) });

    const term = new TmuxTerminal('injection');
    terminal = term;
    const env = [
      `ECSDECK_STATE_DIR=${shellQuote(join(workDirectory, 'state'))}`,
      'AWS_ACCESS_KEY_ID=e2e',
      'AWS_SECRET_ACCESS_KEY=e2e',
      'AWS_REGION=us-east-1',
    ].join(' ');
    const command = ecsdeckCommand(['--endpoint-url', simulator.url, '--cluster', CLUSTER]);
    // The app starts only after the pipe is in place (a line on stdin), so not one of its bytes is missed.
    term.start(
      `cd ${shellQuote(REPO_ROOT)}; read go; env -u AWS_PROFILE ${env} ${command}; echo EXITED; exec cat`,
      SIZE,
    );
    term.pipeOutputTo(rawFile);
    term.keys('Enter');
    await waitForFrame(term, SIZE, (rows) => rows.some((row) => row.includes('hostile')), 'the first frame', 25_000);
  }, 40_000);

  afterAll(async () => {
    terminal?.kill();
    await simulator?.close();
    if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
  });

  it('a service event shows its text in the service view', async () => {
    const term = terminal as TmuxTerminal;
    await home(term, '3');
    // The services may not have been polled yet right after the launch: open the row once it is there.
    await waitForFrame(term, SIZE, (rows) => rows.some((row) => /^› web\s/.test(row)), 'the service web selected');
    term.keys('Enter');
    await waitForFrame(term, SIZE, (rows) => /^service\s+web$/.test(bodyRows(rows)[0] ?? ''), 'the service view');
    await checkViewShows(
      term,
      SIZE,
      [{ line: wrap('event', VISIBLE), shows: (row) => row.endsWith(wrap('event', VISIBLE)) }],
      (row) => /^service\s+web$/.test(row),
    );
  });

  it('a stop reason shows its text in the task view and in the describe view', async () => {
    const term = terminal as TmuxTerminal;
    await openTask(term, 'family:stopped');
    const reasonLine = `${'stopped reason'.padEnd(18)} ${wrap('reason', VISIBLE)}`;
    await checkViewShows(term, SIZE, [{ line: reasonLine, shows: showsLine(reasonLine, SIZE.columns) }], isTaskLine);
    term.keys('v');
    // JSON escapes the C0 controls into visible text; what JSON leaves raw (C1, DEL, the override) is dropped.
    const escapedStart = '"stoppedReason": "STOP<a\\u001b]0;pwned\\u0007b\\u001b[2Jc';
    await checkViewShows(
      term,
      SIZE,
      [{ line: escapedStart, shows: (row) => row.trim().startsWith(escapedStart) && row.trim().endsWith('h>STOP",') }],
      (row) => row === '{',
    );
  });

  it('an environment override value shows its text in the task view', async () => {
    const term = terminal as TmuxTerminal;
    await openTask(term, 'family:tagged');
    const line = `${'app env'.padEnd(18)} MODE=${wrap('environment', VISIBLE)}`;
    await checkViewShows(term, SIZE, [{ line, shows: showsLine(line, SIZE.columns) }], isTaskLine);
  });

  it('a tag shows its text in the task view', async () => {
    const term = terminal as TmuxTerminal;
    await openTask(term, 'family:tagged');
    const line = `${'owner'.padEnd(18)} ${wrap('tag', VISIBLE)}`;
    await checkViewShows(term, SIZE, [{ line, shows: showsLine(line, SIZE.columns) }], isTaskLine);
  });

  it('not one control byte of the payloads reached the terminal; its title is unchanged', async () => {
    const term = terminal as TmuxTerminal;
    term.keys('q');
    await term.waitFor((rows) => rows.some((row) => row === 'EXITED'), 15_000, 'the exit');
    // Valid UTF-8 throughout: a lone 8-bit C1 byte (0x9B as CSI) would not decode.
    const output = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(rawFile));
    // The copy holds the app's output from its first byte (it entered the alternate screen) and the views above.
    expect(output).toContain('\u001b[?1049h');
    for (const which of ['event', 'reason', 'environment', 'tag'] as const) {
      expect(output, `${which} text`).toContain(wrap(which, VISIBLE));
    }
    // Every stretch between a payload's markers is exactly its visible text: nothing was inserted.
    for (const [open, close] of Object.values(WRAPPED)) {
      let from = output.indexOf(open);
      while (from >= 0) {
        const end = output.indexOf(close, from + open.length);
        const between = output.slice(from + open.length, end < 0 ? from + open.length + 60 : end);
        if (!between.startsWith('a\\u001b')) expect(between, `between ${open} and ${close}`).toBe(VISIBLE);
        from = output.indexOf(open, from + open.length);
      }
    }
    for (const [name, bytes] of INJECTED) {
      expect(output.includes(bytes), `${name} reached the terminal`).toBe(false);
    }
    // No C1 control at all: the app's own escapes are 7-bit.
    expect([...output].filter((char) => char >= '\u0080' && char <= '\u009f')).toEqual([]);
    // The clear-screen of the payload: the app never clears the whole screen in these views.
    expect(output.includes('\u001b[2J')).toBe(false);
    expect(term.display('#{pane_title}')).not.toContain('pwned');
  });
});
