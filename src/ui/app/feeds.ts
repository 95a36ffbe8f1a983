import type { PaneId } from '../../keymap/keymap.ts';
import { feedKey } from '../../store/feeds.ts';

/** The store's freshness key for a pane's data; the Failures pane reads the stopped-task feed. */
export function feedOfPane(pane: PaneId, cluster: string | undefined): string {
  if (pane === 'clusters') return feedKey.clusters;
  const scoped = cluster ?? '';
  return pane === 'failures' ? feedKey.stopped(scoped) : feedKey[pane](scoped);
}
