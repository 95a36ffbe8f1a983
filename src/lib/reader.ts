/**
 * The one way ecsdeck reads an untrusted JSON document strictly (the config file, scenario files): each accessor
 * knows the path of the member it reads, so the first problem found becomes ONE FieldError naming it, e.g.
 * `clusters[1].services[0].desiredCount must be a non-negative integer (got -1)`; the caller adds the file name.
 * Members no accessor asked for are rejected by `end()`, so the code that reads an object is also the one list of
 * its fields (a typo is never silently ignored). Records from the ECS API are read leniently instead, by
 * src/domain/coerce.ts: a bad field there is dropped, never an error.
 */

/** A problem at one member of a document: `path` names it, `problem` finishes the sentence. */
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

/** The path of a member: `services[3]`, `profiles.prod`, `profiles["my team"]` (a key that is not a plain name). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const part = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? key : JSON.stringify(key);
  if (parent === '') return part;
  return part.startsWith('"') ? `${parent}[${part}]` : `${parent}.${part}`;
}

/** A value as a message shows it; strings are JSON-quoted, so control characters are shown escaped, never sent. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface NumberRange {
  min?: number;
  max?: number;
  /** What the number counts, for the message: "a number of seconds from 1 to 3600". */
  unit?: string;
}

function rangeWords(kind: 'integer' | 'number', range: NumberRange): string {
  const { min, max } = range;
  const noun = `${kind === 'integer' ? 'an integer' : 'a number'}${range.unit ? ` of ${range.unit}` : ''}`;
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (range.unit === undefined) {
    if (min === 0) return `a non-negative ${kind}`;
    if (min === 1 && kind === 'integer') return 'a positive integer';
  }
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

function readNumber(value: unknown, path: string, kind: 'integer' | 'number', range: NumberRange = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (kind === 'number' || Number.isInteger(value)) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max);
  if (!ok) throw new FieldError(path, `must be ${rangeWords(kind, range)} (got ${describeValue(value)})`);
  return value;
}

function readString(value: unknown, path: string, what = 'a non-empty string'): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new FieldError(path, `must be ${what} (got ${describeValue(value)})`);
  return value;
}

interface ListLength {
  minLength?: number;
  maxLength?: number;
}

/** A JSON object being read; every accessor validates one member and remembers that the member is known. */
export class ObjectReader {
  readonly value: Record<string, unknown>;
  readonly path: string;
  /** The members asked for, in order: the fields of this object, for `end()` and its message. */
  readonly #known: string[] = [];
  /** A member allowed everywhere and never read (the scenario's `note`, for comments). */
  readonly #comment: string | undefined;

  constructor(value: unknown, path: string, options: { comment?: string } = {}) {
    if (!isPlainObject(value)) throw new FieldError(path, `must be an object (got ${describeValue(value)})`);
    this.value = value;
    this.path = path;
    this.#comment = options.comment;
  }

  /** Rejects every member no accessor has asked for. Call once the object is read. */
  end(): void {
    for (const key of Object.keys(this.value)) {
      if (key === this.#comment || this.#known.includes(key)) continue;
      this.fail(key, `is not a known field (known here: ${this.#known.join(', ')})`);
    }
  }

  fail(key: string, problem: string): never {
    throw new FieldError(this.at(key), problem);
  }

  #read(key: string): unknown {
    if (!this.#known.includes(key)) this.#known.push(key);
    return this.value[key];
  }

  has(key: string): boolean {
    return this.#read(key) !== undefined;
  }

  at(key: string): string {
    return childPath(this.path, key);
  }

  required(key: string): unknown {
    const value = this.#read(key);
    if (value === undefined) this.fail(key, 'is required');
    return value;
  }

  string(key: string, what?: string): string {
    return readString(this.required(key), this.at(key), what);
  }
  optionalString(key: string, what?: string): string | undefined {
    return this.has(key) ? this.string(key, what) : undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.required(key);
    if (typeof value !== 'string' || !allowed.includes(value as T))
      this.fail(key, `must be one of ${allowed.join(', ')} (got ${describeValue(value)})`);
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

  boolean(key: string): boolean {
    const value = this.required(key);
    if (typeof value !== 'boolean') this.fail(key, `must be true or false (got ${describeValue(value)})`);
    return value;
  }
  optionalBoolean(key: string): boolean | undefined {
    return this.has(key) ? this.boolean(key) : undefined;
  }

  /** ECS sends task cpu/memory as strings; authors may write numbers. */
  optionalNumericString(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.value[key];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return String(value);
    if (typeof value === 'string' && /^[1-9][0-9]*$/.test(value)) return value;
    this.fail(key, `must be a positive whole number or a string of one (got ${describeValue(value)})`);
  }

  object(key: string): ObjectReader {
    return new ObjectReader(this.required(key), this.at(key), { comment: this.#comment });
  }
  optionalObject(key: string): ObjectReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** The members of an object whose keys are data (names chosen by the author), with their paths. */
  entries(key: string, what = 'an object'): { key: string; value: unknown; path: string }[] {
    const value = this.required(key);
    const path = this.at(key);
    if (!isPlainObject(value)) throw new FieldError(path, `must be ${what} (got ${describeValue(value)})`);
    return Object.entries(value).map(([name, member]) => ({ key: name, value: member, path: childPath(path, name) }));
  }

  /** Each element of a list member, with its path. */
  list(key: string, length: ListLength = {}): { value: unknown; path: string }[] {
    const value = this.required(key);
    const path = this.at(key);
    if (!Array.isArray(value)) throw new FieldError(path, `must be a list (got ${describeValue(value)})`);
    if (length.minLength !== undefined && value.length < length.minLength)
      throw new FieldError(path, `must hold at least ${length.minLength} item${length.minLength === 1 ? '' : 's'}`);
    if (length.maxLength !== undefined && value.length > length.maxLength)
      throw new FieldError(path, `must hold at most ${length.maxLength} items (got ${value.length})`);
    return value.map((item, index) => ({ value: item, path: childPath(path, index) }));
  }
  optionalList(key: string, length: ListLength = {}): { value: unknown; path: string }[] {
    return this.has(key) ? this.list(key, length) : [];
  }

  /** Each element of a list member, read as an object. */
  objects(key: string, length: ListLength = {}): ObjectReader[] {
    return this.list(key, length).map((item) => new ObjectReader(item.value, item.path, { comment: this.#comment }));
  }
  optionalObjects(key: string, length: ListLength = {}): ObjectReader[] {
    return this.has(key) ? this.objects(key, length) : [];
  }

  stringList(key: string, length: ListLength = {}): string[] {
    return this.list(key, length).map((item) => readString(item.value, item.path));
  }
  optionalStringList(key: string, length: ListLength = {}): string[] | undefined {
    return this.has(key) ? this.stringList(key, length) : undefined;
  }
}
