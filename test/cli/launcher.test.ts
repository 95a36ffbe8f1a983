/**
 * bin/ecsdeck.js picks what to run: the bundle (dist/ecsdeck.js) when it is there, else the sources through tsx.
 * Checked on a copy of the launcher in a scratch package, so neither the repository's dist/ nor src/ is touched.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
  copyFileSync(join(root, 'bin', 'ecsdeck.js'), join(scratch, 'bin', 'ecsdeck.js'));
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

function launch(): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(scratch, 'bin', 'ecsdeck.js'), '--demo', 'large'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/ecsdeck.js', () => {
  it('runs the sources through tsx when there is no bundle, then the bundle once built', () => {
    expect(launch()).toEqual({ status: 0, stdout: 'sources --demo large\n', stderr: '' });
    mkdirSync(join(scratch, 'dist'));
    writeFileSync(
      join(scratch, 'dist', 'ecsdeck.js'),
      "process.stdout.write(['bundle', ...process.argv.slice(2)].join(' ') + '\\n');\n",
    );
    expect(launch()).toEqual({ status: 0, stdout: 'bundle --demo large\n', stderr: '' });
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
