/**
 * The logs gateway through the real SDK over real sockets: raw endpoints for what a test must hold in its hands (a
 * live tail held open past the attempt's deadline, records of the wrong type, refusals), the simulator for an
 * endpoint that does not offer an operation. Time runs on a virtual scheduler.
 */
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/ecs/errors.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { createSdkLogsGateway, type SdkLogsGatewayOptions } from '../../src/logs/sdkLogsGateway.ts';
import type { LiveTailUpdate, LogStreamRef } from '../../src/logs/types.ts';
import { startContractWorld } from '../sim/helpers.ts';
import { closeRawEndpoints, type RawEndpoint, rawEndpoint } from '../support/rawEndpoint.ts';
import { errorAnswer, eventFrame, exceptionFrame, jsonAnswer, startEventStream } from './liveTailEndpoint.ts';

const closers: (() => void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await closeRawEndpoints();
});

const REF: LogStreamRef = {
  group: '/ecs/payments',
  stream: 'ecs/app/0f1e2d3c',
  container: 'app',
  taskId: '0f1e2d3c',
  groupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/payments',
};

async function gatewayFor(endpoint: RawEndpoint, options: Partial<SdkLogsGatewayOptions> = {}) {
  const scheduler = new VirtualScheduler(0);
  const gateway = await createSdkLogsGateway({
    endpoint: endpoint.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler,
    maxAttempts: 1,
    ...options,
  });
  closers.push(() => gateway.close());
  return { gateway, scheduler };
}

