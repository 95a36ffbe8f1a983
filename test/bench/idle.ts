/**
 * Idle benchmark: what the TUI costs while nothing happens on screen. The shipped bundle (bin/ecsdeck.js, built
 * first) runs in a tmux pane at 120x40 against `ecsdeck sim --scenario large` in another process; once its first
 * cluster is on screen and a warm-up has passed, the window starts:
 * - CPU: the TUI process's user + system time (from /proc/<pid>/stat) over the window, as a share of one core;
 * - bytes: what the TUI wrote to its terminal over the window (tmux pipe-pane), per second.
 * Polls keep running (the scenario's tasks change now and then), so this is the app's real idle, not a frozen one.
 * `--quiet` runs the simulator at a thousandth of real speed and warms up past a minute: the polls go on but nothing
 * they return changes, and every age on screen is past its per-second phase (nothing changing).
 *
 * The machine is often shared: `--baseline DIR` runs the bundle of another checkout (built there, e.g. a worktree of
 * main) beside this one, against the same simulator over the same window, so a before/after comparison sees the
 * same polls and the same load.
 *
 * Run: npx tsx test/bench/idle.ts [window seconds, default 300] [--quiet] [--baseline DIR] [--keep-output FILE] (the
 * terminal output of the window, to see what was redrawn) [--cpu-prof DIR] (CPU profiles of the TUIs, written when
 * they quit at the end). Table on stdout, JSON in test/bench/results/idle.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCli } from '../../esbuild.config.ts';
import { startSimulatorProcess } from './simulatorProcess.ts';

const root = resolve(import.meta.dirname, '..', '..');
const windowSeconds = Math.max(10, Number.parseInt(process.argv[2] ?? '300', 10) || 300);
const quiet = process.argv.includes('--quiet');
const profileAt = process.argv.indexOf('--cpu-prof');
const profileDir = profileAt > 0 ? process.argv[profileAt + 1] : undefined;
const baselineAt = process.argv.indexOf('--baseline');
const baselineDir = baselineAt > 0 ? resolve(process.argv[baselineAt + 1] ?? '.') : undefined;
const WARMUP_MS = quiet ? 70_000 : 15_000;
const node = process.execPath;
const scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-idle-'));
const socket = `ecsdeck-idle-${process.pid}`;
const CLOCK_TICKS = 100;

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

/** User + system CPU time of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

const pause = (ms: number) => new Promise((resolvePause) => setTimeout(resolvePause, ms));

interface Pane {
  label: string;
  session: string;
  pid: number;
  output: string;
}

/** Starts `bin/ecsdeck.js` of checkout `dir` in a pane of its own against the simulator at `url`. */
function startTui(label: string, dir: string, url: string, index: number): Pane {
  const variables = {
    AWS_ACCESS_KEY_ID: 'sim',
    AWS_SECRET_ACCESS_KEY: 'sim',
    ECSDECK_STATE_DIR: join(scratch, `state-${index}`),
    ECSDECK_CACHE_DIR: join(scratch, `code-cache-${index}`),
    TERM: 'xterm-256color',
    ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(profileDir, label)}` } : {}),
  };
  const script = `${Object.entries(variables)
    .map(([name, value]) => `${name}=${shellQuote(value)}`)
    .join(' ')} exec ${[node, join(dir, 'bin', 'ecsdeck.js'), '--endpoint-url', url, '--region', 'us-east-1']
    .map(shellQuote)
    .join(' ')}`;
  const session = `idle${index}`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', 'sh', '-c', script);
  const pid = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
  const output = join(scratch, `output-${index}`);
  tmux('pipe-pane', '-O', '-t', session, `cat >> ${shellQuote(output)}`);
  return { label, session, pid, output };
}

async function main() {
  await buildCli();
  // The bundle is dist/ecsdeck.cjs (dist/ecsdeck.js before it became one script).
  const built = (dir: string) => ['ecsdeck.cjs', 'ecsdeck.js'].some((name) => existsSync(join(dir, 'dist', name)));
  if (baselineDir && !built(baselineDir))
    throw new Error(`${baselineDir} has no dist/ecsdeck.cjs: build it first (npm run build there)`);
  const { child: simulator, url } = await startSimulatorProcess([
    '--scenario',
    'large',
    ...(quiet ? ['--speed', '0.001'] : []),
  ]);
  try {
    const panes = [startTui('this checkout', root, url, 0)];
    if (baselineDir) panes.push(startTui(`baseline ${baselineDir}`, baselineDir, url, 1));
    const deadline = performance.now() + 60_000;
    for (const pane of panes) {
      for (;;) {
        const screen = tmux('capture-pane', '-p', '-t', pane.session);
        if (screen.includes('cluster ') && screen.includes('SERVICE')) break;
        if (performance.now() > deadline) throw new Error(`no cluster on screen within 60 s:\n${screen}`);
        await pause(250);
      }
    }
    await pause(WARMUP_MS);
    const before = panes.map((pane) => ({ cpu: cpuSeconds(pane.pid), bytes: sizeOf(pane.output) }));
    const startedAt = performance.now();
    await pause(windowSeconds * 1000);
    const elapsed = (performance.now() - startedAt) / 1000;
    const figures = panes.map((pane, index) => ({
      cpuShareOfOneCore: Math.round(((cpuSeconds(pane.pid) - (before[index]?.cpu ?? 0)) / elapsed) * 1000) / 10,
      bytesPerSecond: Math.round((sizeOf(pane.output) - (before[index]?.bytes ?? 0)) / elapsed),
    }));
    const keep = process.argv.indexOf('--keep-output');
    const keepAs = keep > 0 ? process.argv[keep + 1] : undefined;
    if (keepAs) writeFileSync(keepAs, readFileSync(panes[0]?.output ?? '').subarray(before[0]?.bytes ?? 0));
    for (const pane of panes) tmux('send-keys', '-t', pane.session, 'C-c');
    // Let them quit by themselves (a profile, if asked for, is written on the way out).
    const quitBy = performance.now() + 10_000;
    while (performance.now() < quitBy && panes.some((pane) => existsSync(`/proc/${pane.pid}`))) await pause(100);
    const [own, baseline] = figures;
    const result = {
      scenario: quiet ? 'large at 0.001x (nothing changing)' : 'large',
      windowSeconds: Math.round(elapsed),
      cpuShareOfOneCore: own?.cpuShareOfOneCore,
      bytesPerSecond: own?.bytesPerSecond,
      ...(baseline ? { baseline: { checkout: baselineDir, ...baseline } } : {}),
      machine: { cpus: cpus().length, loadAverage: readFileSync('/proc/loadavg', 'utf8').trim() },
    };
    console.log(`idle TUI over ${result.windowSeconds} s (${result.scenario} in another process, 120x40):`);
    for (const [index, pane] of panes.entries()) {
      const figure = figures[index];
      console.log(
        `  ${pane.label}: CPU ${figure?.cpuShareOfOneCore} % of a core   terminal ${figure?.bytesPerSecond} B/s`,
      );
    }
    console.log(`  load average at the end: ${result.machine.loadAverage}`);
    const results = join(root, 'test', 'bench', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, quiet ? 'idle-quiet.json' : 'idle.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    // The server is gone already when the TUIs quit and their panes closed.
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    simulator.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
