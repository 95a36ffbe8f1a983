/**
 * The one sanitiser for remote text (names, reasons, events, tags, environment values) on its way to the terminal.
 * Anyone who can name an ECS resource or make a container fail can put bytes into our screen; none of them may
 * reach the terminal as a control.
 *
 * What it removes:
 * - escape sequences whole, so their payload does not show as garbage: CSI (`ESC [` … final byte), OSC (`ESC ]` …
 *   ended by BEL or ST), DCS/SOS/PM/APC (`ESC P`, `ESC X`, `ESC ^`, `ESC _` … ST), two-byte escapes (`ESC 7`,
 *   `ESC c`, `ESC ( B` …), and their 8-bit C1 introducers (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098, U+009E,
 *   U+009F). A string sequence that never ends swallows the rest of the input, as a terminal would.
 * - every other C0 control, DEL and C1 control.
 * - bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): they reorder what is drawn after
 *   them, so a name could display as something it is not.
 * - invisible characters that hide or disguise text: U+200B zero width space, U+2060-U+2064 (word joiner, invisible
 *   operators), U+206A-U+206F, U+FEFF, U+180E, U+00AD soft hyphen, U+FFF9-U+FFFB, and tag characters
 *   U+E0000-U+E007F (a subdivision flag degrades to a plain black flag).
 *
 * What it keeps, deliberately: U+200D zero width joiner (emoji sequences), U+200C zero width non-joiner (required
 * in Persian and Indic scripts), variation selectors (emoji presentation), combining marks, private-use characters.
 * Lone surrogates become U+FFFD so a broken string stays visibly broken.
 *
 * Line breaks (CR LF, CR, LF, VT, FF, U+0085, U+2028, U+2029): on one line, a break and the spaces around it become a
 * single space (leading and trailing breaks vanish); with `multiline` they become `\n`. A tab is one space on one
 * line and spaces to the next tab stop in multiline text.
 */

import { displayWidth } from './width.ts';

export interface SanitizeOptions {
  /** Keep line breaks as `\n` (detail and describe views). Default: one line. */
  multiline?: boolean;
  /** Longest result in UTF-16 code units, the ellipsis included. A surrogate pair is never split. */
  maxLength?: number;
  /** Tab stops every this many cells in multiline text (default 4). */
  tabWidth?: number;
}

export const ELLIPSIS = '…';

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const ST_8BIT = 0x9c;

function isLineBreak(code: number): boolean {
  return (
    code === 0x0a ||
    code === 0x0d ||
    code === 0x0b ||
    code === 0x0c ||
    code === 0x85 ||
    code === 0x2028 ||
    code === 0x2029
  );
}

/** Characters we drop that are not controls: bidi controls and invisible format characters (see the file comment). */
function isDroppedFormatChar(code: number): boolean {
  return (
    code === 0x00ad ||
    code === 0x061c ||
    code === 0x180e ||
    code === 0x200b ||
    code === 0x200e ||
    code === 0x200f ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb)
  );
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** True when the slow path would change something (surrogates included, so emoji take the careful path). */
function needsCleaning(text: string): boolean {
  if (PLAIN_ASCII.test(text)) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0xd800 && code <= 0xdfff)) return true;
    if (isLineBreak(code) || isDroppedFormatChar(code)) return true;
  }
  return false;
}

/** Index after a CSI body that starts at `from` (parameters, intermediates, then one final byte). */
function skipCsiBody(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x3f) {
      i++;
      continue;
    }
    // A final byte ends it; anything else aborts the sequence and is handled by the main loop.
    return code >= 0x40 && code <= 0x7e ? i + 1 : i;
  }
  return i;
}

/** Index after a control string (OSC, DCS, SOS, PM, APC) whose payload starts at `from`. */
function skipControlString(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === BEL || code === ST_8BIT || code === CAN || code === SUB) return i + 1;
    if (code === ESC) return text.charCodeAt(i + 1) === 0x5c ? i + 2 : i;
    i++;
  }
  return i;
}

