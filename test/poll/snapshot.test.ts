import { afterEach, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/format.ts';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { recordingObserver } from '../../src/poll/recording.ts';
import { buildSnapshot, collectSnapshotState, type Snapshot } from '../../src/poll/snapshot.ts';
import { formatSnapshotJson, formatSnapshotText } from '../../src/poll/snapshotText.ts';
import type { RecorderRecord } from '../../src/recorder/records.ts';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';
import { START } from './harness.ts';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function snapshotOfDemo(): Promise<Snapshot> {
  const scheduler = new VirtualScheduler(START);
  sim = await startSimulator({ scenario: 'demo', clock: scheduler, wallClock: scheduler, throttling: false });
  const gateway = await createSdkGateway({ endpoint: sim.url, simulator: true, budgetPerSecond: 1000, scheduler });
  const state = await collectSnapshotState(gateway, () => scheduler.now());
  return buildSnapshot(state, gateway.target, scheduler.now());
}

describe('snapshot of the demo scenario', () => {
  it('--json prints valid JSON with clusters, services, instances and recent failures', async () => {
    const snapshot = await snapshotOfDemo();
    const parsed = JSON.parse(formatSnapshotJson(snapshot)) as Snapshot;
    expect(parsed.target.kind).toBe('simulator');
    expect(parsed.clusters.map((c) => c.name)).toEqual(['batch', 'prod', 'staging']);
    const prod = parsed.clusters.find((c) => c.name === 'prod');
    const web = prod?.services.find((s) => s.name === 'web');
    expect(web).toMatchObject({ desired: 4, running: 4, pending: 0 });
    expect(typeof web?.rolloutState).toBe('string');
    const payments = prod?.services.find((s) => s.name === 'payments');
    expect(payments?.health).not.toBe('ok');
    expect(prod?.containerInstances.length).toBeGreaterThanOrEqual(3);
    expect(prod?.containerInstances[0]).toMatchObject({ status: 'ACTIVE', agentConnected: true });
    const oom = prod?.failures.find((f) => f.exitCode === 137);
    expect(oom?.group).toBe('service:payments');
    expect(oom?.count).toBeGreaterThan(0);
    const staging = parsed.clusters.find((c) => c.name === 'staging');
    expect(staging?.drainingInstances).toBe(1);
    expect(staging?.containerInstances.some((i) => i.agentConnected === false)).toBe(true);
  });

  it('the text form fits 80 columns and shows the crash loop', async () => {
    const text = formatSnapshotText(await snapshotOfDemo());
    const lines = text.split('\n');
    for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(80);
    expect(text).toMatch(/CLUSTER prod/);
    expect(text).toMatch(/service:payments · EssentialContainerExited exit 137/);
    expect(text).toMatch(/OutOfMemoryError/);
    // no control characters of any kind besides newlines
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});

describe('snapshot with the flight recorder', () => {
  it('hands the failed stopped tasks it saw to the recorder, and counts the recorded ones ECS no longer lists', async () => {
    const scheduler = new VirtualScheduler(START);
    sim = await startSimulator({ scenario: 'demo', clock: scheduler, wallClock: scheduler, throttling: false });
    const gateway = await createSdkGateway({ endpoint: sim.url, simulator: true, budgetPerSecond: 1000, scheduler });
    const seen: RecorderRecord[] = [];
    const first = await collectSnapshotState(gateway, () => scheduler.now(), {
      observer: recordingObserver({ append: (record) => seen.push(record) }),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((record) => record.kind === 'stopped-task')).toBe(true);
    const prodFailures = (state: typeof first) =>
      [...state.failureOccurrences.values()].filter((o) => o.clusterArn?.endsWith('/prod')).length;

    // A task ECS has forgotten, known only to the recorder, joins the next snapshot's failures.
    const remembered = seen.find(
      (record) => record.kind === 'stopped-task' && record.task.clusterArn?.endsWith('/prod'),
    );
    if (remembered?.kind !== 'stopped-task') throw new Error('the demo has failed tasks in prod');
    const forgotten: RecorderRecord = {
      ...remembered,
      task: { ...remembered.task, taskArn: `${remembered.task.taskArn.slice(0, -6)}aaaaaa` },
    };
    const second = await collectSnapshotState(gateway, () => scheduler.now(), { history: [forgotten] });
    expect(prodFailures(second)).toBe(prodFailures(first) + 1);
  });
});
