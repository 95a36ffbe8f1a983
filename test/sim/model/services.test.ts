import { describe, expect, it } from 'vitest';
import type { SimService, SimTask } from '../../../src/sim/model/types.ts';
import {
  activeTasks,
  container,
  ec2Cluster,
  newSim,
  type Sim,
  serviceTasks,
  step,
  stepUntil,
  taskDefinition,
} from './helpers.ts';

const messages = (service: SimService) => service.events.map((e) => e.message);

function isSteady(service: SimService): boolean {
  return (
    service.deployments.length === 1 &&
    service.deployments[0]?.rolloutState === 'COMPLETED' &&
    service.runningCount === service.desiredCount &&
    service.pendingCount === 0
  );
}

/** A steady 4-task web service on three large instances. */
function steadyService(
  sim: Sim,
  minimumHealthyPercent: number,
  maximumPercent: number,
  loadBalanced = false,
): SimService {
  ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c'], 4096, 16_384);
  taskDefinition(sim, 'web');
  taskDefinition(sim, 'web', undefined, { containerDefinitions: [container({ image: 'example/app:2' })] });
  const service = sim.model.createService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: 'web:1',
    desiredCount: 4,
    deploymentConfiguration: { minimumHealthyPercent, maximumPercent },
    ...(loadBalanced
      ? {
          loadBalancers: [
            {
              targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc',
              containerName: 'app',
              containerPort: 80,
            },
          ],
        }
      : {}),
  });
  stepUntil(sim, () => isSteady(service), 120);
  return service;
}

