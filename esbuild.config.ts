/**
 * Builds the shipped CLI into one file, dist/ecsdeck.cjs: a CommonJS script that bin/ecsdeck.js compiles with V8's
 * code cache. The cache is made once the first frame is on screen, so it holds the code that drew it already
 * compiled (Node's own compile cache keeps only each module's top level, and 30 chunks cost a module load each).
 * Everything a command loads dynamically (the SDK, the simulator, the interactive UI) stays behind esbuild's lazy
 * module wrappers: in the file, evaluated only when the command asks for it. test/package/build.test.ts and
 * test/package/pack.test.ts check what runs before the first frame. Run with `npm run build` (also before `npm pack`).
 *
 * Source rewrites keep the bundle equivalent to the sources. Four make it work at all:
 * - `new URL('<relative>', import.meta.url)` in our files is re-based from the source file to dist/, so paths to
 *   package.json and assets/ still land on the same files once everything lives in dist/; `import.meta.url` is the
 *   bundle's own URL;
 * - Ink's React DevTools bridge (loaded only when DEV=true and react-devtools-core is installed) becomes an empty
 *   module, and its DEV-only top-level awaits go: the optional package is not shipped, and a script has no
 *   top-level await;
 * - Yoga (Ink's layout engine) gets its WebAssembly as bytes, compiled and instantiated synchronously, instead of
 *   fetching its own `data:` URL (Node's fetch machinery cost 50-150 ms of the first frame) behind a top-level await;
 * - esbuild's CommonJS interop keeps one namespace per module (shareInteropNamespaces).
 * The others, each described at its plugin, make it start or draw sooner with the same results: Ink measuring with
 * our string-width, text libraries segmenting without ICU, signal-exit without node:assert, terminal-size loading
 * node:child_process when it needs it, Ink's output caches kept from one frame to the next.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const sourceDir = resolve(root, 'src');
export const OUTFILE = resolve(root, 'dist', 'ecsdeck.cjs');

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
 * The SDK imports some Node built-ins dynamically (`await import('node:http')`). In a script compiled by
 * bin/ecsdeck.js an import() needs Node's (experimental) loader callback; through require they are the same objects.
 */
