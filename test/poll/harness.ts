/**
 * The data layer wired to a real simulator over HTTP through the real SDK, on virtual time: the simulated ECS
 * clock, the simulator's throttling clock, our budget and our pollers all read one VirtualScheduler.
 */

import type { EcsGateway } from '../../src/ecs/gateway.ts';
import { createSdkGateway, type SdkGatewayOptions } from '../../src/ecs/sdkGateway.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { type Cadence, Monitor, type MonitorObserver } from '../../src/poll/monitor.ts';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '../../src/sim/index.ts';
import { createEcsStore, type EcsStore } from '../../src/store/store.ts';

export const START = Date.UTC(2026, 10, 24, 12, 0, 0);

export interface Harness {
  sim: RunningSimulator;
  scheduler: VirtualScheduler;
  gateway: EcsGateway;
  store: EcsStore;
  monitor: Monitor;
  /** Let real I/O and virtual time run until `done()` holds; fails after a real-time deadline instead of hanging. */
  runUntil(done: () => boolean, options?: { stepMs?: number; deadlineMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    sim?: StartSimulatorOptions;
    gateway?: Partial<SdkGatewayOptions>;
    cadence?: Cadence;
    observer?: MonitorObserver;
  } = {},
): Promise<Harness> {
  const scheduler = new VirtualScheduler(START);
  const sim = await startSimulator({
    scenario: 'demo',
    clock: scheduler,
    wallClock: scheduler,
    throttling: false,
    ...options.sim,
  });
  const gateway = await createSdkGateway({
    endpoint: sim.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler,
    ...options.gateway,
  });
  const store = createEcsStore();
  const monitor = new Monitor({
    gateway,
    store,
    scheduler,
    ...(options.cadence ? { cadence: options.cadence } : {}),
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const runUntil: Harness['runUntil'] = async (done, { stepMs = 50, deadlineMs = 20_000 } = {}) => {
    const deadline = performance.now() + deadlineMs;
    while (!done()) {
      if (performance.now() > deadline) throw new Error('runUntil: condition not reached before the deadline');
      // Real I/O first (HTTP round trips take a few turns of the event loop), then a little virtual time.
      // Time stands still while a call is on the wire, as it nearly does for real: otherwise calls granted a
      // second apart could arrive together and the simulator's per-second counts would not mean much.
      for (let i = 0; i < 5 || gateway.stats().inFlight > 0; i++) {
        await flushMicrotasks();
        if (performance.now() > deadline) throw new Error('runUntil: a call never finished');
      }
      if (!done()) await scheduler.advance(stepMs);
    }
  };
  return {
    sim,
    scheduler,
    gateway,
    store,
    monitor,
    runUntil,
    close: async () => {
      monitor.stop();
      await sim.close();
    },
  };
}

/** Waits for every poller's run in flight to settle, while real I/O proceeds. */
export async function settle(harness: Harness): Promise<void> {
  await harness.monitor.idle();
}
