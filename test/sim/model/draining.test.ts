import { describe, expect, it } from 'vitest';
import type { SimService, SimTask } from '../../../src/sim/model/types.ts';
import { activeTasks, ec2Cluster, newSim, type Sim, serviceTasks, step, stepUntil, taskDefinition } from './helpers.ts';

function isSteady(service: SimService) {
  return (
    service.runningCount === service.desiredCount && service.pendingCount === 0 && service.deployments.length === 1
  );
}

/** Two services spread over three instances, plus a standalone task on the first instance. */
function drainFixture(sim: Sim) {
  const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c'], 4096, 16_384);
  taskDefinition(sim, 'web');
  taskDefinition(sim, 'nightly-report');
  const web = sim.model.createService({ cluster: 'prod', serviceName: 'web', taskDefinition: 'web', desiredCount: 3 });
  const api = sim.model.createService({
    cluster: 'prod',
    serviceName: 'api',
    taskDefinition: 'web',
    desiredCount: 4,
    deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
  });
  const target = instances[0];
  if (!target) throw new Error('no instance');
  const standalone = sim.model.startTask({
    cluster: 'prod',
    taskDefinition: 'nightly-report',
    containerInstances: [target.id],
    startedBy: 'scheduler',
  }).tasks[0] as SimTask;
  stepUntil(sim, () => isSteady(web) && isSteady(api) && standalone.lastStatus === 'RUNNING', 120);
  return { instances, target, web, api, standalone };
}

