/**
 * Formatting for the screen: ages and durations, relative times against an injected `now`, timestamps, sizes,
 * CPU, percentages, and cutting or padding text to a display width (wide CJK and emoji take two cells).
 * Nothing here reads the clock: callers pass `now`.
 */

import { formatDistanceStrict } from 'date-fns/formatDistanceStrict';
import { asNumber } from './coerce.ts';
import { ELLIPSIS } from './sanitize.ts';
import { displayWidth, graphemes } from './width.ts';

export { displayWidth } from './width.ts';

/** What a formatter shows for a value it does not have. */
export const MISSING = '-';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A compact duration: "42s", "3m", "2h5m", "2h", "1d4h" (under two days), "3d". Rounded down, so a column never
 * shows more time than has passed. Negative durations (clock skew) show as "0s".
 */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return MISSING;
  const total = Math.max(0, ms);
  if (total < MINUTE) return `${Math.floor(total / SECOND)}s`;
  if (total < HOUR) return `${Math.floor(total / MINUTE)}m`;
  if (total < DAY) {
    const hours = Math.floor(total / HOUR);
    const minutes = Math.floor((total % HOUR) / MINUTE);
    return minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
  }
  const days = Math.floor(total / DAY);
  const hours = Math.floor((total % DAY) / HOUR);
  return days < 2 && hours > 0 ? `${days}d${hours}h` : `${days}d`;
}

/** The age of something that happened at `at`, as of `now`: formatDuration(now - at). */
export function formatAge(at: number | undefined, now: number): string {
  return at === undefined ? MISSING : formatDuration(now - at);
}

/** "2m ago", "just now" (under a second, or up to a minute ahead: clock skew), "in 5m" for the further future. */
export function formatRelative(at: number | undefined, now: number): string {
  if (at === undefined || !Number.isFinite(at)) return MISSING;
  const elapsed = now - at;
  if (elapsed < SECOND && elapsed > -MINUTE) return 'just now';
  return elapsed > 0 ? `${formatDuration(elapsed)} ago` : `in ${formatDuration(-elapsed)}`;
}

/** A duration in words for detail views: "3 minutes", "1 hour", "42 seconds". */
export function formatDurationWords(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return MISSING;
  return formatDistanceStrict(0, Math.max(0, ms), { roundingMethod: 'floor' });
}

const pad2 = (value: number): string => String(value).padStart(2, '0');

export interface StampOptions {
  /** UTC instead of the local zone; the stamp then ends in "Z". */
  utc?: boolean;
  /** Add milliseconds (".123"). */
  millis?: boolean;
}

/** "2025-11-24 03:16:05" in the local zone, or "2025-11-24 03:16:05Z" in UTC. */
export function formatTimestamp(at: number | undefined, options: StampOptions = {}): string {
  if (at === undefined || !Number.isFinite(at)) return MISSING;
  const date = new Date(at);
  const utc = options.utc === true;
  const year = utc ? date.getUTCFullYear() : date.getFullYear();
  const month = (utc ? date.getUTCMonth() : date.getMonth()) + 1;
  const day = utc ? date.getUTCDate() : date.getDate();
  const hours = utc ? date.getUTCHours() : date.getHours();
  const minutes = utc ? date.getUTCMinutes() : date.getMinutes();
  const seconds = utc ? date.getUTCSeconds() : date.getSeconds();
  const millis = options.millis
    ? `.${String(utc ? date.getUTCMilliseconds() : date.getMilliseconds()).padStart(3, '0')}`
    : '';
  return `${year}-${pad2(month)}-${pad2(day)} ${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}${millis}${utc ? 'Z' : ''}`;
}

