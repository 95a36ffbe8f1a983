import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  paginateListTasks,
  RunTaskCommand,
  StartTaskCommand,
  StopTaskCommand,
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

const TASK = 'arn:aws:ecs:us-east-1:123456789012:task';

let world: ContractWorld;
let instances: string[];
let web: string;
beforeEach(async () => {
  world = await startContractWorld();
  await world.client.send(new CreateClusterCommand({ clusterName: 'prod' }));
  instances = await registerInstances(world.client, 'prod', 5);
  web = await registerWebTaskDefinition(world.client, 'web');
});
afterEach(async () => {
  await world.server.close();
});

async function runTasks(count: number, extra: { startedBy?: string; taskDefinition?: string } = {}): Promise<string[]> {
  const arns: string[] = [];
  for (let left = count; left > 0; left -= 10) {
    const out = await world.client.send(
      new RunTaskCommand({
        cluster: 'prod',
        taskDefinition: extra.taskDefinition ?? web,
        count: Math.min(10, left),
        startedBy: extra.startedBy,
      }),
    );
    expect(out.failures).toEqual([]);
    for (const task of out.tasks ?? []) arns.push(task.taskArn ?? '');
  }
  return arns;
}

describe('RunTask', () => {
  it('starts tasks and returns them in the ECS shape', async () => {
    const out = await world.client.send(
      new RunTaskCommand({ cluster: 'prod', taskDefinition: 'web', count: 3, startedBy: 'nightly/job_1' }),
    );
    expect(out.failures).toEqual([]);
    expect(out.tasks).toHaveLength(3);
    const task = out.tasks?.[0];
    expect(task?.taskArn).toMatch(new RegExp(`^${TASK}/prod/[0-9a-f]{32}$`));
    expect(task).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      taskDefinitionArn: web,
      desiredStatus: 'RUNNING',
      group: 'family:web',
      launchType: 'EC2',
      startedBy: 'nightly/job_1',
    });
    expect(instances).toContain(task?.containerInstanceArn);
    expect(task?.createdAt).toEqual(new Date(CONTRACT_START));
    expect(task?.containers?.[0]).toMatchObject({ name: 'app', image: 'nginx:1.27', taskArn: task?.taskArn });
    expect(task?.tags).toBeUndefined();
  });

  it('refuses a count outside 1..10 and both a launch type and a strategy', async () => {
    for (const count of [0, 11]) {
      const error = await rejectionOf(
        world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: web, count })),
      );
      expect(error.name).toBe('InvalidParameterException');
      expect(error.message).toMatch(/count/);
    }
    const both = await rejectionOf(
      world.client.send(
        new RunTaskCommand({
          cluster: 'prod',
          taskDefinition: web,
          launchType: 'EC2',
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');
  });

  it('checks startedBy, tags and overrides as ECS does', async () => {
    const send = (input: Partial<ConstructorParameters<typeof RunTaskCommand>[0]>) =>
      rejectionOf(world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: web, ...input })));
    expect((await send({ startedBy: 'bad value!' })).name).toBe('InvalidParameterException');
    expect((await send({ startedBy: 'x'.repeat(129) })).name).toBe('InvalidParameterException');
    expect((await send({ tags: [{ key: 'aws:reserved', value: 'x' }] })).name).toBe('InvalidParameterException');
    const manyTags = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect((await send({ tags: manyTags })).name).toBe('InvalidParameterException');
    const bigOverride = { containerOverrides: [{ name: 'app', command: ['x'.repeat(9000)] }] };
    expect((await send({ overrides: bigOverride })).message).toMatch(/8192/);
    expect((await send({ propagateTags: 'SERVICE' })).name).toBe('InvalidParameterException');
  });

  it('reports placement failures, and succeeds partially', async () => {
    const huge = await registerWebTaskDefinition(world.client, 'huge', { cpu: 4096, memory: 1024 });
    const out = await world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: huge, count: 7 }));
    expect(out.tasks).toHaveLength(5);
    expect(out.failures).toHaveLength(2);
    expect(out.failures?.[0]?.reason).toBe('RESOURCE:CPU');
  });

  it('is idempotent per clientToken, and refuses a reused token with other parameters', async () => {
    const first = await world.client.send(
      new RunTaskCommand({ cluster: 'prod', taskDefinition: web, count: 2, clientToken: 'token-1' }),
    );
    const again = await world.client.send(
      new RunTaskCommand({ cluster: 'prod', taskDefinition: web, count: 2, clientToken: 'token-1' }),
    );
    expect(again.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    expect((await world.client.send(new ListTasksCommand({ cluster: 'prod' }))).taskArns).toHaveLength(2);
    const conflict = await rejectionOf(
      world.client.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: web, count: 3, clientToken: 'token-1' })),
    );
    expect(conflict.name).toBe('ConflictException');
  });
});

