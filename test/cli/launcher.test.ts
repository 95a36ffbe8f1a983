/**
 * bin/ecsdeck.js picks what to run: the bundle (dist/ecsdeck.cjs) when it is there, else the sources through tsx; it
 * compiles the bundle with V8's code cache, written once the bundle says its first frame is drawn.
 * Checked on a copy of the launcher in a scratch package, so neither the repository's dist/ nor src/ is touched.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-launcher-'));
  for (const directory of ['bin', 'src']) mkdirSync(join(scratch, directory));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module' }));
  // The launcher is a CommonJS script in an ES module package: its own package.json says so.
  for (const file of ['ecsdeck.js', 'package.json']) copyFileSync(join(root, 'bin', file), join(scratch, 'bin', file));
  symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  // A type annotation: only runs if tsx compiled it.
  writeFileSync(
    join(scratch, 'src', 'cli.ts'),
    "const where: string = 'sources';\nprocess.stdout.write([where, ...process.argv.slice(2)].join(' ') + '\\n');\n",
  );
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function launch(env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(scratch, 'bin', 'ecsdeck.js'), '--demo', 'large'], {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, ECSDECK_CACHE_DIR: join(scratch, 'code-cache'), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/ecsdeck.js', () => {
  it('runs the sources through tsx when there is no bundle, then the bundle once built', () => {
    expect(launch()).toEqual({ status: 0, stdout: 'sources --demo large\n', stderr: '' });
    mkdirSync(join(scratch, 'dist'));
    writeFileSync(
      join(scratch, 'dist', 'ecsdeck.cjs'),
      "process.stdout.write(['bundle', ...process.argv.slice(2), typeof require, typeof module].join(' ') + '\\n');\n",
    );
    expect(launch()).toEqual({ status: 0, stdout: 'bundle --demo large function object\n', stderr: '' });
  });

  describe("the bundle's code cache", () => {
    const cacheDirectory = () => join(scratch, 'code-cache');
    const cacheFiles = () => (existsSync(cacheDirectory()) ? readdirSync(cacheDirectory()) : []);
    /** A bundle that prints how its cache was found, then says its first frame is drawn (when `draws`). */
    const writeBundle = (digest: string | undefined, draws = true) => {
      rmSync(join(scratch, 'dist'), { recursive: true, force: true });
      mkdirSync(join(scratch, 'dist'));
      const lines = [
        ...(digest ? [`// ecsdeck bundle ${digest}`] : []),
        "process.stdout.write(String(globalThis[Symbol.for('ecsdeck.codeCache')]) + '\\n');",
        ...(draws ? ["globalThis[Symbol.for('ecsdeck.firstFrameDrawn')]();"] : []),
        // Code for V8 to compile and cache, from the first line's digest on.
        `function work${digest ?? ''}(n) { let sum = 0; for (let i = 0; i < n; i++) sum += i; return sum; }`,
        `work${digest ?? ''}(10);`,
      ];
      writeFileSync(join(scratch, 'dist', 'ecsdeck.cjs'), `${lines.join('\n')}\n`);
    };
    const DIGEST = 'a'.repeat(32);

    it('is written after the first frame, then used by the next start', () => {
      rmSync(cacheDirectory(), { recursive: true, force: true });
      writeBundle(DIGEST, false);
      expect(launch().stdout).toBe('absent\n');
      // No frame, no cache: a command without a screen never writes one.
      expect(cacheFiles()).toEqual([]);
      writeBundle(DIGEST);
      expect(launch().stdout).toBe('absent\n');
      expect(cacheFiles()).toEqual([`code-${process.version}-${process.arch}-${DIGEST}.bin`]);
      // Only its user reads or writes it.
      expect(statSync(cacheDirectory()).mode & 0o777).toBe(0o700);
      const cacheFile = join(cacheDirectory(), cacheFiles()[0] as string);
      expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
      const written = statSync(cacheFile).mtimeMs;
      expect(launch().stdout).toBe('accepted\n');
      // Accepted: not written again.
      expect(statSync(cacheFile).mtimeMs).toBe(written);
    });

    it('belongs to one bundle: another build starts without it and replaces it', () => {
      rmSync(cacheDirectory(), { recursive: true, force: true });
      writeBundle(DIGEST);
      launch();
      const other = 'b'.repeat(32);
      writeBundle(other);
      expect(launch().stdout).toBe('absent\n');
      expect(cacheFiles()).toEqual([`code-${process.version}-${process.arch}-${other}.bin`]);
      expect(launch().stdout).toBe('accepted\n');
    });

    it('is never taken from a file others can write, nor from bytes V8 does not recognise', () => {
      rmSync(cacheDirectory(), { recursive: true, force: true });
      writeBundle(DIGEST);
      launch();
      const cacheFile = join(cacheDirectory(), cacheFiles()[0] as string);
      chmodSync(cacheFile, 0o666);
      expect(launch().stdout).toBe('absent\n');
      // Rewritten for its user alone.
      expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
      expect(launch().stdout).toBe('accepted\n');
      writeFileSync(cacheFile, Buffer.alloc(4096, 7), { mode: 0o600 });
      expect(launch().stdout).toBe('rejected\n');
      expect(launch().stdout).toBe('accepted\n');
    });

    it('is off with ECSDECK_CACHE_DIR=off, for a bundle without a digest, and when it cannot be written', () => {
      rmSync(cacheDirectory(), { recursive: true, force: true });
      writeBundle(DIGEST);
      expect(launch({ ECSDECK_CACHE_DIR: 'off' }).stdout).toBe('off\n');
      writeBundle(undefined);
      expect(launch().stdout).toBe('off\n');
      expect(cacheFiles()).toEqual([]);
      // A cache directory that cannot be made (a file is in the way): the bundle runs all the same.
      writeFileSync(cacheDirectory(), 'not a directory');
      writeBundle(DIGEST);
      expect(launch()).toEqual({ status: 0, stdout: 'absent\n', stderr: '' });
      rmSync(cacheDirectory(), { force: true });
    });
  });

  it('is a CommonJS script (no ES module loader to set up before it starts)', () => {
    expect(JSON.parse(readFileSync(join(root, 'bin', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs' });
    // What only an ES module may hold: the launcher runs (the tests above) as the script Node takes it for.
    const source = readFileSync(join(root, 'bin', 'ecsdeck.js'), 'utf8');
    expect(source).not.toMatch(/import\.meta|^\s*(import|export)\s/m);
    expect(source).toContain('__dirname');
  });

  it('is plain ES2017: nothing an old Node cannot parse before it checks the version', () => {
    const source = readFileSync(join(root, 'bin', 'ecsdeck.js'), 'utf8');
    const print = (target: string) =>
      transformSync(source, {
        loader: 'js',
        format: 'esm',
        target,
        // An ES module launcher needs these two; Node has parsed them since 12.
        supported: { 'import-meta': true, 'dynamic-import': true },
      }).code;
    // esbuild lowers (or refuses: top-level await) whatever is newer than the target: the same output means none.
    expect(print('es2017')).toBe(print('esnext'));
    expect(() => transformSync('await 1;', { loader: 'js', format: 'esm', target: 'es2017' })).toThrow(/await/);
  });
});
