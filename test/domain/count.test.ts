import { describe, expect, it } from 'vitest';
import { formatCount } from '../../src/domain/count.ts';

describe('formatCount', () => {
  it('groups thousands exactly as en-US does', () => {
    for (const value of [0, 7, 999, 1000, 12_345, 50_000, 999_999, 1_000_000, 123_456_789, -1234, -999]) {
      expect(formatCount(value)).toBe(value.toLocaleString('en-US'));
    }
  });
  it('says what is not a finite number as it is', () => {
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});
