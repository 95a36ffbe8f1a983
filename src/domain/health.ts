/**
 * Health marks with a one-line reason: for a service (from its counts and deployments) and for a cluster (the
 * worst of its services, its recent failures, its instances' agents). Plus the progress of a service's rollout.
 */

import { shortName } from './arn.ts';
import { canonicalStatus } from './lifecycle.ts';
import type { Cluster, ContainerInstance, Deployment, Service } from './model.ts';

/** In increasing order of concern: `unknown` (no counts to judge by) ranks above ok and below degraded. */
export type HealthLevel = 'ok' | 'unknown' | 'degraded' | 'failing';

export interface Health {
  level: HealthLevel;
  /** One line for the row or header, e.g. "2/4 running" or "rollout failed: …". */
  reason: string;
}

const LEVEL_RANK: Readonly<Record<HealthLevel, number>> = { ok: 0, unknown: 1, degraded: 2, failing: 3 };

export function compareHealthLevel(a: HealthLevel, b: HealthLevel): number {
  return LEVEL_RANK[a] - LEVEL_RANK[b];
}

/** The worst of the levels (ok for none). */
export function worstHealthLevel(levels: Iterable<HealthLevel>): HealthLevel {
  let worst: HealthLevel = 'ok';
  for (const level of levels) if (LEVEL_RANK[level] > LEVEL_RANK[worst]) worst = level;
  return worst;
}

function serviceLabel(service: Pick<Service, 'serviceArn' | 'serviceName'>): string {
  return service.serviceName ?? shortName(service.serviceArn);
}

/** Deployments still in play: INACTIVE ones are history. */
function liveDeployments(service: Pick<Service, 'deployments'>): Deployment[] {
  return (service.deployments ?? []).filter((deployment) => canonicalStatus(deployment.status) !== 'INACTIVE');
}

/** The PRIMARY deployment, or (for endpoints that send no status) the newest one. */
export function primaryDeployment(service: Pick<Service, 'deployments'>): Deployment | undefined {
  const deployments = service.deployments ?? [];
  const primary = deployments.find((deployment) => canonicalStatus(deployment.status) === 'PRIMARY');
  if (primary) return primary;
  let newest: Deployment | undefined;
  for (const deployment of deployments) {
    if (canonicalStatus(deployment.status) === 'INACTIVE') continue;
    if (!newest || (deployment.createdAt ?? 0) > (newest.createdAt ?? 0)) newest = deployment;
  }
  return newest;
}

const CIRCUIT_BREAKER = /circuit breaker/i;

/**
 * Service health:
 * - failing: a live deployment's rollout FAILED or the circuit breaker tripped (its reason says so, which also
 *   covers the rollback deployment it starts, until that completes); or 0 running of desired > 0 with nothing
 *   pending or with failed tasks.
 * - degraded: fewer running than desired (0 running while the first tasks are pending and none failed counts here:
 *   a service starting up is not failing); or a rollout IN_PROGRESS with failedTasks > 0.
 * - unknown: no desired/running counts to judge by.
 * - ok otherwise, including DRAINING and INACTIVE services and running above desired mid-deployment.
 */
