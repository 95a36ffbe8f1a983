/**
 * The actions layer wired to the data-layer harness: simulator over HTTP, the real SDK gateway, the store, the
 * monitor, on virtual time; a runner acting as "alice" with an in-memory journal unless told otherwise.
 */
import { type ActionJournal, MemoryJournal } from '../../src/actions/journal.ts';
import { ActionRunner, type ActionRunnerOptions } from '../../src/actions/runner.ts';
import type { ActionPlan, PlanOutcome } from '../../src/actions/types.ts';
import type { Task } from '../../src/domain/model.ts';
import type { FaultConfig } from '../../src/sim/server.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { type Harness, startHarness } from '../poll/harness.ts';

export const MUTATING_OPERATIONS = new Set([
  'StopTask',
  'RunTask',
  'StartTask',
  'UpdateContainerInstancesState',
  'UpdateService',
  'CreateService',
  'DeleteService',
  'CreateTaskSet',
  'UpdateTaskSet',
  'DeleteTaskSet',
  'UpdateServicePrimaryTaskSet',
  'RegisterTaskDefinition',
  'DeregisterTaskDefinition',
  'DeregisterContainerInstance',
]);

export interface ActionHarness {
  h: Harness;
  runner: ActionRunner;
  journal: MemoryJournal;
  clusterArn(name: string): string;
  /** Focuses the monitor on a cluster and waits until its tasks, services and instances are loaded. */
  focus(name: string): Promise<string>;
  /** Awaits an action's promise while real I/O and virtual time run. */
  drive<T>(promise: Promise<T>, options?: { stepMs?: number; deadlineMs?: number }): Promise<T>;
  /** Mutating API calls the simulator answered since `sinceSeq` (0: all), by operation. */
  mutatingCalls(sinceSeq?: number): Record<string, number>;
  calls(operation: string, sinceSeq?: number): number;
  lastSeq(): number;
  close(): Promise<void>;
}

export async function startActionHarness(
  options: {
    readOnly?: boolean;
    journal?: ActionJournal;
    faults?: FaultConfig;
    runner?: Partial<ActionRunnerOptions>;
  } = {},
): Promise<ActionHarness> {
  const h = await startHarness(options.faults ? { sim: { faults: options.faults } } : {});
  const journal = new MemoryJournal();
  const runner = new ActionRunner({
    gateway: h.gateway,
    store: h.store,
    scheduler: h.scheduler,
    journal: options.journal ?? journal,
    user: 'alice',
    refresher: h.monitor,
    readOnly: options.readOnly === true,
    ...options.runner,
  });
  const log = h.sim.server.requestLog;
  const clusterArn = (name: string): string => {
    const cluster = [...h.sim.model.state.clusters.values()].find((c) => c.name === name);
    if (!cluster) throw new Error(`no cluster ${name}`);
    return cluster.arn;
  };
  const drive = async <T>(promise: Promise<T>, driveOptions?: { stepMs?: number; deadlineMs?: number }) => {
    let settled = false;
    let value: T | undefined;
    let failure: unknown;
    let failed = false;
    promise.then(
      (v) => {
        settled = true;
        value = v;
      },
      (error: unknown) => {
        settled = true;
        failed = true;
        failure = error;
      },
    );
    await h.runUntil(() => settled, driveOptions);
    if (failed) throw failure;
    return value as T;
  };
  const focus = async (name: string) => {
    const arn = clusterArn(name);
    h.monitor.start();
    h.monitor.focusCluster(arn);
    await h.runUntil(() =>
      [feedKey.services, feedKey.tasks, feedKey.instances, feedKey.stopped].every(
        (key) => h.store.getState().meta.get(key(arn))?.lastSuccessAt !== undefined,
      ),
    );
    await drive(h.monitor.idle());
    return arn;
  };
  const mutatingCalls = (sinceSeq = 0) => {
    const out: Record<string, number> = {};
    for (const entry of log.list({ sinceSeq })) {
      if (MUTATING_OPERATIONS.has(entry.operation)) out[entry.operation] = (out[entry.operation] ?? 0) + 1;
    }
    return out;
  };
  return {
    h,
    runner,
    journal,
    clusterArn,
    focus,
    drive,
    mutatingCalls,
    calls: (operation, sinceSeq = 0) => log.count({ operation, sinceSeq }),
    lastSeq: () => log.lastSeq,
    close: async () => {
      runner.close();
      await h.close();
    },
  };
}

export function planOf(outcome: PlanOutcome): ActionPlan {
  if ('error' in outcome) throw new Error(`expected a plan, got: ${outcome.error}`);
  return outcome.plan;
}

export function errorOf(outcome: PlanOutcome): string {
  if (!('error' in outcome)) throw new Error(`expected an error, got a plan: ${outcome.plan.confirmText}`);
  return outcome.error;
}

/** Tasks of the store in a cluster matching a predicate. */
export function storeTasks(h: Harness, clusterArn: string, predicate: (task: Task) => boolean): Task[] {
  return [...h.store.getState().tasks.values()].filter((task) => task.clusterArn === clusterArn && predicate(task));
}