describe('StartTask', () => {
  it('starts one task on each named instance, and reports unknown instances', async () => {
    const ghost = 'd'.repeat(32);
    const out = await world.client.send(
      new StartTaskCommand({
        cluster: 'prod',
        taskDefinition: web,
        containerInstances: [instances[0] ?? '', instances[1] ?? '', ghost],
      }),
    );
    expect(out.tasks?.map((t) => t.containerInstanceArn)).toEqual([instances[0], instances[1]]);
    expect(out.failures).toEqual([expect.objectContaining({ reason: 'MISSING' })]);
    expect(out.failures?.[0]?.arn).toContain(ghost);
  });

  it('refuses more than 10 instances, none, and a startedBy over 36 characters', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => instances[i % instances.length] ?? '');
    const tooMany = await rejectionOf(
      world.client.send(new StartTaskCommand({ cluster: 'prod', taskDefinition: web, containerInstances: eleven })),
    );
    expect(tooMany.name).toBe('InvalidParameterException');
    const none = await rejectionOf(
      world.client.send(new StartTaskCommand({ cluster: 'prod', taskDefinition: web, containerInstances: [] })),
    );
    expect(none.name).toBe('InvalidParameterException');
    const longStartedBy = await rejectionOf(
      world.client.send(
        new StartTaskCommand({
          cluster: 'prod',
          taskDefinition: web,
          containerInstances: [instances[0] ?? ''],
          startedBy: 'x'.repeat(37),
        }),
      ),
    );
    expect(longStartedBy.name).toBe('InvalidParameterException');
  });
});

describe('DescribeTasks', () => {
  it('describes tasks by id or ARN with epoch-second times the SDK turns into Dates', async () => {
    const out = await world.client.send(
      new RunTaskCommand({ cluster: 'prod', taskDefinition: web, tags: [{ key: 'owner', value: 'me' }] }),
    );
    const arn = out.tasks?.[0]?.taskArn ?? '';
    world.advance(60);
    const id = arn.split('/').pop() ?? '';
    const described = await world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [id, arn] }));
    expect(described.failures).toEqual([]);
    const task = described.tasks?.[0];
    expect(task?.lastStatus).toBe('RUNNING');
    expect(task?.tags).toBeUndefined();
    for (const stamp of ['createdAt', 'pullStartedAt', 'pullStoppedAt', 'startedAt'] as const) {
      expect(task?.[stamp], stamp).toBeInstanceOf(Date);
    }
    expect(task?.startedAt?.getTime()).toBeGreaterThan(CONTRACT_START);
    expect(task?.startedAt?.getTime()).toBeLessThanOrEqual(CONTRACT_START + 60_000);
    expect(task?.stoppedAt).toBeUndefined();
    expect(typeof task?.version).toBe('number');
    const tagged = await world.client.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: [arn], include: ['TAGS'] }),
    );
    expect(tagged.tasks?.[0]?.tags).toEqual([{ key: 'owner', value: 'me' }]);
  });

  it('describes a task named twice (by id and by ARN) once, and a missing one once', async () => {
    const [arn = ''] = await runTasks(1);
    const id = arn.split('/').pop() ?? '';
    const ghost = 'c'.repeat(32);
    const out = await world.client.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: [arn, id, arn, ghost, `${TASK}/prod/${ghost}`] }),
    );
    expect(out.tasks?.map((t) => t.taskArn)).toEqual([arn]);
    expect(out.failures).toEqual([{ arn: `${TASK}/prod/${ghost}`, reason: 'MISSING' }]);
  });

  it('reports unknown tasks MISSING, and refuses empty and oversized lists', async () => {
    const ghost = 'a'.repeat(32);
    const out = await world.client.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: [ghost, `${TASK}/prod/${'b'.repeat(32)}`] }),
    );
    expect(out.tasks).toEqual([]);
    expect(out.failures).toEqual([
      { arn: `${TASK}/prod/${ghost}`, reason: 'MISSING' },
      { arn: `${TASK}/prod/${'b'.repeat(32)}`, reason: 'MISSING' },
    ]);
    const hundred = Array.from({ length: 100 }, (_, i) => i.toString(16).padStart(32, '0'));
    expect(
      (await world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: hundred }))).failures,
    ).toHaveLength(100);
    const tooMany = await rejectionOf(
      world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [...hundred, 'x'] })),
    );
    expect(tooMany.name).toBe('InvalidParameterException');
    const empty = await rejectionOf(world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [] })));
    expect(empty.name).toBe('InvalidParameterException');
    const noCluster = await rejectionOf(
      world.client.send(new DescribeTasksCommand({ cluster: 'nope', tasks: [ghost] })),
    );
    expect(noCluster.name).toBe('ClusterNotFoundException');
  });
});

