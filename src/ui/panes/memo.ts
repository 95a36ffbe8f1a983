/** What the pane selectors are built from: memoisation (a row keeps its identity until its entity changes) and grouping. */

/** Remembers the last result and returns it while every argument is the same (by identity). */
export function memoLast<A extends unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | undefined;
  let lastResult: R | undefined;
  return (...args: A): R => {
    if (
      lastArgs &&
      lastArgs.length === args.length &&
      lastArgs.every((value, index) => Object.is(value, args[index]))
    ) {
      return lastResult as R;
    }
    lastResult = compute(...args);
    lastArgs = args;
    return lastResult;
  };
}

/**
 * One derived value per source object and one more reference (a service and its event history): kept while both
 * are the same, so rows keep their identity until their entity changes.
 */
export function memoPerObject<K extends object, E, V>(derive: (source: K, extra: E) => V): (source: K, extra: E) => V {
  const cache = new WeakMap<K, { extra: E; value: V }>();
  return (source, extra) => {
    const hit = cache.get(source);
    if (hit && Object.is(hit.extra, extra)) return hit.value;
    const value = derive(source, extra);
    cache.set(source, { extra, value });
    return value;
  };
}

/** The items by key (a cluster's services, an instance's tasks), in their order; items without a key are left out. */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
