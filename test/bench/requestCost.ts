/**
 * `npm run bench:request-cost`: the client's CPU for one API call, the floor under the idle figure (test/bench/idle.ts):
 * an idle TUI on the large scenario makes about 4-5 calls a second, so what one call costs on this machine, times
 * that rate, is spent however little the screen does. Measured in this process (process.cpuUsage) over sequential
 * calls to the simulator in another process (its CPU not counted), throttling off, paced so nothing queues:
 * - raw node:http: the same POST by hand (keep-alive agent), no SDK: what the transport alone costs;
 * - the SDK alone: @aws-sdk/client-ecs `send` (signing, middleware, serialising, parsing);
 * - ecsdeck's gateway: the SDK behind our budget, deadlines, retries, response guard and unchanged-answer check.
 * Each for ListServices (a small answer) and DescribeTasks of 100 tasks (a large one). Writes
 * test/bench/results/request-cost.json.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { DescribeTasksCommand, ECSClient, ListServicesCommand } from '@aws-sdk/client-ecs';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { realScheduler } from '../../src/lib/scheduler.ts';
import { startSimulatorProcess } from './simulatorProcess.ts';

const root = resolve(import.meta.dirname, '..', '..');
const CALLS = 400;
const WARM_UP = 100;
const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';

async function startSimulator() {
  const { child, url } = await startSimulatorProcess(['--scenario', 'large']);
  const off = await fetch(`${url}/_sim/throttling`, { method: 'POST', body: 'false' });
  if (!off.ok) throw new Error(`could not turn the simulator's throttling off: ${off.status}`);
  return { child, url };
}

/** CPU milliseconds per call of `call`, over CALLS sequential calls after a warm-up. */
async function cpuPerCall(call: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < WARM_UP; index++) await call();
  const before = process.cpuUsage();
  for (let index = 0; index < CALLS; index++) await call();
  const used = process.cpuUsage(before);
  return Math.round(((used.user + used.system) / CALLS / 1000) * 1000) / 1000;
}

async function main() {
  const { child, url } = await startSimulator();
  try {
    const endpoint = new URL(url);
    const agent = new http.Agent({ keepAlive: true });
    const raw = (operation: string, body: unknown) => {
      const payload = JSON.stringify(body);
      return () =>
        new Promise<void>((resolveCall, reject) => {
          const request = http.request(
            {
              host: endpoint.hostname,
              port: endpoint.port,
              method: 'POST',
              path: '/',
              agent,
              headers: {
                'X-Amz-Target': `${TARGET_PREFIX}.${operation}`,
                'Content-Type': 'application/x-amz-json-1.1',
                'Content-Length': Buffer.byteLength(payload),
              },
            },
            (response) => {
              if (response.statusCode !== 200) reject(new Error(`${operation}: HTTP ${response.statusCode}`));
              response.resume();
              response.on('end', resolveCall);
            },
          );
          request.on('error', reject);
          request.end(payload);
        });
    };
    const sdk = new ECSClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' },
      maxAttempts: 1,
    });
    const gateway = await createSdkGateway({
      endpoint: url,
      simulator: true,
      budgetPerSecond: 1000,
      scheduler: realScheduler,
    });
    const [cluster] = await gateway.listClusters();
    if (!cluster) throw new Error('the large scenario has no cluster');
    const tasks = (await gateway.listTasks(cluster)).slice(0, 100);
    const rows: Record<string, Record<string, number>> = {};
    rows['ListServices (small answer)'] = {
      rawHttpMs: await cpuPerCall(raw('ListServices', { cluster })),
      sdkMs: await cpuPerCall(() => sdk.send(new ListServicesCommand({ cluster }))),
      gatewayMs: await cpuPerCall(() => gateway.listServices(cluster)),
    };
    rows[`DescribeTasks of ${tasks.length} (large answer)`] = {
      rawHttpMs: await cpuPerCall(raw('DescribeTasks', { cluster, tasks })),
      sdkMs: await cpuPerCall(() => sdk.send(new DescribeTasksCommand({ cluster, tasks }))),
      gatewayMs: await cpuPerCall(() => gateway.describeTasks(cluster, tasks)),
    };
    console.log(`client CPU per API call (ms; ${CALLS} sequential calls after ${WARM_UP} to warm up):`);
    console.table(rows);
    writeFileSync(
      join(root, 'test', 'bench', 'results', 'request-cost.json'),
      `${JSON.stringify({ callsEach: CALLS, cpuMsPerCall: rows }, null, 2)}\n`,
    );
    agent.destroy();
    sdk.destroy();
  } finally {
    child.kill();
  }
}

await main();
process.exit(0);
