/** The CloudWatch metrics client as the poller sees it (gateway.ts makes one over the SDK, after the first frame). */
import type { MetricPoint } from '../domain/utilisation.ts';
import type { ServiceNaming } from '../ecs/errors.ts';
import type { CallOptions } from '../ecs/gateway.ts';
import type { CallStatsSnapshot } from '../ecs/stats.ts';

export const CLOUDWATCH_NAMING: ServiceNaming = { name: 'CloudWatch', iamPrefix: 'cloudwatch' };
/** CloudWatch refuses more queries than this in one GetMetricData call. */
export const MAX_QUERIES_PER_CALL = 500;

export interface MetricQuery {
  /** Unique within a call: [a-z][a-zA-Z0-9_]*. */
  id: string;
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  stat: 'Average' | 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
  periodSeconds: number;
}

export interface MetricsGateway {
  /** Datapoints per query id, oldest first. At most MAX_QUERIES_PER_CALL queries. */
  getMetricData(
    queries: readonly MetricQuery[],
    window: { startMs: number; endMs: number },
    options?: CallOptions,
  ): Promise<Map<string, MetricPoint[]>>;
  stats(): CallStatsSnapshot;
  budget(): { ceiling: number; effective: number };
}
