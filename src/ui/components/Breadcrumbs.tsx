import { useShallow } from 'zustand/react/shallow';
import { shortName, taskDefinitionLabel } from '../../domain/arn.ts';
import { displayWidth, truncateToWidth } from '../../domain/format.ts';
import { ELLIPSIS } from '../../domain/sanitize.ts';
import { PANES, type PaneId } from '../../keymap/keymap.ts';
import type { EcsState } from '../../store/store.ts';
import { useEcs, useUi } from '../app/context.ts';
import type { UiState, View } from '../app/uiStore.ts';
import { PANE_TITLES, safe } from '../panes/cells.ts';
import { SpanLine } from './SpanLine.tsx';
import type { Span } from './table.ts';

/** Below this width the tabs of the other panes show their names abbreviated: the path needs the room. */
const COMPACT_BELOW = 120;

/** Each pane's name as a narrow terminal's tab bar shows it (the pane in front keeps its full name). */
export const PANE_ABBREVIATIONS: Readonly<Record<PaneId, string>> = {
  clusters: 'Clus',
  instances: 'Inst',
  services: 'Svc',
  tasks: 'Task',
  failures: 'Fail',
};

/** The tab bar: every pane by number and name, the one in front highlighted. */
export function tabSpans(front: PaneId, width: number): Span[] {
  const compact = width < COMPACT_BELOW;
  return PANES.map((pane, index) => ({
    text: ` ${index + 1} ${compact && pane !== front ? PANE_ABBREVIATIONS[pane] : PANE_TITLES[pane]} `,
    tone: pane === front ? 'selection' : 'muted',
  }));
}

const SEPARATOR = ' › ';

/** What the path is made of: the pane in front, the watched cluster, the views opened over the panes. */
type PathState = Pick<UiState, 'pane' | 'cluster' | 'stack'>;

function breadcrumbParts(state: PathState, ecs: EcsState): string[] {
  const parts: string[] = [PANE_TITLES[state.pane]];
  if (state.cluster && state.pane !== 'clusters' && state.pane !== 'failures') {
    parts.push(safe(ecs.clusters.get(state.cluster)?.clusterName ?? shortName(state.cluster)));
  }
  for (const view of state.stack) parts.push(viewLabel(view, ecs));
  return parts;
}

export function breadcrumbText(state: PathState, ecs: EcsState): string {
  return breadcrumbParts(state, ecs).join(SEPARATOR);
}

/**
 * The path in `room` cells: whole when it fits, else its first parts give way to "…" (where you are now matters
 * most), and the last part is cut at its end only when it does not fit alone.
 */
export function fitPath(parts: readonly string[], room: number): string {
  const whole = parts.join(SEPARATOR);
  if (displayWidth(whole) <= room) return whole;
  for (let from = 1; from < parts.length; from++) {
    const shortened = [ELLIPSIS, ...parts.slice(from)].join(SEPARATOR);
    if (displayWidth(shortened) <= room || from === parts.length - 1) return truncateToWidth(shortened, room);
  }
  return truncateToWidth(whole, room);
}

function viewLabel(view: View, ecs: EcsState): string {
  switch (view.kind) {
    case 'failureGroup':
      return `failure ${safe(ecs.failureGroups.get(view.key)?.signature.group ?? view.key)}`;
    case 'describe':
      return 'describe';
    case 'result':
      return `result ${view.result.operation}`;
    case 'problems':
      return 'errors';
    case 'definitionDiff':
      return `diff ${safe(taskDefinitionLabel(view.from))} → ${safe(taskDefinitionLabel(view.to))}`;
    case 'service':
      return `service ${safe(ecs.services.get(view.arn)?.serviceName ?? shortName(view.arn))}`;
    case 'cluster':
      return `cluster ${safe(ecs.clusters.get(view.arn)?.clusterName ?? shortName(view.arn))}`;
    case 'instance':
      return `instance ${safe(ecs.instances.get(view.arn)?.ec2InstanceId ?? shortName(view.arn))}`;
    case 'task':
      return `task ${safe(shortName(view.arn))}`;
    case 'logs':
      return view.label;
  }
}

export function Breadcrumbs({ width }: { width: number }) {
  const state = useUi(useShallow((s): PathState => ({ pane: s.pane, cluster: s.cluster, stack: s.stack })));
  // The names along the path, not the data: a poll that renames nothing re-renders nothing here.
  const parts = useEcs(useShallow((ecs) => breadcrumbParts(state, ecs)));
  const tabs = tabSpans(state.pane, width);
  const room = width - tabs.reduce((sum, tab) => sum + displayWidth(tab.text), 0) - 2;
  const path = fitPath(parts, room);
  return <SpanLine spans={[...tabs, { text: '  ' }, { text: path, tone: 'accent' }]} width={width} />;
}