describe('StopTask', () => {
  it('stops a task with the reason, which reaches STOPPED after the stop timeout', async () => {
    const [arn = ''] = await runTasks(1);
    world.advance(60);
    const stopped = await world.client.send(
      new StopTaskCommand({ cluster: 'prod', task: arn, reason: 'Rolled back by ops' }),
    );
    expect(stopped.task).toMatchObject({ taskArn: arn, desiredStatus: 'STOPPED' });
    world.advance(60);
    const [task] = (await world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [arn] }))).tasks ?? [];
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'Rolled back by ops',
    });
    expect(task?.stoppedAt).toBeInstanceOf(Date);
    expect((await world.client.send(new ListTasksCommand({ cluster: 'prod' }))).taskArns).toEqual([]);
    expect(
      (await world.client.send(new ListTasksCommand({ cluster: 'prod', desiredStatus: 'STOPPED' }))).taskArns,
    ).toEqual([arn]);
  });

  it('refuses a reason over 255 characters, and a missing task', async () => {
    const [arn = ''] = await runTasks(1);
    const long = await rejectionOf(
      world.client.send(new StopTaskCommand({ cluster: 'prod', task: arn, reason: 'x'.repeat(256) })),
    );
    expect(long.name).toBe('InvalidParameterException');
    expect(long.message).toMatch(/reason/);
    const unknown = await rejectionOf(
      world.client.send(new StopTaskCommand({ cluster: 'prod', task: 'c'.repeat(32) })),
    );
    expect(unknown.name).toBe('InvalidParameterException');
    const noCluster = await rejectionOf(world.client.send(new StopTaskCommand({ cluster: 'nope', task: arn })));
    expect(noCluster.name).toBe('ClusterNotFoundException');
  });
});

