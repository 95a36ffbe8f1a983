/**
 * Each pane and detail view against the demo scenario (simulator + real SDK + store + monitor, virtual time),
 * checked against the data the store holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shortName } from '../../src/domain/arn.ts';
import { deploymentProgress } from '../../src/domain/health.ts';
import type { Service } from '../../src/domain/model.ts';
import { startUi, type UiHarness, waitUntil } from './appHarness.tsx';

let app: UiHarness;
beforeAll(async () => {
  app = await startUi({ rows: 50 });
  await app.waitForFrame((frame) => frame.includes('staging') && frame.includes('prod') && frame.includes('batch'));
});
afterAll(async () => {
  await app?.close();
});

function serviceNamed(name: string): Service {
  const service = [...app.data.store.getState().services.values()].find((s) => s.serviceName === name);
  if (!service) throw new Error(`no service ${name} in the store`);
  return service;
}

async function back(times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const depth = app.ui.getState().stack.length;
    await app.press('\u001b');
    await waitUntil(() => app.ui.getState().stack.length === Math.max(0, depth - 1));
  }
}

describe('demo scenario, pane by pane', () => {
  it('Clusters: every cluster with status, counts and a health mark in words', async () => {
    const frame = app.frame();
    for (const cluster of app.data.store.getState().clusters.values()) {
      // Below the header, which names the watched cluster too.
      const line = frame
        .split('\n')
        .slice(2)
        .find((l) => l.includes(` ${cluster.clusterName} `));
      expect(line, cluster.clusterName).toBeDefined();
      expect(line).toContain(String(cluster.status));
      // A cluster whose services are not loaded yet is judged from what is known, or said to be unknown.
      expect(line).toMatch(/(✓ ok|▲ degraded|✗ failing|\? unknown)/);
      expect(line).toContain(`${cluster.runningTasksCount}/${cluster.pendingTasksCount}`);
    }
  });

  it('Cluster detail: counts, health with its reason, and its services', async () => {
    const rows = app.frame().split('\n');
    const target = rows.findIndex((l) => l.includes(' staging '));
    const selected = rows.findIndex((l) => l.startsWith('›'));
    await app.press(target > selected ? 'j'.repeat(target - selected) : 'k'.repeat(selected - target));
    await app.press('\r');
    const frame = await app.waitForFrame(
      (f) => f.includes('cluster staging') && f.includes('checkout') && /draining\s+1/.test(f),
    );
    const staging = [...app.data.store.getState().clusters.values()].find((c) => c.clusterName === 'staging');
    expect(frame).toMatch(new RegExp(`tasks run/pend\\s+${staging?.runningTasksCount}/${staging?.pendingTasksCount}`));
    expect(frame).toMatch(/draining\s+1/);
    expect(frame).toMatch(/health\s+(✓ ok|▲ degraded|✗ failing) · /);
    for (const name of ['checkout', 'orders', 'search']) expect(frame).toContain(name);
    await back();
  });

  it('Services: the api rolling deployment shows its state and progress', async () => {
    await app.press(':cluster prod\r');
    const frame = await app.waitForFrame(
      (f) => f.includes('payments') && f.includes('api') && /IN_PROGRESS \d+%/.test(f),
    );
    const api = serviceNamed('api');
    const progress = deploymentProgress(api);
    const line = frame.split('\n').find((l) => l.includes(' api '));
    expect(line).toContain(`${progress?.rolloutState} ${progress?.percent}%`);
    expect(line).toContain(`${api.desiredCount}/${api.runningCount}/${api.pendingCount}`);
  });

  it('Service detail: deployments with their rollout, events newest first', async () => {
    const rows = app
      .frame()
      .split('\n')
      .filter((l) => /^[› ] /.test(l));
    const apiIndex = rows.findIndex((l) => l.includes(' api '));
    const selected = rows.findIndex((l) => l.startsWith('›'));
    await app.press(apiIndex > selected ? 'j'.repeat(apiIndex - selected) : 'k'.repeat(selected - apiIndex));
    await app.press('\r');
    const frame = await app.waitForFrame((f) => f.includes('Deployments'));
    expect(frame).toContain('service api');
    const api = serviceNamed('api');
    for (const deployment of api.deployments ?? []) {
      expect(frame).toContain(String(deployment.id));
    }
    expect(frame).toMatch(/PRIMARY .*api:2.*IN_PROGRESS/);
    const eventLines = frame.split('\n').filter((l) => /^\d\d:\d\d:\d\dZ/.test(l));
    expect(eventLines.length).toBeGreaterThan(1);
    const times = eventLines.map((l) => l.slice(0, 8));
    expect([...times].sort().reverse()).toEqual(times);
    await back();
  });

  it('Failures: the payments crash loop grouped under its out-of-memory signature with exit 137', async () => {
    await app.press('5');
    const frame = await app.waitForFrame((f) => /service:payments.*exit 137/.test(f), 60_000);
    const line = frame.split('\n').find((l) => l.includes('service:payments'));
    expect(line).toContain('EssentialContainerExited');
    const group = [...app.data.store.getState().failureGroups.values()].find(
      (g) => g.signature.group === 'service:payments' && g.signature.exitCode === 137,
    );
    expect(group?.signature.cause).toBe('out-of-memory');
    expect(line).toMatch(new RegExp(`service:payments\\s+${group?.count}\\s`));
  });

  it('Failure group: its signature in full and its tasks with timelines ending in 137', async () => {
    const rows = app.frame().split('\n');
    const target = rows.findIndex((l) => l.includes('service:payments') && l.includes('137'));
    const selected = rows.findIndex((l) => l.startsWith('›'));
    await app.press('j'.repeat(Math.max(0, target - selected)));
    await app.press('\r');
    const frame = await app.waitForFrame((f) => f.includes('signature') && f.includes('payments:2'));
    expect(frame).toContain('OutOfMemory');
    expect(frame).toContain('cause              out-of-memory');
    const taskLine = frame.split('\n').find((l) => l.startsWith('›'));
    expect(taskLine).toContain('STOPPED/STOPPED');
    expect(taskLine).toMatch(/137✗|✗137/);
    expect(frame).toContain('now');
  });

  it('Task detail: containers with exit code, every timestamp with the gaps between, stop code and reason', async () => {
    await app.press('\r');
    const frame = await app.waitForFrame((f) => f.includes('Lifecycle'));
    const arn = (app.ui.getState().stack.at(-1) as { arn: string }).arn;
    const task = app.data.store.getState().tasks.get(arn);
    expect(frame).toMatch(new RegExp(`task\\s+${shortName(arn)}`));
    expect(frame).toMatch(/createdAt\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    expect(frame).toMatch(/stoppedAt\s+\S+ \S+\s+\+\d+[smh]/);
    expect(frame).toContain(`stop code          ${task?.stopCode}`);
    expect(frame).toContain('exit 137');
    expect(frame).toContain('✗ failed (out-of-memory)');
    expect(frame).toContain('Overrides');
    await back(2);
  });

  it('Tasks: a shared time axis ending at now and a bar per task', async () => {
    await app.press('4');
    const frame = await app.waitForFrame((f) => f.includes('TASK ') && f.includes('now'));
    const header = frame.split('\n').find((l) => l.includes('TASK ') && l.includes('now'));
    expect(header).toMatch(/-\d+m/);
    const running = frame.split('\n').filter((l) => l.includes('RUNNING/RUNNING'));
    expect(running.length).toBeGreaterThan(3);
    // A task running for the whole window is one solid bar; one that stopped ends in its stop marker.
    const now = app.ui.getState().now;
    for (const task of app.data.store.getState().tasks.values()) {
      const line = frame.split('\n').find((l) => l.includes(shortName(task.taskArn).slice(0, 9)));
      if (!line) continue;
      if (task.lastStatus === 'RUNNING' && (task.startedAt ?? now) < now - 16 * 60_000) {
        expect(line).toMatch(/█{8,}\s*$/);
      }
      if (task.lastStatus === 'STOPPED' && (task.stoppedAt ?? 0) > now - 14 * 60_000) expect(line).toMatch(/[|✗]/);
    }
  });

  it('Instances (staging): the draining instance shows its progress and names the standalone task holding it', async () => {
    await app.press(':cluster staging\r2');
    const frame = await app.waitForFrame((f) => f.includes('DRAINING') && f.includes('held by'));
    const line = frame.split('\n').find((l) => l.includes('DRAINING'));
    expect(line).toContain('held by db-migrate:1 (standalone)');
    const draining = [...app.data.store.getState().instances.values()].find((i) => i.status === 'DRAINING');
    expect(line).toMatch(new RegExp(`\\s${draining?.runningTasksCount}\\s+held by`));
    const disconnected = frame.split('\n').find((l) => l.includes('✗ down'));
    expect(disconnected).toBeDefined();
    const rows = frame.split('\n');
    const target = rows.findIndex((l) => l.includes('DRAINING'));
    const selected = rows.findIndex((l) => l.startsWith('›'));
    await app.press(target > selected ? 'j'.repeat(target - selected) : 'k'.repeat(selected - target));
    await app.press('\r');
    const detail = await app.waitForFrame((f) => f.includes('Draining'));
    expect(detail).toContain('blocking:');
    expect(detail).toContain('db-migrate:1 started by jenkins-ops');
    expect(detail).toContain('standalone: nothing moves it; stop it to finish the drain');
    await back();
  });

  it('Service detail (staging checkout): task sets with status, scale, desired, running and stability', async () => {
    await app.press('3');
    let frame = await app.waitForFrame((f) => f.includes('checkout'));
    // The list already says how the task sets stand: the primary first, each with its scale.
    expect(frame.split('\n').find((l) => l.includes(' checkout '))).toMatch(/sets P:\d+%( [AD]:\d+%)+/);
    const rows = frame.split('\n');
    const target = rows.findIndex((l) => l.includes(' checkout '));
    const selected = rows.findIndex((l) => l.startsWith('›'));
    await app.press(target > selected ? 'j'.repeat(target - selected) : 'k'.repeat(selected - target));
    await app.press('\r');
    frame = await app.waitForFrame((f) => f.includes('Task sets'));
    const checkout = serviceNamed('checkout');
    expect(checkout.taskSets?.length).toBe(2);
    for (const set of checkout.taskSets ?? []) {
      const line = frame.split('\n').find((l) => l.includes(`  ${set.externalId}  `));
      expect(line, set.externalId).toBeDefined();
      expect(line).toContain(String(set.status));
      expect(line).toContain(`scale ${set.scale?.value}%`);
      expect(line).toContain(`desired ${set.computedDesiredCount} running ${set.runningCount}`);
      expect(line).toContain(String(set.stabilityStatus));
    }
  });
});