describe('service creation and steady state', () => {
  it('starts desiredCount tasks spread over the zones, completes the deployment, reports a steady state once', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web');
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 3,
    });
    expect(service.arn).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/web');
    expect(service.deploymentConfiguration).toEqual({
      maximumPercent: 200,
      minimumHealthyPercent: 100,
      deploymentCircuitBreaker: { enable: false, rollback: false },
    });
    expect(service.deploymentController).toEqual({ type: 'ECS' });
    expect(service.schedulingStrategy).toBe('REPLICA');
    const primary = service.deployments[0];
    expect(primary?.status).toBe('PRIMARY');
    expect(primary?.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(primary?.rolloutState).toBe('IN_PROGRESS');
    expect(primary?.rolloutStateReason).toBe(`ECS deployment ${primary?.id} in progress.`);

    step(sim, 1);
    const tasks = serviceTasks(sim, service);
    expect(tasks).toHaveLength(3);
    expect(service.pendingCount).toBe(3);
    expect(primary?.pendingCount).toBe(3);
    for (const task of tasks) {
      expect(task.group).toBe('service:web');
      expect(task.startedBy).toBe(primary?.id);
    }
    expect(new Set(tasks.map((t) => t.availabilityZone)).size).toBe(3);
    expect(messages(service)[0]).toBe(
      `(service web) has started 3 tasks: ${tasks.map((t) => `(task ${t.id})`).join(' ')}.`,
    );

    stepUntil(sim, () => isSteady(service), 60);
    expect(primary?.runningCount).toBe(3);
    expect(primary?.rolloutStateReason).toBe(`ECS deployment ${primary?.id} completed.`);
    expect(service.sim.lastCompletedTaskDefinitionArn).toBe(primary?.taskDefinitionArn);
    expect(messages(service).slice(0, 2)).toEqual([
      '(service web) has reached a steady state.',
      `(service web) (deployment ${primary?.id}) deployment completed.`,
    ]);
    const eventsAtSteady = service.events.length;
    step(sim, 3600);
    expect(service.events.length).toBe(eventsAtSteady);
    step(sim, 5 * 3600 + 30);
    expect(service.events.length).toBe(eventsAtSteady + 1);
    expect(messages(service)[0]).toBe('(service web) has reached a steady state.');
  });

  it('startSteadySeconds places RUNNING tasks with past stamps and a COMPLETED deployment at once', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web');
    const now = sim.model.now();
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 5,
      startSteadySeconds: 3600,
    });
    const tasks = serviceTasks(sim, service);
    expect(tasks).toHaveLength(5);
    for (const task of tasks) {
      expect(task.lastStatus).toBe('RUNNING');
      expect(task.startedAt).toBeLessThanOrEqual(now);
      expect(task.startedAt).toBeGreaterThanOrEqual(now - 3600_000);
      expect(task.createdAt).toBeLessThan(task.pullStartedAt as number);
      expect(task.pullStoppedAt).toBeLessThan(task.startedAt as number);
    }
    expect(service.runningCount).toBe(5);
    expect(service.deployments[0]?.rolloutState).toBe('COMPLETED');
    expect(messages(service)[0]).toBe('(service web) has reached a steady state.');
    const scheduled = sim.model.scheduledActionCount;
    step(sim, 600);
    expect(sim.model.scheduledActionCount).toBeLessThanOrEqual(scheduled);
  });

  it('rejects a second ACTIVE service of the same name and unknown services or task definitions', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'web');
    sim.model.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 1 });
    expect(() => sim.model.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web' })).toThrowError(
      expect.objectContaining({
        type: 'InvalidParameterException',
        message: 'Creation of service was not idempotent.',
      }),
    );
    expect(() => sim.model.createService({ cluster: 'gone', serviceName: 'x', taskDefinition: 'web' })).toThrowError(
      expect.objectContaining({ type: 'ClusterNotFoundException' }),
    );
    expect(() => sim.model.updateService({ cluster: 'prod', service: 'nope', desiredCount: 1 })).toThrowError(
      expect.objectContaining({ type: 'ServiceNotFoundException' }),
    );
    expect(() => sim.model.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'nope' })).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    expect(() => sim.model.updateService({ cluster: 'prod', service: 'web', desiredCount: -1 })).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
  });

  it('scales out and in; scale-in stops the newest tasks and says so', () => {
    const sim = newSim();
    const service = steadyService(sim, 100, 200);
    sim.model.updateService({ cluster: 'prod', service: 'web', desiredCount: 6 });
    expect(service.deployments).toHaveLength(1);
    stepUntil(sim, () => service.runningCount === 6, 60);
    const newest = activeTasks(sim, service)
      .sort((a, b) => b.createdAt - a.createdAt)
      .slice(0, 2);
    sim.model.updateService({ cluster: 'prod', service: 'web', desiredCount: 4 });
    step(sim, 1);
    for (const task of newest) {
      expect(task.desiredStatus).toBe('STOPPED');
      expect(task.stopCode).toBe('ServiceSchedulerInitiated');
    }
    expect(messages(service)[0]).toMatch(
      /^\(service web\) has stopped 2 running tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/,
    );
    stepUntil(sim, () => isSteady(service), 60);
    expect(activeTasks(sim, service)).toHaveLength(4);
  });

  it('forceNewDeployment starts a new deployment of the same task definition', () => {
    const sim = newSim();
    const service = steadyService(sim, 100, 200);
    const before = service.deployments[0];
    sim.model.updateService({ cluster: 'prod', service: 'web', forceNewDeployment: true });
    expect(service.deployments).toHaveLength(2);
    expect(service.deployments[0]?.taskDefinitionArn).toBe(before?.taskDefinitionArn);
    expect(before?.status).toBe('ACTIVE');
    // The same revision without force changes nothing.
    sim.model.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'web:1' });
    expect(service.deployments).toHaveLength(2);
    stepUntil(sim, () => isSteady(service), 300);
    expect(activeTasks(sim, service).every((t) => t.startedBy === service.deployments[0]?.id)).toBe(true);
  });

  it('replaces a task that exits, and backs off when tasks keep failing', () => {
    const sim = newSim();
    ec2Cluster(sim);
    taskDefinition(sim, 'crash', { outcomes: [{ kind: 'exits', afterSeconds: 5, exitCode: 2 }], pullSeconds: 1 });
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'crash',
      taskDefinition: 'crash',
      desiredCount: 1,
    });
    step(sim, 1800);
    const launched = serviceTasks(sim, service).length;
    // Without a backoff a 10-second crash loop would start ~180 tasks in 30 minutes.
    expect(launched).toBeGreaterThan(5);
    expect(launched).toBeLessThan(30);
    expect(service.deployments[0]?.failedTasks).toBe(launched - (activeTasks(sim, service).length > 0 ? 1 : 0));
  });
});

