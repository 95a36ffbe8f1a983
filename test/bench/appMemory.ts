/**
 * Resident memory of the app alone (part of `npm run bench`): the simulator runs in a child process with the
 * large scenario; this process loads every cluster through the real gateway into the store, folds in an hour of
 * flight-recorder history, and reports RSS and heap after a full GC.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { SeededRandom } from '../../src/lib/random.ts';
import { realScheduler } from '../../src/lib/scheduler.ts';
import { Monitor } from '../../src/poll/monitor.ts';
import { restoreFromRecords } from '../../src/poll/recording.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { createEcsStore } from '../../src/store/store.ts';
import { history } from './recorderHistory.ts';

const root = resolve(import.meta.dirname, '..', '..');

async function waitFor(condition: () => boolean, deadlineMs: number, what: string): Promise<void> {
  const until = performance.now() + deadlineMs;
  while (!condition()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sim', '--scenario', 'large'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  try {
    await waitFor(() => /Endpoint: (http:\S+)/.test(out), 60_000, 'the simulator');
    const endpoint = /Endpoint: (http:\S+)/.exec(out)?.[1] as string;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const baseline = process.memoryUsage();
    const gateway = await createSdkGateway({
      endpoint,
      simulator: true,
      budgetPerSecond: 1000,
      scheduler: realScheduler,
    });
    const store = createEcsStore();
    const monitor = new Monitor({ gateway, store, scheduler: realScheduler });
    monitor.start();
    await waitFor(() => store.getState().meta.get(feedKey.clusters)?.lastSuccessAt !== undefined, 60_000, 'clusters');
    const started = performance.now();
    for (const arn of store.getState().clusters.keys()) {
      monitor.focusCluster(arn);
      await waitFor(
        () =>
          [feedKey.services, feedKey.tasks, feedKey.instances].every(
            (key) => store.getState().meta.get(key(arn))?.lastSuccessAt !== undefined,
          ),
        60_000,
        arn,
      );
    }
    const loadMs = performance.now() - started;
    restoreFromRecords(store, [...history(1, new SeededRandom(7))], Date.now());
    monitor.stop();
    gc?.();
    const loaded = process.memoryUsage();
    const state = store.getState();
    const result = {
      tasksInStore: state.tasks.size,
      services: state.services.size,
      instances: state.instances.size,
      failureOccurrences: state.failureOccurrences.size,
      loadAllClustersMs: Math.round(loadMs),
      baselineRssMiB: Math.round(baseline.rss / 1048576),
      rssMiB: Math.round(loaded.rss / 1048576),
      heapUsedMiB: Math.round(loaded.heapUsed / 1048576),
      gcExposed: gc !== undefined,
    };
    console.log('\nApp memory (simulator in a child process; large scenario + 1 h of recorder history)');
    console.table({
      'store holds': `${result.tasksInStore} tasks, ${result.services} services, ${result.instances} instances, ${result.failureOccurrences} failures`,
      'load of every cluster': `${result.loadAllClustersMs} ms`,
      'resident memory (RSS) after GC': `${result.rssMiB} MiB (process before loading: ${result.baselineRssMiB} MiB)`,
      'heap used after GC': `${result.heapUsedMiB} MiB`,
    });
    writeFileSync(join(import.meta.dirname, 'results', 'app-memory.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    child.kill('SIGINT');
  }
}

await main();
