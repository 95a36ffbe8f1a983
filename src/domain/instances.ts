/**
 * Container instances: resource use from registered/remaining resources, and draining progress (ECS_API_NOTES §3:
 * service tasks are moved off a DRAINING instance, standalone tasks are not and keep it from finishing).
 */

import { isTerminalStatus } from './lifecycle.ts';
import { type ContainerInstance, resourceValue, type Task } from './model.ts';

/** Started by a service scheduler: ECS sets the group to `service:<name>` and startedBy to the deployment id. */
export function isServiceTask(task: Pick<Task, 'group' | 'startedBy'>): boolean {
  return task.group?.startsWith('service:') === true || task.startedBy?.startsWith('ecs-svc/') === true;
}

export interface InstanceUsage {
  /** CPU units. */
  cpuRegistered?: number;
  cpuUsed?: number;
  /** MiB. */
  memoryRegistered?: number;
  memoryUsed?: number;
}

/** Used = registered - remaining, per resource, when both are known. */
export function instanceUsage(
  instance: Pick<ContainerInstance, 'registeredResources' | 'remainingResources'>,
): InstanceUsage {
  const usage: InstanceUsage = {};
  const cpuRegistered = resourceValue(instance.registeredResources, 'CPU');
  const cpuRemaining = resourceValue(instance.remainingResources, 'CPU');
  const memoryRegistered = resourceValue(instance.registeredResources, 'MEMORY');
  const memoryRemaining = resourceValue(instance.remainingResources, 'MEMORY');
  if (cpuRegistered !== undefined) {
    usage.cpuRegistered = cpuRegistered;
    if (cpuRemaining !== undefined) usage.cpuUsed = Math.max(0, cpuRegistered - cpuRemaining);
  }
  if (memoryRegistered !== undefined) {
    usage.memoryRegistered = memoryRegistered;
    if (memoryRemaining !== undefined) usage.memoryUsed = Math.max(0, memoryRegistered - memoryRemaining);
  }
  return usage;
}

export interface DrainProgress {
  /** Tasks on the instance that have not reached STOPPED. */
  remaining: number;
  /** Of those, service tasks: the scheduler moves them. */
  serviceTasks: number;
  /** Of those, standalone tasks (RunTask/StartTask): nothing moves them; they block the drain until stopped. */
  blocking: Task[];
  /** Nothing left on the instance. */
  drained: boolean;
}

/** Draining progress from the tasks placed on one instance (any order; stopped ones are ignored). */
export function drainProgress(tasksOnInstance: readonly Task[]): DrainProgress {
  const live = tasksOnInstance.filter((task) => !isTerminalStatus(task.lastStatus));
  const blocking = live.filter((task) => !isServiceTask(task));
  return {
    remaining: live.length,
    serviceTasks: live.length - blocking.length,
    blocking,
    drained: live.length === 0,
  };
}
