/**
 * The last-lines cache through the real SDK against a raw endpoint the test answers: which containers it reads,
 * up to when, once per task, and a transient failure tried again only after a while.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeTask, normalizeTaskDefinition, type Task } from '../../src/domain/model.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { lazyLogsAccess } from '../../src/logs/access.ts';
import { LAST_LINES_GRACE_MS, LAST_LINES_RETRY_MS, LastLinesCache } from '../../src/logs/lastLines.ts';
import { createSdkLogsGateway } from '../../src/logs/sdkLogsGateway.ts';
import { closeRawEndpoints, rawEndpoint } from '../support/rawEndpoint.ts';
import { errorAnswer, jsonAnswer } from './liveTailEndpoint.ts';

afterEach(async () => {
  await closeRawEndpoints();
});

const TASK_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const STOPPED_AT = Date.UTC(2026, 10, 24, 12, 0, 0);
const awslogs = (group: string) => ({
  logDriver: 'awslogs',
  options: { 'awslogs-group': group, 'awslogs-stream-prefix': 'ecs' },
});
const definition = normalizeTaskDefinition({
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/payments:2',
  containerDefinitions: [
    { name: 'sidecar', logConfiguration: awslogs('/ecs/sidecar') },
    { name: 'payments', logConfiguration: awslogs('/ecs/payments') },
  ],
});

function task(lastStatus: string): Task {
  const made = normalizeTask({
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${TASK_ID}`,
    taskDefinitionArn: definition?.taskDefinitionArn,
    lastStatus,
    stoppedAt: STOPPED_AT / 1000,
    containers: [
      { name: 'sidecar', exitCode: 0, lastStatus: 'STOPPED' },
      { name: 'payments', exitCode: 137, reason: 'OutOfMemoryError: Container killed', lastStatus: 'STOPPED' },
    ],
  });
  if (!made) throw new Error('expected a task');
  return made;
}

/** Real I/O, and virtual time in small steps (a throttled budget spaces the calls out), until `done()` holds. */
async function ioUntil(scheduler: VirtualScheduler, done: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('ioUntil: condition not reached before the deadline');
    for (let i = 0; i < 5; i++) await flushMicrotasks();
    if (!done()) await scheduler.advance(100);
  }
}

describe('LastLinesCache', () => {
  it('reads the failed container once, up to a little after it stopped, and tries a throttled read again later', async () => {
    const asked: Record<string, unknown>[] = [];
    let throttle = true;
    const endpoint = await rawEndpoint((_req, res, body) => {
      const request = JSON.parse(body) as Record<string, unknown>;
      asked.push(request);
      if (throttle) return errorAnswer(res, 400, 'ThrottlingException', 'Rate exceeded');
      // As CloudWatch does at the start of a stream: no events, and the backward token it was given.
      if (request.nextToken === 'b/1')
        return jsonAnswer(res, { events: [], nextForwardToken: 'f/0', nextBackwardToken: 'b/1' });
      jsonAnswer(res, {
        events: [
          { timestamp: STOPPED_AT - 2000, message: 'WARN heap 97% of 512 MiB' },
          { timestamp: STOPPED_AT - 1000, message: 'ERROR allocation of 64 MiB failed' },
        ],
        nextForwardToken: 'f/1',
        nextBackwardToken: 'b/1',
      });
    });
    const scheduler = new VirtualScheduler(STOPPED_AT + 60_000);
    const access = lazyLogsAccess(() =>
      createSdkLogsGateway({
        endpoint: endpoint.url,
        simulator: true,
        budgetPerSecond: 1000,
        scheduler,
        maxAttempts: 1,
      }),
    );
    const cache = new LastLinesCache({ access, taskDefinition: async () => definition, clock: scheduler });
    const arn = task('STOPPED').taskArn as string;

    // A running task's logs still grow: nothing is read for it.
    cache.want(task('RUNNING'));
    expect(cache.state(arn)).toBeUndefined();

    cache.want(task('STOPPED'));
    expect(cache.state(arn)).toEqual({ kind: 'loading' });
    await ioUntil(scheduler, () => cache.state(arn)?.kind === 'failed');
    expect(cache.state(arn)).toMatchObject({
      kind: 'failed',
      sentence: 'CloudWatch Logs is throttling GetLogEvents (rate exceeded); ecsdeck is slowing down.',
      transient: true,
    });
    expect(asked).toEqual([
      {
        logGroupName: '/ecs/payments',
        logStreamName: `ecs/payments/${TASK_ID}`,
        startFromHead: false,
        limit: 20,
        endTime: STOPPED_AT + LAST_LINES_GRACE_MS,
      },
    ]);

    // On screen again at once: not asked again until the retry delay has passed.
    throttle = false;
    cache.want(task('STOPPED'));
    expect(cache.state(arn)?.kind).toBe('failed');
    await scheduler.advance(LAST_LINES_RETRY_MS);
    cache.want(task('STOPPED'));
    await ioUntil(scheduler, () => cache.state(arn)?.kind === 'ready');
    expect(cache.state(arn)).toEqual({
      kind: 'ready',
      containers: [
        {
          container: 'payments',
          kind: 'lines',
          events: [
            { timestamp: STOPPED_AT - 2000, message: 'WARN heap 97% of 512 MiB', stream: `ecs/payments/${TASK_ID}` },
            {
              timestamp: STOPPED_AT - 1000,
              message: 'ERROR allocation of 64 MiB failed',
              stream: `ecs/payments/${TASK_ID}`,
            },
          ],
        },
      ],
    });
    // Two events, fewer than asked: the page before them says whether there are more (here the token repeats).
    expect(asked.slice(1).map((request) => request.nextToken)).toEqual([undefined, 'b/1']);
    const reads = asked.length;
    cache.want(task('STOPPED'));
    expect(asked).toHaveLength(reads);
    access.close();
  });
});
