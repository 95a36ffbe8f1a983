import { describe, expect, it } from 'vitest';
import { SimError } from '../../../src/sim/errors.ts';
import type { SimTask } from '../../../src/sim/model/types.ts';
import {
  AWSVPC,
  container,
  ec2Cluster,
  fargateCluster,
  fargateDefinition,
  newSim,
  type Sim,
  statusRecorder,
  step,
  stepUntil,
  taskDefinition,
} from './helpers.ts';

function runOne(sim: Sim, family: string, cluster = 'prod'): SimTask {
  const result = sim.model.runTask({ cluster, taskDefinition: family });
  expect(result.failures).toEqual([]);
  return result.tasks[0] as SimTask;
}

/** Step until STOPPED, recording statuses and checking `version` only ever grows. */
function followToStop(sim: Sim, task: SimTask, maxSeconds = 300) {
  const recorder = statusRecorder(task);
  let version = task.version;
  stepUntil(
    sim,
    () => task.lastStatus === 'STOPPED',
    maxSeconds,
    () => {
      expect(task.version).toBeGreaterThanOrEqual(version);
      version = task.version;
      recorder.sample();
    },
  );
  return recorder.seen;
}

function expectOrdered(...stamps: (number | undefined)[]) {
  for (const stamp of stamps) expect(stamp).toBeTypeOf('number');
  const values = stamps as number[];
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
}

