/** Detail views as lines, from exact records: what each one must say. */
import { describe, expect, it } from 'vitest';
import type { Service, Task } from '../../src/domain/model.ts';
import { createEcsStore, type EcsState, setInstances, setServices, upsertTasks } from '../../src/store/store.ts';
import {
  describeLines,
  instanceDetailLines,
  type Line,
  serviceDetailLines,
  taskDetailLines,
} from '../../src/ui/panes/details.ts';
import { CLUSTER, makeTask, NOW } from './synthetic.tsx';

const text = (lines: Line[]) => lines.map((line) => line.map((span) => span.text).join('')).join('\n');
const toneOf = (lines: Line[], needle: string) => lines.flat().find((span) => span.text.includes(needle))?.tone;

function stateWith(setup: (store: ReturnType<typeof createEcsStore>) => void): EcsState {
  const store = createEcsStore();
  setup(store);
  return store.getState();
}

const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/api';

describe('service detail', () => {
  const service: Service = {
    serviceArn: SERVICE_ARN,
    serviceName: 'api',
    clusterArn: CLUSTER,
    status: 'ACTIVE',
    desiredCount: 4,
    runningCount: 3,
    pendingCount: 1,
    deployments: [
      {
        id: 'ecs-svc/2',
        status: 'PRIMARY',
        taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2',
        desiredCount: 4,
        runningCount: 1,
        pendingCount: 1,
        failedTasks: 2,
        rolloutState: 'IN_PROGRESS',
        createdAt: NOW - 120_000,
      },
      { id: 'ecs-svc/1', status: 'ACTIVE', desiredCount: 0, runningCount: 2, rolloutState: 'COMPLETED' },
    ],
    events: [
      { id: 'a', createdAt: NOW - 300_000, message: '(service api) has reached a steady state.' },
      {
        id: 'b',
        createdAt: NOW - 60_000,
        message: '(service api) was unable to place a task because no container instance met all of its requirements.',
      },
      { id: 'c', createdAt: NOW - 30_000, message: '(service api) (task 1234) failed container health checks.' },
    ],
  };

  it('lists deployments with their rollout and the events newest first, failures standing out', () => {
    const state = stateWith((store) => setServices(store, CLUSTER, [service]));
    const lines = serviceDetailLines(state, SERVICE_ARN, NOW);
    const all = text(lines);
    expect(all).toMatch(/PRIMARY\s+ecs-svc\/2\s+api:2\s+desired 4 running 1 pending 1 failed 2\s+IN_PROGRESS/);
    expect(all).toContain('ACTIVE   ecs-svc/1');
    const order = ['failed container health checks', 'was unable to place', 'steady state'].map((m) => all.indexOf(m));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(toneOf(lines, 'was unable to place')).toBe('error');
    expect(toneOf(lines, 'health checks')).toBe('warn');
    expect(all).toContain('✗ (service api) was unable to place');
    expect(all).not.toContain('Task sets');
  });
});

