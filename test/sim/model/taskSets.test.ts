import { describe, expect, it } from 'vitest';
import type { SimService, SimTaskSet } from '../../../src/sim/model/types.ts';
import { container, ec2Cluster, newSim, type Sim, serviceTasks, step, stepUntil, taskDefinition } from './helpers.ts';

function externalService(sim: Sim, desiredCount = 4): SimService {
  ec2Cluster(sim, 'staging', ['us-east-1a', 'us-east-1b'], 4096, 16_384);
  taskDefinition(sim, 'checkout');
  taskDefinition(sim, 'checkout', undefined, { containerDefinitions: [container({ image: 'example/app:2' })] });
  return sim.model.createService({
    cluster: 'staging',
    serviceName: 'checkout',
    taskDefinition: 'checkout:1',
    desiredCount,
    deploymentController: { type: 'EXTERNAL' },
  });
}

const tasksOf = (sim: Sim, service: SimService, set: SimTaskSet) =>
  serviceTasks(sim, service).filter((t) => t.taskSetId === set.id && t.desiredStatus === 'RUNNING');

describe('task sets (EXTERNAL deployment controller)', () => {
  it('holds each set at ceil(desired x scale / 100), with counts and stability', () => {
    const sim = newSim();
    const service = externalService(sim);
    expect(service.deployments).toEqual([]);
    const blue = sim.model.createTaskSet({
      cluster: 'staging',
      service: 'checkout',
      taskDefinition: 'checkout:1',
      externalId: 'blue',
    });
    expect(blue.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(blue.arn).toBe(`arn:aws:ecs:us-east-1:123456789012:task-set/staging/checkout/${blue.id}`);
    expect(blue.status).toBe('ACTIVE');
    expect(blue.scale).toEqual({ value: 100, unit: 'PERCENT' });
    expect(blue.computedDesiredCount).toBe(4);
    expect(blue.stabilityStatus).toBe('STABILIZING');
    sim.model.updateServicePrimaryTaskSet('staging', 'checkout', blue.id);
    expect(blue.status).toBe('PRIMARY');

    stepUntil(sim, () => blue.stabilityStatus === 'STEADY_STATE', 120);
    expect(blue.runningCount).toBe(4);
    expect(blue.pendingCount).toBe(0);
    expect(service.runningCount).toBe(4);
    // It turned steady during the last one-second step.
    expect(blue.stabilityStatusAt).toBeGreaterThan(sim.model.now() - 1000);
    for (const task of tasksOf(sim, service, blue)) {
      expect(task.startedBy).toBe(blue.id);
      expect(task.group).toBe('service:checkout');
    }
    expect(service.events[0]?.message).toBe('(service checkout) has reached a steady state.');

    const green = sim.model.createTaskSet({
      cluster: 'staging',
      service: service.arn,
      taskDefinition: 'checkout:2',
      scale: { value: 0, unit: 'PERCENT' },
    });
    expect(green.computedDesiredCount).toBe(0);
    sim.model.updateTaskSetScale('staging', 'checkout', green.arn, 33.3);
    sim.model.updateTaskSetScale('staging', 'checkout', blue.id, 66.7);
    expect(green.computedDesiredCount).toBe(2);
    expect(blue.computedDesiredCount).toBe(3);
    step(sim, 1);
    expect(green.stabilityStatus).toBe('STABILIZING');
    stepUntil(
      sim,
      () => green.stabilityStatus === 'STEADY_STATE' && blue.stabilityStatus === 'STEADY_STATE',
      120,
      () => {
        expect(service.runningCount).toBe(blue.runningCount + green.runningCount);
        expect(service.pendingCount).toBe(blue.pendingCount + green.pendingCount);
      },
    );
    expect(tasksOf(sim, service, green)).toHaveLength(2);
    expect(tasksOf(sim, service, blue)).toHaveLength(3);
    expect(tasksOf(sim, service, green).every((t) => t.taskDefinitionArn.endsWith('checkout:2'))).toBe(true);

    sim.model.updateServicePrimaryTaskSet('staging', 'checkout', green.id);
    expect(green.status).toBe('PRIMARY');
    expect(blue.status).toBe('ACTIVE');
    expect(service.taskDefinitionArn).toBe(green.taskDefinitionArn);
    sim.model.updateTaskSetScale('staging', 'checkout', green.id, 100);
    sim.model.updateTaskSetScale('staging', 'checkout', blue.id, 0);
    sim.model.updateService({ cluster: 'staging', service: 'checkout', desiredCount: 6 });
    expect(green.computedDesiredCount).toBe(6);
    stepUntil(
      sim,
      () => green.runningCount === 6 && blue.runningCount === 0 && blue.stabilityStatus === 'STEADY_STATE',
      120,
    );
    expect(service.status).toBe('ACTIVE');

    sim.model.deleteTaskSet('staging', 'checkout', blue.id);
    expect(blue.status).toBe('DRAINING');
    // It leaves once the tasks it scaled in have finished stopping (SIGKILL after 30 s).
    stepUntil(sim, () => service.taskSets.length === 1, 60);
    expect(service.taskSets).toEqual([green]);
    expect(
      serviceTasks(sim, service)
        .filter((t) => t.taskSetId === blue.id)
        .every((t) => t.lastStatus === 'STOPPED'),
    ).toBe(true);
  });

  it('EXTERNAL services reject task definition changes through UpdateService; task set errors', () => {
    const sim = newSim();
    externalService(sim);
    expect(() =>
      sim.model.updateService({ cluster: 'staging', service: 'checkout', taskDefinition: 'checkout:2' }),
    ).toThrowError(expect.objectContaining({ type: 'InvalidParameterException' }));
    expect(() =>
      sim.model.updateService({ cluster: 'staging', service: 'checkout', forceNewDeployment: true }),
    ).toThrowError(expect.objectContaining({ type: 'InvalidParameterException' }));
    expect(() => sim.model.updateTaskSetScale('staging', 'checkout', 'ecs-svc/1234567890123456789', 50)).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    expect(() =>
      sim.model.createTaskSet({ cluster: 'staging', service: 'nope', taskDefinition: 'checkout:1' }),
    ).toThrowError(expect.objectContaining({ type: 'ServiceNotFoundException' }));
    const set = sim.model.createTaskSet({ cluster: 'staging', service: 'checkout', taskDefinition: 'checkout:1' });
    expect(() => sim.model.updateTaskSetScale('staging', 'checkout', set.id, 150)).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    const service = sim.model.updateService({ cluster: 'staging', service: 'checkout', desiredCount: 2 });
    expect(service.desiredCount).toBe(2);
    expect(set.computedDesiredCount).toBe(2);
    const web = sim.model.createService({
      cluster: 'staging',
      serviceName: 'web',
      taskDefinition: 'checkout:1',
      desiredCount: 1,
    });
    expect(() =>
      sim.model.createTaskSet({ cluster: 'staging', service: web.name, taskDefinition: 'checkout:1' }),
    ).toThrowError(expect.objectContaining({ type: 'InvalidParameterException' }));
  });

  it('a task set can start steady', () => {
    const sim = newSim();
    const service = externalService(sim, 3);
    const set = sim.model.createTaskSet({
      cluster: 'staging',
      service: 'checkout',
      taskDefinition: 'checkout:1',
      startSteadySeconds: 600,
    });
    expect(set.runningCount).toBe(3);
    expect(set.stabilityStatus).toBe('STEADY_STATE');
    expect(service.runningCount).toBe(3);
  });
});
