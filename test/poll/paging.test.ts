/**
 * Endless paging seen from the monitor: the feed stops with an error naming the operation instead of walking a
 * token loop for ever, and the header marks the feed as failing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { Monitor } from '../../src/poll/monitor.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { createEcsStore } from '../../src/store/store.ts';
import { feedAgeSpan } from '../../src/ui/components/Header.tsx';
import { closeRawEndpoints, rawEndpoint } from '../support/rawEndpoint.ts';

let monitor: Monitor | undefined;
afterEach(async () => {
  monitor?.stop();
  monitor = undefined;
  await closeRawEndpoints();
});

describe('the monitor against a page token that comes back', () => {
  it('the clusters feed fails with one sentence naming ListClusters, and the header shows it failing', async () => {
    let served = 0;
    const looping = await rawEndpoint((_req, res) => {
      served++;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({ clusterArns: [`arn:aws:ecs:us-east-1:123456789012:cluster/c${served}`], nextToken: 'again' }),
      );
    });
    const scheduler = new VirtualScheduler(0);
    const gateway = await createSdkGateway({
      endpoint: looping.url,
      simulator: true,
      budgetPerSecond: 1000,
      scheduler,
      maxAttempts: 1,
    });
    const store = createEcsStore();
    monitor = new Monitor({ gateway, store, scheduler });
    monitor.start();
    const deadline = performance.now() + 10_000;
    while (store.getState().meta.get(feedKey.clusters)?.lastError === undefined) {
      if (performance.now() > deadline) throw new Error('the clusters feed never failed');
      await flushMicrotasks();
    }
    const error = store.getState().meta.get(feedKey.clusters)?.lastError;
    expect(error?.kind).toBe('paging');
    expect(error?.message).toBe(
      `${looping.url} sent ListClusters round in a loop (a page token came back after 2 pages); stopped paging.`,
    );
    expect(looping.operations).toEqual(['ListClusters', 'ListClusters']);
    expect(feedAgeSpan('clusters', store.getState().meta.get(feedKey.clusters), scheduler.now())).toMatchObject({
      text: 'clusters ✗ -',
      tone: 'error',
    });
  });
});
