/**
 * Data-layer benchmark (part of `npm run bench`): how many ECS calls the pollers spend on the focused cluster
 * in steady state, against the least possible, on the large scenario; that a STOPPED task and a task
 * definition revision are each described once; the first-load time of the whole account; and the resident
 * memory with the large scenario loaded into the store plus an hour of polling.
 *
 * Least possible per refresh cycle of a cluster with S services and T running tasks:
 *   ceil(T/100) ListTasks pages + ceil(S/100) ListServices pages + ceil(S/10) DescribeServices + ceil(T/100) DescribeTasks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EcsGateway } from '../../src/ecs/gateway.ts';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { SeededRandom } from '../../src/lib/random.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { DEFAULT_CADENCE, Monitor } from '../../src/poll/monitor.ts';
import { restoreFromRecords } from '../../src/poll/recording.ts';
import { startSimulator } from '../../src/sim/index.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { createEcsStore } from '../../src/store/store.ts';
import { history } from './recorderHistory.ts';

const START = Date.UTC(2026, 10, 24, 12, 0, 0);
const CYCLES = 24;

/** Counts which ARNs each describe call was asked for (our own interface, observed, not replaced). */
function countingGateway(inner: EcsGateway) {
  const describedTasks = new Map<string, number>();
  const describedDefinitions = new Map<string, number>();
  const describeTasks: EcsGateway['describeTasks'] = (cluster, tasks, options) => {
    for (const arn of tasks) describedTasks.set(arn, (describedTasks.get(arn) ?? 0) + 1);
    return inner.describeTasks(cluster, tasks, options);
  };
  const describeTaskDefinition: EcsGateway['describeTaskDefinition'] = (arn, options) => {
    describedDefinitions.set(arn, (describedDefinitions.get(arn) ?? 0) + 1);
    return inner.describeTaskDefinition(arn, options);
  };
  const gateway = new Proxy(inner, {
    get(target, property) {
      if (property === 'describeTasks') return describeTasks;
      if (property === 'describeTaskDefinition') return describeTaskDefinition;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { gateway, describedTasks, describedDefinitions };
}

async function main(): Promise<void> {
  const scheduler = new VirtualScheduler(START);
  const sim = await startSimulator({ scenario: 'large', clock: scheduler, wallClock: scheduler, throttling: false });
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  // The simulator shares this process: the app's own heap is what grows from here.
  const heapWithSimulatorOnly = process.memoryUsage().heapUsed;
  const inner = await createSdkGateway({ endpoint: sim.url, simulator: true, budgetPerSecond: 1000, scheduler });
  const { gateway, describedTasks, describedDefinitions } = countingGateway(inner);
  const store = createEcsStore();
  const monitor = new Monitor({ gateway, store, scheduler });

  const runUntil = async (done: () => boolean) => {
    while (!done()) {
      for (let i = 0; i < 5 || inner.stats().inFlight > 0; i++) await flushMicrotasks();
      if (!done()) await scheduler.advance(50);
    }
  };

  // First load of the whole account: every cluster's services, tasks and instances.
  const firstLoadStarted = performance.now();
  monitor.start();
  await runUntil(() => store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined);
  const clusterArns = [...store.getState().clusters.keys()];
  for (const arn of clusterArns) {
    monitor.focusCluster(arn);
    await runUntil(() =>
      [feedKey.services, feedKey.tasks, feedKey.instances].every(
        (key) => store.getState().meta.get(key(arn))?.lastSuccessAt !== undefined,
      ),
    );
  }
  const firstLoadMs = performance.now() - firstLoadStarted;
  const firstLoadCalls = inner.stats().total;

  // Steady state on the biggest cluster.
  const sizes = clusterArns.map((arn) => ({
    arn,
    tasks: [...sim.model.state.tasks.values()].filter((t) => t.clusterArn === arn && t.desiredStatus === 'RUNNING')
      .length,
    services: [...sim.model.state.services.values()].filter((s) => s.clusterArn === arn && s.status === 'ACTIVE')
      .length,
  }));
  sizes.sort((a, b) => b.tasks - a.tasks);
  const focused = sizes[0];
  if (!focused) throw new Error('no clusters');
  monitor.focusCluster(focused.arn);
  await runUntil(() => store.getState().meta.get(feedKey.tasks(focused.arn))?.lastSuccessAt !== undefined);
  // Let every slower feed settle into its rhythm before counting.
  for (let t = 0; t < 60_000; t += 1000) await runUntil(() => true).then(() => scheduler.advance(1000));
  await monitor.idle();
  const before = sim.server.requestLog.lastSeq;
  const tasksFeed = feedKey.tasks(focused.arn);
  const runsBefore = monitor.feedRuns()[tasksFeed] ?? 0;
  const windowMs = CYCLES * DEFAULT_CADENCE.tasksMs;
  // The least possible, summed cycle by cycle: the cluster's size moves (rollouts start tasks) during the window.
  const S = focused.services;
  let leastTotal = 0;
  let seenRuns = runsBefore;
  for (let t = 0; t < windowMs; t += 250) {
    const runs = monitor.feedRuns()[tasksFeed] ?? 0;
    if (runs > seenRuns) {
      seenRuns = runs;
      const T = [...sim.model.state.tasks.values()].filter(
        (task) => task.clusterArn === focused.arn && task.desiredStatus === 'RUNNING',
      ).length;
      leastTotal += Math.ceil(T / 100) * 2 + Math.ceil(S / 100) + Math.ceil(S / 10);
    }
    for (let i = 0; i < 5 || inner.stats().inFlight > 0; i++) await flushMicrotasks();
    await scheduler.advance(250);
  }
  await monitor.idle();
  const cycles = (monitor.feedRuns()[tasksFeed] ?? 0) - runsBefore;
  const calls = sim.server.requestLog.list({ sinceSeq: before });
  const focusedName = focused.arn.split('/').pop() ?? focused.arn;
  // The focused cluster's refresh cost; the other clusters' slow stopped-task feeds and the cluster list are
  // reported separately.
  const focusedCalls = calls.filter((call) => call.cluster === focusedName).length;
  const otherCalls = calls.length - focusedCalls;
  const T = focused.tasks;
  const leastPerCycle = Math.round((leastTotal / cycles) * 100) / 100;
  const ratio = focusedCalls / leastTotal;

  const stoppedDescribedMoreThanOnce = [...describedTasks.entries()].filter(([arn, count]) => {
    const task = store.getState().tasks.get(arn);
    return task?.lastStatus === 'STOPPED' && count > 1 && !wasDescribedWhileStopping(arn);
  });
  for (const arn of new Set([...store.getState().tasks.values()].map((t) => t.taskDefinitionArn ?? ''))) {
    if (arn) await Promise.all([monitor.taskDefinition(arn), monitor.taskDefinition(arn)]);
  }
  const definitionsDescribedTwice = [...describedDefinitions.values()].filter((n) => n > 1).length;

  // An hour of steady polling of the focused cluster, then memory.
  for (let t = 0; t < 3600_000; t += 1000) {
    for (let i = 0; i < 3 || inner.stats().inFlight > 0; i++) await flushMicrotasks();
    await scheduler.advance(1000);
  }
  await monitor.idle();
  // An hour of flight-recorder history folded in, as a restart would.
  const recorded = [...history(1, new SeededRandom(7))];
  restoreFromRecords(store, recorded, scheduler.now());
  recorded.length = 0;
  gc?.();
  const memory = process.memoryUsage();
  const appHeapMiB = Math.round((memory.heapUsed - heapWithSimulatorOnly) / 1048576);
  monitor.stop();
  await sim.close();

  const byOperation: Record<string, number> = {};
  for (const call of calls) byOperation[call.operation] = (byOperation[call.operation] ?? 0) + 1;
  const result = {
    scenario: 'large',
    clusters: clusterArns.length,
    firstLoad: { wallMs: Math.round(firstLoadMs), calls: firstLoadCalls },
    focusedCluster: { name: focusedName, services: S, runningTasks: T },
    cycles,
    callsPerCycle: Math.round((focusedCalls / cycles) * 100) / 100,
    leastPerCycle,
    ratio: Math.round(ratio * 1000) / 1000,
    otherCallsPerCycle: Math.round((otherCalls / cycles) * 100) / 100,
    allCallsInWindowByOperation: byOperation,
    stoppedTasksDescribedMoreThanOnce: stoppedDescribedMoreThanOnce.length,
    taskDefinitionsDescribedMoreThanOnce: definitionsDescribedTwice,
    storeTasks: store.getState().tasks.size,
    storeFailureOccurrences: store.getState().failureOccurrences.size,
    rssMiB: Math.round(memory.rss / 1048576),
    heapUsedMiB: Math.round(memory.heapUsed / 1048576),
    appHeapMiB,
    gcExposed: gc !== undefined,
  };
  console.log('\nData layer (large scenario, simulator over HTTP, real SDK)');
  console.table({
    'first load of every cluster': `${result.firstLoad.calls} calls, ${result.firstLoad.wallMs} ms`,
    'focused cluster': `${focusedName}: ${S} services, ${T} running tasks`,
    'calls per refresh cycle': `${result.callsPerCycle} (least possible ${leastPerCycle}) → ratio ${result.ratio}`,
    'other clusters + cluster list per cycle': result.otherCallsPerCycle,
    'STOPPED tasks described more than once': result.stoppedTasksDescribedMoreThanOnce,
    'task definitions described more than once': result.taskDefinitionsDescribedMoreThanOnce,
    'app heap: large scenario + 1 h polling + 1 h recorder history': `${result.appHeapMiB} MiB`,
    'process (app + simulator) after 1 h': `${result.rssMiB} MiB RSS, ${result.heapUsedMiB} MiB heap`,
  });
  writeFileSync(join(import.meta.dirname, 'results', 'data-layer.json'), `${JSON.stringify(result, null, 2)}\n`);

  function wasDescribedWhileStopping(arn: string): boolean {
    // A task seen on its way to STOPPED is described each cycle until it is final: that is change, not waste.
    const history = store.getState().transitions.get(arn) ?? [];
    return history.some((h) => h.status !== 'STOPPED');
  }
}

await main();
