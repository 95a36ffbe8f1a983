/**
 * Detail and describe views as lines of styled spans (pure: the component only windows and draws them). Times are
 * shown in UTC with their age, so what an on-call engineer reads matches what the AWS console and logs say.
 */
import { shortName, taskDefinitionLabel } from '../../domain/arn.ts';
import { classifyServiceEvent } from '../../domain/events.ts';
import { classifyStop, type FailureGroup, signatureLabel } from '../../domain/failures.ts';
import { formatAge, formatDuration, formatInstant, formatTimestamp, MISSING } from '../../domain/format.ts';
import { serviceHealth } from '../../domain/health.ts';
import { drainProgress, instanceUsage } from '../../domain/instances.ts';
import { canonicalStatus, isTerminalStatus } from '../../domain/lifecycle.ts';
import type { ServiceEvent, Task } from '../../domain/model.ts';
import { sanitizeLines, sanitizeText } from '../../domain/sanitize.ts';
import { lifecycleStamps, taskDurations } from '../../domain/timeline.ts';
import type { LastLinesState } from '../../logs/lastLines.ts';
import type { EcsState } from '../../store/store.ts';
import type { TaskWindow } from '../app/uiStore.ts';
import type { Span } from '../components/table.ts';
import { wrap } from '../components/wrap.ts';
import { HEALTH_TONE, healthMark, type Tone } from '../theme/theme.ts';
import { safe, short, taskDefinitionText } from './cells.ts';
import { clusterHealthSoFar } from './clusters.ts';
import { failureClusterName, failureInstanceLabel } from './failures.ts';
import { drainSummary } from './instances.ts';
import { lifetimeWindow, taskHealthNow, timelineSpans } from './tasks.ts';
import { serviceUtilisationLines, taskInsightsLines } from './utilisationLines.ts';

export type Line = Span[];

/**
 * What each detail reads of the ECS state: the view subscribes to these parts alone (views.ts, viewReads), and each
 * function below takes only these, so one that starts reading another part fails to compile until it is listed.
 */
export const SERVICE_DETAIL_READS = ['services', 'serviceEvents', 'metricsApi', 'serviceUtilisation'] as const;
export const TASK_DETAIL_READS = [
  'tasks',
  'instances',
  'transitions',
  'metricsApi',
  'taskInsights',
  'clusters',
] as const;
export const INSTANCE_DETAIL_READS = ['instances', 'tasks'] as const;
export const CLUSTER_DETAIL_READS = ['clusters', 'services', 'instances', 'failureOccurrences', 'meta'] as const;
export const FAILURE_GROUP_HEADER_READS = ['instances'] as const;
/** The parts of the ECS state named by `reads`. */
export type StateReads<Reads extends readonly (keyof EcsState)[]> = Pick<EcsState, Reads[number]>;

const stamp = (at: number | undefined) => formatTimestamp(at, { utc: true });

function heading(text: string): Line {
  return [{ text, tone: 'title' }];
}

function field(label: string, value: string, tone?: Tone): Line {
  const valueSpan: Span = { text: value };
  if (tone) valueSpan.tone = tone;
  return [{ text: `${label.padEnd(18)} `, tone: 'muted' }, valueSpan];
}

function when(at: number | undefined, now: number): string {
  return at === undefined ? MISSING : `${stamp(at)} (${formatAge(at, now)} ago)`;
}

/** Multi-line remote text (a stop reason with a stack trace), indented under its label. */
function textBlock(label: string, value: string | undefined, tone?: Tone): Line[] {
  const lines = sanitizeLines(value);
  if (lines.length === 0) return [field(label, MISSING)];
  return lines.map((line, index) => field(index === 0 ? label : '', line, tone));
}

// ---------------------------------------------------------------- service

const EVENT_STYLE: Readonly<Record<ReturnType<typeof classifyServiceEvent>, { mark: string; tone: Tone }>> = {
  'placement-failure': { mark: '✗ ', tone: 'error' },
  'deployment-failed': { mark: '✗ ', tone: 'error' },
  unhealthy: { mark: '! ', tone: 'warn' },
  'steady-state': { mark: '✓ ', tone: 'ok' },
  info: { mark: '  ', tone: 'text' },
};

