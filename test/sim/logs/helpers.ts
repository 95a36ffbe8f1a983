/** The demo simulator on a ManualClock, served over HTTP, and the real CloudWatch Logs SDK pointed at it. */
import { CloudWatchLogsClient, GetLogEventsCommand, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { ManualClock } from '../../../src/lib/clock.ts';
import type { SimModel } from '../../../src/sim/model/model.ts';
import type { SimTask } from '../../../src/sim/model/types.ts';
import { readScenario } from '../../../src/sim/scenario/files.ts';
import { createScenarioModel } from '../../../src/sim/scenario/load.ts';
import { type SimServer, type SimServerOptions, startSimServer } from '../../../src/sim/server.ts';
import { instantRetries } from '../helpers.ts';

export const OPEN_MS = Date.UTC(2025, 0, 15, 9, 0, 0);

export interface LogsWorld {
  clock: ManualClock;
  wallClock: ManualClock;
  model: SimModel;
  server: SimServer;
  logs: CloudWatchLogsClient;
  /** Moves simulated time (and the model) forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

export async function startLogsWorld(
  options: Partial<Omit<SimServerOptions, 'model'>> & { seed?: number } = {},
): Promise<LogsWorld> {
  const clock = new ManualClock(OPEN_MS);
  const wallClock = new ManualClock(0);
  const { scenario, source } = readScenario('demo');
  const { model } = createScenarioModel({ scenario, source, seed: options.seed ?? 1, clock });
  const server = await startSimServer({ throttling: false, wallClock, ...options, model });
  const logs = logsClient(server.url);
  return {
    clock,
    wallClock,
    model,
    server,
    logs,
    advance(ms) {
      // One second at a time, as a busy client would see it.
      for (let done = 0; done < ms; done += 1000) {
        clock.advance(Math.min(1000, ms - done));
        model.advance();
      }
    },
    async close() {
      logs.destroy();
      await server.close();
    },
  };
}

/** The real SDK; the simulator serves StartLiveTail on the same host, so no `stream-` host prefix. */
export function logsClient(url: string, maxAttempts = 1): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    retryStrategy: instantRetries(maxAttempts),
    disableHostPrefix: true,
  });
}

/** Tasks of a service in the demo. */
export function serviceTasks(model: SimModel, cluster: string, service: string): SimTask[] {
  const found = model.findService(model.requireCluster(cluster), service);
  if (!found) throw new Error(`no service ${cluster}/${service}`);
  return [...model.tasksOfService(found)];
}

export function familyOf(task: SimTask): string {
  return task.taskDefinitionArn.split('/').pop()?.split(':')[0] ?? '';
}

/** The awslogs stream of a task's container, as src/logs/sources.ts names it. */
export function streamOf(task: SimTask, container: string): string {
  return `ecs/${container}/${task.id}`;
}

/** Every event of a stream, read backwards from its end with the backward token until it repeats. */
export async function readWholeStream(
  logs: CloudWatchLogsClient,
  group: string,
  stream: string,
): Promise<OutputLogEvent[]> {
  const pages: OutputLogEvent[][] = [];
  let token: string | undefined;
  for (;;) {
    const page = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: token }),
    );
    if ((page.events ?? []).length > 0) pages.unshift(page.events ?? []);
    if (page.nextBackwardToken === token) break;
    token = page.nextBackwardToken;
  }
  return pages.flat();
}
