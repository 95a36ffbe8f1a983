import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  paginateListContainerInstances,
  RegisterContainerInstanceCommand,
  RunTaskCommand,
  type Task,
  UpdateContainerInstancesStateCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTRACT_START,
  type ContractWorld,
  collect,
  registerInstances,
  registerWebTaskDefinition,
  rejectionOf,
  startContractWorld,
} from '../helpers.ts';

const CI = 'arn:aws:ecs:us-east-1:123456789012:container-instance';

let world: ContractWorld;
beforeEach(async () => {
  world = await startContractWorld();
  await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
});
afterEach(async () => {
  await world.server.close();
});

const resource = (
  list: { name?: string; integerValue?: number; stringSetValue?: string[] }[] | undefined,
  name: string,
) => list?.find((r) => r.name === name);

describe('RegisterContainerInstance', () => {
  it('reads the instance from its identity document and its size from totalResources', async () => {
    const out = await world.client.send(
      new RegisterContainerInstanceCommand({
        cluster: 'prod',
        instanceIdentityDocument: JSON.stringify({
          instanceId: 'i-0123456789abcdef0',
          availabilityZone: 'us-east-1b',
          instanceType: 'm5.large',
        }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
        ],
        tags: [{ key: 'pool', value: 'general' }],
      }),
    );
    const instance = out.containerInstance;
    expect(instance?.containerInstanceArn).toMatch(new RegExp(`^${CI}/prod/[0-9a-f]{32}$`));
    expect(instance).toMatchObject({ ec2InstanceId: 'i-0123456789abcdef0', status: 'ACTIVE', agentConnected: true });
    expect(resource(instance?.registeredResources, 'CPU')?.integerValue).toBe(2048);
    expect(resource(instance?.registeredResources, 'MEMORY')?.integerValue).toBe(7680);
    const attributes = Object.fromEntries((instance?.attributes ?? []).map((a) => [a.name, a.value]));
    expect(attributes['ecs.instance-type']).toBe('m5.large');
    expect(attributes['ecs.availability-zone']).toBe('us-east-1b');
    expect(instance?.registeredAt).toEqual(new Date(CONTRACT_START));
  });

  it('refuses a registration without CPU and MEMORY, and a broken identity document', async () => {
    const noSize = await rejectionOf(world.client.send(new RegisterContainerInstanceCommand({ cluster: 'prod' })));
    expect(noSize.name).toBe('InvalidParameterException');
    expect(noSize.message).toMatch(/totalResources/);
    const broken = await rejectionOf(
      world.client.send(
        new RegisterContainerInstanceCommand({
          cluster: 'prod',
          instanceIdentityDocument: '{not json',
          totalResources: [
            { name: 'CPU', integerValue: 1024 },
            { name: 'MEMORY', integerValue: 2048 },
          ],
        }),
      ),
    );
    expect(broken.name).toBe('InvalidParameterException');
    expect(broken.message).toMatch(/instanceIdentityDocument/);
  });
});

describe('ListContainerInstances', () => {
  it('lists, filters by status and by attribute, and pages', async () => {
    const large = await registerInstances(world.client, 'prod', 3, { instanceType: 'm5.large' });
    const xlarge = await registerInstances(world.client, 'prod', 2, { instanceType: 'm5.xlarge', firstIndex: 3 });
    await world.client.send(
      new UpdateContainerInstancesStateCommand({
        cluster: 'prod',
        containerInstances: [xlarge[0] ?? ''],
        status: 'DRAINING',
      }),
    );
    const all = await world.client.send(new ListContainerInstancesCommand({ cluster: 'prod' }));
    expect(new Set(all.containerInstanceArns)).toEqual(new Set([...large, ...xlarge]));
    const draining = await world.client.send(
      new ListContainerInstancesCommand({ cluster: 'prod', status: 'DRAINING' }),
    );
    expect(draining.containerInstanceArns).toEqual([xlarge[0]]);
    const byType = await world.client.send(
      new ListContainerInstancesCommand({ cluster: 'prod', filter: 'attribute:ecs.instance-type == m5.large' }),
    );
    expect(new Set(byType.containerInstanceArns)).toEqual(new Set(large));
    // Index 0 and 3 are in us-east-1a (zones rotate a, b, c).
    const byZone = await world.client.send(
      new ListContainerInstancesCommand({ cluster: 'prod', filter: 'attribute:ecs.availability-zone == us-east-1a' }),
    );
    expect(new Set(byZone.containerInstanceArns)).toEqual(new Set([large[0], xlarge[0]]));
    const pages = await collect(
      paginateListContainerInstances({ client: world.client, pageSize: 2 }, { cluster: 'prod' }),
    );
    expect(pages.map((p) => p.containerInstanceArns?.length)).toEqual([2, 2, 1]);
  });

  it('refuses a filter it does not understand and an unknown status', async () => {
    const filter = await rejectionOf(
      world.client.send(new ListContainerInstancesCommand({ cluster: 'prod', filter: 'runningTasksCount > 1' })),
    );
    expect(filter.name).toBe('InvalidParameterException');
    const status = await rejectionOf(
      world.client.send(new ListContainerInstancesCommand({ cluster: 'prod', status: 'INACTIVE' as 'ACTIVE' })),
    );
    expect(status.name).toBe('InvalidParameterException');
  });
});