export function serviceEventLine(event: ServiceEvent, now: number): Line {
  const style = EVENT_STYLE[classifyServiceEvent(event.message)];
  return [
    {
      text: `${formatTimestamp(event.createdAt, { utc: true }).slice(11)} ${formatAge(event.createdAt, now).padStart(4)} `,
      tone: 'muted',
    },
    { text: style.mark + safe(event.message ?? ''), tone: style.tone },
  ];
}

export function serviceDetailLines(state: StateReads<typeof SERVICE_DETAIL_READS>, arn: string, now: number): Line[] {
  const service = state.services.get(arn);
  if (!service)
    return [
      [{ text: 'This service is no longer listed (deleted, or its cluster is no longer watched).', tone: 'warn' }],
    ];
  const health = serviceHealth(service);
  const lines: Line[] = [
    field('service', safe(service.serviceName ?? shortName(arn))),
    field('status', safe(service.status ?? MISSING)),
    field('health', `${healthMark(health.level)} · ${safe(health.reason)}`, HEALTH_TONE[health.level]),
    field(
      'desired/run/pend',
      `${service.desiredCount ?? '?'}/${service.runningCount ?? '?'}/${service.pendingCount ?? '?'}`,
    ),
    field('task definition', taskDefinitionText(service.taskDefinition)),
    field(
      'launch',
      safe(service.launchType ?? service.capacityProviderStrategy?.map((c) => c.capacityProvider).join('+') ?? MISSING),
    ),
    field('controller', safe(service.deploymentController?.type ?? 'ECS')),
    field('scheduling', safe(service.schedulingStrategy ?? MISSING)),
    field('created', when(service.createdAt, now)),
  ];
  const breaker = service.deploymentConfiguration?.deploymentCircuitBreaker;
  if (breaker)
    lines.push(field('circuit breaker', `${breaker.enable ? 'on' : 'off'}${breaker.rollback ? ', rollback' : ''}`));
  lines.push(...serviceUtilisationLines(state, arn));

  const deployments = service.deployments ?? [];
  lines.push([], heading(`Deployments (${deployments.length})`));
  for (const deployment of deployments) {
    const state = canonicalStatus(deployment.rolloutState);
    const tone: Tone = state === 'FAILED' ? 'error' : state === 'IN_PROGRESS' ? 'warn' : 'text';
    lines.push([
      {
        text: `${safe(deployment.status ?? MISSING).padEnd(8)} ${safe(deployment.id ?? MISSING).padEnd(22)} ${taskDefinitionText(
          deployment.taskDefinition,
        )}  desired ${deployment.desiredCount ?? '?'} running ${deployment.runningCount ?? '?'} pending ${
          deployment.pendingCount ?? '?'
        } failed ${deployment.failedTasks ?? 0}  `,
      },
      { text: `${safe(deployment.rolloutState ?? MISSING)}`, tone },
      { text: `  updated ${formatAge(deployment.updatedAt ?? deployment.createdAt, now)} ago`, tone: 'muted' },
    ]);
    if (deployment.rolloutStateReason) {
      lines.push([{ text: `         ${safe(deployment.rolloutStateReason)}`, tone }]);
    }
  }

  const taskSets = service.taskSets ?? [];
  if (
    taskSets.length > 0 ||
    service.deploymentController?.type === 'EXTERNAL' ||
    service.deploymentController?.type === 'CODE_DEPLOY'
  ) {
    lines.push([], heading(`Task sets (${taskSets.length})`));
    for (const set of taskSets) {
      const stable = canonicalStatus(set.stabilityStatus) === 'STEADY_STATE';
      const unit = set.scale?.unit === undefined || set.scale.unit === 'PERCENT' ? '%' : ` ${safe(set.scale.unit)}`;
      lines.push([
        { text: `${safe(set.status ?? MISSING).padEnd(8)} ` },
        { text: safe(set.stabilityStatus ?? MISSING).padEnd(13), tone: stable ? 'ok' : 'warn' },
        {
          text: `scale ${set.scale?.value ?? '?'}${unit}  desired ${set.computedDesiredCount ?? '?'} running ${
            set.runningCount ?? '?'
          } pending ${set.pendingCount ?? '?'}  ${taskDefinitionText(set.taskDefinition)}  ${safe(
            set.externalId ?? '',
          )}  ${safe(set.id ?? shortName(set.taskSetArn))}`,
        },
      ]);
    }
  }

  const events = state.serviceEvents.get(arn) ?? service.events ?? [];
  lines.push([], heading(`Events, newest first (${events.length})`));
  for (const event of events) lines.push(serviceEventLine(event, now));
  return lines;
}