const dynamicBuiltinsThroughRequire: Plugin = {
  name: 'dynamic-builtins-through-require',
  setup(pluginBuild) {
    const builtins = new Set(builtinModules);
    pluginBuild.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const name = args.path.replace(/^node:/, '');
      if (!builtins.has(name) && !args.path.startsWith('node:')) return undefined;
      return { path: `node:${name}`, namespace: 'dynamic-builtin' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'dynamic-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * Ink squashes each text element's children into one string at every frame (and at every layout): it sanitises
 * the whole string, rewrites C1 controls and expands tabs each time, though on a screen that changes a cell at a
 * time nearly every string is the one of the frame before. That finishing work depends on the string alone (and
 * on whether the element is a text or a nested one): it is remembered for the strings the last frames used.
 */
const INK_SQUASH_FINISH_START = '    text = sanitizeAnsi(';
const INK_SQUASH_FINISH_END = '    return text;\n};';
const INK_SQUASH_CACHE = `
/** ecsdeck (esbuild.config.ts): what squashing finished, by the squashed string, for the strings in use. */
const finishedTexts = [new Map(), new Map()];
const FINISHED_TEXTS_KEPT = 4096;
const finishSquashedText = (node, squashed) => {
    const cache = finishedTexts[node.nodeName === 'ink-text' ? 0 : 1];
    let text = cache.get(squashed);
    if (text !== undefined) return text;
    text = squashed;
`;
export const inkSquashRemembered: Plugin = {
  name: 'ink-squash-remembered',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]squash-text-nodes\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const start = source.indexOf(INK_SQUASH_FINISH_START);
      const end = source.indexOf(INK_SQUASH_FINISH_END);
      const declaration = 'const squashTextNodes = (node) => {';
      if (
        start < 0 ||
        end < start ||
        source.split(declaration).length !== 2 ||
        source.split(INK_SQUASH_FINISH_START).length !== 2
      )
        throw new Error(`${args.path}: Ink's text squashing changed; esbuild.config.ts no longer matches it`);
      const finishing = source.slice(start, end);
      const contents =
        source
          .slice(0, start)
          .replace(
            declaration,
            `${INK_SQUASH_CACHE}${finishing}    if (cache.size >= FINISHED_TEXTS_KEPT) cache.clear();\n    cache.set(squashed, text);\n    return text;\n};\n${declaration}`,
          ) +
        '    return finishSquashedText(node, text);\n};' +
        source.slice(end + INK_SQUASH_FINISH_END.length);
      return { contents, loader: 'js' };
    });
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
 * hold two frames' worth at most), with one more of each text's lines as strings, and each clipped line. The screen's
 * blank cells are one object. Ink's output only reads the cached characters, lines and cells, never changes them.
 * Characters that cannot be default-ignorable skip the regex that would drop them (NEVER_DEFAULT_IGNORABLE).
 * And Ink fills a grid of cells for the whole screen every frame, then turns every row back into text: the bundle's
 * Output gathers what each row is written and draws only the rows whose writes are not those of a row it drew the
 * frame before (GET_BY_ROWS; an age ticking redraws its row, not 40). Checked against Ink's own Output in
 * test/package/inkOutput.test.ts.
 */
const INK_FRAME_CACHES = 'caches = new OutputCaches();';
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
/** Ink's Output.get, whole: replaced below by one that draws only the rows that changed. */
const INK_GET = `    get() {
        // Initialize output array with a specific set of rows, so that margin/padding at the bottom is preserved
        const output = [];
        for (let y = 0; y < this.height; y++) {
            const row = [];
            for (let x = 0; x < this.width; x++) {
                row.push({
                    type: 'char',
                    value: ' ',
                    fullWidth: false,
                    styles: [],
                });
            }
            output.push(row);
        }
        const clips = [];
        for (const operation of this.operations) {
            if (operation.type === 'clip') {
                // Nested clips must intersect, not replace, otherwise an inner \`overflow="hidden"\` box lets content escape the outer clip and overwrite surrounding UI.
                clips.push(intersectClips(clips.at(-1), operation.clip));
            }
            else if (operation.type === 'unclip') {
                clips.pop();
            }
            else {
                this.applyWriteOperation(output, operation, clips.at(-1));
            }
        }
        const generatedOutput = output
            .map(line => {
            // See https://github.com/vadimdemedes/ink/pull/564#issuecomment-1637022742
            const lineWithoutEmptyItems = line.filter(item => item !== undefined);
            return styledCharsToString(lineWithoutEmptyItems).trimEnd();
        })
            .join('\\n');
        return {
            output: generatedOutput,
            height: output.length,
        };
    }`;
/**
 * The same, row by row: the operations are gathered into what each row is written (its column and transformed line,
 * in order), and a row is drawn (Ink's own cell writing, INK_CELL_WRITES) only when that list is not the one drawn
 * for the frame before. A row's text is a function of its writes and the width alone.
 */
const GET_BY_ROWS = `    get() {
        const rows = [];
        for (let y = 0; y < this.height; y++) rows.push([]);
        const clips = [];
        for (const operation of this.operations) {
            if (operation.type === 'clip') clips.push(intersectClips(clips.at(-1), operation.clip));
            else if (operation.type === 'unclip') clips.pop();
            else this.collectWriteOperation(rows, operation, clips.at(-1));
        }
        const generatedOutput = rows.map(writes => {
            let key = \`\${this.width}\`;
            for (let index = 0; index < writes.length; index += 2) {
                const line = writes[index + 1];
                key += \`|\${writes[index]}:\${line.length}:\${line}\`;
            }
            let drawn = sharedOutputCaches.rows.get(key);
            if (drawn === undefined) {
                drawn = this.drawRow(writes);
                sharedOutputCaches.rows.set(key, drawn);
            }
            return drawn;
        }).join('\\n');
        nextOutputFrame();
        return {
            output: generatedOutput,
            height: rows.length,
        };
    }
    drawRow(writes) {
        const currentLine = [];
        for (let x = 0; x < this.width; x++) currentLine.push(BLANK_CELL);
        for (let index = 0; index < writes.length; index += 2) {
            const x = writes[index];
            const characters = this.caches.getStyledChars(writes[index + 1]);
CELL_WRITES        }
        return styledCharsToString(currentLine.filter(item => item !== undefined)).trimEnd();
    }
    sliceLineToColumns(line, from, to) {
        const key = \`\${from}:\${to}:\${line}\`;
        let sliced = sharedOutputCaches.slices.get(key);
        if (sliced === undefined) {
            sliced = this.sliceLineToColumnsNow(line, from, to);
            sharedOutputCaches.slices.set(key, sliced);
        }
        return sliced;
    }`;
/** Where applyWriteOperation has a row's line ready to write: collectWriteOperation records it there instead. */
const INK_LINE_READY = `            if (characters.length === 0) {
                continue;
            }
`;
const INK_CELL_WRITES_START = '            let offsetX = x;\n';
const INK_CELL_WRITES_END = `            if (currentLine[offsetX]?.value === '') {
                currentLine[offsetX] = blankCell(currentLine[offsetX]);
            }
`;
const INK_APPLY_WRITE = '    applyWriteOperation(output, operation, clip) {';
const INK_WRITE = '    write(x, y, text, options) {';
const INK_SLICE = '    sliceLineToColumns(line, from, to) {';
/** INK_TEXT_LINES as the bundle has it: one cached lookup. */
const INK_LINES_CACHED = '        let lines = this.caches.getLines(text);';
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
sharedOutputCaches.rows = new FrameToFrameMap();
sharedOutputCaches.slices = new FrameToFrameMap();
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
    sharedOutputCaches.rows.nextFrame();
    sharedOutputCaches.slices.nextFrame();
};
const BLANK_CELL = { type: 'char', value: ' ', fullWidth: false, styles: [] };
const NEVER_IGNORABLE = /^${NEVER_DEFAULT_IGNORABLE}+$/;
let defaultIgnorable;
const isDefaultIgnorable = (value) =>
    !NEVER_IGNORABLE.test(value) && (defaultIgnorable ??= /^\\p{Default_Ignorable_Code_Point}+$/u).test(value);