describe('DescribeContainerInstances', () => {
  it('describes resources, versions, counts and tags', async () => {
    const [arn = ''] = await registerInstances(world.client, 'prod', 1, { cpu: 2048, memory: 7680 });
    const taskDefinition = await registerWebTaskDefinition(world.client, 'web', { cpu: 256, memory: 512 });
    await world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition, count: 2 }));
    world.advance(60);
    const id = arn.split('/').pop() ?? '';
    const out = await world.client.send(
      new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [id], include: ['TAGS'] }),
    );
    const instance = out.containerInstances?.[0];
    expect(out.failures).toEqual([]);
    expect(instance?.containerInstanceArn).toBe(arn);
    expect(instance?.versionInfo).toMatchObject({ agentVersion: '1.89.2' });
    expect(instance?.versionInfo?.agentHash).toMatch(/^[0-9a-f]+$/);
    expect(instance?.versionInfo?.dockerVersion).toBeTruthy();
    expect(instance?.agentUpdateStatus).toBeUndefined();
    expect(instance).toMatchObject({ runningTasksCount: 2, pendingTasksCount: 0 });
    expect(resource(instance?.remainingResources, 'CPU')?.integerValue).toBe(2048 - 512);
    expect(resource(instance?.remainingResources, 'MEMORY')?.integerValue).toBe(7680 - 1024);
    expect(resource(instance?.registeredResources, 'PORTS')?.stringSetValue).toEqual(
      expect.arrayContaining(['22', '2375', '2376', '51678', '51679']),
    );
    expect(resource(instance?.registeredResources, 'PORTS_UDP')?.stringSetValue).toEqual([]);
    expect(instance?.tags).toEqual([]);
  });

  it('runningTasksCount counts every task desired RUNNING, the PENDING ones included', async () => {
    const [arn = ''] = await registerInstances(world.client, 'prod', 1);
    const taskDefinition = await registerWebTaskDefinition(world.client, 'web');
    const run = await world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition, count: 3 }));
    expect(run.tasks?.map((t) => t.lastStatus)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    const describe = async () =>
      (await world.client.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [arn] })))
        .containerInstances?.[0];
    expect(await describe()).toMatchObject({ runningTasksCount: 3, pendingTasksCount: 3 });
    world.advance(60);
    expect(await describe()).toMatchObject({ runningTasksCount: 3, pendingTasksCount: 0 });
  });

  it('reports unknown ids MISSING, and refuses empty and oversized lists', async () => {
    const [arn = ''] = await registerInstances(world.client, 'prod', 1);
    const out = await world.client.send(
      new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [arn, 'f'.repeat(32)] }),
    );
    expect(out.containerInstances).toHaveLength(1);
    expect(out.failures).toEqual([{ arn: `${CI}/prod/${'f'.repeat(32)}`, reason: 'MISSING' }]);
    const empty = await rejectionOf(
      world.client.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [] })),
    );
    expect(empty.name).toBe('InvalidParameterException');
    const tooMany = await rejectionOf(
      world.client.send(
        new DescribeContainerInstancesCommand({
          cluster: 'prod',
          containerInstances: Array.from({ length: 101 }, (_, i) => String(i)),
        }),
      ),
    );
    expect(tooMany.name).toBe('InvalidParameterException');
    const missingCluster = await rejectionOf(
      world.client.send(new DescribeContainerInstancesCommand({ cluster: 'nope', containerInstances: [arn] })),
    );
    expect(missingCluster.name).toBe('ClusterNotFoundException');
  });
});

