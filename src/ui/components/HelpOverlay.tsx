import { Box } from 'ink';
import { DEFAULT_KEYMAP, type Keymap, type Scope } from '../../keymap/keymap.ts';
import { useKeymap } from '../app/context.ts';
import type { Line } from '../panes/details.ts';
import { LinesView } from './LinesView.tsx';
import { SpanLine } from './SpanLine.tsx';

/** Help for the scopes that were live when it opened: every binding of every command there. */
export function helpLines(scopes: readonly Scope[], readOnly: boolean, keymap: Keymap = DEFAULT_KEYMAP): Line[] {
  const entries = keymap.helpEntries(scopes);
  const keyWidth = Math.min(24, Math.max(...entries.map((entry) => entry.keys.length), 4));
  return entries.map((entry) => [
    { text: entry.keys.padEnd(keyWidth + 2), tone: entry.dangerous ? 'warn' : 'accent' },
    { text: entry.description },
    ...(entry.dangerous
      ? [{ text: readOnly ? '  (disabled: read-only)' : '  (asks first)', tone: 'muted' as const }]
      : []),
  ]);
}

export function HelpOverlay(props: {
  scopes: readonly Scope[];
  scroll: number;
  width: number;
  height: number;
  readOnly: boolean;
}) {
  const lines = helpLines(props.scopes, props.readOnly, useKeymap());
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      <SpanLine spans={[{ text: `Help: ${props.scopes.join(' + ')}`, tone: 'title' }]} width={props.width} />
      <LinesView lines={lines} scroll={props.scroll} width={props.width} height={props.height - 1} />
    </Box>
  );
}
