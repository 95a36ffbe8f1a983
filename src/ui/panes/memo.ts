/** Remembers the last result and returns it while every argument is the same (by identity). */
export function memoLast<A extends unknown[], R>(compute: (...args: A) => R): (...args: A) => R {
  let lastArgs: A | undefined;
  let lastResult: R | undefined;
  return (...args: A): R => {
    if (lastArgs && lastArgs.length === args.length && lastArgs.every((value, index) => Object.is(value, args[index]))) {
      return lastResult as R;
    }
    lastResult = compute(...args);
    lastArgs = args;
    return lastResult;
  };
}

/** One derived object per source object, kept while the source is: rows keep their identity until the entity changes. */
export function perObject<K extends object, V>(derive: (source: K) => V): (source: K) => V {
  const cache = new WeakMap<K, V>();
  return (source) => {
    let value = cache.get(source);
    if (value === undefined) {
      value = derive(source);
      cache.set(source, value);
    }
    return value;
  };
}