describe('task lifecycle: timestamps per outcome', () => {
  it('a task that runs has every start stamp in order, containers RUNNING with runtime ids and digests', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web', undefined, {
      containerDefinitions: [container({ portMappings: [{ containerPort: 80, hostPort: 8080 }] })],
    });
    const task = runOne(sim, 'web');
    expect(task.lastStatus).toBe('PENDING');
    expect(task.desiredStatus).toBe('RUNNING');
    expect(task.createdAt).toBe(sim.model.now());
    expect(task.group).toBe('family:web');
    expect(task.cpu).toBe('256');
    expect(task.memory).toBe('512');
    stepUntil(sim, () => task.lastStatus === 'RUNNING', 60);
    expectOrdered(task.createdAt, task.pullStartedAt, task.pullStoppedAt, task.startedAt);
    expect(task.connectivity).toBe('CONNECTED');
    expect(task.connectivityAt).toBe(task.startedAt);
    const [main] = task.containers;
    expect(main?.lastStatus).toBe('RUNNING');
    expect(main?.runtimeId).toMatch(/^[0-9a-f]{64}$/);
    expect(main?.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(main?.exitCode).toBeUndefined();
    expect(main?.healthStatus).toBe('UNKNOWN');
    expect(task.healthStatus).toBe('UNKNOWN');
    expect(main?.networkBindings).toEqual([{ bindIP: '0.0.0.0', containerPort: 80, hostPort: 8080, protocol: 'tcp' }]);
    expect(task.stoppingAt).toBeUndefined();
    expect(task.stoppedAt).toBeUndefined();
  });

  it("'exits': the essential container exits 1, execution stops before stopping and stopped", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'job', { outcomes: [{ kind: 'exits', afterSeconds: 20, exitCode: 1 }], pullSeconds: 4 });
    const task = runOne(sim, 'job');
    const seen = followToStop(sim, task);
    expect(seen).toEqual(['PENDING', 'ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING', 'STOPPED']);
    expectOrdered(
      task.createdAt,
      task.pullStartedAt,
      task.pullStoppedAt,
      task.startedAt,
      task.executionStoppedAt,
      task.stoppingAt,
      task.stoppedAt,
    );
    expect((task.pullStoppedAt as number) - (task.pullStartedAt as number)).toBe(4000);
    expect((task.executionStoppedAt as number) - (task.startedAt as number)).toBe(20_000);
    expect(task.executionStoppedAt).toBeLessThan(task.stoppingAt as number);
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.desiredStatus).toBe('STOPPED');
    expect(task.containers[0]?.exitCode).toBe(1);
    expect(task.containers[0]?.lastStatus).toBe('STOPPED');
    expect(task.containers[0]?.reason).toBeUndefined();
  });

  it("'runs' with afterSeconds is a batch job that exits 0 by itself", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'batch', { outcomes: [{ kind: 'runs', afterSeconds: 30 }] });
    const task = runOne(sim, 'batch');
    followToStop(sim, task);
    expect(task.containers[0]?.exitCode).toBe(0);
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect((task.executionStoppedAt as number) - (task.startedAt as number)).toBe(30_000);
  });

  it("'oom': exit 137 with the OutOfMemoryError reason", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'leaky', { outcomes: [{ kind: 'oom', afterSeconds: 15, afterSecondsMax: 25 }] });
    const task = runOne(sim, 'leaky');
    followToStop(sim, task);
    const ran = (task.executionStoppedAt as number) - (task.startedAt as number);
    expect(ran).toBeGreaterThanOrEqual(15_000);
    expect(ran).toBeLessThanOrEqual(25_000);
    expect(task.containers[0]?.exitCode).toBe(137);
    expect(task.containers[0]?.reason).toBe('OutOfMemoryError: Container killed due to memory usage');
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expectOrdered(task.startedAt, task.executionStoppedAt, task.stoppingAt, task.stoppedAt);
  });

  it("'pull-error': TaskFailedToStart with CannotPullContainerError, pull stamps but no startedAt", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(
      sim,
      'typo',
      { outcomes: [{ kind: 'pull-error' }] },
      {
        containerDefinitions: [container({ image: 'example/app:does-not-exist' })],
      },
    );
    const task = runOne(sim, 'typo');
    const seen = followToStop(sim, task);
    expect(seen).not.toContain('RUNNING');
    expect(task.startedAt).toBeUndefined();
    expect(task.connectivityAt).toBeUndefined();
    expectOrdered(
      task.createdAt,
      task.pullStartedAt,
      task.pullStoppedAt,
      task.executionStoppedAt,
      task.stoppingAt,
      task.stoppedAt,
    );
    expect(task.stopCode).toBe('TaskFailedToStart');
    const reason =
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/example/app:does-not-exist: not found';
    expect(task.stoppedReason).toBe(reason);
    expect(task.containers[0]?.reason).toBe(reason);
    expect(task.containers[0]?.exitCode).toBeUndefined();
    expect(task.containers[0]?.runtimeId).toBeUndefined();
  });

  it("'resource-init-error' on Fargate: fails in provisioning, no pull stamps, ENI created and deleted", () => {
    const sim = newSim();
    fargateCluster(sim);
    fargateDefinition(sim, 'secrets', { outcomes: [{ kind: 'resource-init-error' }] });
    const result = sim.model.runTask({
      cluster: 'batch',
      taskDefinition: 'secrets',
      launchType: 'FARGATE',
      networkConfiguration: AWSVPC,
    });
    const task = result.tasks[0] as SimTask;
    expect(task.lastStatus).toBe('PROVISIONING');
    expect(task.attachments[0]?.status).toBe('PRECREATED');
    const seen = followToStop(sim, task);
    expect(seen[0]).toBe('PROVISIONING');
    expect(seen).not.toContain('ACTIVATING');
    expect(seen).not.toContain('RUNNING');
    expect(seen).toContain('DEPROVISIONING');
    expect(task.pullStartedAt).toBeUndefined();
    expect(task.pullStoppedAt).toBeUndefined();
    expect(task.startedAt).toBeUndefined();
    expectOrdered(task.createdAt, task.executionStoppedAt, task.stoppingAt, task.stoppedAt);
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.stoppedReason).toMatch(
      /^ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time\(s\): failed to fetch secret /,
    );
    expect(task.attachments[0]?.status).toBe('DELETED');
  });

  it('an awsvpc Fargate task goes through PROVISIONING and DEPROVISIONING with its ENI details', () => {
    const sim = newSim();
    fargateCluster(sim);
    fargateDefinition(sim, 'api', { outcomes: [{ kind: 'exits', afterSeconds: 10, exitCode: 0 }] });
    const task = sim.model.runTask({
      cluster: 'batch',
      taskDefinition: 'api',
      launchType: 'FARGATE',
      networkConfiguration: AWSVPC,
    }).tasks[0] as SimTask;
    expect(task.launchType).toBe('FARGATE');
    expect(task.platformVersion).toBe('1.4.0');
    expect(task.platformFamily).toBe('Linux');
    expect(task.containerInstanceArn).toBeUndefined();
    const attachment = task.attachments[0];
    expect(attachment?.type).toBe('ElasticNetworkInterface');
    expect(attachment?.id).toMatch(/^[0-9a-f-]{36}$/);
    const details = Object.fromEntries(attachment?.details.map((d) => [d.name, d.value]) ?? []);
    expect(['subnet-aaa', 'subnet-bbb']).toContain(details.subnetId);
    expect(task.availabilityZone).toBe(details.subnetId === 'subnet-aaa' ? 'us-east-1a' : 'us-east-1b');
    expect(details.networkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(details.macAddress).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(details.privateIPv4Address).toMatch(/^10\.0\.\d+\.\d+$/);
    expect(details.privateDnsName).toBe(`ip-${details.privateIPv4Address?.replaceAll('.', '-')}.ec2.internal`);
    expect(task.containers[0]?.networkInterfaces).toEqual([
      { attachmentId: attachment?.id, privateIpv4Address: details.privateIPv4Address },
    ]);
    const seen = followToStop(sim, task);
    expect(seen).toEqual([
      'PROVISIONING',
      'PENDING',
      'ACTIVATING',
      'RUNNING',
      'DEACTIVATING',
      'STOPPING',
      'DEPROVISIONING',
      'STOPPED',
    ]);
    expect(attachment?.status).toBe('DELETED');
  });

  it("'unhealthy': a standalone task keeps running with UNHEALTHY health", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(
      sim,
      'sick',
      { outcomes: [{ kind: 'unhealthy', afterSeconds: 30 }] },
      {
        containerDefinitions: [container({ healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'] } })],
      },
    );
    const task = runOne(sim, 'sick');
    stepUntil(sim, () => task.healthStatus === 'HEALTHY', 60);
    expect(task.containers[0]?.healthStatus).toBe('HEALTHY');
    stepUntil(sim, () => task.healthStatus === 'UNHEALTHY', 60);
    expect(task.containers[0]?.healthStatus).toBe('UNHEALTHY');
    step(sim, 120);
    expect(task.lastStatus).toBe('RUNNING');
    expect(task.desiredStatus).toBe('RUNNING');
  });

  it("'unhealthy': a service task is stopped by the scheduler for failed health checks and replaced", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(
      sim,
      'sick',
      { outcomes: [{ kind: 'unhealthy', afterSeconds: 30 }] },
      {
        containerDefinitions: [container({ healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'] } })],
      },
    );
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'sick',
      taskDefinition: 'sick',
      desiredCount: 1,
    });
    step(sim, 1);
    const first = [...sim.model.tasksOfService(service)][0] as SimTask;
    stepUntil(sim, () => first.desiredStatus === 'STOPPED', 120);
    expect(first.healthStatus).toBe('UNHEALTHY');
    expect(first.stopCode).toBe('ServiceSchedulerInitiated');
    expect(first.stoppedReason).toBe('Task failed container health checks');
    expect(service.events.map((e) => e.message)).toContain(
      `(service sick) (task ${first.id}) failed container health checks.`,
    );
    followToStop(sim, first);
    expectOrdered(first.startedAt, first.stoppingAt, first.executionStoppedAt, first.stoppedAt);
    const replacements = [...sim.model.tasksOfService(service)].filter((t) => t !== first);
    expect(replacements.length).toBeGreaterThanOrEqual(1);
    expect(service.deployments[0]?.failedTasks).toBeGreaterThanOrEqual(1);
  });

  it('a Spot interruption of a Fargate Spot task: SpotInterruption with its reason', () => {
    const sim = newSim();
    fargateCluster(sim);
    fargateDefinition(sim, 'cheap');
    const task = sim.model.runTask({
      cluster: 'batch',
      taskDefinition: 'cheap',
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      networkConfiguration: AWSVPC,
    }).tasks[0] as SimTask;
    expect(task.capacityProviderName).toBe('FARGATE_SPOT');
    expect(task.launchType).toBe('FARGATE');
    stepUntil(sim, () => task.lastStatus === 'RUNNING', 60);
    sim.model.interruptSpot('batch', task.id);
    expect(task.desiredStatus).toBe('STOPPED');
    followToStop(sim, task);
    expect(task.stopCode).toBe('SpotInterruption');
    expect(task.stoppedReason).toBe('Your Spot Task was interrupted.');
    expectOrdered(task.startedAt, task.stoppingAt, task.executionStoppedAt, task.stoppedAt);
  });

  it('a Spot interruption of a spot instance drains it and stops every task on it', () => {
    const sim = newSim();
    sim.model.createCluster({ clusterName: 'prod' });
    const spot = sim.model.registerContainerInstance({ cluster: 'prod', cpu: 2048, memory: 4096, lifecycle: 'spot' });
    taskDefinition(sim, 'web');
    const tasks = sim.model.runTask({ cluster: 'prod', taskDefinition: 'web', count: 2 }).tasks;
    stepUntil(sim, () => tasks.every((t) => t.lastStatus === 'RUNNING'), 60);
    sim.model.interruptSpot('prod', spot.arn);
    expect(spot.status).toBe('DRAINING');
    for (const task of tasks) followToStop(sim, task);
    for (const task of tasks) {
      expect(task.stopCode).toBe('SpotInterruption');
      expect(task.stoppedReason).toBe('Your Spot Task was interrupted.');
    }
    expect(() => sim.model.interruptSpot('prod', 'no-such-thing')).toThrow(SimError);
  });
});

describe('StopTask', () => {
  function runningTask(sim: Sim, family: string) {
    const task = runOne(sim, family);
    stepUntil(sim, () => task.lastStatus === 'RUNNING', 60);
    return task;
  }

  it('ignores SIGTERM by default: SIGKILL (137) after 30 s, then STOPPED; UserInitiated with the reason', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web');
    const task = runningTask(sim, 'web');
    const before = task.version;
    const returned = sim.model.stopTask('prod', task.arn, 'stopped from ecsdeck by alice');
    expect(returned).toBe(task);
    expect(task.desiredStatus).toBe('STOPPED');
    expect(task.lastStatus).toBe('RUNNING');
    expect(task.version).toBeGreaterThan(before);
    expect(task.stopCode).toBe('UserInitiated');
    expect(task.stoppedReason).toBe('stopped from ecsdeck by alice');
    const stopRequested = sim.model.now();
    followToStop(sim, task);
    expect((task.executionStoppedAt as number) - (task.stoppingAt as number)).toBe(30_000);
    expect(task.stoppedAt as number).toBeGreaterThan(stopRequested + 30_000);
    expect(task.containers[0]?.exitCode).toBe(137);
    expectOrdered(task.startedAt, task.stoppingAt, task.executionStoppedAt, task.stoppedAt);
  });

  it("a container's stopTimeout of 10 s shortens the wait", () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'quick', undefined, { containerDefinitions: [container({ stopTimeout: 10 })] });
    const task = runningTask(sim, 'quick');
    sim.model.stopTask('prod', task.id);
    expect(task.stoppedReason).toBe('Task stopped by user');
    followToStop(sim, task);
    expect((task.executionStoppedAt as number) - (task.stoppingAt as number)).toBe(10_000);
    expect(task.containers[0]?.exitCode).toBe(137);
  });

  it('a container that handles SIGTERM leaves after gracefulStopSeconds with its exit code', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'polite', { outcomes: [{ kind: 'runs' }], gracefulStopSeconds: 2, gracefulExitCode: 143 });
    const task = runningTask(sim, 'polite');
    sim.model.stopTask('prod', task.id);
    const requested = sim.model.now();
    followToStop(sim, task, 20);
    expect((task.executionStoppedAt as number) - (task.stoppingAt as number)).toBe(2000);
    expect(task.containers[0]?.exitCode).toBe(143);
    expect((task.stoppedAt as number) - requested).toBeLessThan(10_000);
  });

  it('a task stopped before RUNNING stops at once and never pulls or starts', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web');
    const task = runOne(sim, 'web');
    expect(task.lastStatus).toBe('PENDING');
    sim.model.stopTask('prod', task.id, 'changed my mind');
    expect(task.lastStatus).toBe('STOPPING');
    followToStop(sim, task, 5);
    expect(task.pullStartedAt).toBeUndefined();
    expect(task.startedAt).toBeUndefined();
    expect(task.stoppingAt).toBe(task.createdAt);
    step(sim, 60);
    expect(task.startedAt).toBeUndefined();
    expect(task.lastStatus).toBe('STOPPED');
  });

  it('stopping a STOPPED task returns it unchanged; unknown tasks and clusters are errors', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web');
    const task = runningTask(sim, 'web');
    sim.model.stopTask('prod', task.id, 'first');
    followToStop(sim, task);
    const snapshot = JSON.stringify(task);
    sim.model.stopTask('prod', task.id, 'second');
    expect(JSON.stringify(task)).toBe(snapshot);
    expect(task.stoppedReason).toBe('first');
    expect(() => sim.model.stopTask('prod', 'f'.repeat(32))).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException', message: 'The referenced task was not found.' }),
    );
    expect(() => sim.model.stopTask('nope', task.id)).toThrowError(
      expect.objectContaining({ type: 'ClusterNotFoundException' }),
    );
  });

  it('resources are held until STOPPED, then released; STOPPED tasks are forgotten after an hour', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a']);
    const instance = instances[0];
    if (!instance) throw new Error('no instance');
    taskDefinition(sim, 'web', undefined, {
      containerDefinitions: [
        container({ cpu: 512, memory: 1024, portMappings: [{ containerPort: 80, hostPort: 80 }] }),
      ],
    });
    const task = runningTask(sim, 'web');
    expect(sim.model.remainingResources(instance)).toEqual({
      cpu: 2048 - 512,
      memory: 4096 - 1024,
      ports: ['22', '80', '2375', '2376', '51678', '51679'],
    });
    expect(sim.model.instanceTaskCounts(instance)).toEqual({ running: 1, pending: 0 });
    sim.model.stopTask('prod', task.id);
    step(sim, 20);
    expect(sim.model.remainingResources(instance).memory).toBe(4096 - 1024);
    expect(sim.model.instanceTaskCounts(instance)).toEqual({ running: 0, pending: 0 });
    followToStop(sim, task);
    expect(sim.model.remainingResources(instance)).toEqual({
      cpu: 2048,
      memory: 4096,
      ports: ['22', '2375', '2376', '51678', '51679'],
    });
    const stoppedAt = task.stoppedAt as number;
    sim.clock.set(stoppedAt + 3600_000 - 1000);
    sim.model.advance();
    expect(sim.model.findTask(sim.model.requireCluster('prod'), task.id)).toBe(task);
    step(sim, 2);
    expect(sim.model.findTask(sim.model.requireCluster('prod'), task.id)).toBeUndefined();
    expect(sim.model.state.tasks.has(task.arn)).toBe(false);
    expect([...sim.model.tasksOfInstance(instance)]).toEqual([]);
  });
});
