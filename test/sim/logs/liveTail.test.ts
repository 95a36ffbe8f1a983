/**
 * StartLiveTail through the real SDK: the simulator answers an HTTP event stream the SDK's reader parses
 * (sessionStart, then sessionUpdate about once a second with the newly ingested events), paced by an injected
 * scheduler (no sleeping); the session ends and frees its timer when the client aborts, times out with a
 * SessionTimeoutException, is refused beyond the concurrent-session limit, and the AccessDenied fault works on it.
 */
import {
  type LiveTailSessionLogEvent,
  StartLiveTailCommand,
  type StartLiveTailCommandOutput,
  type StartLiveTailResponseStream,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/lib/scheduler.ts';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { rejectionOf } from '../helpers.ts';
import { type LogsWorld, serviceTasks, startLogsWorld, streamOf } from './helpers.ts';

let world: LogsWorld;
let scheduler: VirtualScheduler;
const aborts: AbortController[] = [];

beforeEach(async () => {
  scheduler = new VirtualScheduler(0);
  world = await startLogsWorld({ liveTail: { scheduler, maxSessions: 2, sessionTimeoutMs: 60_000 } });
});
afterEach(async () => {
  for (const abort of aborts.splice(0)) abort.abort();
  await world.close();
});

const webGroupArn = 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web';

async function openTail(
  input: Partial<ConstructorParameters<typeof StartLiveTailCommand>[0]> = {},
): Promise<{ response: StartLiveTailCommandOutput; events: AsyncIterator<StartLiveTailResponseStream> }> {
  const abort = new AbortController();
  aborts.push(abort);
  const response = await world.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [webGroupArn], ...input }), {
    abortSignal: abort.signal,
  });
  const stream = response.responseStream;
  if (!stream) throw new Error('no response stream');
  return { response, events: stream[Symbol.asyncIterator]() };
}

/** Polls (on real time, without sleeping a fixed amount) until `check` holds or a deadline passes. */
async function eventually(check: () => boolean, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('StartLiveTail', () => {
  it('streams sessionStart, then updates with the events ingested since the last one', async () => {
    const task = serviceTasks(world.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING') as SimTask;
    const stream = streamOf(task, 'web');
    const { events } = await openTail({ logStreamNames: [stream] });
    const start = await events.next();
    expect(start.value?.sessionStart).toMatchObject({
      logGroupIdentifiers: [webGroupArn],
      logStreamNames: [stream],
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });

    const from = world.model.now();
    world.advance(30_000);
    await scheduler.advance(1000);
    const update = (await events.next()).value?.sessionUpdate;
    expect(update?.sessionMetadata?.sampled).toBe(false);
    const results = update?.sessionResults ?? [];
    expect(results.length).toBeGreaterThan(3);
    for (const result of results) {
      expect(result.logStreamName).toBe(stream);
      expect(result.logGroupIdentifier).toBe(webGroupArn);
      // Only what was ingested after the session opened, and nothing not yet ingested.
      expect(result.ingestionTime).toBeGreaterThan(from);
      expect(result.ingestionTime).toBeLessThanOrEqual(world.model.now());
    }

    // Nothing new: an empty update (the session is alive), and no event is sent twice.
    await scheduler.advance(1000);
    expect((await events.next()).value?.sessionUpdate?.sessionResults).toEqual([]);
  });

  it('applies the filter pattern', async () => {
    const { events } = await openTail({ logEventFilterPattern: '?WARN ?ERROR' });
    await events.next();
    world.advance(600_000);
    await scheduler.advance(1000);
    const results: LiveTailSessionLogEvent[] = (await events.next()).value?.sessionUpdate?.sessionResults ?? [];
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((result) => /WARN|ERROR/.test(result.message ?? ''))).toBe(true);
  });

  it('says an update was sampled above 500 events a second', async () => {
    const { events } = await openTail();
    await events.next();
    // The whole web service over ten minutes arrives in one update.
    world.advance(600_000);
    await scheduler.advance(1000);
    const update = (await events.next()).value?.sessionUpdate;
    expect(update?.sessionMetadata?.sampled).toBe(true);
    expect(update?.sessionResults).toHaveLength(500);
  });

  it('ends the session and frees its timer when the client aborts', async () => {
    const { events } = await openTail();
    await events.next();
    expect(world.server.liveTail.openSessions).toBe(1);
    expect(scheduler.pending).toBe(1);
    for (const abort of aborts) abort.abort();
    await eventually(() => world.server.liveTail.openSessions === 0);
    expect(scheduler.pending).toBe(0);
  });

  it('times out with a SessionTimeoutException', async () => {
    const { events } = await openTail();
    await events.next();
    await scheduler.advance(60_000);
    const error = await rejectionOf(
      (async () => {
        for (;;) {
          const next = await events.next();
          if (next.done) return;
        }
      })(),
    );
    expect(error.name).toBe('SessionTimeoutException');
    expect(world.server.liveTail.openSessions).toBe(0);
  });

  it('refuses a session beyond the concurrent limit with LimitExceededException', async () => {
    await openTail();
    await openTail();
    const error = await rejectionOf(world.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [webGroupArn] })));
    expect(error.name).toBe('LimitExceededException');
  });

  it('answers the injected AccessDeniedException fault', async () => {
    world.server.setFaults({ errors: [{ operation: 'StartLiveTail', type: 'AccessDeniedException' }] });
    const error = await rejectionOf(world.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [webGroupArn] })));
    expect(error.name).toBe('AccessDeniedException');
    expect(world.server.liveTail.openSessions).toBe(0);
  });

  it('refuses a missing group', async () => {
    const error = await rejectionOf(
      world.logs.send(new StartLiveTailCommand({ logGroupIdentifiers: ['/ecs/no-such-group'] })),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('The specified log group does not exist.');
  });
});
