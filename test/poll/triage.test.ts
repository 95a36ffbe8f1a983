/**
 * "What is broken across the account", from the Clusters pane: every cluster's health is judged from cheap data
 * (DescribeClusters, the stopped-task feed, the slow instance listing), agrees with `snapshot`, and stays within the
 * request budget. Simulator over HTTP through the real SDK, on virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/domain/model.ts';
import { DEFAULT_CADENCE } from '../../src/poll/monitor.ts';
import { buildSnapshot, collectSnapshotState } from '../../src/poll/snapshot.ts';
import { busiestSecond } from '../../src/sim/requestLog.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { loadedFeedsKey, selectClusterRows } from '../../src/ui/panes/clusters.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function clusterRows(h: Harness) {
  const state = h.store.getState();
  return selectClusterRows(
    state.clusters,
    state.services,
    state.instances,
    state.failureOccurrences,
    Math.floor(h.scheduler.now() / 60_000),
    h.monitor.focusedCluster,
    loadedFeedsKey(state.meta),
  );
}

function clusterNamed(h: Harness, name: string): Cluster {
  const cluster = [...h.store.getState().clusters.values()].find((c) => c.clusterName === name);
  if (!cluster) throw new Error(`no cluster ${name}`);
  return cluster;
}

async function clustersLoaded(h: Harness): Promise<void> {
  h.monitor.start();
  await h.runUntil(() => h.store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined, {
    deadlineMs: 60_000,
  });
}

describe('every cluster judged from cheap data', () => {
  it('demo: staging (disconnected agent, stuck drain) is degraded while prod is in focus, as `snapshot` says', async () => {
    harness = await startHarness();
    const h = harness;
    await clustersLoaded(h);
    const prod = clusterNamed(h, 'prod');
    const staging = clusterNamed(h, 'staging');
    h.monitor.focusCluster(prod.clusterArn);
    await h.runUntil(() => clusterRows(h).every((row) => row.health.level !== 'unknown'), { deadlineMs: 20_000 });

    const rows = clusterRows(h);
    const stagingRow = rows.find((row) => row.arn === staging.clusterArn);
    expect(stagingRow?.watched).toBe(false);
    expect(stagingRow?.health.level).toBe('degraded');
    expect(stagingRow?.health.reason).toMatch(/agent disconnected/);
    expect(stagingRow?.draining).toBe(1);
    // Judged without listing staging's services: the cheap feeds were enough.
    expect(h.store.getState().meta.get(feedKey.services(staging.clusterArn))).toBeUndefined();

    // `snapshot` of the same account at the same moment judges every cluster the same.
    let snapshotState: Awaited<ReturnType<typeof collectSnapshotState>> | undefined;
    void collectSnapshotState(h.gateway, () => h.scheduler.now()).then((state) => {
      snapshotState = state;
    });
    await h.runUntil(() => snapshotState !== undefined);
    const snapshot = buildSnapshot(snapshotState as NonNullable<typeof snapshotState>, { kind: 'sim', region: '' }, 0);
    const paneLevels = Object.fromEntries(clusterRows(h).map((row) => [row.name, row.health.level]));
    const snapshotLevels = Object.fromEntries(snapshot.clusters.map((cluster) => [cluster.name, cluster.health]));
    expect(paneLevels).toEqual(snapshotLevels);
    expect(paneLevels.staging).toBe('degraded');
  });

  it('large: no cluster is unknown after the first background cycles, within a budget of 10 calls a second', async () => {
    harness = await startHarness({
      sim: { scenario: 'large', throttling: {} },
      gateway: { budgetPerSecond: 10 },
    });
    const h = harness;
    const startedAt = h.scheduler.now();
    await clustersLoaded(h);
    const clusters = [...h.store.getState().clusters.values()];
    expect(clusters).toHaveLength(20);
    h.monitor.focusCluster(clusters[0]?.clusterArn);
    // The first cycle of every cluster's slow feeds (each runs once a minute; their first runs are spread out).
    const read = (feed: string) => h.store.getState().meta.get(feed)?.lastSuccessAt !== undefined;
    await h.runUntil(
      () => clusters.every((c) => read(feedKey.stopped(c.clusterArn)) && read(feedKey.instances(c.clusterArn))),
      {
        deadlineMs: 25_000,
      },
    );
    const judgedAfterMs = h.scheduler.now() - startedAt;
    expect(judgedAfterMs).toBeLessThan(DEFAULT_CADENCE.backgroundInstancesMs + DEFAULT_CADENCE.clustersMs);

    const rows = clusterRows(h);
    const levels = rows.map((row) => row.health.level);
    expect(levels).not.toContain('unknown');
    // The scenario's failing services, draining instances and disconnected agents show across the account.
    expect(levels.filter((level) => level === 'degraded' || level === 'failing').length).toBeGreaterThanOrEqual(2);
    const disconnected = rows.filter((row) => /agent/.test(row.health.reason));
    expect(disconnected.length).toBeGreaterThanOrEqual(1);

    const entries = h.sim.server.requestLog.list();
    expect(busiestSecond(entries)).toBeLessThanOrEqual(10);
    expect(entries.filter((e) => e.outcome === 'throttled')).toHaveLength(0);
    const instanceCalls = entries.filter((e) => e.operation === 'DescribeContainerInstances');
    // One listing per cluster (the focused one may have had a second by now).
    expect(new Set(instanceCalls.map((e) => e.cluster)).size).toBe(20);
    expect(instanceCalls.length).toBeLessThanOrEqual(20 + 2);
  });
});
