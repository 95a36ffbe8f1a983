/**
 * `npm run bench`: the simulator on the large scenario (about 20 clusters, 500 services, 400 instances,
 * 10,000 running tasks), measured through the real @aws-sdk/client-ecs over HTTP on 127.0.0.1.
 *
 * - load: reading, generating and building the scenario, warm-up included;
 * - memory: heapUsed and RSS after a full GC, before and after the simulator holds the scenario;
 * - DescribeTasks of 100 tasks, sequential calls: median and p95 per call;
 * - a full ListTasks walk of one cluster and of every cluster: median and p95 per call, and per walk;
 * - simulation speed: a ManualClock advanced in 1 s steps over 600 simulated seconds.
 *
 * Simulated time stands still during the HTTP measurements (a ManualClock), so they measure the request path,
 * not the simulation; throttling is off. Prints a table and writes test/bench/results/latest.json.
 * Not part of `npm test`: timings depend on the machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { DescribeTasksCommand, ECSClient, ListClustersCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../src/lib/clock.ts';
import { startSimulator } from '../../src/sim/index.ts';

const DESCRIBE_CALLS = 200;
const WALK_REPEATS = 5;
const SIMULATED_SECONDS = 600;
const START_MS = Date.UTC(2025, 0, 15, 9, 0, 0);

interface Stats {
  calls: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return {
    calls: sorted.length,
    medianMs: round(at(0.5)),
    p95Ms: round(at(0.95)),
    minMs: round(sorted[0] ?? 0),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A full GC: `--expose-gc` if given, else the V8 flag set at run time. */
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

function memory(): { heapUsedMiB: number; rssMiB: number } {
  collectGarbage();
  const usage = process.memoryUsage();
  return { heapUsedMiB: round(usage.heapUsed / 2 ** 20, 1), rssMiB: round(usage.rss / 2 ** 20, 1) };
}

async function timed<T>(samples: number[], call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await call();
  samples.push(performance.now() - started);
  return result;
}

