/**
 * The data layer wired to a real simulator over HTTP through the real SDK, on virtual time: the simulated ECS
 * clock, the simulator's throttling clock, our budget and our pollers all read one VirtualScheduler.
 *
 * With `network`, a relay between the gateway and the simulator holds every request for a random stretch of
 * virtual time before passing it on: the time a real request spends between leaving ecsdeck and arriving at ECS
 * (a slow start-up, a congested link), during which the rest of the app goes on.
 */

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EcsGateway } from '../../src/ecs/gateway.ts';
import { createSdkGateway, type SdkGatewayOptions } from '../../src/ecs/sdkGateway.ts';
import { SeededRandom } from '../../src/lib/random.ts';
import { delay, flushMicrotasks, type Scheduler, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { type Cadence, Monitor, type MonitorObserver } from '../../src/poll/monitor.ts';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from '../../src/sim/index.ts';
import { createEcsStore, type EcsStore } from '../../src/store/store.ts';

/** Every feed every few seconds, so that they coincide: the focused panes, the cluster list, every cluster's feeds. */
export const COINCIDING: Cadence = {
  clustersMs: 3_000,
  servicesMs: 1_000,
  tasksMs: 1_000,
  instancesMs: 3_000,
  stoppedMs: 3_000,
  backgroundStoppedMs: 3_000,
  backgroundInstancesMs: 3_000,
};

export const START = Date.UTC(2026, 10, 24, 12, 0, 0);

export interface NetworkOptions {
  /** Each request is held between 0 and this many virtual ms on its way to the simulator. */
  maxDelayMs: number;
  /** Seeds the delays (default 1). */
  seed?: number;
}

export interface Harness {
  sim: RunningSimulator;
  scheduler: VirtualScheduler;
  gateway: EcsGateway;
  store: EcsStore;
  monitor: Monitor;
  /** Let real I/O and virtual time run until `done()` holds; fails after a real-time deadline instead of hanging. */
  runUntil(done: () => boolean, options?: { stepMs?: number; deadlineMs?: number }): Promise<void>;
  /**
   * Makes runUntil hold virtual time while this other service's calls (CloudWatch, CloudWatch Logs) are on the
   * wire too: otherwise a slow machine lets their virtual deadlines pass mid-call and they are aborted and retried.
   */
  holdTimeFor(calls: { stats(): { inFlight: number } }): void;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    sim?: StartSimulatorOptions;
    gateway?: Partial<SdkGatewayOptions>;
    cadence?: Cadence;
    observer?: MonitorObserver;
    network?: NetworkOptions;
  } = {},
): Promise<Harness> {
  const scheduler = new VirtualScheduler(START);
  const sim = await startSimulator({
    scenario: 'demo',
    clock: scheduler,
    wallClock: scheduler,
    throttling: false,
    // StartLiveTail's updates on the same virtual time as everything else.
    liveTail: { scheduler },
    ...options.sim,
  });
  const relay = options.network ? await startDelayingRelay(sim.url, scheduler, options.network) : undefined;
  const backoff = new SeededRandom(11);
  const gateway = await createSdkGateway({
    endpoint: relay?.url ?? sim.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler,
    random: () => backoff.next(),
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
  const otherServices: { stats(): { inFlight: number } }[] = [];
  const callsOnTheWire = () =>
    gateway.stats().inFlight > 0 || otherServices.some((service) => service.stats().inFlight > 0);
  const runUntil: Harness['runUntil'] = async (done, { stepMs = 50, deadlineMs = 20_000 } = {}) => {
    const deadline = performance.now() + deadlineMs;
    if (relay) {
      // Requests take virtual time to arrive: time moves on while they are on the way, in small steps.
      while (!done()) {
        if (performance.now() > deadline) throw new Error('runUntil: condition not reached before the deadline');
        for (let i = 0; i < 5; i++) await flushMicrotasks();
        if (!done()) await scheduler.advance(Math.min(stepMs, 10));
      }
      return;
    }
    while (!done()) {
      if (performance.now() > deadline) throw new Error('runUntil: condition not reached before the deadline');
      // Real I/O first (HTTP round trips take a few turns of the event loop), then a little virtual time.
      // Time stands still while a call is on the wire, as it nearly does for real: otherwise calls granted a
      // second apart could arrive together and the simulator's per-second counts would not mean much.
      for (let i = 0; i < 5 || callsOnTheWire(); i++) {
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
    holdTimeFor: (calls) => {
      otherServices.push(calls);
    },
    close: async () => {
      monitor.stop();
      await relay?.close();
      await sim.close();
    },
  };
}

/** Waits for every poller's run in flight to settle, while real I/O proceeds. */
export async function settle(harness: Harness): Promise<void> {
  await harness.monitor.idle();
}

/** An HTTP relay to `target` that holds each request a seeded random time on the scheduler before passing it on. */
async function startDelayingRelay(
  target: string,
  scheduler: Scheduler,
  network: NetworkOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const random = new SeededRandom(network.seed ?? 1);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      void delay(scheduler, random.next() * network.maxDelayMs).then(() => {
        const upstream = httpRequest(
          new URL(incoming.url ?? '/', target),
          { method: incoming.method, headers: incoming.headers },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        upstream.on('error', () => outgoing.destroy());
        upstream.end(Buffer.concat(chunks));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
