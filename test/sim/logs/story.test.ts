/**
 * The lines a container writes, drawn from its behaviour: health check failures for `unhealthy`, SIGTERM handling
 * on a stop, and the demo's hostile container (staging/search, docker label ecsdeck.sim.logs=hostile) whose lines
 * carry escape sequences, bidi and C1 controls and a 300 KB line for the client side's sanitising.
 */
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_MS, bucketLines, type StoryInput } from '../../../src/sim/logs/story.ts';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { type LogsWorld, serviceTasks, startLogsWorld, streamOf } from './helpers.ts';

const START = Date.UTC(2025, 0, 1);

function story(overrides: Partial<StoryInput>): StoryInput {
  return {
    seed: 7,
    container: 'app',
    image: 'repo/app:1.2.3',
    voice: 'app',
    hostile: false,
    memoryMiB: 512,
    startedAt: START,
    outcome: 'runs',
    healthCheckIntervalSeconds: 30,
    ...overrides,
  };
}

function linesBetween(input: StoryInput, from: number, to: number) {
  const lines = [];
  for (
    let bucket = Math.floor((from - input.startedAt) / BUCKET_MS);
    bucket * BUCKET_MS + input.startedAt < to;
    bucket++
  ) {
    lines.push(...bucketLines(input, bucket).filter((line) => line.timestamp >= from && line.timestamp < to));
  }
  return lines;
}

describe('a container’s story', () => {
  it('fails its health check every interval once unhealthy, and not before', () => {
    const input = story({ outcome: 'unhealthy', outcomeAt: START + 95_000 });
    const failures = linesBetween(input, START, START + 200_000).filter((line) =>
      line.message.includes('health check failed'),
    );
    expect(failures.map((line) => line.timestamp - START)).toEqual([95_000, 125_000, 155_000, 185_000]);
    expect(failures[0]?.message).toMatch(/^WARN health check failed \(attempt 1\)/);
  });

  it('is the same for the same seed and window, and differs with the seed', () => {
    expect(bucketLines(story({}), 12)).toEqual(bucketLines(story({}), 12));
    expect(bucketLines(story({ seed: 8 }), 12)).not.toEqual(bucketLines(story({}), 12));
  });

  it('answers SIGTERM when stopped', () => {
    const input = story({ stoppingAt: START + 50_000 });
    const lines = linesBetween(input, START + 50_000, START + 51_000).map((line) => line.message);
    expect(lines).toEqual(['INFO received SIGTERM, draining connections', 'INFO shutdown complete']);
  });
});

describe('reproducible from the seed', () => {
  it('gives two simulators of the same seed the same streams and lines', async () => {
    const first = await startLogsWorld({ seed: 5 });
    const second = await startLogsWorld({ seed: 5 });
    try {
      const read = async (world: LogsWorld) => {
        const task = serviceTasks(world.model, 'prod', 'payments')[0] as SimTask;
        const page = await world.logs.send(
          new GetLogEventsCommand({
            logGroupName: '/ecs/payments',
            logStreamName: streamOf(task, 'payments'),
            startTime: task.startedAt as number,
            endTime: (task.startedAt as number) + 600_000,
            startFromHead: true,
          }),
        );
        return page.events ?? [];
      };
      const lines = await read(first);
      expect(lines.length).toBeGreaterThan(10);
      expect(await read(second)).toEqual(lines);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('the demo’s hostile container', () => {
  let world: LogsWorld;
  beforeAll(async () => {
    world = await startLogsWorld();
  });
  afterAll(async () => {
    await world.close();
  });

  it('writes escape sequences, bidi and C1 controls, a lone surrogate and a 300 KB line', async () => {
    const task = serviceTasks(world.model, 'staging', 'search').find((t) => t.lastStatus === 'RUNNING') as SimTask;
    const page = await world.logs.send(
      new GetLogEventsCommand({
        logGroupName: '/ecs/search',
        logStreamName: streamOf(task, 'search'),
        startFromHead: true,
        limit: 12,
      }),
    );
    const messages = page.events?.map((event) => event.message ?? '') ?? [];
    const joined = messages.join('\n');
    expect(joined).toContain('\u001b[2J');
    expect(joined).toContain('\u001b]52;c;');
    expect(joined).toContain('\u202e');
    expect(joined).toContain('\u009b');
    expect(messages.some((message) => message.length > 300 * 1024)).toBe(true);
    // Only this container: another service's stream has none of it.
    const web = serviceTasks(world.model, 'prod', 'web')[0] as SimTask;
    const webLines =
      (
        await world.logs.send(
          new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: streamOf(web, 'web') }),
        )
      ).events ?? [];
    expect(webLines).toHaveLength(10_000);
    const hostile = (code: number) =>
      code === 0x1b || (code >= 0x80 && code <= 0x9f) || (code >= 0x202a && code <= 0x202e);
    expect(webLines.some((event) => [...(event.message ?? '')].some((char) => hostile(char.codePointAt(0) ?? 0)))).toBe(
      false,
    );
  });
});
