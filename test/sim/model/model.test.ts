import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import { SimModel } from '../../../src/sim/model/model.ts';
import type { SimTask } from '../../../src/sim/model/types.ts';
import {
  AWSVPC,
  container,
  dump,
  ec2Cluster,
  fargateCluster,
  fargateDefinition,
  newSim,
  type Sim,
  START,
  step,
  taskDefinition,
} from './helpers.ts';

describe('time and the agenda', () => {
  it('now() starts at the clock and moves only with advance(); actions run in (time, order) order', () => {
    const clock = new ManualClock(START);
    const model = new SimModel({ seed: 1, clock });
    expect(model.now()).toBe(START);
    const ran: string[] = [];
    model.at(START + 2000, () => ran.push('b'));
    model.at(START + 1000, () => ran.push('a'));
    model.at(START + 2000, () => ran.push('c'));
    model.every(1500, () => ran.push(`tick@${model.now() - START}`), START + 500);
    clock.advance(1999);
    expect(model.now()).toBe(START);
    model.advance();
    expect(model.now()).toBe(START + 1999);
    expect(ran).toEqual(['tick@500', 'a']);
    clock.advance(1);
    model.advance();
    expect(ran).toEqual(['tick@500', 'a', 'b', 'c', 'tick@2000']);
  });

  it('a scripted action that throws is recorded, not fatal', () => {
    const { clock, model } = newSim();
    model.at(START + 1000, () => {
      throw new Error('boom');
    });
    model.at(START + 1000, () => model.createCluster({ clusterName: 'after' }));
    clock.advance(1000);
    model.advance();
    expect(model.scriptErrors).toHaveLength(1);
    expect(model.findCluster('after')).toBeDefined();
  });
});

describe('ids, ARNs and lookups', () => {
  it('builds ARNs in the configured region and account and finds by name, id, long and short ARN', () => {
    const clock = new ManualClock(START);
    const model = new SimModel({ seed: 9, clock, region: 'eu-west-1', accountId: '111122223333' });
    const cluster = model.createCluster({ clusterName: 'prod' });
    const fallback = model.createCluster({});
    expect(cluster.arn).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/prod');
    expect(fallback.name).toBe('default');
    expect(model.findCluster()).toBe(fallback);
    expect(model.findCluster('prod')).toBe(cluster);
    expect(model.findCluster(cluster.arn)).toBe(cluster);
    expect(model.findCluster('nope')).toBeUndefined();
    expect(model.createCluster({ clusterName: 'prod' })).toBe(cluster);

    const instance = model.registerContainerInstance({ cluster: 'prod', cpu: 2048, memory: 4096 });
    expect(instance.id).toMatch(/^[0-9a-f]{32}$/);
    expect(instance.arn).toBe(`arn:aws:ecs:eu-west-1:111122223333:container-instance/prod/${instance.id}`);
    expect(instance.ec2InstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(instance.agentVersion).toBe('1.89.2');
    expect(instance.dockerVersion).toBe('DockerVersion: 25.0.8');
    expect(instance.reservedPorts).toEqual([22, 2375, 2376, 51678, 51679]);
    expect(instance.status).toBe('ACTIVE');
    expect(instance.agentConnected).toBe(true);
    expect(instance.registeredAt).toBe(START);
    expect(model.findContainerInstance(cluster, instance.id)).toBe(instance);
    expect(model.findContainerInstance(cluster, instance.arn)).toBe(instance);
    expect(
      model.findContainerInstance(cluster, `arn:aws:ecs:eu-west-1:111122223333:container-instance/${instance.id}`),
    ).toBe(instance);
    expect(model.findContainerInstance(fallback, instance.arn)).toBeUndefined();

    model.registerTaskDefinition({ family: 'web', containerDefinitions: [container()] });
    const two = model.registerTaskDefinition({ family: 'web', containerDefinitions: [container({ image: 'x:2' })] });
    expect(two.arn).toBe('arn:aws:ecs:eu-west-1:111122223333:task-definition/web:2');
    expect(two.revision).toBe(2);
    expect(two.networkMode).toBe('bridge');
    expect(two.behaviour).toEqual({ outcomes: [{ kind: 'runs' }] });
    expect(model.resolveTaskDefinition('web')).toBe(two);
    expect(model.resolveTaskDefinition('web:1')?.revision).toBe(1);
    expect(model.resolveTaskDefinition(two.arn)).toBe(two);
    expect(model.resolveTaskDefinition('web:3')).toBeUndefined();
    model.deregisterTaskDefinition('web:2');
    expect(model.resolveTaskDefinition('web')?.revision).toBe(1);
    expect(model.resolveTaskDefinition('web:2')).toBe(two);

    const service = model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 1,
    });
    expect(service.arn).toBe('arn:aws:ecs:eu-west-1:111122223333:service/prod/web');
    expect(model.findService(cluster, 'web')).toBe(service);
    expect(model.findService(cluster, service.arn)).toBe(service);
    expect(model.findService(cluster, 'arn:aws:ecs:eu-west-1:111122223333:service/web')).toBe(service);
    expect(model.findService(cluster, 'arn:aws:ecs:eu-west-1:111122223333:service/other/web')).toBeUndefined();
    expect([...model.servicesOfCluster(cluster)]).toEqual([service]);
    expect([...model.instancesOfCluster(cluster)]).toEqual([instance]);

    const task = model.runTask({ cluster: cluster.arn, taskDefinition: 'web:1' }).tasks[0] as SimTask;
    expect(task.arn).toBe(`arn:aws:ecs:eu-west-1:111122223333:task/prod/${task.id}`);
    expect(task.containers[0]?.containerArn).toMatch(
      new RegExp(`^arn:aws:ecs:eu-west-1:111122223333:container/prod/${task.id}/[0-9a-f-]{36}$`),
    );
    expect(model.findTask(cluster, task.id)).toBe(task);
    expect(model.findTask(cluster, task.arn)).toBe(task);
    expect(model.findTask(cluster, `arn:aws:ecs:eu-west-1:111122223333:task/${task.id}`)).toBe(task);
    expect(model.findTask(cluster, 'arn:aws:ecs:eu-west-1:111122223333:service/prod/web')).toBeUndefined();
    expect([...model.tasksOfCluster(cluster)]).toContain(task);
  });

  it('reads behaviour from the ecsdeck.sim.behaviour docker label and validates it', () => {
    const sim = newSim();
    const labelled = sim.model.registerTaskDefinition({
      family: 'labelled',
      containerDefinitions: [
        container({
          dockerLabels: { 'ecsdeck.sim.behaviour': JSON.stringify({ outcomes: [{ kind: 'oom', afterSeconds: 5 }] }) },
        }),
      ],
    });
    expect(labelled.behaviour).toEqual({ outcomes: [{ kind: 'oom', afterSeconds: 5 }] });
    expect(() =>
      sim.model.registerTaskDefinition({
        family: 'broken',
        containerDefinitions: [
          container({ dockerLabels: { 'ecsdeck.sim.behaviour': '{"outcomes":[{"kind":"explode"}]}' } }),
        ],
      }),
    ).toThrowError(expect.objectContaining({ type: 'InvalidParameterException' }));
    expect(() => sim.model.registerTaskDefinition({ family: 'empty', containerDefinitions: [] })).toThrowError(
      expect.objectContaining({ type: 'InvalidParameterException' }),
    );
    expect(() =>
      sim.model.registerTaskDefinition({
        family: 'f',
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [container()],
      }),
    ).toThrowError(expect.objectContaining({ type: 'InvalidParameterException' }));
  });

  it('draws outcomes by weight', () => {
    const sim = newSim(5);
    ec2Cluster(sim, 'prod', ['us-east-1a'], 100_000, 1_000_000);
    taskDefinition(sim, 'mix', {
      outcomes: [
        { kind: 'runs', weight: 3 },
        { kind: 'exits', weight: 1 },
      ],
    });
    const kinds = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      for (const task of sim.model.runTask({ cluster: 'prod', taskDefinition: 'mix', count: 10 }).tasks) {
        kinds.set(task.sim.outcome.kind, (kinds.get(task.sim.outcome.kind) ?? 0) + 1);
      }
    }
    expect((kinds.get('runs') ?? 0) / 400).toBeGreaterThan(0.65);
    expect((kinds.get('runs') ?? 0) / 400).toBeLessThan(0.85);
  });
});