export function serviceHealth(service: Service): Health {
  const status = canonicalStatus(service.status);
  if (status === 'INACTIVE' || status === 'DRAINING') return { level: 'ok', reason: status.toLowerCase() };

  const deployments = liveDeployments(service);
  const tripped = deployments.find((deployment) => {
    const state = canonicalStatus(deployment.rolloutState);
    // A rollback that has completed may still quote the breaker in its reason: it is over.
    return state === 'FAILED' || (state !== 'COMPLETED' && CIRCUIT_BREAKER.test(deployment.rolloutStateReason ?? ''));
  });
  if (tripped) {
    const why = tripped.rolloutStateReason ?? (tripped.id ? `deployment ${tripped.id} failed` : 'deployment failed');
    return { level: 'failing', reason: `rollout failed: ${why}` };
  }

  const desired = service.desiredCount;
  const running = service.runningCount;
  const failedTasks = deployments.reduce((sum, deployment) => sum + (deployment.failedTasks ?? 0), 0);
  const failedNote = failedTasks > 0 ? `, ${failedTasks} failed task${failedTasks === 1 ? '' : 's'}` : '';
  if (desired === undefined || running === undefined) {
    return { level: 'unknown', reason: 'no task counts' };
  }
  const pending = service.pendingCount ?? 0;
  if (desired > 0 && running === 0) {
    if (pending > 0 && failedTasks === 0) return { level: 'degraded', reason: `starting: 0/${desired} running` };
    return { level: 'failing', reason: `0/${desired} running${failedNote}` };
  }
  if (running < desired) return { level: 'degraded', reason: `${running}/${desired} running${failedNote}` };
  const inProgress = deployments.find(
    (deployment) => canonicalStatus(deployment.rolloutState) === 'IN_PROGRESS' && (deployment.failedTasks ?? 0) > 0,
  );
  if (inProgress) {
    const count = inProgress.failedTasks ?? 0;
    return { level: 'degraded', reason: `rollout in progress, ${count} failed task${count === 1 ? '' : 's'}` };
  }
  return { level: 'ok', reason: `${running}/${desired} running` };
}

export interface DeploymentProgress {
  deploymentId?: string;
  taskDefinition?: string;
  rolloutState?: string;
  running: number;
  desired: number;
  pending: number;
  failedTasks: number;
  /** running / desired of the PRIMARY deployment, 0-100, rounded down; 100 when nothing is desired. */
  percent: number;
  /** More than one live deployment, or the PRIMARY one is IN_PROGRESS. */
  rollingOut: boolean;
}

/** Progress of the PRIMARY deployment; undefined for services without deployments (EXTERNAL: task sets). */
export function deploymentProgress(service: Pick<Service, 'deployments'>): DeploymentProgress | undefined {
  const primary = primaryDeployment(service);
  if (!primary) return undefined;
  const running = primary.runningCount ?? 0;
  const desired = primary.desiredCount ?? 0;
  const percent = desired > 0 ? Math.min(100, Math.floor((running / desired) * 100)) : 100;
  const progress: DeploymentProgress = {
    running,
    desired,
    pending: primary.pendingCount ?? 0,
    failedTasks: primary.failedTasks ?? 0,
    percent,
    rollingOut: liveDeployments(service).length > 1 || canonicalStatus(primary.rolloutState) === 'IN_PROGRESS',
  };
  if (primary.id !== undefined) progress.deploymentId = primary.id;
  if (primary.taskDefinition !== undefined) progress.taskDefinition = primary.taskDefinition;
  if (primary.rolloutState !== undefined) progress.rolloutState = primary.rolloutState;
  return progress;
}

export interface ClusterHealthInput {
  cluster?: Pick<Cluster, 'status'>;
  services: readonly Service[];
  /** Distinct failures in the last hour (failures.ts countFailuresSince). */
  failuresLastHour?: number;
  /** When given, a disconnected agent on an ACTIVE or DRAINING instance degrades the cluster. */
  instances?: readonly Pick<
    ContainerInstance,
    'status' | 'agentConnected' | 'ec2InstanceId' | 'containerInstanceArn'
  >[];
}

/**
 * Cluster health: the worst of its services (ignoring INACTIVE ones), at least degraded when tasks failed in the last
 * hour or an agent is disconnected, failing when the cluster itself is FAILED. The reason names the worst service
 * (and how many more share its level), then the failure count.
 */
