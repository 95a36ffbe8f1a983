import { describe, expect, it } from 'vitest';
import { SimError } from '../../../src/sim/errors.ts';
import {
  compareStrings,
  decodeNextToken,
  encodeNextToken,
  isString,
  paginate,
  readPageRequest,
} from '../../../src/sim/handlers/paging.ts';
import { Params } from '../../../src/sim/protocol.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `item-${String(i).padStart(4, '0')}`);

function walk(source: () => string[], maxResults: number, between?: (page: number) => void): string[][] {
  const pages: string[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = paginate(source(), (x) => x, compareStrings, { maxResults, after });
    pages.push(page.items);
    if (!page.nextToken) return pages;
    after = decodeNextToken(page.nextToken, isString);
    between?.(pages.length);
  }
}

describe('paginate', () => {
  it('walks 250 items in pages of 100, 100, 50 in key order', () => {
    const items = ids(250).reverse();
    const pages = walk(() => items, 100);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat()).toEqual(ids(250));
  });

  it('sends no nextToken when the last page is exactly full', () => {
    const page = paginate(ids(10), (x) => x, compareStrings, { maxResults: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.nextToken).toBeUndefined();
  });

  it('neither skips nor repeats surviving items when items come and go between pages', () => {
    let items = ids(30);
    const pages = walk(
      () => items,
      10,
      (pageNumber) => {
        if (pageNumber === 1) {
          // Remove the last item sent and one not yet sent; add one before and one after the cursor.
          items = items.filter((x) => x !== 'item-0009' && x !== 'item-0020');
          items.push('item-0005a', 'item-0015a');
        }
      },
    );
    const seen = pages.flat();
    expect(new Set(seen).size).toBe(seen.length);
    const survivors = ids(30).filter((x) => x !== 'item-0020');
    for (const id of survivors) expect(seen).toContain(id);
    expect(seen).toContain('item-0015a');
    expect(seen).not.toContain('item-0005a');
  });
});

describe('nextToken', () => {
  it('round-trips and is opaque base64url', () => {
    const token = encodeNextToken('arn:aws:ecs:us-east-1:123:task/c/abc');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeNextToken(token, isString)).toBe('arn:aws:ecs:us-east-1:123:task/c/abc');
  });

  it('refuses garbage with InvalidParameterException', () => {
    for (const garbage of [
      'garbage!',
      '',
      'bm90IGpzb24',
      encodeNextToken(42),
      Buffer.from('{"x":1}').toString('base64url'),
    ]) {
      let error: unknown;
      try {
        decodeNextToken(garbage, isString);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SimError);
      expect((error as SimError).type).toBe('InvalidParameterException');
    }
  });
});

describe('readPageRequest', () => {
  it('defaults maxResults per operation and enforces 1..100', () => {
    expect(readPageRequest(new Params({}), 10, isString)).toEqual({ maxResults: 10 });
    expect(readPageRequest(new Params({ maxResults: 100 }), 10, isString).maxResults).toBe(100);
    expect(() => readPageRequest(new Params({ maxResults: 0 }), 10, isString)).toThrow(/between 1 and 100/);
    expect(() => readPageRequest(new Params({ maxResults: 101 }), 10, isString)).toThrow(/between 1 and 100/);
    expect(() => readPageRequest(new Params({ maxResults: 'x' }), 10, isString)).toThrow(
      /maxResults must be an integer/,
    );
  });
});

describe('paginate ordering', () => {
  it('returns the same pages as a full sort, for shuffled input and a custom order', () => {
    // A deterministic shuffle of 1,000 keys.
    const keys = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const byNumber = (a: number, b: number) => a - b;
    const pages: number[][] = [];
    let after: number | undefined;
    for (;;) {
      const page = paginate(keys, (k) => k, byNumber, { maxResults: 64, after });
      pages.push(page.items);
      if (!page.nextToken) break;
      after = decodeNextToken(page.nextToken, (v): v is number => typeof v === 'number');
    }
    expect(pages.flat()).toEqual([...keys].sort(byNumber));
    expect(pages.map((p) => p.length)).toEqual([...Array(15).fill(64), 40]);
    const descending = paginate(
      keys,
      (k) => k,
      (a, b) => b - a,
      { maxResults: 3 },
    );
    expect(descending.items).toEqual([999, 998, 997]);
  });
});
