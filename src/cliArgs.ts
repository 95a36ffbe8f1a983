/**
 * Command-line parsing for the `ecsdeck` entry: pure (argv in, a command or a CliUsageError out), so every rule
 * is tested without spawning a process.
 */

export const MINIMUM_NODE_MAJOR = 22;

export interface SimulatorFlags {
  scenario: string;
  seed: number;
  speed: number;
  port: number;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  /** `ecsdeck sim ...`: the simulator alone. */
  | ({ kind: 'sim' } & SimulatorFlags)
  /** `ecsdeck --demo [SCENARIO]`: the product on the simulator. */
  | ({ kind: 'demo' } & SimulatorFlags)
  /** `ecsdeck` against real AWS: the terminal UI. */
  | { kind: 'ui' };

/** A command line that cannot be run; the message is one sentence for the user (exit status 2). */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

export const HELP_TEXT = `ecsdeck: a terminal UI for Amazon ECS, with a built-in ECS simulator.

Usage:
  ecsdeck sim [--port N] [--scenario NAME|FILE] [--seed N] [--speed X]
      Run the ECS simulator alone and print its endpoint, for the AWS CLI (--endpoint-url) or any SDK.
  ecsdeck --demo [SCENARIO] [--seed N] [--speed X] [--port N]
      Start the simulator with the demo scenario (or SCENARIO) and monitor it.
  ecsdeck --version | --help

Simulator options:
  --port N        port on 127.0.0.1 (default 0: a free port, printed at start)
  --scenario S    a scenario name (demo, large) or a path to a scenario .json file (default demo)
  --seed N        seed of every random draw; the same seed replays the same story (default 1)
  --speed X       simulated seconds per real second (default 1)

The terminal UI itself is not built yet: \`ecsdeck\` and \`ecsdeck --demo\` say so and, for the demo, serve the
simulator so you can point other ECS clients at it.
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

/** Parses `process.argv.slice(2)`. Throws CliUsageError with a one-sentence message. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const args = normalise(argv);
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  if (args.includes('--version') || args.includes('-V')) return { kind: 'version' };
  if (args.length === 0) return { kind: 'ui' };

  let kind: 'sim' | 'demo';
  let rest: string[];
  if (args[0] === 'sim') {
    kind = 'sim';
    rest = args.slice(1);
  } else if (args.includes('--demo')) {
    kind = 'demo';
    rest = args;
  } else if (args[0]?.startsWith('-')) {
    throw new CliUsageError(`unknown option ${args[0]} (see ecsdeck --help).`);
  } else {
    throw new CliUsageError(`unknown command "${args[0]}" (the commands are: sim; see ecsdeck --help).`);
  }

  const flags: SimulatorFlags = { ...SIMULATOR_DEFAULTS };
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
    if (arg.startsWith('-') && seen.has(arg)) throw new CliUsageError(`${arg} is given twice.`);
    seen.add(arg);
    switch (arg) {
      case '--demo': {
        if (kind !== 'demo') throw new CliUsageError('--demo cannot be combined with the sim command.');
        const next = rest[i + 1];
        if (next !== undefined && !next.startsWith('-')) {
          flags.scenario = next;
          i += 1;
        }
        break;
      }
      case '--scenario': {
        const value = takeValue();
        if (kind === 'demo' && flags.scenario !== SIMULATOR_DEFAULTS.scenario)
          throw new CliUsageError('give the demo scenario once: --demo SCENARIO or --scenario SCENARIO.');
        flags.scenario = value;
        break;
      }
      case '--port':
        flags.port = parseInteger(arg, takeValue(), 0, 65_535, 'a port number from 0 to 65535');
        break;
      case '--seed':
        flags.seed = parseInteger(arg, takeValue(), 0, 4_294_967_295, 'a whole number from 0 to 4294967295');
        break;
      case '--speed':
        flags.speed = parseSpeed(takeValue());
        break;
      default:
        if (arg.startsWith('-')) {
          const where = kind === 'sim' ? 'ecsdeck sim' : 'ecsdeck --demo';
          throw new CliUsageError(`unknown option ${arg} for ${where} (see ecsdeck --help).`);
        }
        throw new CliUsageError(`unexpected argument "${arg}" (see ecsdeck --help).`);
    }
  }
  return { kind, ...flags };
}
