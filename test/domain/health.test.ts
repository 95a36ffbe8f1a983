import { describe, expect, it } from 'vitest';
import {
  clusterHealth,
  deploymentProgress,
  judgeClusterHealth,
  primaryDeployment,
  serviceHealth,
  worstHealthLevel,
} from '../../src/domain/health.ts';
import type { Deployment, Service } from '../../src/domain/model.ts';

const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';

function service(name: string, fields: Partial<Service> = {}): Service {
  return {
    serviceArn: `${ACCOUNT}:service/prod/${name}`,
    serviceName: name,
    status: 'ACTIVE',
    desiredCount: 4,
    runningCount: 4,
    pendingCount: 0,
    deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desiredCount: 4, runningCount: 4 }],
    ...fields,
  };
}

describe('serviceHealth', () => {
  it('is ok at desired count', () => {
    expect(serviceHealth(service('web'))).toEqual({ level: 'ok', reason: '4/4 running' });
  });

  it('is ok above desired mid-deployment', () => {
    expect(serviceHealth(service('web', { runningCount: 6 })).level).toBe('ok');
  });

  it('is degraded below desired', () => {
    expect(serviceHealth(service('web', { runningCount: 2 }))).toEqual({ level: 'degraded', reason: '2/4 running' });
  });

  it('is degraded during a rollout that has failed tasks', () => {
    const deployments: Deployment[] = [
      { id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 2 },
      { id: 'ecs-svc/1', status: 'ACTIVE', rolloutState: 'COMPLETED' },
    ];
    expect(serviceHealth(service('api', { deployments }))).toEqual({
      level: 'degraded',
      reason: 'rollout in progress, 2 failed tasks',
    });
    expect(serviceHealth(service('api', { runningCount: 3, deployments })).reason).toBe('3/4 running, 2 failed tasks');
  });

  it('is failing when the rollout failed', () => {
    const health = serviceHealth(
      service('payments', {
        deployments: [
          {
            id: 'ecs-svc/3',
            status: 'PRIMARY',
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
          },
        ],
      }),
    );
    expect(health).toEqual({
      level: 'failing',
      reason: 'rollout failed: ECS deployment circuit breaker: tasks failed to start.',
    });
  });

  it('is failing while the circuit breaker rolls back, and ok once the rollback completed', () => {
    const rollingBack = service('payments', {
      deployments: [
        {
          id: 'ecs-svc/4',
          status: 'PRIMARY',
          rolloutState: 'IN_PROGRESS',
          rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.',
        },
      ],
    });
    expect(serviceHealth(rollingBack).level).toBe('failing');
    const rolledBack = service('payments', {
      deployments: [
        {
          id: 'ecs-svc/4',
          status: 'PRIMARY',
          rolloutState: 'COMPLETED',
          rolloutStateReason: 'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1.',
        },
        { id: 'ecs-svc/3', status: 'INACTIVE', rolloutState: 'FAILED' },
      ],
    });
    expect(serviceHealth(rolledBack).level).toBe('ok');
  });

  it('is failing with nothing running of a desired count', () => {
    expect(serviceHealth(service('web', { runningCount: 0 }))).toEqual({ level: 'failing', reason: '0/4 running' });
    const crashLooping = service('web', {
      runningCount: 0,
      pendingCount: 1,
      deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', failedTasks: 3 }],
    });
    expect(serviceHealth(crashLooping)).toEqual({ level: 'failing', reason: '0/4 running, 3 failed tasks' });
  });

  it('is only degraded while its first tasks are starting without failures', () => {
    expect(serviceHealth(service('new', { runningCount: 0, pendingCount: 4 }))).toEqual({
      level: 'degraded',
      reason: 'starting: 0/4 running',
    });
  });

  it('is ok at zero desired, and for draining or inactive services', () => {
    expect(serviceHealth(service('idle', { desiredCount: 0, runningCount: 0 })).level).toBe('ok');
    expect(serviceHealth(service('old', { status: 'INACTIVE', runningCount: 0 }))).toEqual({
      level: 'ok',
      reason: 'inactive',
    });
    expect(serviceHealth(service('old', { status: 'DRAINING', runningCount: 0 })).level).toBe('ok');
  });

  it('is unknown without counts (an emulator)', () => {
    expect(serviceHealth({ serviceArn: 'svc' })).toEqual({ level: 'unknown', reason: 'no task counts' });
  });
});

