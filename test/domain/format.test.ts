import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import {
  displayWidth,
  fitToWidth,
  formatAge,
  formatBytes,
  formatDuration,
  formatDurationWords,
  formatMiB,
  formatPercent,
  formatRatio,
  formatRelative,
  formatTimeOfDay,
  formatTimestamp,
  formatVcpu,
  MISSING,
  padToWidth,
  parseCpuUnits,
  parseMemoryMiB,
  truncateToWidth,
} from '../../src/domain/format.ts';
import fastStringWidth, { graphemes, ONE_CELL_TEXT } from '../../src/domain/width.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('durations and ages', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [42 * S, '42s'],
    [59_999, '59s'],
    [M, '1m'],
    [3 * M + 59 * S, '3m'],
    [59 * M + 59 * S, '59m'],
    [H, '1h'],
    [2 * H + 5 * M, '2h5m'],
    [23 * H + 59 * M + 59 * S, '23h59m'],
    [D, '1d'],
    [D + 4 * H, '1d4h'],
    [2 * D + 4 * H, '2d'],
    [3 * D, '3d'],
    [400 * D, '400d'],
    [-5 * S, '0s'],
  ])('formatDuration(%i) = %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('shows MISSING for no value', () => {
    expect(formatDuration(undefined)).toBe(MISSING);
    expect(formatDuration(Number.NaN)).toBe(MISSING);
    expect(formatAge(undefined, 1000)).toBe(MISSING);
  });

  it('ages against an injected now', () => {
    const now = 1_700_000_000_000;
    expect(formatAge(now - 3 * M, now)).toBe('3m');
    expect(formatAge(now + 10 * S, now)).toBe('0s');
  });

  it('relative times', () => {
    const now = 1_700_000_000_000;
    expect(formatRelative(now - 2 * M - 10 * S, now)).toBe('2m ago');
    expect(formatRelative(now - 42 * S, now)).toBe('42s ago');
    expect(formatRelative(now - 500, now)).toBe('just now');
    expect(formatRelative(now + 30 * S, now)).toBe('just now');
    expect(formatRelative(now + 5 * M, now)).toBe('in 5m');
    expect(formatRelative(undefined, now)).toBe(MISSING);
  });

  it('durations in words come from date-fns', () => {
    expect(formatDurationWords(3 * M + 20 * S)).toBe('3 minutes');
    expect(formatDurationWords(H)).toBe('1 hour');
    expect(formatDurationWords(42 * S)).toBe('42 seconds');
    expect(formatDurationWords(undefined)).toBe(MISSING);
  });
});

describe('timestamps', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('formats UTC with a Z', () => {
    const at = Date.UTC(2025, 10, 24, 3, 16, 5, 42);
    expect(formatTimestamp(at, { utc: true })).toBe('2025-11-24 03:16:05Z');
    expect(formatTimestamp(at, { utc: true, millis: true })).toBe('2025-11-24 03:16:05.042Z');
    expect(formatTimeOfDay(at, { utc: true })).toBe('03:16:05Z');
  });

  it('formats in the local zone', () => {
    process.env.TZ = 'Asia/Kolkata';
    const at = Date.UTC(2024, 11, 31, 20, 0, 0);
    expect(formatTimestamp(at)).toBe('2025-01-01 01:30:00');
    expect(formatTimeOfDay(at)).toBe('01:30:00');
  });

  it('shows MISSING for no time', () => {
    expect(formatTimestamp(undefined)).toBe(MISSING);
    expect(formatTimeOfDay(Number.NaN)).toBe(MISSING);
  });
});

describe('sizes, cpu and ratios', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [1024 * 1024, '1 MiB'],
    [12.7 * 1024 * 1024, '12 MiB'],
    [3.25 * 1024 ** 3, '3.2 GiB'],
    [2 * 1024 ** 4, '2 TiB'],
  ])('formatBytes(%d) = %s', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });

  it('formats ECS memory in MiB from numbers and the strings ECS accepts', () => {
    expect(formatMiB(512)).toBe('512 MiB');
    expect(formatMiB('2048')).toBe('2 GiB');
    expect(formatMiB('1.5 GB')).toBe('1.5 GiB');
    expect(formatMiB('garbage')).toBe(MISSING);
    expect(parseMemoryMiB('0.5GB')).toBe(512);
    expect(parseMemoryMiB('300 MiB')).toBe(300);
    expect(parseMemoryMiB(-1)).toBeUndefined();
    expect(parseMemoryMiB({})).toBeUndefined();
  });

  it('converts CPU units to vCPU', () => {
    expect(formatVcpu(256)).toBe('0.25 vCPU');
    expect(formatVcpu('1024')).toBe('1 vCPU');
    expect(formatVcpu('2 vCPU')).toBe('2 vCPU');
    expect(formatVcpu(2560)).toBe('2.5 vCPU');
    expect(formatVcpu(100)).toBe('0.1 vCPU');
    expect(formatVcpu(undefined)).toBe(MISSING);
    expect(parseCpuUnits('0.5 vcpu')).toBe(512);
    expect(parseCpuUnits('lots')).toBeUndefined();
  });

  it('percentages round down and refuse a zero whole', () => {
    expect(formatPercent(3, 4)).toBe('75%');
    expect(formatPercent(2, 3)).toBe('66%');
    expect(formatPercent(5, 4)).toBe('125%');
    expect(formatPercent(1, 0)).toBe(MISSING);
    expect(formatPercent(undefined, 4)).toBe(MISSING);
    expect(formatRatio(3, 4)).toBe('3/4');
    expect(formatRatio(undefined, 4)).toBe('?/4');
  });
});

