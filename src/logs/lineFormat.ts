/**
 * One log event's message as the log view shows it. A log line is the most hostile string ecsdeck prints: anyone who
 * can make a container write to stdout chooses its bytes (escape sequences, C0/C1 controls, bidi controls, lone
 * surrogates where the bytes were not UTF-8, a megabyte without a newline). Every message goes through the one
 * sanitiser (domain/sanitize.ts) before it is kept; the kept text is cut to LINE_MAX_CHARS, and a cut line keeps its
 * whole (sanitised, up to FULL_MAX_CHARS) for the pretty view (`enter`).
 *
 * Levels are recognised from a JSON line's level field (`level`, `severity`, `lvl`, `levelname`, pino's numbers) or
 * from an upper-case level word near the start of a text line (`ERROR`, `[WARN]`, `level=warn`).
 */
import { sanitizeLines, sanitizeText } from '../domain/sanitize.ts';
import { displayWidth, graphemes, ONE_CELL_TEXT } from '../domain/width.ts';

/** Longest line the view keeps for drawing and searching (UTF-16 units, the ellipsis included). */
export const LINE_MAX_CHARS = 2_000;
/** Longest message kept whole for the pretty view (CloudWatch allows 256 KB per event). */
export const FULL_MAX_CHARS = 65_536;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface FormattedMessage {
  /** Terminal-safe, one line, at most LINE_MAX_CHARS. */
  text: string;
  level?: LogLevel;
  /** The message is one JSON object (`enter` pretty-prints it). */
  json: boolean;
  /** The whole message (sanitised, one line, at most FULL_MAX_CHARS) when `text` was cut. */
  full?: string;
}

const LEVEL_WORDS: Readonly<Record<string, LogLevel>> = {
  fatal: 'fatal',
  panic: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  alert: 'fatal',
  error: 'error',
  err: 'error',
  severe: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  information: 'info',
  notice: 'info',
  debug: 'debug',
  fine: 'debug',
  trace: 'trace',
  verbose: 'trace',
};

/** The level a value names: a word in any case, or pino/bunyan's numbers (10 trace … 60 fatal). */
function levelOfValue(value: unknown): LogLevel | undefined {
  if (typeof value === 'string') return LEVEL_WORDS[value.trim().toLowerCase()];
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (value >= 60) return 'fatal';
    if (value >= 50) return 'error';
    if (value >= 40) return 'warn';
    if (value >= 30) return 'info';
    if (value >= 20) return 'debug';
    if (value >= 10) return 'trace';
  }
  return undefined;
}

const JSON_LEVEL_FIELDS = ['level', 'severity', 'lvl', 'levelname', 'log.level', 'loglevel', 'status'] as const;

/** The level of a parsed JSON line, from the first level field it has (ECS's `log.level` nested or dotted). */
function levelOfJson(record: Record<string, unknown>): LogLevel | undefined {
  for (const field of JSON_LEVEL_FIELDS) {
    const direct = Object.hasOwn(record, field) ? record[field] : undefined;
    const level = levelOfValue(direct);
    if (level) return level;
  }
  const log = record.log;
  if (log && typeof log === 'object' && !Array.isArray(log))
    return levelOfValue((log as Record<string, unknown>).level);
  return undefined;
}

/**
 * An upper-case level word standing alone near the start (`2026-… ERROR payments: …`, `[WARN]`), or `level=…` /
 * `"level":"…"` in any case. Lower-case words are left alone: "no error" in a sentence is not a level.
 */
const TEXT_LEVEL =
  /(?:^|[^A-Za-z])(FATAL|PANIC|CRITICAL|CRIT|ERROR|ERR|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)(?![A-Za-z])/;
const KEYED_LEVEL = /\b(?:level|lvl|severity)["']?\s*[=:]\s*["']?([A-Za-z]+)/i;
/** How far into a text line a level word is looked for (timestamps, thread names and loggers come first). */
const LEVEL_SEARCH_CHARS = 160;

function levelOfText(text: string): LogLevel | undefined {
  const head = text.slice(0, LEVEL_SEARCH_CHARS);
  const word = TEXT_LEVEL.exec(head)?.[1];
  if (word) return LEVEL_WORDS[word.toLowerCase()];
  const keyed = KEYED_LEVEL.exec(head)?.[1];
  return keyed ? LEVEL_WORDS[keyed.toLowerCase()] : undefined;
}

/** The message parsed as one JSON object, or undefined (arrays, scalars and broken JSON are text). */
export function parseJsonObject(message: string): Record<string, unknown> | undefined {
  const trimmed = message.trim();
  if (trimmed.length < 2 || trimmed[0] !== '{' || trimmed[trimmed.length - 1] !== '}') return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A raw message made safe to keep and draw, with its level and whether it is JSON. Never throws. */
export function formatMessage(raw: unknown): FormattedMessage {
  const message = typeof raw === 'string' ? raw : '';
  // Sanitising stops at the limit, so a megabyte line costs what its first 64 KB cost.
  const whole = sanitizeText(message, { maxLength: FULL_MAX_CHARS });
  const cut = whole.length > LINE_MAX_CHARS;
  const text = cut ? sanitizeText(whole, { maxLength: LINE_MAX_CHARS }) : whole;
  // JSON is recognised on the sanitised text: what `enter` pretty-prints is what was kept.
  const record = parseJsonObject(whole);
  const level = record ? (levelOfJson(record) ?? levelOfText(text)) : levelOfText(text);
  return { text, json: record !== undefined, ...(level ? { level } : {}), ...(cut ? { full: whole } : {}) };
}

/**
 * What `enter` shows for one kept line (its whole text when it was cut): a JSON line pretty-printed (escapes inside
 * its strings stay escaped: JSON.stringify writes a control character as \u001b), any other line whole, broken to
 * `width` cells. Terminal-safe lines.
 */
export function prettyLines(kept: string, width = Number.POSITIVE_INFINITY): string[] {
  const record = parseJsonObject(kept);
  const lines = record ? sanitizeLines(JSON.stringify(record, null, 2)) : [sanitizeText(kept)];
  if (!Number.isFinite(width) || width < 8) return lines;
  return lines.flatMap((line) => breakToWidth(line, width));
}

/** Terminal-safe text broken into pieces of at most `width` cells, never inside a character (wrap mode, pretty view). */
export function breakToWidth(line: string, width: number): string[] {
  const cells = Math.max(1, width);
  if (ONE_CELL_TEXT.test(line)) {
    if (line.length <= cells) return [line];
    const out: string[] = [];
    for (let at = 0; at < line.length; at += cells) out.push(line.slice(at, at + cells));
    return out;
  }
  if (displayWidth(line) <= cells) return [line];
  const out: string[] = [];
  let current = '';
  let used = 0;
  for (const grapheme of graphemes(line)) {
    const size = displayWidth(grapheme);
    if (used + size > cells && current !== '') {
      out.push(current);
      current = '';
      used = 0;
    }
    current += grapheme;
    used += size;
  }
  if (current !== '' || out.length === 0) out.push(current);
  return out;
}
