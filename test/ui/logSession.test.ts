import { describe, expect, it } from 'vitest';
import type { Service } from '../../src/domain/model.ts';
import { serviceTasks } from '../../src/ui/logs/session.ts';
import { CLUSTER, makeTask } from './synthetic.tsx';

const SERVICE: Service = {
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
  serviceName: 'web',
  clusterArn: CLUSTER,
  deployments: [{ id: 'ecs-svc/2', status: 'PRIMARY', rolloutState: 'COMPLETED', updatedAt: 5 }],
};

const ids = (found: { tasks: { taskArn: string }[] }) => found.tasks.map((task) => task.taskArn.split('/').pop());

describe('serviceTasks', () => {
  const tasks = [
    makeTask('run1', { startedBy: 'ecs-svc/2' }),
    makeTask('run2', { startedBy: 'ecs-svc/2' }),
    makeTask('other', { group: 'service:api' }),
    makeTask('old1', { startedBy: 'ecs-svc/1', lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: 100 }),
    makeTask('old2', { startedBy: 'ecs-svc/1', lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: 90 }),
    makeTask('older', { startedBy: 'ecs-svc/0', lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stoppedAt: 10 }),
  ];

  it('gives the running tasks of the service, not another service’s', () => {
    expect(ids(serviceTasks(tasks, SERVICE, 'running'))).toEqual(['run1', 'run2']);
  });

  it('gives the stopped tasks of a deployment rolled back out of the service’s list (the most recent one)', () => {
    const found = serviceTasks(tasks, SERVICE, 'failed');
    expect(found.deployment).toBe('ecs-svc/1');
    expect(ids(found)).toEqual(['old1', 'old2']);
  });

  it('prefers a deployment whose rollout FAILED', () => {
    const failing: Service = {
      ...SERVICE,
      deployments: [
        ...(SERVICE.deployments ?? []),
        { id: 'ecs-svc/0', status: 'ACTIVE', rolloutState: 'FAILED', updatedAt: 4 },
      ],
    };
    expect(serviceTasks(tasks, failing, 'failed').deployment).toBe('ecs-svc/0');
    expect(ids(serviceTasks(tasks, failing, 'failed'))).toEqual(['older']);
  });

  it('finds none when no deployment failed', () => {
    expect(serviceTasks(tasks.slice(0, 2), SERVICE, 'failed')).toEqual({ tasks: [] });
  });
});
