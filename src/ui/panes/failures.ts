/** The Failures pane: failed tasks grouped by signature over the chosen window, and the columns. */
import { shortName } from '../../domain/arn.ts';
import {
  FAILURE_WINDOWS,
  type FailureGroup,
  type FailureOccurrence,
  groupFailures,
  signatureLabel,
} from '../../domain/failures.ts';
import { formatAge, MISSING } from '../../domain/format.ts';
import type { EcsState } from '../../store/store.ts';
import type { FailureWindow } from '../app/uiStore.ts';
import type { Column } from '../components/table.ts';
import { safe, short } from './cells.ts';
import { memoLast } from './memo.ts';

export const selectFailureRows = memoLast(
  (occurrences: EcsState['failureOccurrences'], window: FailureWindow, minute: number): FailureGroup[] =>
    groupFailures(occurrences.values(), { since: minute * 60_000 - FAILURE_WINDOWS[window] }),
);

/**
 * How the Failures pane and the failure detail name an instance: its EC2 instance id when known, else its container
 * instance id labelled `ci:` (a deregistered host is known only by that): one kind of id per column, never a bare
 * mix of the two.
 */
export function failureInstanceLabel(ec2InstanceId: string | undefined, containerInstanceArn: string): string {
  if (ec2InstanceId !== undefined && ec2InstanceId !== '') return safe(ec2InstanceId);
  return `ci:${safe(shortName(containerInstanceArn)).slice(0, 8)}`;
}

/** The cluster a failure group belongs to (part of its signature), by name. */
export function failureClusterName(group: FailureGroup): string {
  const cluster = group.signature.cluster ?? group.clusters[0];
  return cluster === undefined ? MISSING : short(cluster);
}

/** `prod/payments` for a service's group (the service's own ARN path), `prod/family:etl` for the others. */
function groupInCluster(group: FailureGroup): string {
  const name = group.signature.group;
  const service = name.startsWith('service:') ? name.slice('service:'.length) : name;
  return `${failureClusterName(group)}/${safe(service)}`;
}

/** The service or group names that failed in more than one cluster among these groups. */
export function groupsInSeveralClusters(groups: readonly FailureGroup[]): ReadonlySet<string> {
  const clusterOf = new Map<string, string>();
  const several = new Set<string>();
  for (const group of groups) {
    const cluster = failureClusterName(group);
    const seen = clusterOf.get(group.signature.group);
    if (seen === undefined) clusterOf.set(group.signature.group, cluster);
    else if (seen !== cluster) several.add(group.signature.group);
  }
  return several;
}

/**
 * `ec2InstanceIdOf` answers the EC2 instance id of a container instance ARN, when the store knows it.
 * `inSeveralClusters` names the groups that failed in more than one cluster: their cell names the cluster too,
 * so the rows look apart even where the CLUSTER column does not fit (80 columns, a pane of the wide layout).
 */
export function failureColumns(
  ec2InstanceIdOf: (arn: string) => string | undefined,
  inSeveralClusters: ReadonlySet<string> = new Set(),
): Column<FailureGroup>[] {
  return [
    {
      id: 'group',
      title: 'SERVICE/GROUP',
      // Wider than "family:report-r…", so groups that differ only at the end look apart; not wider, so the
      // signature keeps its exit code at 80 and 100 columns.
      width: 18,
      value: (g) => (inSeveralClusters.has(g.signature.group) ? groupInCluster(g) : safe(g.signature.group)),
      sortValue: (g) => g.signature.group,
    },
    {
      id: 'count',
      title: 'COUNT',
      width: 5,
      align: 'right',
      value: (g) => ({ text: String(g.count), tone: 'error' }),
      sortValue: (g) => g.count,
    },
    {
      id: 'signature',
      title: 'SIGNATURE',
      // The reason and exit code are the point of this pane: the columns beside it go first on a narrow terminal,
      // and in a narrow pane it shrinks rather than push FIRST and LAST out.
      width: 38,
      minWidth: 24,
      flex: 1,
      value: (g) => safe(signatureLabel(g.signature)),
      sortValue: (g) => signatureLabel(g.signature),
    },
    {
      id: 'first',
      title: 'FIRST',
      width: 5,
      align: 'right',
      timeDependent: true,
      value: (g, context) => formatAge(g.firstSeen, context.now),
      sortValue: (g) => g.firstSeen,
    },
    {
      id: 'last',
      title: 'LAST',
      width: 5,
      align: 'right',
      timeDependent: true,
      value: (g, context) => formatAge(g.lastSeen, context.now),
      sortValue: (g) => g.lastSeen,
    },
    // Before INSTANCES, so it is the one kept when only one of the two fits (100 columns).
    {
      id: 'clusters',
      title: 'CLUSTER',
      width: 10,
      priority: 0,
      value: (g) => failureClusterName(g),
      sortValue: (g) => failureClusterName(g),
    },
    {
      id: 'instances',
      title: 'EC2 INSTANCE',
      width: 14,
      priority: 0,
      value: (g) =>
        g.instances.length === 0
          ? MISSING
          : g.instances.map((arn) => failureInstanceLabel(ec2InstanceIdOf(arn), arn)).join(','),
    },
  ];
}

/** Occurrences of one group, for its detail. */
export function occurrencesOf(state: EcsState, group: FailureGroup): FailureOccurrence[] {
  return group.ids.flatMap((id) => state.failureOccurrences.get(id) ?? []);
}
