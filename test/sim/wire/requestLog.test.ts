import { describe, expect, it } from 'vitest';
import { busiestSecond, RequestLog, type RequestLogEntry } from '../../../src/sim/requestLog.ts';

const entry = (operation: string, outcome: RequestLogEntry['outcome'] = 'ok'): Omit<RequestLogEntry, 'seq'> => ({
  service: 'ecs',
  operation,
  at: 1000,
  simAt: 2000,
  status: outcome === 'ok' ? 200 : 400,
  outcome,
  requestId: 'r',
  durationMs: 0,
});

describe('RequestLog', () => {
  it('finds the busiest sliding second of arrivals, not the busiest calendar second', () => {
    expect(busiestSecond([])).toBe(0);
    // Two calendar seconds of 2 requests each, but 4 within 1 s of each other: 900, 950 | 1000, 1050.
    expect(busiestSecond([{ at: 1050 }, { at: 900 }, { at: 1000 }, { at: 950 }])).toBe(4);
    // Exactly a second apart: two windows.
    expect(busiestSecond([{ at: 0 }, { at: 1000 }, { at: 2000 }])).toBe(1);
  });

  it('numbers entries in arrival order and lists copies', () => {
    const log = new RequestLog();
    log.add(entry('ListTasks'));
    log.add(entry('DescribeTasks'));
    const listed = log.list();
    expect(listed.map((e) => [e.seq, e.operation])).toEqual([
      [1, 'ListTasks'],
      [2, 'DescribeTasks'],
    ]);
    (listed[0] as RequestLogEntry).operation = 'changed';
    expect(log.list()[0]?.operation).toBe('ListTasks');
  });

  it('counts by operation and by outcome, with filters', () => {
    const log = new RequestLog();
    log.add(entry('ListTasks'));
    log.add(entry('ListTasks', 'throttled'));
    log.add(entry('DescribeTasks', 'error'));
    log.add(entry('ListTasks', 'fault'));
    expect(log.countByOperation()).toEqual({ ListTasks: 3, DescribeTasks: 1 });
    expect(log.countByOutcome()).toEqual({ ok: 1, throttled: 1, error: 1, fault: 1 });
    expect(log.count({ operation: 'ListTasks', outcome: 'throttled' })).toBe(1);
    expect(log.count({ sinceSeq: 2 })).toBe(2);
    expect(log.countByOutcome({ operation: 'ListTasks' })).toEqual({ ok: 1, throttled: 1, error: 0, fault: 1 });
  });

  it('filters by service', () => {
    const log = new RequestLog();
    log.add(entry('ListTasks'));
    log.add({ ...entry('GetLogEvents'), service: 'logs' });
    log.add({ ...entry('GetMetricData'), service: 'monitoring' });
    expect(log.list({ service: 'logs' }).map((e) => e.operation)).toEqual(['GetLogEvents']);
    expect(log.count({ service: 'ecs' })).toBe(1);
    expect(log.countByOperation({ service: 'monitoring' })).toEqual({ GetMetricData: 1 });
  });

  it('keeps only the newest entries beyond its capacity, oldest first', () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 7; i++) log.add(entry(`Op${i}`));
    expect(log.size).toBe(3);
    expect(log.list().map((e) => e.operation)).toEqual(['Op4', 'Op5', 'Op6']);
    expect(log.list().map((e) => e.seq)).toEqual([5, 6, 7]);
  });

  it('clears without reusing sequence numbers', () => {
    const log = new RequestLog();
    log.add(entry('A'));
    log.add(entry('B'));
    log.clear();
    expect(log.count()).toBe(0);
    expect(log.add(entry('C')).seq).toBe(3);
    expect(log.lastSeq).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RequestLog(0)).toThrow(RangeError);
  });
});
