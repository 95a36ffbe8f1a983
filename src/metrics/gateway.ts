/**
 * CloudWatch GetMetricData over @aws-sdk/client-cloudwatch, imported when the first gateway is made (after the first
 * frame), with its own request budget, per-attempt deadline and retries through the shared service plumbing
 * (ecs/serviceCaller.ts). One `getMetricData` takes up to 500 queries (CloudWatch's limit per call) and follows
 * NextToken itself; what comes back is read leniently: a datapoint that is not a finite number at a valid time is
 * dropped, never shown.
 */
import { GatewayError } from '../ecs/errors.ts';
import { responseBodyGuard } from '../ecs/responseBody.ts';
import { createServiceTransport, resolveServiceTarget, ServiceCaller } from '../ecs/serviceCaller.ts';
import type { Scheduler } from '../lib/scheduler.ts';
import { CLOUDWATCH_NAMING, MAX_QUERIES_PER_CALL, type MetricsGateway } from './types.ts';

export type { MetricQuery, MetricsGateway } from './types.ts';

/** Pages one call may take before it is stopped as endless (each page is a budgeted request). */
const MAX_PAGES = 20;

export interface MetricsGatewayOptions {
  region?: string;
  profile?: string;
  /** `--endpoint-url` (every service); AWS_ENDPOINT_URL_CLOUDWATCH when absent. */
  endpoint?: string;
  simulator?: boolean;
  /** `--metrics-budget`: GetMetricData calls per second. */
  budgetPerSecond: number;
  scheduler: Scheduler;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  random?: () => number;
  log?: (line: string) => void;
}

export async function createMetricsGateway(options: MetricsGatewayOptions): Promise<MetricsGateway> {
  // Imported here: the first frame must never wait for a second SDK.
  const sdk = await import('@aws-sdk/client-cloudwatch');
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_CLOUDWATCH ?? undefined;
  const { config, budget, stats } = await createServiceTransport({
    ...options,
    service: CLOUDWATCH_NAMING,
    endpoint,
  });
  const client = new sdk.CloudWatchClient(config);
  client.middlewareStack.use(responseBodyGuard());
  const target = await resolveServiceTarget(client, {
    ...options,
    endpoint,
    forService: 'CloudWatch',
  });
  const caller = new ServiceCaller({
    service: CLOUDWATCH_NAMING,
    scheduler: options.scheduler,
    budget,
    stats,
    target,
    concurrency: 2,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  return {
    stats: () => caller.stats(),
    budget: () => caller.budget(),
    async getMetricData(queries, window, callOptions) {
      if (queries.length > MAX_QUERIES_PER_CALL) {
        throw new RangeError(`GetMetricData takes at most ${MAX_QUERIES_PER_CALL} queries; got ${queries.length}`);
      }
      const points = new Map<string, { at: number; value: number }[]>(queries.map((query) => [query.id, []]));
      const input = {
        MetricDataQueries: queries.map((query) => ({
          Id: query.id,
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: query.namespace,
              MetricName: query.metricName,
              Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: query.periodSeconds,
            Stat: query.stat,
          },
        })),
        StartTime: new Date(window.startMs),
        EndTime: new Date(window.endMs),
        ScanBy: 'TimestampAscending' as const,
      };
      const followed = new Set<string>();
      let nextToken: string | undefined;
      for (let page = 1; ; page++) {
        const out = await caller.call(
          'GetMetricData',
          (abortSignal) =>
            client.send(
              new sdk.GetMetricDataCommand(nextToken ? { ...input, NextToken: nextToken } : input),
              abortSignal ? { abortSignal } : {},
            ),
          callOptions,
        );
        for (const result of Array.isArray(out.MetricDataResults) ? out.MetricDataResults : []) {
          const list = typeof result?.Id === 'string' ? points.get(result.Id) : undefined;
          if (!list) continue;
          const stamps: unknown[] = Array.isArray(result.Timestamps) ? result.Timestamps : [];
          const values: unknown[] = Array.isArray(result.Values) ? result.Values : [];
          for (let index = 0; index < Math.min(stamps.length, values.length); index++) {
            const stamp = stamps[index];
            // A Date from the SDK; epoch seconds when the SDK refused the answer and it was read leniently.
            const at =
              stamp instanceof Date
                ? stamp.getTime()
                : typeof stamp === 'number'
                  ? Math.round(stamp * 1000)
                  : Number.NaN;
            const value = values[index];
            if (Number.isFinite(at) && typeof value === 'number' && Number.isFinite(value)) list.push({ at, value });
          }
        }
        nextToken = typeof out.NextToken === 'string' && out.NextToken !== '' ? out.NextToken : undefined;
        if (!nextToken) break;
        if (followed.has(nextToken) || page >= MAX_PAGES) {
          caller.failedCall();
          throw new GatewayError('paging', `CloudWatch kept paging GetMetricData (${page} pages); stopped.`, {
            operation: 'GetMetricData',
          });
        }
        followed.add(nextToken);
      }
      for (const list of points.values()) list.sort((a, b) => a.at - b.at);
      return points;
    },
  };
}
