/**
 * Builds the shipped CLI into dist/: the entry dist/ecsdeck.js plus the chunks esbuild splits off (dozens of files:
 * the SDK, the simulator and the interactive UI are dynamic imports, loaded only when a command needs them), so
 * the package has no runtime dependency to fetch and starts without resolving hundreds of modules.
 * test/package/build.test.ts checks what the entry loads before the first frame. Run with `npm run build` (also
 * before `npm pack`).
 *
 * Source rewrites keep the bundle equivalent to the sources. Three make it work at all:
 * - `new URL('<relative>', import.meta.url)` in our files is re-based from the source file to dist/, so paths to
 *   package.json and assets/ still land on the same files once everything lives in dist/;
 * - Ink's React DevTools bridge (loaded only when DEV=true and react-devtools-core is installed) becomes an empty
 *   module: the optional package is not shipped, and a static import of it would break the bundle at load;
 * - Yoga (Ink's layout engine) gets its WebAssembly as bytes instead of fetching its own `data:` URL, which loads
 *   Node's fetch machinery and cost 50-150 ms of the first frame (measured: 64-184 ms against 13-23 ms).
 * The others, each described at its plugin, make it start or draw sooner with the same results: Ink measuring with
 * our string-width, text libraries building their Segmenter when first used, Node built-ins loaded through require,
 * signal-exit without node:assert, terminal-size loading node:child_process when it needs it, Ink's output caches
 * kept from one frame to the next.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const sourceDir = resolve(root, 'src');
export const OUTFILE = resolve(root, 'dist', 'ecsdeck.js');

const IMPORT_META_URL = /new URL\(\s*(['"])([^'"]+)\1\s*,\s*import\.meta\.url\s*\)/g;

/** Rewrites `new URL('<rel>', import.meta.url)` in `source` (a file at `file`) to point at the same target from `outDir`. */
export function rebaseImportMetaUrls(source: string, file: string, outDir: string): string {
  return source.replace(IMPORT_META_URL, (_match, quote: string, path: string) => {
    const target = resolve(dirname(file), path);
    let rebased = relative(outDir, target).split('\\').join('/');
    if (!rebased.startsWith('.')) rebased = `./${rebased}`;
    // resolve() drops a trailing slash; a directory URL needs it to resolve names inside it.
    if (path.endsWith('/') && !rebased.endsWith('/')) rebased += '/';
    return `new URL(${quote}${rebased}${quote}, import.meta.url)`;
  });
}

const rebaseOurUrls: Plugin = {
  name: 'rebase-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.tsx?$/ }, async (args) => {
      if (!args.path.startsWith(sourceDir)) return undefined;
      const source = await readFile(args.path, 'utf8');
      return {
        contents: rebaseImportMetaUrls(source, args.path, dirname(OUTFILE)),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};

const noDevtools: Plugin = {
  name: 'ink-without-devtools',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /[\\/]ink[\\/]/.test(args.importer) ? { path: 'ink-devtools', namespace: 'empty' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Ink (and its helpers) measure every line of every frame with string-width; ours (src/domain/width.ts) answers the
 * same with a wider fast path. Everything but width.ts itself gets ours.
 */
const fastStringWidth: Plugin = {
  name: 'fast-string-width',
  setup(pluginBuild) {
    const ours = resolve(sourceDir, 'domain', 'width.ts');
    pluginBuild.onResolve({ filter: /^string-width$/ }, (args) =>
      resolve(args.importer) === ours ? undefined : { path: ours },
    );
  },
};

/**
 * Ink and the text libraries under it (string-width, wrap-ansi, slice-ansi, ansi-tokenize) each build an
 * Intl.Segmenter when they load; the first one loads ICU's break-iterator data (12 ms and more) before the first
 * frame. Each becomes src/domain/graphemes.ts's lazySegmenter (all they call is `.segment`): the text of our frames
 * (ASCII, Latin, punctuation, arrows, box lines and Ink's colours) is segmented code unit by code unit, with the
 * same segments, and ICU's segmenter is built only for text that needs it (a CJK name, an emoji, a combining mark).
 */
const GRAPHEMES_MODULE = resolve(sourceDir, 'domain', 'graphemes.ts');
const SEGMENTER_AT_LOAD = /const (\w+) = new Intl\.Segmenter\(([^)]*)\);/;
const RGI_EMOJI_AT_LOAD = /const rgiEmojiRegex = (\/\^\\p\{RGI_Emoji\}\$\/v);/;
const lazySegmenters: Plugin = {
  name: 'lazy-segmenters',
  setup(pluginBuild) {
    pluginBuild.onLoad(
      {
        filter:
          /[\\/]node_modules[\\/](string-width[\\/]index|wrap-ansi[\\/]index|slice-ansi[\\/]tokenize-ansi|ink[\\/]build[\\/]line-update|@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize)\.js$/,
      },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!SEGMENTER_AT_LOAD.test(source)) throw new Error(`${args.path}: no segmenter at load any more`);
        let contents = `import { lazySegmenter as __ecsdeckLazySegmenter } from ${JSON.stringify(GRAPHEMES_MODULE)};\n${source.replace(
          SEGMENTER_AT_LOAD,
          'const $1 = __ecsdeckLazySegmenter($2);',
        )}`;
        // string-width's emoji regex costs 12 ms to build (ICU's emoji sequences); it only ever calls `.test`.
        if (/[\\/]string-width[\\/]/.test(args.path)) {
          if (!RGI_EMOJI_AT_LOAD.test(contents)) throw new Error(`${args.path}: no emoji regex at load any more`);
          contents = contents.replace(
            RGI_EMOJI_AT_LOAD,
            'const rgiEmojiRegex = { real: undefined, test(text) { return (this.real ??= $1).test(text); } };',
          );
        }
        return { contents, loader: 'js' };
      },
    );
  },
};

