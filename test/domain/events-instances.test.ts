import { describe, expect, it } from 'vitest';
import { classifyServiceEvent, compareEventsNewestFirst, mergeServiceEvents } from '../../src/domain/events.ts';
import { drainProgress, instanceUsage, isServiceTask } from '../../src/domain/instances.ts';
import type { ServiceEvent, Task } from '../../src/domain/model.ts';

const T0 = Date.UTC(2025, 10, 24, 3, 0, 0);

describe('service events', () => {
  it.each([
    [
      '(service api) was unable to place a task because no container instance met all of its requirements.',
      'placement-failure',
    ],
    ['(service payments) (deployment ecs-svc/3) deployment failed: tasks failed to start.', 'deployment-failed'],
    ['(service payments) rolling back to deployment ecs-svc/1.', 'deployment-failed'],
    ['(service web) (task 0123abcd) failed container health checks.', 'unhealthy'],
    ['(service web) has stopped 1 running tasks: (task abc) because they are unhealthy.', 'unhealthy'],
    ['(service web) has reached a steady state.', 'steady-state'],
    ['(service web) has started 2 tasks: (task a) (task b).', 'info'],
    [undefined, 'info'],
  ])('%s is %s', (message, kind) => {
    expect(classifyServiceEvent(message)).toBe(kind);
  });

  it('orders newest first with untimed events last', () => {
    const events: ServiceEvent[] = [
      { id: 'b', createdAt: T0 },
      { id: 'none' },
      { id: 'c', createdAt: T0 + 2000 },
      { id: 'a', createdAt: T0 },
    ];
    expect(events.sort(compareEventsNewestFirst).map((event) => event.id)).toEqual(['c', 'a', 'b', 'none']);
  });

  it('merges pages without duplicates, newest first, capped', () => {
    const page1: ServiceEvent[] = [
      { id: 'e2', createdAt: T0 + 2000, message: 'two' },
      { id: 'e1', createdAt: T0 + 1000, message: 'one' },
    ];
    const history = mergeServiceEvents([], page1);
    expect(history.map((event) => event.id)).toEqual(['e2', 'e1']);
    const page2: ServiceEvent[] = [
      { id: 'e3', createdAt: T0 + 3000, message: 'three' },
      { id: 'e2', createdAt: T0 + 2000, message: 'two' },
    ];
    const merged = mergeServiceEvents(history, page2);
    expect(merged.map((event) => event.id)).toEqual(['e3', 'e2', 'e1']);
    expect(mergeServiceEvents(merged, page2, 2).map((event) => event.id)).toEqual(['e3', 'e2']);
  });

  it('keeps the same history reference when a page brings nothing new', () => {
    const history = mergeServiceEvents([], [{ id: 'e1', createdAt: T0 }]);
    expect(mergeServiceEvents(history, [{ id: 'e1', createdAt: T0 }])).toBe(history);
  });

  it('dedupes events without ids by time and message', () => {
    const page = [{ createdAt: T0, message: 'x' }];
    const history = mergeServiceEvents([], page);
    expect(mergeServiceEvents(history, [{ createdAt: T0, message: 'x' }])).toBe(history);
    expect(mergeServiceEvents(history, [{ createdAt: T0, message: 'y' }])).toHaveLength(2);
  });
});

describe('container instances', () => {
  const task = (id: string, fields: Partial<Task>): Task => ({ taskArn: id, lastStatus: 'RUNNING', ...fields });

  it('tells service tasks from standalone ones', () => {
    expect(isServiceTask({ group: 'service:web' })).toBe(true);
    expect(isServiceTask({ startedBy: 'ecs-svc/123' })).toBe(true);
    expect(isServiceTask({ group: 'family:nightly', startedBy: 'cron' })).toBe(false);
    expect(isServiceTask({})).toBe(false);
  });

  it('computes drain progress and names the standalone tasks that block it', () => {
    const nightly = task('nightly', { group: 'family:nightly' });
    const progress = drainProgress([
      task('web-1', { group: 'service:web' }),
      task('web-2', { group: 'service:web', lastStatus: 'STOPPED' }),
      nightly,
      task('api-1', { startedBy: 'ecs-svc/9', lastStatus: 'DEACTIVATING' }),
    ]);
    expect(progress).toEqual({ remaining: 3, serviceTasks: 2, blocking: [nightly], drained: false });
    expect(drainProgress([task('x', { lastStatus: 'STOPPED' })])).toEqual({
      remaining: 0,
      serviceTasks: 0,
      blocking: [],
      drained: true,
    });
  });

  it('derives used CPU and memory from registered and remaining resources', () => {
    expect(
      instanceUsage({
        registeredResources: [
          { name: 'CPU', integerValue: 2048 },
          { name: 'MEMORY', integerValue: 7680 },
        ],
        remainingResources: [
          { name: 'CPU', integerValue: 512 },
          { name: 'MEMORY', integerValue: 7680 },
        ],
      }),
    ).toEqual({ cpuRegistered: 2048, cpuUsed: 1536, memoryRegistered: 7680, memoryUsed: 0 });
    expect(instanceUsage({ registeredResources: [{ name: 'CPU', integerValue: 1024 }] })).toEqual({
      cpuRegistered: 1024,
    });
    expect(instanceUsage({})).toEqual({});
  });
});
