import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import {
  DEFAULT_BUCKETS,
  effectiveBucket,
  normalizeThrottleConfig,
  THROTTLE_CATEGORIES,
  Throttler,
  TokenBucket,
  throttleCategoryOf,
} from '../../../src/sim/throttle.ts';

const acceptedOf = (throttler: Throttler, operation: string, calls: number) => {
  let accepted = 0;
  for (let i = 0; i < calls; i++) if (throttler.tryAcquire(operation)) accepted++;
  return accepted;
};

describe('TokenBucket', () => {
  it('allows a burst, then refills at its rate on the clock', () => {
    const bucket = new TokenBucket({ burst: 3, refillPerSecond: 2 }, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.tryTake(400)).toBe(false); // 0.8 tokens
    expect(bucket.tryTake(500)).toBe(true); // 1 token
    expect(bucket.tokens(100_000)).toBe(3); // never above the burst
  });
});

describe('Throttler', () => {
  it('has the documented ECS-like defaults', () => {
    expect(DEFAULT_BUCKETS.clusterRead).toEqual({ burst: 50, refillPerSecond: 20 });
    expect(DEFAULT_BUCKETS.stopTask).toEqual({ burst: 100, refillPerSecond: 40 });
    expect(DEFAULT_BUCKETS.updateContainerInstancesState).toEqual({ burst: 50, refillPerSecond: 10 });
    expect(DEFAULT_BUCKETS.serviceWrite).toEqual({ burst: 20, refillPerSecond: 1 });
    expect(throttleCategoryOf('DescribeClusters')).toBe('clusterRead');
    expect(throttleCategoryOf('DescribeTasks')).toBe('taskRead');
    expect(throttleCategoryOf('toString')).toBeUndefined();
  });

  it('throttles cluster reads after a burst of 50 while the clock stands still, and refills 20/s', () => {
    const clock = new ManualClock(0);
    const throttler = new Throttler({}, clock);
    expect(acceptedOf(throttler, 'ListClusters', 30) + acceptedOf(throttler, 'DescribeClusters', 30)).toBe(50);
    // Another category has its own bucket.
    expect(acceptedOf(throttler, 'ListTasks', 100)).toBe(100);
    clock.advance(1000);
    expect(acceptedOf(throttler, 'ListClusters', 100)).toBe(20);
  });

  it('takes per-category overrides and a global multiplier', () => {
    const clock = new ManualClock(0);
    const throttler = new Throttler({ buckets: { taskRead: { burst: 2, refillPerSecond: 0 } } }, clock);
    expect(acceptedOf(throttler, 'DescribeTasks', 5)).toBe(2);
    clock.advance(60_000);
    expect(acceptedOf(throttler, 'DescribeTasks', 5)).toBe(0);
    expect(effectiveBucket({ multiplier: 0.1 }, 'taskRead')).toEqual({ burst: 10, refillPerSecond: 2 });
    throttler.setConfig({ multiplier: 0.1 });
    expect(acceptedOf(throttler, 'DescribeTasks', 50)).toBe(10);
  });

  it('lets everything through when disabled, and never throttles unknown operations', () => {
    const throttler = new Throttler(false, new ManualClock(0));
    expect(acceptedOf(throttler, 'ListClusters', 500)).toBe(500);
    throttler.setConfig({ multiplier: 0 });
    expect(acceptedOf(throttler, 'ListClusters', 1)).toBe(0);
    expect(acceptedOf(throttler, 'DeleteCluster', 3)).toBe(3);
  });

  it('validates configs from JSON, naming the bad field', () => {
    expect(normalizeThrottleConfig(false)).toBe(false);
    expect(normalizeThrottleConfig({ buckets: { runTask: { burst: 1, refillPerSecond: 0 } } })).toEqual({
      buckets: { runTask: { burst: 1, refillPerSecond: 0 } },
    });
    expect(() => normalizeThrottleConfig({ buckets: { nope: { burst: 1, refillPerSecond: 1 } } })).toThrow(
      /throttling.buckets.nope/,
    );
    expect(() => normalizeThrottleConfig({ multiplier: -1 })).toThrow(/multiplier/);
    expect(() => normalizeThrottleConfig({ buckets: { runTask: { burst: 'x', refillPerSecond: 1 } } })).toThrow(
      /runTask.burst/,
    );
    expect(() => normalizeThrottleConfig({ bursts: 1 })).toThrow(/throttling.bursts/);
    expect(THROTTLE_CATEGORIES).toContain('taskSetRead');
  });
});
