/**
 * Command-line parsing for the `ecsdeck` entry: pure (argv in, a command or a CliUsageError out), so every rule
 * is tested without spawning a process. A flag that is not given stays undefined, so the config file can supply it.
 */

import { formatCount } from './domain/count.ts';
import { BUDGET_RANGE, DEFAULT_LOGS_BUDGET_PER_SECOND, REFRESH_RANGE } from './lib/config.ts';

export const MINIMUM_NODE_MAJOR = 22;

export interface SimulatorFlags {
  scenario: string;
  seed: number;
  speed: number;
  port: number;
}

/** Where the calls go and how many per second at most. */
export interface AwsFlags {
  profile?: string;
  region?: string;
  /** `--endpoint-url` (AWS_ENDPOINT_URL_ECS is read later, by the SDK). */
  endpointUrl?: string;
  /** `--budget`: ECS calls per second, all operations together (default: the config's, else DEFAULT_BUDGET). */
  budget?: number;
  /** `--metrics-budget`: CloudWatch GetMetricData calls per second (default: the config's, else 1). */
  metricsBudget?: number;
  /** `--logs-budget`: CloudWatch Logs calls per second (default: the config's, else 2). */
  logsBudget?: number;
}

/** `ecsdeck logs CLUSTER TASK`: one task's CloudWatch Logs, printed. */
export interface LogsFlags {
  cluster: string;
  /** The task's id or ARN. */
  task: string;
  /** Only this container (by name). */
  container?: string;
  /** `--since 15m`: from this long ago (ms); absent, the newest LOGS_DEFAULT_LINES lines of each container. */
  sinceMs?: number;
  follow: boolean;
  json: boolean;
}

