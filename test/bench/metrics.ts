/**
 * `npm run bench:metrics`: GetMetricData calls per minute on the large scenario (20 clusters, 500 services), against
 * the least possible, through the real SDKs on virtual time (the ECS pollers run beside it, as in the app):
 *
 * - steady: one cluster of 25 services in focus for 20 minutes;
 * - detail: the same with a service detail open (its 6 h charts);
 * - browsing: the focus moving to another cluster every 2 minutes for 20 minutes.
 *
 * The least possible: each minute, every series on screen needs reading once, and CloudWatch takes 500 queries a
 * call, so ceil(queries / 500) calls a minute, plus one call for each cluster newly focused (its series were never
 * read). Also times the simulator answering one cluster's services over 1 h and 6 h (wall clock, the handler alone), which the large
 * scenario must keep cheap. Writes test/bench/results/metrics.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSimHandler } from '../../src/sim/server.ts';
import { startMetricsHarness } from '../metrics/harness.ts';

const MINUTE = 60_000;

interface Phase {
  phase: string;
  minutes: number;
  calls: number;
  callsPerMinute: number;
  leastPossible: number;
  queriesPerRefresh: number;
}

async function main(): Promise<void> {
  const h = await startMetricsHarness({ sim: { scenario: 'large' } });
  const phases: Phase[] = [];
  try {
    h.monitor.start();
    await h.runUntil(() => h.store.getState().clusters.size >= 20, { deadlineMs: 120_000, stepMs: 500 });
    const clusters = [...h.store.getState().clusters.values()].sort((a, b) =>
      (a.clusterName ?? '').localeCompare(b.clusterName ?? ''),
    );
    const servicesOf = (arn: string) => [...h.store.getState().services.values()].filter((s) => s.clusterArn === arn);
    const focus = async (arn: string) => {
      h.monitor.focusCluster(arn);
      h.metrics.focusCluster(arn);
      await h.runUntil(() => servicesOf(arn).length > 0, { deadlineMs: 120_000, stepMs: 500 });
    };
    const run = async (
      phase: string,
      minutes: number,
      least: number,
      queries: number,
      step?: (minute: number) => Promise<void>,
    ) => {
      const before = h.metricCalls().length;
      const startedAt = h.scheduler.now();
      for (let minute = 0; minute < minutes; minute++) {
        await step?.(minute);
        await h.runUntil(() => h.scheduler.now() - startedAt >= (minute + 1) * MINUTE, {
          deadlineMs: 120_000,
          stepMs: 1000,
        });
      }
      await h.metrics.idle();
      const calls = h.metricCalls().length - before;
      phases.push({
        phase,
        minutes,
        calls,
        callsPerMinute: Math.round((calls / minutes) * 100) / 100,
        leastPossible: least,
        queriesPerRefresh: queries,
      });
    };

    const first = clusters[0]?.clusterArn as string;
    await focus(first);
    h.metrics.start();
    const queries = servicesOf(first).length * 2 + 2;
    // Minute 0 reads the hour of every series; each later minute reads the minutes since.
    await run('steady: one cluster in focus', 20, 20, queries);

    const service = servicesOf(first)[0]?.serviceArn;
    await run('detail: a service detail open (6 h)', 10, 10, queries, async (minute) => {
      if (minute === 0) h.metrics.watchService(service);
    });
    h.metrics.watchService(undefined);

    let next = 1;
    await run('browsing: another cluster every 2 minutes', 20, 20, queries, async (minute) => {
      if (minute % 2 === 0) {
        const cluster = clusters[next++ % clusters.length]?.clusterArn as string;
        await focus(cluster);
      }
    });
    const errors = h.sim.server.requestLog.list({ service: 'monitoring' }).filter((entry) => entry.outcome !== 'ok');
    if (errors.length > 0) throw new Error(`${errors.length} GetMetricData calls failed`);
  } finally {
    await h.close();
  }

  // The handler alone on the large scenario: one cluster's services and reservation over 6 h, wall clock.
  const timing = await startMetricsHarness({ sim: { scenario: 'large' } });
  const handlerMs: Record<string, number[]> = {};
  try {
    const model = timing.sim.model;
    const handler = createSimHandler({ model, throttling: false });
    const [cluster] = [...model.state.clusters.values()];
    if (!cluster) throw new Error('no cluster');
    const queries = [...model.servicesOfCluster(cluster)].flatMap((service, index) =>
      ['CPUUtilization', 'MemoryUtilization'].map((metric, m) => ({
        Id: `q${index}_${m}`,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ECS',
            MetricName: metric,
            Dimensions: [
              { Name: 'ClusterName', Value: cluster.name },
              { Name: 'ServiceName', Value: service.name },
            ],
          },
          Period: 60,
          Stat: m === 0 ? 'Average' : 'Maximum',
        },
      })),
    );
    for (const hours of [1, 6]) {
      const body = JSON.stringify({
        MetricDataQueries: queries,
        StartTime: (model.now() - hours * 3600_000) / 1000,
        EndTime: model.now() / 1000,
      });
      const times: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const started = performance.now();
        const response = await handler.handle({
          method: 'POST',
          url: '/',
          headers: { 'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData' },
          body,
        });
        times.push(Math.round((performance.now() - started) * 10) / 10);
        if (response.status !== 200) throw new Error(`GetMetricData answered ${response.status}: ${response.body}`);
      }
      handlerMs[`${hours}h`] = times;
    }
  } finally {
    await timing.close();
  }

  const report = {
    scenario: 'large (20 clusters x 25 services)',
    phases,
    simulatorHandlerMsOneCluster: handlerMs,
  };
  writeFileSync(join(import.meta.dirname, 'results', 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  for (const phase of phases) {
    console.log(
      `${phase.phase.padEnd(44)} ${String(phase.calls).padStart(3)} calls in ${phase.minutes} min = ${phase.callsPerMinute}/min (least possible ${phase.leastPossible}; ${phase.queriesPerRefresh} queries a refresh)`,
    );
  }
  for (const [window, times] of Object.entries(handlerMs)) {
    console.log(`simulator, one cluster's ${2 * 25} service series over ${window}: ${times.join(', ')} ms`);
  }
}

await main();