/**
 * A static `import ... from 'node:util'` in an ES module builds the built-in's ES module facade, which reads every
 * export once, lazy getters included: node:util's loads parseArgs, styleText and worker_threads, node:process's
 * process.report and more (measured: 2.5 ms for node:util, 5 ms for node:process). Through `require` the built-in is
 * the same object and its lazy parts stay lazy. Dynamic imports stay imports (a chunk that is only `require` would
 * lose its named exports, see bundleCli).
 */
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(pluginBuild) {
    const builtins = new Set(builtinModules);
    pluginBuild.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (args.kind !== 'import-statement') return undefined;
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) && !args.path.startsWith('node:')) return undefined;
      return { path: `node:${name}`, namespace: 'builtin-through-require' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin-through-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * signal-exit 3 (under Ink) loads node:assert (3 ms before the first frame) for one check when a handler is added.
 * It gets the same check, which loads node:assert only to throw node:assert's own error.
 */
const signalExitWithoutAssert: Plugin = {
  name: 'signal-exit-without-assert',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^assert$/ }, (args) =>
      /[\\/]signal-exit[\\/]index\.js$/.test(args.importer) ? { path: 'assert', namespace: 'lazy-assert' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-assert' }, () => ({
      contents:
        "exports.equal = (actual, expected, message) => { if (actual != expected) require('node:assert').equal(actual, expected, message); };",
      loader: 'js',
    }));
  },
};

/**
 * terminal-size (under Ink) imports node:child_process, which brings net's and dgram's modules before the first frame,
 * for a fallback that runs `tput` when the terminal does not tell its size. It loads it when that fallback runs.
 */
const TERMINAL_SIZE_CHILD_PROCESS = "import {execFileSync} from 'node:child_process';";
const terminalSizeLazyChildProcess: Plugin = {
  name: 'terminal-size-lazy-child-process',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]terminal-size[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(TERMINAL_SIZE_CHILD_PROCESS))
        throw new Error(`${args.path}: no longer imports node:child_process the way esbuild.config.ts expects`);
      return {
        contents: source.replace(
          TERMINAL_SIZE_CHILD_PROCESS,
          "const execFileSync = (...args) => require('node:child_process').execFileSync(...args);",
        ),
        loader: 'js',
      };
    });
  },
};

/**
 * Ink draws every frame from scratch: each text it writes is split into styled characters (tokenising its escape
 * codes) in caches that live for one frame. On a screen that changes a row or an age at a time, nearly every text
 * is the one of the frame before: the caches are kept from one frame to the next (what the last frame used, so they
 * hold two frames' worth at most), with one more of each text's lines as strings. The screen's blank cells are one
 * object. Ink's output only reads the cached characters, lines and cells, never changes them. Characters that cannot
 * be default-ignorable skip the regex that would drop them (NEVER_DEFAULT_IGNORABLE).
 */
const INK_FRAME_CACHES = 'caches = new OutputCaches();';
const INK_FRAME_END = `        return {
            output: generatedOutput,
            height: output.length,
        };`;