export interface UiFlags {
  cluster?: string;
  readOnly: boolean;
  /** `--refresh`: seconds between refreshes of the focused cluster. */
  refresh?: number;
  noColor: boolean;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  /** `ecsdeck sim ...`: the simulator alone. */
  | ({ kind: 'sim' } & SimulatorFlags)
  /** `ecsdeck --demo [SCENARIO]`: the product on the simulator. */
  | ({ kind: 'demo' } & SimulatorFlags & UiFlags & { budget?: number; logsBudget?: number; metricsBudget?: number })
  /** `ecsdeck` against AWS (or --endpoint-url): the terminal UI. */
  | ({ kind: 'ui' } & AwsFlags & UiFlags)
  /** `ecsdeck snapshot [--json]`: one pass, printed; with --demo, of an in-process demo simulator. */
  | ({ kind: 'snapshot'; json: boolean; demo?: SimulatorFlags } & AwsFlags)
  /** `ecsdeck logs CLUSTER TASK ...`: a task's logs on stdout; with --demo, of an in-process demo simulator. */
  | ({ kind: 'logs'; demo?: SimulatorFlags } & LogsFlags & AwsFlags);

/** Lines per container `ecsdeck logs` prints without --since. */
export const LOGS_DEFAULT_LINES = 1000;
/** Lines per container `ecsdeck logs --since` prints at most (the oldest are left out, said on stderr). */
export const LOGS_MAX_LINES = 50_000;
/** Seconds between two GetLogEvents polls of `ecsdeck logs --follow` when live tail is refused. */
export const LOGS_POLL_SECONDS = 2;

/** Calls per second when --budget is not given: well under ECS's sustained rate of about 20 per category. */
export const DEFAULT_BUDGET = 10;
/** CloudWatch calls per second when --metrics-budget is not given: utilisation needs about one call a minute. */
export const DEFAULT_METRICS_BUDGET = 1;

/**
 * `ecsdeck snapshot` gives up after this long in all, however the endpoint behaves. Generous: a large account read
 * at the default budget, or ECS throttling that is waited out (up to two minutes), takes minutes, not seconds.
 */
export const SNAPSHOT_DEADLINE_SECONDS = 300;
/** Each ECS call of a snapshot: one attempt is abandoned after this long, and a call is tried this many times. */
export const SNAPSHOT_ATTEMPT_SECONDS = 10;
export const SNAPSHOT_ATTEMPTS = 3;

/** A command line that cannot be run; the message is one sentence for the user (exit status 2). */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export const HELP_TEXT = `ecsdeck: a terminal UI for Amazon ECS, with a built-in ECS simulator.

Usage:
  ecsdeck [--profile P] [--region R] [--endpoint-url URL] [--cluster NAME] [--read-only]
          [--refresh SECONDS] [--budget REQ_PER_SEC] [--metrics-budget REQ_PER_SEC] [--no-color]
      Monitor ECS with the standard AWS credential chain (AWS_PROFILE, AWS_REGION, SSO, ~/.aws/config).
  ecsdeck snapshot [--json] [--profile P] [--region R] [--endpoint-url URL] [--budget N] [--demo [SCENARIO]]
      One pass over the account, printed as text (80 columns) or JSON; no terminal needed. A call with no
      complete answer within ${SNAPSHOT_ATTEMPT_SECONDS} s is abandoned, ${SNAPSHOT_ATTEMPTS} tries each: a silent or slow endpoint ends it with one
      sentence and exit status 1 in about ${SNAPSHOT_ATTEMPTS * SNAPSHOT_ATTEMPT_SECONDS} seconds, and nothing makes it last over ${SNAPSHOT_DEADLINE_SECONDS / 60} minutes.
  ecsdeck logs CLUSTER TASK [--container C] [--since 15m] [--follow] [--json] [--profile P] [--region R]
          [--endpoint-url URL] [--logs-budget N] [--budget N] [--demo [SCENARIO]]
      A task's CloudWatch Logs (awslogs) on stdout, one line an event, sanitised: "container | time | message"
      (no container when there is one), or with --json one object a line {timestamp, container, stream, message}.
      Without --since the newest ${LOGS_DEFAULT_LINES} lines of each container; --since 30s, 15m, 2h or 1d reads from then on
      (at most ${formatCount(LOGS_MAX_LINES)} lines a container). --follow keeps printing (CloudWatch Logs live tail; where it is
      refused, GetLogEvents every ${LOGS_POLL_SECONDS} s, said on stderr) until ctrl-c. A failure is one sentence on stderr, exit 1.
  ecsdeck sim [--port N] [--scenario NAME|FILE] [--seed N] [--speed X]
      Run the ECS simulator alone and print its endpoint, for the AWS CLI (--endpoint-url) or any SDK.
  ecsdeck --demo [SCENARIO] [--seed N] [--speed X] [--port N]
      Start the simulator with the demo scenario (or SCENARIO) and monitor it.
  ecsdeck --version | --help

Options:
  --profile P       AWS profile (default: AWS_PROFILE or the default profile)
  --region R        AWS region (default: AWS_REGION or the profile's region)
  --endpoint-url U  endpoint of every AWS service (also AWS_ENDPOINT_URL_ECS, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
                    AWS_ENDPOINT_URL_CLOUDWATCH), e.g. a simulator from \`ecsdeck sim\`
  --cluster NAME    open on this cluster
  --read-only       no action at all: every mutating key is disabled
  --refresh S       seconds between refreshes of the focused cluster (default 5)
  --budget N        at most N ECS API calls per second, all together (default ${DEFAULT_BUDGET})
  --logs-budget N   at most N CloudWatch Logs API calls per second, all together (default ${DEFAULT_LOGS_BUDGET_PER_SECOND})
  --metrics-budget N  at most N CloudWatch GetMetricData calls per second (default ${DEFAULT_METRICS_BUDGET})
  --no-color        no colours (NO_COLOR is honoured too)
  --json            (snapshot, logs) print JSON instead of text
  --container C     (logs) only this container
  --since D         (logs) from D ago: 30s, 15m, 2h, 1d
  --follow          (logs) keep printing new lines until ctrl-c

Simulator options:
  --port N        port on 127.0.0.1 (default 0: a free port, printed at start)
  --scenario S    a scenario name (demo, large) or a path to a scenario .json file (default demo)
  --seed N        seed of every random draw; the same seed replays the same story (default 1)
  --speed X       simulated seconds per real second (default 1)

Configuration:
  $XDG_CONFIG_HOME/ecsdeck/config.json (else ~/.config/ecsdeck/config.json; ECSDECK_CONFIG names another file):
  defaults for profile, region, refresh, budget, logsBudget, metricsBudget, theme and keys, and per profile
  readOnly, banner, region, budget, logsBudget and metricsBudget. Flags win over the file, a profile's settings over
  its defaults.
`;

const SIMULATOR_DEFAULTS: SimulatorFlags = { scenario: 'demo', seed: 1, speed: 1, port: 0 };

/** The problem with running on this Node.js version, or undefined when it is new enough. */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, '').split('.')[0] ?? '', 10);
  if (Number.isFinite(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return (
    `ecsdeck needs Node.js ${MINIMUM_NODE_MAJOR} or newer, but this is Node.js ${version.replace(/^v/, '')}: ` +
    `run it through npm in the repository (npm run demo, npm run sim), which uses the pinned Node ${MINIMUM_NODE_MAJOR}, ` +
    `or install Node.js ${MINIMUM_NODE_MAJOR}.`
  );
}

/** Splits `--flag=value` into `--flag value` so both spellings parse the same. */
function normalise(argv: readonly string[]): string[] {
  return argv.flatMap((arg) => {
    if (!arg.startsWith('--')) return [arg];
    const eq = arg.indexOf('=');
    return eq < 0 ? [arg] : [arg.slice(0, eq), arg.slice(eq + 1)];
  });
}

function parseInteger(flag: string, text: string, min: number, max: number, what: string): number {
  const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new CliUsageError(`${flag} needs ${what} (got "${text}").`);
  return value;
}

function parseSpeed(text: string): number {
  const value = /^[0-9]*\.?[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || value > 10_000)
    throw new CliUsageError(
      `--speed needs a positive number of simulated seconds per second, at most 10000 (got "${text}").`,
    );
  return value;
}

function parseRefresh(text: string): number {
  const value = /^[0-9]*\.?[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= REFRESH_RANGE.min) || value > REFRESH_RANGE.max)
    throw new CliUsageError(
      `--refresh needs a number of seconds from ${REFRESH_RANGE.min} to ${REFRESH_RANGE.max} (got "${text}").`,
    );
  return value;
}

