/**
 * Where the shipped scenarios live and how a name is told from a path, in a module of its own with no parser: the
 * CLI recognises a shipped scenario before the first frame without loading the scenario reader.
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (two levels above src/sim/scenario). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SCENARIO_DIR = resolve(PACKAGE_ROOT, 'assets', 'scenarios');

/** Names of the scenarios shipped in assets/scenarios. */
export function listScenarioNames(): string[] {
  if (!existsSync(SCENARIO_DIR)) return [];
  return readdirSync(SCENARIO_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export function isScenarioName(nameOrPath: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(nameOrPath);
}

/** The file of a shipped scenario's name; a name that ships no file is not one (nor is a path). */
export function shippedScenarioFile(nameOrPath: string): string | undefined {
  if (!isScenarioName(nameOrPath)) return undefined;
  const file = resolve(SCENARIO_DIR, `${nameOrPath}.json`);
  return existsSync(file) ? file : undefined;
}
