/**
 * CloudWatch utilisation for what is on screen, in as few GetMetricData calls as CloudWatch allows:
 *
 * - Which series: CPU (Average) and memory (Maximum: the busiest task) of every service of the focused cluster, the
 *   cluster's reservation, the open service detail's two series over 6 h, the open task's Container Insights figures
 *   (only where the cluster has Container Insights).
 * - How often: metrics change once a minute, so a series is read at most once a minute; a refresh between two ticks
 *   (a new cluster in focus, a detail opened) reads only the series never read.
 * - When first: a cluster newly in focus is read once its services are listed (or after SERVICES_WAIT_MS at most),
 *   so its services and its reservation come in one call rather than the reservation first and the services after.
 * - Which window: a series never read gets its whole window (1 h, 6 h in the service detail); one already read
 *   gets the minutes since its last read plus a few (CloudWatch publishes a minute late and may revise it).
 * - How many calls: every query of a refresh goes into calls of up to 500 queries (CloudWatch's limit), sorted by
 *   window start so each call's window is as short as its queries allow: ceil(queries / 500) calls.
 *
 * A failure says one sentence per series it covers, keeping what was read before; the rest of the app never waits
 * on CloudWatch. Series are kept for the focused cluster only (and the open task), so memory stays bounded.
 */
import { shortName } from '../domain/arn.ts';
import type { Cluster, Service } from '../domain/model.ts';
import { sanitizeText } from '../domain/sanitize.ts';
import {
  type MetricPoint,
  type MetricSeries,
  mergeSeries,
  type ServiceUtilisation,
  type TaskInsights,
} from '../domain/utilisation.ts';
import { GatewayError } from '../ecs/errors.ts';
import type { Scheduler, TimerHandle } from '../lib/scheduler.ts';
import { feedKey } from '../store/feeds.ts';
import type { EcsState, EcsStore } from '../store/store.ts';
import { setClusterReservation, setMetricsApi, setServiceUtilisation, setTaskInsights } from '../store/utilisation.ts';
import { MAX_QUERIES_PER_CALL, type MetricQuery, type MetricsGateway } from './types.ts';

const MINUTE_MS = 60_000;
export const REFRESH_INTERVAL_MS = 60_000;
/** The Services pane's window when a series is first read. */
export const PANE_WINDOW_MINUTES = 60;
/** The service detail's longest chart. */
export const DETAIL_WINDOW_MINUTES = 360;
/** Re-read this much before the last read's end: the newest minutes are published late. */
const OVERLAP_MINUTES = 5;
/** How often the header's CloudWatch rate is brought up to date. */
const API_META_INTERVAL_MS = 1000;
/** A series read this much less than a minute ago is read again at the tick (ticks and reads drift a little). */
const STALE_TOLERANCE_MS = 5_000;
/** A trigger (focus, detail, services listed) waits this long for the others that come with it. */
const TRIGGER_DELAY_MS = 300;
/** A cluster newly in focus waits at most this long for its services to be listed before its first read. */
export const SERVICES_WAIT_MS = 10_000;

type SeriesKind = 'cpu' | 'memory' | 'cpuUtilized' | 'cpuReserved' | 'memoryUtilized' | 'memoryReserved';

interface WantedSeries {
  key: string;
  query: Omit<MetricQuery, 'id'>;
  windowMinutes: number;
}

interface CachedSeries {
  points: MetricSeries;
  /** Earliest time the reads cover. */
  coveredFrom: number;
  /** Where the last read's window ended. */
  readTo: number;
  /** When the last read was made: a series is read again a minute later. */
  readAt: number;
  /** The last read's problem, cleared by the next good one. */
  problem?: string;
}

export interface MetricsPollerOptions {
  /** The gateway, or its creation under way (the SDK loads after the first frame). */
  gateway: MetricsGateway | Promise<MetricsGateway>;
  store: EcsStore;
  scheduler: Scheduler;
  refreshIntervalMs?: number;
}

