/**
 * The shapes of the actions layer: a plan says exactly what will be called on what (and calls nothing); the runner
 * executes a confirmed plan once and answers with a result per target.
 */
import type { Failure } from '../domain/model.ts';
import type { RunTaskRequest, ServiceChange, StartTaskRequest } from '../ecs/gateway.ts';

export type ActionKind = 'stop' | 'drain' | 'activate' | 'rerun' | 'start' | 'scale' | 'redeploy' | 'rollback';

export type ActionOperation = 'StopTask' | 'UpdateContainerInstancesState' | 'RunTask' | 'StartTask' | 'UpdateService';

export interface ActionTarget {
  arn: string;
  /** Short and readable (task id, EC2 instance id, service name), already sanitised for the terminal. */
  label: string;
}

/** A target the plan leaves out, and why (a task that is already stopping). */
export interface SkippedTarget extends ActionTarget {
  note: string;
}

/** The exact call(s) a plan makes; `parameters` of the plan are derived from it. */
export type ActionRequest =
  | { operation: 'StopTask'; cluster: string; tasks: string[]; reason: string }
  | {
      operation: 'UpdateContainerInstancesState';
      cluster: string;
      containerInstances: string[];
      status: 'ACTIVE' | 'DRAINING';
    }
  | { operation: 'RunTask'; request: RunTaskRequest }
  | { operation: 'StartTask'; request: StartTaskRequest }
  | {
      operation: 'UpdateService';
      cluster: string;
      service: string;
      change: ServiceChange;
    };

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ActionPlan {
  /** Unique per plan; also the journal id of its execution. */
  readonly id: string;
  readonly kind: ActionKind;
  readonly operation: ActionOperation;
  readonly clusterArn: string;
  /** What will be called on, one entry per task / instance / service (or the source task of a rerun). */
  readonly targets: readonly ActionTarget[];
  readonly skipped: readonly SkippedTarget[];
  /** The request parameters, shown verbatim in the confirmation and written to the journal. */
  readonly parameters: Readonly<Record<string, JsonValue>>;
  /** One or two lines ('\n' between) naming exactly what will be called on what. */
  readonly confirmText: string;
  /** Further facts the user should know before confirming (skipped targets, what could not be carried over). */
  readonly notes: readonly string[];
  readonly dangerous: boolean;
  /** The failure-feed group of failures this action gets (`family:x`, `service:x`), when there is one. */
  readonly failureGroup?: string;
  readonly request: ActionRequest;
}

/** A plan could not be made (bad input, nothing to act on): one sentence saying why. */
export interface PlanError {
  error: string;
}

export type PlanOutcome = { plan: ActionPlan } | PlanError;

export interface TargetResult {
  arn: string;
  label: string;
  ok: boolean;
  /** One sanitised sentence for the result panel. */
  message: string;
  /** The `failures` entry ECS returned for this target, when it did. */
  failure?: Failure;
  /** Left out on purpose (already stopping, an earlier batch failed): no call was made for it. */
  skipped?: boolean;
}

export type ActionStatus = 'ok' | 'partial' | 'failed' | 'refused';

export interface ActionResult {
  planId: string;
  kind: ActionKind;
  operation: ActionOperation;
  status: ActionStatus;
  /** One line for the flash. */
  message: string;
  targets: TargetResult[];
  /** RunTask / StartTask: the tasks started, for the UI to select and follow. */
  newTaskArns: string[];
  startedAt: number;
  finishedAt: number;
}

export type ActionEvent =
  | { type: 'started'; plan: ActionPlan }
  | { type: 'finished'; plan: ActionPlan; result: ActionResult }
  | { type: 'refused'; plan: ActionPlan; result: ActionResult }
  /** A task started by an action became visible to DescribeTasks (or never did within the backoff). */
  | { type: 'task-visible'; plan: ActionPlan; taskArn: string; visible: boolean };

export type ActionListener = (event: ActionEvent) => void;
