/**
 * The demo simulator with its CloudWatch Logs, on one VirtualScheduler (model, wall clock, live tail pacing), and
 * ecsdeck's own gateways over HTTP through the real SDKs: ECS, and CloudWatch Logs with its own budget.
 */

import type { EcsGateway } from '../../src/ecs/gateway.ts';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { createSdkLogsGateway, type SdkLogsGateway } from '../../src/logs/sdkLogsGateway.ts';
import type { FaultConfig } from '../../src/sim/faults.ts';
import type { SimModel } from '../../src/sim/model/model.ts';
import type { SimTask } from '../../src/sim/model/types.ts';
import { readScenario } from '../../src/sim/scenario/files.ts';
import { createScenarioModel } from '../../src/sim/scenario/load.ts';
import { type SimServer, startSimServer } from '../../src/sim/server.ts';

export const WORLD_START = Date.UTC(2026, 10, 24, 12, 0, 0);

export interface LogsWorld {
  scheduler: VirtualScheduler;
  model: SimModel;
  server: SimServer;
  ecs: EcsGateway;
  logs: SdkLogsGateway;
  /** Moves virtual time on a second at a time, letting real I/O run between. */
  advance(ms: number): Promise<void>;
  /** Lets real I/O and virtual time run until `done()` holds; fails at a real-time deadline. */
  runUntil(done: () => boolean, options?: { stepMs?: number; deadlineMs?: number }): Promise<void>;
  /** The CloudWatch Logs requests the simulator has seen, by operation. */
  logsCalls(): string[];
  close(): Promise<void>;
}

export async function startLogsWorld(
  options: { logsBudget?: number; faults?: FaultConfig; seed?: number; liveTailTimeoutMs?: number } = {},
): Promise<LogsWorld> {
  const scheduler = new VirtualScheduler(WORLD_START);
  const { scenario, source } = readScenario('demo');
  const { model } = createScenarioModel({ scenario, source, seed: options.seed ?? 1, clock: scheduler });
  const server = await startSimServer({
    model,
    wallClock: scheduler,
    throttling: false,
    liveTail: {
      scheduler,
      ...(options.liveTailTimeoutMs !== undefined ? { sessionTimeoutMs: options.liveTailTimeoutMs } : {}),
    },
    ...(options.faults ? { faults: options.faults } : {}),
  });
  const ecs = await createSdkGateway({ endpoint: server.url, simulator: true, budgetPerSecond: 1000, scheduler });
  const logs = await createSdkLogsGateway({
    endpoint: server.url,
    simulator: true,
    budgetPerSecond: options.logsBudget ?? 1000,
    scheduler,
    random: () => 0.5,
  });
  const io = async () => {
    for (let i = 0; i < 5 || logs.stats().inFlight > 0 || ecs.stats().inFlight > 0; i++) await flushMicrotasks();
  };
  return {
    scheduler,
    model,
    server,
    ecs,
    logs,
    async advance(ms) {
      for (let done = 0; done < ms; done += 1000) {
        await io();
        await scheduler.advance(Math.min(1000, ms - done));
        model.advance();
      }
      await io();
    },
    async runUntil(done, { stepMs = 50, deadlineMs = 20_000 } = {}) {
      const deadline = performance.now() + deadlineMs;
      while (!done()) {
        if (performance.now() > deadline) throw new Error('runUntil: condition not reached before the deadline');
        await io();
        if (!done()) await scheduler.advance(stepMs);
      }
    },
    logsCalls: () => server.requestLog.list({ service: 'logs' }).map((entry) => entry.operation),
    async close() {
      logs.close();
      await server.close();
    },
  };
}

/** The tasks of a demo service, in the model. */
export function serviceTasks(model: SimModel, cluster: string, service: string): SimTask[] {
  const found = model.findService(model.requireCluster(cluster), service);
  if (!found) throw new Error(`no service ${cluster}/${service}`);
  return [...model.tasksOfService(found)];
}
