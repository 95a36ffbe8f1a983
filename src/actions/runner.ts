/**
 * The ActionRunner executes confirmed plans: never in read-only mode, at most once per plan and once per intent
 * (same kind and targets) while one is in flight, journaled before and after the call, with the store updated at
 * once from what ECS answered, `failures` and errors per target in the result and in the Failures feed, and a
 * refresh of the pollers afterwards. It also hands out plans bound to its user and state (plan*, prepareRerun).
 */
import { shortName, taskDefinitionLabel } from '../domain/arn.ts';
import { actionFailureOccurrence } from '../domain/failures.ts';
import { isTaskStopping, isTerminalStatus } from '../domain/lifecycle.ts';
import type { Failure, Service, Task } from '../domain/model.ts';
import { sanitizeText } from '../domain/sanitize.ts';
import { GatewayError } from '../ecs/errors.ts';
import { chunk, DESCRIBE_LIMIT, type EcsGateway, type ServiceChange, type TasksOutcome } from '../ecs/gateway.ts';
import { delay, type Scheduler } from '../lib/scheduler.ts';
import {
  addFailures,
  type EcsStore,
  type ScopedInstance,
  setServices,
  upsertInstances,
  upsertTasks,
} from '../store/store.ts';
import { planStopBlocking } from './drain.ts';
import type { ActionJournal, ActionJournalEntry } from './journal.ts';
import {
  type PlanContext,
  planActivate,
  planDrain,
  planForceDeployment,
  planRerun,
  planRollback,
  planScale,
  planStop,
  type RerunOffer,
  type RerunOptions,
} from './plans.ts';
import type {
  ActionEvent,
  ActionListener,
  ActionPlan,
  ActionResult,
  ActionStatus,
  ActionTarget,
  PlanOutcome,
  TargetResult,
} from './types.ts';
import { cleanUser, currentUser } from './user.ts';

/** The gateway calls actions make (EcsGateway fits). */
export type ActionGateway = Pick<
  EcsGateway,
  'stopTask' | 'runTask' | 'startTask' | 'updateContainerInstancesState' | 'updateService' | 'describeTasks'
>;

/** What the runner needs of the pollers after an action (poll/Monitor fits). */
export interface Refresher {
  refreshNow(): void;
}

/** Backoff for confirming that a task started by an action is visible (ECS is eventually consistent). */
export interface VisibilityBackoff {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Give up (and say so) after this long. */
  giveUpAfterMs: number;
}

export const DEFAULT_VISIBILITY_BACKOFF: VisibilityBackoff = {
  firstDelayMs: 2_000,
  maxDelayMs: 60_000,
  giveUpAfterMs: 5 * 60_000,
};

export interface ActionRunnerOptions {
  gateway: ActionGateway;
  store: EcsStore;
  scheduler: Scheduler;
  journal: ActionJournal;
  /** Who acts (default: the OS user). */
  user?: string;
  readOnly?: boolean;
  refresher?: Refresher;
  newId?: () => string;
  visibilityBackoff?: VisibilityBackoff;
}

export const READ_ONLY_MESSAGE = 'Read-only mode (--read-only): actions are disabled, nothing was called.';

/** How many executed plans the runner remembers to answer a repeated execute without a call. */
const REMEMBERED_PLANS = 500;

interface Performed {
  targets: TargetResult[];
  newTaskArns: string[];
  /** Every `failures` entry ECS returned plus one per error, in target order. */
  failures: Failure[];
}

function errorMessage(error: unknown): string {
  if (error instanceof GatewayError) return error.message;
  return sanitizeText(error instanceof Error ? error.message : String(error), { maxLength: 200 });
}

function errorFailure(arn: string, error: unknown): Failure {
  const reason = error instanceof GatewayError ? (error.code ?? error.kind) : 'Error';
  return { arn, reason, detail: errorMessage(error) };
}

function failureText(failure: Failure): string {
  const reason = sanitizeText(failure.reason ?? 'failed', { maxLength: 80 });
  return failure.detail ? `${reason} (${sanitizeText(failure.detail, { maxLength: 160 })})` : reason;
}

