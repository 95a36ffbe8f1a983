#!/usr/bin/env node
// The installed `ecsdeck` command: checks the Node version, then runs src/cli.ts through tsx, in this process
// (what `node --import tsx src/cli.ts` does). A bundled build replaces this launcher in a later release.
const MINIMUM_NODE_MAJOR = 22;
const version = process.versions.node;
if (Number.parseInt(version.split('.')[0], 10) < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `ecsdeck needs Node.js ${MINIMUM_NODE_MAJOR} or newer, but this is Node.js ${version}: ` +
      `run it through npm in the repository (npm run demo, npm run sim), which uses the pinned Node ${MINIMUM_NODE_MAJOR}, ` +
      `or install Node.js ${MINIMUM_NODE_MAJOR}.\n`,
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import(new URL('../src/cli.ts', import.meta.url).href);
