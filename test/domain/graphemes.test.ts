import { describe, expect, it } from 'vitest';
import { codeUnitGraphemes, lazySegmenter } from '../../src/domain/graphemes.ts';

const icu = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const segmentsOf = (segments: Iterable<Intl.SegmentData>) =>
  [...segments].map(({ segment, index }) => ({ segment, index }));

describe('grapheme segments without ICU', () => {
  const fastCharacters: string[] = [];
  for (let codeUnit = 0; codeUnit <= 0xffff; codeUnit++) {
    const character = String.fromCharCode(codeUnit);
    if (codeUnitGraphemes(character)) fastCharacters.push(character);
  }

  it('takes only characters that are graphemes of their own, whatever their neighbours', () => {
    expect(fastCharacters.length).toBeGreaterThan(1000);
    const neighbours = ['a', '\x1b', '\n', ' ', '─', 'é', '\u0301', '\u200d', '\ufe0f', '\r'];
    for (const character of fastCharacters) {
      for (const neighbour of neighbours) {
        for (const text of [`${neighbour}${character}`, `${character}${neighbour}`]) {
          const expected = segmentsOf(icu.segment(text));
          expect(segmentsOf(lazySegmenter().segment(text)), JSON.stringify(text)).toEqual(expected);
        }
      }
    }
  });

  it("segments a frame's lines as ICU does, colours included", () => {
    const lines = [
      '\x1b[1m\x1b[36mCLUSTER↑\x1b[39m\x1b[22m ─── │ ╭╮ › prod ● ▲ degraded · 3/4 ✓ ok ✗',
      '  ecsdeck profile default · us-east-1 · ecs 0.4/s of 10/s · ? help',
      'tab\tand\nnew line, no carriage return',
      '',
    ];
    for (const line of lines) {
      expect(codeUnitGraphemes(line)).toBeDefined();
      expect(segmentsOf(lazySegmenter(undefined, { granularity: 'grapheme' }).segment(line))).toEqual(
        segmentsOf(icu.segment(line)),
      );
    }
  });

  it('hands text that needs ICU to ICU', () => {
    for (const text of ['日本語 mixed ›', '👍🏽 emoji · ok', 'ae\u0301 combining', 'cr\r\nlf', '🇫🇷 flag']) {
      expect(codeUnitGraphemes(text)).toBeUndefined();
      expect(segmentsOf(lazySegmenter().segment(text))).toEqual(segmentsOf(icu.segment(text)));
    }
  });

  it('answers containing() as Intl.Segments does', () => {
    const text = '\x1b[31mred\x1b[39m › ok';
    const fast = lazySegmenter().segment(text);
    const real = icu.segment(text);
    for (const index of [-1, 0, 3, 7, text.length - 1, text.length, 2.5]) {
      const expected = real.containing(index);
      const actual = fast.containing(index);
      expect(actual && { segment: actual.segment, index: actual.index }, String(index)).toEqual(
        expected && { segment: expected.segment, index: expected.index },
      );
    }
  });

  it('leaves word segmentation to ICU', () => {
    const words = lazySegmenter('en', { granularity: 'word' });
    expect([...words.segment('two words')].map((s) => s.segment)).toEqual(['two', ' ', 'words']);
  });
});