describe('draining a container instance', () => {
  it('replaces service tasks elsewhere within min/max, leaves the standalone task, and re-ACTIVE takes placements', () => {
    const sim = newSim(11);
    const { target, web, api, standalone } = drainFixture(sim);
    const onTarget = (service: SimService) =>
      serviceTasks(sim, service).filter((t) => t.containerInstanceArn === target.arn && t.lastStatus !== 'STOPPED');
    expect(onTarget(web).length + onTarget(api).length).toBeGreaterThan(0);
    const drainedWeb = onTarget(web);
    const version = target.version;

    const result = sim.model.updateContainerInstancesState('prod', [target.arn], 'DRAINING');
    expect(result.failures).toEqual([]);
    expect(result.containerInstances).toEqual([target]);
    expect(target.status).toBe('DRAINING');
    expect(target.version).toBe(version + 1);

    const healthy = (service: SimService) =>
      activeTasks(sim, service).filter((t) => t.lastStatus === 'RUNNING').length +
      // A task being stopped still serves until it leaves RUNNING.
      serviceTasks(sim, service).filter((t) => t.desiredStatus === 'STOPPED' && t.lastStatus === 'RUNNING').length;
    stepUntil(
      sim,
      () => onTarget(web).length === 0 && onTarget(api).length === 0 && isSteady(web) && isSteady(api),
      300,
      () => {
        // web: min 100 / max 200: never below 3 healthy, never above 6 desired RUNNING.
        expect(healthy(web)).toBeGreaterThanOrEqual(3);
        expect(activeTasks(sim, web).length).toBeLessThanOrEqual(6);
        // api: min 50 / max 200.
        expect(healthy(api)).toBeGreaterThanOrEqual(2);
        expect(activeTasks(sim, api).length).toBeLessThanOrEqual(8);
        // Nothing new lands on the draining instance.
        for (const task of activeTasks(sim, web)) {
          if (!drainedWeb.includes(task)) expect(task.containerInstanceArn).not.toBe(target.arn);
        }
      },
    );
    expect(web.runningCount).toBe(3);
    expect(api.runningCount).toBe(4);
    for (const task of drainedWeb) {
      expect(task.stopCode).toBe('ServiceSchedulerInitiated');
      expect(task.lastStatus).toBe('STOPPED');
    }
    expect(standalone.lastStatus).toBe('RUNNING');
    expect(standalone.desiredStatus).toBe('RUNNING');
    expect(sim.model.instanceTaskCounts(target)).toEqual({ running: 1, pending: 0 });
    step(sim, 600);
    expect(standalone.lastStatus).toBe('RUNNING');

    // DRAINING again is a no-op success.
    const again = sim.model.updateContainerInstancesState('prod', [target.id], 'DRAINING');
    expect(again.containerInstances).toEqual([target]);
    expect(target.version).toBe(version + 1);

    sim.model.updateContainerInstancesState('prod', [target.id], 'ACTIVE');
    expect(target.status).toBe('ACTIVE');
    expect(target.version).toBe(version + 2);
    const placed = sim.model.runTask({
      cluster: 'prod',
      taskDefinition: 'web',
      count: 3,
      placementStrategy: [{ type: 'spread', field: 'instanceId' }],
      group: 'probe',
    }).tasks;
    expect(placed.map((t) => t.containerInstanceArn)).toContain(target.arn);
  });

  it('stops PENDING service tasks on the instance at once', () => {
    const sim = newSim(5);
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b']);
    taskDefinition(sim, 'web', { outcomes: [{ kind: 'runs' }], pullSeconds: 30 });
    const web = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 2,
    });
    step(sim, 3);
    const target = instances[0];
    const pending = serviceTasks(sim, web).find((t) => t.containerInstanceArn === target?.arn) as SimTask;
    expect(['PENDING', 'ACTIVATING']).toContain(pending.lastStatus);
    sim.model.updateContainerInstancesState('prod', [target?.id ?? ''], 'DRAINING');
    step(sim, 1);
    expect(pending.desiredStatus).toBe('STOPPED');
    expect(pending.stopCode).toBe('ServiceSchedulerInitiated');
    stepUntil(sim, () => pending.lastStatus === 'STOPPED', 5);
    expect(pending.startedAt).toBeUndefined();
    stepUntil(sim, () => web.runningCount === 2, 120);
    expect(activeTasks(sim, web).every((t) => t.containerInstanceArn === instances[1]?.arn)).toBe(true);
  });

  it('with max 100 / min 50 stops first and starts replacements after', () => {
    const sim = newSim(8);
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b'], 4096, 16_384);
    taskDefinition(sim, 'web');
    const web = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 4,
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
    });
    stepUntil(sim, () => isSteady(web), 120);
    const target = instances[0];
    sim.model.updateContainerInstancesState('prod', [target?.arn ?? ''], 'DRAINING');
    stepUntil(
      sim,
      () => isSteady(web) && activeTasks(sim, web).every((t) => t.containerInstanceArn !== target?.arn),
      300,
      () => expect(activeTasks(sim, web).length).toBeLessThanOrEqual(4),
    );
  });

  it('with max 100 a replacement starts only once a drained task has STOPPED, checked second by second', () => {
    const sim = newSim(8);
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b'], 4096, 16_384);
    taskDefinition(sim, 'web');
    const web = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 4,
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 100 },
    });
    stepUntil(sim, () => isSteady(web), 120);
    const target = instances[0] as (typeof instances)[number];
    const drained = activeTasks(sim, web).filter((t) => t.containerInstanceArn === target.arn);
    expect(drained.length).toBeGreaterThan(0);
    const before = new Set(serviceTasks(sim, web));
    const drainedAt = sim.clock.now();
    sim.model.updateContainerInstancesState('prod', [target.arn], 'DRAINING');

    let sawStopping = false;
    stepUntil(
      sim,
      () => isSteady(web) && activeTasks(sim, web).every((t) => t.containerInstanceArn !== target.arn),
      300,
      () => {
        const replacements = serviceTasks(sim, web).filter((t) => !before.has(t));
        const stoppedDrained = drained.filter((t) => t.lastStatus === 'STOPPED');
        if (drained.some((t) => t.desiredStatus === 'STOPPED' && t.lastStatus !== 'STOPPED')) sawStopping = true;
        // Never more than 100% of desired anywhere short of STOPPED, a stopping task included.
        expect(serviceTasks(sim, web).filter((t) => t.lastStatus !== 'STOPPED').length).toBeLessThanOrEqual(4);
        expect(replacements.length).toBeLessThanOrEqual(stoppedDrained.length);
      },
    );
    // The drained tasks took their time to stop (SIGTERM, then SIGKILL after 30 s): the window was real.
    expect(sawStopping).toBe(true);
    const lastDrainedStop = Math.max(...drained.map((t) => t.stoppedAt ?? Number.POSITIVE_INFINITY));
    expect(lastDrainedStop - drainedAt).toBeGreaterThanOrEqual(30_000);
    const replacements = serviceTasks(sim, web).filter((t) => !before.has(t));
    expect(replacements).toHaveLength(drained.length);
    const firstDrainedStop = Math.min(...drained.map((t) => t.stoppedAt ?? Number.POSITIVE_INFINITY));
    for (const task of replacements) expect(task.createdAt).toBeGreaterThanOrEqual(firstDrainedStop);
  });

  it('validates the status and the instances', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim);
    const registering = sim.model.registerContainerInstance({
      cluster: 'prod',
      cpu: 1024,
      memory: 1024,
      status: 'REGISTERING',
    });
    expect(() => sim.model.updateContainerInstancesState('prod', [instances[0]?.id ?? ''], 'INACTIVE')).toThrowError(
      expect.objectContaining({
        type: 'InvalidParameterException',
        message: 'Container instance status must be ACTIVE or DRAINING.',
      }),
    );
    expect(() => sim.model.updateContainerInstancesState('prod', [registering.id], 'DRAINING')).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    expect(() => sim.model.updateContainerInstancesState('nope', [registering.id], 'DRAINING')).toThrowError(
      expect.objectContaining({ type: 'ClusterNotFoundException' }),
    );
    const missing = 'f'.repeat(32);
    const result = sim.model.updateContainerInstancesState('prod', [missing, instances[1]?.arn ?? ''], 'DRAINING');
    expect(result.failures).toEqual([
      { arn: `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${missing}`, reason: 'MISSING' },
    ]);
    expect(result.containerInstances.map((i) => i.arn)).toEqual([instances[1]?.arn]);
    expect(instances[1]?.status).toBe('DRAINING');
    // A failed batch changes nothing: the REGISTERING instance rejects the whole call.
    expect(() =>
      sim.model.updateContainerInstancesState('prod', [instances[0]?.id ?? '', registering.id], 'DRAINING'),
    ).toThrow();
    expect(instances[0]?.status).toBe('ACTIVE');
  });

  it('an agent that disconnects keeps its tasks running but takes no new ones', () => {
    const sim = newSim();
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a']);
    const instance = instances[0];
    if (!instance) throw new Error('no instance');
    taskDefinition(sim, 'web');
    const running = sim.model.runTask({ cluster: 'prod', taskDefinition: 'web' }).tasks[0] as SimTask;
    stepUntil(sim, () => running.lastStatus === 'RUNNING', 60);
    const version = instance.version;
    sim.model.setAgentConnected('prod', instance.id, false);
    expect(instance.agentConnected).toBe(false);
    expect(instance.version).toBe(version + 1);
    const refused = sim.model.runTask({ cluster: 'prod', taskDefinition: 'web' });
    expect(refused.tasks).toEqual([]);
    expect(refused.failures).toEqual([{ arn: instance.arn, reason: 'AGENT' }]);
    const service = sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
    });
    step(sim, 30);
    expect(service.runningCount + service.pendingCount).toBe(0);
    expect(service.events[0]?.message).toBe(
      `(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${instance.id}) encountered error "AGENT". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
    );
    expect(running.lastStatus).toBe('RUNNING');
    sim.model.setAgentConnected('prod', instance.arn, true);
    stepUntil(sim, () => service.runningCount === 1, 60);
  });
});
