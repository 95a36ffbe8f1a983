import { Box } from 'ink';
import type { DialogState } from '../app/uiStore.ts';
import { SpanLine } from './SpanLine.tsx';

/** A confirmation: what will be called on what, and the two keys that decide. */
export function Dialog({ dialog, width, height }: { dialog: DialogState; width: number; height: number }) {
  const inner = Math.max(10, width - 4);
  const shown = dialog.lines.slice(0, Math.max(0, height - 4));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" paddingX={1}>
      <SpanLine spans={[{ text: dialog.title, tone: 'warn' }]} width={inner} />
      {shown.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed dialog text
        <SpanLine key={index} spans={[{ text: line }]} width={inner} />
      ))}
      <SpanLine
        spans={[
          { text: 'y', tone: 'accent' },
          { text: ' confirm   ', tone: 'muted' },
          { text: 'n', tone: 'accent' },
          { text: ' cancel', tone: 'muted' },
        ]}
        width={inner}
      />
    </Box>
  );
}
