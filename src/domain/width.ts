/**
 * Terminal display width of text, in cells, measured by string-width: Ink lays text out with the same library, so
 * text we cut to a width lays out exactly the way Ink measures it.
 *
 * string-width's own fast path covers printable ASCII only; anything else (the `·`, `›`, `▲`, `✓` and box lines of
 * every frame) goes through grapheme segmentation and Unicode-property regexes, whose first compilation alone costs
 * milliseconds of the first frame. Text made only of characters that are one cell each and never join a neighbour
 * (checked over every one of them in test/domain/format.test.ts) is measured by its length here, and the bundle
 * gives Ink this function in place of string-width (esbuild.config.ts), with the same results.
 */
import stringWidth from 'string-width';
import { lazySegmenter } from './graphemes.ts';

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
/** Printable ASCII, Latin-1 and Latin Extended, general punctuation, arrows, box drawing and geometric shapes, ✓ ✗. */
export const ONE_CELL_TEXT =
  /^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc\u2713\u2717]*$/;
/** Ink's colours (SGR), which take no cell. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: an SGR sequence starts with ESC.
const SGR = /\x1b\[[0-9;]*m/g;

/** ICU's segmenter only for text that needs it (graphemes.ts). */
const segmenter = lazySegmenter();

/** The grapheme clusters of a string (what a terminal draws as one character). */
export function graphemes(text: string): string[] {
  if (ASCII_PRINTABLE.test(text)) return text.split('');
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) out.push(segment);
  return out;
}

/** Cells the text takes on one terminal line. Control characters count 0 (sanitise before measuring). */
export function displayWidth(text: string): number {
  return ONE_CELL_TEXT.test(text) ? text.length : stringWidth(text);
}

/** string-width's signature, for the bundle to hand to Ink: SGR colours skipped, the same answer, sooner. */
export default function fastStringWidth(text: string, options?: Parameters<typeof stringWidth>[1]): number {
  if (typeof text !== 'string' || options !== undefined) return stringWidth(text, options);
  if (ONE_CELL_TEXT.test(text)) return text.length;
  if (text.includes('\x1b')) {
    const plain = text.replace(SGR, '');
    if (ONE_CELL_TEXT.test(plain)) return plain.length;
  }
  return stringWidth(text);
}
