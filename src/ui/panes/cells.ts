/**
 * What the pane modules (clusters.ts, instances.ts, services.ts, tasks.ts, failures.ts) share: terminal-safe text
 * for remote values, the health cell and column, and the panes' titles. Each pane module holds its rows, the memoised
 * selector that builds them from the store and the columns that draw them; every remote string is sanitised there, on
 * its way into a cell. Pure: no React, no Ink.
 */
import { shortName, taskDefinitionLabel } from '../../domain/arn.ts';
import { MISSING } from '../../domain/format.ts';
import type { Health } from '../../domain/health.ts';
import { sanitizeText } from '../../domain/sanitize.ts';
import type { PaneId } from '../../keymap/keymap.ts';
import type { Cell, Column } from '../components/table.ts';
import { HEALTH_TONE, healthMark } from '../theme/theme.ts';

/** Terminal-safe text for a remote value. */
export const safe = (value: unknown): string => sanitizeText(value);

/** The short name of an ARN, terminal-safe. */
export const short = (arn: string | undefined): string => (arn === undefined ? MISSING : safe(shortName(arn)));

/** `family:revision` of a task definition ARN, terminal-safe. */
export const taskDefinitionText = (arn: string | undefined): string => (arn ? safe(taskDefinitionLabel(arn)) : MISSING);

export const HEALTH_ORDER = { ok: 0, unknown: 1, degraded: 2, failing: 3 } as const;

function healthCell(health: Health, ascii: boolean): Cell {
  return { text: healthMark(health.level, ascii), tone: HEALTH_TONE[health.level] };
}

/** The HEALTH column of the Clusters and Services panes: the mark, sorted worst last. */
export function healthColumn<T extends { health: Health }>(ascii: boolean, priority?: number): Column<T> {
  return {
    id: 'health',
    title: 'HEALTH',
    width: 10,
    ...(priority === undefined ? {} : { priority }),
    value: (r) => healthCell(r.health, ascii),
    sortValue: (r) => HEALTH_ORDER[r.health.level],
  };
}

export const PANE_TITLES: Readonly<Record<PaneId, string>> = {
  clusters: 'Clusters',
  instances: 'Instances',
  services: 'Services',
  tasks: 'Tasks',
  failures: 'Failures',
};