// ---------------------------------------------------------------- task

/** A log line's level, as far as its words say, for its colour. */
function logTone(message: string): Tone | undefined {
  if (/\b(FATAL|ERROR|CRITICAL|PANIC|Exception|OutOfMemory|OOM|killed)\b/i.test(message)) return 'error';
  if (/\bWARN(ING)?\b/i.test(message)) return 'warn';
  return undefined;
}

/** Longest part of a log line kept for the inline view (the line is cut to the width when drawn anyway). */
const INLINE_LOG_LINE_MAX = 1000;

/**
 * The last lines a stopped task wrote (logs/lastLines.ts), container by container, each line "HH:MM:SS.mmm message"
 * sanitised; in place of the lines, the one sentence saying why there are none.
 */
export function lastLinesSection(state: LastLinesState | undefined, title = 'Last lines before it stopped'): Line[] {
  if (state === undefined) return [];
  const lines: Line[] = [[], heading(title)];
  if (state.kind === 'loading') {
    lines.push([{ text: 'reading CloudWatch Logs…', tone: 'muted' }]);
    return lines;
  }
  if (state.kind === 'failed') {
    lines.push([{ text: safe(state.sentence), tone: 'warn' }]);
    return lines;
  }
  if (state.containers.length === 0) {
    lines.push([{ text: 'Its task definition names no container to read.', tone: 'muted' }]);
    return lines;
  }
  for (const container of state.containers) {
    lines.push([{ text: safe(container.container), tone: 'accent' }]);
    if (container.kind === 'absent') {
      lines.push([{ text: `  ${safe(container.sentence)}`, tone: 'warn' }]);
      continue;
    }
    if (container.events.length === 0) {
      lines.push([{ text: '  Its log stream holds no line from before the task stopped.', tone: 'muted' }]);
      continue;
    }
    for (const event of container.events) {
      const message = sanitizeText(event.message, { maxLength: INLINE_LOG_LINE_MAX });
      const tone = logTone(message);
      lines.push([
        { text: `  ${formatTimestamp(event.timestamp, { utc: true, millis: true }).slice(11)} `, tone: 'muted' },
        tone ? { text: message, tone } : { text: message },
      ]);
    }
  }
  return lines;
}

