/**
 * `ecsdeck logs` as a user runs it: a real process against a simulator's ECS and CloudWatch Logs (its endpoint
 * through --endpoint-url), its stdout and stderr, its exit status.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/sim/index.ts';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  ECSDECK_STATE_DIR: mkdtempSync(join(tmpdir(), 'ecsdeck-cli-state-')),
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(tsx, ['src/cli.ts', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolveExit) => child.on('exit', (status) => resolveExit({ status, stdout, stderr })));
}

let sim: Awaited<ReturnType<typeof startSimulator>>;
const taskOf = (cluster: string, service: string): string => {
  const found = sim.model.findService(sim.model.requireCluster(cluster), service);
  const task = [...(found ? sim.model.tasksOfService(found) : [])].find((t) => t.lastStatus === 'RUNNING');
  if (!task) throw new Error(`no running task of ${cluster}/${service}`);
  return task.id;
};

beforeAll(async () => {
  sim = await startSimulator({ scenario: 'demo', throttling: false });
});
afterAll(async () => {
  await sim?.close();
});

describe('ecsdeck logs', () => {
  it("prints a running task's lines as text and as JSON lines, exit 0", async () => {
    const task = taskOf('prod', 'web');
    const text = await run(['logs', 'prod', task, '--endpoint-url', sim.url]);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \| \S/);

    const json = await run(['logs', 'prod', task, '--json', '--endpoint-url', sim.url]);
    expect(json.status).toBe(0);
    const first = JSON.parse(json.stdout.split('\n')[0] as string) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['timestamp', 'container', 'stream', 'message']);
    expect(first).toMatchObject({ container: 'web', stream: `ecs/web/${task}` });
  }, 60_000);

  it('says in one sentence that logs through FireLens are not readable here, exit 1', async () => {
    const result = await run(['logs', 'staging', taskOf('staging', 'orders'), '--endpoint-url', sim.url]);
    expect(result.stdout).toBe('');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'ecsdeck: The container orders logs outside CloudWatch Logs: FireLens routes them to the outputs of its Fluent Bit or Fluentd sidecar; ecsdeck reads CloudWatch Logs (awslogs) only.\n',
    );
  }, 60_000);
});
