/**
 * Start-up benchmark: the time to the first full frame of `ecsdeck --demo` (the shipped bundle, through
 * bin/ecsdeck.js) against a bare `node -e 0`, measured the same way in the same run, from outside the process.
 *
 * Each sample runs in a fresh tmux pane (a real terminal) whose shell waits for Enter; the pane's output is piped
 * to a FIFO this process reads as a stream, so nothing polls and nothing competes for the CPU while it starts. The
 * clock starts when Enter is sent and stops when the output holds:
 * - node -e 0: the marker the shell prints once node has exited;
 * - ecsdeck: the first full frame (the header line and the footer's key hints), and later the first frame with the
 *   demo's clusters in it (the SDK loaded, the simulator started, the first calls answered).
 * The first ecsdeck run writes the bundle's code cache once its first frame is drawn (bin/ecsdeck.js; that run is
 * reported as "cold"); the medians are of the runs after it. The unbundled run uses Node's compile cache.
 *
 * For reference, the same app from its sources through tsx (3 samples).
 *
 * Run: npm run bench:startup [samples]. Table on stdout, JSON in test/bench/results/startup.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCli } from '../../esbuild.config.ts';

const root = resolve(import.meta.dirname, '..', '..');
const samples = Math.max(3, Number.parseInt(process.argv[2] ?? '9', 10) || 9);
const node = process.execPath;
const scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-startup-'));
const socket = `ecsdeck-startup-${process.pid}`;
const COLUMNS = 120;
const ROWS = 40;

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
/** CSI sequences, OSC strings, charset selections and the one-character escapes Ink and tmux write. */
const ESCAPE_SEQUENCE = new RegExp(
  `${ESC}\\[[0-9;?<>=]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)|${ESC}[()][0-9A-Za-z]|${ESC}[=>78]`,
  'g',
);

/** Strips terminal escape sequences, so text split by colours still matches. */
function plain(output: string): string {
  return output.replace(ESCAPE_SEQUENCE, '');
}

interface Milestone {
  name: string;
  reached(screenText: string): boolean;
}

/**
 * Runs `command` in a fresh pane and returns the milliseconds from Enter to each milestone. `after` runs once the
 * last milestone is reached (to quit the app); the sample ends when the pane's output ends.
 */
async function sample(command: string, milestones: Milestone[], after?: () => void): Promise<number[]> {
  const fifo = join(scratch, `pane-${performance.now().toFixed(0)}.fifo`);
  execFileSync('mkfifo', [fifo]);
  const env = `env XDG_CONFIG_HOME=${shellQuote(join(scratch, 'config'))} ECSDECK_STATE_DIR=${shellQuote(join(scratch, 'state'))} ECSDECK_CACHE_DIR=${shellQuote(join(scratch, 'code-cache'))} NODE_COMPILE_CACHE=${shellQuote(join(scratch, 'compile-cache'))}`;
  tmux(
    'new-session',
    '-d',
    '-s',
    'bench',
    '-x',
    String(COLUMNS),
    '-y',
    String(ROWS),
    'sh',
    '-c',
    `read go; ${env} ${command}`,
  );
  tmux('pipe-pane', '-t', 'bench', '-o', `cat > ${shellQuote(fifo)}`);
  const stream = createReadStream(fifo, { encoding: 'utf8' });
  await new Promise<void>((resolveOpen) => stream.once('open', () => resolveOpen()));
  const times: number[] = [];
  let text = '';
  const done = new Promise<void>((resolveDone, rejectDone) => {
    const deadline = setTimeout(
      () => rejectDone(new Error(`no ${milestones[times.length]?.name} in:\n${plain(text)}`)),
      30_000,
    );
    stream.on('data', (chunk) => {
      const now = performance.now();
      text += chunk;
      const screenText = plain(text);
      while (times.length < milestones.length && milestones[times.length]?.reached(screenText)) {
        times.push(now - started);
        if (times.length === milestones.length) after?.();
      }
    });
    stream.on('end', () => {
      clearTimeout(deadline);
      if (times.length === milestones.length) resolveDone();
      else rejectDone(new Error(`the pane ended before ${milestones[times.length]?.name}:\n${plain(text)}`));
    });
  });
  const started = performance.now();
  tmux('send-keys', '-t', 'bench', 'Enter');
  try {
    await done;
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(fifo, { force: true });
  }
  return times;
}

