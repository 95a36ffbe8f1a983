/**
 * The `ecsdeck` entry as a user runs it: a real process, its stdout, the real SDK against the endpoint it prints,
 * and a clean exit on a signal.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { recorderFileName } from '../../src/recorder/paths.ts';
import { CUSTOM_ENDPOINT_ENV, startCustomEndpoint } from '../support/customEndpoint.ts';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
// tsx starts through `env node`: put the Node running the tests first, so the child runs on the same version.
// The flight recorder of every run goes to a throwaway directory, never the user's state directory.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  ECSDECK_STATE_DIR: mkdtempSync(join(tmpdir(), 'ecsdeck-cli-state-')),
};
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function run(args: string[], extraEnv: Record<string, string> = {}): Running {
  const child = spawn(tsx, ['src/cli.ts', ...args], {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls the child's stdout for the endpoint line, up to a deadline (start-up compiles TypeScript). */
async function endpointOf(running: Running, deadlineMs = 25_000): Promise<string> {
  const until = performance.now() + deadlineMs;
  while (performance.now() < until) {
    const match = /^Endpoint: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(running.stdout());
    if (match?.[1]) return match[1];
    if (running.child.exitCode !== null) break;
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
  throw new Error(`no endpoint line; stdout: ${running.stdout()} stderr: ${running.stderr()}`);
}

async function clusterNames(url: string): Promise<string[]> {
  const client = new ECSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  try {
    const result = await client.send(new ListClustersCommand({}));
    return (result.clusterArns ?? []).map((arn) => arn.split('/').pop() ?? '');
  } finally {
    client.destroy();
  }
}

describe('ecsdeck sim', () => {
  it('serves the demo to the real SDK, then exits 0 on SIGINT', async () => {
    const sim = run(['sim', '--scenario', 'demo', '--port', '0']);
    const url = await endpointOf(sim);
    expect(sim.stdout()).toContain(`aws ecs list-clusters --endpoint-url ${url} --region us-east-1`);
    expect((await clusterNames(url)).sort()).toEqual(['batch', 'prod', 'staging']);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
    expect(sim.stdout()).toContain('Simulator stopped.');
    expect(sim.stderr()).toBe('');
  });

  it('the interactive mode refuses to run without a terminal, pointing to snapshot', async () => {
    for (const args of [['--demo'], ['--region', 'us-east-1']]) {
      const piped = run(args);
      expect(await piped.exited).toBe(2);
      expect(piped.stdout()).toBe('');
      expect(piped.stderr()).toMatch(/^ecsdeck: the interactive mode needs a terminal .*ecsdeck snapshot/);
    }
  });

  it('a bad flag is one sentence on stderr and exit status 2', async () => {
    const bad = run(['sim', '--port', 'eighty']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('ecsdeck: --port needs a port number from 0 to 65535 (got "eighty").\n');
    expect(bad.stdout()).toBe('');
  });

  it('a bad scenario file is one line naming the file, exit status 2 like a bad flag', async () => {
    const bad = run(['sim', '--scenario', 'test/cli/does-not-exist.json']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe('ecsdeck: test/cli/does-not-exist.json: does not exist\n');
  });

  it('a scenario file with a bad field names file and field, exit status 2, for sim, --demo and snapshot --demo', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ecsdeck-scenario-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, name: 'bad', clusters: [{ name: 'a', instances: 'many' }] }));
    for (const args of [
      ['sim', '--scenario', file],
      ['--demo', file],
      ['snapshot', '--demo', file],
    ]) {
      const bad = run(args);
      expect(await bad.exited).toBe(2);
      expect(bad.stdout()).toBe('');
      expect(bad.stderr()).toMatch(new RegExp(`^ecsdeck: ${file}: clusters\\[0\\]\\.instances [^\\n]+\\n$`));
    }
  });

  it('echoes flag values through the sanitiser: no escape or control byte reaches stderr', async () => {
    const hostile = '\u001b[31mred\u001b]0;title\u0007\u009b2J\r';
    const home = mkdtempSync(join(tmpdir(), 'ecsdeck-home-'));
    const cases: [string[], number][] = [
      [['sim', '--port', hostile], 2],
      [[hostile], 2],
      [['--demo', '--cluster', 'x', hostile], 2],
      [['snapshot', '--profile', hostile, '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9'], 1],
    ];
    for (const [args, status] of cases) {
      const bad = run(args, {
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      });
      expect(await bad.exited).toBe(status);
      expect(bad.stderr()).toMatch(/^ecsdeck: .*red.*\n$/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
      expect(bad.stderr().slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
  });
});

describe('bin/ecsdeck.js', () => {
  it('runs the CLI (the bundle when built, else the sources through tsx): --version', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'ecsdeck.js'), '--version'], { cwd: root, env });
    expect(out.toString()).toBe(`ecsdeck ${version}\n`);
  });

  it('--help lists the sim command', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'ecsdeck.js'), '--help'], { cwd: root, env });
    expect(out.toString()).toContain('ecsdeck sim [--port N]');
  });

  // The system Node of the CI machine is older than 22; where there is one, the launcher must refuse it clearly.
  const olderNode = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
    const probe = spawnSync(candidate, ['--version']);
    const major = Number.parseInt(probe.stdout?.toString().replace(/^v/, '') ?? '', 10);
    return probe.status === 0 && major < 22;
  });
  it.skipIf(olderNode === undefined)('refuses an old Node with a clear sentence', () => {
    const result = spawnSync(olderNode as string, [join(root, 'bin', 'ecsdeck.js'), '--version'], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr.toString()).toMatch(
      /^ecsdeck needs Node\.js 22 or newer, but this is Node\.js \d+\.\d+\.\d+: /,
    );
  });
});

