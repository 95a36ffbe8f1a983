import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src/lib/random.ts';
import { type FaultConfig, FaultInjector, normalizeFaultConfig, rewriteBody } from '../../../src/sim/faults.ts';

const kinds = (injector: FaultInjector, operation: string, n: number) =>
  Array.from({ length: n }, () => injector.decide(operation).kind);

describe('FaultInjector', () => {
  it('injects nothing by default', () => {
    const injector = new FaultInjector({}, new SeededRandom(1));
    expect(new Set(kinds(injector, 'ListTasks', 50))).toEqual(new Set(['none']));
    expect(injector.latencyFor('ListTasks')).toBe(0);
  });

  it('fires a fault with rate 1 on every call', () => {
    for (const [field, kind] of [
      ['serverErrorRate', 'server-error'],
      ['resetRate', 'reset'],
      ['hangRate', 'hang'],
      ['htmlErrorRate', 'html'],
    ] as const) {
      const injector = new FaultInjector({ [field]: 1 }, new SeededRandom(1));
      expect(new Set(kinds(injector, 'ListTasks', 20))).toEqual(new Set([kind]));
    }
  });

  it('draws rates from the seed: the same seed gives the same sequence, roughly at the rate', () => {
    const config: FaultConfig = { serverErrorRate: 0.3 };
    const a = kinds(new FaultInjector(config, new SeededRandom(42)), 'ListTasks', 1000);
    const b = kinds(new FaultInjector(config, new SeededRandom(42)), 'ListTasks', 1000);
    const c = kinds(new FaultInjector(config, new SeededRandom(43)), 'ListTasks', 1000);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const errors = a.filter((k) => k === 'server-error').length;
    expect(errors).toBeGreaterThan(230);
    expect(errors).toBeLessThan(370);
  });

  it('restricts rates and latency to the listed operations', () => {
    const injector = new FaultInjector(
      { serverErrorRate: 1, latencyMs: 250, operations: ['DescribeTasks'] },
      new SeededRandom(1),
    );
    expect(injector.decide('ListTasks').kind).toBe('none');
    expect(injector.latencyFor('ListTasks')).toBe(0);
    expect(injector.decide('DescribeTasks').kind).toBe('server-error');
    expect(injector.latencyFor('DescribeTasks')).toBe(250);
  });

  it('answers configured errors for their operation, with defaults for message and status', () => {
    const injector = new FaultInjector(
      {
        errors: [
          { operation: 'DescribeServices', type: 'AccessDeniedException' },
          { type: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
        ],
      },
      new SeededRandom(1),
    );
    expect(injector.decide('DescribeServices')).toEqual({
      kind: 'error',
      type: 'AccessDeniedException',
      message: 'Simulated AccessDeniedException.',
      status: 400,
    });
    expect(injector.decide('ListTasks')).toEqual({
      kind: 'error',
      type: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
      status: 400,
    });
  });

  it('draws latency ranges within bounds, deterministically, without shifting fault draws', () => {
    const withLatency = new FaultInjector({ latencyMs: [10, 20], serverErrorRate: 0.5 }, new SeededRandom(7));
    const without = new FaultInjector({ serverErrorRate: 0.5 }, new SeededRandom(7));
    const latencies: number[] = [];
    const faultsA: string[] = [];
    const faultsB: string[] = [];
    for (let i = 0; i < 200; i++) {
      latencies.push(withLatency.latencyFor('ListTasks'));
      faultsA.push(withLatency.decide('ListTasks').kind);
      faultsB.push(without.decide('ListTasks').kind);
    }
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...latencies)).toBeLessThanOrEqual(20);
    expect(new Set(latencies).size).toBeGreaterThan(5);
    expect(faultsA).toEqual(faultsB);
  });

  it('rewrites the answers of the listed operation: a raw body, fields set by path, padding', () => {
    const injector = new FaultInjector(
      { bodies: [{ operation: 'DescribeServices', set: { 'services.1.createdAt': 'soon' }, padBytes: 3 }] },
      new SeededRandom(1),
    );
    expect(injector.bodyFor('ListTasks')).toBeUndefined();
    const rewrite = injector.bodyFor('DescribeServices');
    expect(rewrite).toBeDefined();
    const answer = JSON.stringify({ services: [{ createdAt: 1 }, { createdAt: 2 }] });
    expect(rewriteBody(answer, rewrite ?? {})).toBe('{"services":[{"createdAt":1},{"createdAt":"soon"}]}   ');
    expect(rewriteBody(answer, { raw: '' })).toBe('');
    expect(() => normalizeFaultConfig({ bodies: [{ padBytes: -1 }] })).toThrow(/bodies\[0\]\.padBytes/);
    expect(() => normalizeFaultConfig({ bodies: [{ set: [] }] })).toThrow(/bodies\[0\]\.set/);
  });

  it('replaces its config with set()', () => {
    const injector = new FaultInjector({ hangRate: 1 }, new SeededRandom(1));
    injector.set({});
    expect(injector.decide('ListTasks').kind).toBe('none');
    expect(injector.config).toEqual({});
  });
});

describe('normalizeFaultConfig', () => {
  it('accepts a full config and refuses bad fields by name', () => {
    const config = {
      latencyMs: [5, 10],
      serverErrorRate: 0.1,
      resetRate: 0.1,
      hangRate: 0.1,
      htmlErrorRate: 0.1,
      errors: [{ operation: 'ListTasks', type: 'AccessDeniedException', status: 403, rate: 0.5 }],
      operations: ['ListTasks'],
    };
    expect(normalizeFaultConfig(config)).toEqual(config);
    expect(() => normalizeFaultConfig({ serverErrorRate: 2 })).toThrow(/serverErrorRate/);
    expect(() => normalizeFaultConfig({ serverErrorRate: 0.6, resetRate: 0.6 })).toThrow(/exceed 1/);
    expect(() => normalizeFaultConfig({ latencyMs: [10, 5] })).toThrow(/latencyMs/);
    expect(() => normalizeFaultConfig({ errors: [{ operation: 'X' }] })).toThrow(/errors\[0\].type/);
    expect(() => normalizeFaultConfig({ latency: 5 })).toThrow(/faults.latency is not/);
    expect(() => normalizeFaultConfig([])).toThrow(/object/);
  });
});