describe('rolling deployments stay within minimumHealthyPercent and maximumPercent', () => {
  const cases = [
    { min: 50, max: 200 },
    { min: 100, max: 200 },
    { min: 0, max: 100 },
    { min: 100, max: 150 },
  ];
  for (const { min, max } of cases) {
    for (const loadBalanced of [false, true]) {
      it(`min ${min} / max ${max}${loadBalanced ? ' behind a load balancer' : ''}`, () => {
        const sim = newSim(min * 1000 + max);
        const service = steadyService(sim, min, max, loadBalanced);
        const maxTotal = Math.floor((4 * max) / 100);
        const minHealthy = Math.ceil((4 * min) / 100);
        const oldDeployment = service.deployments[0];
        sim.model.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' });
        const newDeployment = service.deployments[0];
        expect(newDeployment?.taskDefinitionArn).toMatch(/task-definition\/web:2$/);
        expect(oldDeployment?.status).toBe('ACTIVE');

        let peak = 0;
        let trough = Number.POSITIVE_INFINITY;
        const healthy = (t: SimTask) =>
          t.lastStatus === 'RUNNING' &&
          t.healthStatus !== 'UNHEALTHY' &&
          (!loadBalanced || (t.startedAt as number) + 5000 <= sim.model.now());
        stepUntil(
          sim,
          () => isSteady(service) && service.deployments[0] === newDeployment,
          600,
          () => {
            const tasks = serviceTasks(sim, service);
            const desiredRunning = tasks.filter((t) => t.desiredStatus === 'RUNNING').length;
            // A task the scheduler is stopping still serves until it leaves RUNNING.
            const serving = tasks.filter(healthy).length;
            peak = Math.max(peak, desiredRunning);
            trough = Math.min(trough, serving);
            expect(desiredRunning).toBeLessThanOrEqual(maxTotal);
            expect(serving).toBeGreaterThanOrEqual(minHealthy);
          },
        );
        // min 100 must start replacements before stopping anything, so it reaches the cap.
        if (min === 100) expect(peak).toBe(maxTotal);
        if (min === 100) expect(trough).toBeGreaterThanOrEqual(4);
        const running = activeTasks(sim, service);
        expect(running).toHaveLength(4);
        expect(running.every((t) => t.taskDefinitionArn.endsWith('web:2') && t.lastStatus === 'RUNNING')).toBe(true);
        expect(newDeployment?.rolloutState).toBe('COMPLETED');
        expect(oldDeployment?.status).toBe('INACTIVE');
        expect(service.taskDefinitionArn).toMatch(/web:2$/);
        if (loadBalanced) {
          expect(messages(service)).toContain(
            '(service web) deregistered 1 targets in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/abc)',
          );
          expect(messages(service)).toContain('(service web) has begun draining connections on 1 tasks.');
        }
        step(sim, 61);
        expect(service.deployments).toEqual([newDeployment]);
      });
    }
  }
});

