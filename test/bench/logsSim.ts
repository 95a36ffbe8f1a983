/**
 * `node --expose-gc --import tsx test/bench/logsSim.ts`: what CloudWatch Logs costs the simulator on the large
 * scenario (10,000 tasks, every container logging through awslogs), through the real
 * @aws-sdk/client-cloudwatch-logs over HTTP on 127.0.0.1.
 *
 * - load and memory before any logs call (streams are made on the first call, lines drawn on demand);
 * - the first logs call (which gives every started task container its stream) and memory after it;
 * - GetLogEvents: the last 100 lines and the first 100 lines of a stream of a task running for days;
 * - DescribeLogStreams of the largest group, by last event time;
 * - FilterLogEvents over 15 minutes of the largest group;
 * - simulation speed with logs (600 x 1 s steps), to show the log store adds nothing to the simulation.
 *
 * Simulated time stands still during the HTTP measurements; throttling is off. Not part of `npm test`.
 */

import v8 from 'node:v8';
import vm from 'node:vm';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ManualClock } from '../../src/lib/clock.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { startSimulator } from '../../src/sim/index.ts';

const START_MS = Date.UTC(2025, 0, 15, 9, 0, 0);
const CALLS = 50;

function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    exposed();
    return;
  }
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

function heapMiB(): number {
  collectGarbage();
  return Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
}

function median(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms (${sorted.length} calls)`;
}

async function timedMany(call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const heapBefore = heapMiB();
  const clock = new ManualClock(START_MS);
  const loadStarted = performance.now();
  const scheduler = new VirtualScheduler(0);
  const simulator = await startSimulator({
    scenario: 'large',
    seed: 1,
    clock,
    throttling: false,
    liveTail: { scheduler },
  });
  const loadMs = performance.now() - loadStarted;
  const heapLoaded = heapMiB();
  const logs = new CloudWatchLogsClient({
    endpoint: simulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    disableHostPrefix: true,
  });
  const rows: [string, string][] = [];
  try {
    const firstStarted = performance.now();
    const groups = (await logs.send(new DescribeLogGroupsCommand({ limit: 50 }))).logGroups ?? [];
    const firstMs = performance.now() - firstStarted;
    const heapSynced = heapMiB();
    const store = simulator.model.logs;
    const allGroups = store.groups();
    const streamCount = allGroups.reduce((sum, group) => sum + store.streamsOf(group).length, 0);
    const largest = allGroups.reduce((best, group) =>
      store.streamsOf(group).length > store.streamsOf(best).length ? group : best,
    );
    const oldest = store
      .streamsOf(largest)
      .reduce((best, stream) => (stream.createdAt < best.createdAt ? stream : best));

    rows.push([
      'scenario',
      `large: ${simulator.model.state.tasks.size} tasks, ${allGroups.length} log groups, ${streamCount} streams`,
    ]);
    rows.push(['load (build + warm-up)', `${loadMs.toFixed(0)} ms`]);
    rows.push([
      'heapUsed after load',
      `${heapLoaded} MiB (+${(heapLoaded - heapBefore).toFixed(1)} MiB for the simulator)`,
    ]);
    rows.push([
      'first logs call (makes the streams)',
      `${firstMs.toFixed(0)} ms (DescribeLogGroups, ${groups.length} groups)`,
    ]);
    rows.push([
      'heapUsed after the streams exist',
      `${heapSynced} MiB (+${(heapSynced - heapLoaded).toFixed(1)} MiB for ${streamCount} streams)`,
    ]);

    const ageDays = ((simulator.model.now() - oldest.createdAt) / 86_400_000).toFixed(1);
    const tail = await timedMany(() =>
      logs.send(new GetLogEventsCommand({ logGroupName: largest.name, logStreamName: oldest.name, limit: 100 })),
    );
    rows.push([`GetLogEvents last 100 (stream ${ageDays} days old)`, median(tail)]);
    const head = await timedMany(() =>
      logs.send(
        new GetLogEventsCommand({
          logGroupName: largest.name,
          logStreamName: oldest.name,
          limit: 100,
          startFromHead: true,
        }),
      ),
    );
    rows.push(['GetLogEvents first 100', median(head)]);
    const full = await timedMany(() =>
      logs.send(new GetLogEventsCommand({ logGroupName: largest.name, logStreamName: oldest.name })),
    );
    rows.push(['GetLogEvents 10,000 from the end', median(full)]);
    const describe = await timedMany(() =>
      logs.send(
        new DescribeLogStreamsCommand({ logGroupName: largest.name, orderBy: 'LastEventTime', descending: true }),
      ),
    );
    rows.push([`DescribeLogStreams by LastEventTime (${store.streamsOf(largest).length} streams)`, median(describe)]);
    const filter = await timedMany(() =>
      logs.send(
        new FilterLogEventsCommand({
          logGroupName: largest.name,
          startTime: simulator.model.now() - 900_000,
          filterPattern: 'ERROR',
        }),
      ),
    );
    rows.push(['FilterLogEvents ERROR, 15 min of the largest group', median(filter)]);

    // A live tail of the largest group: the cost of one update (a simulated second of every stream).
    const abort = new AbortController();
    const session = await logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [largest.name] }), {
      abortSignal: abort.signal,
    });
    const updates = session.responseStream?.[Symbol.asyncIterator]();
    await updates?.next();
    const ticks: number[] = [];
    let lines = 0;
    for (let i = 0; i < CALLS; i++) {
      clock.advance(1000);
      const started = performance.now();
      await scheduler.advance(1000);
      lines += (await updates?.next())?.value?.sessionUpdate?.sessionResults?.length ?? 0;
      ticks.push(performance.now() - started);
    }
    abort.abort();
    rows.push([
      `StartLiveTail update, ${store.streamsOf(largest).length} streams (${(lines / CALLS).toFixed(0)} lines/s)`,
      median(ticks),
    ]);

    const simStarted = performance.now();
    for (let second = 0; second < 600; second++) {
      clock.advance(1000);
      simulator.model.advance();
    }
    const simMs = performance.now() - simStarted;
    rows.push([
      'simulation speed',
      `${Math.round(600_000 / simMs)} simulated s per wall s (600 x 1 s steps in ${simMs.toFixed(0)} ms)`,
    ]);
  } finally {
    logs.destroy();
    await simulator.close();
  }
  console.log(`ecsdeck simulator logs benchmark (Node ${process.versions.node})\n`);
  for (const [name, value] of rows) console.log(`  ${name.padEnd(58)} ${value}`);
}

await main();
