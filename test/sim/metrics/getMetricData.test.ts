/**
 * GetMetricData through the real @aws-sdk/client-cloudwatch against the simulator running the demo: the metrics the
 * demo's story should show (payments' memory at its limit before each OOM kill, search CPU-bound, Container
 * Insights on prod only), missing datapoints where a real account has them, paging, limits and errors.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import { type RunningSimulator, startSimulator } from '../../../src/sim/index.ts';
import { rejectionOf } from '../helpers.ts';

const OPEN_MS = Date.UTC(2025, 0, 15, 9, 0, 0);

let sim: RunningSimulator;
let clock: ManualClock;
let client: CloudWatchClient;

beforeAll(async () => {
  clock = new ManualClock(OPEN_MS);
  sim = await startSimulator({ scenario: 'demo', clock, wallClock: new ManualClock(OPEN_MS), throttling: false });
  client = new CloudWatchClient({
    endpoint: sim.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await sim.close();
});

function serviceQuery(id: string, cluster: string, service: string, metric: string, stat = 'Average'): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ECS',
        MetricName: metric,
        Dimensions: [
          { Name: 'ClusterName', Value: cluster },
          { Name: 'ServiceName', Value: service },
        ],
      },
      Period: 60,
      Stat: stat,
    },
  };
}

function clusterQuery(id: string, namespace: string, metric: string, dimensions: Record<string, string>) {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: metric,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: 60,
      Stat: 'Average',
    },
  } satisfies MetricDataQuery;
}

async function fetchData(queries: MetricDataQuery[], minutes = 30, extra: Partial<GetMetricDataCommandInput> = {}) {
  const now = sim.model.now();
  return client.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date(now - minutes * 60_000),
      EndTime: new Date(now),
      ScanBy: 'TimestampAscending',
      ...extra,
    }),
  );
}

describe('GetMetricData on the demo', () => {
  it('serves per-minute CPU and memory for every service, oldest first, up to the last published minute', async () => {
    const out = await fetchData([
      serviceQuery('webcpu', 'prod', 'web', 'CPUUtilization'),
      serviceQuery('webmem', 'prod', 'web', 'MemoryUtilization'),
    ]);
    const [cpu, memory] = out.MetricDataResults ?? [];
    expect(cpu?.Id).toBe('webcpu');
    expect(cpu?.StatusCode).toBe('Complete');
    expect(cpu?.Label).toBe('CPUUtilization');
    const stamps = (cpu?.Timestamps ?? []).map((date) => date.getTime());
    // web has run for days: 30 minutes asked, the newest minute still being collected, so 28 or 29 points.
    expect(stamps.length).toBeGreaterThanOrEqual(28);
    for (const [index, at] of stamps.entries()) {
      expect(at % 60_000).toBe(0);
      if (index > 0) expect(at - (stamps[index - 1] ?? 0)).toBe(60_000);
    }
    expect(stamps.at(-1)).toBeLessThanOrEqual(OPEN_MS - 120_000);
    for (const value of [...(cpu?.Values ?? []), ...(memory?.Values ?? [])]) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(90);
    }
  });

  it('shows payments memory at its limit while the bad release is OOM-killed, and not before it', async () => {
    // A few minutes in, the crash loop's first minutes are published.
    clock.advance(5 * 60_000);
    sim.model.advance();
    const out = await fetchData([serviceQuery('paymax', 'prod', 'payments', 'MemoryUtilization', 'Maximum')], 15);
    const values = out.MetricDataResults?.[0]?.Values ?? [];
    const stamps = (out.MetricDataResults?.[0]?.Timestamps ?? []).map((date) => date.getTime());
    const releasedAt = sim.loaded.startMs + 430_000;
    const before = values.filter((_value, index) => (stamps[index] ?? 0) + 60_000 <= releasedAt);
    const after = values.filter((_value, index) => (stamps[index] ?? 0) > releasedAt + 60_000);
    expect(before.length).toBeGreaterThan(3);
    expect(Math.max(...before)).toBeLessThan(70);
    expect(after.length).toBeGreaterThan(0);
    expect(Math.max(...after)).toBe(100);
  });

  it('shows search CPU-bound (its behaviour says 97 %) and web well below', async () => {
    const out = await fetchData([
      serviceQuery('search', 'staging', 'search', 'CPUUtilization'),
      serviceQuery('web', 'prod', 'web', 'CPUUtilization'),
    ]);
    const mean = (values: number[] = []) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(out.MetricDataResults?.[0]?.Values)).toBeGreaterThan(90);
    expect(mean(out.MetricDataResults?.[1]?.Values)).toBeLessThan(50);
  });

  it('serves the cluster reservation from the tasks placed on its instances', async () => {
    const out = await fetchData([
      clusterQuery('cpures', 'AWS/ECS', 'CPUReservation', { ClusterName: 'prod' }),
      clusterQuery('memres', 'AWS/ECS', 'MemoryReservation', { ClusterName: 'prod' }),
      clusterQuery('batchres', 'AWS/ECS', 'CPUReservation', { ClusterName: 'batch' }),
    ]);
    const [cpu, memory, batch] = out.MetricDataResults ?? [];
    // What the model holds right now, as a check on the last minute: reserved of registered.
    const prod = sim.model.requireCluster('prod');
    let registered = 0;
    for (const instance of sim.model.instancesOfCluster(prod)) registered += instance.registeredCpu;
    let reserved = 0;
    for (const task of sim.model.tasksOfCluster(prod)) {
      if (task.lastStatus === 'RUNNING' && task.containerInstanceArn) reserved += task.sim.reservedCpu;
    }
    expect(cpu?.Values?.at(-1)).toBeGreaterThan(((reserved / registered) * 100) / 2);
    expect(cpu?.Values?.at(-1)).toBeLessThanOrEqual(100);
    expect(memory?.Values?.length).toBeGreaterThan(20);
    // batch is all Fargate: no instances, no reservation metric.
    expect(batch?.Values).toEqual([]);
    expect(batch?.StatusCode).toBe('Complete');
  });

  it('serves Container Insights task metrics on prod (enabled) and nothing on batch (disabled)', async () => {
    const task = [...sim.model.tasksOfCluster(sim.model.requireCluster('prod'))].find(
      (candidate) => candidate.lastStatus === 'RUNNING' && candidate.taskDefinitionArn.includes('/web:'),
    );
    const batchTask = [...sim.model.tasksOfCluster(sim.model.requireCluster('batch'))].find(
      (candidate) => candidate.startedAt !== undefined,
    );
    if (!task || !batchTask) throw new Error('the demo should have a running web task and a started batch task');
    const out = await fetchData(
      [
        clusterQuery('cpu', 'ECS/ContainerInsights', 'CpuUtilized', {
          ClusterName: 'prod',
          TaskDefinitionFamily: 'web',
          TaskId: task.id,
        }),
        clusterQuery('mem', 'ECS/ContainerInsights', 'MemoryUtilized', {
          ClusterName: 'prod',
          TaskDefinitionFamily: 'web',
          TaskId: task.id,
        }),
        clusterQuery('memres', 'ECS/ContainerInsights', 'MemoryReserved', {
          ClusterName: 'prod',
          TaskDefinitionFamily: 'web',
          TaskId: task.id,
        }),
        clusterQuery('batch', 'ECS/ContainerInsights', 'CpuUtilized', {
          ClusterName: 'batch',
          TaskDefinitionFamily: 'etl-extract',
        }),
      ],
      10,
    );
    const [cpu, memory, reserved, batch] = out.MetricDataResults ?? [];
    expect(cpu?.Values?.length).toBeGreaterThan(5);
    for (const value of cpu?.Values ?? []) expect(value).toBeLessThanOrEqual(256);
    expect(reserved?.Values?.[0]).toBe(512);
    for (const value of memory?.Values ?? []) expect(value).toBeLessThan(512);
    expect(batch?.Values).toEqual([]);
  });

  it('has datapoints only for minutes in which a task of the service ran, published a minute after they end', async () => {
    const model = sim.model;
    model.createService({ cluster: 'staging', serviceName: 'late', taskDefinition: 'orders:1', desiredCount: 0 });
    const minutesPass = (minutes: number) => {
      for (let second = 0; second < minutes * 60; second++) {
        clock.advance(1000);
        model.advance();
      }
    };
    minutesPass(3);
    const late = () => {
      const found = model.findService(model.requireCluster('staging'), 'late');
      if (!found) throw new Error('no service late');
      return found;
    };
    expect(late().runningCount).toBe(0);
    model.updateService({ cluster: 'staging', service: 'late', desiredCount: 2 });
    minutesPass(8);
    const [task] = [...model.tasksOfService(late())];
    const startedAt = task?.startedAt;
    if (startedAt === undefined) throw new Error('the task should be running');
    model.updateService({ cluster: 'staging', service: 'late', desiredCount: 0 });
    minutesPass(5);
    const out = await fetchData([serviceQuery('late', 'staging', 'late', 'CPUUtilization')], 20);
    const stamps = (out.MetricDataResults?.[0]?.Timestamps ?? []).map((date) => date.getTime());
    // Nothing before the minute its first task started, nothing after its tasks stopped (the last 4 minutes).
    expect(stamps[0]).toBe(Math.floor(startedAt / 60_000) * 60_000);
    const stoppedBy = sim.model.now() - 4 * 60_000;
    expect(stamps.every((at) => at < stoppedBy)).toBe(true);
    expect(stamps.length).toBeGreaterThanOrEqual(6);
    expect(stamps.length).toBeLessThanOrEqual(10);
  });

  it('has no datapoints for a service CloudWatch does not know', async () => {
    const out = await fetchData([serviceQuery('nosuch', 'prod', 'no-such-service', 'CPUUtilization')], 30);
    expect(out.MetricDataResults?.[0]?.Values).toEqual([]);
    expect(out.MetricDataResults?.[0]?.StatusCode).toBe('Complete');
  });

  it('pages by MaxDatapoints with NextToken, PartialData until the last page, newest first by default', async () => {
    const queries = [
      serviceQuery('a', 'prod', 'web', 'CPUUtilization'),
      serviceQuery('b', 'prod', 'api', 'CPUUtilization'),
    ];
    const whole = await fetchData(queries, 60, { ScanBy: 'TimestampDescending' });
    const total = (whole.MetricDataResults ?? []).reduce((sum, result) => sum + (result.Values?.length ?? 0), 0);
    expect(whole.NextToken).toBeUndefined();
    const first = whole.MetricDataResults?.[0]?.Timestamps ?? [];
    expect((first[0]?.getTime() ?? 0) > (first[1]?.getTime() ?? 0)).toBe(true);

    const values = new Map<string, number[]>();
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await fetchData(queries, 60, {
        ScanBy: 'TimestampDescending',
        MaxDatapoints: 25,
        ...(token ? { NextToken: token } : {}),
      });
      pages++;
      for (const result of page.MetricDataResults ?? []) {
        values.set(result.Id ?? '', [...(values.get(result.Id ?? '') ?? []), ...(result.Values ?? [])]);
        if (page.NextToken && result.Id === 'a' && (values.get('a')?.length ?? 0) < total / 2) {
          expect(result.StatusCode).toBe('PartialData');
        }
      }
      token = page.NextToken;
    } while (token);
    expect(pages).toBe(Math.ceil(total / 25));
    expect(values.get('a')).toEqual(whole.MetricDataResults?.[0]?.Values);
    expect(values.get('b')).toEqual(whole.MetricDataResults?.[1]?.Values);
  });

  it('refuses more than 500 queries, a token from another request, and metric math, in CloudWatch words', async () => {
    const many = Array.from({ length: 501 }, (_, index) => serviceQuery(`q${index}`, 'prod', 'web', 'CPUUtilization'));
    const tooMany = await rejectionOf(fetchData(many));
    expect(tooMany.name).toBe('InvalidParameterValueException');
    expect(tooMany.message).toContain('must not have a size greater than 500');
    // 500 is fine.
    const fine = await fetchData(many.slice(0, 500), 5);
    expect(fine.MetricDataResults).toHaveLength(500);

    const badToken = await rejectionOf(
      fetchData([serviceQuery('a', 'prod', 'web', 'CPUUtilization')], 5, { NextToken: 'bm9wZQ==' }),
    );
    expect(badToken.name).toBe('InvalidNextToken');

    const math = await rejectionOf(fetchData([{ Id: 'm', Expression: 'SUM(METRICS())' }]));
    expect(math.name).toBe('InvalidParameterValueException');
    expect(math.message).toContain('Expression');
  });

  it('answers configured AccessDenied with the query-compatible code the SDK reads', async () => {
    sim.server.setFaults({
      errors: [
        {
          operation: 'GetMetricData',
          type: 'AccessDeniedException',
          message: 'User: x is not authorized to perform: cloudwatch:GetMetricData',
        },
      ],
    });
    try {
      const error = await rejectionOf(fetchData([serviceQuery('a', 'prod', 'web', 'CPUUtilization')]));
      // The SDK names a query-compatible error by its query code.
      expect(error.name).toBe('AccessDenied');
      expect((error.Error as { Code?: string }).Code).toBe('AccessDenied');
      expect(error.$fault).toBe('client');
      const entries = sim.server.requestLog.list({ service: 'monitoring', outcome: 'fault' });
      expect(entries.at(-1)?.operation).toBe('GetMetricData');
    } finally {
      sim.server.setFaults({});
    }
  });

  it('throttles GetMetricData in its own bucket (metricDataRead), leaving ECS reads alone', async () => {
    sim.server.setThrottling({ buckets: { metricDataRead: { burst: 1, refillPerSecond: 0 } } });
    try {
      await fetchData([serviceQuery('a', 'prod', 'web', 'CPUUtilization')], 5);
      const error = await rejectionOf(fetchData([serviceQuery('a', 'prod', 'web', 'CPUUtilization')], 5));
      expect(error.name).toBe('Throttling');
      expect(error.$fault).toBe('client');
      const throttled = sim.server.requestLog.list({ service: 'monitoring', outcome: 'throttled' });
      expect(throttled).toHaveLength(1);
    } finally {
      sim.server.setThrottling(false);
    }
  });
});