export function clusterHealth(input: ClusterHealthInput): Health {
  const clusterStatus = canonicalStatus(input.cluster?.status);
  if (clusterStatus === 'FAILED') return { level: 'failing', reason: 'cluster status FAILED' };

  const judged = input.services
    .filter((service) => canonicalStatus(service.status) !== 'INACTIVE')
    .map((service) => ({ service, health: serviceHealth(service) }));
  const worst = worstHealthLevel(judged.map((item) => item.health.level));
  const reasons: string[] = [];
  let level: HealthLevel = worst === 'unknown' ? 'ok' : worst;
  if (worst === 'degraded' || worst === 'failing') {
    const atWorst = judged.filter((item) => item.health.level === worst);
    const first = atWorst[0];
    if (first) {
      const more = atWorst.length > 1 ? ` (+${atWorst.length - 1} more)` : '';
      reasons.push(`${serviceLabel(first.service)}: ${first.health.reason}${more}`);
    }
  }

  const failures = input.failuresLastHour ?? 0;
  if (failures > 0) {
    if (level === 'ok') level = 'degraded';
    reasons.push(`${failures} failed task${failures === 1 ? '' : 's'} in the last hour`);
  }

  const disconnected = (input.instances ?? []).filter((instance) => {
    const status = canonicalStatus(instance.status);
    return instance.agentConnected === false && (status === 'ACTIVE' || status === 'DRAINING');
  });
  if (disconnected.length > 0) {
    if (level === 'ok') level = 'degraded';
    const first = disconnected[0];
    const name = first?.ec2InstanceId ?? shortName(first?.containerInstanceArn ?? '');
    reasons.push(
      disconnected.length === 1 ? `agent disconnected on ${name}` : `${disconnected.length} agents disconnected`,
    );
  }

  if (reasons.length === 0) {
    if (judged.length === 0) return { level: 'ok', reason: 'no services' };
    const unknown = judged.filter((item) => item.health.level === 'unknown').length;
    const healthy = judged.length - unknown;
    const suffix = unknown > 0 ? `, ${unknown} without counts` : '';
    return { level: 'ok', reason: `${healthy} service${healthy === 1 ? '' : 's'} healthy${suffix}` };
  }
  return { level, reason: reasons.join(' · ') };
}

/** Said of a cluster judged without its services: selecting it lists them. */
const NOT_LISTED = 'services not listed (select it)';

/** What is known about a cluster when its health is judged: `undefined` means "not read yet", not "none". */
export interface ClusterEvidence {
  cluster: Pick<
    Cluster,
    'status' | 'activeServicesCount' | 'registeredContainerInstancesCount' | 'runningTasksCount' | 'pendingTasksCount'
  >;
  /** Its services, once listed (the focused cluster, `snapshot`); other clusters are judged without them. */
  services?: readonly Service[];
  /** Distinct failures in the last hour, once its stopped tasks have been read (or the recorder had some). */
  failuresLastHour?: number;
  /** Its container instances, once listed (every cluster has a slow background listing). */
  instances?: ClusterHealthInput['instances'];
}

/**
 * The one judgement of a cluster's health, for the Clusters pane, the cluster detail and `snapshot`: clusterHealth
 * over what is known. With everything known it is clusterHealth exactly. Without the services (clusters not in
 * focus) it judges by the cluster's status, the failure feed and the instances' agents, which is what the slow
 * background feeds of every cluster read; only while those have not answered yet is the health `unknown`.
 */
export function judgeClusterHealth(evidence: ClusterEvidence): Health {
  const { cluster } = evidence;
  // DescribeClusters' counts say when there is nothing to list: no services, no instances.
  const services = evidence.services ?? (cluster.activeServicesCount === 0 ? [] : undefined);
  const instances = evidence.instances ?? (cluster.registeredContainerInstancesCount === 0 ? [] : undefined);
  const health = clusterHealth({
    cluster,
    services: services ?? [],
    ...(evidence.failuresLastHour !== undefined ? { failuresLastHour: evidence.failuresLastHour } : {}),
    ...(instances ? { instances } : {}),
  });
  if (health.level !== 'ok' || services !== undefined) {
    return services === undefined ? { level: health.level, reason: `${health.reason} · ${NOT_LISTED}` } : health;
  }
  const unread = [
    ...(evidence.failuresLastHour === undefined ? ['stopped tasks'] : []),
    ...(instances === undefined ? ['instances'] : []),
  ];
  if (unread.length > 0) return { level: 'unknown', reason: `not read yet: ${unread.join(', ')}` };
  const agents = (instances ?? []).filter((instance) => instance.agentConnected === true).length;
  const checked = [
    'no failed tasks in the last hour',
    ...(agents > 0 ? [`${agents} agent${agents === 1 ? '' : 's'} connected`] : []),
  ];
  return { level: 'ok', reason: `${checked.join(', ')} · ${NOT_LISTED}` };
}