export default class Output {`;
export const inkCachesAcrossFrames: Plugin = {
  name: 'ink-caches-across-frames',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]output\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const classStart = 'export default class Output {';
      const parts = [
        INK_FRAME_CACHES,
        INK_TEXT_LINES,
        INK_IGNORABLE_FILTER,
        classStart,
        INK_GET,
        INK_APPLY_WRITE,
        INK_WRITE,
        INK_SLICE,
        INK_LINE_READY,
        INK_CELL_WRITES_START,
        INK_CELL_WRITES_END,
      ];
      const apply = source.slice(source.indexOf(INK_APPLY_WRITE), source.indexOf(INK_WRITE));
      const cellWrites = apply.slice(
        apply.indexOf(INK_CELL_WRITES_START),
        apply.indexOf(INK_CELL_WRITES_END) + INK_CELL_WRITES_END.length,
      );
      if (
        parts.some((part) => source.split(part).length !== 2) ||
        !apply.includes(`${INK_LINE_READY}${cellWrites}`) ||
        cellWrites.length === 0
      )
        throw new Error(`${args.path}: Ink's output no longer draws the way esbuild.config.ts expects`);
      const collect = apply
        .replace(INK_APPLY_WRITE, '    collectWriteOperation(output, operation, clip) {')
        .replace(INK_TEXT_LINES, INK_LINES_CACHED)
        .replace(`${INK_LINE_READY}${cellWrites}`, () => `${INK_LINE_READY}            currentLine.push(x, line);\n`);
      const indentedCellWrites = cellWrites.replaceAll(/^(?=.)/gm, '    ');
      return {
        contents: source
          .replace(classStart, INK_CACHES_ACROSS_FRAMES.trimStart())
          .replace(INK_FRAME_CACHES, 'caches = sharedOutputCaches;')
          .replace(INK_TEXT_LINES, INK_LINES_CACHED)
          .replace(INK_IGNORABLE_FILTER, 'filter(character => !isDefaultIgnorable(character.value))')
          .replace(INK_SLICE, '    sliceLineToColumnsNow(line, from, to) {')
          .replace(INK_WRITE, () => `${collect}${INK_WRITE}`)
          .replace(INK_GET, () => GET_BY_ROWS.replace('CELL_WRITES', () => indentedCellWrites)),
        loader: 'js',
      };
    });
  },
};

/**
 * Ink's reconciler awaits two things at its top level when DEV=true: the DevTools bridge (left out above) and its
 * package.json (for DevTools' display). A script cannot await at its top level; both become what they give without
 * DevTools.
 */