const NODE_DONE = '__node_exited__';
const bareNode = () =>
  sample(`${shellQuote(node)} -e 0; echo ${NODE_DONE}`, [
    { name: 'node exit', reached: (screen) => screen.includes(NODE_DONE) },
  ]);
const ecsdeckDemo = () =>
  sample(
    `${shellQuote(node)} ${shellQuote(join(root, 'bin', 'ecsdeck.js'))} --demo`,
    [
      { name: 'first full frame', reached: (screen) => /ecsdeck profile/.test(screen) && /\? help/.test(screen) },
      { name: 'frame with data', reached: (screen) => /staging/.test(screen) },
    ],
    () => tmux('send-keys', '-t', 'bench', 'q'),
  );

/** The same app unbundled (src/cli.ts through tsx), for reference: what the bundle saves. */
const ecsdeckFromSources = () =>
  sample(
    `${shellQuote(node)} --import tsx ${shellQuote(join(root, 'src', 'cli.ts'))} --demo`,
    [{ name: 'first full frame', reached: (screen) => /ecsdeck profile/.test(screen) && /\? help/.test(screen) }],
    () => tmux('send-keys', '-t', 'bench', 'q'),
  );

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function main(): Promise<void> {
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('the start-up benchmark needs tmux');
  mkdirSync(join(scratch, 'config'));
  const buildStarted = performance.now();
  await buildCli();
  const buildMs = performance.now() - buildStarted;

  const [coldFrame, coldData] = await ecsdeckDemo();
  await bareNode();
  const nodeExit: number[] = [];
  const frame: number[] = [];
  const data: number[] = [];
  // Interleaved, so a busy moment of the machine weighs on both alike.
  for (let i = 0; i < samples; i++) {
    nodeExit.push(...(await bareNode()));
    const [first, withData] = await ecsdeckDemo();
    frame.push(first as number);
    data.push(withData as number);
  }
  const unbundled: number[] = [];
  for (let i = 0; i < 3; i++) unbundled.push(...(await ecsdeckFromSources()));
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    terminal: `${COLUMNS}x${ROWS} tmux`,
    samples,
    buildMs: Math.round(buildMs),
    cold: { firstFrameMs: Math.round(coldFrame as number), dataFrameMs: Math.round(coldData as number) },
    nodeExitMs: { median: Math.round(median(nodeExit)), min: Math.round(Math.min(...nodeExit)) },
    firstFrameMs: { median: Math.round(median(frame)), min: Math.round(Math.min(...frame)) },
    dataFrameMs: { median: Math.round(median(data)), min: Math.round(Math.min(...data)) },
    unbundledFirstFrameMs: { median: Math.round(median(unbundled)), min: Math.round(Math.min(...unbundled)) },
    ratio: Number((median(frame) / median(nodeExit)).toFixed(2)),
    goal: 3,
  };
  const lines = [
    `ecsdeck start-up (${result.terminal}, ${samples} samples each, interleaved; Node ${process.version})`,
    `  bare node -e 0 (to exit)                 median ${result.nodeExitMs.median} ms   min ${result.nodeExitMs.min} ms`,
    `  ecsdeck --demo, first full frame         median ${result.firstFrameMs.median} ms   min ${result.firstFrameMs.min} ms   (cold, no code cache: ${result.cold.firstFrameMs} ms)`,
    `  ecsdeck --demo, first frame with data    median ${result.dataFrameMs.median} ms   min ${result.dataFrameMs.min} ms   (cold: ${result.cold.dataFrameMs} ms)`,
    `  for reference, unbundled (tsx src/cli.ts) first full frame   median ${result.unbundledFirstFrameMs.median} ms (3 samples)`,
    `  ratio first frame / node -e 0: ${result.ratio} (goal <= ${result.goal})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'startup.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`startup bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(scratch, { recursive: true, force: true });
  });