describe('deploymentProgress', () => {
  it('reports the PRIMARY deployment of a rolling update', () => {
    const progress = deploymentProgress(
      service('api', {
        deployments: [
          { id: 'ecs-svc/1', status: 'ACTIVE', runningCount: 2, desiredCount: 4 },
          {
            id: 'ecs-svc/2',
            status: 'PRIMARY',
            rolloutState: 'IN_PROGRESS',
            runningCount: 3,
            desiredCount: 4,
            pendingCount: 1,
            failedTasks: 1,
            taskDefinition: `${ACCOUNT}:task-definition/api:9`,
          },
        ],
      }),
    );
    expect(progress).toEqual({
      deploymentId: 'ecs-svc/2',
      taskDefinition: `${ACCOUNT}:task-definition/api:9`,
      rolloutState: 'IN_PROGRESS',
      running: 3,
      desired: 4,
      pending: 1,
      failedTasks: 1,
      percent: 75,
      rollingOut: true,
    });
  });

  it('caps at 100%, counts nothing desired as done and is steady with one completed deployment', () => {
    const done = deploymentProgress(service('web'));
    expect(done).toMatchObject({ percent: 100, rollingOut: false });
    const over = deploymentProgress(
      service('web', { deployments: [{ status: 'PRIMARY', runningCount: 5, desiredCount: 4 }] }),
    );
    expect(over?.percent).toBe(100);
    const none = deploymentProgress(service('web', { deployments: [{ status: 'PRIMARY', desiredCount: 0 }] }));
    expect(none?.percent).toBe(100);
  });

  it('has nothing to say about a service without deployments', () => {
    expect(deploymentProgress({ deployments: [] })).toBeUndefined();
    expect(deploymentProgress({})).toBeUndefined();
  });

  it('falls back to the newest live deployment when statuses are missing', () => {
    const primary = primaryDeployment({
      deployments: [
        { id: 'old', createdAt: 1000 },
        { id: 'new', createdAt: 2000 },
        { id: 'gone', status: 'INACTIVE', createdAt: 3000 },
      ],
    });
    expect(primary?.id).toBe('new');
  });
});

describe('clusterHealth', () => {
  it('is ok when every service is', () => {
    expect(clusterHealth({ services: [service('web'), service('api')] })).toEqual({
      level: 'ok',
      reason: '2 services healthy',
    });
    expect(clusterHealth({ services: [] })).toEqual({ level: 'ok', reason: 'no services' });
  });

  it('takes the worst service and names it', () => {
    const health = clusterHealth({
      services: [
        service('web'),
        service('api', { runningCount: 3 }),
        service('payments', {
          deployments: [{ status: 'PRIMARY', rolloutState: 'FAILED', rolloutStateReason: 'circuit breaker tripped' }],
        }),
      ],
    });
    expect(health).toEqual({ level: 'failing', reason: 'payments: rollout failed: circuit breaker tripped' });
  });

  it('says how many more services share the worst level', () => {
    const health = clusterHealth({
      services: [service('a', { runningCount: 1 }), service('b', { runningCount: 2 }), service('c')],
    });
    expect(health).toEqual({ level: 'degraded', reason: 'a: 1/4 running (+1 more)' });
  });

  it('is degraded by failures in the last hour even when services look fine', () => {
    expect(clusterHealth({ services: [service('web')], failuresLastHour: 3 })).toEqual({
      level: 'degraded',
      reason: '3 failed tasks in the last hour',
    });
    const both = clusterHealth({ services: [service('api', { runningCount: 3 })], failuresLastHour: 1 });
    expect(both).toEqual({ level: 'degraded', reason: 'api: 3/4 running · 1 failed task in the last hour' });
  });

  it('is degraded by a disconnected agent on an instance still in use', () => {
    const instances = [
      { containerInstanceArn: 'ci-1', ec2InstanceId: 'i-0aaa', status: 'ACTIVE', agentConnected: false },
      { containerInstanceArn: 'ci-2', ec2InstanceId: 'i-0bbb', status: 'INACTIVE', agentConnected: false },
      { containerInstanceArn: 'ci-3', ec2InstanceId: 'i-0ccc', status: 'ACTIVE', agentConnected: true },
    ];
    expect(clusterHealth({ services: [service('web')], instances })).toEqual({
      level: 'degraded',
      reason: 'agent disconnected on i-0aaa',
    });
  });

  it('is failing when the cluster itself failed, and ignores inactive services', () => {
    expect(clusterHealth({ cluster: { status: 'FAILED' }, services: [service('web')] }).level).toBe('failing');
    const health = clusterHealth({
      services: [service('web'), service('gone', { status: 'INACTIVE', runningCount: 0 })],
    });
    expect(health).toEqual({ level: 'ok', reason: '1 service healthy' });
  });

  it('does not let services without counts hide or fake a problem', () => {
    expect(clusterHealth({ services: [service('web'), { serviceArn: 'x' }] })).toEqual({
      level: 'ok',
      reason: '1 service healthy, 1 without counts',
    });
    expect(worstHealthLevel(['ok', 'unknown', 'degraded'])).toBe('degraded');
    expect(worstHealthLevel([])).toBe('ok');
  });
});