describe('deployment circuit breaker', () => {
  it('fails a deployment of an OOM-crashing revision and rolls back to the last completed one', () => {
    const sim = newSim(42);
    ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c'], 4096, 16_384);
    taskDefinition(sim, 'payments');
    taskDefinition(sim, 'payments', { outcomes: [{ kind: 'oom', afterSeconds: 20, afterSecondsMax: 40 }] });
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'payments',
      taskDefinition: 'payments:1',
      desiredCount: 4,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    stepUntil(sim, () => isSteady(service), 120);
    const good = service.deployments[0];
    sim.model.updateService({ cluster: 'prod', service: 'payments', taskDefinition: 'payments:2' });
    const bad = service.deployments[0];
    if (!bad || !good) throw new Error('deployments missing');

    const failedSeen = new Set<number>();
    stepUntil(
      sim,
      () => bad.rolloutState === 'FAILED',
      600,
      () => failedSeen.add(bad.failedTasks),
    );
    // threshold = min(200, max(3, ceil(0.5 * 4))) = 3
    expect(bad.failedTasks).toBe(3);
    expect([...failedSeen]).toEqual(expect.arrayContaining([0, 1, 2, 3]));
    expect(bad.rolloutStateReason).toBe('ECS deployment circuit breaker: tasks failed to start.');
    expect(bad.status).toBe('ACTIVE');
    const rollback = service.deployments[0];
    expect(rollback?.status).toBe('PRIMARY');
    expect(rollback?.taskDefinitionArn).toBe(good.taskDefinitionArn);
    expect(service.taskDefinitionArn).toBe(good.taskDefinitionArn);
    expect(messages(service)).toContain(
      `(service payments) (deployment ${bad.id}) deployment failed: tasks failed to start.`,
    );
    expect(messages(service)).toContain(`(service payments) rolling back to deployment ${good.id}.`);
    const crashed = serviceTasks(sim, service).filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(crashed.length).toBeGreaterThanOrEqual(3);
    for (const task of crashed)
      expect(task.containers[0]?.reason).toBe('OutOfMemoryError: Container killed due to memory usage');

    stepUntil(sim, () => isSteady(service) && service.deployments[0] === rollback, 600);
    expect(activeTasks(sim, service).every((t) => t.taskDefinitionArn === good.taskDefinitionArn)).toBe(true);
    expect(rollback?.rolloutState).toBe('COMPLETED');
    expect(bad.status).toBe('INACTIVE');
  });

  it('failed health checks trip it too, and nothing more of the failed deployment is launched', () => {
    const sim = newSim(21);
    ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c'], 4096, 16_384);
    const checked = [container({ healthCheck: { command: ['CMD-SHELL', 'true'] } })];
    taskDefinition(sim, 'api', undefined, { containerDefinitions: checked });
    taskDefinition(
      sim,
      'api',
      { outcomes: [{ kind: 'unhealthy', afterSeconds: 15 }] },
      { containerDefinitions: checked },
    );
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'api',
      taskDefinition: 'api:1',
      desiredCount: 6,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    stepUntil(sim, () => isSteady(service), 120);
    sim.model.updateService({ cluster: 'prod', service: 'api', taskDefinition: 'api:2' });
    const bad = service.deployments[0];
    if (!bad) throw new Error('no deployment');
    stepUntil(sim, () => bad.rolloutState === 'FAILED', 900);
    const failedAt = bad.updatedAt;
    const ofBad = () => serviceTasks(sim, service).filter((t) => t.deploymentId === bad.id);
    expect(ofBad().filter((t) => t.createdAt >= failedAt)).toEqual([]);
    expect(
      messages(service).filter((m) => m.endsWith('failed container health checks.')).length,
    ).toBeGreaterThanOrEqual(3);
    stepUntil(
      sim,
      () => isSteady(service) && service.deployments[0]?.taskDefinitionArn.endsWith('api:1') === true,
      900,
    );
    expect(ofBad().filter((t) => t.createdAt >= failedAt)).toEqual([]);
    expect(ofBad().every((t) => t.lastStatus === 'STOPPED')).toBe(true);
  });

  it('without rollback the failed deployment stays PRIMARY and launches nothing more', () => {
    const sim = newSim(7);
    ec2Cluster(sim);
    taskDefinition(sim, 'payments', { outcomes: [{ kind: 'pull-error' }] });
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'payments',
      taskDefinition: 'payments',
      desiredCount: 2,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } },
    });
    const deployment = service.deployments[0];
    stepUntil(sim, () => deployment?.rolloutState === 'FAILED', 600);
    const launched = serviceTasks(sim, service).length;
    step(sim, 900);
    expect(serviceTasks(sim, service)).toHaveLength(launched);
    expect(service.deployments).toEqual([deployment]);
    expect(deployment?.status).toBe('PRIMARY');
    for (const task of serviceTasks(sim, service)) expect(task.stopCode).toBe('TaskFailedToStart');
  });

  it('a stable task resets failedTasks', () => {
    // Seed 1 draws a crash first (asserted below through sawFailure).
    const sim = newSim(1);
    ec2Cluster(sim);
    // Most tasks crash early; the first one that runs becomes stable after a minute.
    taskDefinition(sim, 'flaky', {
      outcomes: [
        { kind: 'exits', afterSeconds: 5, weight: 3 },
        { kind: 'runs', weight: 1 },
      ],
    });
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'flaky',
      taskDefinition: 'flaky',
      desiredCount: 1,
    });
    const deployment = service.deployments[0];
    let sawFailure = false;
    stepUntil(
      sim,
      () => sawFailure && deployment?.failedTasks === 0,
      3600,
      () => {
        if ((deployment?.failedTasks ?? 0) > 0) sawFailure = true;
      },
    );
    expect(serviceTasks(sim, service).some((t) => t.sim.stableAt !== undefined)).toBe(true);
  });
});

