/**
 * The `ecsdeck` entry: checks Node, parses flags, runs the command. Heavy modules load only when a command needs
 * them, so --help and the Node check stay instant. Imported by nothing.
 */
import { readFileSync } from 'node:fs';
import {
  type CliCommand,
  CliUsageError,
  DEFAULT_BUDGET,
  HELP_TEXT,
  LOGS_DEFAULT_LINES,
  LOGS_MAX_LINES,
  LOGS_POLL_SECONDS,
  nodeVersionProblem,
  parseCliArgs,
  SNAPSHOT_ATTEMPT_SECONDS,
  SNAPSHOT_ATTEMPTS,
  SNAPSHOT_DEADLINE_SECONDS,
} from './cliArgs.ts';
import { sanitizeText } from './domain/sanitize.ts';
import { COMMAND_LIST } from './keymap/keymap.ts';
import { ConfigError, type EcsdeckConfig, effectiveSettings, loadConfig, withoutAwsSettings } from './lib/config.ts';

// React's development build costs 1.5-2x the CPU per frame; the UI is imported later, dynamically, so this
// takes effect for it. Through a local name: the bundle defines `process.env.NODE_ENV` as a constant at build time.
const environment = process.env;
environment.NODE_ENV ??= 'production';

/**
 * One sentence on stderr. Messages echo flag values, file names and remote text: they go through the sanitiser, so
 * no escape sequence or control byte from them reaches the terminal.
 */
function complain(message: string): void {
  process.stderr.write(`ecsdeck: ${sanitizeText(message, { maxLength: 1000 })}\n`);
}

/**
 * The problem with a scenario (name or file), checked before anything starts: one sentence naming file and field.
 * A scenario shipped in the package has none (the tests read each one): the simulator reads it when it starts, after
 * the first frame, which the reader and its parse would otherwise delay.
 */
async function scenarioProblem(scenario: string): Promise<string | undefined> {
  const { shippedScenarioFile } = await import('./sim/scenario/names.ts');
  if (shippedScenarioFile(scenario) !== undefined) return undefined;
  const [{ readScenario }, { ScenarioError }] = await Promise.all([
    import('./sim/scenario/files.ts'),
    import('./sim/scenario/errors.ts'),
  ]);
  try {
    readScenario(scenario);
    return undefined;
  } catch (error) {
    if (error instanceof ScenarioError) return error.message;
    throw error;
  }
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}

/** Serves the simulator until SIGINT/SIGTERM, then closes it. */
async function serveSimulator(command: CliCommand & { kind: 'sim' }): Promise<number> {
  const { startSimulator } = await import('./sim/index.ts');
  const simulator = await startSimulator({
    scenario: command.scenario,
    seed: command.seed,
    speed: command.speed,
    port: command.port,
  });
  const { url } = simulator;
  const clusters = simulator.scenario.clusters.map((cluster) => cluster.name).join(', ');
  const lines = [
    `ecsdeck simulator: scenario "${simulator.scenarioName}" (seed ${command.seed}, speed ${command.speed}x), clusters: ${clusters}`,
    `Endpoint: ${url}`,
    '',
    'Use it with the AWS CLI (any credentials work, the region is us-east-1):',
    `  AWS_ACCESS_KEY_ID=sim AWS_SECRET_ACCESS_KEY=sim aws ecs list-clusters --endpoint-url ${url} --region us-east-1`,
    `or with an SDK: AWS_ENDPOINT_URL_ECS=${url} AWS_REGION=us-east-1 (plus any credentials).`,
  ];
  lines.push('Press Ctrl-C to stop.', '');
  process.stdout.write(lines.join('\n'));

  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  await simulator.close();
  process.stdout.write('Simulator stopped.\n');
  return 0;
}

/**
 * The snapshot's time limit in milliseconds: SNAPSHOT_DEADLINE_SECONDS, which --help states. The tests shorten it
 * through ECSDECK_SNAPSHOT_DEADLINE_MS rather than wait half a minute; nothing else should set it.
 */
function snapshotDeadlineMs(): number {
  const override = Number(process.env.ECSDECK_SNAPSHOT_DEADLINE_MS);
  return Number.isSafeInteger(override) && override > 0 ? override : SNAPSHOT_DEADLINE_SECONDS * 1000;
}

