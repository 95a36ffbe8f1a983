/** Plan building on its own (no simulator): the edge cases the scenario does not reach. */
import { describe, expect, it } from 'vitest';
import { planForceDeployment, planRerun, planRollback, planStop, taskSubnet } from '../../src/actions/plans.ts';
import type { Service, Task } from '../../src/domain/model.ts';

const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/batch';
const context = {
  user: 'alice',
  newId: (() => {
    let n = 0;
    return () => `plan-${++n}`;
  })(),
};

function fargateTask(overrides: Partial<Task> = {}): Task {
  return {
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/batch/0123456789abcdef0123456789abcdef',
    clusterArn: CLUSTER,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/etl-extract:3',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    launchType: 'FARGATE',
    platformVersion: '1.4.0',
    group: 'family:etl-extract',
    startedBy: 'batch-scheduler',
    attachments: [
      {
        id: 'a1',
        type: 'ElasticNetworkInterface',
        status: 'DELETED',
        details: [
          { name: 'subnetId', value: 'subnet-0a1f3c5e7b9d20001' },
          { name: 'networkInterfaceId', value: 'eni-0abc' },
        ],
      },
    ],
    ...overrides,
  };
}

function standalonePlan(offer: ReturnType<typeof planRerun>) {
  if (offer.kind !== 'standalone') throw new Error(`expected standalone, got ${offer.kind}`);
  return offer;
}

