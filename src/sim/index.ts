/**
 * The simulator in one call: read a scenario, build the model (with its warm-up), serve it over HTTP.
 * `ecsdeck sim`, `ecsdeck --demo` and the tests start it this way.
 */
import { type Clock, ScaledClock, systemClock } from '../lib/clock.ts';
import type { SimModel } from './model/model.ts';
import { readScenario } from './scenario/files.ts';
import { createScenarioModel, type LoadedScenario } from './scenario/load.ts';
import type { Scenario } from './scenario/types.ts';
import { type SimServer, type SimServerOptions, startSimServer } from './server.ts';

export { listScenarioNames, readScenario } from './scenario/files.ts';
export { createScenarioModel, type LoadedScenario, loadScenario, ScenarioError } from './scenario/load.ts';
export type { Scenario } from './scenario/types.ts';

export interface StartSimulatorOptions {
  /** A scenario name (`demo`, `large`) or a path to a scenario file. Default `demo`. */
  scenario?: string;
  /** Seeds every random draw of the simulation and the request ids. Default 1. */
  seed?: number;
  /** Simulated seconds per real second when the simulator makes its own clock. Default 1. */
  speed?: number;
  /** Default 0: the system picks a free port (read it from `url`). */
  port?: number;
  host?: string;
  /** The simulated clock. Default: real time scaled by `speed`, starting now. Tests pass a ManualClock. */
  clock?: Clock;
  /** The clock of throttling buckets, latency and the request log. Default: the system clock. */
  wallClock?: Clock;
  throttling?: SimServerOptions['throttling'];
  faults?: SimServerOptions['faults'];
  /** StartLiveTail's pacing, session timeout and concurrent-session limit (tests pass a VirtualScheduler). */
  liveTail?: SimServerOptions['liveTail'];
  /** Resolves relative scenario paths. Default: the process's working directory. */
  cwd?: string;
}

export interface RunningSimulator {
  server: SimServer;
  model: SimModel;
  /** http://127.0.0.1:<port> */
  url: string;
  scenarioName: string;
  scenario: Scenario;
  loaded: LoadedScenario;
  close(): Promise<void>;
}

/** Starts the simulator. Throws ScenarioError (one line: file and field) when the scenario is bad. */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError('speed must be a positive number');
  const seed = options.seed ?? 1;
  const { scenario, source } = readScenario(options.scenario ?? 'demo', options.cwd);
  const clock = options.clock ?? new ScaledClock(systemClock, systemClock.now(), speed);
  const { model, loaded } = createScenarioModel({ scenario, source, seed, clock });
  const serverOptions: SimServerOptions = { model, port: options.port ?? 0, seed };
  if (options.host !== undefined) serverOptions.host = options.host;
  if (options.wallClock !== undefined) serverOptions.wallClock = options.wallClock;
  if (options.throttling !== undefined) serverOptions.throttling = options.throttling;
  if (options.faults !== undefined) serverOptions.faults = options.faults;
  if (options.liveTail !== undefined) serverOptions.liveTail = options.liveTail;
  const server = await startSimServer(serverOptions);
  return {
    server,
    model,
    url: server.url,
    scenarioName: scenario.name,
    scenario,
    loaded,
    close: () => server.close(),
  };
}
