/** Every operation the simulator answers, by service and X-Amz-Target name. */

import type { SimService } from '../protocol.ts';
import { createCluster, describeClusters, listClusters } from './clusters.ts';
import {
  describeContainerInstances,
  listContainerInstances,
  registerContainerInstance,
  updateContainerInstancesState,
} from './containerInstances.ts';
import type { OperationHandler } from './context.ts';
import {
  createLogGroup,
  createLogStream,
  deleteRetentionPolicy,
  describeLogGroups,
  describeLogStreams,
  filterLogEvents,
  getLogEvents,
  putLogEvents,
  putRetentionPolicy,
  startLiveTail,
} from './logs.ts';
import { getMetricData } from './metrics.ts';
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

/** CloudWatch Logs (Logs_20140328). */
export const LOGS_OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  CreateLogGroup: createLogGroup,
  CreateLogStream: createLogStream,
  PutLogEvents: putLogEvents,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  StartLiveTail: startLiveTail,
};

/** CloudWatch (GraniteServiceVersion20100801). */
export const MONITORING_OPERATIONS: Readonly<Record<string, OperationHandler>> = {
  GetMetricData: getMetricData,
};

const OPERATIONS_OF_SERVICE: Readonly<Record<SimService, Readonly<Record<string, OperationHandler>>>> = {
  ecs: OPERATIONS,
  logs: LOGS_OPERATIONS,
  monitoring: MONITORING_OPERATIONS,
};

export function operationHandler(service: SimService, operation: string): OperationHandler | undefined {
  const operations = OPERATIONS_OF_SERVICE[service];
  return Object.hasOwn(operations, operation) ? operations[operation] : undefined;
}
