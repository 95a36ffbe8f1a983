import { describe, expect, it } from 'vitest';
import {
  actionFailureOccurrence,
  classifyStop,
  countFailuresSince,
  type FailureOccurrence,
  failureGroupOf,
  failureSignature,
  groupFailures,
  isFailedStop,
  mergeFailureGroups,
  normalizeReason,
  serviceEventFailure,
  serviceOfGroup,
  signatureLabel,
  stableHash,
  taskFailureOccurrence,
} from '../../src/domain/failures.ts';
import type { Task } from '../../src/domain/model.ts';

const T0 = Date.UTC(2025, 10, 24, 3, 0, 0);
const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';
const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

let taskCounter = 0;
/** A stopped payments task that was killed for memory, with per-task ids, instance and times. */
function oomTask(overrides: Partial<Task> = {}): Task {
  taskCounter++;
  const id = taskCounter.toString(16).padStart(32, 'a');
  return {
    taskArn: `${ACCOUNT}:task/prod/${id}`,
    clusterArn: `${ACCOUNT}:cluster/prod`,
    containerInstanceArn: `${ACCOUNT}:container-instance/prod/${id.slice(-8)}1111`,
    taskDefinitionArn: `${ACCOUNT}:task-definition/payments:7`,
    group: 'service:payments',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    stoppedAt: T0 + taskCounter * 60_000,
    containers: [{ name: 'app', exitCode: 137, reason: OOM_REASON }],
    ...overrides,
  };
}

describe('classifyStop', () => {
  const stopped = (fields: Partial<Task>): Partial<Task> => ({ lastStatus: 'STOPPED', ...fields });

  it.each([
    ['TaskFailedToStart', stopped({ stopCode: 'TaskFailedToStart' }), true, 'failed-to-start'],
    [
      'EssentialContainerExited, exit 1',
      stopped({ stopCode: 'EssentialContainerExited', containers: [{ exitCode: 1 }] }),
      true,
      'container-exit',
    ],
    [
      'EssentialContainerExited, out of memory',
      stopped({ stopCode: 'EssentialContainerExited', containers: [{ exitCode: 137, reason: OOM_REASON }] }),
      true,
      'out-of-memory',
    ],
    [
      'EssentialContainerExited, unknown exit code',
      stopped({ stopCode: 'EssentialContainerExited' }),
      true,
      'container-exit',
    ],
    [
      'EssentialContainerExited, exit 0 (a finished job)',
      stopped({ stopCode: 'EssentialContainerExited', containers: [{ exitCode: 0 }] }),
      false,
      'completed',
    ],
    ['SpotInterruption', stopped({ stopCode: 'SpotInterruption' }), true, 'spot-interruption'],
    ['TerminationNotice', stopped({ stopCode: 'TerminationNotice' }), true, 'host-termination'],
    ['InfrastructureHealth', stopped({ stopCode: 'InfrastructureHealth' }), true, 'infrastructure'],
    [
      'scheduler stop for failed ELB health checks',
      stopped({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:x)',
      }),
      true,
      'health-check',
    ],
    [
      'scheduler stop for failed container health checks',
      stopped({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Task failed container health checks' }),
      true,
      'health-check',
    ],
    [
      'scheduler scale-in',
      stopped({
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/123)',
        containers: [{ exitCode: 137 }],
      }),
      false,
      'scheduler',
    ],
    [
      'user stop killed after the timeout',
      stopped({ stopCode: 'UserInitiated', stoppedReason: 'Stopped by ecsdeck', containers: [{ exitCode: 137 }] }),
      false,
      'user',
    ],
    [
      'no stop code, pull error in the reason',
      stopped({ stoppedReason: 'CannotPullContainerError: not found' }),
      true,
      'failed-to-start',
    ],
    ['no stop code, non-zero exit', stopped({ containers: [{ exitCode: 2 }] }), true, 'container-exit'],
    ['no stop code, exit 0', stopped({ containers: [{ exitCode: 0 }] }), false, 'completed'],
    ['no stop code, nothing known', stopped({}), false, 'unknown'],
    [
      'an unknown future stop code with exit 3',
      stopped({ stopCode: 'Hibernated', containers: [{ exitCode: 3 }] }),
      true,
      'container-exit',
    ],
    ['stop code in unusual case', stopped({ stopCode: 'taskfailedtostart' }), true, 'failed-to-start'],
  ])('%s', (_name, task, failed, cause) => {
    expect(classifyStop(task)).toEqual({ failed, cause });
    expect(isFailedStop(task)).toBe(failed);
  });

  it('does not judge a task that has not stopped', () => {
    expect(classifyStop({ lastStatus: 'RUNNING', containers: [{ exitCode: 1 }] })).toBeUndefined();
    expect(isFailedStop({ lastStatus: 'RUNNING' })).toBe(false);
  });

  it('judges a task on its way down that already has its stop code', () => {
    expect(classifyStop({ lastStatus: 'DEACTIVATING', stopCode: 'TaskFailedToStart' })?.failed).toBe(true);
  });

  it('uses the essential container to decide the exit code', () => {
    const task = {
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      containers: [
        { name: 'sidecar', exitCode: 1 },
        { name: 'job', exitCode: 0 },
      ],
    };
    expect(classifyStop(task, { essentialContainers: ['job'] })).toEqual({ failed: false, cause: 'completed' });
    expect(classifyStop(task)).toEqual({ failed: true, cause: 'container-exit' });
  });
});

