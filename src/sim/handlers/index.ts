/** Every operation the simulator answers, by its X-Amz-Target name. */
import { createCluster, describeClusters, listClusters } from './clusters.ts';
import {
  describeContainerInstances,
  listContainerInstances,
  registerContainerInstance,
  updateContainerInstancesState,
} from './containerInstances.ts';
import type { OperationHandler } from './context.ts';
import { createService, describeServices, listServices, updateService } from './services.ts';
import { describeTaskDefinition, listTaskDefinitions, registerTaskDefinition } from './taskDefinitions.ts';
import { createTaskSet, describeTaskSets, updateServicePrimaryTaskSet, updateTaskSet } from './taskSets.ts';
import { describeTasks, listTasks, runTask, startTask, stopTask } from './tasks.ts';

export type { HandlerContext, OperationHandler } from './context.ts';

export const OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  ListClusters: listClusters,
  DescribeClusters: describeClusters,
  CreateCluster: createCluster,
  ListContainerInstances: listContainerInstances,
  DescribeContainerInstances: describeContainerInstances,
  UpdateContainerInstancesState: updateContainerInstancesState,
  RegisterContainerInstance: registerContainerInstance,
  ListServices: listServices,
  DescribeServices: describeServices,
  CreateService: createService,
  UpdateService: updateService,
  DescribeTaskSets: describeTaskSets,
  CreateTaskSet: createTaskSet,
  UpdateTaskSet: updateTaskSet,
  UpdateServicePrimaryTaskSet: updateServicePrimaryTaskSet,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  RunTask: runTask,
  StartTask: startTask,
  StopTask: stopTask,
  DescribeTaskDefinition: describeTaskDefinition,
  ListTaskDefinitions: listTaskDefinitions,
  RegisterTaskDefinition: registerTaskDefinition,
};

export function operationHandler(operation: string): OperationHandler | undefined {
  return Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
}