async function main(): Promise<void> {
  const before = memory();
  const clock = new ManualClock(START_MS);
  const loadStarted = performance.now();
  const simulator = await startSimulator({ scenario: 'large', seed: 1, clock, throttling: false });
  const loadMs = performance.now() - loadStarted;
  const after = memory();

  const client = new ECSClient({
    endpoint: simulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  try {
    // Warm the connection and the SDK's lazy paths before measuring.
    const clusterArns = (await client.send(new ListClustersCommand({}))).clusterArns ?? [];

    // ListTasks walks: every page of one cluster, then of every cluster.
    const walkOne = async (cluster: string, samples: number[]): Promise<string[]> => {
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await timed(samples, () =>
          client.send(new ListTasksCommand({ cluster, nextToken, maxResults: 100 })),
        );
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return arns;
    };
    const firstCluster = clusterArns[0] as string;
    const oneClusterCalls: number[] = [];
    const oneClusterWalks: number[] = [];
    let oneClusterTasks = 0;
    for (let repeat = 0; repeat < WALK_REPEATS; repeat++)
      oneClusterTasks = (await timed(oneClusterWalks, () => walkOne(firstCluster, oneClusterCalls))).length;

    const allClustersCalls: number[] = [];
    const allClustersWalks: number[] = [];
    let taskArnsByCluster: string[][] = [];
    for (let repeat = 0; repeat < WALK_REPEATS; repeat++) {
      taskArnsByCluster = await timed(allClustersWalks, async () => {
        const listed = (await timed(allClustersCalls, () => client.send(new ListClustersCommand({})))).clusterArns;
        const out: string[][] = [];
        for (const cluster of listed ?? []) out.push(await walkOne(cluster, allClustersCalls));
        return out;
      });
    }
    const runningTasks = taskArnsByCluster.reduce((sum, arns) => sum + arns.length, 0);

    // DescribeTasks of 100 tasks, cycling through the clusters and their task lists.
    const describeCalls: number[] = [];
    let described = 0;
    for (let call = 0; call < DESCRIBE_CALLS; call++) {
      const clusterIndex = call % clusterArns.length;
      const arns = taskArnsByCluster[clusterIndex] ?? [];
      const offset = (Math.floor(call / clusterArns.length) * 100) % Math.max(1, arns.length - 99);
      const tasks = arns.slice(offset, offset + 100);
      const result = await timed(describeCalls, () =>
        client.send(new DescribeTasksCommand({ cluster: clusterArns[clusterIndex], tasks })),
      );
      described += result.tasks?.length ?? 0;
    }

    // Simulation speed: no requests, the model alone, one simulated second at a time.
    const model = simulator.model;
    const simStarted = performance.now();
    for (let second = 0; second < SIMULATED_SECONDS; second++) {
      clock.advance(1000);
      model.advance();
    }
    const simWallMs = performance.now() - simStarted;

    const results = {
      machine: {
        node: process.versions.node,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: availableParallelism(),
        at: new Date().toISOString(),
      },
      scenario: {
        name: simulator.scenarioName,
        clusters: clusterArns.length,
        services: simulator.scenario.clusters.reduce((sum, cluster) => sum + cluster.services.length, 0),
        instances: simulator.model.state.containerInstances.size,
        runningTasksListed: runningTasks,
        tasksInState: simulator.model.state.tasks.size,
        loadMs: round(loadMs, 0),
      },
      memory: {
        before,
        holdingLargeScenario: after,
        heapUsedDeltaMiB: round(after.heapUsedMiB - before.heapUsedMiB, 1),
        rssDeltaMiB: round(after.rssMiB - before.rssMiB, 1),
      },
      describeTasks100: { ...stats(describeCalls), tasksPerCall: round(described / DESCRIBE_CALLS, 1) },
      listTasksWalkOneCluster: {
        perCall: stats(oneClusterCalls),
        perWalk: stats(oneClusterWalks),
        tasks: oneClusterTasks,
      },
      listTasksWalkAllClusters: {
        perCall: stats(allClustersCalls),
        perWalk: stats(allClustersWalks),
        tasks: runningTasks,
      },
      simulation: {
        simulatedSeconds: SIMULATED_SECONDS,
        stepSeconds: 1,
        wallMs: round(simWallMs, 0),
        simulatedSecondsPerWallSecond: round(SIMULATED_SECONDS / (simWallMs / 1000), 0),
        tasksInStateAfter: simulator.model.state.tasks.size,
      },
    };

    const rows: [string, string][] = [
      [
        'scenario',
        `${results.scenario.name}: ${results.scenario.clusters} clusters, ${results.scenario.services} services, ${results.scenario.instances} instances, ${runningTasks} tasks with desiredStatus RUNNING`,
      ],
      ['load (build + warm-up)', `${results.scenario.loadMs} ms`],
      [
        'memory: heapUsed after GC',
        `${after.heapUsedMiB} MiB (+${results.memory.heapUsedDeltaMiB} MiB for the simulator)`,
      ],
      ['memory: RSS after GC', `${after.rssMiB} MiB (+${results.memory.rssDeltaMiB} MiB)`],
      [
        'DescribeTasks x100 per call',
        `median ${results.describeTasks100.medianMs} ms, p95 ${results.describeTasks100.p95Ms} ms (${DESCRIBE_CALLS} calls)`,
      ],
      [
        'ListTasks walk, 1 cluster, per call',
        `median ${results.listTasksWalkOneCluster.perCall.medianMs} ms, p95 ${results.listTasksWalkOneCluster.perCall.p95Ms} ms`,
      ],
      [
        'ListTasks walk, 1 cluster, per walk',
        `median ${results.listTasksWalkOneCluster.perWalk.medianMs} ms (${oneClusterTasks} tasks)`,
      ],
      [
        'ListTasks walk, all clusters, per call',
        `median ${results.listTasksWalkAllClusters.perCall.medianMs} ms, p95 ${results.listTasksWalkAllClusters.perCall.p95Ms} ms`,
      ],
      [
        'ListTasks walk, all clusters, per walk',
        `median ${results.listTasksWalkAllClusters.perWalk.medianMs} ms (${runningTasks} tasks)`,
      ],
      [
        'simulation speed',
        `${results.simulation.simulatedSecondsPerWallSecond} simulated s per wall s (${SIMULATED_SECONDS} x 1 s steps in ${results.simulation.wallMs} ms)`,
      ],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(
      `ecsdeck simulator benchmark (Node ${process.versions.node}, ${results.machine.cores} cores)\n\n`,
    );
    for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`);

    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nWrote ${out}\n`);
  } finally {
    client.destroy();
    await simulator.close();
  }
}

await main();
