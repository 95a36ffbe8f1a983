/**
 * The gateway against endpoints that misbehave at the HTTP level, through the real SDK: a raw node:http server on
 * 127.0.0.1 that never answers, answers a byte at a time, or pages without end. Deadlines run on virtual time.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../src/ecs/errors.ts';
import type { EcsGateway } from '../../src/ecs/gateway.ts';
import { createSdkGateway, type SdkGatewayOptions } from '../../src/ecs/sdkGateway.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { closeRawEndpoints, type RawEndpoint, rawEndpoint } from '../support/rawEndpoint.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await closeRawEndpoints();
});

async function gatewayFor(endpoint: RawEndpoint, options: Partial<SdkGatewayOptions> = {}) {
  const scheduler = new VirtualScheduler(0);
  const gateway = await createSdkGateway({
    endpoint: endpoint.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler,
    maxAttempts: 1,
    ...options,
  });
  return { gateway, scheduler };
}

/** Lets real I/O run until `done()` holds, failing after a real-time deadline instead of hanging. */
async function ioUntil(done: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('ioUntil: condition not reached before the deadline');
    await flushMicrotasks();
  }
}

/** Starts a call and keeps its outcome, so the test can move time and I/O along meanwhile. */
function track<T>(call: Promise<T>) {
  const outcome: { value?: T; error?: unknown; settled: boolean } = { settled: false };
  call.then(
    (value) => Object.assign(outcome, { value, settled: true }),
    (error: unknown) => Object.assign(outcome, { error, settled: true }),
  );
  return outcome;
}

const json = (res: ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/x-amz-json-1.1');
  res.end(JSON.stringify(body));
};

describe('a deadline on every call', () => {
  it('aborts a call the endpoint never answers, at the deadline on the scheduler, and closes its socket', async () => {
    const silent = await rawEndpoint(() => {});
    const { gateway, scheduler } = await gatewayFor(silent, { requestTimeoutMs: 15_000 });
    const call = track(gateway.listClusters());
    await ioUntil(() => silent.operations.length === 1);
    await scheduler.advance(14_000);
    expect(call.settled).toBe(false);
    await scheduler.advance(1000);
    await ioUntil(() => call.settled);
    expect(call.error).toBeInstanceOf(GatewayError);
    expect((call.error as GatewayError).message).toBe(`${silent.url} did not answer ListClusters within 15 s.`);
    await ioUntil(() => silent.closedSockets() === 1);
    expect(gateway.stats().inFlight).toBe(0);
  });

  it('covers the body too: a response trickling a byte at a time is cut at the deadline, its socket destroyed', async () => {
    const body = JSON.stringify({ clusterArns: ['arn:aws:ecs:us-east-1:123456789012:cluster/prod'] });
    const timers: NodeJS.Timeout[] = [];
    const trickling = await rawEndpoint((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) });
      let sent = 0;
      const drip = () => {
        if (res.destroyed || sent >= body.length) return;
        res.write(body[sent++]);
        timers.push(setTimeout(drip, 1000));
      };
      drip();
    });
    cleanups.push(async () => {
      for (const timer of timers) clearTimeout(timer);
    });
    const { gateway, scheduler } = await gatewayFor(trickling, { requestTimeoutMs: 15_000 });
    const call = track(gateway.listClusters());
    await ioUntil(() => trickling.operations.length === 1);
    // Headers and the first byte are in; the SDK now waits for the rest of the body.
    for (let i = 0; i < 20; i++) await flushMicrotasks();
    expect(call.settled).toBe(false);
    await scheduler.advance(15_000);
    await ioUntil(() => call.settled);
    expect((call.error as GatewayError).message).toBe(`${trickling.url} did not answer ListClusters within 15 s.`);
    // The abort reached the socket: the server sees it closed, the drip stops.
    await ioUntil(() => trickling.closedSockets() === 1);
  });

  it('retries a read that timed out, each attempt with its own deadline', async () => {
    const silent = await rawEndpoint(() => {});
    const { gateway, scheduler } = await gatewayFor(silent, { requestTimeoutMs: 5000, maxAttempts: 2 });
    const call = track(gateway.listClusters());
    await ioUntil(() => silent.operations.length === 1);
    await scheduler.advance(5000);
    await ioUntil(() => silent.closedSockets() === 1);
    // The backoff, then the second attempt.
    await scheduler.advance(1000);
    await ioUntil(() => silent.operations.length === 2);
    await scheduler.advance(5000);
    await ioUntil(() => call.settled);
    expect((call.error as GatewayError).kind).toBe('network');
  });
});

describe('paging', () => {
  const page = (index: number) => `arn:aws:ecs:us-east-1:123456789012:cluster/c${index}`;

  it('stops a walk whose nextToken comes back, naming the operation', async () => {
    let served = 0;
    const looping = await rawEndpoint((_req, res) => {
      served++;
      json(res, { clusterArns: [page(served)], nextToken: served % 2 === 0 ? 'token-a' : 'token-b' });
    });
    const { gateway } = await gatewayFor(looping);
    const call = track(gateway.listClusters());
    await ioUntil(() => call.settled);
    const error = call.error as GatewayError;
    expect(error.kind).toBe('paging');
    expect(error.operation).toBe('ListClusters');
    expect(error.message).toBe(
      `${looping.url} sent ListClusters round in a loop (a page token came back after 3 pages); stopped paging.`,
    );
    expect(looping.operations).toHaveLength(3);
    // Counted among the errors the header shows.
    expect(gateway.stats().errors).toBe(1);
  });

  it('stops a walk that never ends at the page limit, naming the operation', async () => {
    let served = 0;
    const endless = await rawEndpoint((_req, res) => {
      served++;
      json(res, { clusterArns: [page(served)], nextToken: `token-${served}` });
    });
    const { gateway } = await gatewayFor(endless, { maxPages: 25 });
    const call = track(gateway.listClusters());
    await ioUntil(() => call.settled);
    expect((call.error as GatewayError).message).toBe(
      `${endless.url} was still paging ListClusters after 25 pages (25 results); stopped paging.`,
    );
    expect(endless.operations).toHaveLength(25);
  });
});

describe('library logging', () => {
  it('the HTTP handler timing a request out prints nothing: it is an error of the call, in our words', async () => {
    const writes: string[] = [];
    const capture = (chunk: unknown) => {
      writes.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => writes.push(args.join(' ')));
    }
    const silent = await rawEndpoint(() => {});
    const logged: string[] = [];
    // Virtual time stands still: only the handler's own (real-time) request timeout can fire here.
    const { gateway }: { gateway: EcsGateway } = await gatewayFor(silent, {
      requestTimeoutMs: 50,
      log: (line) => logged.push(line),
    });
    const call = track(gateway.listClusters());
    await ioUntil(() => call.settled);
    vi.restoreAllMocks();
    expect(writes).toEqual([]);
    expect((call.error as GatewayError).message).toBe(`Cannot reach ${silent.url}: timed out.`);
  });
});
