/**
 * The import rules of ARCHITECTURE.md, checked rather than remembered: data flows
 * ECS/simulator -> ecs/ -> poll/ -> store/ -> ui/, and each layer imports only what it may.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const srcDir = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

interface Import {
  file: string;
  specifier: string;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[1] ?? match[2];
    if (specifier) found.push({ file, specifier });
  }
  return found;
}

/** The top-level folder under src/ an import lands in, or the package name for bare imports. */
function target(imp: Import): { layer?: string; pkg?: string } {
  if (imp.specifier.startsWith('.')) {
    const abs = resolve(join(imp.file, '..'), imp.specifier);
    const rel = relative(srcDir, abs);
    return { layer: rel.split(/[\\/]/)[0] };
  }
  const parts = imp.specifier.split('/');
  const pkg = imp.specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return { pkg };
}

function layerOf(file: string): string {
  return relative(srcDir, file).split(/[\\/]/)[0] ?? '';
}

const allowedLayers: Record<string, string[]> = {
  domain: ['domain'],
  lib: ['lib'],
  sim: ['sim', 'domain', 'lib'],
  ecs: ['ecs', 'domain', 'lib'],
  poll: ['poll', 'ecs', 'store', 'recorder', 'domain', 'lib'],
  store: ['store', 'domain', 'lib'],
  recorder: ['recorder', 'domain', 'lib'],
  actions: ['actions', 'ecs', 'store', 'recorder', 'domain', 'lib', 'keymap'],
  keymap: ['keymap', 'domain'],
  ui: ['ui', 'store', 'keymap', 'domain', 'lib', 'actions'],
};

const files = sourceFiles(srcDir);
const imports = files.flatMap(importsOf);

describe('import rules', () => {
  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('each layer imports only the layers it may', () => {
    const violations = imports
      .filter((imp) => layerOf(imp.file) in allowedLayers)
      .flatMap((imp) => {
        const { layer } = target(imp);
        if (layer === undefined) return [];
        const allowed = allowedLayers[layerOf(imp.file)] ?? [];
        return allowed.includes(layer) ? [] : [`${relative(root, imp.file)} imports ${imp.specifier}`];
      });
    expect(violations).toEqual([]);
  });

  it('nothing imports the CLI entry', () => {
    const violations = imports
      .filter((imp) => imp.specifier.startsWith('.') && /(^|\/)cli(\.ts)?$/.test(imp.specifier))
      .filter((imp) => layerOf(imp.file) !== 'cli.ts')
      .map((imp) => relative(root, imp.file));
    expect(violations).toEqual([]);
  });

  it('only ui/ imports ink and react; only ecs/ imports the AWS SDK', () => {
    const violations = imports.flatMap((imp) => {
      const { pkg } = target(imp);
      const layer = layerOf(imp.file);
      if ((pkg === 'ink' || pkg === 'react') && layer !== 'ui') return [`${relative(root, imp.file)} imports ${pkg}`];
      if (pkg?.startsWith('@aws-sdk/') && layer !== 'ecs' && !layer.startsWith('cli'))
        return [`${relative(root, imp.file)} imports ${pkg}`];
      return [];
    });
    expect(violations).toEqual([]);
  });

  it('the simulator model never reads the real clock or Math.random (a seed must replay exactly)', () => {
    const offenders = files
      .filter((file) => relative(srcDir, file).startsWith(join('sim', 'model')))
      .filter((file) => /Math\.random|Date\.now|new Date\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