function sameResource(a: string | undefined, b: string): boolean {
  return a !== undefined && (a === b || shortName(a) === shortName(b));
}

function intentKey(plan: ActionPlan): string {
  return JSON.stringify([plan.kind, plan.clusterArn, plan.targets.map((t) => t.arn).sort()]);
}

export class ActionRunner {
  readonly readOnly: boolean;
  readonly user: string;
  readonly #gateway: ActionGateway;
  readonly #store: EcsStore;
  readonly #scheduler: Scheduler;
  readonly #journal: ActionJournal;
  readonly #refresher: Refresher | undefined;
  readonly #context: PlanContext;
  readonly #visibility: VisibilityBackoff;
  readonly #listeners = new Set<ActionListener>();
  /** Plan id -> its execution: a second execute of the same plan gets the first one's result. */
  readonly #executions = new Map<string, Promise<ActionResult>>();
  /** Intent key -> plan id, while in flight. */
  readonly #intents = new Map<string, string>();
  readonly #followUps = new AbortController();

  constructor(options: ActionRunnerOptions) {
    this.readOnly = options.readOnly === true;
    this.user = options.user === undefined ? currentUser() : cleanUser(options.user);
    this.#gateway = options.gateway;
    this.#store = options.store;
    this.#scheduler = options.scheduler;
    this.#journal = options.journal;
    this.#refresher = options.refresher;
    this.#context = { user: this.user, ...(options.newId ? { newId: options.newId } : {}) };
    this.#visibility = options.visibilityBackoff ?? DEFAULT_VISIBILITY_BACKOFF;
  }

