/**
 * How hard a simulated task works, minute by minute: the numbers behind CloudWatch's ECS metrics.
 *
 * Nothing is stored. A task's CPU and memory at a minute are a pure function of the task (its id, family,
 * behaviour, outcome, start and stop) and the minute, so any window can be computed when asked, in any order, with
 * the same answer (the ids come from the seeded model, so the values are seeded too).
 *
 * - CPU: the family's level (or `behaviour.load.cpuPercent`) with per-minute noise and a slow swell.
 * - Memory: the family's level (or `behaviour.load.memoryPercent`), steady with a little noise; a task whose outcome
 *   is an OOM kill climbs from that level to 100 % of its limit at the moment it is killed.
 */
import type { SimTask, SimTaskDefinition } from '../model/types.ts';

export const MINUTE_MS = 60_000;

/** Murmur3's finaliser, as a float in [0, 1): neighbouring inputs come out different everywhere. */
function mixToUnit(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

/** A float in [0, 1) from a string key: FNV-1a, then the finaliser. */
export function unitHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return mixToUnit(hash);
}

/** A float in [0, 1) from a seed and two integers, with no string built (it runs per task per minute). */
export function unitNoise(seed: number, minute: number, salt: number): number {
  return mixToUnit((seed ^ Math.imul(minute, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca77)) >>> 0);
}

/** When the task's containers ran: RUNNING from `startedAt` until they stopped (or still running: Infinity). */
export function runningInterval(task: SimTask): { from: number; to: number } | undefined {
  if (task.startedAt === undefined) return undefined;
  const to = task.executionStoppedAt ?? task.stoppedAt ?? Number.POSITIVE_INFINITY;
  return to > task.startedAt ? { from: task.startedAt, to } : undefined;
}

export interface TaskProfile {
  task: SimTask;
  family: string;
  /** CPU units and MiB the task reserves (task size, else the sum of its containers). */
  cpuUnits: number;
  memoryMiB: number;
  cpuLevel: number;
  memoryLevel: number;
  /** The task's own noise seed (from its id), and its family's (the swell its tasks share). */
  seed: number;
  familyPhase: number;
  /** For a task that is OOM-killed: the time its memory reaches the limit. */
  oomAt?: number;
}

/** The task's reservation and levels, read once per query from its task definition. */
export function taskProfile(task: SimTask, definition: SimTaskDefinition | undefined): TaskProfile {
  const family = definition?.family ?? familyOfArn(task.taskDefinitionArn);
  const containers = definition?.containerDefinitions ?? [];
  const cpuUnits = positive(task.cpu) ?? positive(definition?.cpu) ?? sum(containers.map((c) => c.cpu ?? 0)) ?? 0;
  const memoryMiB =
    positive(task.memory) ??
    positive(definition?.memory) ??
    sum(containers.map((c) => c.memory ?? c.memoryReservation ?? 0)) ??
    0;
  const load = definition?.behaviour.load;
  const profile: TaskProfile = {
    task,
    family,
    cpuUnits,
    memoryMiB,
    cpuLevel: load?.cpuPercent ?? 6 + unitHash(`${family}/cpu`) * 34,
    memoryLevel: load?.memoryPercent ?? 22 + unitHash(`${family}/memory`) * 38,
    seed: Math.floor(unitHash(task.id) * 0x1_0000_0000),
    familyPhase: unitHash(family) * 6,
  };
  if (task.sim.outcome.kind === 'oom' && task.startedAt !== undefined) {
    // Killed: the limit is reached at the kill. Still running: when its outcome says, on average.
    const outcome = task.sim.outcome;
    const min = outcome.afterSeconds ?? 30;
    const max = Math.max(min, outcome.afterSecondsMax ?? min);
    profile.oomAt = task.executionStoppedAt ?? task.stoppedAt ?? task.startedAt + ((min + max) / 2) * 1000;
  }
  return profile;
}

/** CPU in percent of the reservation during the minute starting at `minuteStart`. */
export function cpuPercent(profile: TaskProfile, minuteStart: number): number {
  const minute = Math.floor(minuteStart / MINUTE_MS);
  const noise = unitNoise(profile.seed, minute, 1) - 0.5;
  // Traffic: swells of about twenty minutes and an hour and a half, shared by the family's tasks, and each task's
  // own jitter; their size shrinks near 0 and 100 % (a CPU-bound task stays pinned near its level).
  const phase = profile.familyPhase;
  const swell =
    0.6 * Math.sin((2 * Math.PI * minute) / 23 + phase) + 0.4 * Math.sin((2 * Math.PI * minute) / 97 + phase);
  const level = profile.cpuLevel;
  const room = Math.min(level, 100 - level);
  const value = level + noise * Math.max(3, room * 0.5) + swell * room * 0.6;
  return clampPercent(value);
}

/** Memory in percent of the limit at `at` (the end of the task's part of a minute). */
export function memoryPercent(profile: TaskProfile, at: number): number {
  const minute = Math.floor(at / MINUTE_MS);
  const steady = profile.memoryLevel + (unitNoise(profile.seed, minute, 2) - 0.5) * 6;
  const { oomAt } = profile;
  const startedAt = profile.task.startedAt;
  if (oomAt === undefined || startedAt === undefined) return clampPercent(steady);
  // The leak: from the steady level at start to the limit at the kill.
  const progress = oomAt <= startedAt ? 1 : Math.min(1, Math.max(0, (at - startedAt) / (oomAt - startedAt)));
  return clampPercent(steady + (100 - steady) * progress);
}

function clampPercent(value: number): number {
  return Math.round(Math.min(100, Math.max(0.1, value)) * 100) / 100;
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : undefined;
}

function sum(values: number[]): number | undefined {
  const total = values.reduce((a, b) => a + b, 0);
  return total > 0 ? total : undefined;
}

function familyOfArn(arn: string): string {
  const tail = arn.slice(arn.lastIndexOf('/') + 1);
  const colon = tail.indexOf(':');
  return colon < 0 ? tail : tail.slice(0, colon);
}
