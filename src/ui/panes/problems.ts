/**
 * Errors of the feeds, readable whole: under a pane's title they wrap to its width (a few lines at most), and `!`
 * opens a view with every failing feed's sentence in full.
 */
import { displayWidth, truncateToWidth } from '../../domain/format.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import { PANES } from '../../keymap/keymap.ts';
import type { EcsState, ResourceMeta } from '../../store/store.ts';
import { feedOfPane } from '../app/feeds.ts';
import { wrap } from '../components/wrap.ts';
import { PANE_TITLES } from './cells.ts';
import type { Line } from './details.ts';

/** Longest error sentence kept: enough for any ECS message, not for a whole HTML error page. */
const PROBLEM_MAX_LENGTH = 2_000;

/** The pane feed's last error while it is newer than its last success: the data shown is that old. */
export function feedProblem(meta: ResourceMeta | undefined): string | undefined {
  if (!meta?.lastError) return undefined;
  if ((meta.lastSuccessAt ?? Number.NEGATIVE_INFINITY) > meta.lastError.at) return undefined;
  const kept = meta.lastSuccessAt === undefined ? 'no data yet' : 'showing the last good data';
  return `${sanitizeText(meta.lastError.message, { maxLength: PROBLEM_MAX_LENGTH })} (${kept})`;
}

/**
 * A feed's error under the pane's title, wrapped to the pane's width rather than cut: at most a few lines (the rows
 * need the room), the last of them then saying which key shows the whole of it.
 */
export function problemLines(problem: string, width: number, height: number, showKey: string): Line[] {
  const lines = wrap([{ text: `✗ ${problem}`, tone: 'error' }], width);
  const most = Math.max(1, Math.min(4, Math.floor((height - 3) / 2)));
  if (lines.length <= most) return lines;
  const more = `… (${showKey} shows all)`;
  const kept = lines.slice(0, most);
  const last = kept[most - 1] ?? [];
  const text = last.map((span) => span.text).join('');
  kept[most - 1] = [
    { text: truncateToWidth(text, Math.max(0, width - displayWidth(more)), ''), tone: 'error' },
    { text: more, tone: 'muted' },
  ];
  return kept;
}

/** Whether any pane's feed is failing now. */
export function anyProblem(ecs: EcsState, cluster: string | undefined): boolean {
  return PANES.some((pane) => feedProblem(ecs.meta.get(feedOfPane(pane, cluster))) !== undefined);
}

/** Every pane whose feed is failing now, with its error in full, wrapped to `width`; empty when none is. */
/** What problemsViewLines reads of the ECS state (views.ts, viewReads). */
export const PROBLEMS_VIEW_READS = ['meta'] as const;

export function problemsViewLines(
  ecs: Pick<EcsState, (typeof PROBLEMS_VIEW_READS)[number]>,
  cluster: string | undefined,
  width: number,
): Line[] {
  const lines: Line[] = [];
  for (const pane of PANES) {
    const problem = feedProblem(ecs.meta.get(feedOfPane(pane, cluster)));
    if (problem === undefined) continue;
    if (lines.length > 0) lines.push([]);
    lines.push([{ text: `${PANE_TITLES[pane]} pane`, tone: 'title' }]);
    lines.push(...wrap([{ text: `✗ ${problem}`, tone: 'error' }], width));
  }
  return lines;
}
