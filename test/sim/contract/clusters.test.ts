import {
  CreateClusterCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  paginateListClusters,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ContractWorld,
  collect,
  registerInstances,
  registerWebTaskDefinition,
  rejectionOf,
  startContractWorld,
} from '../helpers.ts';

const ARN_PREFIX = 'arn:aws:ecs:us-east-1:123456789012';

let world: ContractWorld;
beforeEach(async () => {
  world = await startContractWorld();
});
afterEach(async () => {
  await world.server.close();
});

describe('CreateCluster / ListClusters', () => {
  it('creates clusters and lists their ARNs', async () => {
    const created = await world.client.send(
      new CreateClusterCommand({
        clusterName: 'prod',
        tags: [{ key: 'env', value: 'prod' }],
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );
    expect(created.cluster).toMatchObject({
      clusterArn: `${ARN_PREFIX}:cluster/prod`,
      clusterName: 'prod',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags: [{ key: 'env', value: 'prod' }],
    });
    await world.client.send(new CreateClusterCommand({ clusterName: 'batch' }));
    const listed = await world.client.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toEqual([`${ARN_PREFIX}:cluster/batch`, `${ARN_PREFIX}:cluster/prod`]);
    expect(listed.nextToken).toBeUndefined();
  });

  it('pages with maxResults and the SDK paginator', async () => {
    for (let i = 0; i < 7; i++) await world.client.send(new CreateClusterCommand({ clusterName: `c${i}` }));
    const first = await world.client.send(new ListClustersCommand({ maxResults: 3 }));
    expect(first.clusterArns).toHaveLength(3);
    expect(first.nextToken).toBeTruthy();
    const pages = await collect(paginateListClusters({ client: world.client, pageSize: 3 }, {}));
    expect(pages.map((p) => p.clusterArns?.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.clusterArns)).toEqual(
      Array.from({ length: 7 }, (_, i) => `${ARN_PREFIX}:cluster/c${i}`),
    );
  });

  it('refuses maxResults outside 1..100 and a garbage nextToken', async () => {
    for (const maxResults of [0, 101]) {
      const error = await rejectionOf(world.client.send(new ListClustersCommand({ maxResults })));
      expect(error.name).toBe('InvalidParameterException');
      expect(error.message).toMatch(/maxResults/);
    }
    const error = await rejectionOf(world.client.send(new ListClustersCommand({ nextToken: 'not-a-token!' })));
    expect(error.name).toBe('InvalidParameterException');
  });

  it('refuses an invalid cluster name', async () => {
    const error = await rejectionOf(world.client.send(new CreateClusterCommand({ clusterName: 'no spaces' })));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toMatch(/clusterName/);
  });
});

describe('DescribeClusters', () => {
  it('describes the default cluster when none is named, and reports it MISSING when absent', async () => {
    const missing = await world.client.send(new DescribeClustersCommand({}));
    expect(missing.clusters).toEqual([]);
    expect(missing.failures).toEqual([{ arn: `${ARN_PREFIX}:cluster/default`, reason: 'MISSING' }]);
    await world.client.send(new CreateClusterCommand({}));
    const found = await world.client.send(new DescribeClustersCommand({}));
    expect(found.clusters?.map((c) => c.clusterName)).toEqual(['default']);
    expect(found.failures).toEqual([]);
  });

  it('takes names and ARNs, and reports unknown ones MISSING with the ARN they would have', async () => {
    await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
    const out = await world.client.send(
      new DescribeClustersCommand({
        clusters: ['prod', `${ARN_PREFIX}:cluster/prod`, 'ghost', `${ARN_PREFIX}:cluster/gone`],
      }),
    );
    expect(out.clusters?.map((c) => c.clusterArn)).toEqual([
      `${ARN_PREFIX}:cluster/prod`,
      `${ARN_PREFIX}:cluster/prod`,
    ]);
    expect(out.failures).toEqual([
      { arn: `${ARN_PREFIX}:cluster/ghost`, reason: 'MISSING' },
      { arn: `${ARN_PREFIX}:cluster/gone`, reason: 'MISSING' },
    ]);
  });

  it('adds statistics, settings and tags only when included', async () => {
    await world.client.send(
      new CreateClusterCommand({
        clusterName: 'prod',
        tags: [{ key: 'env', value: 'prod' }],
        settings: [{ name: 'containerInsights', value: 'enabled' }],
      }),
    );
    const taskDefinition = await registerWebTaskDefinition(world.client);
    await registerInstances(world.client, 'prod', 2);
    await world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition, count: 3 }));
    world.advance(60);

    const plain = (await world.client.send(new DescribeClustersCommand({ clusters: ['prod'] }))).clusters?.[0];
    expect(plain).toMatchObject({ registeredContainerInstancesCount: 2, runningTasksCount: 3, pendingTasksCount: 0 });
    expect(plain?.statistics).toEqual([]);
    expect(plain?.tags).toEqual([]);
    expect(plain?.settings).toBeUndefined();

    const full = (
      await world.client.send(
        new DescribeClustersCommand({ clusters: ['prod'], include: ['STATISTICS', 'SETTINGS', 'TAGS'] }),
      )
    ).clusters?.[0];
    expect(full?.tags).toEqual([{ key: 'env', value: 'prod' }]);
    expect(full?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);
    const stats = Object.fromEntries((full?.statistics ?? []).map((s) => [s.name, s.value]));
    expect(stats).toMatchObject({
      runningEC2TasksCount: '3',
      RunningFargateTasksCount: '0',
      pendingEC2TasksCount: '0',
      activeEC2ServiceCount: '0',
    });
  });

  it('refuses more than 100 clusters and an unknown include', async () => {
    const clusters = Array.from({ length: 101 }, (_, i) => `c${i}`);
    const tooMany = await rejectionOf(world.client.send(new DescribeClustersCommand({ clusters })));
    expect(tooMany.name).toBe('InvalidParameterException');
    const hundred = await world.client.send(new DescribeClustersCommand({ clusters: clusters.slice(0, 100) }));
    expect(hundred.failures).toHaveLength(100);
    const badInclude = await rejectionOf(
      world.client.send(new DescribeClustersCommand({ include: ['EVERYTHING' as 'TAGS'] })),
    );
    expect(badInclude.name).toBe('InvalidParameterException');
  });
});