describe('ecsdeck snapshot', () => {
  it('--json --demo prints valid JSON of the demo account', async () => {
    const running = run(['snapshot', '--json', '--demo', '--budget', '100']);
    expect(await running.exited).toBe(0);
    const snapshot = JSON.parse(running.stdout()) as { target: { kind: string }; clusters: { name: string }[] };
    expect(snapshot.target.kind).toBe('simulator');
    expect(snapshot.clusters.map((c) => c.name)).toEqual(['batch', 'prod', 'staging']);
    expect(running.stderr()).toBe('');
  });

  describe('when the flight recorder cannot work: one line on stderr, and the snapshot still prints', () => {
    const snapshotWith = async (stateDirectory: string, prepare?: (fileName: string) => void): Promise<string> => {
      const endpoint = await startCustomEndpoint();
      try {
        prepare?.(recorderFileName({ region: 'us-east-1', endpoint: endpoint.url }));
        const running = run(['snapshot', '--json', '--endpoint-url', endpoint.url, '--region', 'us-east-1'], {
          ECSDECK_STATE_DIR: stateDirectory,
          ...CUSTOM_ENDPOINT_ENV,
        });
        expect(await running.exited).toBe(0);
        const snapshot = JSON.parse(running.stdout()) as { target: { kind: string }; clusters: { name: string }[] };
        expect(snapshot.target.kind).toBe('custom');
        expect(snapshot.clusters.map((c) => c.name)).toEqual(['batch', 'prod', 'staging']);
        return running.stderr();
      } finally {
        await endpoint.close();
      }
    };

    it('a state directory under /proc (where a recursive mkdir never returns)', async () => {
      const path = `/proc/ecsdeck-cli-${process.pid}/state`;
      expect(await snapshotWith(path)).toBe(
        `ecsdeck: Flight recorder off: ${path} cannot be created; ecsdeck goes on without recording.\n`,
      );
    });

    it('a state directory that is a file', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ecsdeck-cli-')), 'state');
      writeFileSync(file, '');
      expect(await snapshotWith(file)).toBe(
        `ecsdeck: Flight recorder off: ${file} is a file, not a directory (state directory ${file}); ecsdeck goes on without recording.\n`,
      );
    });

    it('unreadable lines at load', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-cli-'));
      let file = '';
      const stderr = await snapshotWith(directory, (fileName) => {
        file = join(directory, fileName);
        writeFileSync(file, 'not json\n{"v":1}\n');
      });
      expect(stderr).toMatch(
        /^ecsdeck: Flight recorder \S+: skipped 2 unreadable lines \(corrupt, truncated or from a newer ecsdeck\); 0 records loaded\.\n$/,
      );
      // What the pass saw was recorded after the skipped lines.
      expect(readFileSync(file, 'utf8')).toMatch(/^not json\n\{"v":1\}\n\{"v":1,"kind":"stopped-task"/);
    });
  });

  it('says in one sentence when the endpoint cannot be reached, and exits 1', async () => {
    const running = run(['snapshot', '--endpoint-url', 'http://127.0.0.1:9', '--region', 'us-east-1']);
    expect(await running.exited).toBe(1);
    expect(running.stdout()).toBe('');
    expect(running.stderr()).toMatch(/^ecsdeck: [^\n]+\.\n$/);
  });
});

