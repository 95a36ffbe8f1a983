/** The README's test command is the one CI runs: a new contributor who copies it runs exactly what CI checks. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** The commands of a shell text: lines without comments, blank lines and shell options. */
function commands(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '' && !/^(set|cd)\s/.test(line));
}

/** The fenced code blocks of a Markdown text, in order. */
function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
}

describe('README and .ci/run', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const ciRun = readFileSync(join(root, '.ci', 'run'), 'utf8');

  it('the test command in the README opening is exactly what .ci/run runs', () => {
    const ci = commands(ciRun);
    expect(ci).toHaveLength(1);
    // The first code blocks, before the first section: the two commands a newcomer copies.
    const opening = codeBlocks(readme.split(/^## /m)[0] ?? '').flatMap(commands);
    const testCommands = opening.filter((command) => /\bnpm (run )?test\b/.test(command));
    expect(testCommands).toEqual(ci);
  });

  it('reads commands the way a shell would', () => {
    expect(commands('#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")/.."\nnpm ci # clean\n')).toEqual([
      'npm ci',
    ]);
    expect(codeBlocks('x\n```sh\na\nb\n```\ny\n```\nc\n```\n')).toEqual(['a\nb\n', 'c\n']);
  });
});
