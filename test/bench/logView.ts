/**
 * Log view benchmark, in-process: the app as the product mounts it (runApp: alternate screen, incremental rendering,
 * 30 fps cap, the real scheduler) on a fake 120x40 terminal, with a log view open over one task whose live tail
 * delivers lines at a set rate (a logs gateway made here: lines every 10 ms, as CloudWatch's sessionUpdates come,
 * through the real follower, session, buffer and view).
 *
 * - lines per second sustained: for each offered rate, the lines the live tail managed to hand over per second
 *   (its timers share the one event loop with the view, so a view that cannot keep up slows them down), the event
 *   loop's delay (p50, p99), and the keypress latency (a key to its frame; `k`/`j` through the lines, following
 *   paused) with the lines arriving. Goal: 5,000 lines/s with a median keypress under 16 ms.
 * - memory at the bound: heap used (after a full GC) with the view's 50,000 lines loaded, against the same app
 *   before the view opened.
 *
 * Not part of `npm test` (timings depend on the machine). Run: `npm run bench:logs` (node --expose-gc). Prints a table
 * and writes test/bench/results/log-view.json.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Task, TaskDefinition } from '../../src/domain/model.ts';
import { realScheduler } from '../../src/lib/scheduler.ts';
import type { LiveTailUpdate, LogEvent, LogsAccess, LogsGateway } from '../../src/logs/types.ts';
import { addTaskDefinition, createEcsStore, setClusters, upsertTasks } from '../../src/store/store.ts';

process.env.NODE_ENV = 'production';
const { runApp } = await import('../../src/ui/app/runApp.tsx');
const { createUiStore } = await import('../../src/ui/app/uiStore.ts');

const COLUMNS = 120;
const ROWS = 40;
const CLUSTER_ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/bench';
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/bench/0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const DEFINITION_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1';
const RATES = (process.env.BENCH_RATES ?? '0,1000,5000,10000,20000').split(',').map(Number);
const TICK_MS = 10;
const WARMUP_MS = 1_000;
const PRESSES = 60;
const KEY_SPACING_MS = 50;

class FakeTerminalOut extends EventEmitter {
  readonly isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  readonly writes: number[] = [];
  write = (_chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    this.writes.push(performance.now());
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

const pause = (ms: number) => new Promise((resolvePause) => setTimeout(resolvePause, ms));

function nextWrite(out: FakeTerminalOut, after: number, deadlineMs = 2_000): Promise<number | undefined> {
  if (out.writes.length > after) return Promise.resolve(out.writes[after]);
  return new Promise((resolveWrite) => {
    const onWrite = () => {
      if (out.writes.length <= after) return;
      clearTimeout(timer);
      out.off('written', onWrite);
      resolveWrite(out.writes[after]);
    };
    const timer = setTimeout(() => {
      out.off('written', onWrite);
      resolveWrite(undefined);
    }, deadlineMs);
    out.on('written', onWrite);
  });
}

function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Lines as services write them: request lines, some warnings and errors, some JSON, ~100-200 characters. */
function message(n: number): string {
  switch (n % 10) {
    case 3:
      return `{"level":"warn","time":"2026-12-03T02:00:00Z","msg":"slow upstream","route":"/api/orders/${n}","ms":${n % 900},"trace":"${n.toString(16).padStart(16, '0')}"}`;
    case 7:
      return `2026-12-03T02:00:00.123Z ERROR payments: charge ${n} failed: upstream returned 503 after 3 retries (idempotency key ${n.toString(36)})`;
    default:
      return `2026-12-03T02:00:00.123Z INFO http: GET /api/orders/${n} 200 ${n % 97}ms bytes=${n % 4096} ua="Mozilla/5.0" req=${n.toString(36)}`;
  }
}

