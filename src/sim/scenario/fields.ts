/**
 * A small hand-written reader for validating JSON documents: each accessor knows the path of the field it reads,
 * so the first problem found becomes ONE error naming the field, e.g.
 * `clusters[1].services[0].desiredCount must be a non-negative integer`.
 */

/** A problem at one field. The scenario reader prefixes the file name. */
export class FieldError extends Error {
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string) {
    super(`${path || 'the document'} ${problem}`);
    this.name = 'FieldError';
    this.path = path;
    this.problem = problem;
  }
}

export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`;
  return String(value);
}

interface NumberRange {
  min?: number;
  max?: number;
}

function rangeWords(kind: 'integer' | 'number', range: NumberRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined)
    return `${kind === 'integer' ? 'an integer' : 'a number'} from ${min} to ${max}`;
  if (min === 0) return `a non-negative ${kind}`;
  if (min === 1 && kind === 'integer') return 'a positive integer';
  if (min !== undefined) return `${kind === 'integer' ? 'an integer' : 'a number'} of at least ${min}`;
  if (max !== undefined) return `${kind === 'integer' ? 'an integer' : 'a number'} of at most ${max}`;
  return kind === 'integer' ? 'an integer' : 'a number';
}

export function readNumber(value: unknown, path: string, kind: 'integer' | 'number', range: NumberRange = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (kind === 'number' || Number.isInteger(value)) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max);
  if (!ok) throw new FieldError(path, `must be ${rangeWords(kind, range)} (got ${describeValue(value)})`);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new FieldError(path, `must be a non-empty string (got ${describeValue(value)})`);
  return value;
}

/** A JSON object being read; every accessor validates one member. */
export class ObjectReader {
  readonly value: Record<string, unknown>;
  readonly path: string;

  constructor(value: unknown, path: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new FieldError(path, `must be an object (got ${describeValue(value)})`);
    this.value = value as Record<string, unknown>;
    this.path = path;
  }

  /** Rejects members not listed (a typo must not be silently ignored). `note` is always allowed, for comments. */
  allowOnly(keys: readonly string[]): this {
    for (const key of Object.keys(this.value)) {
      if (key === 'note' || keys.includes(key)) continue;
      throw new FieldError(childPath(this.path, key), `is not a known field (known here: ${keys.join(', ')})`);
    }
    return this;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  at(key: string): string {
    return childPath(this.path, key);
  }

  required(key: string): unknown {
    const value = this.value[key];
    if (value === undefined) throw new FieldError(this.at(key), 'is required');
    return value;
  }

  string(key: string): string {
    return readString(this.required(key), this.at(key));
  }
  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.required(key);
    if (typeof value !== 'string' || !allowed.includes(value as T))
      throw new FieldError(this.at(key), `must be one of ${allowed.join(', ')} (got ${describeValue(value)})`);
    return value as T;
  }
  optionalOneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    return this.has(key) ? this.oneOf(key, allowed) : undefined;
  }

  integer(key: string, range: NumberRange = {}): number {
    return readNumber(this.required(key), this.at(key), 'integer', range);
  }
  optionalInteger(key: string, range: NumberRange = {}): number | undefined {
    return this.has(key) ? this.integer(key, range) : undefined;
  }

  number(key: string, range: NumberRange = {}): number {
    return readNumber(this.required(key), this.at(key), 'number', range);
  }
  optionalNumber(key: string, range: NumberRange = {}): number | undefined {
    return this.has(key) ? this.number(key, range) : undefined;
  }

  optionalBoolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    if (typeof value !== 'boolean')
      throw new FieldError(this.at(key), `must be true or false (got ${describeValue(value)})`);
    return value;
  }

  /** ECS sends task cpu/memory as strings; scenario authors may write numbers. */
  optionalNumericString(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
    if (typeof value === 'string' && /^[1-9][0-9]*$/.test(value)) return value;
    throw new FieldError(
      this.at(key),
      `must be a positive whole number or a string of one (got ${describeValue(value)})`,
    );
  }

  object(key: string): ObjectReader {
    return new ObjectReader(this.required(key), this.at(key));
  }
  optionalObject(key: string): ObjectReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** Each element of a list member, with its path. */
  list(key: string, options: { minLength?: number; maxLength?: number } = {}): { value: unknown; path: string }[] {
    const value = this.required(key);
    const path = this.at(key);
    if (!Array.isArray(value)) throw new FieldError(path, `must be a list (got ${describeValue(value)})`);
    if (options.minLength !== undefined && value.length < options.minLength)
      throw new FieldError(path, `must hold at least ${options.minLength} item${options.minLength === 1 ? '' : 's'}`);
    if (options.maxLength !== undefined && value.length > options.maxLength)
      throw new FieldError(path, `must hold at most ${options.maxLength} items (got ${value.length})`);
    return value.map((item, index) => ({ value: item, path: childPath(path, index) }));
  }
  optionalList(
    key: string,
    options: { minLength?: number; maxLength?: number } = {},
  ): { value: unknown; path: string }[] {
    return this.has(key) ? this.list(key, options) : [];
  }

  stringList(key: string, options: { minLength?: number; maxLength?: number } = {}): string[] {
    return this.list(key, options).map((item) => readString(item.value, item.path));
  }
  optionalStringList(key: string, options: { minLength?: number; maxLength?: number } = {}): string[] | undefined {
    return this.has(key) ? this.stringList(key, options) : undefined;
  }
}