describe('ListTasks', () => {
  it('pages past 100 tasks with the SDK paginator, and maxResults bounds', async () => {
    const arns = await runTasks(250);
    const pages = await collect(paginateListTasks({ client: world.client }, { cluster: 'prod' }));
    expect(pages.map((p) => p.taskArns?.length)).toEqual([100, 100, 50]);
    const listed = pages.flatMap((p) => p.taskArns ?? []);
    expect(new Set(listed)).toEqual(new Set(arns));
    expect(listed).toHaveLength(250);
    const small = await collect(paginateListTasks({ client: world.client, pageSize: 30 }, { cluster: 'prod' }));
    expect(small).toHaveLength(9);
    const error = await rejectionOf(world.client.send(new ListTasksCommand({ cluster: 'prod', maxResults: 101 })));
    expect(error.name).toBe('InvalidParameterException');
    const garbage = await rejectionOf(
      world.client.send(new ListTasksCommand({ cluster: 'prod', nextToken: 'garbage' })),
    );
    expect(garbage.name).toBe('InvalidParameterException');
  });

  it('keeps a walk whole while tasks start and stop between pages', async () => {
    const arns = await runTasks(120);
    const first = await world.client.send(new ListTasksCommand({ cluster: 'prod', maxResults: 50 }));
    const seen = [...(first.taskArns ?? [])];
    // Between pages: stop one task already listed, start ten new ones.
    await world.client.send(new StopTaskCommand({ cluster: 'prod', task: seen[0] ?? '' }));
    await runTasks(10);
    let nextToken = first.nextToken;
    while (nextToken) {
      const page = await world.client.send(new ListTasksCommand({ cluster: 'prod', maxResults: 50, nextToken }));
      seen.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const arn of arns) expect(seen).toContain(arn);
  });

  it('filters by family, instance, startedBy, launch type, service and desired status', async () => {
    const api = await registerWebTaskDefinition(world.client, 'api');
    const webTasks = await runTasks(3);
    const apiTasks = await runTasks(2, { taskDefinition: api, startedBy: 'cron' });
    const list = async (input: Omit<ConstructorParameters<typeof ListTasksCommand>[0], 'cluster'>) =>
      new Set((await world.client.send(new ListTasksCommand({ cluster: 'prod', ...input }))).taskArns);
    expect(await list({ family: 'web' })).toEqual(new Set(webTasks));
    expect(await list({ startedBy: 'cron' })).toEqual(new Set(apiTasks));
    expect(await list({ launchType: 'EC2' })).toEqual(new Set([...webTasks, ...apiTasks]));
    expect(await list({ launchType: 'FARGATE' })).toEqual(new Set());
    expect(await list({ desiredStatus: 'PENDING' })).toEqual(new Set());
    const described = await world.client.send(new DescribeTasksCommand({ cluster: 'prod', tasks: webTasks }));
    const instance = described.tasks?.[0]?.containerInstanceArn ?? '';
    const onInstance = (described.tasks ?? []).filter((t) => t.containerInstanceArn === instance).map((t) => t.taskArn);
    const listedOnInstance = await list({ containerInstance: instance, family: 'web' });
    expect(listedOnInstance).toEqual(new Set(onInstance));

    await world.client.send(
      new CreateServiceCommand({ cluster: 'prod', serviceName: 'svc', taskDefinition: web, desiredCount: 2 }),
    );
    world.advance(30);
    expect((await list({ serviceName: 'svc' })).size).toBe(2);
  });

  it('filters by daemonName: no task of the simulator belongs to a managed daemon', async () => {
    const arns = await runTasks(3);
    const all = await world.client.send(new ListTasksCommand({ cluster: 'prod' }));
    expect(new Set(all.taskArns)).toEqual(new Set(arns));
    const daemon = await world.client.send(new ListTasksCommand({ cluster: 'prod', daemonName: 'log-router' }));
    expect(daemon.taskArns).toEqual([]);
    const mixed = await rejectionOf(
      world.client.send(new ListTasksCommand({ cluster: 'prod', startedBy: 'cron', daemonName: 'log-router' })),
    );
    expect(mixed.name).toBe('InvalidParameterException');
  });

  it('refuses startedBy with another filter, and an unknown service', async () => {
    const mixed = await rejectionOf(
      world.client.send(new ListTasksCommand({ cluster: 'prod', startedBy: 'cron', family: 'web' })),
    );
    expect(mixed.name).toBe('InvalidParameterException');
    expect(mixed.message).toMatch(/startedBy/);
    const service = await rejectionOf(
      world.client.send(new ListTasksCommand({ cluster: 'prod', serviceName: 'ghost' })),
    );
    expect(service.name).toBe('ServiceNotFoundException');
    const cluster = await rejectionOf(world.client.send(new ListTasksCommand({ cluster: 'ghost' })));
    expect(cluster.name).toBe('ClusterNotFoundException');
  });
});