describe('UpdateContainerInstancesState', () => {
  it('drains and re-activates instances, with MISSING failures, up to 10 at a time', async () => {
    const arns = await registerInstances(world.client, 'prod', 2);
    const out = await world.client.send(
      new UpdateContainerInstancesStateCommand({
        cluster: 'prod',
        containerInstances: [...arns, 'e'.repeat(32)],
        status: 'DRAINING',
      }),
    );
    expect(out.containerInstances?.map((i) => i.status)).toEqual(['DRAINING', 'DRAINING']);
    expect(out.failures).toEqual([{ arn: expect.stringContaining('e'.repeat(32)), reason: 'MISSING' }]);
    const back = await world.client.send(
      new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: arns, status: 'ACTIVE' }),
    );
    expect(back.containerInstances?.map((i) => i.status)).toEqual(['ACTIVE', 'ACTIVE']);
    const tooMany = await rejectionOf(
      world.client.send(
        new UpdateContainerInstancesStateCommand({
          cluster: 'prod',
          containerInstances: Array.from({ length: 11 }, (_, i) => String(i)),
          status: 'DRAINING',
        }),
      ),
    );
    expect(tooMany.name).toBe('InvalidParameterException');
    const badStatus = await rejectionOf(
      world.client.send(
        new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: arns, status: 'REGISTERING' }),
      ),
    );
    expect(badStatus.name).toBe('InvalidParameterException');
  });
});

describe('Draining with maximumPercent 100', () => {
  /** Every task of service `web`, whatever its status, as DescribeTasks describes it. */
  async function serviceTasks(): Promise<Task[]> {
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      const out = await world.client.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'web', desiredStatus }));
      arns.push(...(out.taskArns ?? []));
    }
    if (arns.length === 0) return [];
    return (await world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: arns }))).tasks ?? [];
  }

  it('starts a replacement only once a drained task has STOPPED, second by second', async () => {
    const [target = '', other = ''] = await registerInstances(world.client, 'prod', 2);
    const taskDefinition = await registerWebTaskDefinition(world.client, 'web');
    await world.client.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'web',
        taskDefinition,
        desiredCount: 4,
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
        placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      }),
    );
    world.advance(120);
    const before = await serviceTasks();
    const drained = before.filter((t) => t.containerInstanceArn === target).map((t) => t.taskArn);
    expect(drained).toHaveLength(2);
    await world.client.send(
      new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [target], status: 'DRAINING' }),
    );

    const known = new Set(before.map((t) => t.taskArn));
    let sawStopping = false;
    for (let second = 0; second < 180; second++) {
      world.advance(1);
      const tasks = await serviceTasks();
      const stoppedDrained = tasks.filter((t) => drained.includes(t.taskArn) && t.lastStatus === 'STOPPED');
      const replacements = tasks.filter((t) => !known.has(t.taskArn));
      if (tasks.some((t) => drained.includes(t.taskArn) && t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED'))
        sawStopping = true;
      expect(tasks.filter((t) => t.lastStatus !== 'STOPPED').length).toBeLessThanOrEqual(4);
      expect(replacements.length).toBeLessThanOrEqual(stoppedDrained.length);
      if (replacements.length === 2 && replacements.every((t) => t.lastStatus === 'RUNNING')) break;
    }
    expect(sawStopping).toBe(true);
    const after = await serviceTasks();
    const replacements = after.filter((t) => !known.has(t.taskArn));
    expect(replacements.map((t) => [t.lastStatus, t.containerInstanceArn])).toEqual([
      ['RUNNING', other],
      ['RUNNING', other],
    ]);
    const service = await world.client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] }));
    expect(service.services?.[0]?.runningCount).toBe(4);
  });
});
