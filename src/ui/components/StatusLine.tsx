import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useUi } from '../app/context.ts';
import { SpanLine } from './SpanLine.tsx';
import type { Span } from './table.ts';

/** How long a flash message stays. */
const FLASH_MS = 6_000;

/** The filter or command being typed, else the latest flash message, else the standing notice. */
export function StatusLine({ width }: { width: number }) {
  // The clock matters here only as whether the flash is still up: a tick re-renders this when the flash expires.
  const state = useUi(
    useShallow((s) => ({
      modal: s.modal,
      input: s.input,
      prompt: s.prompt,
      notice: s.notice,
      flash: s.flash !== undefined && s.now - s.flash.at < FLASH_MS ? s.flash : undefined,
    })),
  );
  const spans = useMemo((): Span[] => {
    if (state.modal === 'filter') return [{ text: '/', tone: 'accent' }, { text: `${state.input}█` }];
    if (state.modal === 'command') return [{ text: ':', tone: 'accent' }, { text: `${state.input}█` }];
    if (state.modal === 'prompt' && state.prompt)
      return [
        { text: `${state.prompt.title} `, tone: 'accent' },
        { text: `${state.input}█` },
        ...(state.prompt.error ? [{ text: `  ✗ ${state.prompt.error}`, tone: 'error' as const }] : []),
      ];
    if (state.flash) return [{ text: state.flash.text, tone: state.flash.tone }];
    if (state.notice) return [{ text: state.notice.text, tone: state.notice.tone }];
    return [];
  }, [state.modal, state.input, state.flash, state.prompt, state.notice]);
  return <SpanLine spans={spans} width={width} />;
}
