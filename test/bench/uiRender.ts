/**
 * UI rendering benchmarks, in-process: the app as the product mounts it (runApp: alternate screen, incremental
 * rendering, 30 fps cap) drawing to a fake 120x40 terminal, fed a store of N synthetic tasks in one cluster, on a
 * virtual clock (so only what the benchmark does causes a frame).
 *
 * - keypress to frame: `j` through the Tasks pane of 1,000 and 10,000 tasks (100 as a floor): time from the key
 *   reaching stdin to the frame's write; median and p95. Goal: flat in the row count, median under one 60 Hz frame.
 * - bytes per refresh: a steady screen where one visible task changes state (as a poll would write it); the bytes of
 *   that frame against the bytes of a whole frame. Goal: a few hundred.
 * - renders per refresh: the React components that render for that one task's change, and for one second of the
 *   clock passing with nothing changing, counted from React's commits (the DevTools hook). Goal: the changed rows
 *   and the header; nothing for a tick.
 *
 * The virtual clock follows the wall clock while the app runs (as the real one would), so the app's own timers (the
 * clock that ages "3s ago") run during the measurements as they do in the app that ships.
 *
 * Not part of `npm test` (timings depend on the machine). Run: `node --expose-gc --import tsx test/bench/uiRender.ts`
 * (add `--dev-react` for React's development build). Prints a table and writes test/bench/results/ui-render.json.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Task } from '../../src/domain/model.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { createEcsStore, type EcsStore, setClusters, upsertTasks } from '../../src/store/store.ts';
import { installRenderCounter } from '../ui/renderCounter.ts';

/**
 * React as shipped: the bundle (esbuild.config.ts) defines NODE_ENV=production, and React's development build costs
 * about twice as much per frame. `--dev-react` measures the development build (what `tsx src/cli.ts` runs).
 * Set before React is first imported: runApp is imported after this line, dynamically.
 */
const reactBuild = process.argv.includes('--dev-react') ? 'development' : 'production';
process.env.NODE_ENV = reactBuild;

/** React's renders by component, counted only while `rendersPerRefresh` measures (timings go without the walk). */
const renderCounter = installRenderCounter({ counting: false });
const { runApp } = await import('../../src/ui/app/runApp.tsx');

const COLUMNS = 120;
const ROWS = 40;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/bench';
/** Past the app's 30 fps cap, so every key gets a frame of its own rather than joining the previous one. */
const KEY_SPACING_MS = 50;
const PRESSES = 150;
const ROUNDS = 3;
const WARMUP_PRESSES = 20;

/** A stdout that is a 120x40 terminal and remembers every write with its time. */
class FakeTerminalOut extends EventEmitter {
  readonly isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  readonly writes: { at: number; bytes: number }[] = [];
  write = (chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    this.writes.push({ at: performance.now(), bytes });
    this.emit('written');
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') done();
    return true;
  };
  getColorDepth() {
    return 8;
  }
  hasColors() {
    return true;
  }
}

