import { describe, expect, it } from 'vitest';
import {
  actionRecord,
  parseRecord,
  RECORD_FORMAT_VERSION,
  serviceEventFailureRecord,
  stoppedTaskRecord,
  transitionRecord,
} from '../../src/recorder/records.ts';
import { NOW, oomTask, paymentsService, placementEvent } from './helpers.ts';

describe('records', () => {
  it('reads back only the fields it knows, dropping optional ones of the wrong type', () => {
    const parsed = parseRecord({
      v: RECORD_FORMAT_VERSION,
      kind: 'transition',
      at: NOW,
      taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t',
      lastStatus: 'RUNNING',
      desiredStatus: { not: 'a string' },
      group: 'service:web',
      injected: 'ignored',
    });
    expect(parsed).toEqual({
      v: RECORD_FORMAT_VERSION,
      kind: 'transition',
      at: NOW,
      taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t',
      lastStatus: 'RUNNING',
      group: 'service:web',
    });
  });

  it('validates a recorded task with the domain normaliser', () => {
    const record = stoppedTaskRecord(oomTask('t'), NOW);
    const tampered = JSON.parse(JSON.stringify(record));
    tampered.task.stoppedAt = 'yesterday';
    tampered.task.containers[0].exitCode = 'one hundred';
    const parsed = parseRecord(tampered);
    if (parsed?.kind !== 'stopped-task') throw new Error('a task with an ARN is still a record');
    expect(parsed.task.stoppedAt).toBeUndefined();
    expect(parsed.task.containers?.[0]?.exitCode).toBeUndefined();
    expect(parsed.task.containers?.[0]?.name).toBe('app');
  });

  it('refuses times that are not positive epoch milliseconds', () => {
    const base = actionRecord({ at: NOW, id: 'a', phase: 'after', operation: 'StopTask', targets: [] });
    expect(parseRecord(base)).toEqual(base);
    for (const at of [0, -5, Number.NaN, '1736931600000', null]) expect(parseRecord({ ...base, at })).toBeUndefined();
  });

  it('builds nothing from input that cannot make a record', () => {
    expect(transitionRecord({ taskArn: 'arn:t' }, NOW)).toBeUndefined();
    expect(serviceEventFailureRecord(paymentsService, { id: 'e', message: 'no time' })).toBeUndefined();
    expect(serviceEventFailureRecord(paymentsService, { id: 'e', createdAt: NOW })).toBeUndefined();
    const steady = { id: 'e', createdAt: NOW, message: '(service payments) has reached a steady state.' };
    expect(serviceEventFailureRecord(paymentsService, steady)).toBeUndefined();
    expect(serviceEventFailureRecord(paymentsService, placementEvent('p'))).toMatchObject({ source: 'service-event' });
  });
});
