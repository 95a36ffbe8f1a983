import { Text } from 'ink';
import { memo } from 'react';
import { displayWidth, truncateToWidth } from '../../domain/format.ts';
import { useTheme } from '../theme/context.ts';
import type { Tone } from '../theme/theme.ts';
import type { Span } from './table.ts';

/**
 * Spans cut to `width` cells in total (the last one that overflows ends in an ellipsis), neighbours of the same tone
 * merged: every span is a node Ink lays out and measures on each frame, so fewer is faster.
 */
export function fitSpans(spans: readonly Span[], width: number): Span[] {
  const out: Span[] = [];
  let used = 0;
  const push = (span: Span) => {
    const last = out[out.length - 1];
    if (last && last.tone === span.tone) out[out.length - 1] = { ...last, text: last.text + span.text };
    else out.push(span);
  };
  for (const span of spans) {
    if (used >= width) break;
    if (span.text === '') continue;
    const room = width - used;
    const cells = displayWidth(span.text);
    if (cells <= room) {
      push(span);
      used += cells;
    } else {
      push({ ...span, text: truncateToWidth(span.text, room) });
      used = width;
    }
  }
  return out;
}

export interface SpanLineProps {
  spans: readonly Span[];
  width: number;
  /** A tone over the whole line (the selected row). */
  lineTone?: Tone;
}

/**
 * One terminal line: a single Text with a nested Text per styled span. Under a line tone (the selected row) the spans
 * lose their own styles: a nested colour or bold ends with a reset that would cut the highlight in pieces, and an
 * inverted green "✓ ok" would read as a different row. The words and symbols still say the status.
 */
export const SpanLine = memo(function SpanLine({ spans, width, lineTone }: SpanLineProps) {
  const theme = useTheme();
  const fitted = fitSpans(spans, width);
  if (lineTone) {
    const text = fitted.map((span) => span.text).join('');
    return (
      <Text wrap="truncate-end" {...theme.style(lineTone)}>
        {text === '' ? ' ' : text}
      </Text>
    );
  }
  return (
    <Text wrap="truncate-end">
      {fitted.length === 0
        ? ' '
        : fitted.map((span, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: spans of one line have no identity beyond their place
            <Text key={index} {...(span.tone ? theme.style(span.tone) : {})}>
              {span.text}
            </Text>
          ))}
    </Text>
  );
});
