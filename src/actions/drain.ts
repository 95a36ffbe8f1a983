/**
 * Following a drain: per instance, the service tasks still to move and the standalone tasks that hold the drain
 * (named), read from the store the pollers keep fresh; and the plan that stops those standalone tasks.
 */
import { shortName } from '../domain/arn.ts';
import { type DrainProgress, drainProgress } from '../domain/instances.ts';
import type { Task } from '../domain/model.ts';
import { sanitizeText } from '../domain/sanitize.ts';
import type { EcsState, EcsStore } from '../store/store.ts';
import { type PlanContext, planStop } from './plans.ts';
import type { PlanOutcome } from './types.ts';

export interface InstanceDrainStatus {
  instanceArn: string;
  label: string;
  /** The instance's status as last polled (DRAINING while the drain holds). */
  status?: string;
  progress: DrainProgress;
  /** The standalone tasks holding the drain, as "id (group)". */
  blocking: string[];
  /** One line for the flash or the result panel. */
  message: string;
}

function taskName(task: Task): string {
  const id = sanitizeText(shortName(task.taskArn), { maxLength: 40 });
  return task.group ? `${id} (${sanitizeText(task.group, { maxLength: 80 })})` : id;
}

function tasksByInstance(state: EcsState, instanceArns: ReadonlySet<string>): Map<string, Task[]> {
  const out = new Map<string, Task[]>();
  for (const arn of instanceArns) out.set(arn, []);
  for (const task of state.tasks.values()) {
    if (task.containerInstanceArn !== undefined && instanceArns.has(task.containerInstanceArn)) {
      out.get(task.containerInstanceArn)?.push(task);
    }
  }
  return out;
}

/** Where each instance's drain stands, from what the store holds now. */
export function drainStatus(state: EcsState, instanceArns: readonly string[]): InstanceDrainStatus[] {
  const tasks = tasksByInstance(state, new Set(instanceArns));
  return instanceArns.map((instanceArn) => {
    const instance = state.instances.get(instanceArn);
    const label = sanitizeText(instance?.ec2InstanceId ?? shortName(instanceArn), { maxLength: 60 });
    const progress = drainProgress(tasks.get(instanceArn) ?? []);
    const blocking = progress.blocking.map(taskName);
    const parts: string[] = [];
    if (progress.drained) parts.push('drained: no tasks left');
    else {
      if (progress.serviceTasks > 0) parts.push(`${progress.serviceTasks} service task(s) still moving`);
      else parts.push('no service tasks left');
      if (blocking.length > 0) parts.push(`held by ${blocking.length} standalone task(s): ${blocking.join(', ')}`);
    }
    const status = instance?.status === undefined ? '' : ` ${sanitizeText(instance.status, { maxLength: 30 })}:`;
    const result: InstanceDrainStatus = {
      instanceArn,
      label,
      progress,
      blocking,
      message: `${label}${status} ${parts.join('; ')}`,
    };
    if (instance?.status !== undefined) result.status = instance.status;
    return result;
  });
}

/** StopTask on the standalone tasks that hold these instances' drain (the one-key follow-up). */
export function planStopBlocking(state: EcsState, instanceArns: readonly string[], context: PlanContext): PlanOutcome {
  const blocking = drainStatus(state, instanceArns).flatMap((status) => status.progress.blocking);
  if (blocking.length === 0) return { error: 'No standalone task holds the drain: nothing to stop.' };
  return planStop(blocking, context);
}

/**
 * Calls `listener` with the drain status now and whenever the tasks or instances in the store change, until every
 * instance is drained (then once more, and it stops) or the returned function is called.
 */
export function followDrain(
  store: EcsStore,
  instanceArns: readonly string[],
  listener: (statuses: InstanceDrainStatus[]) => void,
): () => void {
  let lastTasks = store.getState().tasks;
  let lastInstances = store.getState().instances;
  let stopped = false;
  let unsubscribe: () => void = () => {};
  const report = (state: EcsState) => {
    const statuses = drainStatus(state, instanceArns);
    listener(statuses);
    if (statuses.every((s) => s.progress.drained)) stop();
  };
  const stop = () => {
    stopped = true;
    unsubscribe();
  };
  report(store.getState());
  if (!stopped) {
    unsubscribe = store.subscribe((state) => {
      if (state.tasks === lastTasks && state.instances === lastInstances) return;
      lastTasks = state.tasks;
      lastInstances = state.instances;
      report(state);
    });
  }
  return stop;
}