/** The local zone's offset from UTC at `at`, as ISO-8601 writes it: "+01:00", "-05:30", "+00:00". */
export function formatUtcOffset(at: number): string {
  const minutes = -new Date(at).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const whole = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(whole / 60))}:${pad2(whole % 60)}`;
}

/**
 * An instant both ways, for raw records: "2026-11-24T12:00:00.000Z (local 2026-11-24 13:00:00 +01:00)". MISSING
 * for a value that is not a time.
 */
export function formatInstant(at: number | undefined): string {
  if (at === undefined || !Number.isFinite(at)) return MISSING;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return MISSING;
  return `${date.toISOString()} (local ${formatTimestamp(at)} ${formatUtcOffset(at)})`;
}

/** "03:16:05" (local, or UTC with a trailing "Z"), for narrow columns. */
export function formatTimeOfDay(at: number | undefined, options: StampOptions = {}): string {
  const stamp = formatTimestamp(at, options);
  return stamp === MISSING ? MISSING : stamp.slice(11);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, rounded down; one decimal below 10 of a unit: "512 B", "1.5 KiB", "12 MiB", "3.2 GiB". */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return MISSING;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text =
    unit === 0 || value >= 10 ? String(Math.floor(value)) : trimZero((Math.floor(value * 10) / 10).toFixed(1));
  return `${text} ${BYTE_UNITS[unit]}`;
}

/** ECS memory (MiB) for display: "512 MiB", "2 GiB", "1.5 GiB". Accepts the strings ECS uses. */
export function formatMiB(memory: unknown): string {
  const mib = parseMemoryMiB(memory);
  return mib === undefined ? MISSING : formatBytes(mib * 1024 * 1024);
}

function trimZero(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}

/**
 * MiB from an ECS memory value: a number or numeric string is MiB; task definitions also accept "1GB", "0.5 GB",
 * "2 GiB" (1 GB = 1024 MiB in ECS).
 */
export function parseMemoryMiB(memory: unknown): number | undefined {
  const plain = asNumber(memory);
  if (plain !== undefined) return plain >= 0 ? plain : undefined;
  if (typeof memory !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(MB|MiB|GB|GiB)\s*$/i.exec(memory);
  if (!match) return undefined;
  const value = Number(match[1]);
  return /^g/i.test(match[2] ?? '') ? value * 1024 : value;
}

/** CPU units from an ECS cpu value: a number or numeric string is units; "1 vCPU", "0.25 vcpu" are converted. */
export function parseCpuUnits(cpu: unknown): number | undefined {
  const plain = asNumber(cpu);
  if (plain !== undefined) return plain >= 0 ? plain : undefined;
  if (typeof cpu !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*vcpus?\s*$/i.exec(cpu);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** CPU units as vCPU (1024 units = 1 vCPU): "0.25 vCPU", "1 vCPU", "2.5 vCPU". */
export function formatVcpu(cpu: unknown): string {
  const units = parseCpuUnits(cpu);
  if (units === undefined) return MISSING;
  const vcpu = units / 1024;
  const text = Number.isInteger(vcpu) ? String(vcpu) : String(Math.round(vcpu * 100) / 100);
  return `${text} vCPU`;
}

/** `part` of `whole` as a whole percentage, rounded down ("75%"); "-" when the whole is 0 or unknown. */
export function formatPercent(part: number | undefined, whole: number | undefined): string {
  if (part === undefined || whole === undefined || !Number.isFinite(part) || !Number.isFinite(whole) || whole <= 0) {
    return MISSING;
  }
  return `${Math.floor((part / whole) * 100)}%`;
}

/** A ratio for columns: "3/4", with "?" for an unknown side. */
export function formatRatio(part: number | undefined, whole: number | undefined): string {
  return `${part ?? '?'}/${whole ?? '?'}`;
}

// ---------------------------------------------------------------- display width

/**
 * The text cut to at most `width` cells, ending in an ellipsis when something was cut. Never splits a grapheme
 * (a wide character that does not fit is left out whole).
 */
export function truncateToWidth(text: string, width: number, ellipsis = ELLIPSIS): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  const ellipsisWidth = displayWidth(ellipsis);
  if (ellipsisWidth > width) return '';
  const room = width - ellipsisWidth;
  let used = 0;
  let out = '';
  for (const cluster of graphemes(text)) {
    const cells = displayWidth(cluster);
    if (used + cells > room) break;
    out += cluster;
    used += cells;
  }
  return out + ellipsis;
}

export type Alignment = 'left' | 'right';

/** The text padded with spaces to `width` cells (never cut: see fitToWidth). */
export function padToWidth(text: string, width: number, align: Alignment = 'left'): string {
  const missing = width - displayWidth(text);
  if (missing <= 0) return text;
  return align === 'left' ? text + ' '.repeat(missing) : ' '.repeat(missing) + text;
}

/** Exactly `width` cells: cut with an ellipsis if too long, padded if too short (a table cell). */
export function fitToWidth(text: string, width: number, align: Alignment = 'left'): string {
  const cut = truncateToWidth(text, width);
  // A wide character left out at the edge can leave the cut one cell short: padding fills it.
  return padToWidth(cut, width, align);
}
