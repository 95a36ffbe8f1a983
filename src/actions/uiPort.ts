/**
 * What the terminal UI needs of the actions layer: plans to show in its confirmation, execute for a confirmed plan,
 * and the runner's events (a started task became visible). The ActionRunner fits; createUiActions binds one so the
 * CLI wires the UI with `actions: createUiActions(runner)`.
 */
import type { Service, Task } from '../domain/model.ts';
import type { ScopedInstance } from '../store/store.ts';
import type { RerunOffer, RerunOptions } from './plans.ts';
import type { ActionRunner } from './runner.ts';
import type { ActionListener, ActionPlan, ActionResult, PlanOutcome } from './types.ts';

export interface UiActionPort {
  readonly readOnly: boolean;
  planStop(tasks: readonly Task[]): PlanOutcome;
  planDrain(instances: readonly ScopedInstance[]): PlanOutcome;
  planActivate(instances: readonly ScopedInstance[]): PlanOutcome;
  planScale(service: Service, desiredCount: string | number): PlanOutcome;
  planForceDeployment(service: Service): PlanOutcome;
  /** UpdateService back to `previous` (the revision before the PRIMARY deployment's). */
  planRollback(service: Service, previous: string): PlanOutcome;
  planStopBlocking(instanceArns: readonly string[]): PlanOutcome;
  /** Reads the task again (DescribeTasks with tags) and says what a rerun would call; calls nothing mutating. */
  prepareRerun(task: Pick<Task, 'taskArn' | 'clusterArn'>, options?: RerunOptions): Promise<RerunOffer>;
  /** Runs a confirmed plan once (a repeated execute of the same plan answers with the first result). */
  execute(plan: ActionPlan): Promise<ActionResult>;
  subscribe(listener: ActionListener): () => void;
}

/** The runner's methods bound to it, as the port the UI takes. */
export function createUiActions(runner: ActionRunner): UiActionPort {
  return {
    readOnly: runner.readOnly,
    planStop: (tasks) => runner.planStop(tasks),
    planDrain: (instances) => runner.planDrain(instances),
    planActivate: (instances) => runner.planActivate(instances),
    planScale: (service, desiredCount) => runner.planScale(service, desiredCount),
    planForceDeployment: (service) => runner.planForceDeployment(service),
    planRollback: (service, previous) => runner.planRollback(service, previous),
    planStopBlocking: (instanceArns) => runner.planStopBlocking(instanceArns),
    prepareRerun: (task, options) => runner.prepareRerun(task, options),
    execute: (plan) => runner.execute(plan),
    subscribe: (listener) => runner.subscribe(listener),
  };
}