export function taskDetailLines(
  state: StateReads<typeof TASK_DETAIL_READS>,
  arn: string,
  now: number,
  window: TaskWindow,
  barWidth = 60,
  lastLines?: LastLinesState,
): Line[] {
  const task = state.tasks.get(arn);
  if (!task)
    return [
      [{ text: 'This task is no longer known (ECS forgot it, or its cluster is no longer watched).', tone: 'warn' }],
    ];
  const instance = task.containerInstanceArn ? state.instances.get(task.containerInstanceArn) : undefined;
  const observed = state.transitions.get(arn);
  const lines: Line[] = [
    field('task', short(arn)),
    field('cluster', short(task.clusterArn)),
    field('task definition', taskDefinitionText(task.taskDefinitionArn)),
    field('last/desired', `${safe(task.lastStatus ?? '?')}/${safe(task.desiredStatus ?? '?')}`),
    field(
      'health',
      taskHealthNow(task) === undefined && task.healthStatus !== undefined
        ? `${MISSING} (stopped; its checks last said ${safe(task.healthStatus)})`
        : safe(task.healthStatus ?? MISSING),
      canonicalStatus(task.healthStatus) === 'UNHEALTHY' ? 'error' : undefined,
    ),
    field('group', safe(task.group ?? MISSING)),
    field('started by', safe(task.startedBy ?? MISSING)),
    field('launch', safe(task.launchType ?? task.capacityProviderName ?? MISSING)),
    field(
      'where',
      `${safe(instance?.ec2InstanceId ?? (task.containerInstanceArn ? shortName(task.containerInstanceArn) : MISSING))} ${safe(task.availabilityZone ?? '')}`,
    ),
    field('cpu/memory', `${safe(task.cpu ?? '?')}/${safe(task.memory ?? '?')}`),
  ];
  // The shared window of the Tasks pane, then the task's own life at full width.
  const row = { task, ...(observed ? { observed } : {}) };
  lines.push(
    [],
    [{ text: `timeline ${window.padEnd(8)}`, tone: 'muted' }, ...timelineSpans(row, now, window, barWidth, false)],
  );
  const lifetime = lifetimeWindow(task, now);
  if (lifetime) {
    lines.push([
      { text: `lifetime ${formatDuration(lifetime.end - lifetime.start).padEnd(8)}`, tone: 'muted' },
      ...timelineSpans(row, now, lifetime, barWidth, false),
    ]);
  }

  lines.push([], heading('Lifecycle'));
  for (const entry of lifecycleStamps(task)) {
    const gap = entry.sincePrevious === undefined ? '' : `+${formatDuration(entry.sincePrevious)}`;
    lines.push([{ text: `${entry.field.padEnd(18)} ${stamp(entry.at)} ${gap.padStart(7)}` }]);
  }
  const durations = taskDurations(task, now);
  lines.push(
    field('queued for', formatDuration(durations.queue)),
    field('image pull', formatDuration(durations.pull)),
    field('ran for', formatDuration(durations.run)),
  );

  if (isTerminalStatus(task.lastStatus) || task.stopCode !== undefined || task.stoppedReason !== undefined) {
    const verdict = classifyStop(task);
    lines.push([], heading('Stop'));
    lines.push(field('stop code', safe(task.stopCode ?? MISSING), verdict?.failed ? 'error' : undefined));
    lines.push(...textBlock('stopped reason', task.stoppedReason, verdict?.failed ? 'error' : undefined));
    if (verdict)
      lines.push(
        field(
          'verdict',
          `${verdict.failed ? '✗ failed' : '✓ ended normally'} (${verdict.cause})`,
          verdict.failed ? 'error' : 'ok',
        ),
      );
  }

  const containers = task.containers ?? [];
  lines.push([], heading(`Containers (${containers.length})`));
  for (const container of containers) {
    const exited = container.exitCode !== undefined;
    lines.push([
      { text: `${safe(container.name ?? MISSING)}`, tone: 'accent' },
      { text: `  ${safe(container.lastStatus ?? '?')}` },
      exited ? { text: `  exit ${container.exitCode}`, tone: container.exitCode === 0 ? 'ok' : 'error' } : { text: '' },
      { text: `  health ${safe(container.healthStatus ?? MISSING)}`, tone: 'muted' },
    ]);
    lines.push(field('  image', safe(container.image ?? MISSING)));
    if (container.reason !== undefined) lines.push(...textBlock('  reason', container.reason, 'error'));
  }
  // What the task wrote before it stopped, after its containers' exit codes (the first thing triage reads).
  lines.push(...lastLinesSection(lastLines));

  lines.push([], heading('Overrides'));
  const overrides = task.overrides;
  const containerOverrides = overrides?.containerOverrides ?? [];
  const hasAny =
    containerOverrides.some((o) => o.command || o.environment?.length || o.cpu || o.memory) ||
    overrides?.cpu ||
    overrides?.memory ||
    overrides?.taskRoleArn;
  if (!hasAny) lines.push([{ text: 'none', tone: 'muted' }]);
  if (overrides?.cpu || overrides?.memory)
    lines.push(field('task cpu/memory', `${safe(overrides.cpu ?? '-')}/${safe(overrides.memory ?? '-')}`));
  if (overrides?.taskRoleArn) lines.push(field('task role', safe(overrides.taskRoleArn)));
  for (const override of containerOverrides) {
    if (override.command) lines.push(field(`${safe(override.name ?? '?')} command`, safe(override.command.join(' '))));
    for (const variable of override.environment ?? []) {
      lines.push(field(`${safe(override.name ?? '?')} env`, `${safe(variable.name)}=${safe(variable.value ?? '')}`));
    }
    if (override.cpu !== undefined || override.memory !== undefined) {
      lines.push(field(`${safe(override.name ?? '?')} cpu/mem`, `${override.cpu ?? '-'}/${override.memory ?? '-'}`));
    }
  }

  lines.push(...taskInsightsLines(state, arn));
  if (observed && observed.length > 0) {
    lines.push([], heading('Observed by ecsdeck'));
    for (const transition of observed)
      lines.push([{ text: `${safe(transition.status).padEnd(18)} ${stamp(transition.at)}` }]);
  }
  if (task.tags && task.tags.length > 0) {
    lines.push([], heading('Tags'));
    for (const tag of task.tags) lines.push(field(safe(tag.key), safe(tag.value ?? '')));
  }
  return lines;
}

