import type { PaneId } from '../../keymap/keymap.ts';

/** The store's freshness key for a pane's data (see poll/monitor.ts feedKey; ui/ may not import poll/). */
export function feedOfPane(pane: PaneId, cluster: string | undefined): string {
  if (pane === 'clusters') return 'clusters';
  const feed = pane === 'failures' ? 'stopped' : pane;
  return `${feed}:${cluster ?? ''}`;
}
