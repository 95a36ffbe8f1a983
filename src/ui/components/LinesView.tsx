import { Box } from 'ink';
import type { Line } from '../panes/details.ts';
import { SpanLine } from './SpanLine.tsx';
import { maxScroll } from './table.ts';

/** A scrollable block of lines: only the visible ones are mounted. */
export function LinesView({
  lines,
  scroll,
  width,
  height,
}: {
  lines: readonly Line[];
  scroll: number;
  width: number;
  height: number;
}) {
  const top = Math.min(Math.max(0, scroll), maxScroll(lines.length, height));
  const visible = lines.slice(top, top + Math.max(0, height));
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {visible.map((line, offset) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's identity is its position in the scrolled window
        <SpanLine key={offset} spans={line} width={width} />
      ))}
    </Box>
  );
}
