import { Box } from 'ink';
import { useKeymap } from '../app/context.ts';
import type { DialogState } from '../app/uiStore.ts';
import { SpanLine } from './SpanLine.tsx';
import type { Span } from './table.ts';
import { wrap } from './wrap.ts';

/** Lines a dialog needs around its body: the border (2), the title and the keys. */
export const DIALOG_CHROME = 4;

/** A confirmation: what will be called on what with which parameters, and the keys that decide. */
export function Dialog({ dialog, width, height }: { dialog: DialogState; width: number; height: number }) {
  const inner = Math.max(10, width - 4);
  const title = wrap([{ text: dialog.title, tone: 'warn' }], inner);
  const body = dialog.lines.flatMap((line) => wrap(line, inner));
  const room = Math.max(0, height - DIALOG_CHROME - (title.length - 1));
  const shown = body.length > room ? body.slice(0, Math.max(0, room - 1)) : body;
  const hidden = body.length - shown.length;
  // The keys that decide, as the keymap (with the config's overrides) has them; the first two of each.
  const keymap = useKeymap();
  const keysOf = (id: 'confirm' | 'cancel'): Span[] =>
    keymap
      .keysOf(id)
      .slice(0, 2)
      .flatMap((key, index): Span[] => [
        ...(index > 0 ? [{ text: '/', tone: 'muted' as const }] : []),
        { text: key, tone: 'accent' },
      ]);
  const keys: Span[] = [
    ...keysOf('confirm'),
    { text: ' confirm   ', tone: 'muted' },
    ...keysOf('cancel'),
    { text: ' cancel, nothing is called', tone: 'muted' },
  ];
  if (dialog.alternative) {
    keys.push(
      { text: `   ${keymap.keyOf('switchCall')}`, tone: 'accent' },
      { text: ` ${dialog.alternative.label}`, tone: 'muted' },
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" paddingX={1}>
      {title.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed dialog text
        <SpanLine key={`title-${index}`} spans={line} width={inner} />
      ))}
      {shown.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed dialog text
        <SpanLine key={index} spans={line} width={inner} />
      ))}
      {hidden > 0 ? (
        <SpanLine
          spans={[{ text: `… ${hidden} more line(s) (a taller terminal shows them)`, tone: 'muted' }]}
          width={inner}
        />
      ) : null}
      <SpanLine spans={keys} width={inner} />
    </Box>
  );
}