// ---------------------------------------------------------------- instance

function tasksOn(state: Pick<EcsState, 'tasks'>, instanceArn: string): Task[] {
  return [...state.tasks.values()].filter(
    (task) => task.containerInstanceArn === instanceArn && !isTerminalStatus(task.lastStatus),
  );
}

export function instanceDetailLines(state: StateReads<typeof INSTANCE_DETAIL_READS>, arn: string, now: number): Line[] {
  const instance = state.instances.get(arn);
  if (!instance) return [[{ text: 'This container instance is no longer listed.', tone: 'warn' }]];
  const usage = instanceUsage(instance);
  const live = tasksOn(state, arn);
  const lines: Line[] = [
    field('EC2 instance', safe(instance.ec2InstanceId ?? MISSING)),
    field('container instance', short(arn)),
    field(
      'status',
      safe(instance.status ?? MISSING),
      canonicalStatus(instance.status) === 'ACTIVE' ? undefined : 'warn',
    ),
  ];
  if (instance.statusReason) lines.push(field('status reason', safe(instance.statusReason)));
  lines.push(
    field(
      'agent',
      instance.agentConnected === false ? '✗ disconnected' : instance.agentConnected ? '✓ connected' : MISSING,
      instance.agentConnected === false ? 'error' : undefined,
    ),
    field('zone / type', `${safe(instance.availabilityZone ?? MISSING)} / ${safe(instance.instanceType ?? MISSING)}`),
    field('cpu used', `${usage.cpuUsed ?? '?'} of ${usage.cpuRegistered ?? '?'} units`),
    field('memory used', `${usage.memoryUsed ?? '?'} of ${usage.memoryRegistered ?? '?'} MiB`),
    field('running/pending', `${instance.runningTasksCount ?? '?'}/${instance.pendingTasksCount ?? '?'}`),
    field('agent version', safe(instance.versionInfo?.agentVersion ?? MISSING)),
    field('docker version', safe(instance.versionInfo?.dockerVersion ?? MISSING)),
    field('registered', when(instance.registeredAt, now)),
  );
  if (canonicalStatus(instance.status) === 'DRAINING') {
    const progress = drainProgress(live);
    lines.push([], heading('Draining'));
    lines.push(field('progress', drainSummary(progress), progress.blocking.length > 0 ? 'warn' : undefined));
    for (const task of progress.blocking) {
      const family = task.taskDefinitionArn ? safe(taskDefinitionLabel(task.taskDefinitionArn)) : '';
      lines.push([
        { text: '  blocking: ', tone: 'warn' },
        { text: `${family} started by ${safe(task.startedBy ?? '?')} (task ${short(task.taskArn)})` },
      ]);
      lines.push([{ text: '            standalone: nothing moves it; stop it to finish the drain', tone: 'muted' }]);
    }
  }
  lines.push([], heading(`Tasks on this instance (${live.length})`));
  for (const task of live) {
    lines.push([
      {
        text: `${short(task.taskArn).padEnd(34)} ${safe(task.group ?? MISSING).padEnd(24)} ${safe(task.lastStatus ?? '?')}`,
      },
    ]);
  }
  return lines;
}

// ---------------------------------------------------------------- cluster