describe('service detail: each deployment names its revision', () => {
  it('family:revision of every deployment, sanitised, and a dash for one that names none', () => {
    const rolling: Service = {
      serviceArn: SERVICE_ARN,
      serviceName: 'api',
      clusterArn: CLUSTER,
      deployments: [
        {
          id: 'ecs-svc/3',
          status: 'PRIMARY',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api\u001b[2J\u202e:3',
        },
        {
          id: 'ecs-svc/2',
          status: 'ACTIVE',
          taskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/api:2',
        },
        { id: 'ecs-svc/1', status: 'ACTIVE' },
      ],
    };
    const all = text(
      serviceDetailLines(
        stateWith((store) => setServices(store, CLUSTER, [rolling])),
        SERVICE_ARN,
        NOW,
      ),
    );
    expect(all).toMatch(/PRIMARY\s+ecs-svc\/3\s+api:3\s/);
    expect(all).toMatch(/ACTIVE\s+ecs-svc\/2\s+api:2\s/);
    expect(all).toMatch(/ACTIVE\s+ecs-svc\/1\s+-\s/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting no control survives
    expect(all).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('task detail', () => {
  const task: Task = makeTask('abc', {
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    createdAt: NOW - 100_000,
    pullStartedAt: NOW - 95_000,
    pullStoppedAt: NOW - 65_000,
    startedAt: NOW - 60_000,
    executionStoppedAt: NOW - 20_000,
    stoppingAt: NOW - 19_000,
    stoppedAt: NOW - 10_000,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited\nsecond line of the reason',
    containers: [
      { name: 'app', image: 'repo/app:1', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: killed' },
      { name: 'sidecar', image: 'repo/side:2', lastStatus: 'STOPPED', exitCode: 0 },
    ],
    overrides: {
      containerOverrides: [{ name: 'app', command: ['run', '--fast'], environment: [{ name: 'MODE', value: 'x' }] }],
      cpu: '512',
    },
  });

  it('shows every timestamp in order with the gap since the previous one, and the durations', () => {
    const state = stateWith((store) => upsertTasks(store, [task], NOW));
    const all = text(taskDetailLines(state, task.taskArn, NOW, '15m'));
    const lifecycle = all.slice(all.indexOf('Lifecycle'), all.indexOf('queued for'));
    const stamps = [...lifecycle.matchAll(/^(\w+)\s+2026-11-24 \d\d:\d\d:\d\dZ\s*(\+\S+)?$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(stamps).toEqual([
      ['createdAt', undefined],
      ['pullStartedAt', '+5s'],
      ['pullStoppedAt', '+30s'],
      ['startedAt', '+5s'],
      ['executionStoppedAt', '+40s'],
      ['stoppingAt', '+1s'],
      ['stoppedAt', '+9s'],
    ]);
    expect(all).toMatch(/queued for\s+40s/);
    expect(all).toMatch(/image pull\s+30s/);
    expect(all).toMatch(/ran for\s+40s/);
  });

  it('shows the stop code, the whole reason, each container and the overrides', () => {
    const state = stateWith((store) => upsertTasks(store, [task], NOW));
    const lines = taskDetailLines(state, task.taskArn, NOW, '15m');
    const all = text(lines);
    expect(all).toMatch(/stop code\s+EssentialContainerExited/);
    expect(all).toContain('Essential container in task exited');
    expect(all).toContain('second line of the reason');
    expect(all).toContain('✗ failed (out-of-memory)');
    expect(all).toMatch(/app\s+STOPPED\s+exit 137/);
    expect(all).toMatch(/sidecar\s+STOPPED\s+exit 0/);
    expect(toneOf(lines, 'exit 137')).toBe('error');
    expect(toneOf(lines, 'exit 0')).toBe('ok');
    expect(all).toMatch(/app command\s+run --fast/);
    expect(all).toMatch(/app env\s+MODE=x/);
    expect(all).toMatch(/task cpu\/memory\s+512\/-/);
    expect(all).toMatch(/timeline 15m\s.*(137✗|✗137)/);
    // The task's own life at full width: every phase shows, in order, and the stop with its exit code.
    const lifetime = all.split('\n').find((line) => line.startsWith('lifetime'));
    expect(lifetime).toMatch(/░+▒+▓*█+▄*✗137/);
  });
});

describe('instance detail and describe', () => {
  it('names the standalone task that holds a draining instance, and not the service tasks', () => {
    const instanceArn = 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/i1';
    const state = stateWith((store) => {
      setInstances(store, CLUSTER, [
        { containerInstanceArn: instanceArn, ec2InstanceId: 'i-0abc', status: 'DRAINING' },
      ]);
      upsertTasks(
        store,
        [
          makeTask('svc1', { containerInstanceArn: instanceArn }),
          makeTask('job1', {
            containerInstanceArn: instanceArn,
            group: 'family:migrate',
            startedBy: 'ops',
            taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:4',
          }),
          makeTask('old', {
            containerInstanceArn: instanceArn,
            group: 'family:x',
            startedBy: 'ops',
            lastStatus: 'STOPPED',
          }),
        ],
        NOW,
      );
    });
    const all = text(instanceDetailLines(state, instanceArn, NOW));
    expect(all).toMatch(/progress\s+2 tasks left; held by migrate:4 \(standalone\)/);
    expect(all).toContain('blocking: migrate:4 started by ops (task job1)');
    expect(all).not.toContain('blocking: web:3');
    expect(all).toContain('Tasks on this instance (2)');
  });

  it('describes the raw record as JSON lines, sanitised', () => {
    const lines = describeLines({ name: 'x\u001b[2Jy', tags: [{ key: 'k' }] });
    const all = text(lines);
    expect(all).toContain('"name": "x\\u001b[2Jy"');
    expect(all).not.toContain('\u001b');
    expect(text(describeLines(undefined))).toContain('the record is gone');
  });
});
