import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOMAIN = join(import.meta.dirname, '../../src/domain');
const sources = readdirSync(DOMAIN)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => ({ file, text: readFileSync(join(DOMAIN, file), 'utf8') }));

/** The module specifiers of every import and re-export in a source file. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
    found.push(match[1] as string);
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1] as string);
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1] as string);
  return found;
}

describe('src/domain stays pure', () => {
  it('has the files this layer is made of', () => {
    expect(sources.map((source) => source.file)).toEqual(
      expect.arrayContaining(['sanitize.ts', 'model.ts', 'timeline.ts', 'lifecycle.ts', 'failures.ts', 'health.ts']),
    );
  });

  it('imports only other domain files, date-fns per function and string-width (the measurer Ink uses)', () => {
    for (const { file, text } of sources) {
      for (const specifier of specifiers(text)) {
        const allowed =
          /^\.\/[\w-]+\.ts$/.test(specifier) || /^date-fns\/\w+$/.test(specifier) || specifier === 'string-width';
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('finds imports the way the rule above reads them', () => {
    expect(
      specifiers("import { a } from './a.ts';\nimport type { B } from 'node:fs';\nexport { c } from '../c.ts';"),
    ).toEqual(['./a.ts', 'node:fs', '../c.ts']);
  });

  it('never reads the clock, chance or the console', () => {
    for (const { file, text } of sources) {
      expect(text, file).not.toMatch(/Date\.now\(|new Date\(\s*\)|Math\.random\(|performance\.now\(|console\./);
      expect(text, file).not.toMatch(/process\./);
    }
  });
});
