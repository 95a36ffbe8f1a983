/**
 * CloudWatch Logs throttles on its own buckets (GetLogEvents 10/s, FilterLogEvents 5/s, DescribeLogStreams 5/s,
 * DescribeLogGroups 5/s), apart from ECS's: a logs client at its quota does not throttle the ECS client.
 */
import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { ecsClient } from '../helpers.ts';
import { type LogsWorld, serviceTasks, startLogsWorld, streamOf } from './helpers.ts';

let world: LogsWorld;
beforeEach(async () => {
  world = await startLogsWorld({ throttling: {} });
});
afterEach(async () => {
  await world.close();
});

async function callsBeforeThrottle(call: () => Promise<unknown>): Promise<number> {
  for (let count = 0; count < 50; count++) {
    try {
      await call();
    } catch (error) {
      expect((error as Error).name).toBe('ThrottlingException');
      return count;
    }
  }
  return 50;
}

describe('logs throttling', () => {
  it('gives each operation its CloudWatch quota, refilled on the wall clock', async () => {
    const task = serviceTasks(world.model, 'prod', 'web')[0] as SimTask;
    const get = () =>
      world.logs.send(
        new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: streamOf(task, 'web'), limit: 1 }),
      );
    expect(await callsBeforeThrottle(get)).toBe(10);
    expect(
      await callsBeforeThrottle(() =>
        world.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/web', limit: 1 })),
      ),
    ).toBe(5);
    expect(
      await callsBeforeThrottle(() => world.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ecs/web' }))),
    ).toBe(5);
    expect(await callsBeforeThrottle(() => world.logs.send(new DescribeLogGroupsCommand({})))).toBe(5);

    // ECS has its own buckets.
    const ecs = ecsClient(world.server.url);
    await expect(ecs.send(new ListClustersCommand({}))).resolves.toBeDefined();
    ecs.destroy();

    // A second of wall clock refills GetLogEvents' bucket.
    world.wallClock.advance(1000);
    await expect(get()).resolves.toBeDefined();
    const throttled = world.server.requestLog.list({ service: 'logs', outcome: 'throttled' });
    expect(throttled.map((entry) => entry.operation)).toEqual([
      'GetLogEvents',
      'FilterLogEvents',
      'DescribeLogStreams',
      'DescribeLogGroups',
    ]);
  });
});