/** A live tail at `rate.perSecond`, in batches every TICK_MS; `sent` counts what it handed over. */
function benchLogs(rate: { perSecond: number; sent: number }): LogsAccess {
  const stats = { total: 0, throttled: 0, errors: 0, byOperation: {}, ratePerSecond: 0, inFlight: 0 };
  const gateway: LogsGateway = {
    target: { region: 'us-east-1' } as LogsGateway['target'],
    getLogEvents: async () => ({ events: [], nextForwardToken: 'f/0' }),
    filterLogEvents: async () => ({ events: [] }),
    async *startLiveTail(request, options): AsyncIterable<LiveTailUpdate> {
      yield { events: [], sampled: false };
      const stream = request.streamNames?.[0] ?? 'stream';
      let owed = 0;
      let last = performance.now();
      while (!options.signal?.aborted) {
        await pause(TICK_MS);
        const now = performance.now();
        owed += ((now - last) / 1000) * rate.perSecond;
        last = now;
        const count = Math.floor(owed);
        owed -= count;
        const events: LogEvent[] = [];
        for (let i = 0; i < count; i++) {
          const n = rate.sent++;
          events.push({ timestamp: Date.now(), message: message(n), stream });
        }
        if (events.length > 0) yield { events, sampled: false };
      }
    },
    stats: () => stats,
    budget: () => ({ ceiling: 2, effective: 2 }),
  };
  return { gateway: async () => gateway };
}

function filledStore() {
  const store = createEcsStore();
  setClusters(store, [{ clusterArn: CLUSTER_ARN, clusterName: 'bench', status: 'ACTIVE' }], { complete: true });
  const task: Task = {
    taskArn: TASK_ARN,
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: DEFINITION_ARN,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    group: 'service:web',
    startedAt: Date.now() - 600_000,
  };
  upsertTasks(store, [task], Date.now());
  const definition: TaskDefinition = {
    taskDefinitionArn: DEFINITION_ARN,
    containerDefinitions: [
      {
        name: 'app',
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/web', 'awslogs-stream-prefix': 'ecs' },
        },
      },
    ],
  };
  addTaskDefinition(store, definition);
  return store;
}

async function mount(rate: { perSecond: number; sent: number }) {
  const stdout = new FakeTerminalOut();
  const stdin = new FakeTerminalIn();
  const ui = createUiStore({ now: Date.now(), pane: 'tasks', cluster: CLUSTER_ARN });
  const exit = runApp({
    store: filledStore(),
    monitor: { focusCluster: () => {}, refreshNow: () => {} },
    target: { endpointKind: 'aws', region: 'us-east-1' },
    ui,
    logs: benchLogs(rate),
    scheduler: realScheduler,
    env: {},
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stdout as unknown as NodeJS.WriteStream,
  });
  if ((await nextWrite(stdout, 0)) === undefined) throw new Error('the app drew nothing');
  await pause(200);
  const quit = async () => {
    stdin.press('q');
    await pause(KEY_SPACING_MS);
    stdin.press('q');
    await exit;
  };
  return { stdout, stdin, ui, quit };
}

interface RateResult {
  mode: 'paused' | 'following';
  offeredPerSecond: number;
  sustainedPerSecond: number;
  /** Keys that drew a frame (all of them, unless the app froze). */
  presses: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  keyMedianMs: number;
  keyP95Ms: number;
  writesPerSecond: number;
}

/**
 * `paused`: following paused (`k` first), each key moves the cursor (`k`/`j`), lines keep arriving below.
 * `following`: the view follows the newest line, each key toggles wrap (`w`), which the header shows.
 */
