/**
 * GetLogEvents through the real SDK against the demo: streams tell their task's story (start-up, rising memory
 * warnings before an OOM kill, an ERROR and a stack trace before an exit, no stream for a pull error), grow as the
 * model advances once ingested, page with `f/`/`b/` tokens that repeat at the end, and keep CloudWatch's limits.
 */
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { rejectionOf } from '../helpers.ts';
import { familyOf, type LogsWorld, readWholeStream, serviceTasks, startLogsWorld, streamOf } from './helpers.ts';

let world: LogsWorld;
beforeAll(async () => {
  world = await startLogsWorld();
});
afterAll(async () => {
  await world.close();
});

function tasksWhere(predicate: (task: SimTask) => boolean): SimTask[] {
  return [...world.model.state.tasks.values()].filter(predicate);
}

/** Advances the demo a second at a time until `predicate` finds a task. */
function waitForTask(predicate: (task: SimTask) => boolean, limitSeconds = 900): SimTask {
  for (let second = 0; second < limitSeconds; second++) {
    const found = tasksWhere(predicate)[0];
    if (found) return found;
    world.advance(1000);
  }
  throw new Error('no such task in time');
}

describe('a running task', () => {
  it('has its awslogs stream, opening with start-up lines, and it grows once new lines are ingested', async () => {
    const task = serviceTasks(world.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING') as SimTask;
    const stream = streamOf(task, 'web');
    const head = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: stream, startFromHead: true, limit: 3 }),
    );
    expect(head.events?.map((event) => event.message)).toEqual([
      expect.stringMatching(/^INFO starting web \(image tag 2024\.11\.3, 512 MiB\)$/),
      'INFO configuration loaded from environment',
      'INFO listening on 0.0.0.0:8080',
    ]);
    expect(head.events?.[0]?.timestamp).toBe((task.startedAt as number) + 40);

    const before = await world.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: stream }));
    const newest = before.events?.at(-1);
    const now = world.model.now();
    // Nothing newer than the ingestion delay is visible, and each event says when it was ingested.
    expect(newest?.timestamp).toBeLessThanOrEqual(now - 1000);
    expect(newest?.ingestionTime).toBe((newest?.timestamp as number) + 1000);

    world.advance(60_000);
    const after = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: stream, nextToken: before.nextForwardToken }),
    );
    expect(after.events?.length).toBeGreaterThan(5);
    expect(after.events?.[0]?.timestamp).toBeGreaterThan(newest?.timestamp as number);
    expect(after.events?.at(-1)?.timestamp).toBeLessThanOrEqual(world.model.now() - 1000);
    expect(after.events?.at(-1)?.timestamp).toBeGreaterThan(world.model.now() - 20_000);
  });

  it('gives the same lines for the same window whatever was asked before (seeded, drawn on demand)', async () => {
    const task = serviceTasks(world.model, 'prod', 'api').find((t) => t.lastStatus === 'RUNNING') as SimTask;
    const request = {
      logGroupName: '/ecs/api',
      logStreamName: streamOf(task, 'api'),
      startTime: task.startedAt as number,
      endTime: (task.startedAt as number) + 120_000,
      startFromHead: true,
    };
    const first = await world.logs.send(new GetLogEventsCommand(request));
    world.advance(5000);
    const second = await world.logs.send(new GetLogEventsCommand(request));
    expect(second.events).toEqual(first.events);
    // The api service writes JSON lines (for the view's JSON recognition), with levels.
    const json = first.events?.filter((event) => event.message?.startsWith('{')) ?? [];
    expect(json.length).toBeGreaterThan(3);
    expect(JSON.parse(json.at(-1)?.message as string)).toHaveProperty('level');
  });
});

