/** Writes of the CloudWatch slices of the store (metrics/poller.ts): copy-on-write, nothing when nothing changed. */
import type { ClusterReservation, MetricsApiMeta, ServiceUtilisation, TaskInsights } from '../domain/utilisation.ts';
import { sameValue } from './equality.ts';
import type { EcsStore } from './store.ts';

type Keyed<T> = ReadonlyMap<string, T>;

function merged<T>(current: Keyed<T>, updates: ReadonlyMap<string, T>, keep?: (key: string) => boolean): Keyed<T> {
  let next: Map<string, T> | undefined;
  for (const [key, value] of updates) {
    if (sameValue(current.get(key), value)) continue;
    next ??= new Map(current);
    next.set(key, value);
  }
  if (keep) {
    for (const key of current.keys()) {
      if (updates.has(key) || keep(key)) continue;
      next ??= new Map(current);
      next.delete(key);
    }
  }
  return next ?? current;
}

/** Sets the given services' utilisation; with `keep`, drops the others it does not keep (memory stays bounded). */
export function setServiceUtilisation(
  store: EcsStore,
  updates: ReadonlyMap<string, ServiceUtilisation>,
  keep?: (arn: string) => boolean,
): void {
  const current = store.getState().serviceUtilisation;
  const next = merged(current, updates, keep);
  if (next !== current) store.setState({ serviceUtilisation: next });
}

export function setClusterReservation(store: EcsStore, updates: ReadonlyMap<string, ClusterReservation>): void {
  const current = store.getState().clusterReservation;
  const next = merged(current, updates);
  if (next !== current) store.setState({ clusterReservation: next });
}

/** Sets one task's Container Insights figures; the others are dropped (one task detail is open at a time). */
export function setTaskInsights(store: EcsStore, taskArn: string, insights: TaskInsights): void {
  const current = store.getState().taskInsights;
  const next = merged(current, new Map([[taskArn, insights]]), () => false);
  if (next !== current) store.setState({ taskInsights: next });
}

export function setMetricsApi(store: EcsStore, api: MetricsApiMeta): void {
  if (sameValue(store.getState().metricsApi, api)) return;
  store.setState({ metricsApi: api });
}
