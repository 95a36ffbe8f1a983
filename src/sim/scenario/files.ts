/**
 * Finds and reads scenario files: a bare name (`demo`, `large`) means assets/scenarios/<name>.json, anything else
 * is a path. A file is either a scenario document or a generator document
 * (`{"version": 1, "generator": "large", "parameters": {...}}`) expanded in code. Every problem is one
 * ScenarioError: `<file>: <field path> <problem>`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { FieldError, ObjectReader } from '../../lib/reader.ts';
import { ScenarioError } from './errors.ts';
import { generateLargeScenario, parseLargeParameters } from './large.ts';
import { isScenarioName, listScenarioNames, PACKAGE_ROOT, SCENARIO_DIR } from './names.ts';
import { parseScenario } from './parse.ts';
import type { Scenario } from './types.ts';

export { isScenarioName, listScenarioNames, SCENARIO_DIR };

const GENERATORS = ['large'] as const;

export interface ReadScenario {
  scenario: Scenario;
  /** How errors name the file: `assets/scenarios/demo.json` for a named scenario, the path as given otherwise. */
  source: string;
}

/** Reads, validates and (for generator documents) expands a scenario by name or path. */
export function readScenario(nameOrPath: string, cwd: string = process.cwd()): ReadScenario {
  let file: string;
  let source: string;
  if (isScenarioName(nameOrPath)) {
    file = resolve(SCENARIO_DIR, `${nameOrPath}.json`);
    source = relative(PACKAGE_ROOT, file);
    if (!existsSync(file)) {
      const known = listScenarioNames();
      throw new ScenarioError(
        nameOrPath,
        '',
        `is not a scenario name (known: ${known.join(', ') || 'none'}); give a name or a path to a .json file`,
      );
    }
  } else {
    file = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
    source = nameOrPath;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ScenarioError(source, '', code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`);
  }
  const fallbackName = file
    .split(/[\\/]/)
    .pop()
    ?.replace(/\.json$/, '');
  return { scenario: scenarioFromText(text, source, fallbackName ?? 'scenario'), source };
}

/** Validates scenario JSON text; `source` names it in errors. */
export function scenarioFromText(text: string, source: string, fallbackName: string): Scenario {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(
      source,
      '',
      `is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return scenarioFromDocument(document, source, fallbackName);
}

export function scenarioFromDocument(document: unknown, source: string, fallbackName: string): Scenario {
  try {
    const isGenerator =
      typeof document === 'object' &&
      document !== null &&
      (document as Record<string, unknown>).generator !== undefined;
    if (!isGenerator) return parseScenario(document, fallbackName);
    const root = new ObjectReader(document, '', { comment: 'note' });
    if (root.required('version') !== 1) throw new FieldError('version', 'must be 1');
    root.oneOf('generator', GENERATORS);
    const parameters = root.optionalObject('parameters');
    const name = root.optionalString('name') ?? fallbackName;
    const description = root.optionalString('description');
    root.end();
    const generated = generateLargeScenario(parseLargeParameters(parameters), { name, description });
    return parseScenario(generated, fallbackName);
  } catch (error) {
    if (error instanceof FieldError) throw new ScenarioError(source, error.path, error.problem);
    throw error;
  }
}