async function measureRate(perSecond: number, mode: 'paused' | 'following'): Promise<RateResult> {
  const rate = { perSecond: 0, sent: 0 };
  const app = await mount(rate);
  app.stdin.press('l');
  await pause(300);
  // Lines to move through, then the offered rate (0: a still view, the baseline).
  rate.perSecond = 5_000;
  await pause(300);
  rate.perSecond = perSecond;
  await pause(WARMUP_MS);
  if (mode === 'paused') {
    app.stdin.press('k');
    await pause(KEY_SPACING_MS);
  }
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const sentBefore = rate.sent;
  const writesBefore = app.stdout.writes.length;
  const startedAt = performance.now();
  const latencies: number[] = [];
  for (let press = 0; press < PRESSES; press++) {
    const before = app.stdout.writes.length;
    const pressedAt = app.stdin.press(mode === 'following' ? 'w' : press % 2 === 0 ? 'k' : 'j');
    const drawnAt = await nextWrite(app.stdout, before);
    if (drawnAt !== undefined) latencies.push(drawnAt - pressedAt);
    await pause(KEY_SPACING_MS);
  }
  const elapsed = (performance.now() - startedAt) / 1000;
  delay.disable();
  const result: RateResult = {
    mode,
    offeredPerSecond: perSecond,
    sustainedPerSecond: Math.round((rate.sent - sentBefore) / elapsed),
    presses: latencies.length,
    loopDelayP50Ms: delay.percentile(50) / 1e6,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    keyMedianMs: quantile(latencies, 0.5),
    keyP95Ms: quantile(latencies, 0.95),
    writesPerSecond: Math.round((app.stdout.writes.length - writesBefore) / elapsed),
  };
  rate.perSecond = 0;
  await app.quit();
  return result;
}

interface MemoryResult {
  lines: number;
  heapBeforeMiB: number;
  heapAtBoundMiB: number;
  deltaMiB: number;
  bytesPerLine: number;
}

const heapMiB = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

async function memoryAtBound(): Promise<MemoryResult> {
  const rate = { perSecond: 0, sent: 0 };
  const app = await mount(rate);
  const heapBefore = heapMiB();
  app.stdin.press('l');
  await pause(300);
  rate.perSecond = 50_000;
  while (rate.sent < 60_000) await pause(100);
  rate.perSecond = 0;
  await pause(300);
  const heapAtBound = heapMiB();
  await app.quit();
  const delta = heapAtBound - heapBefore;
  return {
    lines: 50_000,
    heapBeforeMiB: Number(heapBefore.toFixed(1)),
    heapAtBoundMiB: Number(heapAtBound.toFixed(1)),
    deltaMiB: Number(delta.toFixed(1)),
    bytesPerLine: Math.round((delta * 1024 * 1024) / 50_000),
  };
}

if (!globalThis.gc) console.warn('run with node --expose-gc for the memory figures (npm run bench:logs does)');
const rates: RateResult[] = [];
for (const mode of ['paused', 'following'] as const) {
  for (const perSecond of RATES) rates.push(await measureRate(perSecond, mode));
}
const memory = await memoryAtBound();

console.log('\nlog view: lines arriving vs keys (120x40, production React)');
console.log('mode       offered/s  sustained/s  loop p50  loop p99  key median  key p95  writes/s');
for (const r of rates) {
  console.log(
    `${r.mode.padEnd(9)}  ${String(r.offeredPerSecond).padStart(9)}  ${String(r.sustainedPerSecond).padStart(11)}  ${r.loopDelayP50Ms.toFixed(1).padStart(6)} ms  ${r.loopDelayP99Ms.toFixed(1).padStart(6)} ms  ${r.keyMedianMs.toFixed(1).padStart(7)} ms  ${r.keyP95Ms.toFixed(1).padStart(5)} ms  ${String(r.writesPerSecond).padStart(8)}`,
  );
}
console.log(
  `\nmemory at the bound: ${memory.lines} lines, heap ${memory.heapBeforeMiB} MiB -> ${memory.heapAtBoundMiB} MiB (+${memory.deltaMiB} MiB, ~${memory.bytesPerLine} bytes a line)`,
);
const out = join(import.meta.dirname, 'results', 'log-view.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), rates, memory }, null, 2)}\n`);
process.exit(0);
