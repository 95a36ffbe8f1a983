/**
 * `ecsdeck snapshot`: one pass over the account through the same gateway and store as the live app, then a
 * plain summary: clusters, services (desired, running, pending, rollout), instances and recent failures.
 */
import { shortName, taskDefinitionLabel } from '../domain/arn.ts';
import { countFailuresSince, type FailureOccurrence, taskFailureOccurrence } from '../domain/failures.ts';
import { deploymentProgress, judgeClusterHealth, serviceHealth } from '../domain/health.ts';
import { instanceAttribute, resourceValue } from '../domain/model.ts';
import type { EcsGateway } from '../ecs/gateway.ts';
import type { RecorderRecord } from '../recorder/records.ts';
import {
  addFailures,
  createEcsStore,
  type EcsState,
  setClusters,
  setInstances,
  setServices,
  upsertTasks,
} from '../store/store.ts';
import type { MonitorObserver } from './monitor.ts';
import { restoreFromRecords } from './recording.ts';

export interface SnapshotService {
  name: string;
  status?: string;
  desired?: number;
  running?: number;
  pending?: number;
  taskDefinition?: string;
  launchType?: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  failedTasks?: number;
  deployments: number;
  health: string;
  healthReason: string;
}

export interface SnapshotInstance {
  ec2InstanceId?: string;
  containerInstanceArn: string;
  status?: string;
  agentConnected?: boolean;
  availabilityZone?: string;
  instanceType?: string;
  runningTasks?: number;
  cpuUsed?: number;
  cpuRegistered?: number;
  memoryUsed?: number;
  memoryRegistered?: number;
}