/** A stdin in raw mode that Ink reads through 'readable' and read(), like ink-testing-library's. */
class FakeTerminalIn extends EventEmitter {
  readonly isTTY = true;
  #pending: string | null = null;
  press(data: string): number {
    this.#pending = data;
    const at = performance.now();
    this.emit('readable');
    return at;
  }
  read = (): string | null => {
    const data = this.#pending;
    this.#pending = null;
    return data;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

function syntheticTask(index: number): Task {
  const id = index.toString(16).padStart(32, '0');
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/bench/${id}`,
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/svc-${index % 50}:3`,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    healthStatus: 'HEALTHY',
    group: `service:svc-${String(index % 50).padStart(2, '0')}`,
    startedBy: 'ecs-svc/1',
    launchType: 'FARGATE',
    availabilityZone: `us-east-1${'abc'[index % 3]}`,
    version: 3,
    createdAt: NOW - 3_600_000 + index * 100,
    pullStartedAt: NOW - 3_590_000 + index * 100,
    pullStoppedAt: NOW - 3_580_000 + index * 100,
    startedAt: NOW - 3_570_000 + index * 100,
  };
}

function filledStore(taskCount: number): EcsStore {
  const store = createEcsStore();
  setClusters(store, [{ clusterArn: CLUSTER_ARN, clusterName: 'bench', status: 'ACTIVE' }], { complete: true });
  upsertTasks(
    store,
    Array.from({ length: taskCount }, (_, index) => syntheticTask(index)),
    NOW,
  );
  return store;
}

const pause = (ms: number) => new Promise((resolvePause) => setTimeout(resolvePause, ms));

/** Waits (on the write itself, no polling) for a write past index `after`, at most `deadlineMs`; its time. */
function nextWrite(out: FakeTerminalOut, after: number, deadlineMs = 5_000): Promise<number | undefined> {
  if (out.writes.length > after) return Promise.resolve(out.writes[after]?.at);
  return new Promise((resolveWrite) => {
    const onWrite = () => {
      if (out.writes.length <= after) return;
      clearTimeout(timer);
      out.off('written', onWrite);
      resolveWrite(out.writes[after]?.at);
    };
    const timer = setTimeout(() => {
      out.off('written', onWrite);
      resolveWrite(undefined);
    }, deadlineMs);
    out.on('written', onWrite);
  });
}

function sumBytes(out: FakeTerminalOut, from: number): number {
  return out.writes.slice(from).reduce((sum, write) => sum + write.bytes, 0);
}

/** Mounts the app on the fake terminal with the Tasks pane in front. */
async function mount(store: EcsStore) {
  const stdout = new FakeTerminalOut();
  const stdin = new FakeTerminalIn();
  const scheduler = new VirtualScheduler(NOW);
  // The virtual clock keeps up with the wall clock, so the app's own timers fire as they would for real.
  const startedAt = performance.now();
  const follow = setInterval(() => {
    const behind = NOW + (performance.now() - startedAt) - scheduler.now();
    if (behind > 0) void scheduler.advance(behind);
  }, 100);
  const exit = runApp({
    store,
    monitor: { focusCluster: () => {}, refreshNow: () => {} },
    target: { endpointKind: 'aws', region: 'us-east-1' },
    options: { cluster: 'bench' },
    scheduler,
    env: {},
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
  });
  if ((await nextWrite(stdout, 0)) === undefined) throw new Error('the app drew nothing');
  await pause(KEY_SPACING_MS);
  const firstFrameBytes = sumBytes(stdout, 0);
  const before = stdout.writes.length;
  stdin.press('4');
  if ((await nextWrite(stdout, before)) === undefined) throw new Error('the Tasks pane never drew');
  await pause(KEY_SPACING_MS);
  const paneSwitchBytes = sumBytes(stdout, before);
  const quit = async () => {
    clearInterval(follow);
    stdin.press('q');
    await exit;
  };
  return { stdout, stdin, scheduler, follow, quit, firstFrameBytes, paneSwitchBytes };
}

function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

interface LatencyResult {
  taskCount: number;
  presses: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** CPU time (user + system) from the key to its frame: what the work costs, apart from waiting for a busy core. */
  medianCpuMs: number;
  missedFrames: number;
}

interface LatencySamples {
  wallMs: number[];
  cpuMs: number[];
  missedFrames: number;
}

/** One mounted app, `presses` keys (after a few unmeasured ones), samples appended to `into`. */
async function measureKeys(taskCount: number, presses: number, into: LatencySamples): Promise<void> {
  const store = filledStore(taskCount);
  const app = await mount(store);
  // Down through the list, and back up from its end (a key at the end moves nothing and draws nothing).
  let row = 0;
  let step = 1;
  for (let press = 0; press < WARMUP_PRESSES + presses; press++) {
    if (row + step < 0 || row + step >= taskCount) step = -step;
    row += step;
    const before = app.stdout.writes.length;
    const cpuBefore = process.cpuUsage();
    const pressedAt = app.stdin.press(step > 0 ? 'j' : 'k');
    const drawnAt = await nextWrite(app.stdout, before, 2_000);
    const cpu = process.cpuUsage(cpuBefore);
    if (drawnAt === undefined) into.missedFrames++;
    else if (press >= WARMUP_PRESSES) {
      into.wallMs.push(drawnAt - pressedAt);
      into.cpuMs.push((cpu.user + cpu.system) / 1000);
    }
    await pause(KEY_SPACING_MS);
  }
  await app.quit();
}

/**
 * Every size measured in each of ROUNDS rounds, in a rotating order, so neither the JIT warming up nor a burst of
 * load from elsewhere on the machine favours one size.
 */
async function keypressLatency(sizes: readonly number[]): Promise<LatencyResult[]> {
  const samples = new Map(sizes.map((size) => [size, { wallMs: [], cpuMs: [], missedFrames: 0 } as LatencySamples]));
  await measureKeys(1_000, 40, { wallMs: [], cpuMs: [], missedFrames: 0 });
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < sizes.length; i++) {
      const size = sizes[(i + round) % sizes.length] as number;
      globalThis.gc?.();
      await measureKeys(size, Math.ceil(PRESSES / ROUNDS), samples.get(size) as LatencySamples);
    }
  }
  return sizes.map((taskCount) => {
    const { wallMs, cpuMs, missedFrames } = samples.get(taskCount) as LatencySamples;
    return {
      taskCount,
      presses: wallMs.length,
      medianMs: quantile(wallMs, 0.5),
      p95Ms: quantile(wallMs, 0.95),
      maxMs: Math.max(...wallMs),
      medianCpuMs: quantile(cpuMs, 0.5),
      missedFrames,
    };
  });
}

interface BytesResult {
  taskCount: number;
  refreshes: number;
  medianBytes: number;
  maxBytes: number;
  /** The frame that brought the Tasks pane in front: the whole body redrawn. */
  paneSwitchBytes: number;
  /** The first frame of all, header to footer. */
  firstFrameBytes: number;
}