describe('normalizeReason', () => {
  it.each([
    [
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef).',
      'Task failed ELB health checks in (target-group <arn>).',
    ],
    [
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/acme/api:1.2.3: not found',
      'CannotPullContainerError: pull image manifest has been retried <n> time(s): failed to resolve ref docker.io/acme/api:<n>.<n>.<n>: not found',
    ],
    ['(task 0123456789abcdef0123456789abcdef) failed', '(task <hex>) failed'],
    ['request 3f2b8c1e-9d4a-4f6b-8a2c-1e5d7f9b3a6c timed out', 'request <id> timed out'],
    ['dial tcp 10.0.12.7:443: i/o timeout', 'dial tcp <ip>: i/o timeout'],
    ['connect to fe80::1ff:fe23:4567:890a failed', 'connect to <ip> failed'],
    ['at 2025-11-24T03:16:05.123Z and 2025-11-24 03:16:05+02:00', 'at <time> and <time>'],
    ['since 03:16:05', 'since <time>'],
    ['eni-0a1b2c3d4e5f67890 on i-0abc12345def67890', 'eni-<hex> on i-<hex>'],
    ['ec2 t3.large x86_64 v42 ok', 'ec2 t3.large x86_64 v42 ok'],
    ['std::io error', 'std::io error'],
    ['  spaced\n\tout  ', 'spaced out'],
    ['\x1b[31mred\x1b[0m alert \u202Eevil', 'red alert evil'],
  ])('%s', (input, expected) => {
    expect(normalizeReason(input)).toBe(expected);
  });

  it('accepts anything and caps the length', () => {
    expect(normalizeReason(undefined)).toBe('');
    expect(normalizeReason('word '.repeat(200)).length).toBeLessThanOrEqual(240);
  });
});