const INK_DEVTOOLS_AWAIT = "await import('./devtools.js');";
const INK_PACKAGE_AWAIT = 'const loaded = await loadPackageJson();';
const inkWithoutDevAwaits: Plugin = {
  name: 'ink-without-dev-awaits',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (source.split(INK_DEVTOOLS_AWAIT).length !== 2 || source.split(INK_PACKAGE_AWAIT).length !== 2)
        throw new Error(`${args.path}: Ink's DEV-only awaits changed; esbuild.config.ts no longer matches them`);
      return {
        contents: source.replace(INK_DEVTOOLS_AWAIT, 'void 0;').replace(INK_PACKAGE_AWAIT, 'const loaded = {};'),
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
        // Emscripten's module object is ready when loadYoga returns if the instance is handed over at once.
        contents: source.replace(
          call,
          `(() => {
  const module = {
    wasmBinary: Buffer.from(${JSON.stringify(wasm)}, 'base64'),
    instantiateWasm(imports, receiveInstance) {
      receiveInstance(new WebAssembly.Instance(new WebAssembly.Module(module.wasmBinary), imports));
      return {};
    },
  };
  loadYoga(module);
  if (module.calledRun !== true || typeof module.Node !== 'function') throw new Error('yoga-layout did not load synchronously');
  return module;
})()`,
        ),
        loader: 'js',
      };
    });
  },
};

/** The bundle's first line: this and a digest of the rest (bin/ecsdeck.js reads it). */
export const BUNDLE_DIGEST_PREFIX = '// ecsdeck bundle ';

/** A name the bundle knows its own URL by (`import.meta.url` in the sources). */
const IMPORT_META_URL_NAME = '__ecsdeckImportMetaUrl';

/**
 * Bundles in memory (nothing written): the shipped script's text (the interop rewrite applied) and esbuild's metafile
 * (what it holds).
 */
export async function bundleCli(): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    entryPoints: [resolve(sourceDir, 'cli.ts')],
    outfile: OUTFILE,
    bundle: true,
    // A script, so bin/ecsdeck.js can compile it with a code cache (vm.Script); dynamic imports become lazy
    // module wrappers inside it.
    format: 'cjs',
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node22',
    // Read as Latin-1 by the launcher (a one-byte string, no UTF-8 decoding): everything beyond ASCII is escaped.
    charset: 'ascii',
    banner: { js: `var ${IMPORT_META_URL_NAME} = require('node:url').pathToFileURL(__filename).href;` },
    define: { 'process.env.NODE_ENV': '"production"', 'import.meta.url': IMPORT_META_URL_NAME },
    minifySyntax: true,
    minifyWhitespace: true,
    // Shorter names make a smaller script and code cache (6 ms of the first frame). Nothing reads a function's or a
    // class's name: errors name themselves (`this.name = ...`, the SDK's exceptions too).
    minifyIdentifiers: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [
      rebaseOurUrls,
      noDevtools,
      inkWithoutDevAwaits,
      yogaWasmAsBytes,
      fastStringWidth,
      lazySegmenters,
      signalExitWithoutAssert,
      terminalSizeLazyChildProcess,
      inkCachesAcrossFrames,
      inkSquashRemembered,
      dynamicBuiltinsThroughRequire,
    ],
    write: false,
    metafile: true,
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error('esbuild wrote more than the one script');
  // A script run by vm.Script has no loader for import() (bin/ecsdeck.js gives it none).
  const imports = Object.values(result.metafile.outputs).flatMap((out) => out.imports);
  const dynamic = imports.filter((imported) => imported.kind === 'dynamic-import').map((imported) => imported.path);
  if (dynamic.length > 0) throw new Error(`the bundle still imports dynamically: ${dynamic.join(', ')}`);
  const code = shareInteropNamespaces(output.text);
  const notAscii = /[^\p{ASCII}]/u.exec(code);
  if (notAscii)
    throw new Error(
      `the bundle holds a character beyond ASCII at ${notAscii.index} (${JSON.stringify(code.slice(notAscii.index - 80, notAscii.index + 20))}): it is read as Latin-1`,
    );
  // The launcher keys its code cache by this (the text it compiles, and its length, are all V8 checks a cache by).
  const digest = createHash('sha256').update(code).digest('hex').slice(0, 32);
  return { code: `${BUNDLE_DIGEST_PREFIX}${digest}\n${code}`, metafile: result.metafile };
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

/** Builds dist/: the one script, dist/ecsdeck.cjs. */
export async function buildCli(): Promise<void> {
  const { code } = await bundleCli();
  // Written aside and swapped in whole: a process starting meanwhile (tests run in parallel) sees the old bundle or
  // the new one, never half of one. The aside directories live where neither git nor the linter looks.
  const outDir = dirname(OUTFILE);
  const aside = resolve(root, 'node_modules', '.cache', 'ecsdeck-build');
  const staging = join(aside, `dist-${process.pid}`);
  const previous = join(aside, `previous-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFile(join(staging, relative(outDir, OUTFILE)), code);
  await rename(outDir, previous).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(staging, outDir);
  await rm(previous, { recursive: true, force: true });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
}