describe('display width', () => {
  it.each([
    ['', 0],
    ['hello', 5],
    ['日本語', 6],
    ['ｆｕｌｌ', 8],
    ['한국어', 6],
    ['👍', 2],
    ['\u{1f468}\u200d\u{1f469}\u200d\u{1f467}', 2],
    ['\u{1f1ef}\u{1f1f5}', 2],
    ['1\ufe0f\u20e3', 2],
    ['\u2764\ufe0f', 2],
    ['\u2764', 1],
    ['e\u0301', 1],
    ['a\u200bb', 2],
    ['Ω≈ç', 3],
  ])('displayWidth(%j) = %i', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('knows wide code points', () => {
    const cells = (codePoint: number) => displayWidth(String.fromCodePoint(codePoint));
    expect(cells(0x4e00)).toBe(2);
    expect(cells(0xac00)).toBe(2);
    expect(cells(0x20000)).toBe(2);
    expect(cells(0x41)).toBe(1);
    expect(cells(0x00e9)).toBe(1);
    expect(cells(0xd7a4)).toBe(1);
  });

  it('splits into grapheme clusters', () => {
    expect(graphemes('ae\u0301👍🏽')).toEqual(['a', 'e\u0301', '👍🏽']);
    expect(displayWidth('👍🏽')).toBe(2);
  });
});

describe('the fast width path gives the answers of string-width', () => {
  const oneCell: string[] = [];
  for (let codePoint = 0; codePoint <= 0xffff; codePoint++) {
    const character = String.fromCodePoint(codePoint);
    if (ONE_CELL_TEXT.test(character)) oneCell.push(character);
  }

  it('every character it measures by length is one cell and never joins a neighbour', () => {
    expect(oneCell.length).toBeGreaterThan(1000);
    const segmenter = new Intl.Segmenter();
    for (const character of oneCell) {
      expect(stringWidth(character), `U+${character.codePointAt(0)?.toString(16)}`).toBe(1);
      expect([...segmenter.segment(`a${character}a`)], `U+${character.codePointAt(0)?.toString(16)}`).toHaveLength(3);
    }
  });

  it.each([
    ['› prod ● ▲ degraded · 3/4 ✓ ok ✗'],
    ['\x1b[1m\x1b[36mCLUSTER↑\x1b[39m\x1b[22m ─── │ ╭╮'],
    ['日本語 mixed ›'],
    ['👍🏽 emoji · ok'],
    ['\x1b]8;;http://x\x07link\x1b]8;;\x07'],
    ['ae\u0301 combining'],
    [''],
  ])('%j', (text) => {
    expect(fastStringWidth(text)).toBe(stringWidth(text));
    expect(fastStringWidth(text, { ambiguousIsNarrow: false })).toBe(stringWidth(text, { ambiguousIsNarrow: false }));
  });
});

describe('truncation and padding', () => {
  it('leaves text that fits alone', () => {
    expect(truncateToWidth('short', 10)).toBe('short');
    expect(truncateToWidth('exact', 5)).toBe('exact');
  });

  it('cuts with an ellipsis within the width', () => {
    expect(truncateToWidth('payments-service', 8)).toBe('payment…');
    expect(truncateToWidth('abc', 1)).toBe('…');
    expect(truncateToWidth('abc', 0)).toBe('');
    expect(truncateToWidth('abcdef', 4, '...')).toBe('a...');
    expect(truncateToWidth('abcdef', 2, '...')).toBe('');
  });

  it('never splits a wide character or an emoji sequence', () => {
    expect(truncateToWidth('日本語テキスト', 6)).toBe('日本…');
    expect(displayWidth(truncateToWidth('日本語テキスト', 6))).toBe(5);
    const family = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}';
    expect(truncateToWidth(`${family}${family}x`, 4)).toBe(`${family}…`);
    expect(truncateToWidth('ae\u0301bcdef', 3)).toBe('ae\u0301…');
  });

  it('pads by display width', () => {
    expect(padToWidth('ab', 5)).toBe('ab   ');
    expect(padToWidth('ab', 5, 'right')).toBe('   ab');
    expect(padToWidth('日本', 5)).toBe('日本 ');
    expect(padToWidth('toolong', 3)).toBe('toolong');
  });

  it('fits any text to exactly the width', () => {
    for (const text of ['', 'x', 'payments-service', '日本語テキスト', 'a👍b👍c👍', 'e\u0301e\u0301e\u0301e\u0301']) {
      for (const width of [1, 2, 3, 5, 8]) {
        const fitted = fitToWidth(text, width);
        expect(displayWidth(fitted), `${text} @ ${width}`).toBe(width);
      }
    }
    expect(fitToWidth('abc', 6, 'right')).toBe('   abc');
  });
});