describe('failureSignature', () => {
  it('describes the payments OOM crash', () => {
    const signature = failureSignature(oomTask());
    expect(signature).toMatchObject({
      group: 'service:payments',
      stopCode: 'EssentialContainerExited',
      reason: 'Essential container in task exited',
      containerReason: OOM_REASON,
      exitCode: 137,
      cause: 'out-of-memory',
    });
    expect(signature?.key).toMatch(/^sig-[0-9a-f]{16}$/);
    expect(signature && signatureLabel(signature)).toBe(`EssentialContainerExited · exit 137 · ${OOM_REASON}`);
  });

  it('is the same for the same failure on different tasks, instances and times', () => {
    const a = failureSignature(oomTask());
    const b = failureSignature(oomTask({ stoppedReason: 'Essential container in task exited' }));
    expect(a?.key).toBeDefined();
    expect(b?.key).toBe(a?.key);
  });

  it('groups reasons that differ only in ids', () => {
    const pull = (ref: string): Task =>
      oomTask({
        stopCode: 'TaskFailedToStart',
        stoppedReason: `CannotPullContainerError: failed to resolve ref ${ref}: not found (task ${ref.length}ab12cd34ef)`,
        containers: [{ name: 'app', reason: 'CannotPullContainerError' }],
      });
    expect(failureSignature(pull('123456789012.dkr.ecr/x:1'))?.key).toBe(
      failureSignature(pull('210987654321.dkr.ecr/x:2'))?.key,
    );
  });

  it('splits on service, stop code, exit code and reason', () => {
    const base = failureSignature(oomTask())?.key;
    expect(failureSignature(oomTask({ group: 'service:orders' }))?.key).not.toBe(base);
    expect(
      failureSignature(oomTask({ containers: [{ name: 'app', exitCode: 139, reason: OOM_REASON }] }))?.key,
    ).not.toBe(base);
    expect(failureSignature(oomTask({ stopCode: 'SpotInterruption' }))?.key).not.toBe(base);
    expect(failureSignature(oomTask({ containers: [{ name: 'app', exitCode: 137 }] }))?.key).not.toBe(base);
  });

  it('omits the container reason when it repeats the stop reason', () => {
    const reason = 'CannotPullContainerError: pull image manifest has been retried 5 time(s)';
    const signature = failureSignature(
      oomTask({ stopCode: 'TaskFailedToStart', stoppedReason: reason, containers: [{ name: 'app', reason }] }),
    );
    expect(signature?.containerReason).toBeUndefined();
    expect(signature?.exitCode).toBeUndefined();
    expect(signature && signatureLabel(signature)).toBe(
      'TaskFailedToStart · CannotPullContainerError: pull image manifest has been retried <n> time(s)',
    );
  });

  it('has no signature for a task that ended well or has not ended', () => {
    expect(failureSignature(oomTask({ stopCode: 'UserInitiated' }))).toBeUndefined();
    expect(
      failureSignature(oomTask({ lastStatus: 'RUNNING', stopCode: undefined, stoppedAt: undefined })),
    ).toBeUndefined();
  });

  it('keys are stable across versions: the recorder and other machines rely on them', () => {
    expect(stableHash('')).toBe(stableHash(''));
    expect(stableHash('a')).not.toBe(stableHash('b'));
    expect(stableHash('payments')).toMatch(/^[0-9a-f]{16}$/);
    // Pinned: a change here regroups every failure already in users' flight recorders.
    expect(stableHash('ecsdeck')).toBe('c2216d295a828ae6');
  });
});

