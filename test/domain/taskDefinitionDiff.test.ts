import { describe, expect, it } from 'vitest';
import { normalizeTaskDefinition, type TaskDefinition } from '../../src/domain/model.ts';
import {
  type DiffEntry,
  diffTaskDefinitions,
  looksSecret,
  previousInFamily,
  revisionOf,
  revisionPair,
  splitImage,
} from '../../src/domain/taskDefinitionDiff.ts';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

/** A revision from raw API JSON, through the same normaliser the gateway uses. */
function revision(raw: Record<string, unknown>): TaskDefinition {
  const definition = normalizeTaskDefinition({ taskDefinitionArn: `${TD}/api:1`, ...raw });
  if (!definition) throw new Error('not a task definition');
  return definition;
}

const base = {
  family: 'api',
  cpu: '512',
  memory: '1024',
  taskRoleArn: 'arn:aws:iam::123456789012:role/api-task',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecs-exec',
  placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ m5.*' }],
  containerDefinitions: [
    {
      name: 'api',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.41.0',
      cpu: 512,
      memory: 1024,
      command: ['node', 'server.js'],
      entryPoint: ['/bin/sh', '-c'],
      portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
      environment: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'DB_PASSWORD', value: 'hunter2' },
        { name: 'REGION', value: 'us-east-1' },
        { name: 'OLD_FLAG', value: 'x' },
      ],
      secrets: [{ name: 'DB_URL', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-1' }],
      healthCheck: { command: ['CMD-SHELL', 'curl -f localhost/ready'], interval: 10, retries: 3 },
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': '/ecs/api', 'awslogs-region': 'us-east-1' },
      },
    },
  ],
};

function withContainer(patch: Record<string, unknown>, task: Record<string, unknown> = {}) {
  return revision({
    ...base,
    ...task,
    taskDefinitionArn: `${TD}/api:2`,
    containerDefinitions: [{ ...base.containerDefinitions[0], ...patch }],
  });
}

const find = (entries: DiffEntry[], field: string) => entries.find((entry) => entry.field === field);

