import { describe, expect, it } from 'vitest';
import { colourWanted, createTheme, healthMark, type Tone } from '../../src/ui/theme/theme.ts';

const TONES: Tone[] = [
  'text',
  'ok',
  'warn',
  'error',
  'muted',
  'accent',
  'selection',
  'title',
  'badge',
  'running',
  'stopFailed',
];

describe('theme', () => {
  it('NO_COLOR (any non-empty value) and --no-color turn colour off', () => {
    expect(colourWanted({}, false)).toBe(true);
    expect(colourWanted({ NO_COLOR: '1' }, false)).toBe(false);
    expect(colourWanted({ NO_COLOR: '' }, false)).toBe(true);
    expect(colourWanted({}, true)).toBe(false);
    expect(colourWanted({ FORCE_COLOR: '0' }, false)).toBe(false);
  });

  it('without colour no token carries a colour, and the selection and badge still stand out', () => {
    const plain = createTheme({ colour: false });
    for (const tone of TONES) {
      expect(plain.style(tone).color, tone).toBeUndefined();
      expect(plain.style(tone).backgroundColor, tone).toBeUndefined();
    }
    expect(plain.style('selection').inverse).toBe(true);
    expect(plain.style('badge').inverse).toBe(true);
    expect(createTheme({ colour: true }).style('error').color).toBe('red');
  });

  it('every health level reads without colour: a distinct symbol and word', () => {
    const marks = (['ok', 'degraded', 'failing', 'unknown'] as const).map((level) => healthMark(level));
    expect(new Set(marks.map((mark) => mark[0])).size).toBe(4);
    expect(marks).toEqual(['✓ ok', '▲ degraded', '✗ failing', '? unknown']);
  });
});