describe('DAEMON services', () => {
  it('runs one task per ACTIVE instance, follows new instances, and leaves a draining instance last', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim);
    taskDefinition(sim, 'log-router', undefined, { containerDefinitions: [container({ cpu: 128, memory: 128 })] });
    taskDefinition(sim, 'web');
    const daemon = sim.model.createService({
      cluster: 'prod',
      serviceName: 'log-router',
      taskDefinition: 'log-router',
      schedulingStrategy: 'DAEMON',
    });
    expect(daemon.deploymentConfiguration.maximumPercent).toBe(100);
    expect(daemon.deploymentConfiguration.minimumHealthyPercent).toBe(0);
    stepUntil(sim, () => daemon.runningCount === 3, 60);
    expect(daemon.desiredCount).toBe(3);
    const perInstance = (service: SimService) =>
      new Set(activeTasks(sim, service).map((t) => t.containerInstanceArn)).size;
    expect(perInstance(daemon)).toBe(3);

    const added = sim.model.registerContainerInstance({ cluster: 'prod', cpu: 1024, memory: 2048 });
    stepUntil(sim, () => daemon.runningCount === 4, 60);
    expect(daemon.desiredCount).toBe(4);
    expect(activeTasks(sim, daemon).some((t) => t.containerInstanceArn === added.arn)).toBe(true);

    expect(() => sim.model.updateService({ cluster: 'prod', service: 'log-router', desiredCount: 9 })).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );

    // A replica task on the instance about to drain: the daemon task there must outlive it.
    const target = instances[0];
    if (!target) throw new Error('no instance');
    const web = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 4,
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
    });
    stepUntil(sim, () => web.runningCount === 4, 60);
    const webOnTarget = activeTasks(sim, web).filter((t) => t.containerInstanceArn === target.arn);
    expect(webOnTarget.length).toBeGreaterThan(0);
    const daemonOnTarget = activeTasks(sim, daemon).find((t) => t.containerInstanceArn === target.arn) as SimTask;
    sim.model.updateContainerInstancesState('prod', [target.id], 'DRAINING');
    stepUntil(
      sim,
      () => daemonOnTarget.lastStatus === 'STOPPED',
      300,
      () => {
        if (daemonOnTarget.desiredStatus === 'STOPPED') {
          for (const task of webOnTarget) expect(task.lastStatus).toBe('STOPPED');
        }
      },
    );
    expect(daemon.desiredCount).toBe(3);
    expect(web.runningCount).toBe(4);
  });
});