export interface SnapshotFailureGroup {
  group: string;
  stopCode?: string;
  reason: string;
  exitCode?: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface SnapshotCluster {
  name: string;
  arn: string;
  status?: string;
  activeServices?: number;
  runningTasks?: number;
  pendingTasks?: number;
  instances?: number;
  drainingInstances: number;
  failuresLastHour: number;
  health: string;
  healthReason: string;
  services: SnapshotService[];
  containerInstances: SnapshotInstance[];
  failures: SnapshotFailureGroup[];
}

export interface Snapshot {
  takenAt: number;
  target: { kind: string; region: string; profile?: string; endpoint?: string };
  clusters: SnapshotCluster[];
}

/**
 * How `snapshot` calls ECS. A one-shot command must finish however small the account's quota: throttling is
 * waited out (the budget halves, calls back off with jitter) until one call has been throttled for two minutes
 * without a break; other transient failures get three attempts, and anything else ends it at once.
 */
export const SNAPSHOT_GATEWAY_SETTINGS = { maxAttempts: 3, throttlePatienceMs: 120_000 } as const;

/**
 * Loads everything a snapshot shows into a fresh store. `history` (the flight recorder's records) comes first, so
 * failures ECS has forgotten still count; `observer` hears the failed stopped tasks seen, to record them.
 */
export async function collectSnapshotState(
  gateway: EcsGateway,
  now: () => number,
  options: { signal?: AbortSignal; history?: readonly RecorderRecord[]; observer?: MonitorObserver } = {},
): Promise<EcsState> {
  const store = createEcsStore();
  const signal = options.signal;
  if (options.history) restoreFromRecords(store, options.history, now());
  const clusterArns = await gateway.listClusters({ signal });
  const { items: clusters } = await gateway.describeClusters(clusterArns, { signal });
  setClusters(store, clusters, { complete: true });
  await Promise.all(
    clusters.map(async (cluster) => {
      const arn = cluster.clusterArn;
      const [services, instances, stopped] = await Promise.all([
        gateway.listServices(arn, { signal }).then((arns) => gateway.describeServices(arn, arns, { signal })),
        gateway
          .listContainerInstances(arn, {}, { signal })
          .then((arns) => gateway.describeContainerInstances(arn, arns, { signal })),
        gateway
          .listTasks(arn, { desiredStatus: 'STOPPED' }, { signal })
          .then((arns) => gateway.describeTasks(arn, arns, { signal })),
      ]);
      setServices(store, arn, services.items);
      setInstances(store, arn, instances.items);
      upsertTasks(store, stopped.items, now());
      const occurrences = stopped.items.flatMap((task) => taskFailureOccurrence(task, { observedAt: now() }) ?? []);
      addFailures(store, occurrences);
      const failed = new Set(occurrences.map((occurrence) => occurrence.id));
      const failedTasks = stopped.items.filter((task) => failed.has(task.taskArn));
      if (failedTasks.length > 0) options.observer?.failedTasks?.(failedTasks, now());
    }),
  );
  return store.getState();
}

const HOUR = 3600_000;

export function buildSnapshot(state: EcsState, target: Snapshot['target'], takenAt: number): Snapshot {
  const clusters = [...state.clusters.values()].map((cluster): SnapshotCluster => {
    const arn = cluster.clusterArn;
    const services = [...state.services.values()].filter((s) => s.clusterArn === arn);
    const instances = [...state.instances.values()].filter((i) => i.clusterArn === arn);
    const occurrences = [...state.failureOccurrences.values()].filter((o) => o.clusterArn === arn);
    const failuresLastHour = countFailuresSince(occurrences, takenAt - HOUR);
    // Everything is known here; the Clusters pane uses the same judgement over what it has read so far.
    const health = judgeClusterHealth({ cluster, services, failuresLastHour, instances });
    return {
      name: cluster.clusterName ?? shortName(arn),
      arn,
      status: cluster.status,
      activeServices: cluster.activeServicesCount,
      runningTasks: cluster.runningTasksCount,
      pendingTasks: cluster.pendingTasksCount,
      instances: cluster.registeredContainerInstancesCount,
      drainingInstances: instances.filter((i) => i.status === 'DRAINING').length,
      failuresLastHour,
      health: health.level,
      healthReason: health.reason,
      services: services
        .map((service): SnapshotService => {
          const progress = deploymentProgress(service);
          const serviceHealthMark = serviceHealth(service);
          const primary = service.deployments?.find((d) => d.status === 'PRIMARY');
          return {
            name: service.serviceName ?? shortName(service.serviceArn),
            status: service.status,
            desired: service.desiredCount,
            running: service.runningCount,
            pending: service.pendingCount,
            taskDefinition: service.taskDefinition ? taskDefinitionLabel(service.taskDefinition) : undefined,
            launchType: service.launchType ?? service.capacityProviderStrategy?.[0]?.capacityProvider,
            rolloutState: progress?.rolloutState,
            rolloutStateReason: primary?.rolloutStateReason,
            failedTasks: progress?.failedTasks,
            deployments: service.deployments?.length ?? 0,
            health: serviceHealthMark.level,
            healthReason: serviceHealthMark.reason,
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name)),
      containerInstances: instances
        .map((instance): SnapshotInstance => {
          const cpuRegistered = resourceValue(instance.registeredResources, 'CPU');
          const cpuRemaining = resourceValue(instance.remainingResources, 'CPU');
          const memoryRegistered = resourceValue(instance.registeredResources, 'MEMORY');
          const memoryRemaining = resourceValue(instance.remainingResources, 'MEMORY');
          return {
            ec2InstanceId: instance.ec2InstanceId,
            containerInstanceArn: instance.containerInstanceArn,
            status: instance.status,
            agentConnected: instance.agentConnected,
            availabilityZone: instance.availabilityZone ?? instanceAttribute(instance, 'ecs.availability-zone'),
            instanceType: instance.instanceType ?? instanceAttribute(instance, 'ecs.instance-type'),
            runningTasks: instance.runningTasksCount,
            cpuUsed:
              cpuRegistered !== undefined && cpuRemaining !== undefined ? cpuRegistered - cpuRemaining : undefined,
            cpuRegistered,
            memoryUsed:
              memoryRegistered !== undefined && memoryRemaining !== undefined
                ? memoryRegistered - memoryRemaining
                : undefined,
            memoryRegistered,
          };
        })
        .sort((a, b) => (a.ec2InstanceId ?? '').localeCompare(b.ec2InstanceId ?? '')),
      failures: groupOccurrences(occurrences),
    };
  });
  clusters.sort((a, b) => a.name.localeCompare(b.name));
  return { takenAt, target, clusters };
}

function groupOccurrences(occurrences: FailureOccurrence[]): SnapshotFailureGroup[] {
  const groups = new Map<string, SnapshotFailureGroup>();
  for (const occurrence of occurrences) {
    const s = occurrence.signature;
    const group = groups.get(s.key);
    if (group) {
      group.count++;
      group.firstSeen = Math.min(group.firstSeen, occurrence.at);
      group.lastSeen = Math.max(group.lastSeen, occurrence.at);
    } else {
      groups.set(s.key, {
        group: s.group,
        stopCode: s.stopCode,
        reason: s.containerReason ? `${s.reason} (${s.containerReason})` : s.reason,
        exitCode: s.exitCode,
        count: 1,
        firstSeen: occurrence.at,
        lastSeen: occurrence.at,
      });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || b.lastSeen - a.lastSeen);
}