/** `ecsdeck snapshot`: one pass through the data layer, printed. Errors are one sentence, exit 1. */
async function runSnapshot(command: CliCommand & { kind: 'snapshot' }, config: EcsdeckConfig): Promise<number> {
  const [
    { createSdkGateway },
    { isSimulatorEndpoint },
    { realScheduler },
    { buildSnapshot, collectSnapshotState, SNAPSHOT_GATEWAY_SETTINGS },
    text,
  ] = await Promise.all([
    import('./ecs/sdkGateway.ts'),
    import('./ecs/simulatorProbe.ts'),
    import('./lib/scheduler.ts'),
    import('./poll/snapshot.ts'),
    import('./poll/snapshotText.ts'),
  ]);
  const settings = effectiveSettings(
    command.demo ? withoutAwsSettings(config) : config,
    { profile: command.profile, region: command.region, budget: command.budget },
    { defaultBudget: DEFAULT_BUDGET },
  );
  let simulator: { url: string; close(): Promise<void> } | undefined;
  // However the endpoint behaves (silent, a byte a second, pages without end), the snapshot ends in bounded time.
  const deadlineMs = snapshotDeadlineMs();
  const deadline = new AbortController();
  const deadlineTimer = setTimeout(() => deadline.abort(), deadlineMs);
  let where = 'the ECS endpoint';
  let recorder: import('./recorder/index.ts').FlightRecorder | undefined;
  try {
    if (command.demo) {
      const { startSimulator } = await import('./sim/index.ts');
      simulator = await startSimulator({ ...command.demo, port: 0 });
    }
    const endpoint = simulator?.url ?? command.endpointUrl;
    const gateway = await createSdkGateway({
      ...(endpoint ? { endpoint } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.region ? { region: settings.region } : {}),
      simulator: simulator !== undefined || (endpoint !== undefined && (await isSimulatorEndpoint(endpoint))),
      budgetPerSecond: settings.budget,
      scheduler: realScheduler,
      ...SNAPSHOT_GATEWAY_SETTINGS,
      maxAttempts: SNAPSHOT_ATTEMPTS,
      requestTimeoutMs: Math.min(SNAPSHOT_ATTEMPT_SECONDS * 1000, deadlineMs),
    });
    where = gateway.target.endpoint ?? `ECS in ${gateway.target.region}`;
    // The flight recorder of the same target as the interactive mode: its history joins the failures, what this
    // pass sees is recorded. When it cannot work, one line on stderr says so and the snapshot goes on without it.
    // A simulator's history belongs to its own run, which a one-pass snapshot has none of: no recorder then.
    if (gateway.target.kind !== 'simulator') {
      const { FlightRecorder, recorderFileName, stateDirectory } = await import('./recorder/index.ts');
      const opened = new FlightRecorder({
        clock: realScheduler,
        directory: stateDirectory(),
        fileName: recorderFileName({
          region: gateway.target.region,
          ...(gateway.target.profile ? { profile: gateway.target.profile } : {}),
          ...(command.endpointUrl ? { endpoint: command.endpointUrl } : {}),
        }),
        onProblem: complain,
      });
      recorder = (await opened.open()) === undefined ? opened : undefined;
    }
    const { recordingObserver } = await import('./poll/recording.ts');
    const history = recorder ? (await recorder.load()).records : undefined;
    const state = await collectSnapshotState(gateway, () => Date.now(), {
      signal: deadline.signal,
      ...(history ? { history } : {}),
      ...(recorder ? { observer: recordingObserver(recorder) } : {}),
    });
    const snapshot = buildSnapshot(state, gateway.target, Date.now());
    process.stdout.write(command.json ? text.formatSnapshotJson(snapshot) : text.formatSnapshotText(snapshot));
    return 0;
  } catch (error) {
    const [{ GatewayError }, { ScenarioError }] = await Promise.all([
      import('./ecs/errors.ts'),
      import('./sim/scenario/errors.ts'),
    ]);
    if (error instanceof GatewayError) {
      complain(
        deadline.signal.aborted
          ? `snapshot gave up after ${formatSeconds(deadlineMs)}: ${where} had not finished answering ${error.operation}.`
          : error.message,
      );
      return 1;
    }
    // The simulator's model refused part of the scenario: as bad as a bad flag.
    if (error instanceof ScenarioError) {
      complain(error.message);
      return 2;
    }
    throw error;
  } finally {
    clearTimeout(deadlineTimer);
    await recorder?.close();
    await simulator?.close();
  }
}

/**
 * `ecsdeck logs CLUSTER TASK`: the task through ECS, its lines through CloudWatch Logs (each with its own budget),
 * printed until done or, with --follow, until ctrl-c. Errors are one sentence, exit 1.
 */
