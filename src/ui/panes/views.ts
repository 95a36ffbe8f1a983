/**
 * What the views opened over a pane show: a line view's lines (entity detail, describe, a result, the feeds'
 * errors) and a failure group's task rows. The body draws them and the keys page through them, from the same code.
 */
import type { FailureGroup } from '../../domain/failures.ts';
import type { LastLinesState } from '../../logs/lastLines.ts';
import type { EcsState } from '../../store/store.ts';
import type { EntityKind, UiState, View } from '../app/uiStore.ts';
import { resultLines } from './actionLines.ts';
import { definitionDiffViewLines } from './definitionDiff.ts';
import {
  clusterDetailLines,
  describeLines,
  instanceDetailLines,
  serviceDetailLines,
  taskDetailLines,
} from './details.ts';
import { problemsViewLines } from './problems.ts';
import { failureGroupTaskRows } from './tasks.ts';

/** A failure group's task rows from the store slices they read, so a memo over these arguments holds until one changes. */
export function failureGroupTaskRowsFor(
  group: FailureGroup | undefined,
  tasks: EcsState['tasks'],
  transitions: EcsState['transitions'],
  instances: EcsState['instances'],
) {
  if (!group) return [];
  return failureGroupTaskRows({ tasks, transitions, instances } as EcsState, group);
}

/** The lines of a line view (entity detail, describe, errors), the long ones of describe and errors wrapped. */
export function viewLines(
  ecs: EcsState,
  view: Exclude<View, { kind: 'failureGroup' } | { kind: 'logs' }>,
  now: number,
  taskWindow: UiState['taskWindow'],
  width = Number.POSITIVE_INFINITY,
  lastLinesOf?: (taskArn: string) => LastLinesState | undefined,
) {
  if (view.kind === 'describe') return describeLines(recordOf(ecs, view.of, view.id), width);
  if (view.kind === 'result') return resultLines(view.result);
  if (view.kind === 'definitionDiff') return definitionDiffViewLines(ecs, view);
  if (view.kind === 'problems') {
    const problems = problemsViewLines(ecs, view.cluster, width);
    const lines = problems.length > 0 ? problems : [[{ text: 'No feed is failing now.', tone: 'ok' as const }]];
    return view.result
      ? [...lines, [], [{ text: 'Last action', tone: 'title' as const }], ...resultLines(view.result)]
      : lines;
  }
  switch (view.kind) {
    case 'cluster':
      return clusterDetailLines(ecs, view.arn, now);
    case 'instance':
      return instanceDetailLines(ecs, view.arn, now);
    case 'service':
      return serviceDetailLines(ecs, view.arn, now);
    case 'task':
      return taskDetailLines(ecs, view.arn, now, taskWindow, undefined, lastLinesOf?.(view.arn));
  }
}

export function recordOf(ecs: EcsState, kind: EntityKind | 'failureGroup', id: string): unknown {
  switch (kind) {
    case 'cluster':
      return ecs.clusters.get(id);
    case 'instance':
      return ecs.instances.get(id);
    case 'service':
      return ecs.services.get(id);
    case 'task':
      return ecs.tasks.get(id);
    case 'failureGroup':
      return ecs.failureGroups.get(id);
  }
}
