/**
 * The task definition diff on screen (`D`, and inside the rollback and rerun confirmations): what changed, field by
 * field, the unchanged fields folded into a count, secret-looking environment values masked until `m`.
 */
import { taskDefinitionLabel } from '../../domain/arn.ts';
import type { TaskDefinition } from '../../domain/model.ts';
import { type DiffEntry, diffTaskDefinitions, type TaskDefinitionDiff } from '../../domain/taskDefinitionDiff.ts';
import type { EcsState } from '../../store/store.ts';
import type { DefinitionDiffView } from '../app/uiStore.ts';
import type { Tone } from '../theme/theme.ts';
import { safe } from './cells.ts';
import type { Line } from './details.ts';

/** What a masked value shows: the same for every value, so its length says nothing. */
export const MASK = '••••••';

const FIELD_WIDTH = 26;

const MARK: Readonly<Record<DiffEntry['change'], { text: string; tone: Tone }>> = {
  added: { text: '+ ', tone: 'ok' },
  removed: { text: '- ', tone: 'error' },
  changed: { text: '~ ', tone: 'warn' },
  unchanged: { text: '  ', tone: 'muted' },
};

function value(entry: DiffEntry, side: 'before' | 'after', unmasked: boolean): string | undefined {
  const text = entry[side];
  if (text === undefined) return undefined;
  return entry.secret && !unmasked ? MASK : text;
}

export function diffEntryLine(entry: DiffEntry, unmasked: boolean): Line {
  const mark = MARK[entry.change];
  const where = `${entry.scope === 'task' ? 'task' : entry.scope} ${entry.field}`;
  const line: Line = [{ text: mark.text, tone: mark.tone }, { text: `${where.padEnd(FIELD_WIDTH)} ` }];
  const before = value(entry, 'before', unmasked);
  const after = value(entry, 'after', unmasked);
  if (entry.change === 'changed') {
    line.push({ text: before ?? '' }, { text: ' → ', tone: 'muted' }, { text: after ?? '', tone: 'accent' });
  } else if (entry.change === 'added') {
    line.push({ text: after !== undefined ? `added: ${after}` : 'added', tone: 'ok' });
  } else if (entry.change === 'removed') {
    line.push({ text: before !== undefined ? `removed (was ${before})` : 'removed', tone: 'error' });
  } else if (before !== undefined) {
    line.push({ text: before, tone: 'muted' });
  }
  if (entry.secret && !unmasked) line.push({ text: '  (masked)', tone: 'muted' });
  return line;
}

export interface DiffLinesOptions {
  unmasked?: boolean;
  unfolded?: boolean;
}

/** The changed fields, then the unchanged ones folded into a count (or listed when unfolded). */
export function diffLines(diff: TaskDefinitionDiff, options: DiffLinesOptions = {}): Line[] {
  const unmasked = options.unmasked === true;
  const lines: Line[] = [];
  if (diff.changed.length === 0) lines.push([{ text: 'No compared field differs.', tone: 'ok' }]);
  for (const entry of diff.changed) lines.push(diffEntryLine(entry, unmasked));
  const masked = diff.changed.some((entry) => entry.secret) && !unmasked;
  if (diff.unchanged.length > 0) {
    if (options.unfolded) {
      lines.push([], [{ text: `Unchanged (${diff.unchanged.length})`, tone: 'title' }]);
      for (const entry of diff.unchanged) lines.push(diffEntryLine(entry, unmasked));
    } else {
      lines.push([
        {
          text: `${diff.unchanged.length} unchanged field${diff.unchanged.length === 1 ? '' : 's'} folded`,
          tone: 'muted',
        },
      ]);
    }
  }
  if (masked) lines.push([{ text: 'Values of secret-looking variables are masked.', tone: 'muted' }]);
  return lines;
}

/** The diff view: its title, why these two, then the diff (or what it waits for, or why it cannot be shown). */
export function definitionDiffViewLines(ecs: EcsState, view: DefinitionDiffView): Line[] {
  const from = ecs.taskDefinitions.get(view.from);
  const to = ecs.taskDefinitions.get(view.to);
  const lines: Line[] = [
    [
      { text: 'Task definition ', tone: 'title' },
      { text: safe(taskDefinitionLabel(view.from)), tone: 'accent' },
      { text: ' → ', tone: 'muted' },
      { text: safe(taskDefinitionLabel(view.to)), tone: 'accent' },
    ],
  ];
  if (view.context) lines.push([{ text: view.context, tone: 'muted' }]);
  lines.push([]);
  if (view.error) {
    lines.push([{ text: view.error, tone: 'error' }]);
    return lines;
  }
  if (!from || !to) {
    lines.push([{ text: 'Reading the task definitions (DescribeTaskDefinition)…', tone: 'muted' }]);
    return lines;
  }
  lines.push(...diffLines(definitionDiff(from, to), { unmasked: view.unmasked, unfolded: view.unfolded }));
  return lines;
}

/** The last diff computed, kept because a view re-renders it on every tick and the revisions never change. */
let memo: { from: TaskDefinition; to: TaskDefinition; diff: TaskDefinitionDiff } | undefined;

export function definitionDiff(from: TaskDefinition, to: TaskDefinition): TaskDefinitionDiff {
  if (memo?.from !== from || memo.to !== to) memo = { from, to, diff: diffTaskDefinitions(from, to) };
  return memo.diff;
}