const INK_TEXT_LINES = `        const characterLines = [[]];
        for (const character of this.caches.getStyledChars(text)) {
            if (character.value === '\\n') {
                characterLines.push([]);
            }
            else {
                characterLines.at(-1).push(character);
            }
        }
        let lines = characterLines.map(line => styledCharsToString(line));`;
const INK_BLANK_CELL = `                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });`;
const INK_IGNORABLE_FILTER = 'filter(character => !/^\\p{Default_Ignorable_Code_Point}+$/u.test(character.value))';
/**
 * Code points with no default-ignorable one among them (Unicode's DerivedCoreProperties; checked against the regex
 * in test/package/build.test.ts): ASCII, Latin, combining marks, punctuation, arrows, box drawing, shapes,
 * dingbats. Characters made of these skip Ink's Unicode property regex, whose first use builds its set from ICU
 * (3 ms of the first frame) and which can only say no to them.
 */
export const NEVER_DEFAULT_IGNORABLE = '[\\u0000-\\u00ac\\u00ae-\\u034e\\u2010-\\u2029\\u2030-\\u205f\\u2070-\\u2fff]';
const INK_CACHES_ACROSS_FRAMES = `
/** ecsdeck (esbuild.config.ts): what one frame looked up, kept for the next. */
class FrameToFrameMap {
    current = new Map();
    previous = new Map();
    get(key) {
        let value = this.current.get(key);
        if (value === undefined) {
            value = this.previous.get(key);
            if (value !== undefined) this.current.set(key, value);
        }
        return value;
    }
    set(key, value) {
        this.current.set(key, value);
    }
    nextFrame() {
        this.previous = this.current;
        this.current = new Map();
    }
}
const sharedOutputCaches = new OutputCaches();
sharedOutputCaches.widths = new FrameToFrameMap();
sharedOutputCaches.blockWidths = new FrameToFrameMap();
sharedOutputCaches.styledChars = new FrameToFrameMap();
sharedOutputCaches.lines = new FrameToFrameMap();
/** A text's lines as strings, styles carried across its newlines. */
sharedOutputCaches.getLines = function (text) {
    let cached = this.lines.get(text);
    if (cached === undefined) {
${INK_TEXT_LINES.replace('let lines =', 'cached =').replace('this.caches.', 'this.')}
        this.lines.set(text, cached);
    }
    return cached;
};
const nextOutputFrame = () => {
    sharedOutputCaches.widths.nextFrame();
    sharedOutputCaches.blockWidths.nextFrame();
    sharedOutputCaches.styledChars.nextFrame();
    sharedOutputCaches.lines.nextFrame();
};
const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] };
const NEVER_IGNORABLE = /^${NEVER_DEFAULT_IGNORABLE}+$/;
let defaultIgnorable;
const isDefaultIgnorable = (value) =>
    !NEVER_IGNORABLE.test(value) && (defaultIgnorable ??= /^\\p{Default_Ignorable_Code_Point}+$/u).test(value);
export default class Output {`;
const inkCachesAcrossFrames: Plugin = {
  name: 'ink-caches-across-frames',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const classStart = 'export default class Output {';
      const parts = [INK_FRAME_CACHES, INK_FRAME_END, INK_TEXT_LINES, INK_BLANK_CELL, INK_IGNORABLE_FILTER, classStart];
      if (parts.some((part) => source.split(part).length !== 2))
        throw new Error(`${args.path}: Ink's output no longer keeps its caches the way esbuild.config.ts expects`);
      return {
        contents: source
          .replace(classStart, INK_CACHES_ACROSS_FRAMES.trimStart())
          .replace(INK_FRAME_CACHES, 'caches = sharedOutputCaches;')
          .replace(INK_FRAME_END, `        nextOutputFrame();\n${INK_FRAME_END}`)
          .replace(INK_TEXT_LINES, '        let lines = this.caches.getLines(text);')
          .replace(INK_BLANK_CELL, '                row.push(BLANK_CELL);')
          .replace(INK_IGNORABLE_FILTER, 'filter(character => !isDefaultIgnorable(character.value))'),
        loader: 'js',
      };
    });
  },
};

const YOGA_DATA_URL = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/;

