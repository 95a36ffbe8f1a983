/**
 * DescribeLogGroups, DescribeLogStreams, FilterLogEvents, PutLogEvents and retention through the real SDK against
 * the demo.
 */
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { rejectionOf } from '../helpers.ts';
import { type LogsWorld, serviceTasks, startLogsWorld, streamOf } from './helpers.ts';

let world: LogsWorld;
beforeAll(async () => {
  world = await startLogsWorld();
});
afterAll(async () => {
  await world.close();
});

describe('DescribeLogGroups', () => {
  it('lists the scenario’s groups with their retention, by prefix and in pages', async () => {
    const all = await world.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/' }));
    const names = all.logGroups?.map((group) => group.logGroupName);
    expect(names).toContain('/ecs/web');
    expect(names).not.toContain('/ecs/orders');
    expect(all.logGroups?.find((group) => group.logGroupName === '/ecs/web')).toMatchObject({
      retentionInDays: 30,
      logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web',
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:*',
    });
    const first = await world.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/', limit: 4 }));
    expect(first.logGroups).toHaveLength(4);
    const second = await world.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/ecs/', limit: 4, nextToken: first.nextToken }),
    );
    expect(second.logGroups?.[0]?.logGroupName).toBe(names?.[4]);
  });
});

describe('DescribeLogStreams', () => {
  it('finds a task’s streams by prefix, and orders by last event time, newest first', async () => {
    const tasks = serviceTasks(world.model, 'prod', 'web').filter((t) => t.lastStatus === 'RUNNING');
    const task = tasks[0] as SimTask;
    const byPrefix = await world.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/ecs/web', logStreamNamePrefix: streamOf(task, 'web') }),
    );
    expect(byPrefix.logStreams?.map((stream) => stream.logStreamName)).toEqual([streamOf(task, 'web')]);
    const stream = byPrefix.logStreams?.[0];
    expect(stream?.creationTime).toBe(task.startedAt);
    expect(stream?.firstEventTimestamp).toBe((task.startedAt as number) + 40);
    expect(stream?.lastEventTimestamp).toBeLessThanOrEqual(world.model.now() - 1000);

    const newest = await world.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/ecs/web', orderBy: 'LastEventTime', descending: true, limit: 2 }),
    );
    const times = newest.logStreams?.map((s) => s.lastEventTimestamp ?? 0) ?? [];
    expect(times[0]).toBeGreaterThanOrEqual(times[1] as number);
    expect(newest.nextToken).toBeDefined();
    const rest = await world.logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: '/ecs/web',
        orderBy: 'LastEventTime',
        descending: true,
        nextToken: newest.nextToken,
      }),
    );
    expect((rest.logStreams?.length ?? 0) + 2).toBeGreaterThanOrEqual(tasks.length);

    const refused = await rejectionOf(
      world.logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: '/ecs/web',
          logStreamNamePrefix: 'ecs',
          orderBy: 'LastEventTime',
        }),
      ),
    );
    expect(refused.name).toBe('InvalidParameterException');
  });
});

