import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  bundleCli,
  NEVER_DEFAULT_IGNORABLE,
  rebaseImportMetaUrls,
  shareInteropNamespaces,
} from '../../esbuild.config.ts';

describe('rebaseImportMetaUrls', () => {
  it('points URLs relative to a source file at the same targets from dist/', () => {
    const source =
      'const root = new URL(\'../../../\', import.meta.url);\nconst manifest = new URL("../package.json", import.meta.url);';
    expect(rebaseImportMetaUrls(source, '/pkg/src/sim/scenario/files.ts', '/pkg/dist')).toBe(
      'const root = new URL(\'../\', import.meta.url);\nconst manifest = new URL("../src/sim/package.json", import.meta.url);',
    );
    expect(rebaseImportMetaUrls("new URL('../package.json', import.meta.url)", '/pkg/src/cli.ts', '/pkg/dist')).toBe(
      "new URL('../package.json', import.meta.url)",
    );
    expect(rebaseImportMetaUrls("new URL('./data.json', import.meta.url)", '/pkg/dist/x.ts', '/pkg/dist')).toBe(
      "new URL('./data.json', import.meta.url)",
    );
  });

  it('leaves other URLs alone', () => {
    const source = "new URL('/_sim/health', url); new URL(path, import.meta.url);";
    expect(rebaseImportMetaUrls(source, '/pkg/src/a/b.ts', '/pkg/dist')).toBe(source);
  });
});

describe("Ink's filter of default-ignorable characters in the bundle", () => {
  it('passes over no default-ignorable code point: the ranges it skips the Unicode regex for hold none', () => {
    const never = new RegExp(`^${NEVER_DEFAULT_IGNORABLE}+$`);
    const ignorable = /^\p{Default_Ignorable_Code_Point}+$/u;
    const skipped: number[] = [];
    for (let code = 0; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const character = String.fromCodePoint(code);
      if (never.test(character)) skipped.push(code);
      if (never.test(character) && ignorable.test(character)) throw new Error(`U+${code.toString(16)} is ignorable`);
    }
    // Printable ASCII, the box drawing and the marks the screen draws are among those skipped.
    for (const character of ' A~·›…─│✓✗↑↓') expect(skipped).toContain(character.codePointAt(0));
  });
});

describe('the bundle', () => {
  it('is one ASCII script holding the SDKs, the simulator and the UI, with date-fns per function', async () => {
    const { code, metafile } = await bundleCli();
    const outputs = Object.values(metafile.outputs);
    expect(outputs).toHaveLength(1);
    const inputs = Object.keys(outputs[0]?.inputs ?? {});
    // Behind lazy module wrappers (checked running in test/package/pack.test.ts: nothing of theirs before the frame).
    for (const input of [
      'node_modules/ink/',
      'node_modules/@aws-sdk/client-ecs/',
      'node_modules/@aws-sdk/client-cloudwatch-logs/',
      'node_modules/@aws-sdk/client-cloudwatch/',
      'src/sim/index.ts',
      'src/logs/sdkLogsGateway.ts',
      'src/metrics/gateway.ts',
    ])
      expect(inputs.some((path) => path.includes(input))).toBe(true);
    // date-fns per function: its root index pulls in every function (about 120 ms of start-up).
    expect(inputs.filter((input) => /node_modules\/date-fns\/index\.js$/.test(input))).toEqual([]);
    // Ink measures with our string-width (a wider fast path), and nothing builds a Segmenter as it loads (ICU's
    // break-iterator data costs the first frame 12 ms and more).
    expect(inputs.filter((input) => /node_modules\/string-width\/index\.js$/.test(input))).toHaveLength(1);
    expect(code).not.toMatch(/[^?]=\s*new Intl\.Segmenter\(/);
    expect(code).not.toMatch(/[^?]=\s*new RegExp\("\^\\\\p\{RGI_Emoji\}/);
    expect(code).toContain('\\u2500-\\u25fc');
    // Yoga is ready when its module is: no top-level await is left (a script has none).
    expect(code).toContain('yoga-layout did not load synchronously');
    // The launcher reads it as Latin-1 and keys its code cache by the digest on the first line.
    expect(code).toMatch(/^\/\/ ecsdeck bundle [0-9a-f]{32}\n/);
    expect(/[^\p{ASCII}]/u.test(code)).toBe(false);
  }, 60_000);
});

describe("the bundle's CommonJS interop", () => {
  it('gives every import of a CommonJS module the same namespace, as ES modules do', async () => {
    // esbuild's runtime helpers, as a bundle of its own with a CommonJS module imported from ES modules.
    const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-interop-'));
    try {
      writeFileSync(join(directory, 'common.cjs'), 'module.exports = { render: () => "drawn", version: "19" };');
      writeFileSync(join(directory, 'a.mjs'), 'import common from "./common.cjs"; export const a = common;');
      writeFileSync(
        join(directory, 'entry.mjs'),
        'import * as one from "./common.cjs"; import * as two from "./common.cjs"; import { a } from "./a.mjs";' +
          'globalThis.interop = { one, two, a };',
      );
      const runtime = (
        await build({
          entryPoints: [join(directory, 'entry.mjs')],
          bundle: true,
          format: 'cjs',
          platform: 'node',
          minifySyntax: true,
          minifyWhitespace: true,
          write: false,
        })
      ).outputFiles[0]?.text as string;
      const run = (text: string) => {
        const sandbox = { globalThis: {} as Record<string, unknown>, module: { exports: {} } };
        new Function('globalThis', 'module', 'exports', text)(
          sandbox.globalThis,
          sandbox.module,
          sandbox.module.exports,
        );
        return sandbox.globalThis.interop as Record<'one' | 'two' | 'a', Record<string, unknown>>;
      };
      const shared = run(shareInteropNamespaces(runtime));
      expect(shared.one).toBe(shared.two);
      expect((shared.one.default as Record<string, unknown>).version).toBe('19');
      expect(shared.a).toBe(shared.one.default);
      // esbuild's own runtime builds a new namespace for each import.
      const fresh = run(runtime);
      expect(fresh.one).not.toBe(fresh.two);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    expect(() => shareInteropNamespaces('var __toESM=(mod)=>mod;')).toThrow(/__toESM changed/);
  }, 60_000);
});
