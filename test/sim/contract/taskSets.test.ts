import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  UpdateServicePrimaryTaskSetCommand,
  UpdateTaskSetCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ContractWorld,
  registerInstances,
  registerWebTaskDefinition,
  rejectionOf,
  startContractWorld,
} from '../helpers.ts';

let world: ContractWorld;
let blue: string;
let green: string;
beforeEach(async () => {
  world = await startContractWorld();
  await world.client.send(new CreateClusterCommand({ clusterName: 'staging' }));
  await registerInstances(world.client, 'staging', 3);
  blue = await registerWebTaskDefinition(world.client, 'shop', { image: 'shop:blue' });
  green = await registerWebTaskDefinition(world.client, 'shop', { image: 'shop:green' });
  await world.client.send(
    new CreateServiceCommand({
      cluster: 'staging',
      serviceName: 'shop',
      taskDefinition: blue,
      desiredCount: 4,
      deploymentController: { type: 'EXTERNAL' },
    }),
  );
});
afterEach(async () => {
  await world.server.close();
});

describe('task sets of an EXTERNAL service', () => {
  it('creates, scales and promotes task sets, as DescribeTaskSets and DescribeServices show', async () => {
    const a = await world.client.send(
      new CreateTaskSetCommand({
        cluster: 'staging',
        service: 'shop',
        taskDefinition: blue,
        externalId: 'blue',
        scale: { value: 100, unit: 'PERCENT' },
      }),
    );
    expect(a.taskSet).toMatchObject({
      taskDefinition: blue,
      externalId: 'blue',
      computedDesiredCount: 4,
      scale: { value: 100, unit: 'PERCENT' },
    });
    expect(a.taskSet?.id).toMatch(/^ecs-svc\/\d+$/);
    expect(a.taskSet?.taskSetArn).toContain(':task-set/staging/shop/ecs-svc/');
    const b = await world.client.send(
      new CreateTaskSetCommand({
        cluster: 'staging',
        service: 'shop',
        taskDefinition: green,
        externalId: 'green',
        scale: { value: 25, unit: 'PERCENT' },
      }),
    );
    expect(b.taskSet?.computedDesiredCount).toBe(1);
    await world.client.send(
      new UpdateServicePrimaryTaskSetCommand({
        cluster: 'staging',
        service: 'shop',
        primaryTaskSet: a.taskSet?.id ?? '',
      }),
    );
    world.advance(120);

    const all = await world.client.send(new DescribeTaskSetsCommand({ cluster: 'staging', service: 'shop' }));
    expect(all.failures).toEqual([]);
    const byId = Object.fromEntries((all.taskSets ?? []).map((s) => [s.id, s]));
    expect(byId[a.taskSet?.id ?? '']).toMatchObject({
      status: 'PRIMARY',
      runningCount: 4,
      stabilityStatus: 'STEADY_STATE',
    });
    expect(byId[b.taskSet?.id ?? '']).toMatchObject({ status: 'ACTIVE', runningCount: 1 });
    expect(byId[a.taskSet?.id ?? '']?.stabilityStatusAt).toBeInstanceOf(Date);

    const scaled = await world.client.send(
      new UpdateTaskSetCommand({
        cluster: 'staging',
        service: 'shop',
        taskSet: b.taskSet?.taskSetArn ?? '',
        scale: { value: 50, unit: 'PERCENT' },
      }),
    );
    expect(scaled.taskSet?.computedDesiredCount).toBe(2);
    const promoted = await world.client.send(
      new UpdateServicePrimaryTaskSetCommand({
        cluster: 'staging',
        service: 'shop',
        primaryTaskSet: b.taskSet?.id ?? '',
      }),
    );
    expect(promoted.taskSet).toMatchObject({ id: b.taskSet?.id, status: 'PRIMARY' });

    const service = (await world.client.send(new DescribeServicesCommand({ cluster: 'staging', services: ['shop'] })))
      .services?.[0];
    expect(service?.deploymentController?.type).toBe('EXTERNAL');
    expect(service?.taskSets?.map((s) => s.id).sort()).toEqual([a.taskSet?.id, b.taskSet?.id].sort());
  });

  it('describes named task sets with MISSING failures, and needs cluster and service', async () => {
    const a = await world.client.send(
      new CreateTaskSetCommand({ cluster: 'staging', service: 'shop', taskDefinition: blue }),
    );
    const out = await world.client.send(
      new DescribeTaskSetsCommand({
        cluster: 'staging',
        service: 'shop',
        taskSets: [a.taskSet?.taskSetArn ?? '', 'ecs-svc/0000000000000000001'],
      }),
    );
    expect(out.taskSets?.map((s) => s.id)).toEqual([a.taskSet?.id]);
    expect(out.failures).toEqual([{ arn: 'ecs-svc/0000000000000000001', reason: 'MISSING' }]);
    const noCluster = await rejectionOf(world.client.send(new DescribeTaskSetsCommand({ service: 'shop' } as never)));
    expect(noCluster.name).toBe('InvalidParameterException');
    const unknownCluster = await rejectionOf(
      world.client.send(new DescribeTaskSetsCommand({ cluster: 'ghost', service: 'shop' })),
    );
    expect(unknownCluster.name).toBe('ClusterNotFoundException');
    const unknownService = await rejectionOf(
      world.client.send(new DescribeTaskSetsCommand({ cluster: 'staging', service: 'ghost' })),
    );
    expect(unknownService.name).toBe('ServiceNotFoundException');
    const badScale = await rejectionOf(
      world.client.send(
        new UpdateTaskSetCommand({
          cluster: 'staging',
          service: 'shop',
          taskSet: a.taskSet?.id ?? '',
          scale: { value: 150 },
        }),
      ),
    );
    expect(badScale.name).toBe('InvalidParameterException');
  });
});
