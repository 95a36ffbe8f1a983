/**
 * The package as a user gets it: `npm pack` (which builds the bundle), installed from the tarball into an empty
 * directory with no network, then `ecsdeck snapshot --demo --json` and `ecsdeck --demo` (in a tmux terminal) run from
 * there on the pinned Node 22. The package must carry everything it needs: nothing is fetched, nothing is resolved
 * from this repository's node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

/** The environment without npm's own variables (this may run inside `npm test`), the pinned Node first on PATH. */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && key !== 'ECSDECK_CONFIG' && key !== 'INIT_CWD') env[key] = value;
  env.PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  return { ...env, ...extra };
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

let work: string;
let app: string;
let env: NodeJS.ProcessEnv;
let tarball: string;
let tarballFiles: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ecsdeck-pack-'));
  app = join(work, 'app');
  mkdirSync(app);
  env = cleanEnvironment({
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
    XDG_CONFIG_HOME: join(work, 'config'),
    ECSDECK_STATE_DIR: join(work, 'state'),
    ECSDECK_CACHE_DIR: join(work, 'code-cache'),
  });
  // `npm pack` runs `prepack`, which builds dist/ once for the whole file.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' }),
  ) as { filename: string; files: { path: string }[] }[];
  const first = packed[0];
  if (!first) throw new Error('npm pack printed no package');
  tarball = join(work, first.filename);
  tarballFiles = first.files.map((file) => file.path);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'try-ecsdeck', private: true }));
  execFileSync('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], {
    cwd: app,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function ecsdeck(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(join(app, 'node_modules', '.bin', 'ecsdeck'), args, {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the packed package', () => {
  it('ships the bundle, the launcher and the scenarios, not the sources, and depends on nothing', () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(['bin/ecsdeck.js', 'dist/ecsdeck.cjs', 'package.json']));
    expect(tarballFiles).toEqual(expect.arrayContaining(['assets/scenarios/demo.json', 'assets/scenarios/large.json']));
    expect(tarballFiles.filter((file) => file.startsWith('src/') || file.startsWith('test/'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'ecsdeck', 'package.json'), 'utf8')) as {
      dependencies?: object;
    };
    expect(manifest.dependencies ?? {}).toEqual({});
    // Installed alone: no other package came with it.
    expect(readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['ecsdeck']);
  });

  it('runs --version on the pinned Node', () => {
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    expect(ecsdeck(['--version'])).toEqual({ status: 0, stdout: `ecsdeck ${version}\n`, stderr: '' });
  });

  it('prints a snapshot of the demo simulator as JSON', () => {
    const result = ecsdeck(['snapshot', '--demo', '--json', '--budget', '100']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const snapshot = JSON.parse(result.stdout) as { target: { kind: string }; clusters: { name: string }[] };
    expect(snapshot.target.kind).toBe('simulator');
    expect(snapshot.clusters.map((cluster) => cluster.name)).toEqual(['batch', 'prod', 'staging']);
  }, 40_000);

  it('refuses a bad config file in one sentence, before anything starts', () => {
    const configFile = join(work, 'bad-config.json');
    writeFileSync(configFile, JSON.stringify({ profiles: { prod: { readOnly: 'yes' } } }));
    const result = spawnSync(join(app, 'node_modules', '.bin', 'ecsdeck'), ['snapshot', '--demo'], {
      cwd: app,
      env: { ...env, ECSDECK_CONFIG: configFile },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`ecsdeck: ${configFile}: profiles.prod.readOnly must be true or false (got "yes").\n`);
  });

  it.skipIf(!HAS_TMUX)(
    'opens the demo in a terminal, shows the clusters, and quits on q with status 0',
    async () => {
      const socket = `ecsdeck-pack-${process.pid}`;
      const tmux = (...args: string[]) =>
        execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
      const exitFile = join(work, 'demo-exit');
      const variables = Object.entries({
        PATH: env.PATH ?? '',
        XDG_CONFIG_HOME: env.XDG_CONFIG_HOME ?? '',
        ECSDECK_STATE_DIR: env.ECSDECK_STATE_DIR ?? '',
        TERM: 'xterm-256color',
      }).map(([key, value]) => `${key}=${shellQuote(value)}`);
      const script = `cd ${shellQuote(app)} && env ${variables.join(' ')} node_modules/.bin/ecsdeck --demo; echo $? > ${shellQuote(exitFile)}; exec cat`;
      tmux('new-session', '-d', '-s', 'pack', '-x', '100', '-y', '30', 'sh', '-c', script);
      try {
        const screen = () => tmux('capture-pane', '-p', '-t', 'pack');
        const waitFor = async (what: string, holds: () => boolean, deadlineMs = 30_000) => {
          const deadline = performance.now() + deadlineMs;
          while (!holds()) {
            if (performance.now() > deadline) throw new Error(`no ${what} on screen:\n${screen()}`);
            await new Promise((resolveWait) => setTimeout(resolveWait, 50));
          }
        };
        // The first full frame: the header on top, the footer's key hints at the bottom.
        await waitFor('first frame', () => /^ecsdeck /.test(screen()) && /^j move +enter open/m.test(screen()));
        await waitFor('demo clusters', () => ['batch', 'prod', 'staging'].every((name) => screen().includes(name)));
        expect(screen()).toMatch(/simulator http:\/\/127\.0\.0\.1:\d+/);
        tmux('send-keys', '-t', 'pack', 'q');
        await waitFor('exit status', () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '');
        expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
      } finally {
        spawnSync('tmux', ['-L', socket, 'kill-server']);
      }
    },
    60_000,
  );

  it.skipIf(!HAS_TMUX)(
    'draws its first frame without ICU, the SDK or the simulator, and from the code cache the next time',
    async () => {
      // A preload that counts the first uses of what loads ICU data (12-17 ms for each kind of service it first
      // gives), and reports them once the first full frame (header and footer) is written, with the Node built-ins
      // loaded by then and how the bundle's code cache was found.
      const preload = join(work, 'count-icu.mjs');
      const report = join(work, 'icu-before-first-frame.json');
      writeFileSync(
        preload,
        `import { renameSync, writeFileSync } from 'node:fs';
const used = [];
for (const name of ['Segmenter', 'Collator', 'NumberFormat', 'DateTimeFormat', 'PluralRules', 'RelativeTimeFormat', 'ListFormat']) {
  const Real = Intl[name];
  Intl[name] = new Proxy(Real, {
    construct: (target, args) => (used.push('Intl.' + name), Reflect.construct(target, args)),
    apply: (target, self, args) => (used.push('Intl.' + name), Reflect.apply(target, self, args)),
  });
}
for (const [owner, proto, name] of [['Number', Number.prototype, 'toLocaleString'], ['String', String.prototype, 'localeCompare'], ['Date', Date.prototype, 'toLocaleString'], ['Date', Date.prototype, 'toLocaleDateString'], ['Date', Date.prototype, 'toLocaleTimeString']]) {
  const real = proto[name];
  proto[name] = function (...args) { used.push(owner + '#' + name); return real.apply(this, args); };
}
const write = process.stdout.write.bind(process.stdout);
let seen = '';
process.stdout.write = (chunk, ...rest) => {
  seen += String(chunk);
  const plain = seen.replace(/\x1b[[0-9;?]*[a-zA-Z]/g, '');
  if (/^ecsdeck /m.test(plain) && /j move +enter open/.test(plain)) {
    writeFileSync(${JSON.stringify(`${report}.tmp`)}, JSON.stringify({ used, builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)), codeCache: globalThis[Symbol.for('ecsdeck.codeCache')] }));
    renameSync(${JSON.stringify(`${report}.tmp`)}, ${JSON.stringify(report)});
    setImmediate(() => process.exit(0));
  }
  return write(chunk, ...rest);
};
`,
      );
      const cacheDirectory = join(work, 'first-frame-cache');
      /**
       * The demo in a terminal of its own, with the probe or without: once `done` holds, `q` (unless it has
       * quit), and the terminal closes once it has exited (so nothing is left writing in the scratch directory).
       */
      const demo = async (probe: boolean, name: string, done: () => boolean) => {
        const variables = Object.entries({
          PATH: env.PATH ?? '',
          XDG_CONFIG_HOME: env.XDG_CONFIG_HOME ?? '',
          ECSDECK_STATE_DIR: env.ECSDECK_STATE_DIR ?? '',
          ECSDECK_CACHE_DIR: cacheDirectory,
          TERM: 'xterm-256color',
          ...(probe ? { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` } : {}),
        }).map(([key, value]) => `${key}=${shellQuote(value)}`);
        const socket = `ecsdeck-pack-${name}-${process.pid}`;
        const exitFile = join(work, `${name}-exit`);
        const script = `cd ${shellQuote(app)} && env ${variables.join(' ')} node_modules/.bin/ecsdeck --demo; echo $? > ${shellQuote(exitFile)}; exec cat`;
        const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env });
        tmux('new-session', '-d', '-s', name, '-x', '100', '-y', '30', 'sh', '-c', script);
        const waitFor = async (what: string, holds: () => boolean) => {
          const deadline = performance.now() + 30_000;
          while (!holds()) {
            if (performance.now() > deadline) throw new Error(`${name}: no ${what} within 30 s`);
            await new Promise((resolveWait) => setTimeout(resolveWait, 50));
          }
        };
        const exited = () => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '';
        try {
          await waitFor('first frame', done);
          if (!exited()) tmux('send-keys', '-t', name, 'q');
          await waitFor('exit', exited);
        } finally {
          spawnSync('tmux', ['-L', socket, 'kill-server']);
        }
      };
      const probe = async (name: string) => {
        rmSync(report, { force: true });
        await demo(true, name, () => existsSync(report));
        return JSON.parse(readFileSync(report, 'utf8')) as { used: string[]; builtins: string[]; codeCache: string };
      };
      const first = await probe('first');
      expect(first.used).toEqual([]);
      // The SDK and the simulator would have loaded these (HTTP, TLS, hashing, compression); the rest of the bundle
      // would have loaded node:child_process or node:assert.
      const heavy = /^(https?|http2|tls|crypto|zlib|child_process|assert)$/;
      expect(first.builtins.filter((name) => heavy.test(name))).toEqual([]);
      expect(first.builtins).toContain('tty');
      expect(first.codeCache).toBe('absent');
      // The probe quits at the first frame, before the cache is written; a demo left running writes it.
      await demo(false, 'writer', () => existsSync(cacheDirectory) && readdirSync(cacheDirectory).length > 0);
      const second = await probe('second');
      expect(second.codeCache).toBe('accepted');
      expect(second.used).toEqual([]);
      expect(second.builtins.filter((name) => heavy.test(name))).toEqual([]);
    },
    60_000,
  );
});
