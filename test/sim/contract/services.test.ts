import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  paginateListServices,
  UpdateServiceCommand,
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

const SERVICE = 'arn:aws:ecs:us-east-1:123456789012:service';

let world: ContractWorld;
let web: string;
beforeEach(async () => {
  world = await startContractWorld();
  await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
  await registerInstances(world.client, 'prod', 4);
  web = await registerWebTaskDefinition(world.client, 'web');
});
afterEach(async () => {
  await world.server.close();
});

describe('CreateService / DescribeServices', () => {
  it('creates a service that reaches a steady state, described with deployments and newest-first events', async () => {
    const created = await world.client.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
        tags: [{ key: 'tier', value: 'frontend' }],
      }),
    );
    expect(created.service).toMatchObject({
      serviceArn: `${SERVICE}/prod/web`,
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 2,
      taskDefinition: web,
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'ECS' },
    });
    expect(created.service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'IN_PROGRESS' });
    expect(created.service?.deployments?.[0]?.id).toMatch(/^ecs-svc\/\d+$/);
    expect(created.service?.tags).toBeUndefined();

    world.advance(120);
    const out = await world.client.send(
      new DescribeServicesCommand({ cluster: 'prod', services: ['web', `${SERVICE}/prod/web`], include: ['TAGS'] }),
    );
    expect(out.failures).toEqual([]);
    const service = out.services?.[0];
    expect(service).toMatchObject({ runningCount: 2, pendingCount: 0 });
    expect(service?.tags).toEqual([{ key: 'tier', value: 'frontend' }]);
    expect(service?.deployments).toHaveLength(1);
    expect(service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 2 });
    expect(service?.deployments?.[0]?.createdAt).toBeInstanceOf(Date);
    const events = service?.events ?? [];
    expect(events.length).toBeGreaterThan(0);
    const times = events.map((e) => e.createdAt?.getTime() ?? 0);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(events[0]?.message).toMatch(/steady state/);
    expect(service?.taskSets).toBeUndefined();
  });

  it('reports unknown services MISSING, and refuses more than 10 or none', async () => {
    await world.client.send(
      new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: web, desiredCount: 0 }),
    );
    const out = await world.client.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web', 'ghost'] }));
    expect(out.services?.map((s) => s.serviceName)).toEqual(['web']);
    expect(out.failures).toEqual([{ arn: `${SERVICE}/prod/ghost`, reason: 'MISSING' }]);
    const eleven = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const tooMany = await rejectionOf(
      world.client.send(new DescribeServicesCommand({ cluster: 'prod', services: eleven })),
    );
    expect(tooMany.name).toBe('InvalidParameterException');
    const ten = await world.client.send(
      new DescribeServicesCommand({ cluster: 'prod', services: eleven.slice(0, 10) }),
    );
    expect(ten.failures).toHaveLength(10);
    const none = await rejectionOf(world.client.send(new DescribeServicesCommand({ cluster: 'prod', services: [] })));
    expect(none.name).toBe('InvalidParameterException');
    const noCluster = await rejectionOf(
      world.client.send(new DescribeServicesCommand({ cluster: 'ghost', services: ['web'] })),
    );
    expect(noCluster.name).toBe('ClusterNotFoundException');
  });

  it('refuses a duplicate service and both a launch type and a capacity provider strategy', async () => {
    await world.client.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: web }));
    const duplicate = await rejectionOf(
      world.client.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: web })),
    );
    expect(duplicate.name).toBe('InvalidParameterException');
    const both = await rejectionOf(
      world.client.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: 'other',
          taskDefinition: web,
          launchType: 'EC2',
          capacityProviderStrategy: [{ capacityProvider: 'x' }],
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');
  });
});

describe('ListServices', () => {
  it('pages 10 services by default, and filters by scheduling strategy and launch type', async () => {
    for (let i = 0; i < 23; i++) {
      await world.client.send(
        new CreateServiceCommand({
          cluster: 'prod',
          serviceName: `svc-${String(i).padStart(2, '0')}`,
          taskDefinition: web,
          desiredCount: 0,
        }),
      );
    }
    await world.client.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'agent',
        taskDefinition: web,
        schedulingStrategy: 'DAEMON',
      }),
    );
    const first = await world.client.send(new ListServicesCommand({ cluster: 'prod' }));
    expect(first.serviceArns).toHaveLength(10);
    expect(first.nextToken).toBeTruthy();
    const pages = await collect(paginateListServices({ client: world.client }, { cluster: 'prod' }));
    expect(pages.map((p) => p.serviceArns?.length)).toEqual([10, 10, 4]);
    expect(new Set(pages.flatMap((p) => p.serviceArns)).size).toBe(24);
    const daemons = await world.client.send(new ListServicesCommand({ cluster: 'prod', schedulingStrategy: 'DAEMON' }));
    expect(daemons.serviceArns).toEqual([`${SERVICE}/prod/agent`]);
    const fargate = await world.client.send(new ListServicesCommand({ cluster: 'prod', launchType: 'FARGATE' }));
    expect(fargate.serviceArns).toEqual([]);
    const hundred = await world.client.send(new ListServicesCommand({ cluster: 'prod', maxResults: 100 }));
    expect(hundred.serviceArns).toHaveLength(24);
    expect(hundred.nextToken).toBeUndefined();
  });
});

describe('UpdateService', () => {
  it('scales, deploys a new task definition and forces a new deployment', async () => {
    await world.client.send(
      new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: web, desiredCount: 2 }),
    );
    world.advance(120);
    const scaled = await world.client.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: 3 }),
    );
    expect(scaled.service?.desiredCount).toBe(3);
    expect(scaled.service?.deployments).toHaveLength(1);
    // The answer itself shows the PRIMARY deployment at the new count, not the old one until the next reconcile.
    expect(scaled.service?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', desiredCount: 3 });

    const web2 = await registerWebTaskDefinition(world.client, 'web', { image: 'nginx:1.28' });
    const deployed = await world.client.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' }),
    );
    expect(deployed.service?.taskDefinition).toBe(web2);
    const [primary, active] = deployed.service?.deployments ?? [];
    expect(primary).toMatchObject({ status: 'PRIMARY', taskDefinition: web2, rolloutState: 'IN_PROGRESS' });
    expect(active).toMatchObject({ status: 'ACTIVE', taskDefinition: web });

    world.advance(300);
    const forced = await world.client.send(
      new UpdateServiceCommand({ cluster: 'prod', service: 'web', forceNewDeployment: true }),
    );
    const primaries = (forced.service?.deployments ?? []).filter((d) => d.status === 'PRIMARY');
    expect(primaries).toHaveLength(1);
    expect(forced.service?.deployments?.length).toBeGreaterThan(1);
    expect(primaries[0]?.taskDefinition).toBe(web2);
  });

  it('refuses an unknown service, a negative count and a bad type', async () => {
    const unknown = await rejectionOf(
      world.client.send(new UpdateServiceCommand({ cluster: 'prod', service: 'ghost', desiredCount: 1 })),
    );
    expect(unknown.name).toBe('ServiceNotFoundException');
    await world.client.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: web }));
    const negative = await rejectionOf(
      world.client.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', desiredCount: -1 })),
    );
    expect(negative.name).toBe('InvalidParameterException');
    const noCluster = await rejectionOf(
      world.client.send(new UpdateServiceCommand({ cluster: 'ghost', service: 'web', desiredCount: 1 })),
    );
    expect(noCluster.name).toBe('ClusterNotFoundException');
  });
});