function parseBudget(text: string, flag = '--budget'): number {
  const value = /^[0-9]*\.?[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= BUDGET_RANGE.min) || value > BUDGET_RANGE.max)
    throw new CliUsageError(
      `${flag} needs a number of calls per second from ${BUDGET_RANGE.min} to ${BUDGET_RANGE.max} (got "${text}").`,
    );
  return value;
}

function parseLogsBudget(text: string): number {
  const value = /^[0-9]*\.?[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= BUDGET_RANGE.min) || value > BUDGET_RANGE.max)
    throw new CliUsageError(
      `--logs-budget needs a number of calls per second from ${BUDGET_RANGE.min} to ${BUDGET_RANGE.max} (got "${text}").`,
    );
  return value;
}

const DAY_MS = 86_400_000;
const SINCE_UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

/** `30s`, `15m`, `2h`, `1d` in milliseconds (at most 30 days: CloudWatch's shortest retention is a day anyway). */
export function parseSince(text: string): number {
  const match = /^([0-9]{1,6})([smhd])$/.exec(text);
  const ms = match ? Number(match[1]) * (SINCE_UNITS[match[2] as string] as number) : Number.NaN;
  if (!(ms > 0) || ms > 30 * DAY_MS)
    throw new CliUsageError(`--since needs a duration such as 30s, 15m, 2h or 1d, at most 30d (got "${text}").`);
  return ms;
}

function parseEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(`--endpoint-url needs a URL such as http://127.0.0.1:4566 (got "${text}").`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliUsageError(`--endpoint-url needs an http:// or https:// URL (got "${text}").`);
  return text;
}

type Mode = 'sim' | 'demo' | 'ui' | 'snapshot' | 'logs';

const MODE_LABEL: Record<Mode, string> = {
  sim: 'ecsdeck sim',
  demo: 'ecsdeck --demo',
  ui: 'ecsdeck',
  snapshot: 'ecsdeck snapshot',
  logs: 'ecsdeck logs',
};

/** The flags each mode accepts. */
const ACCEPTS: Record<Mode, ReadonlySet<string>> = {
  sim: new Set(['--port', '--scenario', '--seed', '--speed']),
  demo: new Set([
    '--demo',
    '--port',
    '--scenario',
    '--seed',
    '--speed',
    '--cluster',
    '--read-only',
    '--refresh',
    '--budget',
    '--logs-budget',
    '--metrics-budget',
    '--no-color',
  ]),
  ui: new Set([
    '--profile',
    '--region',
    '--endpoint-url',
    '--cluster',
    '--read-only',
    '--refresh',
    '--budget',
    '--logs-budget',
    '--metrics-budget',
    '--no-color',
  ]),
  snapshot: new Set([
    '--json',
    '--profile',
    '--region',
    '--endpoint-url',
    '--budget',
    '--demo',
    '--scenario',
    '--seed',
    '--speed',
  ]),
  logs: new Set([
    '--json',
    '--container',
    '--since',
    '--follow',
    '--profile',
    '--region',
    '--endpoint-url',
    '--budget',
    '--logs-budget',
    '--demo',
    '--scenario',
    '--seed',
    '--speed',
  ]),
};

