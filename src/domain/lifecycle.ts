/**
 * Task lifecycle: the order of statuses, which are final, and the phase each belongs to (ECS_API_NOTES §2).
 * Statuses are open strings: they are compared case-insensitively and an unknown one is reported as such, never
 * guessed into a known phase.
 */

import type { Container, ContainerDefinitionSummary, Task } from './model.ts';

/** Task lastStatus values in lifecycle order. DELETED is the brief state after STOPPED in AWS's lifecycle guide. */
export const TASK_STATUS_ORDER = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
  'DELETED',
] as const;
export type TaskStatus = (typeof TASK_STATUS_ORDER)[number];

/**
 * Where a status puts a task. `starting` is the stretch after the image pull and before RUNNING (container start,
 * load balancer and service discovery registration: ACTIVATING).
 */
export type StatusPhase = 'queued' | 'starting' | 'running' | 'stopping' | 'stopped' | 'unknown';

const PHASE_OF_STATUS: Readonly<Record<TaskStatus, StatusPhase>> = {
  PROVISIONING: 'queued',
  PENDING: 'queued',
  ACTIVATING: 'starting',
  RUNNING: 'running',
  DEACTIVATING: 'stopping',
  STOPPING: 'stopping',
  DEPROVISIONING: 'stopping',
  STOPPED: 'stopped',
  DELETED: 'stopped',
};

/** The upper-case form of a status, or undefined when it is not a non-empty string. */
export function canonicalStatus(status: unknown): string | undefined {
  if (typeof status !== 'string') return undefined;
  const trimmed = status.trim();
  return trimmed === '' ? undefined : trimmed.toUpperCase();
}

export function isKnownTaskStatus(status: unknown): boolean {
  return taskStatusRank(status) >= 0;
}

/** Position in TASK_STATUS_ORDER, or -1 for an unknown or missing status. */
export function taskStatusRank(status: unknown): number {
  const canonical = canonicalStatus(status);
  return canonical === undefined ? -1 : (TASK_STATUS_ORDER as readonly string[]).indexOf(canonical);
}

/** Sorts statuses in lifecycle order; unknown statuses go after the known ones, alphabetically among themselves. */
export function compareTaskStatus(a: unknown, b: unknown): number {
  const rankA = taskStatusRank(a);
  const rankB = taskStatusRank(b);
  if (rankA >= 0 && rankB >= 0) return rankA - rankB;
  if (rankA >= 0) return -1;
  if (rankB >= 0) return 1;
  return (canonicalStatus(a) ?? '').localeCompare(canonicalStatus(b) ?? '');
}

export function phaseOfStatus(status: unknown): StatusPhase {
  const canonical = canonicalStatus(status);
  if (canonical === undefined || !(canonical in PHASE_OF_STATUS)) return 'unknown';
  return PHASE_OF_STATUS[canonical as TaskStatus];
}

/** STOPPED and DELETED: nothing more will happen to the task. */
export function isTerminalStatus(status: unknown): boolean {
  return phaseOfStatus(status) === 'stopped';
}

/** The task has reached its final status: it can be described once and cached. */
export function isTaskTerminal(task: Pick<Task, 'lastStatus'>): boolean {
  return isTerminalStatus(task.lastStatus);
}

/** Asked to stop (desiredStatus STOPPED) but not there yet. */
export function isTaskStopping(task: Pick<Task, 'lastStatus' | 'desiredStatus'>): boolean {
  return canonicalStatus(task.desiredStatus) === 'STOPPED' && !isTerminalStatus(task.lastStatus);
}

/**
 * True when `incoming` is an older picture of the task than `current` (ECS bumps `version` on every change), so a
 * late response cannot overwrite newer data. Without versions on both sides nothing is stale.
 */
export function isStaleTaskUpdate(current: Pick<Task, 'version'>, incoming: Pick<Task, 'version'>): boolean {
  return current.version !== undefined && incoming.version !== undefined && incoming.version < current.version;
}

/** Names of the essential containers of a task definition; `essential` absent means essential, as in ECS. */
export function essentialContainerNames(definitions: readonly ContainerDefinitionSummary[] | undefined): string[] {
  const names: string[] = [];
  for (const definition of definitions ?? []) {
    if (definition.essential !== false && definition.name !== undefined) names.push(definition.name);
  }
  return names;
}

/**
 * The container whose exit explains the task's stop. With the essential names known: an essential container that
 * exited non-zero, else one that exited at all. Without them: a container that exited non-zero, else one that
 * exited. Undefined when no container has an exit code.
 */
export function stopContainer(
  task: Pick<Task, 'containers'>,
  essentialNames?: readonly string[],
): Container | undefined {
  const exited = (task.containers ?? []).filter((container) => container.exitCode !== undefined);
  const essentials =
    essentialNames && essentialNames.length > 0
      ? exited.filter((container) => container.name !== undefined && essentialNames.includes(container.name))
      : [];
  const pool = essentials.length > 0 ? essentials : exited;
  return pool.find((container) => container.exitCode !== 0) ?? pool[0];
}

/** The exit code the task's stop is marked with (see stopContainer). */
export function stopExitCode(task: Pick<Task, 'containers'>, essentialNames?: readonly string[]): number | undefined {
  return stopContainer(task, essentialNames)?.exitCode;
}
