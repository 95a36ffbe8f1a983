import { describe, expect, it } from 'vitest';
import { CliUsageError, HELP_TEXT, nodeVersionProblem, parseCliArgs } from '../../src/cliArgs.ts';

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(CliUsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be rejected`);
}

describe('parseCliArgs', () => {
  it('runs the simulator with defaults', () => {
    expect(parseCliArgs(['sim'])).toEqual({ kind: 'sim', scenario: 'demo', seed: 1, speed: 1, port: 0 });
  });

  it('reads every sim flag, in both spellings', () => {
    expect(parseCliArgs(['sim', '--port', '8123', '--scenario', 'large', '--seed', '42', '--speed', '2.5'])).toEqual({
      kind: 'sim',
      scenario: 'large',
      seed: 42,
      speed: 2.5,
      port: 8123,
    });
    expect(parseCliArgs(['sim', '--port=0', '--scenario=./my.json', '--seed=0', '--speed=.5'])).toEqual({
      kind: 'sim',
      scenario: './my.json',
      seed: 0,
      speed: 0.5,
      port: 0,
    });
  });

  it('starts the demo, with an optional scenario after --demo', () => {
    expect(parseCliArgs(['--demo'])).toEqual({
      kind: 'demo',
      scenario: 'demo',
      seed: 1,
      speed: 1,
      port: 0,
      readOnly: false,
      noColor: false,
    });
    expect(parseCliArgs(['--demo', 'large', '--seed', '3'])).toMatchObject({
      kind: 'demo',
      scenario: 'large',
      seed: 3,
    });
    expect(parseCliArgs(['--seed', '3', '--demo'])).toMatchObject({ kind: 'demo', scenario: 'demo', seed: 3 });
  });

  it('answers help and version before anything else', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['sim', '-h'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['--version'])).toEqual({ kind: 'version' });
    // Flags not given stay undefined: the config file may supply them (--budget, --refresh, --profile...).
    expect(parseCliArgs([])).toEqual({ kind: 'ui', readOnly: false, noColor: false });
    expect(HELP_TEXT).toContain('ecsdeck sim [--port N] [--scenario NAME|FILE] [--seed N] [--speed X]');
  });

  it('rejects bad values with one sentence naming the flag', () => {
    expect(usageError(['sim', '--port', 'http'])).toBe('--port needs a port number from 0 to 65535 (got "http").');
    expect(usageError(['sim', '--port', '70000'])).toBe('--port needs a port number from 0 to 65535 (got "70000").');
    expect(usageError(['sim', '--seed', '-1'])).toBe('--seed needs a whole number from 0 to 4294967295 (got "-1").');
    expect(usageError(['sim', '--seed', '1.5'])).toBe('--seed needs a whole number from 0 to 4294967295 (got "1.5").');
    expect(usageError(['sim', '--speed', '0'])).toMatch(/^--speed needs a positive number/);
    expect(usageError(['sim', '--speed', 'fast'])).toMatch(/^--speed needs a positive number .*\(got "fast"\)\.$/);
    expect(usageError(['sim', '--scenario'])).toBe('--scenario needs a value (see ecsdeck --help).');
    expect(usageError(['sim', '--port', '1', '--port', '2'])).toBe('--port is given twice.');
  });

  it('rejects unknown commands, options and arguments', () => {
    expect(usageError(['serve'])).toBe(
      'unknown command "serve" (the commands are: sim, snapshot, logs; see ecsdeck --help).',
    );
    expect(usageError(['sim', '--verbose'])).toBe('unknown option --verbose for ecsdeck sim (see ecsdeck --help).');
    expect(usageError(['--verbose'])).toBe('unknown option --verbose (see ecsdeck --help).');
    expect(usageError(['sim', '--profile', 'prod'])).toBe(
      'unknown option --profile for ecsdeck sim (see ecsdeck --help).',
    );
    expect(usageError(['sim', 'extra'])).toBe('unexpected argument "extra" (see ecsdeck --help).');
    expect(usageError(['sim', '--demo'])).toBe('--demo cannot be combined with the sim command.');
    expect(usageError(['--demo', 'large', '--scenario', 'demo'])).toMatch(/^give the demo scenario once/);
  });

  it('reads the AWS and UI flags of the monitor', () => {
    expect(
      parseCliArgs([
        '--profile',
        'prod',
        '--region=eu-west-1',
        '--endpoint-url',
        'http://127.0.0.1:4566',
        '--cluster',
        'web',
        '--read-only',
        '--refresh',
        '10',
        '--budget',
        '2.5',
        '--no-color',
      ]),
    ).toEqual({
      kind: 'ui',
      profile: 'prod',
      region: 'eu-west-1',
      endpointUrl: 'http://127.0.0.1:4566',
      cluster: 'web',
      readOnly: true,
      refresh: 10,
      budget: 2.5,
      noColor: true,
    });
    expect(usageError(['--budget', '0'])).toMatch(/^--budget needs a number of calls per second/);
    expect(parseCliArgs(['--metrics-budget', '0.5'])).toEqual({
      kind: 'ui',
      metricsBudget: 0.5,
      readOnly: false,
      noColor: false,
    });
    expect(parseCliArgs(['--demo', '--metrics-budget', '3'])).toMatchObject({ kind: 'demo', metricsBudget: 3 });
    expect(usageError(['--metrics-budget', 'lots'])).toMatch(/^--metrics-budget needs a number of calls per second/);
    expect(usageError(['snapshot', '--metrics-budget', '1'])).toMatch(/^unknown option --metrics-budget/);
    expect(usageError(['--refresh', 'soon'])).toMatch(/^--refresh needs a number of seconds/);
    expect(usageError(['--endpoint-url', 'localhost:4566'])).toMatch(/^--endpoint-url needs an http/);
  });

  it('reads --logs-budget for the UI and the demo', () => {
    expect(parseCliArgs(['--logs-budget', '0.5'])).toMatchObject({ kind: 'ui', logsBudget: 0.5 });
    expect(parseCliArgs(['--demo', '--logs-budget', '4'])).toMatchObject({ kind: 'demo', logsBudget: 4 });
    expect(usageError(['--logs-budget', '0'])).toBe(
      '--logs-budget needs a number of calls per second from 0.2 to 1000 (got "0").',
    );
    expect(usageError(['snapshot', '--logs-budget', '1'])).toBe(
      'unknown option --logs-budget for ecsdeck snapshot (see ecsdeck --help).',
    );
  });

  it('reads logs CLUSTER TASK with its options, AWS flags or an in-process demo', () => {
    expect(parseCliArgs(['logs', 'prod', '0f1e2d3c'])).toEqual({
      kind: 'logs',
      cluster: 'prod',
      task: '0f1e2d3c',
      follow: false,
      json: false,
    });
    expect(
      parseCliArgs([
        'logs',
        'prod',
        'arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e2d3c',
        '--container=web',
        '--since',
        '15m',
        '--follow',
        '--json',
        '--logs-budget',
        '1',
        '--region',
        'eu-west-1',
      ]),
    ).toEqual({
      kind: 'logs',
      cluster: 'prod',
      task: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e2d3c',
      container: 'web',
      sinceMs: 15 * 60_000,
      follow: true,
      json: true,
      logsBudget: 1,
      region: 'eu-west-1',
    });
    expect(parseCliArgs(['logs', 'prod', 'abc', '--demo', 'large'])).toMatchObject({
      kind: 'logs',
      demo: { scenario: 'large', seed: 1 },
    });
    expect(parseCliArgs(['logs', 'c', 't', '--since', '2h'])).toMatchObject({ sinceMs: 2 * 3_600_000 });
    expect(parseCliArgs(['logs', 'c', 't', '--since', '1d'])).toMatchObject({ sinceMs: 86_400_000 });
    expect(usageError(['logs', 'prod'])).toBe(
      'ecsdeck logs needs a cluster and a task: ecsdeck logs CLUSTER TASK (see ecsdeck --help).',
    );
    expect(usageError(['logs', 'prod', 'a', 'b'])).toBe('unexpected argument "b" (see ecsdeck --help).');
    expect(usageError(['logs', 'c', 't', '--since', '15'])).toBe(
      '--since needs a duration such as 30s, 15m, 2h or 1d, at most 30d (got "15").',
    );
    expect(usageError(['logs', 'c', 't', '--since', '31d'])).toMatch(/^--since needs a duration/);
    expect(usageError(['logs', 'c', 't', '--read-only'])).toBe(
      'unknown option --read-only for ecsdeck logs (see ecsdeck --help).',
    );
    expect(usageError(['logs', 'c', 't', '--demo', '--endpoint-url', 'http://127.0.0.1:1'])).toMatch(
      /^--demo and --endpoint-url cannot be combined/,
    );
  });

  it('reads snapshot, with --json, AWS flags or an in-process demo', () => {
    expect(parseCliArgs(['snapshot'])).toEqual({ kind: 'snapshot', json: false });
    expect(parseCliArgs(['snapshot', '--json', '--region', 'us-west-2'])).toEqual({
      kind: 'snapshot',
      json: true,
      region: 'us-west-2',
    });
    expect(parseCliArgs(['snapshot', '--demo', 'large', '--seed', '7'])).toEqual({
      kind: 'snapshot',
      json: false,
      demo: { scenario: 'large', seed: 7, speed: 1, port: 0 },
    });
    expect(usageError(['snapshot', '--read-only'])).toBe(
      'unknown option --read-only for ecsdeck snapshot (see ecsdeck --help).',
    );
    expect(usageError(['snapshot', '--demo', '--endpoint-url', 'http://127.0.0.1:1'])).toMatch(/cannot be combined/);
  });

  it('every usage error is a single line', () => {
    for (const argv of [['x'], ['sim', '--port', 'x'], ['sim', '--nope'], ['sim', '--speed', '-3']])
      expect(usageError(argv)).not.toContain('\n');
  });
});

describe('nodeVersionProblem', () => {
  it('accepts Node 22 and newer', () => {
    expect(nodeVersionProblem('22.0.0')).toBeUndefined();
    expect(nodeVersionProblem('v24.1.0')).toBeUndefined();
  });

  it('explains what to do on older Node', () => {
    const problem = nodeVersionProblem('20.20.2');
    expect(problem).toContain('ecsdeck needs Node.js 22 or newer, but this is Node.js 20.20.2');
    expect(problem).toContain('npm run demo');
    expect(nodeVersionProblem('garbage')).toContain('needs Node.js 22');
  });
});
