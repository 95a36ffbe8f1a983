/**
 * The text form of a snapshot: fits 80 columns, every remote string sanitised, readable over a slow link.
 */
import { fitToWidth, formatPercent, formatRelative, formatTimestamp, truncateToWidth } from '../domain/format.ts';
import { sanitizeText } from '../domain/sanitize.ts';
import type { Snapshot, SnapshotCluster } from './snapshot.ts';

const WIDTH = 80;

/** A remote string made safe for the terminal and cut to `width` display columns. */
function cell(value: unknown, width: number, align: 'left' | 'right' = 'left'): string {
  const text = value === undefined || value === null ? '-' : sanitizeText(value);
  return fitToWidth(text === '' ? '-' : text, width, align);
}

function line(text: string): string {
  return truncateToWidth(text, WIDTH).trimEnd();
}

const HEALTH_MARK: Record<string, string> = { ok: '✓ ok', degraded: '! degraded', failing: '✗ failing' };

function mark(level: string): string {
  return HEALTH_MARK[level] ?? `? ${level}`;
}

function clusterBlock(cluster: SnapshotCluster, now: number): string[] {
  const out: string[] = [];
  out.push(
    line(`CLUSTER ${sanitizeText(cluster.name)}  ${sanitizeText(cluster.status ?? '-')}  ${mark(cluster.health)}`),
  );
  out.push(line(`  ${sanitizeText(cluster.healthReason)}`));
  out.push(
    line(
      `  services ${cluster.activeServices ?? '-'} · tasks ${cluster.runningTasks ?? '-'} running, ` +
        `${cluster.pendingTasks ?? '-'} pending · failed in the last hour ${cluster.failuresLastHour}`,
    ),
  );
  out.push(
    line(
      `  instances ${cluster.instances ?? '-'}${cluster.drainingInstances > 0 ? ` (${cluster.drainingInstances} draining)` : ''}`,
    ),
  );
  if (cluster.services.length > 0) {
    out.push('');
    out.push(
      line(
        `  ${cell('SERVICE', 20)} ${cell('DES', 4, 'right')} ${cell('RUN', 4, 'right')} ${cell('PEND', 4, 'right')} ` +
          `${cell('ROLLOUT', 12)} ${cell('TASK DEF', 16)} ${cell('HEALTH', 10)}`,
      ),
    );
    for (const s of cluster.services) {
      const rollout = s.rolloutState ? `${s.rolloutState}${s.failedTasks ? ` ${s.failedTasks}✗` : ''}` : '-';
      out.push(
        line(
          `  ${cell(s.name, 20)} ${cell(s.desired, 4, 'right')} ${cell(s.running, 4, 'right')} ` +
            `${cell(s.pending, 4, 'right')} ${cell(rollout, 12)} ${cell(s.taskDefinition, 16)} ${cell(mark(s.health), 10)}`,
        ),
      );
    }
  }
  if (cluster.containerInstances.length > 0) {
    out.push('');
    out.push(
      line(
        `  ${cell('INSTANCE', 19)} ${cell('STATUS', 9)} ${cell('AGENT', 5)} ${cell('AZ', 11)} ${cell('TYPE', 10)} ` +
          `${cell('CPU', 4, 'right')} ${cell('MEM', 4, 'right')} ${cell('TASKS', 5, 'right')}`,
      ),
    );
    for (const i of cluster.containerInstances) {
      out.push(
        line(
          `  ${cell(i.ec2InstanceId ?? i.containerInstanceArn, 19)} ${cell(i.status, 9)} ` +
            `${cell(i.agentConnected === undefined ? '-' : i.agentConnected ? 'yes' : 'NO', 5)} ` +
            `${cell(i.availabilityZone, 11)} ${cell(i.instanceType, 10)} ` +
            `${cell(formatPercent(i.cpuUsed, i.cpuRegistered), 4, 'right')} ` +
            `${cell(formatPercent(i.memoryUsed, i.memoryRegistered), 4, 'right')} ${cell(i.runningTasks, 5, 'right')}`,
        ),
      );
    }
  }
  if (cluster.failures.length > 0) {
    out.push('');
    out.push(line('  FAILURES (most frequent first)'));
    for (const f of cluster.failures) {
      const exit = f.exitCode === undefined ? '' : ` exit ${f.exitCode}`;
      out.push(
        line(
          `  ${cell(`${f.count}×`, 5, 'right')} ${sanitizeText(f.group)} · ${sanitizeText(f.stopCode ?? '-')}${exit} · ` +
            `last ${formatRelative(f.lastSeen, now)}`,
        ),
      );
      out.push(line(`        ${sanitizeText(f.reason)}`));
    }
  }
  return out;
}

export function formatSnapshotText(snapshot: Snapshot): string {
  const target = snapshot.target;
  const where = target.endpoint ? `${target.kind} ${target.endpoint}` : target.kind;
  const header = [
    line(`ecsdeck snapshot · ${formatTimestamp(snapshot.takenAt, { utc: true })}`),
    line(
      `${sanitizeText(where)} · ${sanitizeText(target.region)}${target.profile ? ` · profile ${sanitizeText(target.profile)}` : ''}`,
    ),
  ].join('\n');
  const blocks = snapshot.clusters.map((cluster) => clusterBlock(cluster, snapshot.takenAt).join('\n'));
  if (blocks.length === 0) blocks.push('No clusters in this account and region.');
  return `${header}\n\n${blocks.join('\n\n')}\n`;
}

export function formatSnapshotJson(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
