/**
 * The names of the freshness feeds in the store's `meta`: one place for the pollers that write them and the UI that
 * reads them.
 */
export type ClusterFeed = 'services' | 'tasks' | 'instances' | 'stopped';

export const feedKey = {
  clusters: 'clusters',
  services: (cluster: string) => `services:${cluster}`,
  tasks: (cluster: string) => `tasks:${cluster}`,
  instances: (cluster: string) => `instances:${cluster}`,
  stopped: (cluster: string) => `stopped:${cluster}`,
} as const;

/** The cluster a feed key of the given kind is about, or undefined for a key of another kind. */
export function clusterOfFeed(key: string, feed: ClusterFeed): string | undefined {
  const prefix = `${feed}:`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}
