/** The logs client made on first use, and the header's logs budget beside the ECS one once logs are in use. */
import { describe, expect, it } from 'vitest';
import { lazyLogsAccess } from '../../src/logs/access.ts';
import type { LogsGateway } from '../../src/logs/types.ts';
import type { ResourceMeta } from '../../src/store/store.ts';
import { freshnessLine } from '../../src/ui/components/Header.tsx';

const text = (spans: { text: string }[]) => spans.map((span) => span.text).join('');

/** A gateway whose numbers the test sets; only what the access reads of it. */
function gatewayWith(rate: number, closed: string[]): LogsGateway & { close: () => void } {
  return {
    target: { kind: 'simulator', region: 'us-east-1' },
    stats: () => ({ total: 4, throttled: 1, errors: 0, byOperation: {}, ratePerSecond: rate, inFlight: 0 }),
    budget: () => ({ ceiling: 2, effective: 2 }),
    close: () => closed.push('closed'),
  } as unknown as LogsGateway & { close: () => void };
}

describe('lazyLogsAccess', () => {
  it('makes the gateway once, on first use, and retries a creation that failed', async () => {
    const closed: string[] = [];
    let attempts = 0;
    const access = lazyLogsAccess(async () => {
      attempts++;
      if (attempts === 1) throw new Error('no region');
      return gatewayWith(0.4, closed);
    });
    expect(attempts).toBe(0);
    expect(access.usage()).toBeUndefined();
    await expect(access.gateway()).rejects.toThrow('no region');
    const [first, second] = await Promise.all([access.gateway(), access.gateway()]);
    expect(first).toBe(second);
    expect(attempts).toBe(2);
    expect(access.usage()).toEqual({ ratePerSecond: 0.4, ceiling: 2, throttled: 1, errors: 0 });
    access.close();
    expect(closed).toEqual(['closed']);
  });
});

describe('the header', () => {
  const fresh: ResourceMeta = { inFlight: false, lastSuccessAt: 1_000 };
  const meta = new Map<string, ResourceMeta>([['clusters', fresh]]);
  const api = { ratePerSecond: 1.2, budgetCeiling: 10, throttled: 0, errors: 0 };

  it('shows the logs budget next to the ECS one once logs are used, and fits 80 columns', () => {
    expect(text(freshnessLine(meta, api, 'c', 13_000, 200))).not.toContain('logs');
    const logs = { ratePerSecond: 0.4, ceiling: 2, throttled: 0 };
    expect(text(freshnessLine(meta, api, 'c', 13_000, 200, { logs }))).toMatch(
      /API 1\.2\/s of 10\/s · throttled 0 · logs 0\.4\/s of 2\/s$/,
    );
    const narrow = text(freshnessLine(meta, api, 'c', 13_000, 80, { logs }));
    expect(narrow.length).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/API 1\.2 of 10\/s thr 0 logs 0\.4 of 2\/s$/);
  });
});
