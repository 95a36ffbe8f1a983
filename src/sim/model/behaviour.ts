/** What a simulated task does: read from the task definition, drawn per task, turned into delays. */
import type { SeededRandom } from '../../lib/random.ts';
import { invalidParameter } from '../errors.ts';
import {
  type ContainerDefinition,
  OUTCOME_KINDS,
  type Outcome,
  type OutcomeKind,
  type TaskBehaviour,
} from './types.ts';

/** The docker label a task definition registered through the API can carry its behaviour in (JSON). */
export const BEHAVIOUR_LABEL = 'ecsdeck.sim.behaviour';

export const DEFAULT_BEHAVIOUR: TaskBehaviour = { outcomes: [{ kind: 'runs' }] };

/** Seconds after RUNNING an outcome happens when its behaviour does not say. */
const DEFAULT_AFTER_SECONDS: Record<OutcomeKind, number> = {
  runs: 0,
  exits: 10,
  oom: 30,
  'pull-error': 0,
  'resource-init-error': 0,
  unhealthy: 30,
};

/**
 * The behaviour of a new task definition: the explicit one, else the JSON in the `ecsdeck.sim.behaviour` label of
 * the first essential container (or the first container), else "runs until stopped".
 */
export function resolveBehaviour(
  explicit: TaskBehaviour | undefined,
  containers: ContainerDefinition[],
): TaskBehaviour {
  if (explicit) return validateBehaviour(explicit);
  const labelled = containers.find((c) => c.essential) ?? containers[0];
  const label = labelled?.dockerLabels?.[BEHAVIOUR_LABEL];
  if (label === undefined) return DEFAULT_BEHAVIOUR;
  let parsed: unknown;
  try {
    parsed = JSON.parse(label);
  } catch {
    throw invalidParameter(`The docker label ${BEHAVIOUR_LABEL} must hold JSON.`);
  }
  return validateBehaviour(parsed);
}

function validateBehaviour(value: unknown): TaskBehaviour {
  const fail = (what: string) => invalidParameter(`Simulator behaviour: ${what}.`);
  if (typeof value !== 'object' || value === null) throw fail('must be an object');
  const candidate = value as Partial<TaskBehaviour>;
  if (!Array.isArray(candidate.outcomes) || candidate.outcomes.length === 0) throw fail('outcomes must be a list');
  for (const outcome of candidate.outcomes) {
    if (typeof outcome !== 'object' || outcome === null) throw fail('each outcome must be an object');
    if (!OUTCOME_KINDS.includes(outcome.kind)) throw fail(`unknown outcome kind ${String(outcome.kind)}`);
    for (const field of ['weight', 'afterSeconds', 'afterSecondsMax', 'exitCode'] as const) {
      const number = outcome[field];
      if (number !== undefined && (typeof number !== 'number' || !Number.isFinite(number) || number < 0)) {
        throw fail(`${field} must be a non-negative number`);
      }
    }
  }
  for (const field of ['pullSeconds', 'gracefulStopSeconds', 'gracefulExitCode'] as const) {
    const number = candidate[field];
    if (number !== undefined && (typeof number !== 'number' || !Number.isFinite(number) || number < 0)) {
      throw fail(`${field} must be a non-negative number`);
    }
  }
  if (candidate.load !== undefined) {
    if (typeof candidate.load !== 'object' || candidate.load === null) throw fail('load must be an object');
    for (const field of ['cpuPercent', 'memoryPercent'] as const) {
      const number = candidate.load[field];
      if (
        number !== undefined &&
        (typeof number !== 'number' || !Number.isFinite(number) || number < 0 || number > 100)
      ) {
        throw fail(`load.${field} must be a number from 0 to 100`);
      }
    }
  }
  return candidate as TaskBehaviour;
}

/** One outcome by weight (default weight 1). */
export function drawOutcome(behaviour: TaskBehaviour, random: SeededRandom): Outcome {
  const outcomes = behaviour.outcomes.length > 0 ? behaviour.outcomes : DEFAULT_BEHAVIOUR.outcomes;
  const total = outcomes.reduce((sum, o) => sum + (o.weight ?? 1), 0);
  let roll = random.next() * total;
  for (const outcome of outcomes) {
    roll -= outcome.weight ?? 1;
    if (roll < 0) return outcome;
  }
  return outcomes[outcomes.length - 1] as Outcome;
}

/**
 * Milliseconds after RUNNING that the outcome strikes; undefined for a task that runs until stopped.
 * Drawn in [afterSeconds, afterSecondsMax] when a maximum is given.
 */
export function outcomeDelayMs(outcome: Outcome, random: SeededRandom): number | undefined {
  if (outcome.kind === 'pull-error' || outcome.kind === 'resource-init-error') return undefined;
  if (outcome.kind === 'runs' && outcome.afterSeconds === undefined) return undefined;
  const min = outcome.afterSeconds ?? DEFAULT_AFTER_SECONDS[outcome.kind];
  const max = outcome.afterSecondsMax !== undefined && outcome.afterSecondsMax > min ? outcome.afterSecondsMax : min;
  return Math.round(random.between(min, max) * 1000);
}
