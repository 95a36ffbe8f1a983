/**
 * List paging: an opaque nextToken holding the key of the last item sent, and keyset pages over a total order.
 * Because a page starts after a key rather than at an offset, items that appear or disappear between calls
 * never make a walk skip or repeat the items that existed throughout it.
 */
import { SimError } from '../errors.ts';
import type { Params } from '../protocol.ts';

export const MAX_RESULTS_LIMIT = 100;

export interface PageRequest<K> {
  /** The key of the last item already sent, from the nextToken; undefined for the first page. */
  after?: K;
  maxResults: number;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Reads `maxResults` (1..100, with the operation's default) and `nextToken` from a List* request. */
export function readPageRequest<K>(
  params: Params,
  defaultMaxResults: number,
  isKey: (value: unknown) => value is K,
): PageRequest<K> {
  const maxResults = params.integer('maxResults', { min: 1, max: MAX_RESULTS_LIMIT }) ?? defaultMaxResults;
  const token = params.string('nextToken');
  if (token === undefined) return { maxResults };
  return { maxResults, after: decodeNextToken(token, isKey) };
}

export function encodeNextToken(key: unknown): string {
  return Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');
}

export function decodeNextToken<K>(token: string, isKey: (value: unknown) => value is K): K {
  const invalidToken = () => new SimError('InvalidParameterException', 'Invalid nextToken.');
  if (token === '' || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalidToken();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (typeof decoded !== 'object' || decoded === null || !('after' in decoded)) throw invalidToken();
  const after = (decoded as { after: unknown }).after;
  if (!isKey(after)) throw invalidToken();
  return after;
}

/**
 * One page of `items` (in any order) sorted by `compare` on their keys: the first `maxResults` items whose key
 * is after `request.after`, and a nextToken when more remain.
 */
export function paginate<T, K>(
  items: Iterable<T>,
  keyOf: (item: T) => K,
  compare: (a: K, b: K) => number,
  request: PageRequest<K>,
): Page<T> {
  const { after, maxResults } = request;
  // Only the smallest `maxResults` keys after the cursor are needed: keep them in a small sorted buffer instead
  // of sorting every remaining item (a 10,000-task walk would otherwise sort ~5,000 keys per page).
  const page: { item: T; key: K }[] = [];
  let remaining = 0;
  for (const item of items) {
    const key = keyOf(item);
    if (after !== undefined && compare(key, after) <= 0) continue;
    remaining++;
    const last = page[page.length - 1];
    if (page.length === maxResults && last && compare(key, last.key) >= 0) continue;
    let low = 0;
    let high = page.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare((page[mid] as { key: K }).key, key) <= 0) low = mid + 1;
      else high = mid;
    }
    page.splice(low, 0, { item, key });
    if (page.length > maxResults) page.pop();
  }
  const last = page[page.length - 1];
  const result: Page<T> = { items: page.map((entry) => entry.item) };
  if (remaining > maxResults && last) result.nextToken = encodeNextToken(last.key);
  return result;
}

/** Plain code-unit order (locale-independent, so every machine pages alike). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}