describe('determinism', () => {
  function scenario(seed: number): Sim {
    const sim = newSim(seed);
    const { instances } = ec2Cluster(sim, 'prod', ['us-east-1a', 'us-east-1b', 'us-east-1c'], 4096, 16_384);
    fargateCluster(sim);
    taskDefinition(sim, 'web');
    taskDefinition(sim, 'web', { outcomes: [{ kind: 'oom', afterSeconds: 10, afterSecondsMax: 40 }] });
    taskDefinition(sim, 'job', {
      outcomes: [{ kind: 'exits', weight: 1 }, { kind: 'runs', afterSeconds: 20, weight: 2 }, { kind: 'pull-error' }],
    });
    fargateDefinition(sim, 'cron', { outcomes: [{ kind: 'runs', afterSeconds: 30 }, { kind: 'resource-init-error' }] });
    sim.model.createService({
      cluster: 'prod',
      serviceName: 'web',
      taskDefinition: 'web:1',
      desiredCount: 4,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    sim.model.createService({
      cluster: 'prod',
      serviceName: 'steady',
      taskDefinition: 'web:1',
      desiredCount: 6,
      startSteadySeconds: 3600,
    });
    sim.model.every(60_000, () => {
      sim.model.runTask({
        cluster: 'batch',
        taskDefinition: 'cron',
        count: 3,
        launchType: 'FARGATE',
        networkConfiguration: AWSVPC,
      });
      sim.model.runTask({ cluster: 'prod', taskDefinition: 'job', count: 2 });
    });
    sim.model.at(START + 120_000, () =>
      sim.model.updateService({ cluster: 'prod', service: 'web', taskDefinition: 'web:2' }),
    );
    sim.model.at(START + 200_000, () =>
      sim.model.updateContainerInstancesState('prod', [instances[0]?.id ?? ''], 'DRAINING'),
    );
    step(sim, 900);
    return sim;
  }

  it('the same seed and the same calls give identical state, ids and timestamps', () => {
    const a = scenario(1234);
    const b = scenario(1234);
    expect(dump(a.model)).toBe(dump(b.model));
    // The run must have done something worth comparing.
    expect(a.model.state.tasks.size).toBeGreaterThan(30);
    const web = a.model.findService(a.model.requireCluster('prod'), 'web');
    expect(web?.events.some((e) => e.message.includes('rolling back'))).toBe(true);
  });

  it('another seed gives another history', () => {
    expect(dump(scenario(1).model)).not.toBe(dump(scenario(2).model));
  });
});