/** Parses `process.argv.slice(2)`. Throws CliUsageError with a one-sentence message. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const args = normalise(argv);
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  if (args.includes('--version') || args.includes('-V')) return { kind: 'version' };

  let mode: Mode;
  let rest: string[];
  if (args[0] === 'sim') {
    mode = 'sim';
    rest = args.slice(1);
  } else if (args[0] === 'snapshot') {
    mode = 'snapshot';
    rest = args.slice(1);
  } else if (args[0] === 'logs') {
    mode = 'logs';
    rest = args.slice(1);
  } else if (args[0] !== undefined && !args[0].startsWith('-')) {
    throw new CliUsageError(
      `unknown command "${args[0]}" (the commands are: sim, snapshot, logs; see ecsdeck --help).`,
    );
  } else {
    mode = args.includes('--demo') ? 'demo' : 'ui';
    rest = args;
  }

  const simulator: SimulatorFlags = { ...SIMULATOR_DEFAULTS };
  const aws: AwsFlags = {};
  const ui: UiFlags = { readOnly: false, noColor: false };
  let json = false;
  let demoRequested = false;
  const positional: string[] = [];
  const logs: { container?: string; sinceMs?: number; follow: boolean } = { follow: false };
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const takeValue = (): string => {
      const value = rest[i + 1];
      if (value === undefined || (value.startsWith('--') && value.length > 2))
        throw new CliUsageError(`${arg} needs a value (see ecsdeck --help).`);
      i += 1;
      return value;
    };
    if (!arg.startsWith('-')) {
      if (mode === 'logs' && positional.length < 2) {
        positional.push(arg);
        continue;
      }
      throw new CliUsageError(`unexpected argument "${arg}" (see ecsdeck --help).`);
    }
    if (seen.has(arg)) throw new CliUsageError(`${arg} is given twice.`);
    seen.add(arg);
    if (arg === '--demo' && mode === 'sim') throw new CliUsageError('--demo cannot be combined with the sim command.');
    if (!ACCEPTS[mode].has(arg)) {
      throw new CliUsageError(
        mode === 'ui'
          ? `unknown option ${arg} (see ecsdeck --help).`
          : `unknown option ${arg} for ${MODE_LABEL[mode]} (see ecsdeck --help).`,
      );
    }
    switch (arg) {
      case '--demo': {
        demoRequested = true;
        const next = rest[i + 1];
        if (next !== undefined && !next.startsWith('-')) {
          simulator.scenario = next;
          i += 1;
        }
        break;
      }
      case '--scenario': {
        const value = takeValue();
        if (mode !== 'sim' && simulator.scenario !== SIMULATOR_DEFAULTS.scenario)
          throw new CliUsageError('give the demo scenario once: --demo SCENARIO or --scenario SCENARIO.');
        simulator.scenario = value;
        break;
      }
      case '--port':
        simulator.port = parseInteger(arg, takeValue(), 0, 65_535, 'a port number from 0 to 65535');
        break;
      case '--seed':
        simulator.seed = parseInteger(arg, takeValue(), 0, 4_294_967_295, 'a whole number from 0 to 4294967295');
        break;
      case '--speed':
        simulator.speed = parseSpeed(takeValue());
        break;
      case '--profile':
        aws.profile = takeValue();
        break;
      case '--region':
        aws.region = takeValue();
        break;
      case '--endpoint-url':
        aws.endpointUrl = parseEndpoint(takeValue());
        break;
      case '--budget':
        aws.budget = parseBudget(takeValue());
        break;
      case '--metrics-budget':
        aws.metricsBudget = parseBudget(takeValue(), '--metrics-budget');
        break;
      case '--logs-budget':
        aws.logsBudget = parseLogsBudget(takeValue());
        break;
      case '--container':
        logs.container = takeValue();
        break;
      case '--since':
        logs.sinceMs = parseSince(takeValue());
        break;
      case '--follow':
        logs.follow = true;
        break;
      case '--cluster':
        ui.cluster = takeValue();
        break;
      case '--refresh':
        ui.refresh = parseRefresh(takeValue());
        break;
      case '--read-only':
        ui.readOnly = true;
        break;
      case '--no-color':
        ui.noColor = true;
        break;
      case '--json':
        json = true;
        break;
    }
  }
  switch (mode) {
    case 'sim':
      return { kind: 'sim', ...simulator };
    case 'demo':
      return {
        kind: 'demo',
        ...simulator,
        ...ui,
        ...(aws.budget !== undefined ? { budget: aws.budget } : {}),
        ...(aws.logsBudget !== undefined ? { logsBudget: aws.logsBudget } : {}),
        ...(aws.metricsBudget !== undefined ? { metricsBudget: aws.metricsBudget } : {}),
      };
    case 'ui':
      return { kind: 'ui', ...aws, ...ui };
    case 'snapshot': {
      if (!demoRequested && seen.has('--scenario'))
        throw new CliUsageError('--scenario goes with --demo for ecsdeck snapshot (see ecsdeck --help).');
      if (demoRequested && aws.endpointUrl)
        throw new CliUsageError('--demo and --endpoint-url cannot be combined: --demo starts its own simulator.');
      return { kind: 'snapshot', json, ...aws, ...(demoRequested ? { demo: simulator } : {}) };
    }
    case 'logs': {
      const [cluster, task] = positional;
      if (cluster === undefined || task === undefined || cluster.trim() === '' || task.trim() === '')
        throw new CliUsageError(
          'ecsdeck logs needs a cluster and a task: ecsdeck logs CLUSTER TASK (see ecsdeck --help).',
        );
      if (!demoRequested && seen.has('--scenario'))
        throw new CliUsageError('--scenario goes with --demo for ecsdeck logs (see ecsdeck --help).');
      if (demoRequested && aws.endpointUrl)
        throw new CliUsageError('--demo and --endpoint-url cannot be combined: --demo starts its own simulator.');
      return {
        kind: 'logs',
        cluster,
        task,
        ...logs,
        json,
        ...aws,
        ...(demoRequested ? { demo: simulator } : {}),
      };
    }
  }
}