describe('diffTaskDefinitions', () => {
  it('finds nothing changed between a revision and itself, and counts every compared field as unchanged', () => {
    const diff = diffTaskDefinitions(revision(base), revision(base));
    expect(diff.changed).toEqual([]);
    expect(diff.unchanged.map((e) => e.field)).toEqual(
      expect.arrayContaining([
        'cpu',
        'memory',
        'task role',
        'execution role',
        'placement constraints',
        'image',
        'command',
        'entryPoint',
        'env LOG_LEVEL',
        'secret DB_URL',
        'ports',
        'health check',
        'log driver',
        'log option awslogs-group',
      ]),
    );
    // Unchanged environment values are not carried at all.
    expect(find(diff.unchanged, 'env DB_PASSWORD')).toEqual({
      scope: 'api',
      field: 'env DB_PASSWORD',
      change: 'unchanged',
    });
  });

  it('names an image tag change within the same repository', () => {
    const diff = diffTaskDefinitions(
      revision(base),
      withContainer({ image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.42.0' }),
    );
    expect(diff.changed).toEqual([
      { scope: 'api', field: 'image tag', change: 'changed', before: '1.41.0', after: '1.42.0' },
    ]);
    expect(find(diff.unchanged, 'image repository')?.before).toBe('123456789012.dkr.ecr.us-east-1.amazonaws.com/api');
  });

  it('shows the whole image when the repository changes, and a registry port is not a tag', () => {
    expect(splitImage('registry:5000/team/api')).toEqual({ repository: 'registry:5000/team/api' });
    expect(splitImage('registry:5000/api:2@sha256:abc')).toEqual({
      repository: 'registry:5000/api',
      tag: '2',
      digest: 'sha256:abc',
    });
    const diff = diffTaskDefinitions(revision(base), withContainer({ image: 'public.ecr.aws/other/api:1.41.0' }));
    expect(find(diff.changed, 'image')).toMatchObject({ change: 'changed', after: 'public.ecr.aws/other/api:1.41.0' });
  });

  it('environment: keys added and removed without values, changed values carried, secret-looking ones flagged', () => {
    const diff = diffTaskDefinitions(
      revision(base),
      withContainer({
        environment: [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'DB_PASSWORD', value: 'correct horse' },
          { name: 'REGION', value: 'us-east-1' },
          { name: 'NEW_FLAG', value: 'on' },
        ],
      }),
    );
    expect(diff.changed).toEqual([
      {
        scope: 'api',
        field: 'env DB_PASSWORD',
        change: 'changed',
        before: 'hunter2',
        after: 'correct horse',
        secret: true,
      },
      { scope: 'api', field: 'env LOG_LEVEL', change: 'changed', before: 'info', after: 'debug' },
      { scope: 'api', field: 'env NEW_FLAG', change: 'added' },
      { scope: 'api', field: 'env OLD_FLAG', change: 'removed' },
    ]);
  });

  it('compares cpu/memory of task and container, command, entryPoint, secrets, ports, health check, roles, logs, placement', () => {
    const diff = diffTaskDefinitions(
      revision(base),
      withContainer(
        {
          cpu: 1024,
          memory: 2048,
          command: ['node', 'server.js', '--cluster'],
          entryPoint: ['/usr/bin/dumb-init', '--'],
          secrets: [{ name: 'DB_URL', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-2' }],
          portMappings: [{ containerPort: 9090, protocol: 'tcp' }],
          healthCheck: { command: ['CMD-SHELL', 'curl -f localhost/ready'], interval: 30, retries: 3 },
          logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } },
        },
        {
          cpu: '1024',
          memory: '2048',
          taskRoleArn: 'arn:aws:iam::123456789012:role/api-task-v2',
          executionRoleArn: undefined,
          placementConstraints: [],
        },
      ),
    );
    const fields = diff.changed.map((e) => `${e.scope}.${e.field}:${e.change}`);
    expect(fields).toEqual([
      'task.cpu:changed',
      'task.memory:changed',
      'task.task role:changed',
      'task.execution role:removed',
      'task.placement constraints:removed',
      'api.cpu:changed',
      'api.memory:changed',
      'api.entryPoint:changed',
      'api.command:changed',
      'api.secret DB_URL:changed',
      'api.ports:changed',
      'api.health check:changed',
      'api.log driver:changed',
      'api.log option Name:added',
      'api.log option awslogs-group:removed',
      'api.log option awslogs-region:removed',
    ]);
    expect(find(diff.changed, 'command')?.after).toBe('node server.js --cluster');
    expect(find(diff.changed, 'ports')).toMatchObject({ before: '8080/tcp host 0', after: '9090/tcp' });
    expect(find(diff.changed, 'health check')?.after).toContain('every 30s');
  });

  it('containers added, removed, and a single renamed container compared with its predecessor', () => {
    const sidecar = { name: 'envoy', image: 'envoy:1.30' };
    const added = diffTaskDefinitions(
      revision(base),
      revision({ ...base, containerDefinitions: [...base.containerDefinitions, sidecar] }),
    );
    expect(added.changed).toEqual([{ scope: 'envoy', field: 'container', change: 'added', after: 'envoy:1.30' }]);
    const removed = diffTaskDefinitions(
      revision({ ...base, containerDefinitions: [...base.containerDefinitions, sidecar] }),
      revision(base),
    );
    expect(removed.changed).toEqual([{ scope: 'envoy', field: 'container', change: 'removed', before: 'envoy:1.30' }]);
    const renamed = diffTaskDefinitions(revision(base), withContainer({ name: 'api-v2' }));
    expect(renamed.changed).toEqual([]);
  });

  it('survives untrusted input: missing fields, wrong types, escape sequences in keys and values', () => {
    const hostile = normalizeTaskDefinition({
      taskDefinitionArn: `${TD}/api:3`,
      cpu: { nested: true },
      memory: 2048,
      placementConstraints: 'everywhere',
      containerDefinitions: [
        null,
        7,
        {
          name: 'api',
          image: 'evil/api:\u001b]52;c;cHduZWQ=\u0007latest\u202e',
          environment: [{ name: 'TOKEN\u001b[2J', value: 'abc\u009b31m' }, { value: 'no name' }, 'junk'],
          secrets: [{ valueFrom: 'no name' }],
          command: 'rm -rf /',
          portMappings: [{ containerPort: 'eighty' }],
          logConfiguration: { logDriver: 'awslogs', options: { ok: 'yes', bad: 3, ['__proto__']: 'x' } },
        },
      ],
    });
    expect(hostile).toBeDefined();
    const before = revision({
      containerDefinitions: [
        { name: 'api', image: 'evil/api:1', environment: [{ name: 'TOKEN\u001b[2J', value: 'abc' }] },
      ],
    });
    const diff = diffTaskDefinitions(before, hostile as TaskDefinition);
    const everything = JSON.stringify(diff);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting no control survives
    expect(everything).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(find(diff.changed, 'image tag')?.after).toBe('latest');
    const token = diff.changed.find((e) => e.field.startsWith('env TOKEN'));
    expect(token).toMatchObject({ change: 'changed', before: 'abc', after: 'abc', secret: true });
    expect(find(diff.changed, 'memory')).toMatchObject({ scope: 'task', change: 'added', after: '2048' });
    expect(find(diff.changed, 'log option __proto__')).toMatchObject({ change: 'added', after: 'x' });
    // A record with nothing in it compares to nothing without throwing.
    const empty = revision({ containerDefinitions: 'none' });
    expect(diffTaskDefinitions(empty, empty)).toEqual({ changed: [], unchanged: [] });
  });
});

describe('looksSecret', () => {
  it('flags the usual credential names and leaves ordinary ones', () => {
    for (const key of [
      'DB_PASSWORD',
      'api_token',
      'AWS_SECRET_ACCESS_KEY',
      'STRIPE_KEY',
      'GCP_CREDENTIALS',
      'PGPASSWD',
    ]) {
      expect(looksSecret(key), key).toBe(true);
    }
    for (const key of ['LOG_LEVEL', 'REGION', 'PORT', 'NODE_ENV']) expect(looksSecret(key), key).toBe(false);
  });
});

describe('which revision came before', () => {
  it('revisionPair: the ACTIVE deployment a rollout replaces, newest first; none when nothing is rolling', () => {
    const rolling = revisionPair({
      taskDefinition: `${TD}/api:3`,
      deployments: [
        { status: 'PRIMARY', taskDefinition: `${TD}/api:3`, createdAt: 300 },
        { status: 'ACTIVE', taskDefinition: `${TD}/api:1`, createdAt: 100 },
        { status: 'ACTIVE', taskDefinition: `${TD}/api:2`, createdAt: 200 },
      ],
    });
    expect(rolling).toEqual({ primary: `${TD}/api:3`, rollingFrom: `${TD}/api:2` });
    expect(revisionPair({ taskDefinition: `${TD}/api:3`, deployments: [{ status: 'PRIMARY' }] })).toEqual({
      primary: `${TD}/api:3`,
    });
    expect(revisionPair({})).toEqual({});
    // A forced redeployment rolls the same revision: nothing in flight replaces another revision.
    const forced = revisionPair({
      deployments: [
        { status: 'PRIMARY', taskDefinition: `${TD}/api:2`, createdAt: 300 },
        { status: 'ACTIVE', taskDefinition: `${TD}/api:2`, createdAt: 100 },
      ],
    });
    expect(forced).toEqual({ primary: `${TD}/api:2` });
  });

  it('previousInFamily: the highest lower revision of the same family, whatever the order and junk', () => {
    const revisions = [`${TD}/api:5`, `${TD}/api:2`, `${TD}/apiv2:3`, `${TD}/api:4`, 'api', 42 as unknown as string];
    expect(previousInFamily(`${TD}/api:5`, revisions)).toBe(`${TD}/api:4`);
    expect(previousInFamily(`${TD}/api:4`, revisions)).toBe(`${TD}/api:2`);
    expect(previousInFamily(`${TD}/api:2`, revisions)).toBeUndefined();
    expect(previousInFamily('api', revisions)).toBeUndefined();
    expect(revisionOf('api:12')).toBe(12);
    expect(revisionOf(`${TD}/api:7`)).toBe(7);
  });
});
