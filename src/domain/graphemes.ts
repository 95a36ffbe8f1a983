/**
 * Grapheme segmentation without ICU for the text a frame is made of. The first `Intl.Segmenter` to segment loads
 * ICU's break-iterator data (12-14 ms of the first frame); Ink's tokenizer and the text libraries under it segment
 * every line. Where every code unit of a text is a grapheme of its own (the characters below neither join a
 * neighbour nor are joined by one: checked over every one of them in test/domain/graphemes.test.ts), the segments
 * are its code units, and the bundle gives those libraries these (esbuild.config.ts), as width.ts uses them. It
 * imports nothing: node_modules files import it.
 */

/**
 * Control characters but CR (CR LF is one grapheme; ESC starts the colours Ink writes), printable ASCII, Latin-1 and
 * Latin Extended, general punctuation, arrows, box drawing and geometric shapes, ✓ ✗.
 */
const SINGLE_UNIT_GRAPHEMES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are graphemes of their own, ESC above all.
  /^[\x00-\x0c\x0e-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25fc\u2713\u2717]*$/;

/** The part of `Intl.Segments` the text libraries use: iteration and `containing`. */
class CodeUnitSegments implements Iterable<Intl.SegmentData> {
  readonly #input: string;
  constructor(input: string) {
    this.#input = input;
  }

  containing(codeUnitIndex = 0): Intl.SegmentData | undefined {
    const index = Math.trunc(codeUnitIndex);
    if (!(index >= 0 && index < this.#input.length)) return undefined;
    return { segment: this.#input[index] ?? '', index, input: this.#input };
  }

  *[Symbol.iterator](): Iterator<Intl.SegmentData> {
    const input = this.#input;
    for (let index = 0; index < input.length; index++) yield { segment: input[index] ?? '', index, input };
  }
}

/** The grapheme segments of `text` when each of its code units is one, else undefined (ask Intl.Segmenter). */
export function codeUnitGraphemes(text: string): Iterable<Intl.SegmentData> | undefined {
  return SINGLE_UNIT_GRAPHEMES.test(text) ? new CodeUnitSegments(text) : undefined;
}

/**
 * `new Intl.Segmenter(locales, options)` for the libraries' grapheme segmenters: the real one is built only for text
 * the fast path cannot segment (word and sentence segmenters are the real ones from the start).
 */
export function lazySegmenter(
  locales?: Intl.LocalesArgument,
  options?: Intl.SegmenterOptions,
): Pick<Intl.Segmenter, 'segment'> {
  if (options?.granularity !== undefined && options.granularity !== 'grapheme') {
    return new Intl.Segmenter(locales, options);
  }
  let real: Intl.Segmenter | undefined;
  return {
    segment(text: string): Intl.Segments {
      const fast = codeUnitGraphemes(text);
      if (fast) return fast as Intl.Segments;
      real ??= new Intl.Segmenter(locales, options);
      return real.segment(text);
    },
  };
}
