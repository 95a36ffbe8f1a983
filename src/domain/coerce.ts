/**
 * Reading loosely typed remote data. Every reader takes `unknown`, never throws, and answers `undefined` for
 * anything it cannot read as the wanted type. ECS-compatible endpoints send numbers where the model says strings
 * and the other way round (ECS_API_NOTES §8); these readers absorb that.
 */

export type UnknownRecord = Readonly<Record<string, unknown>>;

/** A plain object to read fields from (not an array, not null). */
export function asRecord(value: unknown): UnknownRecord | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as UnknownRecord) : undefined;
}

/** A string; finite numbers and bigints become their decimal text. */
export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'bigint') return String(value);
  return undefined;
}

/** A non-empty string (for keys and names, where '' means absent). */
export function asNonEmptyString(value: unknown): string | undefined {
  const text = asString(value);
  return text === undefined || text.trim() === '' ? undefined : text;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number; numeric strings ("512", " 0.5 ") and safe bigints are converted. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return NUMERIC.test(trimmed) ? Number(trimmed) : undefined;
  }
  if (typeof value === 'bigint') {
    const converted = Number(value);
    return Number.isSafeInteger(converted) ? converted : undefined;
  }
  return undefined;
}

/** An integer (a count, an exit code, a version); fractions are rejected rather than rounded. */
export function asInteger(value: unknown): number | undefined {
  const number = asNumber(value);
  return number !== undefined && Number.isInteger(number) ? number : undefined;
}

/** A boolean; the strings "true" and "false" (any case) are accepted. */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lowered = value.trim().toLowerCase();
    if (lowered === 'true') return true;
    if (lowered === 'false') return false;
  }
  return undefined;
}

/**
 * Epoch numbers below this are seconds, at or above it milliseconds. 1e11 seconds is the year 5138 and 1e11
 * milliseconds is March 1973, so neither reading is plausible on the wrong side.
 */
const SECONDS_MS_BOUNDARY = 1e11;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A point in time as epoch milliseconds. Accepts a Date, epoch seconds (what the wire carries, fractions allowed),
 * epoch milliseconds, either as a numeric string, and ISO 8601 text with a zone. Zero and negative values are
 * absent: emulators send them for "never" (Go's zero time, 0).
 */
export function asEpochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else {
    const number = asNumber(value);
    if (number !== undefined) ms = Math.abs(number) < SECONDS_MS_BOUNDARY ? number * 1000 : number;
    else if (typeof value === 'string' && ISO_WITH_ZONE.test(value.trim())) ms = Date.parse(value.trim());
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.round(ms);
}

/** An array, or undefined for anything else. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The strings of an array (other members dropped), or undefined when it is not an array. */
export function asStringArray(value: unknown): string[] | undefined {
  const items = asArray(value);
  if (!items) return undefined;
  const out: string[] = [];
  for (const item of items) {
    const text = asString(item);
    if (text !== undefined) out.push(text);
  }
  return out;
}

/**
 * Sets `target[key]` only when `value` is defined, so normalised records carry no `key: undefined` members (they
 * print cleanly as JSON and compare structurally).
 */
export function setDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
