/**
 * The `ecsdeck` entry: checks Node, parses flags, runs the command. Heavy modules load only when a command needs
 * them, so --help and the Node check stay instant. Imported by nothing.
 */
import { readFileSync } from 'node:fs';
import { type CliCommand, CliUsageError, HELP_TEXT, nodeVersionProblem, parseCliArgs } from './cliArgs.ts';

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

/** True when `url` is an ecsdeck simulator (it answers GET /_sim/health): then dummy credentials will do. */
async function isSimulator(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/_sim/health', url), { signal: AbortSignal.timeout(1500) });
    return response.ok && /simulator|ok/i.test(await response.text());
  } catch {
    return false;
  }
}

/** `ecsdeck snapshot`: one pass through the data layer, printed. Errors are one sentence, exit 1. */
async function runSnapshot(command: CliCommand & { kind: 'snapshot' }): Promise<number> {
  const [{ createSdkGateway }, { realScheduler }, { buildSnapshot, collectSnapshotState }, text] = await Promise.all([
    import('./ecs/sdkGateway.ts'),
    import('./lib/scheduler.ts'),
    import('./poll/snapshot.ts'),
    import('./poll/snapshotText.ts'),
  ]);
  let simulator: { url: string; close(): Promise<void> } | undefined;
  try {
    if (command.demo) {
      const { startSimulator } = await import('./sim/index.ts');
      simulator = await startSimulator({ ...command.demo, port: 0 });
    }
    const endpoint = simulator?.url ?? command.endpointUrl;
    const gateway = await createSdkGateway({
      ...(endpoint ? { endpoint } : {}),
      ...(command.profile ? { profile: command.profile } : {}),
      ...(command.region ? { region: command.region } : {}),
      simulator: simulator !== undefined || (endpoint !== undefined && (await isSimulator(endpoint))),
      budgetPerSecond: command.budget,
      scheduler: realScheduler,
      maxAttempts: 3,
    });
    const state = await collectSnapshotState(gateway, () => Date.now());
    const snapshot = buildSnapshot(state, gateway.target, Date.now());
    process.stdout.write(command.json ? text.formatSnapshotJson(snapshot) : text.formatSnapshotText(snapshot));
    return 0;
  } catch (error) {
    const { GatewayError } = await import('./ecs/errors.ts');
    if (error instanceof GatewayError) {
      process.stderr.write(`ecsdeck: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await simulator?.close();
  }
}

/**
 * The terminal UI, on AWS (`ecsdeck`) or on an in-process simulator (`ecsdeck --demo`): gateway -> pollers ->
 * store -> UI, the flight recorder under them, the actions beside them. Loops when the user switches region or
 * profile (`:region`, `:profile`), rebuilding everything that depends on them.
 */
async function runInteractive(command: CliCommand & { kind: 'ui' | 'demo' }): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write(
      'ecsdeck: the interactive mode needs a terminal (stdin and stdout); for plain output use `ecsdeck snapshot` (or --json).\n',
    );
    return 2;
  }
  const { createSdkGateway } = await import('./ecs/sdkGateway.ts');
  const { GatewayError } = await import('./ecs/errors.ts');
  const { realScheduler } = await import('./lib/scheduler.ts');
  const monitorModule = await import('./poll/monitor.ts');
  const recording = await import('./poll/recording.ts');
  const recorderModule = await import('./recorder/index.ts');
  const actions = await import('./actions/index.ts');
  const ui = await import('./ui/app/runApp.tsx');
  const { createEcsStore } = await import('./store/store.ts');
  let simulator: { url: string; close(): Promise<void> } | undefined;
  if (command.kind === 'demo') {
    const { startSimulator } = await import('./sim/index.ts');
    simulator = await startSimulator({
      scenario: command.scenario,
      seed: command.seed,
      speed: command.speed,
      port: command.port,
    });
  }
  let region = command.kind === 'ui' ? command.region : undefined;
  let profile = command.kind === 'ui' ? command.profile : undefined;
  const endpoint = simulator?.url ?? (command.kind === 'ui' ? command.endpointUrl : undefined);
  const isSim = simulator !== undefined || (endpoint !== undefined && (await isSimulator(endpoint)));
  try {
    for (;;) {
      let gateway: Awaited<ReturnType<typeof createSdkGateway>>;
      try {
        gateway = await createSdkGateway({
          ...(endpoint ? { endpoint } : {}),
          ...(region ? { region } : {}),
          ...(profile ? { profile } : {}),
          simulator: isSim,
          budgetPerSecond: command.budget,
          scheduler: realScheduler,
        });
      } catch (error) {
        if (error instanceof GatewayError) {
          process.stderr.write(`ecsdeck: ${error.message}\n`);
          return 1;
        }
        throw error;
      }
      const store = createEcsStore();
      const recorder = new recorderModule.FlightRecorder({
        directory: recorderModule.stateDirectory(),
        fileName: recorderModule.recorderFileName({
          region: gateway.target.region,
          ...(gateway.target.profile ? { profile: gateway.target.profile } : {}),
          // The simulator's port changes every run: name it by scenario so its history carries over.
          ...(command.kind === 'demo' ? { endpoint: `simulator:${command.scenario}` } : endpoint ? { endpoint } : {}),
        }),
      });
      const loaded = await recorder.load();
      recording.restoreFromRecords(store, loaded.records, Date.now());
      const monitor = new monitorModule.Monitor({
        gateway,
        store,
        scheduler: realScheduler,
        cadence: monitorModule.scaledCadence(command.refresh),
        observer: recording.recordingObserver(recorder),
      });
      const runner = new actions.ActionRunner({
        gateway,
        store,
        scheduler: realScheduler,
        journal: actions.recorderJournal(recorder),
        readOnly: command.readOnly,
        refresher: monitor,
      });
      // The UI has confirmed what it showed; the runner refuses (read-only, a repeated intent) with one sentence.
      // Each handler answers with a result whose message the UI flashes.
      const execute = async (outcome: import('./actions/types.ts').PlanOutcome) =>
        'plan' in outcome ? runner.execute(outcome.plan) : { message: outcome.error, status: 'refused' };
      monitor.start();
      let exit: Awaited<ReturnType<typeof ui.runApp>>;
      try {
        exit = await ui.runApp({
          store,
          monitor,
          target: {
            endpointKind: gateway.target.kind,
            region: gateway.target.region,
            ...(gateway.target.profile ? { profile: gateway.target.profile } : {}),
            ...(gateway.target.endpoint ? { endpoint: gateway.target.endpoint } : {}),
          },
          options: {
            readOnly: command.readOnly,
            noColor: command.noColor,
            ...(command.cluster ? { cluster: command.cluster } : {}),
          },
          actions: {
            stopTasks: (tasks) => execute(runner.planStop(tasks)),
            drainInstances: (instances) => execute(runner.planDrain(instances)),
            activateInstances: (instances) => execute(runner.planActivate(instances)),
            rerunTask: async (task) => {
              const prepared = await runner.prepareRerun({
                taskArn: task.taskArn,
                clusterArn: task.clusterArn ?? '',
              });
              if (prepared.kind === 'standalone') return execute(prepared.run);
              if (prepared.kind === 'service') return { message: prepared.explanation, status: 'refused' };
              return { message: prepared.error, status: 'refused' };
            },
          },
        });
      } finally {
        monitor.stop();
        runner.close();
        await recorder.close();
      }
      if (exit.kind === 'quit') return 0;
      region = exit.region ?? region;
      profile = exit.profile ?? profile;
    }
  } finally {
    await simulator?.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const problem = nodeVersionProblem(process.versions.node);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`ecsdeck: ${error.message}\n`);
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
      return runInteractive(command);
    case 'snapshot':
      return runSnapshot(command);
    case 'demo':
      return runInteractive(command);
    case 'sim':
      try {
        return await serveSimulator(command);
      } catch (error) {
        const { ScenarioError } = await import('./sim/index.ts');
        const code = (error as NodeJS.ErrnoException).code;
        if (error instanceof ScenarioError) process.stderr.write(`ecsdeck: ${error.message}\n`);
        else if (code === 'EADDRINUSE') process.stderr.write(`ecsdeck: port ${command.port} is already in use.\n`);
        else if (code === 'EACCES') process.stderr.write(`ecsdeck: not allowed to listen on port ${command.port}.\n`);
        else throw error;
        return 1;
      }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `ecsdeck: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
