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
  CLUSTER_DETAIL_READS,
  clusterDetailLines,
  describeLines,
  FAILURE_GROUP_HEADER_READS,
  INSTANCE_DETAIL_READS,
  instanceDetailLines,
  SERVICE_DETAIL_READS,
  serviceDetailLines,
  TASK_DETAIL_READS,
  taskDetailLines,
} from './details.ts';
import { PROBLEMS_VIEW_READS, problemsViewLines } from './problems.ts';
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

/** The map recordOf reads a record of each kind from. */
const RECORD_MAPS = {
  cluster: 'clusters',
  instance: 'instances',
  service: 'services',
  task: 'tasks',
  failureGroup: 'failureGroups',
} as const satisfies Record<EntityKind | 'failureGroup', keyof EcsState>;

/**
 * The parts of the ECS state a view shows: what its lines (viewLines) or its header and task rows read. A view
 * subscribes to these alone, so a poll or an API call that changes none of them leaves it as it is.
 */
export function viewReads(view: View): readonly (keyof EcsState)[] {
  switch (view.kind) {
    case 'describe':
      return [RECORD_MAPS[view.of]];
    case 'result':
      return [];
    case 'problems':
      return PROBLEMS_VIEW_READS;
    case 'cluster':
      return CLUSTER_DETAIL_READS;
    case 'instance':
      return INSTANCE_DETAIL_READS;
    case 'service':
      return SERVICE_DETAIL_READS;
    case 'task':
      return TASK_DETAIL_READS;
    case 'failureGroup':
      // The group, its header, and its task rows (failureGroupTaskRowsFor).
      return ['failureGroups', ...FAILURE_GROUP_HEADER_READS, 'tasks', 'transitions', 'instances'];
    case 'definitionDiff':
      return ['taskDefinitions'];
    case 'logs':
      return [];
  }
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
  return ecs[RECORD_MAPS[kind]].get(id);
}
