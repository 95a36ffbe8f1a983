/**
 * One of Ink's build files, bundled as the app's bundle has it (with the given esbuild plugins) or as Ink ships it
 * (none), written to `directory` and imported: its default export, for comparing the two.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

export async function inkModuleWith<T>(file: string, plugins: Plugin[], directory: string, name: string): Promise<T> {
  const result = await build({
    entryPoints: [resolve(import.meta.dirname, '..', '..', 'node_modules', 'ink', 'build', file)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    plugins,
  });
  const built = join(directory, `${name}.mjs`);
  writeFileSync(built, result.outputFiles[0]?.text ?? '');
  return ((await import(pathToFileURL(built).href)) as { default: T }).default;
}
