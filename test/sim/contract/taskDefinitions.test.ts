import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalizeTaskDefinition, type TaskDefinition } from '../../../src/domain/model.ts';
import { diffTaskDefinitions } from '../../../src/domain/taskDefinitionDiff.ts';
import {
  CONTRACT_START,
  type ContractWorld,
  collect,
  registerWebTaskDefinition,
  rejectionOf,
  startContractWorld,
} from '../helpers.ts';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

let world: ContractWorld;
beforeEach(async () => {
  world = await startContractWorld();
});
afterEach(async () => {
  await world.server.close();
});

describe('RegisterTaskDefinition / DescribeTaskDefinition', () => {
  it('registers revisions and describes them by family, family:revision and ARN', async () => {
    const first = await world.client.send(
      new RegisterTaskDefinitionCommand({
        family: 'api',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'api',
            image: 'example/api:1',
            essential: true,
            portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
            environment: [{ name: 'MODE', value: 'prod' }],
            healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health'], interval: 10, retries: 3 },
            stopTimeout: 10,
          },
        ],
        tags: [{ key: 'team', value: 'api' }],
      }),
    );
    expect(first.taskDefinition).toMatchObject({
      taskDefinitionArn: `${TD}/api:1`,
      family: 'api',
      revision: 1,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      requiresCompatibilities: ['FARGATE'],
    });
    expect(first.taskDefinition?.registeredAt).toEqual(new Date(CONTRACT_START));
    expect(first.tags).toEqual([{ key: 'team', value: 'api' }]);
    const container = first.taskDefinition?.containerDefinitions?.[0];
    expect(container).toMatchObject({
      name: 'api',
      image: 'example/api:1',
      essential: true,
      environment: [{ name: 'MODE', value: 'prod' }],
      healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/health'], interval: 10, retries: 3 },
      stopTimeout: 10,
    });
    expect(container?.portMappings?.[0]).toMatchObject({ containerPort: 8080, protocol: 'tcp' });

    await registerWebTaskDefinition(world.client, 'api');
    const latest = await world.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'api' }));
    expect(latest.taskDefinition?.revision).toBe(2);
    expect(latest.tags).toBeUndefined();
    const byRevision = await world.client.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: 'api:1', include: ['TAGS'] }),
    );
    expect(byRevision.taskDefinition?.revision).toBe(1);
    expect(byRevision.tags).toEqual([{ key: 'team', value: 'api' }]);
    const byArn = await world.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${TD}/api:1` }));
    expect(byArn.taskDefinition?.taskDefinitionArn).toBe(`${TD}/api:1`);
    // The simulator's behaviour never goes on the wire.
    const raw = await fetch(world.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition',
      },
      body: JSON.stringify({ taskDefinition: 'api:1' }),
    });
    expect(await raw.text()).not.toMatch(/behaviour|outcomes/);
  });

  it('answers ClientException for an unknown task definition', async () => {
    for (const ref of ['nope', 'nope:3', `${TD}/nope:1`]) {
      const error = await rejectionOf(world.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref })));
      expect(error.name).toBe('ClientException');
      expect(error.message).toBe('Unable to describe task definition.');
    }
  });

  it('validates what ECS validates', async () => {
    const noMemory = await rejectionOf(
      world.client.send(
        new RegisterTaskDefinitionCommand({ family: 'x', containerDefinitions: [{ name: 'x', image: 'busybox' }] }),
      ),
    );
    expect(noMemory.name).toBe('ClientException');
    expect(noMemory.message).toMatch(/memory/);
    const fargateBridge = await rejectionOf(
      world.client.send(
        new RegisterTaskDefinitionCommand({
          family: 'x',
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'bridge',
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'x', image: 'busybox' }],
        }),
      ),
    );
    expect(fargateBridge.name).toBe('ClientException');
    const badFamily = await rejectionOf(
      world.client.send(
        new RegisterTaskDefinitionCommand({
          family: 'bad family',
          containerDefinitions: [{ name: 'x', image: 'b', memory: 64 }],
        }),
      ),
    );
    expect(badFamily.name).toBe('InvalidParameterException');
    const noContainers = await rejectionOf(
      world.client.send(new RegisterTaskDefinitionCommand({ family: 'x', containerDefinitions: [] })),
    );
    expect(noContainers.name).toBe('InvalidParameterException');
  });
});

describe('ListTaskDefinitions', () => {
  it('lists by family then revision, filters by family, sorts DESC and pages', async () => {
    for (let i = 0; i < 3; i++) await registerWebTaskDefinition(world.client, 'web');
    for (let i = 0; i < 11; i++) await registerWebTaskDefinition(world.client, 'api');
    const all = await world.client.send(new ListTaskDefinitionsCommand({}));
    expect(all.taskDefinitionArns).toEqual([
      ...Array.from({ length: 11 }, (_, i) => `${TD}/api:${i + 1}`),
      `${TD}/web:1`,
      `${TD}/web:2`,
      `${TD}/web:3`,
    ]);
    const web = await world.client.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' }));
    expect(web.taskDefinitionArns).toEqual([`${TD}/web:3`, `${TD}/web:2`, `${TD}/web:1`]);
    const pages = await collect(
      paginateListTaskDefinitions({ client: world.client, pageSize: 4 }, { familyPrefix: 'api', sort: 'DESC' }),
    );
    expect(pages.map((p) => p.taskDefinitionArns?.length)).toEqual([4, 4, 3]);
    expect(pages.flatMap((p) => p.taskDefinitionArns)).toEqual(
      Array.from({ length: 11 }, (_, i) => `${TD}/api:${11 - i}`),
    );
    const inactive = await world.client.send(new ListTaskDefinitionsCommand({ status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toEqual([]);
  });
});

describe('what the task definition diff reads', () => {
  it('echoes entryPoint, environment, secrets and placement constraints as registered, so two revisions diff', async () => {
    const register = (tag: string, secret: string, constraint: string) =>
      world.client.send(
        new RegisterTaskDefinitionCommand({
          family: 'api',
          placementConstraints: [{ type: 'memberOf', expression: constraint }],
          containerDefinitions: [
            {
              name: 'api',
              image: `example/api:${tag}`,
              memory: 512,
              entryPoint: ['/bin/sh', '-c'],
              environment: [{ name: 'DB_PASSWORD', value: `pw-${tag}` }],
              secrets: [{ name: 'DB_URL', valueFrom: secret }],
            },
          ],
        }),
      );
    await register('1', 'arn:aws:ssm:us-east-1:123456789012:parameter/db-1', 'attribute:ecs.instance-type =~ m5.*');
    await register('2', 'arn:aws:ssm:us-east-1:123456789012:parameter/db-2', 'attribute:ecs.instance-type =~ c6.*');
    const describe = async (ref: string) =>
      normalizeTaskDefinition(
        (await world.client.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref }))).taskDefinition,
      ) as TaskDefinition;
    const [one, two] = [await describe('api:1'), await describe('api:2')];
    expect(two.containerDefinitions?.[0]?.entryPoint).toEqual(['/bin/sh', '-c']);
    expect(two.containerDefinitions?.[0]?.secrets).toEqual([
      { name: 'DB_URL', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db-2' },
    ]);
    const changed = diffTaskDefinitions(one, two).changed.map((e) => `${e.scope}.${e.field}`);
    expect(changed).toEqual([
      'task.placement constraints',
      'api.image tag',
      'api.env DB_PASSWORD',
      'api.secret DB_URL',
    ]);
    expect(diffTaskDefinitions(one, two).changed.find((e) => e.field === 'env DB_PASSWORD')?.secret).toBe(true);
  });
});
