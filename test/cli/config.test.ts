/**
 * The config file as the CLI applies it: a bad file stops the run with one sentence (exit 2) before anything starts,
 * and flags win over a profile's settings, which win over the defaults (seen in the snapshot's target).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
let scratch: string;
let sim: RunningSimulator;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-cli-config-'));
  sim = await startSimulator({ scenario: 'demo' });
});

afterAll(async () => {
  await sim?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

let files = 0;
function configFile(document: unknown): string {
  files += 1;
  const path = join(scratch, `config-${files}.json`);
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  return path;
}

async function run(
  args: string[],
  config: string,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    ECSDECK_CONFIG: config,
    ECSDECK_STATE_DIR: join(scratch, 'state'),
    ...extraEnv,
  };
  delete env.AWS_PROFILE;
  const child = spawn(tsx, ['src/cli.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', (exitCode) => resolveExit(exitCode)));
  return { code, stdout, stderr };
}

describe('the config file, applied by the CLI', () => {
  it('a bad file is one sentence naming the file and the key, exit 2, and nothing starts', async () => {
    const bad = configFile({ profiles: { prod: { readOnly: 'yes' } } });
    // Without a terminal --demo would say it needs one: the config is read, and refused, before that.
    for (const args of [['--demo'], ['snapshot', '--demo', '--json'], ['--region', 'us-east-1']]) {
      const result = await run(args, bad);
      expect(result).toEqual({
        code: 2,
        stdout: '',
        stderr: `ecsdeck: ${bad}: profiles.prod.readOnly must be true or false (got "yes").\n`,
      });
    }
    const typo = configFile('{"refersh": 5}');
    expect((await run(['snapshot', '--demo'], typo)).stderr).toBe(
      `ecsdeck: ${typo}: refersh is not a known field (known here: profile, region, refresh, budget, logsBudget, metricsBudget, theme, keys, profiles).\n`,
    );
    expect((await run(['snapshot', '--demo'], configFile('{"budget": 5,'))).stderr).toMatch(
      /^ecsdeck: \S+config-\d+\.json: is not valid JSON \(.+\)\.\n$/,
    );
  });

  it('a key override that clashes with another binding is one sentence naming the file and the key, exit 2', async () => {
    const clash = configFile({ keys: { moveDown: ['q'] } });
    expect(await run(['--demo'], clash)).toEqual({
      code: 2,
      stdout: '',
      stderr: `ecsdeck: ${clash}: keys.moveDown: "q" is already bound to quit in global.\n`,
    });
    // A free key is taken: the run gets as far as asking for a terminal.
    const free = configFile({ keys: { moveDown: ['J'] } });
    expect((await run(['--demo'], free)).stderr).toMatch(/interactive mode needs a terminal/);
  });

  it('--help and --version do not read it', async () => {
    const bad = configFile('not json');
    expect(await run(['--version'], bad)).toMatchObject({ code: 0, stderr: '' });
    expect(await run(['--help'], bad)).toMatchObject({ code: 0, stderr: '' });
  });

  it('flags win over the profile, the profile over the defaults', async () => {
    const config = configFile({
      profile: 'team',
      region: 'eu-west-1',
      profiles: { team: { region: 'eu-central-1' }, other: { budget: 50 } },
    });
    const target = async (args: string[]) => {
      const result = await run(['snapshot', '--json', '--endpoint-url', sim.url, ...args], config);
      expect(result.stderr).toBe('');
      return (JSON.parse(result.stdout) as { target: { kind: string; region: string; profile?: string } }).target;
    };
    expect(await target([])).toMatchObject({ kind: 'simulator', region: 'eu-central-1', profile: 'team' });
    expect(await target(['--region', 'us-west-2'])).toMatchObject({ region: 'us-west-2', profile: 'team' });
    expect(await target(['--profile', 'other'])).toMatchObject({ region: 'eu-west-1', profile: 'other' });
  }, 40_000);
});
