/**
 * The import rules of ARCHITECTURE.md, checked rather than remembered: data flows
 * ECS/simulator -> ecs/ -> poll/ -> store/ -> ui/, and each layer imports only what it may.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  /** CloudWatch Logs: its gateway is built on ecs/'s transport, caller and errors. */
  logs: ['logs', 'ecs', 'domain', 'lib'],
  poll: ['poll', 'ecs', 'store', 'recorder', 'domain', 'lib'],
  store: ['store', 'domain', 'lib'],
  recorder: ['recorder', 'domain', 'lib'],
  actions: ['actions', 'ecs', 'store', 'recorder', 'domain', 'lib', 'keymap'],
  keymap: ['keymap', 'domain'],
  metrics: ['metrics', 'ecs', 'store', 'domain', 'lib'],
  ui: ['ui', 'store', 'keymap', 'domain', 'lib', 'actions', 'logs'],
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

  it("only ui/ imports ink and react; only ecs/ imports the AWS SDK (logs/ its CloudWatch Logs client, metrics/gateway.ts CloudWatch's)", () => {
    const violations = imports.flatMap((imp) => {
      const { pkg } = target(imp);
      const layer = layerOf(imp.file);
      if ((pkg === 'ink' || pkg === 'react') && layer !== 'ui') return [`${relative(root, imp.file)} imports ${pkg}`];
      const ownSdk = layer === 'ecs' || (layer === 'logs' && pkg === '@aws-sdk/client-cloudwatch-logs');
      // The CloudWatch client is the metrics gateway's alone (metrics/gateway.ts, over ecs/'s service plumbing).
      const metricsGateway =
        pkg === '@aws-sdk/client-cloudwatch' && relative(srcDir, imp.file) === 'metrics/gateway.ts';
      if (pkg?.startsWith('@aws-sdk/') && !ownSdk && !layer.startsWith('cli') && !metricsGateway)
        return [`${relative(root, imp.file)} imports ${pkg}`];
      return [];
    });
    expect(violations).toEqual([]);
  });

  it('feedKey is imported from store/feeds.ts, where it is declared, never through another module', () => {
    const feeds = join(srcDir, 'store', 'feeds.ts');
    const offenders = [...files, ...sourceFiles(join(root, 'test'))].flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^'"]*?\{([^}]*)\}\s*from\s+['"]([^'"]+)['"]/g)]
        .filter(
          ([, names = '', specifier = '']) => /\bfeedKey\b/.test(names) && resolve(file, '..', specifier) !== feeds,
        )
        .map(([, , specifier]) => `${relative(root, file)} takes feedKey from ${specifier}`),
    );
    const reexports = files
      .filter((file) => /export\s*\{[^}]*\bfeedKey\b[^}]*\}\s*;/.test(readFileSync(file, 'utf8')))
      .map((file) => `${relative(root, file)} re-exports feedKey`);
    expect([...offenders, ...reexports]).toEqual([]);
  });

  it('each pane has its own module in ui/panes (its selector and columns); no other module declares columns', () => {
    const panes: Record<string, [selector: string, columns: string]> = {
      clusters: ['selectClusterRows', 'clusterColumns'],
      instances: ['selectInstanceRows', 'instanceColumns'],
      services: ['selectServiceRows', 'serviceColumns'],
      tasks: ['selectTaskRows', 'taskColumns'],
      failures: ['selectFailureRows', 'failureColumns'],
    };
    const paneFile = (pane: string) => join(srcDir, 'ui', 'panes', `${pane}.ts`);
    const missing = Object.entries(panes).flatMap(([pane, names]) => {
      const text = existsSync(paneFile(pane)) ? readFileSync(paneFile(pane), 'utf8') : '';
      return names
        .filter((name) => !new RegExp(`export (const|function) ${name}\\b`).test(text))
        .map((name) => `ui/panes/${pane}.ts does not export ${name}`);
    });
    expect(missing).toEqual([]);
    const declaring = files.filter((file) => /export function \w+Columns\(/.test(readFileSync(file, 'utf8')));
    expect(declaring.sort()).toEqual(Object.keys(panes).map(paneFile).sort());
  });

  it('the simulator model never reads the real clock or Math.random (a seed must replay exactly)', () => {
    const offenders = files
      .filter((file) => relative(srcDir, file).startsWith(join('sim', 'model')))
      .filter((file) => /Math\.random|Date\.now|new Date\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
