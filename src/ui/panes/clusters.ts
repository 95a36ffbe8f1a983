/**
 * The Clusters pane: one row per cluster with its health judged from the cheap feeds, the cluster to open on, and
 * the columns that draw them.
 */
import { shortName } from '../../domain/arn.ts';
import { countFailuresSince } from '../../domain/failures.ts';
import { MISSING } from '../../domain/format.ts';
import { type Health, judgeClusterHealth } from '../../domain/health.ts';
import { canonicalStatus } from '../../domain/lifecycle.ts';
import type { Cluster, Service } from '../../domain/model.ts';
import { clusterOfFeed, feedKey } from '../../store/feeds.ts';
import type { EcsState, ScopedInstance } from '../../store/store.ts';
import type { Column } from '../components/table.ts';
import { HEALTH_ORDER, healthColumn, safe } from './cells.ts';
import { groupBy, memoLast } from './memo.ts';

const HOUR = 3_600_000;

export interface ClusterRow {
  arn: string;
  cluster: Cluster;
  name: string;
  health: Health;
  failuresLastHour: number;
  /** The cluster the other panes show (and the fast pollers watch). */
  watched: boolean;
  /** Known only for clusters whose instances we listed. */
  draining?: number;
}

/** The feeds a cluster's health is judged from. */
const CLUSTER_FEEDS = ['services', 'instances', 'stopped'] as const;

/**
 * The cluster feeds (services, instances, stopped tasks) that have answered at least once, as one string: it stays
 * equal (===) across polls, so the cluster rows are not rebuilt each time a feed's freshness changes.
 */
export function loadedFeedsKey(meta: EcsState['meta']): string {
  const keys: string[] = [];
  for (const [key, value] of meta) {
    if (value.lastSuccessAt === undefined) continue;
    if (CLUSTER_FEEDS.some((feed) => clusterOfFeed(key, feed) !== undefined)) keys.push(key);
  }
  return keys.sort().join('\n');
}

/**
 * A cluster's health as the Clusters pane and the cluster detail show it: the same judgement as `snapshot`
 * (judgeClusterHealth), over what the cluster's feeds have read so far (`loaded` answers for a feed key).
 */
export function clusterHealthSoFar(
  cluster: Cluster,
  known: { services: readonly Service[]; instances: readonly ScopedInstance[]; failuresLastHour: number },
  loaded: (feed: string) => boolean,
): Health {
  const arn = cluster.clusterArn;
  return judgeClusterHealth({
    cluster,
    ...(loaded(feedKey.services(arn)) ? { services: known.services } : {}),
    // Failures restored from the recorder count before the stopped tasks are read.
    ...(loaded(feedKey.stopped(arn)) || known.failuresLastHour > 0 ? { failuresLastHour: known.failuresLastHour } : {}),
    ...(loaded(feedKey.instances(arn)) ? { instances: known.instances } : {}),
  });
}

export const selectClusterRows = memoLast(
  (
    clusters: EcsState['clusters'],
    services: EcsState['services'],
    instances: EcsState['instances'],
    occurrences: EcsState['failureOccurrences'],
    minute: number,
    watched: string | undefined,
    loadedKey: string,
  ): ClusterRow[] => {
    const since = minute * 60_000 - HOUR;
    const loaded = new Set(loadedKey.split('\n'));
    const servicesByCluster = groupBy(services.values(), (service) => service.clusterArn);
    const instancesByCluster = groupBy(instances.values(), (instance) => instance.clusterArn);
    const occurrencesByCluster = groupBy(occurrences.values(), (occurrence) => occurrence.clusterArn);
    return [...clusters.values()].map((cluster) => {
      const arn = cluster.clusterArn;
      const clusterInstances = instancesByCluster.get(arn);
      const failuresLastHour = countFailuresSince(occurrencesByCluster.get(arn) ?? [], since);
      const row: ClusterRow = {
        arn,
        cluster,
        name: safe(cluster.clusterName ?? shortName(arn)),
        watched: arn === watched,
        failuresLastHour,
        health: clusterHealthSoFar(
          cluster,
          { services: servicesByCluster.get(arn) ?? [], instances: clusterInstances ?? [], failuresLastHour },
          (key) => loaded.has(key),
        ),
      };
      if (clusterInstances) {
        row.draining = clusterInstances.filter((i) => canonicalStatus(i.status) === 'DRAINING').length;
      }
      return row;
    });
  },
);

/**
 * The cluster to open on: the one named (--cluster, by name or ARN), else the most troubled cluster that has
 * services (worst health, then most failures, then most tasks pending), else the most troubled of all.
 */
export function initialCluster(rows: readonly ClusterRow[], wanted?: string): ClusterRow | undefined {
  const name = wanted?.toLowerCase();
  if (name) {
    const named = rows.find((row) => row.arn.toLowerCase() === name || row.name.toLowerCase() === name);
    if (named) return named;
  }
  const withServices = rows.filter((row) => (row.cluster.activeServicesCount ?? 0) > 0);
  const ranked = [...(withServices.length > 0 ? withServices : rows)].sort(
    (a, b) =>
      HEALTH_ORDER[b.health.level] - HEALTH_ORDER[a.health.level] ||
      b.failuresLastHour - a.failuresLastHour ||
      (b.cluster.pendingTasksCount ?? 0) - (a.cluster.pendingTasksCount ?? 0) ||
      a.name.localeCompare(b.name),
  );
  return ranked[0];
}
export function clusterColumns(ascii: boolean): Column<ClusterRow>[] {
  return [
    {
      id: 'name',
      title: 'CLUSTER',
      width: 14,
      flex: 1,
      value: (r) => (r.watched ? { text: `${r.name} ${ascii ? '@' : '●'}`, tone: 'accent' } : r.name),
      sortValue: (r) => r.name,
    },
    healthColumn(ascii, 3),
    {
      id: 'status',
      title: 'STATUS',
      width: 8,
      priority: 0,
      value: (r) => safe(r.cluster.status ?? MISSING),
      sortValue: (r) => r.cluster.status,
    },
    {
      id: 'services',
      title: 'SVC',
      width: 4,
      align: 'right',
      value: (r) => String(r.cluster.activeServicesCount ?? MISSING),
      sortValue: (r) => r.cluster.activeServicesCount,
    },
    {
      id: 'tasks',
      title: 'RUN/PEND',
      width: 8,
      align: 'right',
      value: (r) => `${r.cluster.runningTasksCount ?? '?'}/${r.cluster.pendingTasksCount ?? '?'}`,
      sortValue: (r) => r.cluster.runningTasksCount,
    },
    {
      id: 'instances',
      title: 'INST(DRAIN)',
      width: 11,
      align: 'right',
      value: (r) => `${r.cluster.registeredContainerInstancesCount ?? '?'}${r.draining ? `(${r.draining})` : ''}`,
      sortValue: (r) => r.cluster.registeredContainerInstancesCount,
    },
    {
      id: 'failures',
      title: 'FAIL/1h',
      width: 7,
      priority: 2,
      align: 'right',
      value: (r) => (r.failuresLastHour > 0 ? { text: String(r.failuresLastHour), tone: 'error' } : '0'),
      sortValue: (r) => r.failuresLastHour,
    },
    {
      id: 'reason',
      title: 'WHY',
      width: 12,
      flex: 3,
      priority: 0,
      value: (r) => ({ text: safe(r.health.reason), tone: 'muted' }),
    },
  ];
}