describe('groups and occurrences', () => {
  it('files a task under its service, its group or its family', () => {
    expect(failureGroupOf({ group: 'service:api' })).toBe('service:api');
    expect(failureGroupOf({ group: 'service:api' }, 'web')).toBe('service:web');
    expect(failureGroupOf({ group: 'nightly' })).toBe('nightly');
    expect(failureGroupOf({ taskDefinitionArn: `${ACCOUNT}:task-definition/report:3` })).toBe('family:report');
    expect(failureGroupOf({})).toBe('unknown');
    expect(serviceOfGroup('service:api')).toBe('api');
    expect(serviceOfGroup('family:api')).toBeUndefined();
    expect(serviceOfGroup('service:')).toBeUndefined();
  });

  it('makes an occurrence from a failed task, timed by its stop', () => {
    const task = oomTask();
    const occurrence = taskFailureOccurrence(task, { observedAt: T0 + 999_999 });
    expect(occurrence).toMatchObject({
      id: task.taskArn,
      taskArn: task.taskArn,
      at: task.stoppedAt,
      clusterArn: task.clusterArn,
      containerInstanceArn: task.containerInstanceArn,
      service: 'payments',
    });
    const untimed = taskFailureOccurrence(oomTask({ stoppedAt: undefined }), { observedAt: T0 + 5 });
    expect(untimed?.at).toBe(T0 + 5);
    expect(taskFailureOccurrence(oomTask({ stopCode: 'UserInitiated' }), { observedAt: T0 })).toBeUndefined();
  });

  it('turns placement failures in service events into occurrences that group', () => {
    const service = {
      serviceArn: `${ACCOUNT}:service/prod/api`,
      serviceName: 'api',
      clusterArn: `${ACCOUNT}:cluster/prod`,
    };
    const message = (instance: string): string =>
      `(service api) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${instance}) has insufficient memory available.`;
    const first = serviceEventFailure(service, {
      id: 'e1',
      createdAt: T0,
      message: message('5a1b2c3d4e5f60718293a4b5c6d7e8f9'),
    });
    const second = serviceEventFailure(service, {
      id: 'e2',
      createdAt: T0 + 60_000,
      message: message('0f1e2d3c4b5a69788796a5b4c3d2e1f0'),
    });
    expect(first).toMatchObject({ id: 'event:e1', at: T0, service: 'api', clusterArn: service.clusterArn });
    expect(first?.signature.cause).toBe('placement');
    expect(first?.signature.reason.startsWith('was unable to place a task')).toBe(true);
    expect(second?.signature.key).toBe(first?.signature.key);
    expect(
      serviceEventFailure(service, { id: 'e3', createdAt: T0, message: '(service api) has reached a steady state.' }),
    ).toBeUndefined();
    expect(serviceEventFailure(service, { id: 'e4', message: message('x') })).toBeUndefined();
  });

  it('turns an action failure entry into an occurrence', () => {
    const occurrence = actionFailureOccurrence(
      { arn: `${ACCOUNT}:container-instance/prod/abc`, reason: 'RESOURCE:MEMORY' },
      { id: 'journal-7#0', at: T0, operation: 'RunTask', group: 'family:report' },
    );
    expect(occurrence).toMatchObject({
      id: 'journal-7#0',
      at: T0,
      containerInstanceArn: `${ACCOUNT}:container-instance/prod/abc`,
    });
    expect(occurrence.signature).toMatchObject({
      group: 'family:report',
      reason: 'RunTask: RESOURCE:MEMORY',
      cause: 'action',
    });
    const bare = actionFailureOccurrence({ reason: 'MISSING' }, { id: 'j#1', at: T0, operation: 'StartTask' });
    expect(bare.signature.group).toBe('action:StartTask');
    expect(bare.containerInstanceArn).toBeUndefined();
  });
});

