/**
 * The app rendered with ink-testing-library (or a terminal of any size) over the real data layer: simulator, SDK
 * gateway, store and monitor on virtual time (test/poll/harness.ts). Frames are read as plain text.
 */
import { EventEmitter } from 'node:events';
import { render as inkRender } from 'ink';
import { render as testingRender } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { type ActionJournal, MemoryJournal } from '../../src/actions/journal.ts';
import { ActionRunner } from '../../src/actions/runner.ts';
import { createUiActions } from '../../src/actions/uiPort.ts';
import { SeededRandom } from '../../src/lib/random.ts';
import { lazyLogsAccess } from '../../src/logs/access.ts';
import { LastLinesCache } from '../../src/logs/lastLines.ts';
import { createSdkLogsGateway } from '../../src/logs/sdkLogsGateway.ts';
import { followScreen } from '../../src/metrics/follow.ts';
import { createMetricsGateway } from '../../src/metrics/gateway.ts';
import { MetricsPoller } from '../../src/metrics/poller.ts';
import type { FaultConfig } from '../../src/sim/server.ts';
import { App, CHROME_LINES } from '../../src/ui/app/App.tsx';
import { type AppExit, Controller, type UiActionPort } from '../../src/ui/app/controller.ts';
import { createUiStore, type UiStore } from '../../src/ui/app/uiStore.ts';
import { createPaneTables } from '../../src/ui/panes/registry.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { type Harness, startHarness } from '../poll/harness.ts';

// Ink asks `tput` for the size of a stdout without rows on every layout (a process spawn per frame): the test
// streams have none, so give terminal-size the answer through the environment.
process.env.COLUMNS ??= '100';
process.env.LINES ??= '30';

/**
 * Polls (real time, no sleeping on a timer) until `done` holds: Ink flushes a lone ESC after a short delay. Fails at
 * the deadline, well before a test's timeout, saying what it waited for (`what`, else the condition's source).
 */
