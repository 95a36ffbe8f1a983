/**
 * `npm run bench:budget`: `--budget N` as the server counts it, on real time. The simulator (real clocks) logs
 * when each request arrives; the Monitor runs through the real SDK with the budget at 3, 10 and 50 through
 * start-up (demo and large scenario, a cold SDK first), pane switching, background feeds that coincide, and
 * throttling then recovery. Reports the most requests that arrived within any sliding second, per phase; the
 * goal is never more than N. The pass/fail check on virtual time is test/poll/budgetAtServer.test.ts; this shows
 * what the SDK's own start-up time and a real event loop add. Writes test/bench/results/budget-at-server.json.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { realScheduler } from '../../src/lib/scheduler.ts';
import { Monitor } from '../../src/poll/monitor.ts';
import { startSimulator } from '../../src/sim/index.ts';
import { busiestSecond, type RequestLogEntry } from '../../src/sim/requestLog.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { createEcsStore } from '../../src/store/store.ts';
import { COINCIDING } from '../poll/harness.ts';

const BUDGETS = [3, 10, 50];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await sleep(20);
}

interface Phase {
  phase: string;
  requests: number;
  worstWindow: number;
}

async function runBudget(budget: number): Promise<Phase[]> {
  const phases: Phase[] = [];
  const measure = (phase: string, entries: RequestLogEntry[]) =>
    phases.push({ phase, requests: entries.length, worstWindow: busiestSecond(entries) });

  for (const scenario of ['demo', 'large']) {
    const sim = await startSimulator({ scenario, throttling: false });
    const gateway = await createSdkGateway({
      endpoint: sim.url,
      simulator: true,
      budgetPerSecond: budget,
      scheduler: realScheduler,
    });
    const store = createEcsStore();
    const monitor = new Monitor({ gateway, store, scheduler: realScheduler, cadence: COINCIDING });
    monitor.start();
    await waitFor(() => store.getState().clusters.size > 0, 20_000);
    const clusters = [...store.getState().clusters.keys()].sort();
    monitor.focusCluster(clusters[0]);
    await waitFor(
      () => store.getState().meta.get(feedKey.tasks(clusters[0] ?? ''))?.lastSuccessAt !== undefined,
      20_000,
    );
    measure(`${scenario}: start-up`, sim.server.requestLog.list());

    if (scenario === 'large') {
      let seq = sim.server.requestLog.lastSeq;
      for (let round = 0; round < 10; round++) {
        monitor.focusCluster(clusters[(round * 7) % clusters.length]);
        await sleep(300);
      }
      measure('large: pane switching', sim.server.requestLog.list({ sinceSeq: seq }));

      seq = sim.server.requestLog.lastSeq;
      await sleep(4_000);
      measure('large: coinciding feeds', sim.server.requestLog.list({ sinceSeq: seq }));

      seq = sim.server.requestLog.lastSeq;
      sim.server.setThrottling({ multiplier: 0.05 });
      await sleep(3_000);
      sim.server.setThrottling(false);
      await sleep(3_000);
      const recovery = sim.server.requestLog.list({ sinceSeq: seq });
      measure(
        `large: throttled, then recovery (${recovery.filter((e) => e.outcome === 'throttled').length} throttled)`,
        recovery,
      );
      measure('large: all of it', sim.server.requestLog.list());
    }
    monitor.stop();
    await sim.close();
  }
  return phases;
}

async function main(): Promise<void> {
  const results: Record<string, Phase[]> = {};
  for (const budget of BUDGETS) {
    results[`--budget ${budget}`] = await runBudget(budget);
    console.log(`\n--budget ${budget}: most requests arriving within one second (sliding), per phase`);
    console.table(
      Object.fromEntries(
        (results[`--budget ${budget}`] ?? []).map((p) => [
          p.phase,
          { requests: p.requests, worstWindow: p.worstWindow, withinBudget: p.worstWindow <= budget },
        ]),
      ),
    );
  }
  writeFileSync(join(import.meta.dirname, 'results', 'budget-at-server.json'), `${JSON.stringify(results, null, 2)}\n`);
}

await main();
process.exit(0);