describe('FilterLogEvents', () => {
  const group = '/test/filter';
  const lines = [
    'INFO GET /cart 200 12ms',
    'WARN GET /cart 200 950ms slow',
    'ERROR GET /checkout 503 20ms upstream timeout',
    'INFO health check ok',
    'ERROR health check failed: connection refused',
    '{"level":"ERROR","status":503,"msg":"request failed"}',
    '{"level":"INFO","status":200,"msg":"request completed"}',
    'FATAL payments exiting with code 1',
  ];

  beforeAll(async () => {
    await world.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const base = world.model.now() - 60_000;
    for (const [index, stream] of ['a', 'b'].entries()) {
      await world.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      await world.logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          // Stream b's lines fall between stream a's: results interleave by time.
          logEvents: lines.map((message, i) => ({
            timestamp: base + i * 10 + index * 5,
            message: `${stream}:${message}`,
          })),
        }),
      );
    }
    world.advance(1000);
  });

  const matching = async (filterPattern: string, logStreamNames = ['a']) => {
    const answer = await world.logs.send(
      new FilterLogEventsCommand({ logGroupName: group, logStreamNames, filterPattern }),
    );
    return answer.events?.map((event) => event.message?.slice(2));
  };

  it('matches terms (all), quoted phrases, ?terms (any) and -terms (none)', async () => {
    expect(await matching('ERROR')).toEqual([lines[2], lines[4], lines[5]]);
    expect(await matching('ERROR health')).toEqual([lines[4]]);
    expect(await matching('"connection refused"')).toEqual([lines[4]]);
    expect(await matching('?WARN ?FATAL')).toEqual([lines[1], lines[7]]);
    expect(await matching('ERROR -health')).toEqual([lines[2], lines[5]]);
    expect(await matching('')).toHaveLength(lines.length);
  });

  it('matches JSON lines with = and != on strings and numbers', async () => {
    expect(await matching('{ $.level = "ERROR" }')).toEqual([lines[5]]);
    expect(await matching('{ $.level != "ERROR" }')).toEqual([lines[6]]);
    expect(await matching('{ $.status = 200 }')).toEqual([lines[6]]);
    expect(await matching('{ $.status != 200 }')).toEqual([lines[5]]);
    expect(await matching('{ $.status >= 500 && $.msg = "request*" }')).toEqual([lines[5]]);
  });

  it('refuses a pattern it cannot parse', async () => {
    const error = await rejectionOf(matching('{ $.level = }'));
    expect(error.name).toBe('InvalidParameterException');
  });

  it('interleaves streams by time and pages with nextToken', async () => {
    const first = await world.logs.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR', limit: 4 }),
    );
    expect(first.events?.map((event) => event.message?.slice(0, 8))).toEqual([
      'a:ERROR ',
      'b:ERROR ',
      'a:ERROR ',
      'b:ERROR ',
    ]);
    const rest = await world.logs.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR', nextToken: first.nextToken }),
    );
    expect(rest.events?.map((event) => event.message)).toEqual([`a:${lines[5]}`, `b:${lines[5]}`]);
    expect(rest.nextToken).toBeUndefined();
  });

  it('finds the demo’s own lines: heap warnings in the payments group', async () => {
    world.advance(120_000);
    const events = [];
    let nextToken: string | undefined;
    do {
      const answer = await world.logs.send(
        new FilterLogEventsCommand({
          logGroupName: '/ecs/payments',
          filterPattern: '"WARN heap"',
          startTime: world.model.now() - 900_000,
          nextToken,
        }),
      );
      events.push(...(answer.events ?? []));
      nextToken = answer.nextToken;
    } while (nextToken);
    expect(events.length).toBeGreaterThan(0);
    const times = events.map((event) => event.timestamp ?? 0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('PutLogEvents from another client', () => {
  const group = '/test/put';

  beforeAll(async () => {
    await world.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await world.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
  });

  it('makes events readable once ingested', async () => {
    const now = world.model.now();
    const put = await world.logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 10, message: 'first' },
          { timestamp: now - 5, message: 'second' },
        ],
      }),
    );
    expect(put.rejectedLogEventsInfo).toBeUndefined();
    const before = await world.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's' }));
    expect(before.events).toEqual([]);
    world.advance(1000);
    const after = await world.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's' }));
    expect(after.events?.map((event) => event.message)).toEqual(['first', 'second']);
  });

  it('validates as CloudWatch does', async () => {
    const now = world.model.now();
    const unordered = await rejectionOf(
      world.logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's',
          logEvents: [
            { timestamp: now, message: 'later' },
            { timestamp: now - 1, message: 'earlier' },
          ],
        }),
      ),
    );
    expect(unordered.message).toBe('Log events in a single PutLogEvents request must be in chronological order.');
    const tooMany = await rejectionOf(
      world.logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's',
          logEvents: Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'x' })),
        }),
      ),
    );
    expect(tooMany.name).toBe('InvalidParameterException');
    const tooLarge = await rejectionOf(
      world.logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's',
          logEvents: [0, 1, 2, 3, 4].map((i) => ({ timestamp: now + i, message: 'y'.repeat(250_000) })),
        }),
      ),
    );
    expect(tooLarge.message).toMatch(/^Upload too large/);
    const put = (logEvents: { timestamp: number; message: string }[]) =>
      world.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 's', logEvents }));
    const tooOld = await put([
      { timestamp: now - 14 * 86_400_000 - 3600_000, message: 'too old' },
      { timestamp: now - 14 * 86_400_000 - 3600_000 + 1, message: 'too old too' },
      { timestamp: now - 14 * 86_400_000 + 3600_000, message: 'old but fine' },
    ]);
    expect(tooOld.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 1 });
    const tooNew = await put([
      { timestamp: now, message: 'fine' },
      { timestamp: now + 3 * 3600_000, message: 'too new' },
    ]);
    expect(tooNew.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    const spanning = await rejectionOf(
      put([
        { timestamp: now - 25 * 3600_000, message: 'a' },
        { timestamp: now, message: 'b' },
      ]),
    );
    expect(spanning.message).toBe(
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
    const missing = await rejectionOf(
      world.logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 'nope',
          logEvents: [{ timestamp: now, message: 'x' }],
        }),
      ),
    );
    expect(missing.message).toBe('The specified log stream does not exist.');
  });
});

describe('retention', () => {
  it('expires events older than the group’s retention, reproducibly', async () => {
    const group = '/test/retention';
    await world.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await world.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's' }));
    await world.logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 1 }));
    const now = world.model.now();
    await world.logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 20 * 3600_000, message: 'old' },
          { timestamp: now, message: 'new' },
        ],
      }),
    );
    world.advance(1000);
    const read = async () =>
      (await world.logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 's' }))).events?.map(
        (event) => event.message,
      );
    expect(await read()).toEqual(['old', 'new']);
    world.advance(5 * 3600_000);
    expect(await read()).toEqual(['new']);
    // The stream itself stays (CloudWatch keeps it): the events are what expired.
    world.advance(20 * 3600_000);
    expect(await read()).toEqual([]);
    const refused = await rejectionOf(
      world.logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 2 })),
    );
    expect(refused.name).toBe('InvalidParameterException');
  });

  it('expires a demo task’s own lines with its group’s retention (thumbnailer keeps one day)', async () => {
    const task = [...world.model.state.tasks.values()].find(
      (t) => t.taskDefinitionArn.includes('thumbnailer') && t.startedAt !== undefined,
    ) as SimTask;
    const span = async () =>
      (
        await world.logs.send(
          new DescribeLogStreamsCommand({
            logGroupName: '/ecs/thumbnailer',
            logStreamNamePrefix: streamOf(task, 'thumbnailer'),
          }),
        )
      ).logStreams?.[0];
    expect((await span())?.firstEventTimestamp).toBe((task.startedAt as number) + 40);
    world.advance(25 * 3600_000);
    const expired = await span();
    expect(expired?.logStreamName).toBe(streamOf(task, 'thumbnailer'));
    expect(expired?.firstEventTimestamp).toBeUndefined();
  });
});
