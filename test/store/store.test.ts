import { describe, expect, it } from 'vitest';
import type { Service, Task } from '../../src/domain/model.ts';
import {
  createEcsStore,
  mergeEvents,
  pruneEntities,
  setInstances,
  setServices,
  upsertTasks,
} from '../../src/store/store.ts';

const CLUSTER = 'arn:aws:ecs:us-east-1:1:cluster/prod';
const task = (id: string, extra: Partial<Task> = {}): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:1:task/prod/${id}`,
  clusterArn: CLUSTER,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  version: 3,
  containers: [{ name: 'app', lastStatus: 'RUNNING' }],
  ...extra,
});

describe('the store', () => {
  it('keeps every reference when an update changes nothing', () => {
    const store = createEcsStore();
    upsertTasks(store, [task('a'), task('b')], 1000);
    const before = store.getState();
    upsertTasks(store, [task('a'), task('b')], 2000);
    const after = store.getState();
    expect(after).toBe(before);
    expect(after.tasks).toBe(before.tasks);
  });

  it('replaces only the entity that changed', () => {
    const store = createEcsStore();
    upsertTasks(store, [task('a'), task('b')], 1000);
    const before = store.getState().tasks;
    upsertTasks(store, [task('a'), task('b', { lastStatus: 'DEACTIVATING', version: 4 })], 2000);
    const after = store.getState().tasks;
    expect(after).not.toBe(before);
    expect(after.get(task('a').taskArn)).toBe(before.get(task('a').taskArn));
    expect(after.get(task('b').taskArn)?.lastStatus).toBe('DEACTIVATING');
  });

  it('never lets an older version overwrite a newer one, and records transitions as observed', () => {
    const store = createEcsStore();
    upsertTasks(store, [task('a', { lastStatus: 'PENDING', version: 1 })], 1000);
    upsertTasks(store, [task('a', { lastStatus: 'RUNNING', version: 2 })], 6000);
    upsertTasks(store, [task('a', { lastStatus: 'PENDING', version: 1 })], 11_000);
    const state = store.getState();
    expect(state.tasks.get(task('a').taskArn)?.lastStatus).toBe('RUNNING');
    expect(state.transitions.get(task('a').taskArn)).toEqual([
      { status: 'PENDING', at: 1000 },
      { status: 'RUNNING', at: 6000 },
    ]);
  });

  it('replaces a cluster listing: instances gone from it are removed, other clusters untouched', () => {
    const store = createEcsStore();
    const other = 'arn:aws:ecs:us-east-1:1:cluster/other';
    setInstances(store, CLUSTER, [{ containerInstanceArn: 'i1' }, { containerInstanceArn: 'i2' }]);
    setInstances(store, other, [{ containerInstanceArn: 'o1' }]);
    setInstances(store, CLUSTER, [{ containerInstanceArn: 'i2' }]);
    expect([...store.getState().instances.keys()].sort()).toEqual(['i2', 'o1']);
    pruneEntities(store, 'instances', ['o1']);
    expect([...store.getState().instances.keys()]).toEqual(['i2']);
  });

  it('merges service events across polls without duplicates, newest first', () => {
    const store = createEcsStore();
    const service = (events: Service['events']): Service => ({
      serviceArn: 'arn:aws:ecs:us-east-1:1:service/prod/web',
      clusterArn: CLUSTER,
      events,
    });
    setServices(store, CLUSTER, [
      service([
        { id: 'e2', createdAt: 2000, message: 'b' },
        { id: 'e1', createdAt: 1000, message: 'a' },
      ]),
    ]);
    // ECS returns at most 100 latest: an older event falls off its list but stays in ours
    setServices(store, CLUSTER, [
      service([
        { id: 'e3', createdAt: 3000, message: 'c' },
        { id: 'e2', createdAt: 2000, message: 'b' },
      ]),
    ]);
    const events = store.getState().serviceEvents.get('arn:aws:ecs:us-east-1:1:service/prod/web');
    expect(events?.map((e) => e.id)).toEqual(['e3', 'e2', 'e1']);
    const same = mergeEvents(events ?? [], [{ id: 'e3', createdAt: 3000, message: 'c' }]);
    expect(same).toBe(events);
  });
});