describe('plans', () => {
  it('gives every plan its own id from the context', () => {
    const a = planStop([fargateTask({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' })], context);
    const b = planStop([fargateTask({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' })], context);
    if ('error' in a || 'error' in b) throw new Error('expected plans');
    expect(a.plan.id).not.toBe(b.plan.id);
    expect(Object.isFrozen(a.plan)).toBe(true);
  });

  it('refuses to stop tasks of several clusters in one plan', () => {
    const here = fargateTask({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' });
    const there = { ...here, taskArn: `${here.taskArn}0`, clusterArn: CLUSTER.replace('batch', 'prod') };
    expect(planStop([here, there], context)).toEqual({
      error: 'The tasks are in 2 clusters (batch, prod): act on one cluster at a time.',
    });
  });

  it('sanitises remote text in the confirmation', () => {
    const task = fargateTask({
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      group: 'evil\u001b]52;c;AAAA\u0007group',
    });
    const outcome = planStop([task], context);
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.plan.confirmText.includes('\u001b') || outcome.plan.confirmText.includes('\u0007')).toBe(false);
    expect(outcome.plan.confirmText).toContain('evilgroup');
  });

  it('reads the subnet of the ENI attachment', () => {
    expect(taskSubnet(fargateTask())).toBe('subnet-0a1f3c5e7b9d20001');
    expect(taskSubnet(fargateTask({ attachments: [] }))).toBeUndefined();
  });

  it('a Fargate task without an attachment needs subnets from the user', () => {
    const offer = standalonePlan(planRerun(fargateTask({ attachments: [] }), {}, context));
    expect(offer.run).toEqual({ error: expect.stringMatching(/has no network attachment to take a subnet from/) });
    const given = standalonePlan(
      planRerun(fargateTask({ attachments: [] }), { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' }, context),
    );
    if ('error' in given.run) throw new Error(given.run.error);
    expect(given.run.plan.parameters.networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: [], assignPublicIp: 'ENABLED' },
    });
  });

  it('prefers the capacity provider the task ran on, as a strategy (Fargate Spot needs one)', () => {
    const offer = standalonePlan(
      planRerun(fargateTask({ launchType: 'FARGATE', capacityProviderName: 'FARGATE_SPOT' }), {}, context),
    );
    if ('error' in offer.run) throw new Error(offer.run.error);
    expect(offer.run.plan.parameters.capacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE_SPOT', weight: 1 },
    ]);
    expect(offer.run.plan.parameters.launchType).toBeUndefined();
    expect(offer.run.plan.confirmText).toContain('on capacity provider FARGATE_SPOT');
  });

  it('refuses overrides longer than ECS accepts, and a count outside 1..10', () => {
    const huge = { containerOverrides: [{ name: 'extract', command: ['x'.repeat(9000)] }] };
    const offer = standalonePlan(planRerun(fargateTask(), { overrides: huge }, context));
    expect(offer.run).toEqual({ error: expect.stringMatching(/overrides are longer than ECS accepts \(8192/) });
    expect(standalonePlan(planRerun(fargateTask(), { count: 11 }, context)).run).toEqual({
      error: 'RunTask starts 1 to 10 tasks at a time, not 11.',
    });
  });

  it('drops overrides that only name a container (what DescribeTasks echoes back)', () => {
    const offer = standalonePlan(
      planRerun(fargateTask({ overrides: { containerOverrides: [{ name: 'extract' }] } }), {}, context),
    );
    if ('error' in offer.run) throw new Error(offer.run.error);
    expect(offer.run.plan.parameters.overrides).toBeUndefined();
  });

  it('on EC2 offers StartTask on the same instance, leaving out a startedBy StartTask refuses', () => {
    const ec2 = fargateTask({
      launchType: 'EC2',
      platformVersion: undefined,
      attachments: [],
      containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/abc',
      startedBy: 'a-very-long-started-by-value-over-thirty-six-characters',
    });
    const offer = standalonePlan(planRerun(ec2, {}, context));
    if (!offer.start || 'error' in offer.start || 'error' in offer.run) throw new Error('expected both plans');
    expect(offer.run.plan.parameters.startedBy).toBe(ec2.startedBy);
    expect(offer.start.plan.parameters.startedBy).toBeUndefined();
    expect(offer.start.plan.notes).toContain('startedBy is left out: StartTask accepts at most 36 characters.');
    expect(offer.start.plan.parameters.containerInstances).toEqual([ec2.containerInstanceArn]);
  });

  it('a service task whose service is not loaded gets the explanation and no plan', () => {
    const offer = planRerun(fargateTask({ group: 'service:api', startedBy: 'ecs-svc/123' }), { services: [] }, context);
    if (offer.kind !== 'service') throw new Error(`expected service, got ${offer.kind}`);
    expect(offer.explanation).toMatch(/belongs to the service api/);
    expect(offer.redeploy).toEqual({
      error: 'The service api is not loaded yet: open the services pane and try again.',
    });
  });

  it('refuses to redeploy a service that is not ACTIVE', () => {
    const service: Service = {
      serviceArn: 'arn:aws:ecs:us-east-1:1:service/prod/old',
      serviceName: 'old',
      clusterArn: CLUSTER,
      status: 'DRAINING',
    };
    expect(planForceDeployment(service, context)).toEqual({
      error: 'old is DRAINING: only an ACTIVE service can be redeployed.',
    });
  });
});

describe('planRollback', () => {
  const TD = 'arn:aws:ecs:us-east-1:1:task-definition';
  const api = (overrides: Partial<Service> = {}): Service => ({
    serviceArn: 'arn:aws:ecs:us-east-1:1:service/prod/api',
    serviceName: 'api',
    clusterArn: CLUSTER,
    status: 'ACTIVE',
    desiredCount: 6,
    taskDefinition: `${TD}/api:2`,
    deployments: [{ status: 'PRIMARY', taskDefinition: `${TD}/api:2` }],
    ...overrides,
  });

  it('is one UpdateService naming the revision, worded from the PRIMARY revision to the previous one', () => {
    const outcome = planRollback(api(), `${TD}/api:1`, context);
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.plan.kind).toBe('rollback');
    expect(outcome.plan.request).toEqual({
      operation: 'UpdateService',
      cluster: CLUSTER,
      service: 'arn:aws:ecs:us-east-1:1:service/prod/api',
      change: { taskDefinition: `${TD}/api:1` },
    });
    expect(outcome.plan.confirmText).toBe(
      'UpdateService api in cluster batch: taskDefinition api:2 -> api:1 (rollback, 6 tasks replaced)',
    );
    expect(outcome.plan.parameters.taskDefinition).toBe(`${TD}/api:1`);
    expect(outcome.plan.dangerous).toBe(true);
  });

  it('refuses a service already on that revision, a non-ECS controller and a service that is not ACTIVE', () => {
    expect(planRollback(api(), `${TD}/api:2`, context)).toEqual({
      error: 'api already deploys api:2: nothing to roll back to.',
    });
    expect(planRollback(api({ deploymentController: { type: 'CODE_DEPLOY' } }), `${TD}/api:1`, context)).toEqual({
      error:
        'api uses the CODE_DEPLOY deployment controller: ECS cannot change its task definition; its task sets are changed by that controller.',
    });
    expect(planRollback(api({ status: 'DRAINING' }), `${TD}/api:1`, context)).toEqual({
      error: 'api is DRAINING: only an ACTIVE service can be rolled back.',
    });
  });
});
