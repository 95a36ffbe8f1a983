/**
 * The bundle's Ink remembers how it finished squashing a text (esbuild.config.ts, inkSquashRemembered): the same
 * strings as Ink's own squashing, for the same trees, however often and in whatever order it is asked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inkSquashRemembered } from '../../esbuild.config.ts';
import { inkModuleWith } from './inkModule.ts';

interface InkNode {
  nodeName: string;
  nodeValue?: string;
  isHidden?: boolean;
  internal_transform?: (line: string, index: number) => string;
  childNodes: InkNode[];
}
type Squash = (node: InkNode) => string;

const text = (value: string): InkNode => ({ nodeName: '#text', nodeValue: value, childNodes: [] });
const element = (nodeName: string, childNodes: InkNode[], extra: Partial<InkNode> = {}): InkNode => ({
  nodeName,
  childNodes,
  ...extra,
});

describe("the bundle's Ink text squashing", () => {
  it('gives what Ink gives, for the same tree and after its text changes', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-squash-'));
    try {
      const original = await inkModuleWith<Squash>('squash-text-nodes.js', [], directory, 'original');
      const remembered = await inkModuleWith<Squash>(
        'squash-text-nodes.js',
        [inkSquashRemembered],
        directory,
        'remembered',
      );
      const upper = (line: string) => `\x1b[31m${line.toUpperCase()}\x1b[39m`;
      const trees = [
        element('ink-text', [text('plain')]),
        element('ink-text', [text('a\tb\r\nc'), text(' \x9b31mC1\x9c')]),
        element('ink-text', [
          text('prod '),
          element('ink-virtual-text', [text('degraded\nline')], { internal_transform: upper }),
        ]),
        element('ink-text', [text('shown '), element('ink-virtual-text', [text('hidden')], { isHidden: true })]),
        element('ink-virtual-text', [text('tab\tinside a nested text')]),
        element('ink-text', [text('\x1b]52;c;ZXZpbA==\x07osc and \x1b[2Jclear')]),
      ];
      for (let round = 0; round < 3; round++) {
        for (const tree of trees) expect(remembered(tree)).toBe(original(tree));
      }
      // The same node with a new text, and back: never the string of another text.
      const node = element('ink-text', [text('3s')]);
      for (const age of ['3s', '4s', '3s', '1m', '4s']) {
        (node.childNodes[0] as InkNode).nodeValue = age;
        expect(remembered(node)).toBe(original(node));
      }
      // A text squashed before is not finished again (Ink's own squashing sanitises and rewrites it every time).
      const again = element('ink-text', [text('api    ✓ ok   6/6/0   43%')]);
      const finishingWork = (squash: Squash) => {
        const replaceAll = String.prototype.replaceAll;
        let calls = 0;
        String.prototype.replaceAll = function (this: string, ...args: unknown[]) {
          calls++;
          return Reflect.apply(replaceAll, this, args) as string;
        } as typeof replaceAll;
        try {
          squash(again);
        } finally {
          String.prototype.replaceAll = replaceAll;
        }
        return calls;
      };
      remembered(again);
      expect(finishingWork(original)).toBeGreaterThan(0);
      expect(finishingWork(remembered)).toBe(0);
      // Far more strings than it keeps: still the same answers.
      for (let index = 0; index < 10_000; index++) {
        const many = element('ink-text', [text(`row ${index}\t${index % 7}`)]);
        expect(remembered(many)).toBe(original(many));
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