async function runLogs(command: CliCommand & { kind: 'logs' }, config: EcsdeckConfig): Promise<number> {
  const [{ createSdkGateway }, { createSdkLogsGateway }, { isSimulatorEndpoint }, { realScheduler }, taskLogs] =
    await Promise.all([
      import('./ecs/sdkGateway.ts'),
      import('./logs/sdkLogsGateway.ts'),
      import('./ecs/simulatorProbe.ts'),
      import('./lib/scheduler.ts'),
      import('./logs/command.ts'),
    ]);
  const settings = effectiveSettings(
    command.demo ? withoutAwsSettings(config) : config,
    { profile: command.profile, region: command.region, budget: command.budget, logsBudget: command.logsBudget },
    { defaultBudget: DEFAULT_BUDGET },
  );
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  let simulator: { url: string; close(): Promise<void> } | undefined;
  let logs: import('./logs/sdkLogsGateway.ts').SdkLogsGateway | undefined;
  try {
    if (command.demo) {
      const { startSimulator } = await import('./sim/index.ts');
      simulator = await startSimulator({ ...command.demo, port: 0 });
    }
    const endpoint = simulator?.url ?? command.endpointUrl;
    const onSimulator = simulator !== undefined || (endpoint !== undefined && (await isSimulatorEndpoint(endpoint)));
    const where = {
      ...(endpoint ? { endpoint } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(settings.region ? { region: settings.region } : {}),
      simulator: onSimulator,
      scheduler: realScheduler,
      maxAttempts: SNAPSHOT_ATTEMPTS,
      requestTimeoutMs: SNAPSHOT_ATTEMPT_SECONDS * 1000,
    };
    const ecs = await createSdkGateway({ ...where, budgetPerSecond: settings.budget });
    logs = await createSdkLogsGateway({ ...where, budgetPerSecond: settings.logsBudget });
    return await taskLogs.printTaskLogs(
      ecs,
      logs,
      {
        cluster: command.cluster,
        task: command.task,
        ...(command.container !== undefined ? { container: command.container } : {}),
        ...(command.sinceMs !== undefined ? { sinceMs: command.sinceMs } : {}),
        follow: command.follow,
        json: command.json,
        newestLines: LOGS_DEFAULT_LINES,
        maxLines: LOGS_MAX_LINES,
        pollIntervalMs: LOGS_POLL_SECONDS * 1000,
      },
      {
        out: (text) => process.stdout.write(text),
        note: complain,
        signal: interrupted.signal,
        scheduler: realScheduler,
      },
    );
  } catch (error) {
    const [{ GatewayError }, { ScenarioError }] = await Promise.all([
      import('./ecs/errors.ts'),
      import('./sim/scenario/errors.ts'),
    ]);
    // ctrl-c while reading: nothing went wrong.
    if (interrupted.signal.aborted) return 0;
    if (error instanceof GatewayError) {
      complain(error.sentence);
      return 1;
    }
    if (error instanceof taskLogs.TaskLogsError) {
      complain(error.message);
      return 1;
    }
    if (error instanceof ScenarioError) {
      complain(error.message);
      return 2;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    logs?.close();
    await simulator?.close();
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Reads the config file for the commands that use it; a bad file is one sentence and exit 2, before anything runs. */
function readConfig(): EcsdeckConfig | number {
  try {
    return loadConfig({ commandIds: COMMAND_LIST.map((command) => command.id) }).config;
  } catch (error) {
    if (error instanceof ConfigError) {
      complain(error.message);
      return 2;
    }
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${sanitizeText(problem)}\n`);
    return 1;
  }
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) {
      complain(error.message);
      return 2;
    }
    throw error;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(HELP_TEXT);
      return 0;
    case 'version':
      process.stdout.write(`ecsdeck ${packageVersion()}\n`);
      return 0;
    case 'ui':
    case 'demo':
    case 'logs':
    case 'snapshot': {
      const config = readConfig();
      if (typeof config === 'number') return config;
      const scenario =
        command.kind === 'demo'
          ? command.scenario
          : command.kind === 'snapshot' || command.kind === 'logs'
            ? command.demo?.scenario
            : undefined;
      const problem = scenario === undefined ? undefined : await scenarioProblem(scenario);
      if (problem) {
        complain(problem);
        return 2;
      }
      if (command.kind === 'snapshot') return runSnapshot(command, config);
      if (command.kind === 'logs') return runLogs(command, config);
      const { runInteractive } = await import('./interactive.ts');
      return runInteractive(command, config);
    }
    case 'sim':
      try {
        return await serveSimulator(command);
      } catch (error) {
        const { ScenarioError } = await import('./sim/index.ts');
        const code = (error as NodeJS.ErrnoException).code;
        if (error instanceof ScenarioError) {
          complain(error.message);
          return 2;
        }
        if (code === 'EADDRINUSE') complain(`port ${command.port} is already in use.`);
        else if (code === 'EACCES') complain(`not allowed to listen on port ${command.port}.`);
        else throw error;
        return 1;
      }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `ecsdeck: unexpected error: ${sanitizeText(error instanceof Error ? (error.stack ?? error.message) : String(error), { multiline: true })}\n`,
    );
    process.exit(1);
  },
);
