import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  UpdateServiceCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ContractWorld,
  ecsClient,
  rawCall,
  registerWebTaskDefinition,
  rejectionOf,
  startContractWorld,
} from '../helpers.ts';

let world: ContractWorld | undefined;
afterEach(async () => {
  await world?.server.close();
  world = undefined;
});

describe('errors through the real SDK', () => {
  it('raises ClusterNotFoundException from every operation that names a missing cluster', async () => {
    world = await startContractWorld();
    const { client } = world;
    await client.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await registerWebTaskDefinition(client, 'web');
    const cluster = 'ghost';
    const calls: [string, () => Promise<unknown>][] = [
      ['ListContainerInstances', () => client.send(new ListContainerInstancesCommand({ cluster }))],
      [
        'DescribeContainerInstances',
        () => client.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: ['x'] })),
      ],
      [
        'UpdateContainerInstancesState',
        () =>
          client.send(
            new UpdateContainerInstancesStateCommand({ cluster, containerInstances: ['x'], status: 'DRAINING' }),
          ),
      ],
      [
        'RegisterContainerInstance',
        () =>
          client.send(
            new RegisterContainerInstanceCommand({
              cluster,
              totalResources: [
                { name: 'CPU', integerValue: 1024 },
                { name: 'MEMORY', integerValue: 2048 },
              ],
            }),
          ),
      ],
      ['ListServices', () => client.send(new ListServicesCommand({ cluster }))],
      ['DescribeServices', () => client.send(new DescribeServicesCommand({ cluster, services: ['web'] }))],
      [
        'CreateService',
        () => client.send(new CreateServiceCommand({ cluster, serviceName: 'web', taskDefinition: 'web' })),
      ],
      ['UpdateService', () => client.send(new UpdateServiceCommand({ cluster, service: 'web', desiredCount: 1 }))],
      ['ListTasks', () => client.send(new ListTasksCommand({ cluster }))],
      ['DescribeTasks', () => client.send(new DescribeTasksCommand({ cluster, tasks: ['x'] }))],
      ['RunTask', () => client.send(new RunTaskCommand({ cluster, taskDefinition: 'web' }))],
      [
        'StartTask',
        () => client.send(new StartTaskCommand({ cluster, taskDefinition: 'web', containerInstances: ['x'] })),
      ],
      ['StopTask', () => client.send(new StopTaskCommand({ cluster, task: 'x' }))],
      ['DescribeTaskSets', () => client.send(new DescribeTaskSetsCommand({ cluster, service: 'web' }))],
      [
        'CreateTaskSet',
        () => client.send(new CreateTaskSetCommand({ cluster, service: 'web', taskDefinition: 'web' })),
      ],
      [
        'UpdateTaskSet',
        () => client.send(new UpdateTaskSetCommand({ cluster, service: 'web', taskSet: 'x', scale: { value: 50 } })),
      ],
      [
        'UpdateServicePrimaryTaskSet',
        () => client.send(new UpdateServicePrimaryTaskSetCommand({ cluster, service: 'web', primaryTaskSet: 'x' })),
      ],
    ];
    for (const [operation, call] of calls) {
      const error = await rejectionOf(call());
      expect(error.name, operation).toBe('ClusterNotFoundException');
      expect(error.$fault, operation).toBe('client');
      expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode, operation).toBe(400);
    }
  });

  it('surfaces ThrottlingException once the SDK has spent its retries on a burst', async () => {
    world = await startContractWorld({ throttling: { buckets: { taskRead: { burst: 5, refillPerSecond: 20 } } } });
    await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
    const client = ecsClient(world.url, 3);
    const outcomes: string[] = [];
    for (let i = 0; i < 7; i++) {
      try {
        await client.send(new ListTasksCommand({ cluster: 'prod' }));
        outcomes.push('ok');
      } catch (error) {
        outcomes.push((error as Error).name);
      }
    }
    // The wall clock never moves, so the bucket never refills.
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ThrottlingException', 'ThrottlingException']);
    expect(world.server.requestLog.countByOutcome({ operation: 'ListTasks' })).toEqual({
      ok: 5,
      throttled: 6,
      error: 0,
      fault: 0,
    });
    // Another bucket still has tokens.
    await client.send(new ListServicesCommand({ cluster: 'prod' }));
  });

  it('surfaces a ServerException fault as a server error', async () => {
    world = await startContractWorld();
    await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
    world.server.setFaults({ serverErrorRate: 1, operations: ['ListServices'] });
    const error = await rejectionOf(world.client.send(new ListServicesCommand({ cluster: 'prod' })));
    expect(error.name).toBe('ServerException');
    expect(error.$fault).toBe('server');
    expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBe(500);
    expect((await world.client.send(new ListTasksCommand({ cluster: 'prod' }))).taskArns).toEqual([]);
  });

  it('answers a malformed body and an unknown operation with JSON errors', async () => {
    world = await startContractWorld();
    const malformed = await rawCall(world.url, 'ListTasks', '{"cluster": "prod",');
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toEqual({ __type: 'SerializationException', message: expect.any(String) });
    const notAnObject = await rawCall(world.url, 'ListTasks', '"prod"');
    expect(notAnObject.json().__type).toBe('SerializationException');
    const typeError = await rawCall(world.url, 'DescribeTasks', '{"cluster":"prod","tasks":"abc"}');
    expect(typeError.json()).toEqual({
      __type: 'InvalidParameterException',
      message: 'tasks must be a list of strings; got a string.',
    });
    const unknown = await rawCall(world.url, 'DeleteEverything', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.json().__type).toBe('UnknownOperationException');
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});
