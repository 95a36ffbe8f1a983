import { displayWidth } from '../../domain/format.ts';
import { type CommandId, DEFAULT_KEYMAP, type FooterHint, type Keymap, type Scope } from '../../keymap/keymap.ts';
import { useKeymap } from '../app/context.ts';
import { SpanLine } from './SpanLine.tsx';
import type { Span } from './table.ts';

/**
 * Hints that always fit when they apply: a new user must always see how to get help and how to leave, and in a
 * detail view how to get back out of it.
 */
function essentialIds(scopes: readonly Scope[]): readonly CommandId[] {
  return scopes.includes('detail') ? ['back', 'help', 'quit'] : ['help', 'quit'];
}
const SEPARATOR = 2;

const hintWidth = (hint: FooterHint) => displayWidth(`${hint.key} ${hint.label}`);

/**
 * The footer's spans: the essential hints (help, quit; back in a detail view) always, then as many others as fit
 * beside them, whole, in keymap order; the essentials close the line where a user looks for them.
 */
export function footerSpans(
  scopes: readonly Scope[],
  width: number,
  readOnly: boolean,
  keymap: Keymap = DEFAULT_KEYMAP,
): Span[] {
  const hints = keymap.footerHints(scopes, { readOnly });
  const essentialOnes = essentialIds(scopes);
  const essential = hints.filter((hint) => essentialOnes.includes(hint.id));
  const others = hints.filter((hint) => !essentialOnes.includes(hint.id));
  let used = essential.reduce((sum, hint, index) => sum + hintWidth(hint) + (index > 0 ? SEPARATOR : 0), 0);
  const shown: FooterHint[] = [];
  for (const hint of others) {
    const cost = hintWidth(hint) + (used > 0 ? SEPARATOR : 0);
    if (used + cost > width) break;
    shown.push(hint);
    used += cost;
  }
  const spans: Span[] = [];
  for (const hint of [...shown, ...essential]) {
    if (spans.length > 0) spans.push({ text: ' '.repeat(SEPARATOR) });
    spans.push({ text: hint.key, tone: hint.dangerous ? 'warn' : 'accent' }, { text: ` ${hint.label}`, tone: 'muted' });
  }
  return spans;
}

export function Footer({ scopes, width, readOnly }: { scopes: readonly Scope[]; width: number; readOnly: boolean }) {
  return <SpanLine spans={footerSpans(scopes, width, readOnly, useKeymap())} width={width} />;
}
