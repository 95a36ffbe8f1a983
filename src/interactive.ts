/**
 * The terminal UI as a command: `ecsdeck` on AWS (or --endpoint-url) and `ecsdeck --demo` on an in-process
 * simulator. Everything the first frame needs is imported statically here, so it loads as one piece; the SDK and the
 * simulator are dynamic imports that run only after the first frame.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionRunner, recorderJournal } from './actions/index.ts';
import { type ActionJournal, MemoryJournal } from './actions/journal.ts';
import { createUiActions } from './actions/uiPort.ts';
import { type CliCommand, DEFAULT_BUDGET, DEFAULT_METRICS_BUDGET } from './cliArgs.ts';
import { sanitizeText } from './domain/sanitize.ts';
import { DeferredGateway } from './ecs/deferredGateway.ts';
import type { GatewayTarget } from './ecs/gateway.ts';
import { isSimulatorEndpoint } from './ecs/simulatorProbe.ts';
import { keyOverrideProblem } from './keymap/keymap.ts';
import { configLocation, type EcsdeckConfig, effectiveSettings, withoutAwsSettings } from './lib/config.ts';
import { realScheduler } from './lib/scheduler.ts';
import { firstFrameDrawn } from './lib/startupCache.ts';
import { lazyLogsAccess } from './logs/access.ts';
import { LastLinesCache } from './logs/lastLines.ts';
import { followScreen } from './metrics/follow.ts';
import { MetricsPoller } from './metrics/poller.ts';
import type { MetricsGateway } from './metrics/types.ts';
import { Monitor, type MonitorObserver, scaledCadence } from './poll/monitor.ts';
import { recordingObserver, restoreFromRecords } from './poll/recording.ts';
import {
  FlightRecorder,
  recorderFileName,
  type SimulatorRun,
  simulatorRecorderFileName,
  stateDirectory,
} from './recorder/index.ts';
import { createEcsStore } from './store/store.ts';
import type { TargetInfo } from './ui/app/context.ts';
import type { AppExit } from './ui/app/controller.ts';
import { runApp } from './ui/app/runApp.tsx';
import { createUiStore, setNotice } from './ui/app/uiStore.ts';

interface Simulator {
  url: string;
  close(): Promise<void>;
}

/**
 * The terminal UI, on AWS (`ecsdeck`) or on an in-process simulator (`ecsdeck --demo`): gateway -> pollers ->
 * store -> UI, the flight recorder under them, the actions beside them. Loops when the user switches region or
 * profile (`:region`, `:profile`), rebuilding everything that depends on them, with that profile's settings.
 *
 * The first frame comes first: the UI mounts over a DeferredGateway, and only then are the SDK (the heaviest module)
 * and the simulator loaded, the gateway connected, the recorder's history restored and the pollers started.
 */
