import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  it('loads neither the SDK nor the simulator before the first frame, and date-fns only per function', async () => {
    const { metafile, outputFiles } = await bundleCli();
    const outputs = metafile.outputs;
    const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === 'src/cli.ts');
    // The interactive command's chunk: what cli.ts imports dynamically from src/interactive.ts.
    const interactive = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === 'src/interactive.ts');
    expect(entry).toBeDefined();
    expect(interactive).toBeDefined();
    /** Every output reachable through static imports: what is loaded before any dynamic import runs. */
    const staticClosure = (start: string): Set<string> => {
      const seen = new Set<string>([start]);
      const queue = [start];
      for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
        for (const imported of outputs[path]?.imports ?? []) {
          if (imported.kind !== 'import-statement' || imported.external || seen.has(imported.path)) continue;
          seen.add(imported.path);
          queue.push(imported.path);
        }
      }
      return seen;
    };
    const firstFrame = new Set([...staticClosure(entry as string), ...staticClosure(interactive as string)]);
    const inputs = [...firstFrame].flatMap((output) => Object.keys(outputs[output]?.inputs ?? {}));
    expect(inputs.some((input) => input.includes('node_modules/ink/'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/@aws-sdk\/|node_modules\/@smithy\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => input.startsWith('src/sim/'))).toEqual([]);
    // The SDK is in the bundle all the same, behind a dynamic import.
    const everything = Object.values(outputs).flatMap((output) => Object.keys(output.inputs));
    expect(everything.some((input) => input.includes('node_modules/@aws-sdk/client-ecs/'))).toBe(true);
    // CloudWatch Logs too: its SDK and gateway load when a log is first opened, never before the first frame.
    expect(everything.some((input) => input.includes('node_modules/@aws-sdk/client-cloudwatch-logs/'))).toBe(true);
    expect(inputs.filter((input) => input === 'src/logs/sdkLogsGateway.ts')).toEqual([]);
    // So is CloudWatch's (utilisation), and the metrics gateway that imports it comes after the first frame too.
    expect(everything.some((input) => input.includes('node_modules/@aws-sdk/client-cloudwatch/'))).toBe(true);
    expect(inputs.filter((input) => input === 'src/metrics/gateway.ts')).toEqual([]);
    expect(inputs).toContain('src/metrics/poller.ts');
    // date-fns per function: its root index pulls in every function (about 120 ms of start-up).
    expect(everything.filter((input) => /node_modules\/date-fns\/index\.js$/.test(input))).toEqual([]);
    // Ink measures with our string-width (a wider fast path), and nothing builds a Segmenter as it loads (ICU's
    // break-iterator data costs the first frame 12 ms and more).
    expect(everything.filter((input) => /node_modules\/string-width\/index\.js$/.test(input))).toHaveLength(1);
    const textOf = (output: string) =>
      outputFiles.find((file) => file.path.endsWith(output.replace(/^dist/, '')))?.text;
    const firstFrameCode = [...firstFrame].map((output) => textOf(output) ?? '').join('\n');
    expect(firstFrameCode.length).toBeGreaterThan(100_000);
    expect(firstFrameCode).not.toMatch(/[^?]=\s*new Intl\.Segmenter\(/);
    expect(firstFrameCode).not.toMatch(/[^?]=\s*new RegExp\("\^\\\\p\{RGI_Emoji\}/);
    expect(firstFrameCode).toContain('\\u2500-\\u25fc');
    // Ink keeps the styled characters of the last frame's texts for the next frame.
    expect(firstFrameCode).toContain('caches=sharedOutputCaches');
  }, 60_000);

  it('loads no heavy Node built-in before the first frame, and no built-in through an ES module facade', async () => {
    const { metafile } = await bundleCli();
    const outputs = metafile.outputs;
    const start = ['src/cli.ts', 'src/interactive.ts'].map(
      (entryPoint) => Object.keys(outputs).find((path) => outputs[path]?.entryPoint === entryPoint) as string,
    );
    const firstFrame = new Set(start);
    const queue = [...start];
    for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
      for (const imported of outputs[path]?.imports ?? []) {
        if (imported.kind !== 'import-statement' || imported.external || firstFrame.has(imported.path)) continue;
        firstFrame.add(imported.path);
        queue.push(imported.path);
      }
    }
    // A static import of a built-in builds its facade, which reads every export (lazy getters included).
    const facades = [...firstFrame].flatMap((output) =>
      (outputs[output]?.imports ?? [])
        .filter((imported) => imported.external && imported.kind === 'import-statement')
        .map((imported) => `${output} imports ${imported.path}`),
    );
    expect(facades).toEqual([]);
    const inputs = [...firstFrame].flatMap((output) => Object.keys(outputs[output]?.inputs ?? {}));
    expect(inputs.some((input) => input.includes('node_modules/ink/'))).toBe(true);
    // Built-ins the first frame loads, through require: the terminal's, none of crypto, child_process or assert.
    const builtins = inputs.filter((input) => input.startsWith('builtin-through-require:'));
    expect(builtins).toContain('builtin-through-require:node:tty');
    expect(builtins.filter((input) => /node:(crypto|child_process|assert)$/.test(input))).toEqual([]);
  }, 60_000);
});

describe("the bundle's CommonJS interop", () => {
  it('gives every import of a CommonJS module the same namespace, as ES modules do', async () => {
    const { outputFiles } = await bundleCli();
    const runtimes = outputFiles.filter((file) => file.text.includes('__toESM='));
    expect(runtimes).toHaveLength(1);
    const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-interop-'));
    try {
      const load = async (name: string, text: string) => {
        const file = join(directory, name);
        writeFileSync(file, text);
        return (await import(pathToFileURL(file).href)) as {
          __toESM: (mod: unknown, isNodeMode?: number) => Record<string, unknown>;
        };
      };
      const runtime = runtimes[0]?.text ?? '';
      const shared = await load('shared.mjs', shareInteropNamespaces(runtime));
      const commonJs = { render: () => 'drawn', version: '19' };
      const first = shared.__toESM(commonJs, 1);
      expect(shared.__toESM(commonJs, 1)).toBe(first);
      expect(first.default).toBe(commonJs);
      expect(first.version).toBe('19');
      commonJs.version = '20';
      expect(first.version).toBe('20');
      // Not node mode: an __esModule's namespace has no made-up default; kept apart from the node-mode one.
      const esModule = { __esModule: true, value: 1 };
      expect(shared.__toESM(esModule)).toBe(shared.__toESM(esModule));
      expect(shared.__toESM(esModule).default).toBeUndefined();
      expect(shared.__toESM(esModule, 1).default).toBe(esModule);
      expect(shared.__toESM(undefined, 1).default).toBeUndefined();
      // esbuild's own runtime builds a new namespace each time.
      const fresh = await load('fresh.mjs', runtime);
      expect(fresh.__toESM(commonJs, 1)).not.toBe(fresh.__toESM(commonJs, 1));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
    expect(() => shareInteropNamespaces('var __toESM=(mod)=>mod;')).toThrow(/__toESM changed/);
  }, 60_000);
});
