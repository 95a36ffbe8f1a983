import { displayWidth } from '../../domain/format.ts';
import { footerHints, type Scope } from '../../keymap/keymap.ts';
import { SpanLine } from './SpanLine.tsx';
import type { Span } from './table.ts';

/** The footer's spans: as many hints as fit, whole, in keymap order. */
export function footerSpans(scopes: readonly Scope[], width: number, readOnly: boolean): Span[] {
  const spans: Span[] = [];
  let used = 0;
  for (const hint of footerHints(scopes, { readOnly })) {
    const text = `${hint.key} ${hint.label}`;
    const cost = displayWidth(text) + (spans.length > 0 ? 2 : 0);
    if (used + cost > width) break;
    if (spans.length > 0) spans.push({ text: '  ' });
    spans.push({ text: hint.key, tone: hint.dangerous ? 'warn' : 'accent' }, { text: ` ${hint.label}`, tone: 'muted' });
    used += cost;
  }
  return spans;
}

export function Footer({ scopes, width, readOnly }: { scopes: readonly Scope[]; width: number; readOnly: boolean }) {
  return <SpanLine spans={footerSpans(scopes, width, readOnly)} width={width} />;
}
