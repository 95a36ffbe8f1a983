/**
 * Opening on a cluster: the requested one (name or ARN), else the most troubled one with services, as soon as
 * clusters are known; its row in the Clusters pane becomes the selected one. Runs beside the screen, not in it.
 */
import type { EcsState, EcsStore } from '../../store/store.ts';
import { type ClusterRow, initialCluster } from '../panes/clusters.ts';
import type { PaneTables } from '../panes/registry.ts';
import { type UiStore, updateList } from './uiStore.ts';

export interface InitialClusterInput {
  ecs: EcsStore;
  ui: UiStore;
  tables: PaneTables;
  /** Points the fast pollers at the cluster: the controller's focusCluster. */
  focusCluster(arn: string): void;
  wanted?: string;
}

/** Picks the first cluster once one can be picked; returns the unsubscribe (a no-op once picked). */
export function followInitialCluster({ ecs, ui, tables, focusCluster, wanted }: InitialClusterInput): () => void {
  const pick = (state: EcsState) => {
    if (ui.getState().cluster !== undefined || state.clusters.size === 0) return;
    let chosen: string | undefined;
    try {
      const rows = tables.paneTable('clusters', state, ui.getState()).items as readonly ClusterRow[];
      chosen = initialCluster(rows, wanted)?.arn;
    } catch {
      // A record that cannot be judged must not keep the app from opening: the first cluster by name then.
      chosen = [...state.clusters.keys()].sort()[0];
    }
    if (chosen === undefined) return;
    focusCluster(chosen);
    updateList(ui, 'clusters', { selectedKey: chosen });
  };
  pick(ecs.getState());
  return ecs.subscribe((next, previous) => {
    if (next.clusters !== previous.clusters) pick(next);
  });
}
