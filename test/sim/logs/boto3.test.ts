/**
 * A second real client: Python's boto3 (botocore has its own JSON 1.1 and event-stream parsers) reads a stream with
 * GetLogEvents and follows a StartLiveTail session of the simulator. Skipped where python3 with boto3 is missing.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/lib/scheduler.ts';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { type LogsWorld, serviceTasks, startLogsWorld, streamOf } from './helpers.ts';

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;

const SCRIPT = `
import json, sys, boto3
from botocore.config import Config
url, group, stream = sys.argv[1:4]
client = boto3.client('logs', endpoint_url=url, region_name='us-east-1', aws_access_key_id='x',
  aws_secret_access_key='y', config=Config(inject_host_prefix=False, retries={'max_attempts': 1}))
page = client.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True, limit=3)
print(json.dumps({'get': [e['message'] for e in page['events']], 'forward': page['nextForwardToken']}), flush=True)
tail = client.start_live_tail(logGroupIdentifiers=[group], logStreamNames=[stream])
for event in tail['responseStream']:
    print(json.dumps(event, default=str), flush=True)
`;

let world: LogsWorld;
let scheduler: VirtualScheduler;
let python: ChildProcessWithoutNullStreams | undefined;

beforeEach(async () => {
  scheduler = new VirtualScheduler(0);
  world = await startLogsWorld({ liveTail: { scheduler } });
});
afterEach(async () => {
  python?.kill();
  await world.close();
});

describe.skipIf(!hasBoto3)('boto3 against the simulator', () => {
  it('reads GetLogEvents and follows a live tail', async () => {
    const task = serviceTasks(world.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING') as SimTask;
    const stream = streamOf(task, 'web');
    python = spawn('python3', ['-c', SCRIPT, world.server.url, '/ecs/web', stream]);
    const stderr: string[] = [];
    python.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const lines = createInterface({ input: python.stdout })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<Record<string, unknown>> => {
      const line = await lines.next();
      if (line.done) throw new Error(`python ended: ${stderr.join('')}`);
      return JSON.parse(line.value) as Record<string, unknown>;
    };

    const read = await nextLine();
    expect(read.get).toEqual([
      expect.stringMatching(/^INFO starting web/),
      'INFO configuration loaded from environment',
      'INFO listening on 0.0.0.0:8080',
    ]);
    expect(read.forward).toMatch(/^f\//);

    const start = await nextLine();
    expect(start.sessionStart).toMatchObject({ logGroupIdentifiers: ['/ecs/web'], logStreamNames: [stream] });
    world.advance(30_000);
    await scheduler.advance(1000);
    const update = (await nextLine()).sessionUpdate as { sessionResults: { logStreamName: string }[] };
    expect(update.sessionResults.length).toBeGreaterThan(3);
    expect(update.sessionResults.every((result) => result.logStreamName === stream)).toBe(true);
  }, 30_000);
});