export class MetricsPoller {
  readonly #store: EcsStore;
  readonly #scheduler: Scheduler;
  readonly #intervalMs: number;
  readonly #gatewayReady: Promise<MetricsGateway>;
  #gateway: MetricsGateway | undefined;
  #gatewayProblem: string | undefined;
  readonly #cache = new Map<string, CachedSeries>();
  #cluster: string | undefined;
  /** When the focused cluster came into focus: its first read waits for its services, up to SERVICES_WAIT_MS. */
  #focusedAt = 0;
  #servicesWait: TimerHandle | undefined;
  #service: string | undefined;
  #task: string | undefined;
  #started = false;
  #tick: TimerHandle | undefined;
  #trigger: TimerHandle | undefined;
  #apiTimer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #abort = new AbortController();
  #unsubscribe: (() => void) | undefined;
  #refreshes = 0;

  constructor(options: MetricsPollerOptions) {
    this.#store = options.store;
    this.#scheduler = options.scheduler;
    this.#intervalMs = options.refreshIntervalMs ?? REFRESH_INTERVAL_MS;
    this.#gatewayReady = Promise.resolve(options.gateway);
    this.#gatewayReady.then(
      (gateway) => {
        this.#gateway = gateway;
        this.#publishApi();
      },
      (error: unknown) => {
        this.#gatewayProblem = sentenceOf(error);
      },
    );
  }

  /** Refreshes completed (tests and benchmarks). */
  get refreshes(): number {
    return this.#refreshes;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    // Services listed for the focused cluster (the first time, or new ones) are read without waiting for the tick.
    let known = this.#servicesOfFocus().length;
    this.#unsubscribe = this.#store.subscribe((next, previous) => {
      // The focused cluster's services listed for the first time (or failing to be): the read it waited for.
      if (next.meta !== previous.meta && this.#cluster !== undefined) {
        const key = feedKey.services(this.#cluster);
        if (servicesListed(next, key) && !servicesListed(previous, key)) this.#soon();
      }
      if (next.services === previous.services && next.clusters === previous.clusters) return;
      const count = this.#servicesOfFocus().length;
      if (count !== known) {
        known = count;
        this.#soon();
      }
    });
    this.#scheduleTick();
    this.#tickApi();
    this.#soon();
  }

  stop(): void {
    this.#started = false;
    this.#unsubscribe?.();
    for (const timer of [this.#tick, this.#trigger, this.#apiTimer, this.#servicesWait]) {
      if (timer) this.#scheduler.clearTimeout(timer);
    }
    this.#abort.abort(new GatewayError('aborted', 'CloudWatch reads stopped.', { operation: 'GetMetricData' }));
  }

  focusCluster(cluster: string | undefined): void {
    if (cluster === this.#cluster) return;
    this.#cluster = cluster;
    this.#focusedAt = this.#scheduler.now();
    if (this.#servicesWait) this.#scheduler.clearTimeout(this.#servicesWait);
    this.#servicesWait = undefined;
    // Services not listed yet: read what is known once the wait is over, whether or not they are by then.
    if (cluster !== undefined && !servicesListed(this.#store.getState(), feedKey.services(cluster))) {
      this.#servicesWait = this.#scheduler.setTimeout(() => {
        this.#servicesWait = undefined;
        this.#soon();
      }, SERVICES_WAIT_MS);
    }
    this.#soon();
  }

  /** The service whose detail is open (6 h charts), or none. */
  watchService(service: string | undefined): void {
    if (service === this.#service) return;
    this.#service = service;
    this.#soon();
  }

  /** The task whose detail is open (Container Insights), or none. */
  watchTask(task: string | undefined): void {
    if (task === this.#task) return;
    this.#task = task;
    this.#soon();
  }

  /** Resolves when no refresh is running (tests). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Runs a refresh now (the tick does it once a minute). */
  refreshNow(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#refresh()
      .catch(() => undefined)
      .finally(() => {
        this.#running = undefined;
        if (this.#again && this.#started) {
          this.#again = false;
          void this.refreshNow();
        }
      });
    return this.#running;
  }

  #soon(): void {
    if (!this.#started || this.#trigger) return;
    this.#trigger = this.#scheduler.setTimeout(() => {
      this.#trigger = undefined;
      void this.refreshNow();
    }, TRIGGER_DELAY_MS);
  }

  /**
   * A tick a minute: every series read a minute ago or more is read again, all in the same calls. A refresh that read
   * every series on screen (a cluster newly in focus) starts the minute over, so their reads stay together.
   */
  #scheduleTick(): void {
    if (this.#tick) this.#scheduler.clearTimeout(this.#tick);
    this.#tick = this.#scheduler.setTimeout(() => {
      this.#tick = undefined;
      if (!this.#started) return;
      void this.refreshNow();
      this.#scheduleTick();
    }, this.#intervalMs);
  }

  #tickApi(): void {
    this.#publishApi();
    this.#apiTimer = this.#scheduler.setTimeout(() => {
      if (this.#started) this.#tickApi();
    }, API_META_INTERVAL_MS);
  }

  #publishApi(): void {
    const gateway = this.#gateway;
    if (!gateway) return;
    const stats = gateway.stats();
    setMetricsApi(this.#store, {
      ratePerSecond: stats.ratePerSecond,
      budgetCeiling: gateway.budget().ceiling,
      throttled: stats.throttled,
      errors: stats.errors,
    });
  }

  #servicesOfFocus(): Service[] {
    const cluster = this.#cluster;
    if (cluster === undefined) return [];
    return [...this.#store.getState().services.values()].filter(
      (service) => service.clusterArn === cluster && typeof service.serviceName === 'string',
    );
  }

  /** Every series the screen wants now. */
  #wanted(): WantedSeries[] {
    const state = this.#store.getState();
    const wanted: WantedSeries[] = [];
    const cluster = this.#cluster === undefined ? undefined : state.clusters.get(this.#cluster);
    const clusterName = this.#cluster === undefined ? undefined : (cluster?.clusterName ?? shortName(this.#cluster));
    const detail = this.#service;
    const waitingForServices =
      this.#cluster !== undefined &&
      !servicesListed(state, feedKey.services(this.#cluster)) &&
      this.#scheduler.now() - this.#focusedAt < SERVICES_WAIT_MS;
    if (clusterName !== undefined && this.#cluster !== undefined && !waitingForServices) {
      for (const service of this.#servicesOfFocus()) {
        const dimensions = { ClusterName: clusterName, ServiceName: service.serviceName as string };
        const minutes = service.serviceArn === detail ? DETAIL_WINDOW_MINUTES : PANE_WINDOW_MINUTES;
        wanted.push(
          ecsSeries(serviceKey(service.serviceArn, 'cpu'), 'CPUUtilization', 'Average', dimensions, minutes),
          ecsSeries(serviceKey(service.serviceArn, 'memory'), 'MemoryUtilization', 'Maximum', dimensions, minutes),
        );
      }
      const dimensions = { ClusterName: clusterName };
      wanted.push(
        ecsSeries(clusterKey(this.#cluster, 'cpu'), 'CPUReservation', 'Average', dimensions, PANE_WINDOW_MINUTES),
        ecsSeries(clusterKey(this.#cluster, 'memory'), 'MemoryReservation', 'Average', dimensions, PANE_WINDOW_MINUTES),
      );
    }
    // A service detail opened from another cluster (the Failures pane spans them all) gets its charts too.
    const detailService = detail === undefined ? undefined : state.services.get(detail);
    if (detailService && detailService.clusterArn !== this.#cluster && typeof detailService.serviceName === 'string') {
      const clusterArn = detailService.clusterArn ?? '';
      const dimensions = {
        ClusterName: state.clusters.get(clusterArn)?.clusterName ?? shortName(clusterArn),
        ServiceName: detailService.serviceName,
      };
      wanted.push(
        ecsSeries(
          serviceKey(detailService.serviceArn, 'cpu'),
          'CPUUtilization',
          'Average',
          dimensions,
          DETAIL_WINDOW_MINUTES,
        ),
        ecsSeries(
          serviceKey(detailService.serviceArn, 'memory'),
          'MemoryUtilization',
          'Maximum',
          dimensions,
          DETAIL_WINDOW_MINUTES,
        ),
      );
    }
    const task = this.#task === undefined ? undefined : state.tasks.get(this.#task);
    const taskCluster = task?.clusterArn === undefined ? undefined : state.clusters.get(task.clusterArn);
    if (task && taskCluster && containerInsightsEnabled(taskCluster)) {
      const family = familyOf(task.taskDefinitionArn);
      const dimensions = {
        ClusterName: taskCluster.clusterName ?? shortName(taskCluster.clusterArn),
        TaskDefinitionFamily: family,
        TaskId: shortName(task.taskArn),
      };
      const insight = (kind: SeriesKind, metricName: string): WantedSeries => ({
        key: taskKey(task.taskArn, kind),
        query: {
          namespace: 'ECS/ContainerInsights',
          metricName,
          dimensions,
          stat: 'Average',
          periodSeconds: 60,
        },
        windowMinutes: PANE_WINDOW_MINUTES,
      });
      wanted.push(
        insight('cpuUtilized', 'CpuUtilized'),
        insight('cpuReserved', 'CpuReserved'),
        insight('memoryUtilized', 'MemoryUtilized'),
        insight('memoryReserved', 'MemoryReserved'),
      );
    }
    return wanted;
  }

  async #refresh(): Promise<void> {
    const gateway = this.#gateway ?? (await this.#gatewayReady.catch(() => undefined));
    const now = this.#scheduler.now();
    const wanted = this.#wanted();
    // Only what is on screen is kept.
    const wantedKeys = new Set(wanted.map((series) => series.key));
    for (const key of this.#cache.keys()) if (!wantedKeys.has(key)) this.#cache.delete(key);

    const end = Math.ceil(now / MINUTE_MS) * MINUTE_MS;
    const reads: { series: WantedSeries; start: number }[] = [];
    for (const series of wanted) {
      const cached = this.#cache.get(series.key);
      const windowStart = end - series.windowMinutes * MINUTE_MS;
      if (!cached || cached.coveredFrom > windowStart + MINUTE_MS) {
        reads.push({ series, start: windowStart });
      } else if (now - cached.readAt >= this.#intervalMs - STALE_TOLERANCE_MS || cached.problem !== undefined) {
        reads.push({ series, start: Math.max(windowStart, cached.readAt - OVERLAP_MINUTES * MINUTE_MS) });
      }
    }
    if (reads.length > 0 && !gateway) {
      const problem = this.#gatewayProblem ?? 'CloudWatch is not connected yet.';
      for (const { series } of reads) this.#remember(series.key, [], { from: now, to: end, at: now }, problem);
    } else if (gateway) {
      // Fewest calls: sorted by start, cut in 500s; each call spans its earliest start to now.
      reads.sort((a, b) => a.start - b.start);
      const calls: Promise<void>[] = [];
      for (let index = 0; index < reads.length; index += MAX_QUERIES_PER_CALL) {
        const batch = reads.slice(index, index + MAX_QUERIES_PER_CALL);
        const start = batch[0]?.start ?? end;
        const queries = batch.map(({ series }, position) => ({ ...series.query, id: `q${position}` }));
        calls.push(
          gateway.getMetricData(queries, { startMs: start, endMs: end }, { signal: this.#abort.signal }).then(
            (results) => {
              batch.forEach(({ series, start: from }, position) => {
                this.#remember(series.key, results.get(`q${position}`) ?? [], { from, to: end, at: now });
              });
            },
            (error: unknown) => {
              const problem = sentenceOf(error);
              for (const { series, start: from } of batch) {
                this.#remember(series.key, [], { from, to: end, at: now }, problem);
              }
            },
          ),
        );
      }
      await Promise.all(calls);
      if (this.#started && reads.length === wanted.length && wanted.length > 0) this.#scheduleTick();
    }
    this.#publish(wanted);
    this.#publishApi();
    this.#refreshes++;
  }

  /** A read's outcome for one series: its points, or the problem that kept them (the last good ones stay). */
  #remember(key: string, points: MetricPoint[], read: { from: number; to: number; at: number }, problem?: string) {
    const cached = this.#cache.get(key);
    if (problem !== undefined) {
      if (cached) cached.problem = problem;
      else
        this.#cache.set(key, {
          points: [],
          coveredFrom: Number.POSITIVE_INFINITY,
          readTo: 0,
          readAt: read.at,
          problem,
        });
      return;
    }
    const keepFrom = read.to - DETAIL_WINDOW_MINUTES * MINUTE_MS;
    this.#cache.set(key, {
      points: mergeSeries(cached?.points ?? [], points, keepFrom),
      coveredFrom: Math.min(cached?.coveredFrom ?? read.from, read.from),
      readTo: read.to,
      readAt: read.at,
    });
  }

  #publish(wanted: WantedSeries[]): void {
    const services = new Map<string, ServiceUtilisation>();
    const clusters = new Map<string, { cpu: MetricSeries; memory: MetricSeries; problem?: string }>();
    const tasks = new Map<string, Partial<Record<SeriesKind, CachedSeries>>>();
    for (const series of wanted) {
      const cached = this.#cache.get(series.key);
      if (!cached) continue;
      const [scope, arn, kind] = splitKey(series.key);
      if (scope === 'svc' && (kind === 'cpu' || kind === 'memory')) {
        const entry = services.get(arn) ?? { cpu: [], memory: [] };
        entry[kind] = cached.points;
        if (cached.problem) entry.problem = cached.problem;
        services.set(arn, entry);
      } else if (scope === 'cl' && (kind === 'cpu' || kind === 'memory')) {
        const entry = clusters.get(arn) ?? { cpu: [], memory: [] };
        entry[kind] = cached.points;
        if (cached.problem) entry.problem = cached.problem;
        clusters.set(arn, entry);
      } else if (scope === 'task') {
        const entry = tasks.get(arn) ?? {};
        entry[kind] = cached;
        tasks.set(arn, entry);
      }
    }
    for (const entry of services.values()) if (entry.problem === undefined) entry.fetched = true;
    const focus = this.#cluster;
    const serviceCluster = new Map(this.#servicesOfFocus().map((service) => [service.serviceArn, service.clusterArn]));
    const detail = this.#service;
    setServiceUtilisation(
      this.#store,
      services,
      (arn) => arn === detail || (focus !== undefined && serviceCluster.get(arn) === focus),
    );
    setClusterReservation(this.#store, clusters);
    const task = this.#task;
    if (task !== undefined) {
      const entry = tasks.get(task);
      const state = this.#store.getState();
      const known = state.tasks.get(task);
      const cluster = known?.clusterArn === undefined ? undefined : state.clusters.get(known.clusterArn);
      if (entry) {
        const problem = Object.values(entry).find((cached) => cached?.problem !== undefined)?.problem;
        const insights: TaskInsights = {
          enabled: true,
          cpuUtilized: entry.cpuUtilized?.points ?? [],
          cpuReserved: entry.cpuReserved?.points ?? [],
          memoryUtilized: entry.memoryUtilized?.points ?? [],
          memoryReserved: entry.memoryReserved?.points ?? [],
          ...(problem ? { problem } : {}),
        };
        setTaskInsights(this.#store, task, insights);
      } else if (cluster) {
        setTaskInsights(this.#store, task, {
          enabled: false,
          cpuUtilized: [],
          cpuReserved: [],
          memoryUtilized: [],
          memoryReserved: [],
        });
      }
    }
  }
}

function ecsSeries(
  key: string,
  metricName: string,
  stat: 'Average' | 'Maximum',
  dimensions: Record<string, string>,
  windowMinutes: number,
): WantedSeries {
  return { key, query: { namespace: 'AWS/ECS', metricName, dimensions, stat, periodSeconds: 60 }, windowMinutes };
}

const serviceKey = (arn: string, kind: SeriesKind) => `svc\n${arn}\n${kind}`;
const clusterKey = (arn: string, kind: SeriesKind) => `cl\n${arn}\n${kind}`;
const taskKey = (arn: string, kind: SeriesKind) => `task\n${arn}\n${kind}`;
function splitKey(key: string): [string, string, SeriesKind] {
  const [scope = '', arn = '', kind = 'cpu'] = key.split('\n');
  return [scope, arn, kind as SeriesKind];
}

export function containerInsightsEnabled(cluster: Cluster): boolean {
  const setting = cluster.settings?.find((entry) => entry.name === 'containerInsights');
  return setting?.value === 'enabled' || setting?.value === 'enhanced';
}

function familyOf(arn: string | undefined): string {
  const tail = shortName(arn ?? '');
  const colon = tail.indexOf(':');
  return colon < 0 ? tail : tail.slice(0, colon);
}

/** One sentence for the screen: CloudWatch's refusal named as such, anything else as the gateway said it. */
function sentenceOf(error: unknown): string {
  if (error instanceof GatewayError) {
    if (error.kind === 'access-denied') {
      return 'CloudWatch refused GetMetricData: your IAM policy does not allow cloudwatch:GetMetricData.';
    }
    return sanitizeText(error.sentence, { maxLength: 300 });
  }
  return sanitizeText(`CloudWatch GetMetricData failed: ${error instanceof Error ? error.message : String(error)}`, {
    maxLength: 300,
  });
}

/** Whether a services feed has answered once, with services or with an error. */
function servicesListed(state: EcsState, key: string): boolean {
  const meta = state.meta.get(key);
  return meta?.lastSuccessAt !== undefined || meta?.lastError !== undefined;
}
