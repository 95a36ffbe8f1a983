import { describe, expect, it } from 'vitest';
import {
  asBoolean,
  asEpochMs,
  asInteger,
  asNonEmptyString,
  asNumber,
  asRecord,
  asString,
  asStringArray,
} from '../../src/domain/coerce.ts';
import {
  attachmentDetail,
  clusterStatistic,
  normalizeCluster,
  normalizeContainerInstance,
  normalizeFailure,
  normalizeList,
  normalizeService,
  normalizeTask,
  normalizeTaskDefinition,
  resourceValue,
  serviceEventKey,
} from '../../src/domain/model.ts';
import { SeededRandom } from '../../src/lib/random.ts';

const T0 = Date.UTC(2025, 10, 24, 3, 0, 0);
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef0123456789abcdef';

/** True when some (nested) member of the value is explicitly undefined. */
function hasUndefinedMember(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasUndefinedMember);
  if (typeof value === 'object' && value !== null) {
    return Object.values(value).some((member) => member === undefined || hasUndefinedMember(member));
  }
  return false;
}

describe('coercion', () => {
  it('reads strings, converting numbers', () => {
    expect(asString('x')).toBe('x');
    expect(asString(256)).toBe('256');
    expect(asString(5n)).toBe('5');
    expect(asString(Number.NaN)).toBeUndefined();
    expect(asString(true)).toBeUndefined();
    expect(asString({})).toBeUndefined();
    expect(asNonEmptyString('  ')).toBeUndefined();
    expect(asNonEmptyString('a')).toBe('a');
  });

  it('reads numbers, converting numeric strings', () => {
    expect(asNumber(3)).toBe(3);
    expect(asNumber(' 512 ')).toBe(512);
    expect(asNumber('0.25')).toBe(0.25);
    expect(asNumber('1e3')).toBe(1000);
    expect(asNumber('-7')).toBe(-7);
    expect(asNumber('12abc')).toBeUndefined();
    expect(asNumber('')).toBeUndefined();
    expect(asNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(asNumber(2n ** 60n)).toBeUndefined();
    expect(asInteger('137')).toBe(137);
    expect(asInteger(1.5)).toBeUndefined();
  });

  it('reads booleans and records', () => {
    expect(asBoolean('TRUE')).toBe(true);
    expect(asBoolean('false')).toBe(false);
    expect(asBoolean(1)).toBeUndefined();
    expect(asRecord([])).toBeUndefined();
    expect(asRecord(null)).toBeUndefined();
    expect(asRecord({ a: 1 })).toEqual({ a: 1 });
    expect(asStringArray(['a', 2, null, 'b'])).toEqual(['a', '2', 'b']);
    expect(asStringArray('a')).toBeUndefined();
  });

  it('reads times as epoch milliseconds from every form they arrive in', () => {
    expect(asEpochMs(new Date(T0))).toBe(T0);
    expect(asEpochMs(T0 / 1000)).toBe(T0);
    expect(asEpochMs(T0)).toBe(T0);
    expect(asEpochMs(1479765460.842)).toBe(1479765460842);
    expect(asEpochMs(String(T0 / 1000))).toBe(T0);
    expect(asEpochMs(String(T0))).toBe(T0);
    expect(asEpochMs('2025-11-24T03:00:00Z')).toBe(T0);
    expect(asEpochMs('2025-11-24T05:00:00+02:00')).toBe(T0);
  });

  it('treats zero, negative, invalid and zone-less times as absent', () => {
    expect(asEpochMs(0)).toBeUndefined();
    expect(asEpochMs(-62135596800)).toBeUndefined();
    expect(asEpochMs(new Date(Number.NaN))).toBeUndefined();
    expect(asEpochMs('2025-11-24T03:00:00')).toBeUndefined();
    expect(asEpochMs('yesterday')).toBeUndefined();
    expect(asEpochMs({})).toBeUndefined();
  });
});

describe('normalizeTask', () => {
  const sdkTask = {
    taskArn: TASK_ARN,
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/payments:7',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    cpu: 256,
    memory: '512',
    version: 5,
    group: 'service:payments',
    startedBy: 'ecs-svc/1234567890',
    createdAt: new Date(T0),
    pullStartedAt: new Date(T0 + 1000),
    pullStoppedAt: new Date(T0 + 4000),
    startedAt: new Date(T0 + 5000),
    executionStoppedAt: new Date(T0 + 60_000),
    stoppingAt: new Date(T0 + 61_000),
    stoppedAt: new Date(T0 + 65_000),
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [
      { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage', cpu: 0 },
      'garbage',
      { name: 'sidecar', exitCode: '0', networkBindings: [{ containerPort: '8080', hostPort: 32768 }] },
    ],
    overrides: { containerOverrides: [{ name: 'app', command: ['run', 1], environment: [{ name: 'A', value: 1 }] }] },
    attachments: [
      { id: 'att', type: 'ElasticNetworkInterface', details: [{ name: 'privateIPv4Address', value: '10.0.0.5' }] },
    ],
    tags: [{ key: 'team', value: 'pay' }, { value: 'no key' }],
    somethingNew: { nested: true },
  };

  it('maps an SDK-shaped task, converting times to ms and sizes to strings', () => {
    const task = normalizeTask(sdkTask);
    expect(task).toBeDefined();
    expect(task?.taskArn).toBe(TASK_ARN);
    expect(task?.cpu).toBe('256');
    expect(task?.memory).toBe('512');
    expect(task?.createdAt).toBe(T0);
    expect(task?.stoppedAt).toBe(T0 + 65_000);
    expect(task?.version).toBe(5);
    expect(task?.containers).toHaveLength(2);
    expect(task?.containers?.[0]).toMatchObject({ name: 'app', exitCode: 137, cpu: '0' });
    expect(task?.containers?.[1]?.exitCode).toBe(0);
    expect(task?.containers?.[1]?.networkBindings).toEqual([{ containerPort: 8080, hostPort: 32768 }]);
    expect(task?.overrides?.containerOverrides?.[0]).toEqual({
      name: 'app',
      command: ['run', '1'],
      environment: [{ name: 'A', value: '1' }],
    });
    expect(task?.attachments?.[0] && attachmentDetail(task.attachments[0], 'privateIPv4Address')).toBe('10.0.0.5');
    expect(task?.tags).toEqual([{ key: 'team', value: 'pay' }]);
    expect(task && 'somethingNew' in task).toBe(false);
  });

  it('carries no undefined members and survives a JSON round trip', () => {
    const task = normalizeTask(sdkTask);
    expect(hasUndefinedMember(task)).toBe(false);
    expect(JSON.parse(JSON.stringify(task))).toEqual(task);
  });

  it('drops fields of the wrong type and keeps the rest', () => {
    const task = normalizeTask({
      taskArn: TASK_ARN,
      lastStatus: { status: 'RUNNING' },
      desiredStatus: 'RUNNING',
      createdAt: 'not a time',
      startedAt: T0 / 1000,
      version: 'v5',
      containers: 'none',
      cpu: null,
    });
    expect(task).toEqual({ taskArn: TASK_ARN, desiredStatus: 'RUNNING', startedAt: T0 });
  });

  it('keeps unknown status values as they are', () => {
    expect(normalizeTask({ taskArn: TASK_ARN, lastStatus: 'HIBERNATING' })?.lastStatus).toBe('HIBERNATING');
  });

  it('refuses records without a usable ARN', () => {
    expect(normalizeTask({ lastStatus: 'RUNNING' })).toBeUndefined();
    expect(normalizeTask({ taskArn: '' })).toBeUndefined();
    expect(normalizeTask({ taskArn: 42 })?.taskArn).toBe('42');
    expect(normalizeTask(null)).toBeUndefined();
    expect(normalizeTask('task')).toBeUndefined();
    expect(normalizeTask([TASK_ARN])).toBeUndefined();
  });

  it('never throws, even on hostile objects', () => {
    const throwingGetter = Object.defineProperty({ taskArn: TASK_ARN }, 'lastStatus', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(() => normalizeTask(throwingGetter)).not.toThrow();
    expect(normalizeTask(throwingGetter)).toBeUndefined();
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(normalizeTask(proxy)).toBeUndefined();
  });

  it('never throws on random garbage', () => {
    const random = new SeededRandom(7);
    const leaf = (): unknown =>
      random.pick<unknown>([
        null,
        undefined,
        0,
        -1,
        1.5,
        'RUNNING',
        '',
        '123',
        true,
        new Date(Number.NaN),
        new Date(T0),
        [],
        {},
        Number.NaN,
        TASK_ARN,
      ]);
    const build = (depth: number): unknown => {
      if (depth === 0 || random.chance(0.4)) return leaf();
      if (random.chance(0.3)) return Array.from({ length: random.int(0, 3) }, () => build(depth - 1));
      const fields = ['taskArn', 'containers', 'exitCode', 'createdAt', 'overrides', 'containerOverrides', 'tags'];
      const out: Record<string, unknown> = {};
      for (const field of fields) if (random.chance(0.5)) out[field] = build(depth - 1);
      return out;
    };
    for (let round = 0; round < 500; round++) {
      const input = build(4);
      expect(() => normalizeTask(input)).not.toThrow();
      expect(() => normalizeService(input)).not.toThrow();
      expect(() => normalizeList(input, normalizeTask)).not.toThrow();
    }
  });
});

describe('normalizeList', () => {
  it('keeps the good records of a list with bad ones and reports the rejects', () => {
    const rejected: number[] = [];
    const tasks = normalizeList(
      [{ taskArn: 'a' }, null, { taskArn: '' }, 'x', { taskArn: 'b', lastStatus: 'RUNNING' }],
      normalizeTask,
      (_item, index) => rejected.push(index),
    );
    expect(tasks.map((task) => task.taskArn)).toEqual(['a', 'b']);
    expect(rejected).toEqual([1, 2, 3]);
  });

  it('gives an empty list for anything that is not an array', () => {
    expect(normalizeList(undefined, normalizeTask)).toEqual([]);
    expect(normalizeList({ 0: { taskArn: 'a' } }, normalizeTask)).toEqual([]);
  });

  it('survives a normaliser that throws', () => {
    const result = normalizeList([1, 2, 3], (item) => {
      if (item === 2) throw new Error('bad');
      return item as number;
    });
    expect(result).toEqual([1, 3]);
  });
});

describe('other entities', () => {
  it('normalises a cluster with statistics', () => {
    const cluster = normalizeCluster({
      clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/prod',
      clusterName: 'prod',
      status: 'ACTIVE',
      runningTasksCount: '12',
      statistics: [
        { name: 'RunningFargateTasksCount', value: '3' },
        { name: 'pendingEC2TasksCount', value: 2 },
      ],
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      capacityProviders: ['FARGATE', 7],
      defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: '1' }, { weight: 2 }],
    });
    expect(cluster?.runningTasksCount).toBe(12);
    expect(cluster && clusterStatistic(cluster, 'runningFargateTasksCount')).toBe(3);
    expect(cluster && clusterStatistic(cluster, 'pendingEC2TasksCount')).toBe(2);
    expect(cluster && clusterStatistic(cluster, 'missing')).toBeUndefined();
    expect(cluster?.capacityProviders).toEqual(['FARGATE', '7']);
    expect(cluster?.defaultCapacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE', weight: 1 }]);
  });

  it('normalises a container instance, flattening its health and lifting AZ and type', () => {
    const instance = normalizeContainerInstance({
      containerInstanceArn: 'arn:aws:ecs:us-east-1:1:container-instance/prod/abc',
      ec2InstanceId: 'i-0abc',
      status: 'DRAINING',
      agentConnected: 'false',
      registeredAt: T0 / 1000,
      registeredResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: '7680' },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', 2375] },
      ],
      remainingResources: [{ name: 'CPU', integerValue: 1024 }],
      attributes: [
        { name: 'ecs.availability-zone', value: 'us-east-1b' },
        { name: 'ecs.instance-type', value: 't3.large' },
      ],
      healthStatus: { overallStatus: 'IMPAIRED', details: [] },
      versionInfo: { agentVersion: '1.89.2', dockerVersion: 'DockerVersion: 25.0.8' },
      availabilityZone: 'spoofed',
    });
    expect(instance).toMatchObject({
      status: 'DRAINING',
      agentConnected: false,
      registeredAt: T0,
      healthStatus: 'IMPAIRED',
      availabilityZone: 'us-east-1b',
      instanceType: 't3.large',
      versionInfo: { agentVersion: '1.89.2', dockerVersion: 'DockerVersion: 25.0.8' },
    });
    expect(resourceValue(instance?.registeredResources, 'MEMORY')).toBe(7680);
    expect(resourceValue(instance?.remainingResources, 'CPU')).toBe(1024);
    expect(resourceValue(instance?.remainingResources, 'MEMORY')).toBeUndefined();
    expect(instance?.registeredResources?.[2]?.stringSetValue).toEqual(['22', '2375']);
  });

  it('takes a flat health string from an emulator and leaves AZ absent without attributes', () => {
    const instance = normalizeContainerInstance({ containerInstanceArn: 'ci', healthStatus: 'OK' });
    expect(instance).toEqual({ containerInstanceArn: 'ci', healthStatus: 'OK' });
  });

  it('normalises a service with deployments, events and task sets', () => {
    const service = normalizeService({
      serviceArn: 'arn:aws:ecs:us-east-1:1:service/prod/api',
      serviceName: 'api',
      desiredCount: 4,
      runningCount: '3',
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: true, rollback: 'true' },
      },
      deployments: [
        { id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 1, createdAt: new Date(T0) },
        { status: 'ACTIVE', runningCount: 2 },
        42,
      ],
      events: [{ id: 'e1', createdAt: new Date(T0), message: '(service api) has reached a steady state.' }, {}],
      taskSets: [{ taskSetArn: 'ts-1', scale: { value: '50', unit: 'PERCENT' }, computedDesiredCount: 2 }, { id: 'x' }],
      deploymentController: { type: 'ECS' },
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'DISABLED' } },
    });
    expect(service?.runningCount).toBe(3);
    expect(service?.deploymentConfiguration?.deploymentCircuitBreaker).toEqual({ enable: true, rollback: true });
    expect(service?.deployments).toHaveLength(2);
    expect(service?.deployments?.[0]).toMatchObject({ id: 'ecs-svc/2', failedTasks: 1, createdAt: T0 });
    expect(service?.events).toEqual([
      { id: 'e1', createdAt: T0, message: '(service api) has reached a steady state.' },
      {},
    ]);
    expect(service?.taskSets).toEqual([
      { taskSetArn: 'ts-1', scale: { value: 50, unit: 'PERCENT' }, computedDesiredCount: 2 },
    ]);
    expect(service?.networkConfiguration?.awsvpcConfiguration?.subnets).toEqual(['subnet-1']);
  });

  it('normalises a task definition summary', () => {
    const definition = normalizeTaskDefinition({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/web:3',
      family: 'web',
      revision: '3',
      cpu: 1024,
      memory: '2 GB',
      registeredAt: new Date(T0),
      containerDefinitions: [
        { name: 'web', image: 'nginx', essential: true, memory: '512', portMappings: [{ containerPort: 80 }] },
        { name: 'log', essential: false, healthCheck: { command: ['CMD', 'true'], retries: '3' } },
      ],
    });
    expect(definition).toMatchObject({ revision: 3, cpu: '1024', memory: '2 GB', registeredAt: T0 });
    expect(definition?.containerDefinitions?.[0]).toMatchObject({ memory: 512, portMappings: [{ containerPort: 80 }] });
    expect(definition?.containerDefinitions?.[1]?.healthCheck).toEqual({ command: ['CMD', 'true'], retries: 3 });
  });

  it('normalises failures, keeping what is there', () => {
    expect(normalizeFailure({ arn: 'arn:x', reason: 'MISSING' })).toEqual({ arn: 'arn:x', reason: 'MISSING' });
    expect(normalizeFailure({ reason: 'RESOURCE:CPU', detail: 7 })).toEqual({ reason: 'RESOURCE:CPU', detail: '7' });
    expect(normalizeFailure('MISSING')).toBeUndefined();
  });

  it('keys service events by id, or by time and message', () => {
    expect(serviceEventKey({ id: 'e1', createdAt: T0, message: 'm' })).toBe('e1');
    expect(serviceEventKey({ createdAt: T0, message: 'm' })).toBe(`${T0}:m`);
    expect(serviceEventKey({ createdAt: T0, message: 'm' })).not.toBe(serviceEventKey({ createdAt: T0, message: 'n' }));
  });
});