const yogaWasmAsBytes: Plugin = {
  name: 'yoga-wasm-as-bytes',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const binaries = await readFile(resolve(dirname(args.path), '..', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8');
      const wasm = YOGA_DATA_URL.exec(binaries)?.[1];
      const call = 'await loadYoga()';
      // A Yoga release that loads differently must fail the build, not ship a bundle that silently does not load.
      if (!wasm || source.split(call).length !== 2)
        throw new Error(`yoga-layout changed: ${args.path} no longer loads its wasm the way esbuild.config.ts expects`);
      return {
        contents: source.replace(
          call,
          `await loadYoga({ wasmBinary: Buffer.from(${JSON.stringify(wasm)}, 'base64') })`,
        ),
        loader: 'js',
      };
    });
  },
};

/** Bundles in memory (nothing written), with esbuild's metafile: what each output holds and imports. */
export async function bundleCli() {
  const result = await build({
    entryPoints: [resolve(sourceDir, 'cli.ts')],
    outdir: dirname(OUTFILE),
    entryNames: 'ecsdeck',
    // Chunks beside the entry: re-based import.meta.url paths are relative to dist/ for every output file.
    chunkNames: '[name]-[hash]',
    // The SDK, the simulator and the UI are dynamic imports: separate chunks, loaded only when a command needs them.
    splitting: true,
    bundle: true,
    format: 'esm',
    platform: 'node',
    // ESM builds first: a dynamic import() of a CommonJS chunk would expose only `default` when split.
    mainFields: ['module', 'main'],
    target: 'node22',
    // Bundled CommonJS packages call require() for Node built-ins: give the ESM bundle one.
    banner: {
      js: "import { createRequire as __ecsdeckRequire } from 'node:module';\nconst require = __ecsdeckRequire(import.meta.url);",
    },
    define: { 'process.env.NODE_ENV': '"production"' },
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [
      rebaseOurUrls,
      noDevtools,
      yogaWasmAsBytes,
      fastStringWidth,
      lazySegmenters,
      signalExitWithoutAssert,
      terminalSizeLazyChildProcess,
      inkCachesAcrossFrames,
      builtinsThroughRequire,
    ],
    write: false,
    metafile: true,
  });
  for (const file of result.outputFiles) {
    // A CommonJS module reached through import() as its own chunk exposes only `default`: named imports of it would
    // be undefined at run time (seen with @smithy/node-http-handler before `mainFields` preferred ESM builds).
    if (/\bexport default require_\w+\(\)/.test(file.text))
      throw new Error(`${relative(root, file.path)}: a CommonJS chunk loaded by import() would lose its named exports`);
  }
  return result;
}

/**
 * esbuild's `__toESM` builds a fresh namespace object each time a CommonJS module (React, and the Node built-ins
 * loaded through require) is imported, copying every export as a getter: 47 imports of React and 14 of node:process
 * cost 4-6 ms of the first frame. One namespace per module and mode is what ES modules give anyway (an import of the
 * same module is the same namespace), so the bundle's runtime keeps them.
 */
const ESBUILD_TO_ESM = 'var __toESM=(mod,isNodeMode,target)=>(';
export function shareInteropNamespaces(text: string): string {
  if (!text.includes('__toESM=')) return text;
  if (text.split(ESBUILD_TO_ESM).length !== 2)
    throw new Error("esbuild's __toESM changed: esbuild.config.ts's shareInteropNamespaces no longer matches it");
  return text.replace(
    ESBUILD_TO_ESM,
    'var __esmNamespaces=[new WeakMap,new WeakMap],__toESM=(mod,isNodeMode)=>{if(mod==null||typeof mod!="object"&&typeof mod!="function")return __toESMFresh(mod,isNodeMode);let cache=__esmNamespaces[isNodeMode?1:0],namespace=cache.get(mod);return namespace===void 0&&cache.set(mod,namespace=__toESMFresh(mod,isNodeMode)),namespace},__toESMFresh=(mod,isNodeMode,target)=>(',
  );
}

/** Builds dist/: the entry dist/ecsdeck.js and its chunks. */
export async function buildCli(): Promise<void> {
  const result = await bundleCli();
  // Written aside and swapped in whole: a process starting meanwhile (tests run in parallel) sees the old bundle or
  // the new one, never half of one. The aside directories live where neither git nor the linter looks.
  const outDir = dirname(OUTFILE);
  const aside = resolve(root, 'node_modules', '.cache', 'ecsdeck-build');
  const staging = join(aside, `dist-${process.pid}`);
  const previous = join(aside, `previous-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await Promise.all(
    result.outputFiles.map((file) =>
      writeFile(join(staging, relative(outDir, file.path)), shareInteropNamespaces(file.text)),
    ),
  );
  await rename(outDir, previous).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(staging, outDir);
  await rm(previous, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
}
