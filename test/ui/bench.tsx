/**
 * UI benchmarks (not part of `npm test`: timings depend on the machine). Run: `npx tsx test/ui/bench.tsx`.
 *
 * - keypress to frame: `j` through the Tasks pane of 100 / 1,000 / 10,000 tasks on a 120x40 terminal, with the app's
 *   real render options (incremental rendering, 30 fps cap); time from the key reaching stdin to the frame's write;
 * - bytes per refresh: one task changes state on a 120x40 screen showing it; bytes Ink writes for that frame;
 * - first frame: the demo scenario in-process (simulator, SDK gateway, store, monitor, app) until the first frame
 *   that lists the clusters; and `ecsdeck --demo` launched in tmux until its screen lists them (when tmux exists).
 * Prints a table and writes test/bench/results/ui-latest.json.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render } from 'ink';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { realScheduler, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { Monitor } from '../../src/poll/monitor.ts';
import { startSimulator } from '../../src/sim/index.ts';
import { createEcsStore, upsertTasks } from '../../src/store/store.ts';
import { App, CHROME_LINES } from '../../src/ui/app/App.tsx';
import { Controller } from '../../src/ui/app/controller.ts';
import { createUiStore } from '../../src/ui/app/uiStore.ts';
import { createPaneTables } from '../../src/ui/panes/registry.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { CLUSTER, fillStore, makeTask, NOW } from './synthetic.tsx';

const started = performance.now();

class TtyStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 40;
  writes: { at: number; bytes: number; text: string }[] = [];
  write = (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    this.writes.push({ at: performance.now(), bytes: Buffer.byteLength(text), text });
    return true;
  };
}

class TtyStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const idle = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForWrite(stdout: TtyStdout, after: number, deadlineMs = 5_000): Promise<number> {
  const deadline = performance.now() + deadlineMs;
  while (stdout.writes.length <= after) {
    if (performance.now() > deadline) throw new Error('no frame');
    await idle();
  }
  return stdout.writes[after]?.at ?? 0;
}

function mountSynthetic(taskCount: number) {
  const tasks = Array.from({ length: taskCount }, (_, index) =>
    makeTask(`t${String(index).padStart(6, '0')}`, {
      createdAt: NOW - 3_600_000 + index,
      group: `service:svc-${index % 50}`,
    }),
  );
  const store = createEcsStore();
  fillStore(store, { tasks });
  const scheduler = new VirtualScheduler(NOW);
  const ui = createUiStore({ now: NOW, pane: 'tasks', cluster: CLUSTER });
  const theme = createTheme({ colour: true });
  const tables = createPaneTables(theme);
  const controller = new Controller({
    ecs: store,
    ui,
    tables,
    monitor: { focusCluster: () => {}, refreshNow: () => {} },
    scheduler,
    readOnly: false,
    copy: () => true,
    exit: () => {},
    bodyHeight: () => 40 - CHROME_LINES,
  });
  const stdout = new TtyStdout();
  const stdin = new TtyStdin();
  const instance = render(
    <App
      services={{ ecs: store, ui, tables, target: { endpointKind: 'aws', region: 'us-east-1' }, readOnly: false }}
      controller={controller}
      theme={theme}
      scheduler={scheduler}
    />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      interactive: true,
      alternateScreen: true,
      incrementalRendering: true,
      maxFps: 30,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  return { store, ui, stdout, stdin, instance, tasks };
}

async function keypressLatency(taskCount: number, presses: number) {
  const app = mountSynthetic(taskCount);
  await sleep(100);
  const samples: number[] = [];
  for (let i = 0; i < presses; i++) {
    const before = app.stdout.writes.length;
    const pressedAt = performance.now();
    app.stdin.write('j');
    const framedAt = await waitForWrite(app.stdout, before);
    samples.push(framedAt - pressedAt);
    // Past the 30 fps cap, so each key gets a frame of its own.
    await sleep(40);
  }
  app.instance.unmount();
  return { taskCount, presses, medianMs: quantile(samples, 0.5), p95Ms: quantile(samples, 0.95) };
}

async function bytesPerRefresh() {
  const app = mountSynthetic(2_000);
  await sleep(100);
  const fullFrame = app.stdout.writes.reduce((sum, write) => sum + write.bytes, 0);
  const state = app.store.getState();
  // The first row of the Tasks pane (sorted by group): change its state as a poll would.
  const visible = [...state.tasks.values()].sort((a, b) => (a.group ?? '').localeCompare(b.group ?? ''))[0];
  if (!visible) throw new Error('no task');
  const samples: number[] = [];
  let status = 'RUNNING';
  for (let i = 0; i < 20; i++) {
    status = status === 'RUNNING' ? 'DEACTIVATING' : 'RUNNING';
    const before = app.stdout.writes.length;
    upsertTasks(app.store, [{ ...visible, lastStatus: status, version: i + 2 }], NOW);
    await waitForWrite(app.stdout, before);
    await sleep(40);
    samples.push(app.stdout.writes.slice(before).reduce((sum, write) => sum + write.bytes, 0));
  }
  app.instance.unmount();
  return { medianBytes: quantile(samples, 0.5), maxBytes: Math.max(...samples), firstFrameBytes: fullFrame };
}

async function firstFrame() {
  const begin = performance.now();
  const sim = await startSimulator({ scenario: 'demo', throttling: false });
  const gateway = await createSdkGateway({
    endpoint: sim.url,
    simulator: true,
    budgetPerSecond: 20,
    scheduler: realScheduler,
  });
  const store = createEcsStore();
  const monitor = new Monitor({ gateway, store, scheduler: realScheduler });
  const ui = createUiStore({ now: Date.now() });
  const theme = createTheme({ colour: true });
  const tables = createPaneTables(theme);
  const controller = new Controller({
    ecs: store,
    ui,
    tables,
    monitor,
    scheduler: realScheduler,
    readOnly: false,
    copy: () => true,
    exit: () => {},
    bodyHeight: () => 20,
  });
  const stdout = new TtyStdout();
  const stdin = new TtyStdin();
  const instance = render(
    <App
      services={{ ecs: store, ui, tables, target: { endpointKind: 'simulator', endpoint: sim.url }, readOnly: false }}
      controller={controller}
      theme={theme}
      scheduler={realScheduler}
    />,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      interactive: true,
      alternateScreen: true,
      incrementalRendering: true,
      maxFps: 30,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  const firstPaint = (stdout.writes[0]?.at ?? performance.now()) - begin;
  monitor.start();
  const deadline = performance.now() + 20_000;
  while (!stdout.writes.some((write) => write.text.includes('staging'))) {
    if (performance.now() > deadline) throw new Error('the clusters never showed');
    await sleep(5);
  }
  const withData = (stdout.writes.find((write) => write.text.includes('staging'))?.at ?? 0) - begin;
  monitor.stop();
  instance.unmount();
  await sim.close();
  return { firstPaintMs: firstPaint, firstDataFrameMs: withData, sinceScriptStartMs: performance.now() - started };
}

/** `ecsdeck --demo` in tmux (120x40): from the launch to the first screen that lists the clusters. */
function cliLaunch(): { firstDataFrameMs: number } | undefined {
  if (spawnSync('tmux', ['-V']).status !== 0) return undefined;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const socket = ['-L', `ecsdeck-bench-${process.pid}`];
  const stateDir = mkdtempSync(join(tmpdir(), 'ecsdeck-bench-'));
  const bin = join(root, 'node_modules', '.bin');
  const command = `cd ${root} && PATH=${bin}:$PATH ECSDECK_STATE_DIR=${stateDir} COLUMNS= LINES= tsx src/cli.ts --demo`;
  const begin = performance.now();
  spawnSync('tmux', [...socket, 'new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40', 'sh', '-c', command]);
  try {
    for (;;) {
      const screen = spawnSync('tmux', [...socket, 'capture-pane', '-p', '-t', 'bench'], { encoding: 'utf8' }).stdout;
      if (screen.includes('staging') && screen.includes('prod')) return { firstDataFrameMs: performance.now() - begin };
      if (performance.now() - begin > 30_000) return undefined;
    }
  } finally {
    spawnSync('tmux', [...socket, 'kill-server']);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const keypress = [];
for (const count of [100, 1_000, 10_000]) keypress.push(await keypressLatency(count, 60));
const bytes = await bytesPerRefresh();
const launch = await firstFrame();
const cli = cliLaunch();

const round = (value: number) => Math.round(value * 10) / 10;
console.log('keypress to frame (120x40, Tasks pane)');
for (const row of keypress) {
  console.log(
    `  ${String(row.taskCount).padStart(6)} tasks: median ${round(row.medianMs)} ms, p95 ${round(row.p95Ms)} ms`,
  );
}
console.log(
  `bytes per refresh with one task changing: median ${bytes.medianBytes} B, max ${bytes.maxBytes} B (full frame ${bytes.firstFrameBytes} B)`,
);
console.log(
  `demo, in-process: first paint ${round(launch.firstPaintMs)} ms, first frame with the clusters ${round(launch.firstDataFrameMs)} ms`,
);

if (cli) console.log(`ecsdeck --demo in tmux: first frame with the clusters ${round(cli.firstDataFrameMs)} ms`);

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'results', 'ui-latest.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), keypress, bytes, launch, cli }, null, 2)}\n`);
process.exit(0);
