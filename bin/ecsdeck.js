#!/usr/bin/env node
// The installed `ecsdeck` command. Plain ES2017 on purpose (no top-level await, no optional chaining, no static
// import): an old Node parses it and is told clearly what is needed, instead of failing with a syntax error.
// A CommonJS script (bin/package.json says so): Node starts it without setting up its ES module loader (~3 ms).
// It runs the bundle (dist/ecsdeck.cjs, built by `npm run build` and shipped in the package) when present, else the
// sources through tsx (a development checkout).
const MINIMUM_NODE_MAJOR = 22;
const version = process.versions.node;
/** What the bundle calls once its first frame is on screen (src/lib/startupCache.ts). */
const FIRST_FRAME = Symbol.for('ecsdeck.firstFrameDrawn');
/** How the bundle's code cache was found: 'accepted', 'rejected', 'absent' or 'off' (for tests). */
const CODE_CACHE_STATE = Symbol.for('ecsdeck.codeCache');

/**
 * A Node built-in: through process.getBuiltinModule (Node 22.3+) where there is one, since import() builds the
 * built-in's ES module facade, which reads every export once (node:fs's loads its streams: milliseconds before the
 * first frame).
 */
function builtin(name) {
  return typeof process.getBuiltinModule === 'function'
    ? Promise.resolve(process.getBuiltinModule(name))
    : import(name);
}

/**
 * Where V8's code cache for the bundle lives: ECSDECK_CACHE_DIR, else $XDG_CACHE_HOME/ecsdeck, else
 * ~/.cache/ecsdeck. A directory of the user's own, never a shared temporary one: a cache is code this process runs.
 */
function cacheDirectory(path, os) {
  const env = process.env;
  if (env.ECSDECK_CACHE_DIR) return env.ECSDECK_CACHE_DIR === 'off' ? undefined : env.ECSDECK_CACHE_DIR;
  const base =
    env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'ecsdeck');
}

/** The cache's bytes when the file is this user's and nobody else can write it; undefined otherwise. */
function readOwnFile(fs, file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const stat = fs.fstatSync(fd);
    const ownUser = typeof process.getuid !== 'function' || stat.uid === process.getuid();
    if (!stat.isFile() || !ownUser || (stat.mode & 0o022) !== 0) return undefined;
    return fs.readFileSync(fd);
  } catch (_error) {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Runs the bundle as a script compiled with V8's code cache. Without a usable cache it is compiled from its text,
 * and once the first frame is drawn (the bundle says so) the cache is written: it then holds the code that drew the
 * frame, already compiled, which Node's compile cache (top-level code only) does not. Any failure to read or write
 * the cache only costs speed.
 */
async function runBundle(file, fs) {
  const [vm, nodeModule, path, os] = await Promise.all(['node:vm', 'node:module', 'node:path', 'node:os'].map(builtin));
  // esbuild writes ASCII only (checked at build): Latin-1 is the same text without UTF-8 decoding.
  const source = fs.readFileSync(file, 'latin1');
  // V8 checks a cache against the length of the text only: the key is the digest of the text the build wrote first.
  const digest = /^\/\/ ecsdeck bundle ([0-9a-f]{32})\n/.exec(source);
  const directory = digest ? cacheDirectory(path, os) : undefined;
  const cacheName = `code-${process.version}-${process.arch}-${digest ? digest[1] : ''}.bin`;
  const cacheFile = directory && path.join(directory, cacheName);
  const cachedData = cacheFile && readOwnFile(fs, cacheFile);
  // No importModuleDynamically: the bundle has no import() (checked at build).
  const options = { filename: file };
  if (cachedData) options.cachedData = cachedData;
  const script = new vm.Script(nodeModule.wrap(source), options);
  const state = !directory ? 'off' : !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted';
  globalThis[CODE_CACHE_STATE] = state;
  let written = state === 'accepted' || state === 'off';
  globalThis[FIRST_FRAME] = () => {
    if (written) return;
    written = true;
    // After the frame has reached the terminal: making the cache takes a few milliseconds.
    setImmediate(() => {
      try {
        fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
        for (const name of fs.readdirSync(directory)) {
          if (/^code-.*\.bin$/.test(name) && name !== cacheName) fs.rmSync(path.join(directory, name), { force: true });
        }
        const aside = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(aside, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(aside, cacheFile);
      } catch (_error) {
        // A read-only home or a full disk: the next start compiles again, nothing else changes.
      }
    });
  };
  const module = { exports: {} };
  script.runInThisContext()(module.exports, nodeModule.createRequire(file), module, file, path.dirname(file));
}

async function start() {
  const [fs, path] = await Promise.all([builtin('node:fs'), builtin('node:path')]);
  const bundle = path.join(__dirname, '..', 'dist', 'ecsdeck.cjs');
  if (fs.existsSync(bundle)) {
    await runBundle(bundle, fs);
    return;
  }
  const tsx = await import('tsx/esm/api');
  tsx.register();
  const url = await builtin('node:url');
  await import(url.pathToFileURL(path.join(__dirname, '..', 'src', 'cli.ts')).href);
}

if (Number.parseInt(version.split('.')[0], 10) < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `ecsdeck needs Node.js ${MINIMUM_NODE_MAJOR} or newer, but this is Node.js ${version}: ` +
      `run it through npm in the repository (npm run demo, npm run sim), which uses the pinned Node ${MINIMUM_NODE_MAJOR}, ` +
      `or install Node.js ${MINIMUM_NODE_MAJOR}.\n`,
  );
  process.exit(1);
} else {
  start().catch((error) => {
    process.stderr.write(`ecsdeck: could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