/** Index after the escape sequence that starts with the ESC at `at`. */
function skipEscape(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  if (Number.isNaN(next)) return at + 1;
  if (next === 0x5b) return skipCsiBody(text, at + 2);
  if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f) {
    return skipControlString(text, at + 2);
  }
  if (next >= 0x20 && next <= 0x2f) {
    // nF escape: intermediates, then one final byte.
    let i = at + 2;
    while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
    const final = text.charCodeAt(i);
    return final >= 0x30 && final <= 0x7e ? i + 1 : i;
  }
  if (next >= 0x30 && next <= 0x7e) return at + 2;
  return at + 1;
}

/** The text form of remote input: strings as they are, numbers and booleans spelled out, anything else empty. */
function toText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (typeof input === 'number' || typeof input === 'bigint' || typeof input === 'boolean') return String(input);
  return '';
}

function cutTo(text: string, maxLength: number): string {
  if (maxLength <= 0) return '';
  if (maxLength === 1) return ELLIPSIS;
  let end = maxLength - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  // Do not leave a joiner dangling off the cut: it would glue the ellipsis into an emoji sequence.
  let head = text.slice(0, end);
  while (head.endsWith('\u200d')) head = head.slice(0, -1);
  return head + ELLIPSIS;
}

/**
 * Terminal-safe text from remote input. Never throws; non-strings give '' (numbers, bigints and booleans their
 * decimal text).
 */
export function sanitizeText(input: unknown, options: SanitizeOptions = {}): string {
  const text = toText(input);
  const { multiline = false, maxLength, tabWidth = 4 } = options;
  if (!needsCleaning(text)) {
    return maxLength !== undefined && text.length > maxLength ? cutTo(text, maxLength) : text;
  }

  let out = '';
  let lineStart = 0;
  // One-line mode: a break seen but not yet written (written as one space before the next visible character).
  let pendingBreak = false;
  const limit = maxLength ?? Number.POSITIVE_INFINITY;

  const append = (chunk: string): void => {
    if (pendingBreak) {
      if (chunk === ' ') return;
      if (out.length > 0) out += ' ';
      pendingBreak = false;
    }
    out += chunk;
  };

  let i = 0;
  while (i < text.length && out.length <= limit) {
    const code = text.charCodeAt(i);

    if (code === ESC) {
      i = skipEscape(text, i);
      continue;
    }
    if (code === 0x9b) {
      i = skipCsiBody(text, i + 1);
      continue;
    }
    if (code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
      i = skipControlString(text, i + 1);
      continue;
    }
    if (isLineBreak(code)) {
      i += code === 0x0d && text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
      if (multiline) {
        out += '\n';
        lineStart = out.length;
      } else {
        out = out.replace(/ +$/, '');
        pendingBreak = true;
      }
      continue;
    }
    if (code === 0x09) {
      i++;
      if (!multiline) append(' ');
      else {
        const column = displayWidth(out.slice(lineStart));
        out += ' '.repeat(tabWidth - (column % tabWidth));
      }
      continue;
    }
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || isDroppedFormatChar(code)) {
      i++;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        // Tag characters U+E0000-U+E007F are the pairs DB40 DC00-DC7F.
        if (!(code === 0xdb40 && low <= 0xdc7f)) append(text.slice(i, i + 2));
        i += 2;
        continue;
      }
      append('\ufffd');
      i++;
      continue;
    }
    if (code >= 0xdc00 && code <= 0xdfff) {
      append('\ufffd');
      i++;
      continue;
    }
    append(text[i] as string);
    i++;
  }

  return maxLength !== undefined && out.length > maxLength ? cutTo(out, maxLength) : out;
}

/** Sanitised lines of multi-line remote text (a stop reason with a stack trace, a describe view). */
export function sanitizeLines(input: unknown, options: Omit<SanitizeOptions, 'multiline'> = {}): string[] {
  const text = sanitizeText(input, { ...options, multiline: true });
  return text === '' ? [] : text.split('\n');
}