describe('stopped tasks tell how they died', () => {
  it('an OOM-killed task ends with heap warnings rising towards its memory', async () => {
    const task = waitForTask(
      (t) => t.lastStatus === 'STOPPED' && t.sim.outcome.kind === 'oom' && familyOf(t) === 'payments',
    );
    world.advance(2000);
    const events = await readWholeStream(world.logs, '/ecs/payments', streamOf(task, 'payments'));
    const warnings = events.filter((event) => /^WARN heap \d+%/.test(event.message ?? ''));
    const percents = warnings.map((event) => Number(/heap (\d+)%/.exec(event.message as string)?.[1]));
    expect(percents).toEqual([72, 78, 84, 89, 93, 97]);
    const memory = world.model.state.taskDefinitions.get(task.taskDefinitionArn)?.containerDefinitions[0]?.memory;
    expect(warnings[0]?.message).toContain(`of ${memory} MiB`);
    expect(events.at(-1)?.message).toMatch(/^ERROR allocation of 64 MiB failed/);
    // Nothing after the kill.
    expect(events.at(-1)?.timestamp).toBeLessThanOrEqual(task.executionStoppedAt as number);
    expect(events[0]?.message).toMatch(/^INFO starting payments/);
  });

  it('keeps a stopped task’s stream after the model forgets the task, even if nobody read it before', async () => {
    const since = world.model.now();
    const task = waitForTask(
      (t) => t.lastStatus === 'STOPPED' && t.sim.outcome.kind === 'oom' && (t.startedAt ?? 0) > since,
    );
    // ECS shows a stopped task for an hour; its logs stay in CloudWatch. No logs call happens in between.
    world.advance(2 * 3600_000);
    expect(world.model.state.tasks.has(task.arn)).toBe(false);
    const events = await readWholeStream(world.logs, '/ecs/payments', streamOf(task, 'payments'));
    expect(events[0]?.message).toMatch(/^INFO starting payments/);
    expect(events.at(-1)?.message).toMatch(/^ERROR allocation of 64 MiB failed/);
    expect(events.at(-1)?.timestamp).toBeLessThanOrEqual(task.executionStoppedAt as number);
  });

  it('a task that exits ends with an ERROR, a stack trace and the exit code', async () => {
    const task = waitForTask((t) => t.lastStatus === 'STOPPED' && t.sim.outcome.kind === 'exits');
    world.advance(2000);
    const container = task.containers[0]?.name as string;
    const events = await readWholeStream(world.logs, `/ecs/${familyOf(task)}`, streamOf(task, container));
    const tail = events.slice(-8).map((event) => event.message);
    expect(tail[0]).toMatch(/^ERROR unhandled error in .* main loop/);
    expect(tail[1]).toBe('Error: connect ECONNREFUSED 10.0.3.17:5432');
    expect(tail.slice(2, 7).every((line) => line?.startsWith('    at '))).toBe(true);
    expect(tail[7]).toBe(`FATAL ${container} exiting with code 1`);
  });

  it('a task whose image could not be pulled never had a stream', async () => {
    const task = waitForTask((t) => t.sim.outcome.kind === 'pull-error' && t.lastStatus === 'STOPPED');
    const error = await rejectionOf(
      world.logs.send(
        new GetLogEventsCommand({
          logGroupName: `/ecs/${familyOf(task)}`,
          logStreamName: streamOf(task, 'thumbnailer'),
        }),
      ),
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('The specified log stream does not exist.');
  });
});

describe('missing groups and streams', () => {
  it('says which is missing in CloudWatch’s sentences', async () => {
    const noGroup = await rejectionOf(
      world.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/nope', logStreamName: 'ecs/x/y' })),
    );
    expect(noGroup.name).toBe('ResourceNotFoundException');
    expect(noGroup.message).toBe('The specified log group does not exist.');
    const noStream = await rejectionOf(
      world.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: 'ecs/web/0000' })),
    );
    expect(noStream.message).toBe('The specified log stream does not exist.');
  });

  it('has no group for the FireLens service: its lines go to FireLens, not CloudWatch', async () => {
    const task = serviceTasks(world.model, 'staging', 'orders')[0] as SimTask;
    const error = await rejectionOf(
      world.logs.send(
        new GetLogEventsCommand({ logGroupName: '/ecs/orders', logStreamName: streamOf(task, 'orders') }),
      ),
    );
    expect(error.message).toBe('The specified log group does not exist.');
  });
});

describe('paging and limits', () => {
  const group = '/test/paging';
  const stream = 'writer/1';

  beforeAll(async () => {
    await world.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await world.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    const base = world.model.now() - 3600_000;
    // 12,000 events of 50 bytes in two batches, then five of 300 KB.
    for (let batch = 0; batch < 2; batch++) {
      const logEvents = Array.from({ length: 6000 }, (_, i) => ({
        timestamp: base + batch * 6000 + i,
        message: `line ${String(batch * 6000 + i).padStart(5, '0')} ${'.'.repeat(39)}`,
      }));
      await world.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
    }
    world.advance(1000);
  });

  it('answers at most 10,000 events, and pages forward to a repeated token at the end', async () => {
    const first = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
    );
    expect(first.events).toHaveLength(10_000);
    expect(first.events?.[0]?.message).toMatch(/^line 00000 /);
    expect(first.nextForwardToken).toMatch(/^f\/\d+$/);
    expect(first.nextBackwardToken).toMatch(/^b\/\d+$/);
    const second = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: first.nextForwardToken }),
    );
    expect(second.events).toHaveLength(2000);
    expect(second.events?.[0]?.message).toMatch(/^line 10000 /);
    const third = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: second.nextForwardToken }),
    );
    expect(third.events).toEqual([]);
    expect(third.nextForwardToken).toBe(second.nextForwardToken);
  });

  it('reads backwards from the end with limit, then back to a repeated backward token', async () => {
    const last = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit: 7000 }),
    );
    expect(last.events).toHaveLength(7000);
    expect(last.events?.at(-1)?.message).toMatch(/^line 11999 /);
    expect(last.events?.[0]?.message).toMatch(/^line 05000 /);
    const before = await world.logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        nextToken: last.nextBackwardToken,
        limit: 7000,
      }),
    );
    expect(before.events).toHaveLength(5000);
    expect(before.events?.at(-1)?.message).toMatch(/^line 04999 /);
    const start = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: before.nextBackwardToken }),
    );
    expect(start.events).toEqual([]);
    expect(start.nextBackwardToken).toBe(before.nextBackwardToken);
  });

  it('answers at most 1 MB', async () => {
    const big = 'big-stream';
    await world.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: big }));
    const now = world.model.now();
    const logEvents = [0, 1, 2].map((i) => ({ timestamp: now + i, message: `${i}${'x'.repeat(300 * 1024)}` }));
    await world.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: big, logEvents }));
    await world.logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: big,
        logEvents: [3, 4].map((i) => ({ timestamp: now + i, message: `${i}${'x'.repeat(300 * 1024)}` })),
      }),
    );
    world.advance(1000);
    const page = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: big, startFromHead: true }),
    );
    expect(page.events?.map((event) => event.message?.[0])).toEqual(['0', '1', '2']);
    const rest = await world.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: big, nextToken: page.nextForwardToken }),
    );
    expect(rest.events?.map((event) => event.message?.[0])).toEqual(['3', '4']);
  });
});