/** One visible task flips RUNNING <-> DEACTIVATING per refresh; everything else stays as it was. */
async function bytesPerRefresh(taskCount: number): Promise<BytesResult> {
  const store = filledStore(taskCount);
  const app = await mount(store);
  // The first row under the default sort (by group): task 0, in service:svc-00.
  const changing = syntheticTask(0);
  const samples: number[] = [];
  for (let refresh = 0; refresh < 30; refresh++) {
    const before = app.stdout.writes.length;
    const lastStatus = refresh % 2 === 0 ? 'DEACTIVATING' : 'RUNNING';
    upsertTasks(store, [{ ...changing, lastStatus, version: 4 + refresh }], NOW);
    if ((await nextWrite(app.stdout, before)) === undefined) throw new Error('the change drew nothing');
    // Everything Ink writes for this change (a throttled trailing frame included) before the next one.
    await pause(KEY_SPACING_MS * 2);
    samples.push(sumBytes(app.stdout, before));
  }
  await app.quit();
  return {
    taskCount,
    refreshes: samples.length,
    medianBytes: quantile(samples, 0.5),
    maxBytes: Math.max(...samples),
    paneSwitchBytes: app.paneSwitchBytes,
    firstFrameBytes: app.firstFrameBytes,
  };
}

interface RenderCounts {
  taskCount: number;
  /** Components rendered, by name, for one visible task changing (median over the refreshes, per component). */
  perRefresh: Record<string, number>;
  /** Components rendered when one second passes and nothing changes. */
  perTick: Record<string, number>;
}

const countsSince = (start: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(
    Object.entries(renderCounter.counts())
      .map(([name, count]) => [name, count - (start[name] ?? 0)] as const)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/** React renders for one task changing on a steady Tasks pane, then for a second of clock with nothing changing. */
async function rendersPerRefresh(taskCount: number): Promise<RenderCounts> {
  const store = filledStore(taskCount);
  const app = await mount(store);
  // The clock from here on moves only when this measurement moves it.
  clearInterval(app.follow);
  await pause(KEY_SPACING_MS * 2);
  renderCounter.setCounting(true);
  const changing = syntheticTask(0);
  const refreshes: Record<string, number>[] = [];
  for (let refresh = 0; refresh < 10; refresh++) {
    const start = renderCounter.counts();
    const lastStatus = refresh % 2 === 0 ? 'DEACTIVATING' : 'RUNNING';
    upsertTasks(store, [{ ...changing, lastStatus, version: 4 + refresh }], app.scheduler.now());
    await pause(KEY_SPACING_MS * 2);
    refreshes.push(countsSince(start));
  }
  const names = [...new Set(refreshes.flatMap((counts) => Object.keys(counts)))].sort();
  const medianOf = (name: string) =>
    quantile(
      refreshes.map((counts) => counts[name] ?? 0),
      0.5,
    );
  const perRefresh = Object.fromEntries(
    names.map((name) => [name, medianOf(name)] as const).filter(([, median]) => median > 0),
  );
  const tickStart = renderCounter.counts();
  await app.scheduler.advance(1_000);
  await pause(KEY_SPACING_MS * 2);
  const perTick = countsSince(tickStart);
  renderCounter.setCounting(false);
  await app.quit();
  return { taskCount, perRefresh, perTick };
}

const renderCounts = await rendersPerRefresh(1_000);
const latency = await keypressLatency([100, 1_000, 10_000]);
const bytes = await bytesPerRefresh(1_000);

const round = (value: number) => Math.round(value * 100) / 100;
const lines = [
  `keypress to frame, j through the Tasks pane (${COLUMNS}x${ROWS}, ${PRESSES} presses each, React ${reactBuild} build)`,
];
for (const row of latency) {
  lines.push(
    `  ${String(row.taskCount).padStart(6)} tasks: median ${round(row.medianMs)} ms, p95 ${round(row.p95Ms)} ms, max ${round(row.maxMs)} ms, CPU median ${round(row.medianCpuMs)} ms${row.missedFrames > 0 ? `, ${row.missedFrames} keys drew nothing` : ''}`,
  );
}
const small = latency.find((row) => row.taskCount === 1_000);
const large = latency.find((row) => row.taskCount === 10_000);
if (small && large) lines.push(`  10,000 vs 1,000 rows: median x${round(large.medianMs / small.medianMs)}`);
lines.push(
  `bytes per refresh with one task changing (${bytes.taskCount} tasks, ${COLUMNS}x${ROWS}): median ${bytes.medianBytes} B, max ${bytes.maxBytes} B; for comparison the pane switch ${bytes.paneSwitchBytes} B, the first frame ${bytes.firstFrameBytes} B`,
);
const describeCounts = (counts: Record<string, number>) => {
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const each = Object.entries(counts).map(([name, count]) => `${name} ${count}`);
  return `${total} (${each.join(', ') || 'none'})`;
};
lines.push(
  `React renders per refresh with one task changing (${renderCounts.taskCount} tasks): ${describeCounts(renderCounts.perRefresh)}`,
  `React renders per second of clock, nothing changing: ${describeCounts(renderCounts.perTick)}`,
);
process.stdout.write(`${lines.join('\n')}\n`);

const out = join(dirname(new URL(import.meta.url).pathname), 'results', 'ui-render.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, reactBuild, latency, bytes, renderCounts }, null, 2)}\n`,
);
process.exit(0);
