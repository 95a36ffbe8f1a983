/**
 * Terminal display width of text, in cells, measured by string-width: Ink lays text out with the same library, so
 * text we cut to a width lays out exactly the way Ink measures it.
 */
import stringWidth from 'string-width';

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of a string (what a terminal draws as one character). */
export function graphemes(text: string): string[] {
  if (ASCII_PRINTABLE.test(text)) return text.split('');
  segmenter ??= new Intl.Segmenter();
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) out.push(segment);
  return out;
}

/** Cells the text takes on one terminal line. Control characters count 0 (sanitise before measuring). */
export function displayWidth(text: string): number {
  return ASCII_PRINTABLE.test(text) ? text.length : stringWidth(text);
}