describe('ecsdeck snapshot against an endpoint that never finishes answering', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await new Promise((resolveClose) => server.close(resolveClose));
  });

  async function listen(server: Server): Promise<string> {
    servers.push(server);
    server.on('connection', (socket: Socket) => sockets.push(socket));
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  // The limit --help states is minutes; the test shortens it rather than wait that long.
  const shortDeadline = {
    ECSDECK_SNAPSHOT_DEADLINE_MS: '2500',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const gaveUp = (url: string) =>
    new RegExp(
      `^ecsdeck: snapshot gave up after 2\\.5 s: ${url.replace(/[.:/]/g, '\\$&')} had not finished answering ListClusters\\.\\n$`,
    );

  it('--help states the bound', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin', 'ecsdeck.js'), '--help'], { cwd: root, env });
    expect(out.toString().replace(/\s+/g, ' ')).toContain(
      'A call with no complete answer within 10 s is abandoned, 3 tries each: a silent or slow endpoint ends it with one sentence and exit status 1 in about 30 seconds, and nothing makes it last over 5 minutes.',
    );
  });

  it('a server that accepts and never answers: one sentence, exit 1', async () => {
    const url = await listen(createTcpServer(() => {}));
    const running = run(['snapshot', '--endpoint-url', url, '--region', 'us-east-1'], shortDeadline);
    expect(await running.exited).toBe(1);
    expect(running.stdout()).toBe('');
    expect(running.stderr()).toMatch(gaveUp(url));
  });

  it('a server that answers a byte a second: one sentence, exit 1', async () => {
    const body = JSON.stringify({ clusterArns: ['arn:aws:ecs:us-east-1:123456789012:cluster/prod'] });
    const trickling = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
      let sent = 0;
      const drip = () => {
        if (res.destroyed || sent >= body.length) return;
        res.write(body[sent++]);
        setTimeout(drip, 1000).unref();
      };
      drip();
    });
    const url = await listen(trickling);
    const running = run(['snapshot', '--endpoint-url', url, '--region', 'us-east-1'], shortDeadline);
    expect(await running.exited).toBe(1);
    expect(running.stdout()).toBe('');
    expect(running.stderr()).toMatch(gaveUp(url));
  });

  it('a page token that comes back: one sentence naming the operation, exit 1', async () => {
    let served = 0;
    const looping = createHttpServer((_req, res) => {
      served++;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({ clusterArns: [`arn:aws:ecs:us-east-1:123456789012:cluster/c${served}`], nextToken: 'again' }),
      );
    });
    const url = await listen(looping);
    const running = run(['snapshot', '--endpoint-url', url, '--region', 'us-east-1'], shortDeadline);
    expect(await running.exited).toBe(1);
    expect(running.stdout()).toBe('');
    expect(running.stderr()).toBe(
      `ecsdeck: ${url} sent ListClusters round in a loop (a page token came back after 2 pages); stopped paging.\n`,
    );
  });
});
