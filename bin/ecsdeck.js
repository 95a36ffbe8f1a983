#!/usr/bin/env node
// The installed `ecsdeck` command. Plain ES2017 on purpose (no top-level await, no optional chaining, no static
// import): an old Node parses it and is told clearly what is needed, instead of failing with a syntax error.
// It runs the bundle (dist/ecsdeck.js, built by `npm run build` and shipped in the package) when present, else the
// sources through tsx (a development checkout).
const MINIMUM_NODE_MAJOR = 22;
const version = process.versions.node;

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

async function start() {
  const fs = await builtin('node:fs');
  const bundle = new URL('../dist/ecsdeck.js', import.meta.url);
  if (fs.existsSync(bundle)) {
    // V8's compiled code cached on disk (in the temp directory): later starts skip most of the compiling.
    const nodeModule = await builtin('node:module');
    if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache();
    await import(bundle.href);
    return;
  }
  const tsx = await import('tsx/esm/api');
  tsx.register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
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