describe('judgeClusterHealth', () => {
  const cluster = { status: 'ACTIVE', activeServicesCount: 25, registeredContainerInstancesCount: 2 };
  const first = { containerInstanceArn: 'ci-1', ec2InstanceId: 'i-0aaa', status: 'ACTIVE', agentConnected: true };
  const second = { containerInstanceArn: 'ci-2', ec2InstanceId: 'i-0bbb', status: 'DRAINING', agentConnected: true };
  const up = [first, second];
  const disconnected = [{ ...first, agentConnected: false }, second];

  it('is clusterHealth exactly when everything is known (what `snapshot` shows)', () => {
    const services = [service('web'), service('api', { runningCount: 1 })];
    for (const failuresLastHour of [0, 2]) {
      for (const instances of [up, disconnected]) {
        const evidence = { cluster, services, failuresLastHour, instances };
        expect(judgeClusterHealth(evidence)).toEqual(clusterHealth(evidence));
      }
    }
  });

  it('judges a cluster out of focus by its failures and agents, without its services', () => {
    expect(judgeClusterHealth({ cluster, failuresLastHour: 0, instances: up })).toEqual({
      level: 'ok',
      reason: 'no failed tasks in the last hour, 2 agents connected · services not listed (select it)',
    });
    expect(judgeClusterHealth({ cluster, failuresLastHour: 7, instances: up })).toEqual({
      level: 'degraded',
      reason: '7 failed tasks in the last hour · services not listed (select it)',
    });
    expect(judgeClusterHealth({ cluster, failuresLastHour: 0, instances: disconnected })).toEqual({
      level: 'degraded',
      reason: 'agent disconnected on i-0aaa · services not listed (select it)',
    });
    expect(judgeClusterHealth({ cluster: { status: 'FAILED' } }).level).toBe('failing');
  });

  it('is unknown only while the feeds it needs have not answered, and takes "none" from the cluster counts', () => {
    expect(judgeClusterHealth({ cluster })).toEqual({
      level: 'unknown',
      reason: 'not read yet: stopped tasks, instances',
    });
    expect(judgeClusterHealth({ cluster, failuresLastHour: 0 })).toEqual({
      level: 'unknown',
      reason: 'not read yet: instances',
    });
    // A Fargate-only cluster has no instances to list; one without services has nothing to list either.
    const fargate = { ...cluster, registeredContainerInstancesCount: 0 };
    expect(judgeClusterHealth({ cluster: fargate, failuresLastHour: 0 }).level).toBe('ok');
    const empty = { ...fargate, activeServicesCount: 0 };
    expect(judgeClusterHealth({ cluster: empty, failuresLastHour: 0 })).toEqual({ level: 'ok', reason: 'no services' });
  });
});
