import type { SimFailure } from '../errors.ts';
import type { SimCluster } from '../model/types.ts';
import type { OperationHandler } from './context.ts';
import { arnOf, readCapacityProviderStrategy, readInclude, readTags } from './inputs.ts';
import { compareStrings, isString, paginate, readPageRequest } from './paging.ts';
import { wireCluster } from './serialize.ts';

const CLUSTER_INCLUDES = ['ATTACHMENTS', 'CONFIGURATIONS', 'SETTINGS', 'STATISTICS', 'TAGS'] as const;

export const listClusters: OperationHandler = ({ model }, params) => {
  const page = paginate<SimCluster, string>(
    model.state.clusters.values(),
    (cluster) => cluster.arn,
    compareStrings,
    readPageRequest(params, 100, isString),
  );
  return { clusterArns: page.items.map((cluster) => cluster.arn), nextToken: page.nextToken };
};

export const describeClusters: OperationHandler = ({ model }, params) => {
  const refs = params.stringList('clusters', { maxItems: 100 }) ?? [];
  const include = readInclude(params, CLUSTER_INCLUDES);
  const flags = {
    statistics: include.has('STATISTICS'),
    settings: include.has('SETTINGS'),
    tags: include.has('TAGS'),
    attachments: include.has('ATTACHMENTS'),
  };
  // No clusters named means the default cluster, as in ECS.
  const wanted = refs.length === 0 ? ['default'] : refs;
  const clusters: Record<string, unknown>[] = [];
  const failures: SimFailure[] = [];
  for (const ref of wanted) {
    const cluster = model.findCluster(ref);
    if (cluster) clusters.push(wireCluster(model, cluster, flags));
    else failures.push({ arn: arnOf(model, 'cluster', ref), reason: 'MISSING' });
  }
  return { clusters, failures };
};

export const createCluster: OperationHandler = ({ model }, params) => {
  const clusterName = params.string('clusterName', {
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    patternHint: 'up to 255 letters, numbers, hyphens and underscores',
  });
  const settings = params.objectList('settings')?.map((setting) => ({
    name: setting.requireString('name', { values: ['containerInsights'] }),
    value: setting.requireString('value', { values: ['enabled', 'disabled', 'enhanced'] }),
  }));
  // Accepted for compatibility; the simulator has no use for them.
  params.object('configuration');
  params.object('serviceConnectDefaults');
  const cluster = model.createCluster({
    clusterName,
    tags: readTags(params),
    settings,
    capacityProviders: params.stringList('capacityProviders'),
    defaultCapacityProviderStrategy: readCapacityProviderStrategy(params, 'defaultCapacityProviderStrategy'),
  });
  return {
    cluster: wireCluster(model, cluster, { statistics: false, settings: true, tags: true, attachments: false }),
  };
};
