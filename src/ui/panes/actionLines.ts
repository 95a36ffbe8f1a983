/**
 * The words of the actions on screen: a plan as the confirmation shows it (the runner's own text, notes, skipped
 * targets and the exact parameters) and a result target by target. Everything remote is sanitised here.
 */

import type { ActionPlan, ActionResult, ActionStatus, TargetResult } from '../../actions/types.ts';
import { shortName } from '../../domain/arn.ts';
import { formatTimestamp } from '../../domain/format.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import type { Span } from '../components/table.ts';
import { wrap } from '../components/wrap.ts';
import type { Tone } from '../theme/theme.ts';
import type { Line } from './details.ts';

/** The result view is laid out for the narrowest terminal ecsdeck supports: long messages continue below. */
const RESULT_WIDTH = 78;

/** Longest parameter value shown on one line of the confirmation (the journal keeps it whole). */
const PARAMETER_MAX = 600;

const clean = (text: string, maxLength = 400) => sanitizeText(text, { maxLength });

/** The first line of the runner's confirmText: the dialog's title. */
export function planTitle(plan: ActionPlan): string {
  return clean(plan.confirmText.split('\n')[0] ?? plan.operation);
}

/** The confirmation's body: the rest of confirmText, notes, skipped targets, then every parameter as sent. */
export function planLines(plan: ActionPlan, lead: readonly string[] = []): Line[] {
  const lines: Line[] = lead.map((text) => [{ text: clean(text, 600), tone: 'warn' }]);
  for (const text of plan.confirmText.split('\n').slice(1)) lines.push([{ text: clean(text, 600) }]);
  for (const note of plan.notes) lines.push([{ text: '• ', tone: 'muted' }, { text: clean(note) }]);
  for (const skipped of plan.skipped) {
    // The plans already word most skipped targets as a note: say each once.
    if (plan.notes.includes(skipped.note)) continue;
    lines.push([{ text: 'skipped ', tone: 'muted' }, { text: `${clean(skipped.label)}: ${clean(skipped.note)}` }]);
  }
  lines.push([{ text: `${plan.operation} parameters:`, tone: 'muted' }]);
  for (const [key, value] of Object.entries(plan.parameters)) {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    lines.push([{ text: `  ${clean(key, 60)}: `, tone: 'accent' }, { text: clean(shown, PARAMETER_MAX) }]);
  }
  return lines;
}

export const STATUS_TONES: Readonly<Record<ActionStatus, Tone>> = {
  ok: 'ok',
  partial: 'warn',
  failed: 'error',
  refused: 'warn',
};

function targetLines(target: TargetResult): Line[] {
  const [symbol, tone]: [string, Tone] = target.skipped
    ? ['– skipped', 'muted']
    : target.ok
      ? ['✓ ok', 'ok']
      : ['✗ failed', 'error'];
  // The runner's message names its target (task id, instance id, service): no separate label column needed.
  const lines = wrap([{ text: symbol.padEnd(10), tone }, { text: clean(target.message) }], RESULT_WIDTH);
  if (target.failure) {
    const { arn, reason, detail } = target.failure;
    const where = arn ? ` on ${clean(shortName(arn), 80)}` : '';
    const failure: Span[] = [
      { text: ' '.repeat(10) },
      { text: 'failure ', tone: 'muted' },
      { text: `${clean(reason ?? 'unknown', 120)}${where}`, tone: 'error' },
      ...(detail ? [{ text: ` (${clean(detail, 300)})` }] : []),
    ];
    lines.push(...wrap(failure, RESULT_WIDTH));
  }
  return lines;
}

/** The result view: status, the one-line summary, then each target with ECS's `failures` entry under it. */
export function resultLines(result: ActionResult): Line[] {
  const lines: Line[] = [
    [
      { text: `${result.operation} `, tone: 'title' },
      { text: result.status.toUpperCase(), tone: STATUS_TONES[result.status] },
      { text: `  ${formatTimestamp(result.finishedAt, { utc: true })}`, tone: 'muted' },
    ],
    ...wrap([{ text: clean(result.message, 600) }], RESULT_WIDTH),
    [],
  ];
  if (result.targets.length === 0) lines.push([{ text: 'No target was called.', tone: 'muted' }]);
  for (const target of result.targets) lines.push(...targetLines(target));
  if (result.newTaskArns.length > 0) {
    lines.push([]);
    lines.push([
      { text: 'Started: ', tone: 'muted' },
      { text: result.newTaskArns.map((arn) => clean(shortName(arn), 80)).join(', ') },
    ]);
  }
  if (result.status === 'partial' || result.status === 'failed') {
    lines.push([]);
    lines.push([{ text: 'The failures are in the Failures pane (5) too.', tone: 'muted' }]);
  }
  return lines;
}