describe('grouping', () => {
  const occurrencesOf = (tasks: Task[]): FailureOccurrence[] =>
    tasks
      .map((task) => taskFailureOccurrence(task, { observedAt: T0 }))
      .filter((occurrence): occurrence is FailureOccurrence => occurrence !== undefined);

  it('counts, dates and lists what each signature affected', () => {
    const ooms = [oomTask(), oomTask(), oomTask()];
    const exit1 = oomTask({ group: 'service:orders', containers: [{ name: 'app', exitCode: 1 }] });
    const groups = groupFailures(occurrencesOf([...ooms, exit1]));
    expect(groups).toHaveLength(2);
    const oomGroup = groups.find((group) => group.signature.group === 'service:payments');
    expect(oomGroup).toMatchObject({
      count: 3,
      firstSeen: ooms[0]?.stoppedAt,
      lastSeen: ooms[2]?.stoppedAt,
      services: ['payments'],
      clusters: [`${ACCOUNT}:cluster/prod`],
    });
    expect(oomGroup?.tasks).toEqual(ooms.map((task) => task.taskArn));
    expect(oomGroup?.instances).toHaveLength(3);
    // exit1 stopped last, so its group comes first.
    expect(groups[0]?.signature.group).toBe('service:orders');
  });

  it('keeps the same failing service of two clusters apart: the cluster is part of the signature', () => {
    const sync = (cluster: string) =>
      oomTask({
        taskArn: `${ACCOUNT}:task/${cluster}/${(++taskCounter).toString(16).padStart(32, 'b')}`,
        clusterArn: `${ACCOUNT}:cluster/${cluster}`,
        group: 'service:sync',
      });
    const groups = groupFailures(occurrencesOf([sync('prod'), sync('staging'), sync('prod')]));
    expect(groups).toHaveLength(2);
    const byCluster = new Map(groups.map((group) => [group.signature.cluster, group]));
    expect(byCluster.get(`${ACCOUNT}:cluster/prod`)).toMatchObject({ count: 2, clusters: [`${ACCOUNT}:cluster/prod`] });
    expect(byCluster.get(`${ACCOUNT}:cluster/staging`)).toMatchObject({
      count: 1,
      clusters: [`${ACCOUNT}:cluster/staging`],
    });
    for (const group of groups) expect(group.signature.group).toBe('service:sync');
  });

  it('takes the cluster from a long-form task ARN when the task carries none (records of older builds)', () => {
    const withCluster = oomTask();
    const { clusterArn: _, ...withoutCluster } = oomTask();
    const [a, b] = occurrencesOf([withCluster, withoutCluster as Task]);
    expect(b?.signature.cluster).toBe(`${ACCOUNT}:cluster/prod`);
    expect(b?.clusterArn).toBe(`${ACCOUNT}:cluster/prod`);
    expect(b?.signature.key).toBe(a?.signature.key);
    // A short-form ARN names no cluster: the signature has none rather than a wrong one.
    const { clusterArn: __, ...shortForm } = oomTask({ taskArn: `${ACCOUNT}:task/0123456789abcdef` });
    expect(occurrencesOf([shortForm as Task])[0]?.signature.cluster).toBeUndefined();
  });

  it('counts a task seen twice (live and from the recorder) once', () => {
    const task = oomTask();
    const [occurrence] = occurrencesOf([task]);
    if (!occurrence) throw new Error('expected an occurrence');
    const groups = groupFailures([occurrence, { ...occurrence }, occurrence]);
    expect(groups[0]?.count).toBe(1);
    expect(groups[0]?.tasks).toEqual([task.taskArn]);
  });

  it('lists an instance or service once however many failures it had', () => {
    const instance = `${ACCOUNT}:container-instance/prod/same`;
    const groups = groupFailures(
      occurrencesOf([oomTask({ containerInstanceArn: instance }), oomTask({ containerInstanceArn: instance })]),
    );
    expect(groups[0]?.instances).toEqual([instance]);
    expect(groups[0]?.services).toEqual(['payments']);
  });

  it('keeps only the window asked for', () => {
    const tasks = [oomTask(), oomTask(), oomTask()];
    const since = tasks[1]?.stoppedAt ?? 0;
    const groups = groupFailures(occurrencesOf(tasks), { since });
    expect(groups[0]?.count).toBe(2);
    expect(groups[0]?.firstSeen).toBe(since);
    expect(countFailuresSince(occurrencesOf(tasks), since)).toBe(2);
    expect(countFailuresSince(occurrencesOf(tasks), Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('merges incrementally to the same result as grouping everything at once', () => {
    const tasks = [
      oomTask(),
      oomTask({ group: 'service:orders', containers: [{ name: 'app', exitCode: 1 }] }),
      oomTask(),
      oomTask({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' }),
      oomTask(),
    ];
    const all = occurrencesOf(tasks);
    let groups = mergeFailureGroups(new Map(), all.slice(0, 2));
    groups = mergeFailureGroups(groups, all.slice(2, 3));
    groups = mergeFailureGroups(groups, all.slice(1, 5));
    const incremental = [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
    const batch = groupFailures(all).sort((a, b) => a.key.localeCompare(b.key));
    expect(incremental).toEqual(batch);
  });

  it('shares untouched groups and returns the same map when nothing is new', () => {
    const payments = occurrencesOf([oomTask(), oomTask()]);
    const orders = occurrencesOf([oomTask({ group: 'service:orders', containers: [{ name: 'app', exitCode: 1 }] })]);
    const before = mergeFailureGroups(new Map(), [...payments, ...orders]);
    const paymentsKey = payments[0]?.signature.key ?? '';
    const ordersKey = orders[0]?.signature.key ?? '';
    const snapshot = structuredClone([...before.entries()]);

    const same = mergeFailureGroups(before, payments);
    expect(same).toBe(before);

    const after = mergeFailureGroups(before, occurrencesOf([oomTask()]));
    expect(after).not.toBe(before);
    expect(after.get(ordersKey)).toBe(before.get(ordersKey));
    expect(after.get(paymentsKey)).not.toBe(before.get(paymentsKey));
    expect(after.get(paymentsKey)?.count).toBe(3);
    // The input map and its groups are left as they were.
    expect([...before.entries()]).toEqual(snapshot);
  });
});
