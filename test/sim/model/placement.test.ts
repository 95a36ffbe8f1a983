import { describe, expect, it } from 'vitest';
import type { SimTask } from '../../../src/sim/model/types.ts';
import {
  AWSVPC,
  container,
  ec2Cluster,
  fargateCluster,
  fargateDefinition,
  newSim,
  serviceTasks,
  step,
  stepUntil,
  taskDefinition,
} from './helpers.ts';

describe('placement on container instances', () => {
  it('binpack memory puts the task on the instance with the least memory left', () => {
    const sim = newSim();
    sim.model.createCluster({ clusterName: 'prod' });
    const roomy = sim.model.registerContainerInstance({ cluster: 'prod', cpu: 4096, memory: 16_384 });
    const tight = sim.model.registerContainerInstance({ cluster: 'prod', cpu: 4096, memory: 2048 });
    taskDefinition(sim, 'web');
    const binpacked = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 3,
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    }).tasks;
    expect(binpacked.map((t) => t.containerInstanceArn)).toEqual([tight.arn, tight.arn, tight.arn]);
    // The fourth 512 MiB task no longer fits on the tight one (2048 - 3 * 512 = 512 left: it does), the fifth does not.
    const more = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 2,
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    }).tasks;
    expect(more.map((t) => t.containerInstanceArn)).toEqual([tight.arn, roomy.arn]);
  });

  it('spread by zone then instance balances a service, and spread alone balances RunTask groups', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c'], 8192, 32_768);
    // A second instance in zone a: zone spread must still give each zone two of six tasks.
    const extra = sim.model.registerContainerInstance({
      cluster: 'prod',
      cpu: 8192,
      memory: 32_768,
      availabilityZone: 'us-east-1a',
    });
    taskDefinition(sim, 'web');
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 6,
    });
    step(sim, 1);
    const tasks = serviceTasks(sim, service);
    const perZone = new Map<string, number>();
    for (const task of tasks)
      perZone.set(task.availabilityZone ?? '', (perZone.get(task.availabilityZone ?? '') ?? 0) + 1);
    expect(Object.fromEntries(perZone)).toEqual({ 'us-east-1a': 2, 'us-east-1b': 2, 'us-east-1c': 2 });
    const inZoneA = tasks.filter((t) => t.availabilityZone === 'us-east-1a').map((t) => t.containerInstanceArn);
    expect(new Set(inZoneA)).toEqual(new Set([instances[0]?.arn, extra.arn]));

    const spread = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 4,
      group: 'batch',
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    }).tasks;
    expect(new Set(spread.map((t) => t.containerInstanceArn)).size).toBe(4);
    expect(spread[0]?.group).toBe('batch');
  });

  it('constraints: memberOf instance type and zone lists, distinctInstance', () => {
    const sim = newSim();
    sim.model.createCluster({ clusterName: 'prod' });
    const large = sim.model.registerContainerInstance({
      cluster: 'prod',
      cpu: 2048,
      memory: 8192,
      instanceType: 'm5.large',
      availabilityZone: 'us-east-1a',
    });
    const xlarge = sim.model.registerContainerInstance({
      cluster: 'prod',
      cpu: 4096,
      memory: 16_384,
      instanceType: 'm5.xlarge',
      availabilityZone: 'us-east-1b',
    });
    taskDefinition(sim, 'web');
    const typed = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 3,
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type == m5.xlarge' }],
    }).tasks;
    expect(typed.every((t) => t.containerInstanceArn === xlarge.arn)).toBe(true);
    const zoned = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 2,
      placementConstraints: [
        { type: 'memberOf', expression: 'attribute:ecs.availability-zone in [us-east-1a, us-east-1c]' },
      ],
    }).tasks;
    expect(zoned.every((t) => t.containerInstanceArn === large.arn)).toBe(true);
    const distinct = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 3,
      group: 'one-each',
      placementConstraints: [{ type: 'distinctInstance' }],
    });
    expect(distinct.tasks).toHaveLength(2);
    expect(new Set(distinct.tasks.map((t) => t.containerInstanceArn)).size).toBe(2);
    expect(distinct.failures).toEqual([{ arn: large.arn, reason: 'ATTRIBUTE' }]);
    expect(large.attributes).toEqual(
      expect.arrayContaining([
        { name: 'ecs.instance-type', value: 'm5.large' },
        { name: 'ecs.availability-zone', value: 'us-east-1a' },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'ecs.cpu-architecture', value: 'x86_64' },
      ]),
    );
    expect(large.attributes.find((a) => a.name === 'ecs.ami-id')?.value).toMatch(/^ami-[0-9a-f]{17}$/);
  });

  it('RESOURCE:MEMORY, RESOURCE:CPU and RESOURCE:PORTS failures name the closest instance', () => {
    const sim = newSim();
    sim.model.createCluster({ clusterName: 'prod' });
    const small = sim.model.registerContainerInstance({ cluster: 'prod', cpu: 1024, memory: 1024 });
    const big = sim.model.registerContainerInstance({ cluster: 'prod', cpu: 1024, memory: 4096 });
    taskDefinition(sim, 'hungry', undefined, { containerDefinitions: [container({ cpu: 256, memory: 8192 })] });
    taskDefinition(sim, 'busy', undefined, { containerDefinitions: [container({ cpu: 4096, memory: 256 })] });
    taskDefinition(sim, 'port', undefined, {
      containerDefinitions: [container({ cpu: 128, memory: 128, portMappings: [{ containerPort: 80, hostPort: 80 }] })],
    });
    taskDefinition(sim, 'ssh', undefined, {
      containerDefinitions: [container({ cpu: 128, memory: 128, portMappings: [{ containerPort: 22, hostPort: 22 }] })],
    });

    const memory = sim.model.runTask({ cluster: 'prod', taskDefinition: 'hungry', count: 2 });
    expect(memory.tasks).toEqual([]);
    expect(memory.failures).toEqual([
      { arn: big.arn, reason: 'RESOURCE:MEMORY' },
      { arn: big.arn, reason: 'RESOURCE:MEMORY' },
    ]);
    expect(sim.model.runTask({ cluster: 'prod', taskDefinition: 'busy' }).failures[0]?.reason).toBe('RESOURCE:CPU');

    const ports = sim.model.runTask({ cluster: 'prod', taskDefinition: 'port', count: 3 });
    expect(ports.tasks).toHaveLength(2);
    expect(new Set(ports.tasks.map((t) => t.containerInstanceArn))).toEqual(new Set([small.arn, big.arn]));
    expect(ports.failures).toHaveLength(1);
    expect(ports.failures[0]?.reason).toBe('RESOURCE:PORTS');
    // Port 22 is reserved by the agent on every instance.
    expect(sim.model.runTask({ cluster: 'prod', taskDefinition: 'ssh' }).failures[0]?.reason).toBe('RESOURCE:PORTS');
    expect(sim.model.remainingResources(small).ports).toEqual(['22', '80', '2375', '2376', '51678', '51679']);
  });

  it('an EC2 launch into a cluster without ACTIVE instances is an InvalidParameterException', () => {
    const sim = newSim();
    sim.model.createCluster({ clusterName: 'empty' });
    taskDefinition(sim, 'web');
    expect(() => sim.model.runTask({ cluster: 'empty', taskDefinition: 'web' })).toThrowError(
      expect.objectContaining({
        type: 'InvalidParameterException',
        message: 'No Container Instances were found in your cluster.',
      }),
    );
    expect(() => sim.model.runTask({ cluster: 'empty', taskDefinition: 'nope' })).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    expect(() =>
      sim.model.runTask({
        cluster: 'empty',
        taskDefinition: 'web',
        launchType: 'EC2',
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE' }],
      }),
    ).toThrowError(expect.objectContaining({ type: 'InvalidParameterException' }));
    const service = sim.model.createService({
      cluster: 'empty',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
    });
    step(sim, 1);
    expect(service.events[0]?.message).toMatch(
      /^\(service web\) was unable to place a task because no container instance met all of its requirements\. Reason: No Container Instances were found in your cluster\./,
    );
    // At most one such event a minute, and the task is placed once capacity arrives.
    step(sim, 50);
    expect(service.events.filter((e) => e.message.includes('unable to place'))).toHaveLength(1);
    sim.model.registerContainerInstance({ cluster: 'empty', cpu: 1024, memory: 2048 });
    stepUntil(sim, () => service.runningCount === 1, 60);
  });

  it('a service short of memory writes the closest-instance event', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a'], 4096, 1024);
    taskDefinition(sim, 'api');
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'api',
      desiredCount: 3,
    });
    step(sim, 1);
    expect(service.pendingCount).toBe(2);
    expect(service.events[0]?.message).toBe(
      `(service api) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${instances[0]?.id}) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
    );
  });

  it('StartTask: one task per listed instance, MISSING / DRAINING / AGENT / RESOURCE failures, overrides', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1a'], 1024, 2048);
    const [ok, draining, offline, full] = instances;
    if (!ok || !draining || !offline || !full) throw new Error('instances missing');
    taskDefinition(sim, 'job');
    sim.model.updateContainerInstancesState('prod', [draining.id], 'DRAINING');
    sim.model.setAgentConnected('prod', offline.id, false);
    sim.model.startTask({
      cluster: 'prod',
      taskDefinition: 'job',
      containerInstances: [full.id],
      overrides: { memory: '2048' },
    });
    const missing = 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/0123456789abcdef0123456789abcdef';
    const result = sim.model.startTask({
      cluster: 'prod',
      taskDefinition: 'job',
      containerInstances: [ok.arn, missing, draining.id, offline.id, full.id],
      overrides: {
        containerOverrides: [
          { name: 'app', command: ['run', '--fast'], environment: [{ key: 'MODE', value: 'x' }], memory: 700 },
        ],
        cpu: '512',
      },
      startedBy: 'ecsdeck',
      group: 'reruns',
    });
    expect(result.tasks).toHaveLength(1);
    const task = result.tasks[0] as SimTask;
    expect(task.containerInstanceArn).toBe(ok.arn);
    expect(task.cpu).toBe('512');
    expect(task.memory).toBe('700');
    expect(task.containers[0]?.memory).toBe('700');
    expect(task.overrides.containerOverrides[0]?.command).toEqual(['run', '--fast']);
    expect(task.startedBy).toBe('ecsdeck');
    expect(task.group).toBe('reruns');
    expect(result.failures).toEqual([
      { arn: missing, reason: 'MISSING' },
      { arn: draining.arn, reason: 'DRAINING' },
      { arn: offline.arn, reason: 'AGENT' },
      { arn: full.arn, reason: 'RESOURCE:MEMORY' },
    ]);
  });

  it('DAEMON services place on every instance that fits', () => {
    const sim = newSim();
    ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b'], 1024, 1024);
    sim.model.registerContainerInstance({ cluster: 'prod', cpu: 64, memory: 64 });
    taskDefinition(sim, 'agent');
    const daemon = sim.model.createService({
      cluster: 'prod',
      serviceName: 'agent',
      taskDefinition: 'agent',
      schedulingStrategy: 'DAEMON',
    });
    stepUntil(sim, () => daemon.runningCount === 2, 60);
    expect(daemon.desiredCount).toBe(2);
    expect(daemon.deployments[0]?.rolloutState).toBe('COMPLETED');
  });

  it('EC2 and EXTERNAL stay apart: each launch type on its own kind of instance, DAEMON services too', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b']);
    const external = sim.model.registerContainerInstance({
      cluster: 'prod',
      cpu: 4096,
      memory: 8192,
      attributes: [{ name: 'ecs.capability.external' }],
    });
    taskDefinition(sim, 'agent');
    const ec2Daemon = sim.model.createService({
      cluster: 'prod',
      serviceName: 'agent',
      taskDefinition: 'agent',
      schedulingStrategy: 'DAEMON',
    });
    const externalDaemon = sim.model.createService({
      cluster: 'prod',
      serviceName: 'edge-agent',
      taskDefinition: 'agent',
      launchType: 'EXTERNAL',
      schedulingStrategy: 'DAEMON',
    });
    stepUntil(sim, () => ec2Daemon.runningCount === 2 && externalDaemon.runningCount === 1, 60);
    step(sim, 30);
    expect(ec2Daemon.desiredCount).toBe(2);
    expect(externalDaemon.desiredCount).toBe(1);
    const ec2Arns = instances.map((i) => i.arn);
    for (const task of serviceTasks(sim, ec2Daemon)) {
      expect(task.launchType).toBe('EC2');
      expect(ec2Arns).toContain(task.containerInstanceArn);
    }
    expect(serviceTasks(sim, externalDaemon).map((t) => [t.launchType, t.containerInstanceArn])).toEqual([
      ['EXTERNAL', external.arn],
    ]);
    // StartTask takes the launch type of the instance it names.
    const started = sim.model.startTask({
      cluster: 'prod',
      taskDefinition: 'agent',
      containerInstances: [external.id],
    });
    expect(started.tasks[0]?.launchType).toBe('EXTERNAL');
  });
});

describe('Fargate', () => {
  it('needs awsvpc, a task-level size and subnets; LATEST means 1.4.0', () => {
    const sim = newSim();
    fargateCluster(sim);
    taskDefinition(sim, 'bridge');
    fargateDefinition(sim, 'job');
    expect(() => sim.model.runTask({ cluster: 'batch', taskDefinition: 'bridge', launchType: 'FARGATE' })).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    expect(() => sim.model.runTask({ cluster: 'batch', taskDefinition: 'job', launchType: 'FARGATE' })).toThrowError(
      expect.objectContaining({
        type: 'InvalidParameterException',
        message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
      }),
    );
    const task = sim.model.runTask({
      cluster: 'batch',
      taskDefinition: 'job',
      launchType: 'FARGATE',
      platformVersion: 'LATEST',
      networkConfiguration: AWSVPC,
    }).tasks[0];
    expect(task?.platformVersion).toBe('1.4.0');
    expect(task?.cpu).toBe('256');
    expect(task?.memory).toBe('512');
  });

  it('beyond fargateCapacity the launch fails with the capacity reason', () => {
    const sim = newSim();
    fargateCluster(sim, 'batch', 2);
    fargateDefinition(sim, 'job', { outcomes: [{ kind: 'runs', afterSeconds: 30 }] });
    const run = () =>
      sim.model.runTask({
        cluster: 'batch',
        taskDefinition: 'job',
        count: 3,
        launchType: 'FARGATE',
        networkConfiguration: AWSVPC,
      });
    const first = run();
    expect(first.tasks).toHaveLength(2);
    expect(first.failures).toEqual([
      { reason: 'Capacity is unavailable at this time. Please try again later or in a different availability zone' },
    ]);
    expect(sim.model.clusterCounts(sim.model.requireCluster('batch'))).toMatchObject({
      pendingTasksCount: 2,
      pendingFargateTasksCount: 2,
      pendingEC2TasksCount: 0,
    });
    stepUntil(sim, () => first.tasks.every((t) => t.lastStatus === 'STOPPED'), 120);
    expect(run().tasks).toHaveLength(2);
  });

  it('a cluster default capacity provider strategy splits tasks by base and weight', () => {
    const sim = newSim();
    sim.model.createCluster({
      clusterName: 'mixed',
      capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
      defaultCapacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      ],
    });
    fargateDefinition(sim, 'job');
    const tasks = sim.model.runTask({
      cluster: 'mixed',
      taskDefinition: 'job',
      count: 9,
      networkConfiguration: AWSVPC,
    }).tasks;
    const providers = tasks.map((t) => t.capacityProviderName);
    expect(providers.filter((p) => p === 'FARGATE')).toHaveLength(3);
    expect(providers.filter((p) => p === 'FARGATE_SPOT')).toHaveLength(6);
    expect(tasks.every((t) => t.launchType === 'FARGATE')).toBe(true);
  });
});

describe('cluster figures', () => {
  it('counts instances, tasks by status and launch type, and services', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim);
    taskDefinition(sim, 'web');
    sim.model.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 2 });
    sim.model.updateContainerInstancesState('prod', [instances[2]?.id ?? ''], 'DRAINING');
    sim.model.registerContainerInstance({ cluster: 'prod', cpu: 1024, memory: 1024, status: 'REGISTRATION_FAILED' });
    step(sim, 1);
    const cluster = sim.model.requireCluster('prod');
    expect(sim.model.clusterCounts(cluster)).toEqual({
      registeredContainerInstancesCount: 3,
      runningTasksCount: 0,
      pendingTasksCount: 2,
      activeServicesCount: 1,
      runningEC2TasksCount: 0,
      runningFargateTasksCount: 0,
      pendingEC2TasksCount: 2,
      pendingFargateTasksCount: 0,
      activeEC2ServiceCount: 1,
      activeFargateServiceCount: 0,
      drainingEC2ServiceCount: 0,
      drainingFargateServiceCount: 0,
    });
    step(sim, 30);
    expect(sim.model.clusterCounts(cluster)).toMatchObject({
      runningTasksCount: 2,
      pendingTasksCount: 0,
      runningEC2TasksCount: 2,
    });
  });
});