export async function runInteractive(
  command: CliCommand & { kind: 'ui' | 'demo' },
  config: EcsdeckConfig,
): Promise<number> {
  // Key overrides are checked against the whole keymap before anything starts: a conflict is one sentence, exit 2.
  const keyProblem = config.keys ? keyOverrideProblem(config.keys) : undefined;
  if (keyProblem) {
    process.stderr.write(`ecsdeck: ${sanitizeText(`${configLocation().display}: ${keyProblem}.`)}\n`);
    return 2;
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'ecsdeck: the interactive mode needs a terminal (stdin and stdout); for plain output use `ecsdeck snapshot` (or --json).\n',
    );
    return 2;
  }
  const demo = command.kind === 'demo';
  let simulatorStart: Promise<Simulator> | undefined;
  const simulator = (): Promise<Simulator> => {
    if (!demo) throw new Error('no simulator outside --demo');
    simulatorStart ??= import('./sim/index.ts').then(({ startSimulator }) =>
      startSimulator({ scenario: command.scenario, seed: command.seed, speed: command.speed, port: command.port }),
    );
    return simulatorStart;
  };
  const endpointFlag = command.kind === 'ui' ? command.endpointUrl : undefined;
  let endpointIsSimulator: Promise<boolean> | undefined;
  // A simulator starts afresh each run and its seeded ids repeat: its history is this run's alone, in a directory of
  // its own that goes when the run ends (the state directory keeps real accounts' histories only).
  const startedAt = Date.now();
  let simulatorDirectory: Promise<string> | undefined;
  const simulatorRecorder = async (run: SimulatorRun) => {
    simulatorDirectory ??= mkdtemp(join(tmpdir(), 'ecsdeck-demo-'));
    return { directory: await simulatorDirectory, fileName: simulatorRecorderFileName(run) };
  };
  // What the user chose inside the app (`:region`, `:profile`) wins over the flags, as the flags win over the config.
  let chosenRegion = command.kind === 'ui' ? command.region : undefined;
  let chosenProfile = command.kind === 'ui' ? command.profile : undefined;
  try {
    for (;;) {
      const settings = effectiveSettings(
        demo ? withoutAwsSettings(config) : config,
        {
          profile: chosenProfile,
          region: chosenRegion,
          refresh: command.refresh,
          budget: command.budget,
          logsBudget: command.logsBudget,
          metricsBudget: command.metricsBudget,
          readOnly: command.readOnly,
          noColor: command.noColor,
        },
        { defaultBudget: DEFAULT_BUDGET },
      );
      const gateway = new DeferredGateway(
        demo
          ? { kind: 'simulator', region: SIMULATOR_REGION }
          : {
              kind: endpointFlag ? 'custom' : 'aws',
              region: settings.region ?? process.env.AWS_REGION ?? '',
              ...(settings.profile ? { profile: settings.profile } : {}),
              ...(endpointFlag ? { endpoint: endpointFlag } : {}),
            },
        settings.budget,
      );
      // The header reads this object; it is completed in place once the SDK has resolved the region and endpoint.
      const target: TargetInfo = targetInfo(gateway.target);
      const store = createEcsStore();
      let recording: MonitorObserver | undefined;
      let journal: ActionJournal | undefined;
      let recorder: FlightRecorder | undefined;
      const monitor = new Monitor({
        gateway,
        store,
        scheduler: realScheduler,
        cadence: scaledCadence(settings.refresh),
        observer: {
          transitions: (entries) => recording?.transitions?.(entries),
          failedTasks: (tasks, observedAt) => recording?.failedTasks?.(tasks, observedAt),
          placementFailures: (entries) => recording?.placementFailures?.(entries),
        },
      });
      const runner = new ActionRunner({
        gateway,
        store,
        scheduler: realScheduler,
        // The journal is the flight recorder's, opened once the gateway is connected: until then no call goes out.
        journal: {
          before: (entry) => {
            if (!journal) throw new Error('the flight recorder is still opening, try again in a moment');
            journal.before(entry);
          },
          after: (entry) => journal?.after(entry),
          failure: (failure, context) => journal?.failure?.(failure, context),
        },
        readOnly: settings.readOnly,
        refresher: monitor,
      });
      // CloudWatch Logs: its SDK loads when a log is first opened, with the same credentials, region and endpoint.
      const logs = lazyLogsAccess(async () => {
        const { createSdkLogsGateway } = await import('./logs/sdkLogsGateway.ts');
        const endpoint = demo ? (await simulator()).url : endpointFlag;
        if (endpointFlag) endpointIsSimulator ??= isSimulatorEndpoint(endpointFlag);
        return createSdkLogsGateway({
          ...(endpoint ? { endpoint } : {}),
          ...(settings.region ? { region: settings.region } : {}),
          ...(settings.profile ? { profile: settings.profile } : {}),
          simulator: demo || ((await endpointIsSimulator) ?? false),
          budgetPerSecond: settings.logsBudget,
          scheduler: realScheduler,
        });
      });
      // CloudWatch utilisation: its own SDK, budget and poller, made after the first frame like the ECS gateway.
      let provideMetricsGateway: (gateway: Promise<MetricsGateway>) => void = () => {};
      const metrics = new MetricsPoller({
        gateway: new Promise<MetricsGateway>((resolve) => {
          provideMetricsGateway = resolve;
        }),
        store,
        scheduler: realScheduler,
      });
      let running = true;
      const ui = createUiStore({ now: realScheduler.now() });
      const unfollowScreen = followScreen(ui, metrics);
      const appExit = runApp({
        ui,
        store,
        monitor,
        target,
        options: {
          readOnly: settings.readOnly,
          noColor: settings.noColor,
          keys: settings.keys,
          ...(settings.banner !== undefined ? { banner: settings.banner } : {}),
          ...(command.cluster ? { cluster: command.cluster } : {}),
        },
        // Plans for the confirmation dialogs, execution of what the user confirmed, the runner's events.
        actions: createUiActions(runner),
        logs,
        // The last lines of the stopped tasks on screen, with the task definitions the monitor caches.
        lastLines: new LastLinesCache({
          access: logs,
          taskDefinition: (arn) => monitor.taskDefinition(arn),
          clock: realScheduler,
        }),
      });
      // runApp has mounted the first frame synchronously; let it reach the terminal before the heavy imports.
      firstFrameDrawn();
      const connecting = (async () => {
        await new Promise((resolveSoon) => setImmediate(resolveSoon));
        const connected = await gateway
          .connect(async () => {
            const { createSdkGateway } = await import('./ecs/sdkGateway.ts');
            const endpoint = demo ? (await simulator()).url : endpointFlag;
            if (endpointFlag) endpointIsSimulator ??= isSimulatorEndpoint(endpointFlag);
            return createSdkGateway({
              ...(endpoint ? { endpoint } : {}),
              ...(settings.region ? { region: settings.region } : {}),
              ...(settings.profile ? { profile: settings.profile } : {}),
              simulator: demo || ((await endpointIsSimulator) ?? false),
              budgetPerSecond: settings.budget,
              scheduler: realScheduler,
            });
          })
          .catch(() => undefined);
        if (connected) {
          Object.assign(target, targetInfo(connected.target));
          const location = demo
            ? await simulatorRecorder({ scenario: command.scenario, seed: command.seed, startedAt })
            : endpointFlag && (await endpointIsSimulator)
              ? await simulatorRecorder({ scenario: `endpoint ${endpointFlag}`, startedAt })
              : {
                  directory: stateDirectory(),
                  fileName: recorderFileName({
                    region: connected.target.region,
                    ...(connected.target.profile ? { profile: connected.target.profile } : {}),
                    ...(endpointFlag ? { endpoint: endpointFlag } : {}),
                  }),
                };
          const opened = new FlightRecorder({
            clock: realScheduler,
            onProblem: (sentence) => setNotice(ui, sanitizeText(sentence)),
            ...location,
          });
          // A directory that cannot be used costs at most the open's deadline; the app goes on without recording
          // (the status line says so), and the journal keeps this session's actions in memory.
          if ((await opened.open()) === undefined) {
            const loaded = await opened.load();
            restoreFromRecords(store, loaded.records, realScheduler.now());
            recorder = opened;
            recording = recordingObserver(opened);
            journal = recorderJournal(opened);
          } else {
            journal = new MemoryJournal();
          }
        }
        // Without a gateway the pollers still run: each feed then shows why it cannot read ECS.
        if (running) monitor.start();
        provideMetricsGateway(
          (async () => {
            const { createMetricsGateway } = await import('./metrics/gateway.ts');
            const endpoint = demo ? (await simulator()).url : endpointFlag;
            return createMetricsGateway({
              ...(endpoint ? { endpoint } : {}),
              ...(settings.region ? { region: settings.region } : {}),
              ...(settings.profile ? { profile: settings.profile } : {}),
              simulator: demo || ((await endpointIsSimulator) ?? false),
              budgetPerSecond: settings.metricsBudget ?? DEFAULT_METRICS_BUDGET,
              scheduler: realScheduler,
            });
          })(),
        );
        if (running) metrics.start();
      })();
      let exit: AppExit;
      try {
        exit = await appExit;
      } finally {
        running = false;
        monitor.stop();
        metrics.stop();
        unfollowScreen();
        runner.close();
        logs.close();
        await connecting.catch(() => undefined);
        monitor.stop();
        await recorder?.close();
      }
      if (exit.kind === 'quit') return 0;
      chosenRegion = exit.region ?? chosenRegion;
      chosenProfile = exit.profile ?? chosenProfile;
    }
  } finally {
    if (simulatorStart) await (await simulatorStart.catch(() => undefined))?.close();
    const directory = await simulatorDirectory?.catch(() => undefined);
    if (directory) await rm(directory, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** The region the simulator answers in. */
const SIMULATOR_REGION = 'us-east-1';

function targetInfo(target: GatewayTarget): TargetInfo {
  return {
    endpointKind: target.kind,
    ...(target.region ? { region: target.region } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
  };
}