async function ioUntil(done: () => boolean, deadlineMs = 10_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('ioUntil: condition not reached before the deadline');
    await flushMicrotasks();
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

function bodyOf(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

describe('GetLogEvents', () => {
  it('reads a page, keeping messages raw and dropping only the records it cannot read', async () => {
    let asked: Record<string, unknown> = {};
    const endpoint = await rawEndpoint((_req, res, body) => {
      asked = bodyOf(body);
      jsonAnswer(res, {
        events: [
          { timestamp: 1000, ingestionTime: 1500, message: 'started \u001b[31mred\u001b[0m' },
          { timestamp: 'not a time', message: 'no time at all' },
          { timestamp: 2000, message: { nested: true } },
          'not a record',
          { timestamp: 3000, message: 'last' },
        ],
        nextForwardToken: 'f/2',
        nextBackwardToken: 'b/1',
      });
    });
    const { gateway } = await gatewayFor(endpoint);
    const page = await gateway.getLogEvents(REF, { limit: 20, endTime: 5000 });
    expect(asked).toMatchObject({
      logGroupName: '/ecs/payments',
      logStreamName: 'ecs/app/0f1e2d3c',
      startFromHead: false,
      limit: 20,
      endTime: 5000,
    });
    // The SDK refuses the whole answer for one mistyped timestamp; the page survives without that record.
    expect(page).toEqual({
      events: [
        { timestamp: 1000, ingestionTime: 1500, message: 'started \u001b[31mred\u001b[0m', stream: REF.stream },
        { timestamp: 3000, message: 'last', stream: REF.stream },
      ],
      nextForwardToken: 'f/2',
      nextBackwardToken: 'b/1',
    });
  });

  it('says which of the group or the stream is missing, in one sentence', async () => {
    let missing = 'The specified log stream does not exist.';
    const endpoint = await rawEndpoint((_req, res) => errorAnswer(res, 400, 'ResourceNotFoundException', missing));
    const { gateway } = await gatewayFor(endpoint);
    const stream = await rejectionOf(gateway.getLogEvents(REF, {}));
    expect(stream.kind).toBe('not-found');
    expect(stream.sentence).toBe(
      'The log stream ecs/app/0f1e2d3c does not exist in /ecs/payments: never created (the container did not start), expired by the group’s retention, or not yet written.'.replace(
        '’',
        "'",
      ),
    );
    missing = 'The specified log group does not exist.';
    const group = await rejectionOf(gateway.getLogEvents(REF, {}));
    expect(group.sentence).toBe('The log group /ecs/payments does not exist (never created, or deleted).');
  });

  it('reads a group of another region with a client of that region, under the one logs budget', async () => {
    const regions: string[] = [];
    const endpoint = await rawEndpoint((req: IncomingMessage, res) => {
      // The credential scope of the signature names the region the request was signed for.
      regions.push(/Credential=[^/]+\/[0-9]+\/([^/]+)\/logs\//.exec(String(req.headers.authorization))?.[1] ?? '?');
      jsonAnswer(res, { events: [] });
    });
    const { gateway } = await gatewayFor(endpoint, { region: 'us-east-1' });
    await gateway.getLogEvents(REF, {});
    await gateway.getLogEvents({ ...REF, region: 'eu-west-1' }, {});
    await gateway.getLogEvents({ ...REF, region: 'eu-west-1' }, {});
    expect(regions).toEqual(['us-east-1', 'eu-west-1', 'eu-west-1']);
    expect(gateway.stats().byOperation).toEqual({ GetLogEvents: 3 });
  });
});

describe('the logs budget', () => {
  it('lets at most N requests a second reach CloudWatch Logs, retries included, through its own budget', async () => {
    const arrivals: number[] = [];
    let scheduler: VirtualScheduler | undefined;
    const endpoint = await rawEndpoint((_req, res) => {
      arrivals.push(scheduler?.now() ?? Number.NaN);
      jsonAnswer(res, { events: [] });
    });
    const made = await gatewayFor(endpoint, { budgetPerSecond: 2 });
    scheduler = made.scheduler;
    const start = scheduler.now();
    const calls = Array.from({ length: 5 }, () => made.gateway.getLogEvents(REF, {}));
    let settled = 0;
    for (const call of calls) void call.then(() => settled++);
    const deadline = performance.now() + 10_000;
    while (settled < 5 && performance.now() < deadline) {
      await flushMicrotasks();
      // Time moves only while nothing is on the wire, as the harnesses do.
      if (made.gateway.stats().inFlight === 0) await scheduler.advance(250);
    }
    await Promise.all(calls);
    // Two in the first second, two in the next, the fifth after that: never three in one second.
    const seconds = arrivals.map((at) => Math.floor((at - start) / 1000));
    for (const second of new Set(seconds)) expect(seconds.filter((s) => s === second).length).toBeLessThanOrEqual(2);
    expect(arrivals).toHaveLength(5);
    expect(made.gateway.budget()).toEqual({ ceiling: 2, effective: 2 });
  });
});

describe('StartLiveTail', () => {
  it('yields the session start and its updates, stays open past the attempt deadline, and closes at once on abort', async () => {
    let asked: Record<string, unknown> = {};
    let send: (frame: Uint8Array) => void = () => {};
    const endpoint = await rawEndpoint((_req, res, body) => {
      asked = bodyOf(body);
      startEventStream(res);
      send = (frame) => res.write(frame);
    });
    const { gateway, scheduler } = await gatewayFor(endpoint, { requestTimeoutMs: 5_000 });
    const abort = new AbortController();
    const updates: LiveTailUpdate[] = [];
    const consumed = (async () => {
      for await (const update of gateway.startLiveTail(
        { groups: [REF.groupArn as string], streamNames: [REF.stream] },
        { signal: abort.signal },
      )) {
        updates.push(update);
      }
    })();
    await ioUntil(() => endpoint.operations.length === 1);
    send(eventFrame('sessionStart', { sessionId: 's-1', logGroupIdentifiers: [REF.groupArn] }));
    await ioUntil(() => updates.length === 1);
    expect(asked).toEqual({ logGroupIdentifiers: [REF.groupArn], logStreamNames: [REF.stream] });
    // Well past the per-attempt deadline: a live session is not an answer that is late.
    scheduler.advance(60_000);
    send(
      eventFrame('sessionUpdate', {
        sessionMetadata: { sampled: true },
        sessionResults: [
          { logStreamName: REF.stream, timestamp: 7000, ingestionTime: 7100, message: 'heap 91% \u009b2J' },
          { logStreamName: REF.stream, message: 'no time' },
        ],
      }),
    );
    await ioUntil(() => updates.length === 2);
    expect(updates).toEqual([
      { events: [], sampled: false },
      {
        events: [{ timestamp: 7000, ingestionTime: 7100, message: 'heap 91% \u009b2J', stream: REF.stream }],
        sampled: true,
      },
    ]);
    // One request as far as the budget goes, over once the session started.
    expect(gateway.stats()).toMatchObject({ total: 1, inFlight: 0 });
    const closedBefore = endpoint.closedSockets();
    abort.abort();
    await consumed;
    await ioUntil(() => endpoint.closedSockets() > closedBefore);
  });

  it('closes the session when the consumer stops reading', async () => {
    let send: (frame: Uint8Array) => void = () => {};
    const endpoint = await rawEndpoint((_req, res) => {
      startEventStream(res);
      send = (frame) => res.write(frame);
      send(eventFrame('sessionStart', { sessionId: 's-2' }));
    });
    const { gateway } = await gatewayFor(endpoint);
    for await (const _update of gateway.startLiveTail({ groups: [REF.group] }, {})) break;
    await ioUntil(() => endpoint.closedSockets() > 0);
    expect(endpoint.operations).toEqual(['StartLiveTail']);
  });

  it('is refused as access-denied, and a session cut by CloudWatch ends in one sentence', async () => {
    const denied = await rawEndpoint((_req, res) =>
      errorAnswer(res, 400, 'AccessDeniedException', 'User is not authorized to perform: logs:StartLiveTail'),
    );
    const { gateway } = await gatewayFor(denied);
    const refusal = await rejectionOf(
      (async () => {
        for await (const _update of gateway.startLiveTail({ groups: [REF.group] }, {})) {
        }
      })(),
    );
    expect(refusal.kind).toBe('access-denied');
    expect(refusal.sentence).toBe('Access denied to logs:StartLiveTail: your IAM policy does not allow it.');

    const cut = await rawEndpoint((_req, res) => {
      startEventStream(res);
      res.write(eventFrame('sessionStart', { sessionId: 's-3' }));
      res.end(exceptionFrame('SessionTimeoutException', 'Session timed out after 3 hours'));
    });
    const second = await gatewayFor(cut);
    const ended = await rejectionOf(
      (async () => {
        for await (const _update of second.gateway.startLiveTail({ groups: [REF.group] }, {})) {
        }
      })(),
    );
    expect(ended).toBeInstanceOf(GatewayError);
    expect(ended.code).toBe('SessionTimeoutException');
  });

  it('on an endpoint that does not offer it, fails as unsupported (the follower then polls)', async () => {
    // The simulator answers UnknownOperationException, as it does for any operation it does not know.
    const world = await startContractWorld({
      faults: { errors: [{ operation: 'StartLiveTail', type: 'UnknownOperationException', message: 'not offered' }] },
    });
    closers.push(() => void world.server.close());
    const gateway = await createSdkLogsGateway({
      endpoint: world.url,
      simulator: true,
      budgetPerSecond: 1000,
      scheduler: new VirtualScheduler(0),
      maxAttempts: 1,
    });
    closers.push(() => gateway.close());
    const refusal = await rejectionOf(
      (async () => {
        for await (const _update of gateway.startLiveTail({ groups: [REF.group] }, {})) {
        }
      })(),
    );
    expect(refusal.kind).toBe('unsupported');
    expect(refusal.sentence).toBe(`${world.url} does not offer StartLiveTail.`);
  });
});