  /** The UI's hook for flashes and the result panel. Returns the unsubscribe function. */
  subscribe(listener: ActionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Plans executing now. */
  get inFlight(): number {
    return this.#intents.size;
  }

  /** Stops following started tasks (quit). */
  close(): void {
    this.#followUps.abort();
  }

  // ---------------------------------------------------------------- plans bound to this runner

  planStop(tasks: readonly Task[]): PlanOutcome {
    return this.readOnly ? { error: READ_ONLY_MESSAGE } : planStop(tasks, this.#context);
  }

  planDrain(instances: readonly ScopedInstance[]): PlanOutcome {
    return this.readOnly ? { error: READ_ONLY_MESSAGE } : planDrain(instances, this.#context);
  }

  planActivate(instances: readonly ScopedInstance[]): PlanOutcome {
    return this.readOnly ? { error: READ_ONLY_MESSAGE } : planActivate(instances, this.#context);
  }

  planScale(service: Service, desiredCount: string | number): PlanOutcome {
    return this.readOnly ? { error: READ_ONLY_MESSAGE } : planScale(service, desiredCount, this.#context);
  }

  planForceDeployment(service: Service): PlanOutcome {
    return this.readOnly ? { error: READ_ONLY_MESSAGE } : planForceDeployment(service, this.#context);
  }

  /** UpdateService back to `previous`, the revision before the PRIMARY deployment's. */
  planRollback(service: Service, previous: string): PlanOutcome {
    return this.readOnly ? { error: READ_ONLY_MESSAGE } : planRollback(service, previous, this.#context);
  }

  /** StopTask on the standalone tasks holding the drain of these instances. */
  planStopBlocking(instanceArns: readonly string[]): PlanOutcome {
    return this.readOnly
      ? { error: READ_ONLY_MESSAGE }
      : planStopBlocking(this.#store.getState(), instanceArns, this.#context);
  }

  /**
   * Describes the task again with its tags (the store's copy has none) and says what a rerun would call.
   * Reads only; nothing is started until the plan is executed.
   */
  async prepareRerun(task: Pick<Task, 'taskArn' | 'clusterArn'>, options: RerunOptions = {}): Promise<RerunOffer> {
    if (this.readOnly) return { kind: 'unavailable', error: READ_ONLY_MESSAGE };
    const id = sanitizeText(shortName(task.taskArn), { maxLength: 40 });
    if (!task.clusterArn) return { kind: 'unavailable', error: `Task ${id} does not name its cluster: refresh first.` };
    let described: Task | undefined;
    try {
      const out = await this.#gateway.describeTasks(task.clusterArn, [task.taskArn], { includeTags: true });
      described = out.items.find((item) => item.taskArn === task.taskArn) ?? out.items[0];
    } catch (error) {
      return { kind: 'unavailable', error: `Could not describe task ${id}: ${errorMessage(error)}` };
    }
    if (!described) return { kind: 'unavailable', error: `Task ${id} is gone (ECS answered MISSING).` };
    const services = options.services ?? this.#store.getState().services.values();
    return planRerun(described, { ...options, services }, this.#context);
  }

  // ---------------------------------------------------------------- execution

  /**
   * Runs a confirmed plan. The same plan executed again (a doubled key or confirmation) answers with the first
   * execution's result and calls nothing; another plan of the same intent while this one is in flight is refused.
   */
  execute(plan: ActionPlan): Promise<ActionResult> {
    const existing = this.#executions.get(plan.id);
    if (existing) return existing;
    if (this.readOnly) return Promise.resolve(this.#refuse(plan, READ_ONLY_MESSAGE));
    const intent = intentKey(plan);
    if (this.#intents.has(intent)) {
      return Promise.resolve(
        this.#refuse(
          plan,
          `${plan.operation} on ${plan.targets.map((t) => t.label).join(', ')} is already in progress: not called again.`,
        ),
      );
    }
    this.#intents.set(intent, plan.id);
    const execution = this.#run(plan).finally(() => this.#intents.delete(intent));
    this.#executions.set(plan.id, execution);
    if (this.#executions.size > REMEMBERED_PLANS) {
      const oldest = this.#executions.keys().next().value;
      if (oldest !== undefined) this.#executions.delete(oldest);
    }
    return execution;
  }

  #emit(event: ActionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener must not break the action or the other listeners.
      }
    }
  }

  #refuse(plan: ActionPlan, message: string): ActionResult {
    const now = this.#scheduler.now();
    const result: ActionResult = {
      planId: plan.id,
      kind: plan.kind,
      operation: plan.operation,
      status: 'refused',
      message,
      targets: [],
      newTaskArns: [],
      startedAt: now,
      finishedAt: now,
    };
    this.#emit({ type: 'refused', plan, result });
    return result;
  }

  /** Stop targets that another action (or a poll) shows as stopping by now are not called again. */
  #liveTargets(plan: ActionPlan): { targets: ActionTarget[]; skipped: TargetResult[] } {
    if (plan.request.operation !== 'StopTask') return { targets: [...plan.targets], skipped: [] };
    const tasks = this.#store.getState().tasks;
    const targets: ActionTarget[] = [];
    const skipped: TargetResult[] = [];
    for (const target of plan.targets) {
      const task = tasks.get(target.arn);
      if (task && (isTerminalStatus(task.lastStatus) || isTaskStopping(task))) {
        skipped.push({
          ...target,
          ok: true,
          skipped: true,
          message: `${target.label} is already stopping: not called.`,
        });
      } else {
        targets.push(target);
      }
    }
    return { targets, skipped };
  }

  async #run(plan: ActionPlan): Promise<ActionResult> {
    const startedAt = this.#scheduler.now();
    const { targets, skipped } = this.#liveTargets(plan);
    if (targets.length === 0) {
      return this.#refuse(plan, `Every target of ${plan.operation} is already stopping: nothing was called.`);
    }
    this.#emit({ type: 'started', plan });
    const entry: ActionJournalEntry = {
      id: plan.id,
      at: startedAt,
      operation: plan.operation,
      targets: targets.map((t) => t.arn),
      clusterArn: plan.clusterArn,
      parameters: { ...plan.parameters },
      user: this.user,
    };
    try {
      this.#journal.before(entry);
    } catch (error) {
      return this.#finish(plan, startedAt, {
        status: 'failed',
        message: `The action journal could not be written (${errorMessage(error)}): nothing was called.`,
        targets: targets.map((t) => ({ ...t, ok: false, skipped: true, message: 'Not called: no journal line.' })),
        newTaskArns: [],
      });
    }

    let performed: Performed;
    try {
      performed = await this.#perform(plan, targets);
    } catch (error) {
      // The per-target handlers catch gateway errors; this is a bug or a store failure after the call.
      performed = {
        targets: targets.map((t) => ({ ...t, ok: false, message: errorMessage(error) })),
        newTaskArns: [],
        failures: [],
      };
    }
    const finishedAt = this.#scheduler.now();
    this.#feedFailures(plan, performed.failures, finishedAt);

    const called = performed.targets.filter((t) => !t.skipped);
    const okCount = called.filter((t) => t.ok).length;
    const status: ActionStatus = okCount === called.length ? 'ok' : okCount === 0 ? 'failed' : 'partial';
    const firstError = called.find((t) => !t.ok)?.message;
    try {
      this.#journal.after({
        ...entry,
        at: finishedAt,
        outcome: status,
        result: {
          targets: performed.targets.map((t) => ({ arn: t.arn, ok: t.ok, message: t.message })),
          ...(performed.newTaskArns.length > 0 ? { newTaskArns: performed.newTaskArns } : {}),
        },
        ...(performed.failures.length > 0 ? { failures: performed.failures } : {}),
        ...(firstError !== undefined && status === 'failed' ? { error: firstError } : {}),
      });
    } catch {
      // The call happened; its result still reaches the screen and the feed. Losing the after line is the lesser harm.
    }
    this.#refresher?.refreshNow();
    const result = this.#finish(plan, startedAt, {
      status,
      message: summary(plan, status, okCount, called, performed.newTaskArns),
      targets: [...performed.targets, ...skipped],
      newTaskArns: performed.newTaskArns,
    });
    if (performed.newTaskArns.length > 0) void this.#followNewTasks(plan, performed.newTaskArns);
    return result;
  }

  #finish(
    plan: ActionPlan,
    startedAt: number,
    fields: Pick<ActionResult, 'status' | 'message' | 'targets' | 'newTaskArns'>,
  ): ActionResult {
    const result: ActionResult = {
      planId: plan.id,
      kind: plan.kind,
      operation: plan.operation,
      ...fields,
      startedAt,
      finishedAt: this.#scheduler.now(),
    };
    this.#emit({ type: 'finished', plan, result });
    return result;
  }

  #perform(plan: ActionPlan, targets: ActionTarget[]): Promise<Performed> {
    const request = plan.request;
    switch (request.operation) {
      case 'StopTask':
        return this.#stop(request.cluster, targets, request.reason);
      case 'UpdateContainerInstancesState':
        return this.#updateInstances(request.cluster, targets, request.status);
      case 'RunTask':
        return this.#started(targets, () => this.#gateway.runTask(request.request));
      case 'StartTask':
        return this.#started(targets, () => this.#gateway.startTask(request.request));
      case 'UpdateService':
        return this.#updateService(plan, request.cluster, request.service, request.change);
    }
  }

  async #stop(cluster: string, targets: ActionTarget[], reason: string): Promise<Performed> {
    const out: Performed = { targets: [], newTaskArns: [], failures: [] };
    // One call per task, one after another: each is its own intent, and a denial shows on every target.
    for (const target of targets) {
      try {
        const answered = await this.#gateway.stopTask(cluster, target.arn, reason);
        const held = this.#store.getState().tasks.get(target.arn);
        const base = answered ?? held;
        if (base) upsertTasks(this.#store, [{ ...base, desiredStatus: 'STOPPED' }], this.#scheduler.now());
        const status = sanitizeText(answered?.lastStatus ?? held?.lastStatus ?? 'RUNNING', { maxLength: 30 });
        out.targets.push({ ...target, ok: true, message: `${target.label}: stop requested (was ${status}).` });
      } catch (error) {
        const failure = errorFailure(target.arn, error);
        out.failures.push(failure);
        out.targets.push({ ...target, ok: false, message: `${target.label}: ${errorMessage(error)}`, failure });
      }
    }
    return out;
  }

  async #updateInstances(cluster: string, targets: ActionTarget[], status: 'ACTIVE' | 'DRAINING'): Promise<Performed> {
    const out: Performed = { targets: [], newTaskArns: [], failures: [] };
    let halted: string | undefined;
    for (const batch of chunk(targets, DESCRIBE_LIMIT.updateContainerInstancesState)) {
      if (halted !== undefined) {
        for (const target of batch) {
          out.targets.push({
            ...target,
            ok: false,
            skipped: true,
            message: `${target.label}: not called (${halted}).`,
          });
        }
        continue;
      }
      try {
        const answer = await this.#gateway.updateContainerInstancesState(
          cluster,
          batch.map((t) => t.arn),
          status,
        );
        upsertInstances(this.#store, cluster, answer.items);
        for (const target of batch) {
          const instance = answer.items.find((item) => sameResource(item.containerInstanceArn, target.arn));
          const failure = answer.failures.find((f) => sameResource(f.arn, target.arn));
          if (instance && !failure) {
            const now = sanitizeText(instance.status ?? status, { maxLength: 30 });
            out.targets.push({ ...target, ok: true, message: `${target.label} is now ${now}.` });
          } else {
            const entry = failure ?? { arn: target.arn, reason: 'NO_ANSWER', detail: 'ECS did not mention it' };
            out.failures.push(entry);
            out.targets.push({
              ...target,
              ok: false,
              message: `${target.label}: ${failureText(entry)}`,
              failure: entry,
            });
          }
        }
        // A failure naming none of our targets still belongs in the feed.
        for (const failure of answer.failures) {
          if (!batch.some((t) => sameResource(failure.arn, t.arn))) out.failures.push(failure);
        }
      } catch (error) {
        halted = 'an earlier call failed';
        for (const target of batch) {
          const failure = errorFailure(target.arn, error);
          out.failures.push(failure);
          out.targets.push({ ...target, ok: false, message: `${target.label}: ${errorMessage(error)}`, failure });
        }
      }
    }
    return out;
  }

  /** RunTask / StartTask: the started tasks go into the store at once; each `failures` entry is its own line. */
  async #started(targets: ActionTarget[], call: () => Promise<TasksOutcome>): Promise<Performed> {
    const out: Performed = { targets: [], newTaskArns: [], failures: [] };
    const source = targets[0] as ActionTarget;
    let answer: TasksOutcome;
    try {
      answer = await call();
    } catch (error) {
      const failure = errorFailure(source.arn, error);
      out.failures.push(failure);
      out.targets.push({ ...source, ok: false, message: `${source.label}: ${errorMessage(error)}`, failure });
      return out;
    }
    upsertTasks(this.#store, answer.tasks, this.#scheduler.now());
    for (const task of answer.tasks) {
      const id = sanitizeText(shortName(task.taskArn), { maxLength: 40 });
      out.newTaskArns.push(task.taskArn);
      out.targets.push({
        arn: task.taskArn,
        label: id,
        ok: true,
        message: `Started task ${id} (${sanitizeText(task.lastStatus ?? 'PROVISIONING', { maxLength: 30 })}) like ${source.label}.`,
      });
    }
    for (const failure of answer.failures) {
      out.failures.push(failure);
      const where = failure.arn ? sanitizeText(shortName(failure.arn), { maxLength: 60 }) : source.label;
      out.targets.push({
        arn: failure.arn ?? source.arn,
        label: where,
        ok: false,
        message: `Not started${failure.arn ? ` on ${where}` : ''}: ${failureText(failure)}`,
        failure,
      });
    }
    if (answer.tasks.length === 0 && answer.failures.length === 0) {
      out.targets.push({ ...source, ok: false, message: 'ECS answered with neither a task nor a failure.' });
    }
    return out;
  }

  async #updateService(plan: ActionPlan, cluster: string, service: string, change: ServiceChange): Promise<Performed> {
    const out: Performed = { targets: [], newTaskArns: [], failures: [] };
    const target = plan.targets[0] as ActionTarget;
    try {
      const updated = await this.#gateway.updateService(cluster, service, change);
      if (updated) setServices(this.#store, cluster, [updated], { complete: false });
      const deployment = updated?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
      const of = change.taskDefinition
        ? ` of ${sanitizeText(taskDefinitionLabel(change.taskDefinition), { maxLength: 120 })}`
        : '';
      const message =
        change.desiredCount !== undefined
          ? `${target.label}: desiredCount is now ${updated?.desiredCount ?? change.desiredCount}.`
          : `${target.label}: new deployment${deployment ? ` ${sanitizeText(deployment, { maxLength: 40 })}` : ''}${of} started.`;
      out.targets.push({ ...target, ok: true, message });
    } catch (error) {
      const failure = errorFailure(target.arn, error);
      out.failures.push(failure);
      out.targets.push({ ...target, ok: false, message: `${target.label}: ${errorMessage(error)}`, failure });
    }
    return out;
  }

  #feedFailures(plan: ActionPlan, failures: Failure[], at: number): void {
    if (failures.length === 0) return;
    const occurrences = failures.map((failure, index) => {
      const context = {
        id: `${plan.id}#${index}`,
        at,
        operation: plan.operation,
        clusterArn: plan.clusterArn,
        ...(plan.failureGroup ? { group: plan.failureGroup } : {}),
      };
      try {
        this.#journal.failure?.(failure, context);
      } catch {
        // The feed in memory still gets it.
      }
      return actionFailureOccurrence(failure, context);
    });
    addFailures(this.#store, occurrences);
  }

  /**
   * A task RunTask just started may be MISSING for a while (eventual consistency): describe it with exponential
   * backoff until it shows, keep it in the store (a poll may have pruned it), and tell the listeners either way.
   */
  async #followNewTasks(plan: ActionPlan, taskArns: string[]): Promise<void> {
    const signal = this.#followUps.signal;
    const deadline = this.#scheduler.now() + this.#visibility.giveUpAfterMs;
    let wait = this.#visibility.firstDelayMs;
    let pending = [...taskArns];
    try {
      while (pending.length > 0) {
        if (this.#scheduler.now() + wait > deadline) break;
        await delay(this.#scheduler, wait, signal);
        wait = Math.min(this.#visibility.maxDelayMs, wait * 2);
        try {
          const out = await this.#gateway.describeTasks(plan.clusterArn, pending, { signal });
          upsertTasks(this.#store, out.items, this.#scheduler.now());
          for (const task of out.items) {
            if (!pending.includes(task.taskArn)) continue;
            this.#emit({ type: 'task-visible', plan, taskArn: task.taskArn, visible: true });
          }
          const seen = new Set(out.items.map((task) => task.taskArn));
          pending = pending.filter((arn) => !seen.has(arn));
        } catch {
          if (signal.aborted) return;
          // A failed describe is no answer: try again after the next wait.
        }
      }
    } catch {
      // Aborted (the runner closed): nobody is listening any more.
      return;
    }
    for (const taskArn of pending) this.#emit({ type: 'task-visible', plan, taskArn, visible: false });
  }
}

function summary(
  plan: ActionPlan,
  status: ActionStatus,
  okCount: number,
  called: TargetResult[],
  newTaskArns: string[],
): string {
  const failed = called.filter((t) => !t.ok);
  const first = failed[0]?.message;
  if (plan.operation === 'RunTask' || plan.operation === 'StartTask') {
    const started = newTaskArns.map((arn) => sanitizeText(shortName(arn), { maxLength: 40 })).join(', ');
    if (status === 'ok') return `${plan.operation} started ${started}.`;
    if (status === 'partial') return `${plan.operation} started ${started}; ${failed.length} not started: ${first}`;
    return `${plan.operation} started nothing: ${first}`;
  }
  if (status === 'ok') {
    return called.length === 1
      ? (called[0]?.message ?? `${plan.operation} done.`)
      : `${plan.operation} done on ${called.length} targets.`;
  }
  if (status === 'partial') return `${plan.operation}: ${okCount} of ${called.length} done; failed: ${first}`;
  return called.length === 1
    ? `${plan.operation} failed: ${first}`
    : `${plan.operation} failed on all ${called.length}: ${first}`;
}
