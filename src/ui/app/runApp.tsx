/**
 * Mounts the app fullscreen (alternate screen, incremental rendering) and resolves when the user quits, or asks
 * to reopen on another region or profile. The caller owns the store, the monitor and the process.
 */
import { render } from 'ink';
import { createKeymap, type KeyOverrides } from '../../keymap/keymap.ts';
import { copyToClipboard } from '../../lib/osc52.ts';
import { realScheduler, type Scheduler } from '../../lib/scheduler.ts';
import type { LastLinesCache } from '../../logs/lastLines.ts';
import type { LogsAccess } from '../../logs/types.ts';
import type { EcsStore } from '../../store/store.ts';
import { createPaneTables } from '../panes/registry.ts';
import { colourWanted, createTheme } from '../theme/theme.ts';
import { App } from './App.tsx';
import type { TargetInfo } from './context.ts';
import { type AppExit, Controller, type MonitorLike, type UiActionPort } from './controller.ts';
import { createUiStore, type UiStore } from './uiStore.ts';

export interface RunAppOptions {
  store: EcsStore;
  monitor: MonitorLike;
  target: TargetInfo;
  options?: {
    readOnly?: boolean;
    /** `--no-color`; NO_COLOR in `env` is honoured too. */
    noColor?: boolean;
    /** Open on this cluster (name or ARN). */
    cluster?: string;
    ascii?: boolean;
    /** The profile's banner from the config file, e.g. "PRODUCTION". */
    banner?: string;
    /** Key overrides from the config file (command id -> keys); a conflict throws KeymapError before anything draws. */
    keys?: KeyOverrides;
  };
  /** The actions layer: `createUiActions(runner)` (actions/uiPort.ts). */
  actions?: UiActionPort;
  /** CloudWatch Logs, its client made on first use (logs/access.ts). */
  logs?: LogsAccess;
  /** The last lines of stopped tasks, read through `logs` for what is on screen. */
  lastLines?: LastLinesCache;
  /** The UI's store, when the caller wants to reach the status line (setNotice); a fresh one otherwise. */
  ui?: UiStore;
  scheduler?: Scheduler;
  env?: Readonly<Record<string, string | undefined>>;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

export async function runApp(run: RunAppOptions): Promise<AppExit> {
  const scheduler = run.scheduler ?? realScheduler;
  const env = run.env ?? process.env;
  const stdout = run.stdout ?? process.stdout;
  const theme = createTheme({
    colour: colourWanted(env, run.options?.noColor === true),
    ascii: run.options?.ascii === true,
  });
  const keymap = createKeymap(run.options?.keys ?? {});
  const banner = run.options?.banner;
  const ui = run.ui ?? createUiStore({ now: scheduler.now() });
  const tables = createPaneTables(theme);
  const readOnly = run.options?.readOnly === true;
  let bodyHeight = 10;
  let bodyWidth = 80;
  let finish: (result: AppExit) => void = () => {};
  const finished = new Promise<AppExit>((resolve) => {
    finish = resolve;
  });
  const controller = new Controller({
    ecs: run.store,
    ui,
    tables,
    monitor: run.monitor,
    scheduler,
    readOnly,
    keymap,
    ...(run.actions ? { actions: run.actions } : {}),
    ...(run.logs ? { logs: run.logs } : {}),
    ...(run.lastLines ? { lastLines: run.lastLines } : {}),
    copy: (text) => copyToClipboard(text, { env, isTTY: stdout.isTTY === true, write: (s) => stdout.write(s) }),
    exit: (result) => finish(result),
    bodyHeight: () => bodyHeight,
    bodyWidth: () => bodyWidth,
  });
  const instance = render(
    <App
      services={{
        ecs: run.store,
        ui,
        tables,
        target: run.target,
        readOnly,
        keymap,
        ...(banner !== undefined ? { banner } : {}),
        ...(run.logs ? { logs: run.logs } : {}),
        ...(run.lastLines ? { lastLines: run.lastLines } : {}),
      }}
      controller={controller}
      theme={theme}
      scheduler={scheduler}
      {...(run.options?.cluster ? { initialCluster: run.options.cluster } : {})}
      onLayout={(height, width) => {
        bodyHeight = height;
        bodyWidth = width;
      }}
    />,
    {
      stdout,
      ...(run.stdin ? { stdin: run.stdin } : {}),
      ...(run.stderr ? { stderr: run.stderr } : {}),
      // A terminal is interactive even when CI is set in the environment (Ink would otherwise draw only at exit).
      interactive: stdout.isTTY === true,
      alternateScreen: true,
      incrementalRendering: true,
      maxFps: 30,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  // A crash inside React ends the app too; Ink restores the screen on unmount either way.
  const crashed = instance.waitUntilExit().then(
    (): AppExit => ({ kind: 'quit' }),
    (error: unknown) => {
      throw error;
    },
  );
  const result = await Promise.race([finished, crashed]);
  instance.unmount();
  await instance.waitUntilExit().catch(() => undefined);
  return result;
}