export function clusterDetailLines(state: StateReads<typeof CLUSTER_DETAIL_READS>, arn: string, now: number): Line[] {
  const cluster = state.clusters.get(arn);
  if (!cluster) return [[{ text: 'This cluster is no longer listed.', tone: 'warn' }]];
  const services = [...state.services.values()].filter((service) => service.clusterArn === arn);
  const instances = [...state.instances.values()].filter((instance) => instance.clusterArn === arn);
  const failuresLastHour = [...state.failureOccurrences.values()].filter(
    (o) => o.clusterArn === arn && o.at >= now - 3_600_000,
  ).length;
  const health = clusterHealthSoFar(
    cluster,
    { services, instances, failuresLastHour },
    (key) => state.meta.get(key)?.lastSuccessAt !== undefined,
  );
  const lines: Line[] = [
    field('cluster', safe(cluster.clusterName ?? shortName(arn))),
    field('status', safe(cluster.status ?? MISSING)),
    field('health', `${healthMark(health.level)} · ${safe(health.reason)}`, HEALTH_TONE[health.level]),
    field('services', String(cluster.activeServicesCount ?? MISSING)),
    field('tasks run/pend', `${cluster.runningTasksCount ?? '?'}/${cluster.pendingTasksCount ?? '?'}`),
    field('instances', String(cluster.registeredContainerInstancesCount ?? MISSING)),
    field('draining', String(instances.filter((i) => canonicalStatus(i.status) === 'DRAINING').length)),
    field('failures (1h)', String(failuresLastHour), failuresLastHour > 0 ? 'error' : undefined),
    field('capacity providers', safe((cluster.capacityProviders ?? []).join(', ') || MISSING)),
  ];
  for (const item of cluster.settings ?? []) lines.push(field(`setting ${safe(item.name)}`, safe(item.value ?? '')));
  for (const item of cluster.statistics ?? []) lines.push(field(safe(item.name), safe(item.value ?? '')));
  for (const tag of cluster.tags ?? []) lines.push(field(`tag ${safe(tag.key)}`, safe(tag.value ?? '')));
  lines.push([], heading('Services'));
  for (const service of services) {
    const serviceHealthNow = serviceHealth(service);
    lines.push([
      { text: `${safe(service.serviceName ?? shortName(service.serviceArn)).padEnd(24)} ` },
      { text: healthMark(serviceHealthNow.level), tone: HEALTH_TONE[serviceHealthNow.level] },
      { text: ` ${safe(serviceHealthNow.reason)}`, tone: 'muted' },
    ]);
  }
  return lines;
}

// ---------------------------------------------------------------- failure group header

export function failureGroupLines(
  state: StateReads<typeof FAILURE_GROUP_HEADER_READS>,
  group: FailureGroup,
  now: number,
): Line[] {
  const instanceName = (arn: string) => failureInstanceLabel(state.instances.get(arn)?.ec2InstanceId, arn);
  return [
    field('signature', safe(signatureLabel(group.signature)), 'error'),
    field('group', safe(group.signature.group)),
    field('cluster', failureClusterName(group)),
    field('cause', group.signature.cause),
    field('count', String(group.count)),
    field('first / last seen', `${when(group.firstSeen, now)} / ${when(group.lastSeen, now)}`),
    field('services', safe(group.services.join(', ') || MISSING)),
    field('EC2 instances', group.instances.map(instanceName).join(', ') || MISSING),
  ];
}

// ---------------------------------------------------------------- describe

/** Fields that hold a time besides the `…At` ones (ECS's and ecsdeck's own). */
const TIME_FIELDS = new Set(['at', 'firstSeen', 'lastSeen', 'timestamp']);

/** A field named for a time: `createdAt`, `stoppedAt`, `pullStartedAt`… and the few in TIME_FIELDS. */
export function isTimeField(key: string): boolean {
  return /[a-z]At$/.test(key) || TIME_FIELDS.has(key);
}

/**
 * The raw record as indented JSON, every line sanitised (JSON escapes C0 controls; this catches the rest). Times
 * (epoch milliseconds or dates in time fields) read as ISO-8601 in UTC and in the local zone; a line longer than
 * `width` wraps onto the next ones.
 */
export function describeLines(record: unknown, width = Number.POSITIVE_INFINITY): Line[] {
  if (record === undefined) return [[{ text: 'Nothing to describe: the record is gone.', tone: 'warn' }]];
  const json =
    JSON.stringify(
      record,
      function (this: Record<string, unknown>, key, value) {
        if (value instanceof Set) return [...value];
        // `value` of a Date has been through toJSON already: the holder still has the Date.
        const raw = key === '' ? value : this[key];
        if (isTimeField(key) && (typeof raw === 'number' || raw instanceof Date)) {
          const at = raw instanceof Date ? raw.getTime() : raw;
          const instant = formatInstant(at);
          return instant === MISSING ? value : instant;
        }
        return value;
      },
      2,
    ) ?? 'null';
  return json.split('\n').flatMap((line) => wrap([{ text: safe(line) }], width));
}