export async function waitUntil(done: () => boolean, deadlineMs = 3_000, what?: string): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) {
      throw new Error(`waitUntil: gave up after ${deadlineMs} ms waiting for ${what ?? described(done)}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A condition as the test wrote it, for a failure message. */
function described(condition: (...args: never[]) => unknown): string {
  return condition.toString().replace(/\s+/g, ' ').slice(0, 300);
}

export interface FrameWait {
  /** Real time before giving up (default 20 s, under the 30 s test timeout). */
  deadlineMs?: number;
  /** What is awaited, for the failure message (default: the condition's source). */
  what?: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the terminal's own styling from frames
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;
export const plain = (text: string) => text.replace(ANSI, '');

/** A stdout of any size for Ink, keeping every write (debug mode writes whole frames). */
class SizedStdout extends EventEmitter {
  frames: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames[this.frames.length - 1];
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
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

interface Mounted {
  lastFrame(): string | undefined;
  stdin: { write(data: string): void };
  unmount(): void;
  resize?(columns: number, rows: number): void;
}

/** ink-testing-library at its fixed 100 columns; a sized fake terminal for anything wider. */
function mount(tree: ReactElement, columns: number, rows: number, sized: boolean): Mounted {
  if (columns <= 100 && !sized) {
    const rendered = testingRender(tree);
    return { lastFrame: rendered.lastFrame, stdin: rendered.stdin, unmount: rendered.unmount };
  }
  const stdout = new SizedStdout(columns, rows);
  const stdin = new FakeStdin();
  const instance = inkRender(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    lastFrame: stdout.lastFrame,
    stdin,
    unmount: instance.unmount,
    resize: (nextColumns, nextRows) => {
      stdout.columns = nextColumns;
      stdout.rows = nextRows;
      stdout.emit('resize');
    },
  };
}

export interface UiHarness {
  data: Harness;
  /** The CloudWatch poller (`metrics`), as the app wires it. */
  metrics?: MetricsPoller;
  /** The actions layer behind the UI (`withActions`), acting as "alice". */
  runner?: ActionRunner;
  journal: MemoryJournal;
  ui: UiStore;
  controller: Controller;
  copies: string[];
  exits: AppExit[];
  frame(): string;
  /** The last frame as the terminal gets it, styling included. */
  rawFrame(): string;
  /** Types keys (one chunk) and lets the frame catch up. */
  press(keys: string): Promise<void>;
  /**
   * Runs virtual time and real I/O until the frame satisfies `done`; fails at a real-time deadline (a number is the
   * deadline in ms) with what was awaited, how much virtual time went by and the last frame.
   */
  waitForFrame(done: (frame: string) => boolean, wait?: number | FrameWait): Promise<string>;
  /** Runs virtual time and real I/O until `done` holds; fails at a real-time deadline saying what was awaited. */
  runUntil(done: () => boolean, wait?: FrameWait & { stepMs?: number }): Promise<void>;
  /** Resizes the fake terminal (resizable harnesses only). */
  resize(columns: number, rows: number): Promise<void>;
  close(): Promise<void>;
}

export async function startUi(
  options: {
    columns?: number;
    rows?: number;
    readOnly?: boolean;
    actions?: UiActionPort;
    scenario?: string;
    /** Follow the (fake) terminal's size instead of a fixed one, so resize() can be tested. */
    resizable?: boolean;
    /** Wire a real ActionRunner over the harness's gateway and store (user "alice", read-only as the UI). */
    withActions?: boolean;
    /** The runner's journal (default: an in-memory one, `journal`). */
    journal?: ActionJournal;
    faults?: FaultConfig;
    /** CloudWatch Logs through the real SDK on the same simulator, and the last lines of stopped tasks (this many). */
    withLogs?: boolean | { lastLinesCount: number };
    /** Where the log view's `s` writes (default: the current directory). */
    logSaveDirectory?: string;
    /** Lines a log view keeps (default 50,000). */
    logCapacity?: number;
    /**
     * CloudWatch utilisation as the app reads it (its own gateway, budget and poller). Off by default: the request
     * counts the other UI tests assert are ECS's alone.
     */
    metrics?: boolean;
  } = {},
): Promise<UiHarness> {
  const columns = options.columns ?? 100;
  const rows = options.rows ?? 30;
  const data = await startHarness({
    sim: {
      ...(options.scenario ? { scenario: options.scenario } : {}),
      ...(options.faults ? { faults: options.faults } : {}),
    },
  });
  const journal = new MemoryJournal();
  const runner = options.withActions
    ? new ActionRunner({
        gateway: data.gateway,
        store: data.store,
        scheduler: data.scheduler,
        journal: options.journal ?? journal,
        user: 'alice',
        readOnly: options.readOnly === true,
        refresher: data.monitor,
      })
    : undefined;
  const actions = runner ? createUiActions(runner) : options.actions;
  const logs = options.withLogs
    ? lazyLogsAccess(() =>
        createSdkLogsGateway({
          endpoint: data.sim.url,
          simulator: true,
          budgetPerSecond: 1000,
          scheduler: data.scheduler,
        }).then((gateway) => {
          data.holdTimeFor(gateway);
          return gateway;
        }),
      )
    : undefined;
  const lastLines = logs
    ? new LastLinesCache({
        access: logs,
        taskDefinition: (arn) => data.monitor.taskDefinition(arn),
        clock: data.scheduler,
        ...(typeof options.withLogs === 'object' ? { count: options.withLogs.lastLinesCount } : {}),
      })
    : undefined;
  const theme = createTheme({ colour: false });
  const ui = createUiStore({ now: data.scheduler.now() });
  const tables = createPaneTables(theme);
  const copies: string[] = [];
  const exits: AppExit[] = [];
  const readOnly = options.readOnly === true;
  const controller = new Controller({
    ecs: data.store,
    ui,
    tables,
    monitor: data.monitor,
    scheduler: data.scheduler,
    readOnly,
    ...(actions ? { actions } : {}),
    ...(lastLines ? { lastLines } : {}),
    ...(logs ? { logs } : {}),
    ...(options.logSaveDirectory ? { logSaveDirectory: options.logSaveDirectory } : {}),
    ...(options.logCapacity ? { logCapacity: options.logCapacity } : {}),
    copy: (text) => {
      copies.push(text);
      return { copied: true, message: `Copied ${text}` };
    },
    exit: (result) => exits.push(result),
    bodyHeight: () => rows - CHROME_LINES,
    bodyWidth: () => columns,
  });
  const mounted = mount(
    <App
      services={{
        ecs: data.store,
        ui,
        tables,
        target: { endpointKind: 'simulator', endpoint: data.sim.url, region: 'us-east-1', profile: 'demo' },
        readOnly,
        ...(logs ? { logs } : {}),
        ...(lastLines ? { lastLines } : {}),
      }}
      controller={controller}
      theme={theme}
      scheduler={data.scheduler}
      {...(options.resizable ? {} : { size: { columns, rows } })}
    />,
    columns,
    rows,
    options.resizable === true,
  );
  data.monitor.start();
  let metrics: MetricsPoller | undefined;
  let unfollow = () => {};
  if (options.metrics) {
    const backoff = new SeededRandom(5);
    metrics = new MetricsPoller({
      gateway: createMetricsGateway({
        endpoint: data.sim.url,
        simulator: true,
        budgetPerSecond: 1,
        scheduler: data.scheduler,
        random: () => backoff.next(),
      }).then((gateway) => {
        data.holdTimeFor(gateway);
        return gateway;
      }),
      store: data.store,
      scheduler: data.scheduler,
    });
    unfollow = followScreen(ui, metrics);
    metrics.start();
  }
  const frame = () => plain(mounted.lastFrame() ?? '');
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    data,
    ...(metrics ? { metrics } : {}),
    ...(runner ? { runner } : {}),
    journal,
    ui,
    controller,
    copies,
    exits,
    frame,
    rawFrame: () => mounted.lastFrame() ?? '',
    press: async (keys) => {
      mounted.stdin.write(keys);
      await settle();
    },
    waitForFrame: async (done, wait = {}) => {
      const { deadlineMs = 20_000, what = described(done) } = typeof wait === 'number' ? { deadlineMs: wait } : wait;
      const startedAt = data.scheduler.now();
      try {
        await data.runUntil(() => done(frame()), { deadlineMs, stepMs: 250 });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const virtualSeconds = (data.scheduler.now() - startedAt) / 1000;
        throw new Error(
          `waitForFrame: gave up after ${deadlineMs} ms (${virtualSeconds} s of virtual time) waiting for ${what} ` +
            `(${reason}); the last frame:\n${frame()}`,
        );
      }
      await settle();
      return frame();
    },
    runUntil: async (done, { deadlineMs = 20_000, what = described(done), stepMs = 50 } = {}) => {
      const startedAt = data.scheduler.now();
      try {
        await data.runUntil(done, { deadlineMs, stepMs });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const virtualSeconds = (data.scheduler.now() - startedAt) / 1000;
        throw new Error(
          `runUntil: gave up after ${deadlineMs} ms (${virtualSeconds} s of virtual time) waiting for ${what} (${reason})`,
        );
      }
    },
    resize: async (nextColumns, nextRows) => {
      if (!mounted.resize) throw new Error('this harness has a fixed size');
      mounted.resize(nextColumns, nextRows);
      await settle();
    },
    close: async () => {
      mounted.unmount();
      unfollow();
      metrics?.stop();
      runner?.close();
      logs?.close();
      await data.close();
    },
  };
}
