import { describe, expect, it } from 'vitest';
import { taskDefinitionFamily } from '../../src/domain/arn.ts';
import {
  canonicalStatus,
  compareTaskStatus,
  essentialContainerNames,
  isKnownTaskStatus,
  isStaleTaskUpdate,
  isTaskStopping,
  isTaskTerminal,
  isTerminalStatus,
  phaseOfStatus,
  stopContainer,
  stopExitCode,
  TASK_STATUS_ORDER,
  taskStatusRank,
} from '../../src/domain/lifecycle.ts';

describe('task status order', () => {
  it('ranks the lifecycle in order, DELETED last', () => {
    const ranks = TASK_STATUS_ORDER.map((status) => taskStatusRank(status));
    expect(ranks).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(taskStatusRank('RUNNING')).toBeLessThan(taskStatusRank('DEACTIVATING'));
    expect(taskStatusRank('DELETED')).toBeGreaterThan(taskStatusRank('STOPPED'));
  });

  it('compares case-insensitively and reports unknown statuses as -1', () => {
    expect(taskStatusRank('running')).toBe(taskStatusRank('RUNNING'));
    expect(taskStatusRank(' Stopped ')).toBe(7);
    expect(taskStatusRank('HIBERNATING')).toBe(-1);
    expect(taskStatusRank(undefined)).toBe(-1);
    expect(taskStatusRank(3)).toBe(-1);
    expect(isKnownTaskStatus('PENDING')).toBe(true);
    expect(isKnownTaskStatus('')).toBe(false);
    expect(canonicalStatus('  ')).toBeUndefined();
  });

  it('sorts known statuses by lifecycle and unknown ones after them', () => {
    const sorted = ['STOPPED', 'ZOMBIE', 'PENDING', 'AWAKE', 'RUNNING', 'PROVISIONING'].sort(compareTaskStatus);
    expect(sorted).toEqual(['PROVISIONING', 'PENDING', 'RUNNING', 'STOPPED', 'AWAKE', 'ZOMBIE']);
    expect(compareTaskStatus('RUNNING', undefined)).toBeLessThan(0);
    expect(compareTaskStatus(undefined, 'AWAKE')).toBeLessThan(0);
  });
});

describe('phases and final states', () => {
  it.each([
    ['PROVISIONING', 'queued'],
    ['PENDING', 'queued'],
    ['ACTIVATING', 'starting'],
    ['RUNNING', 'running'],
    ['DEACTIVATING', 'stopping'],
    ['STOPPING', 'stopping'],
    ['DEPROVISIONING', 'stopping'],
    ['STOPPED', 'stopped'],
    ['DELETED', 'stopped'],
    ['running', 'running'],
    ['HIBERNATING', 'unknown'],
    [undefined, 'unknown'],
  ])('phaseOfStatus(%s) = %s', (status, phase) => {
    expect(phaseOfStatus(status)).toBe(phase);
  });

  it('treats STOPPED and DELETED as terminal, nothing else', () => {
    expect(isTerminalStatus('STOPPED')).toBe(true);
    expect(isTerminalStatus('DELETED')).toBe(true);
    expect(isTerminalStatus('stopped')).toBe(true);
    for (const status of ['RUNNING', 'DEPROVISIONING', 'STOPPING', 'UNKNOWN', undefined]) {
      expect(isTerminalStatus(status)).toBe(false);
    }
    expect(isTaskTerminal({ lastStatus: 'DELETED' })).toBe(true);
    expect(isTaskTerminal({})).toBe(false);
  });

  it('calls a task stopping when it is asked to stop and has not yet', () => {
    expect(isTaskStopping({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING' })).toBe(true);
    expect(isTaskStopping({ desiredStatus: 'STOPPED', lastStatus: 'DEPROVISIONING' })).toBe(true);
    expect(isTaskStopping({ desiredStatus: 'STOPPED' })).toBe(true);
    expect(isTaskStopping({ desiredStatus: 'STOPPED', lastStatus: 'STOPPED' })).toBe(false);
    expect(isTaskStopping({ desiredStatus: 'STOPPED', lastStatus: 'DELETED' })).toBe(false);
    expect(isTaskStopping({ desiredStatus: 'RUNNING', lastStatus: 'STOPPING' })).toBe(false);
  });

  it('drops updates older than what we hold, by version', () => {
    expect(isStaleTaskUpdate({ version: 5 }, { version: 4 })).toBe(true);
    expect(isStaleTaskUpdate({ version: 5 }, { version: 5 })).toBe(false);
    expect(isStaleTaskUpdate({ version: 5 }, { version: 6 })).toBe(false);
    expect(isStaleTaskUpdate({}, { version: 1 })).toBe(false);
    expect(isStaleTaskUpdate({ version: 5 }, {})).toBe(false);
  });
});

describe('the container that explains a stop', () => {
  const containers = [
    { name: 'envoy', exitCode: 137 },
    { name: 'app', exitCode: 1, reason: 'crashed' },
    { name: 'init', exitCode: 0 },
    { name: 'never-started' },
  ];

  it('prefers the essential container that exited non-zero', () => {
    expect(stopContainer({ containers }, ['app'])?.name).toBe('app');
    expect(stopExitCode({ containers }, ['app'])).toBe(1);
  });

  it('prefers a non-zero exit over an earlier clean one', () => {
    const ordered = [
      { name: 'init', exitCode: 0 },
      { name: 'app', exitCode: 1 },
    ];
    expect(stopExitCode({ containers: ordered })).toBe(1);
    expect(stopExitCode({ containers: ordered }, ['init', 'app'])).toBe(1);
  });

  it('falls back to an exited essential, then to any container', () => {
    expect(stopExitCode({ containers }, ['init'])).toBe(0);
    expect(stopExitCode({ containers }, ['never-started'])).toBe(137);
    expect(stopExitCode({ containers })).toBe(137);
    expect(stopExitCode({ containers: [{ name: 'a', exitCode: 0 }] })).toBe(0);
    expect(stopExitCode({ containers: [{ name: 'a' }] })).toBeUndefined();
    expect(stopExitCode({})).toBeUndefined();
  });

  it('reads essential names from a task definition, essential by default', () => {
    expect(
      essentialContainerNames([
        { name: 'app' },
        { name: 'log', essential: false },
        { name: 'proxy', essential: true },
        { essential: true },
      ]),
    ).toEqual(['app', 'proxy']);
    expect(essentialContainerNames(undefined)).toEqual([]);
  });
});

describe('task definition family', () => {
  it.each([
    ['arn:aws:ecs:us-east-1:1:task-definition/payments:12', 'payments'],
    ['payments:12', 'payments'],
    ['payments', 'payments'],
    ['my:family:3', 'my:family'],
    ['', undefined],
  ])('taskDefinitionFamily(%s) = %s', (input, family) => {
    expect(taskDefinitionFamily(input)).toBe(family);
  });
});
