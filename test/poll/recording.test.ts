import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingObserver, restoreFromRecords } from '../../src/poll/recording.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import { feedKey } from '../../src/store/feeds.ts';
import { createEcsStore } from '../../src/store/store.ts';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
let directory: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('pollers and the flight recorder', () => {
  it('records what the pollers see, and a restart gets the failure feed and timelines back from disk', async () => {
    directory = mkdtempSync(join(tmpdir(), 'ecsdeck-recording-'));
    const warnings: string[] = [];
    // The recorder ages its records on the harness's virtual clock, never on the machine's date.
    let virtualNow = (): number => 0;
    const open = () =>
      new FlightRecorder({
        directory: directory as string,
        fileName: 'recorder-test.jsonl',
        logger: (m) => warnings.push(m),
        clock: { now: () => virtualNow() },
      });
    const recorder = open();
    harness = await startHarness({ observer: recordingObserver(recorder) });
    const h = harness;
    virtualNow = () => h.scheduler.now();
    const prod = [...h.sim.model.state.clusters.values()].find((c) => c.name === 'prod');
    h.monitor.focusCluster(prod?.arn);
    h.monitor.start();
    // Long enough for the payments crash loop to add failures while we watch.
    await h.runUntil(() => h.store.getState().meta.get(feedKey.stopped(prod?.arn ?? ''))?.lastSuccessAt !== undefined);
    await h.runUntil(
      () =>
        [...h.store.getState().failureGroups.values()].some(
          (g) => g.signature.group === 'service:payments' && g.signature.exitCode === 137,
        ),
      { stepMs: 1000 },
    );
    await h.monitor.idle();
    h.monitor.stop();
    await recorder.close();
    const live = h.store.getState();

    const restarted = open();
    const loaded = await restarted.load();
    expect(loaded.skipped).toBe(0);
    const store = createEcsStore();
    restoreFromRecords(store, loaded.records, h.scheduler.now());
    const restored = store.getState();

    const liveTaskFailures = [...live.failureOccurrences.values()].filter((o) => o.taskArn !== undefined);
    expect(liveTaskFailures.length).toBeGreaterThan(0);
    for (const occurrence of liveTaskFailures) {
      expect(restored.failureOccurrences.get(occurrence.id)?.signature.key).toBe(occurrence.signature.key);
      expect(restored.tasks.get(occurrence.id)?.lastStatus).toBe('STOPPED');
    }
    const oom = [...restored.failureGroups.values()].find(
      (g) => g.signature.group === 'service:payments' && g.signature.exitCode === 137,
    );
    expect(oom?.count).toBeGreaterThan(0);
    // observed transitions of a failed task came back, in time order
    const someFailed = liveTaskFailures[0]?.id ?? '';
    const history = restored.transitions.get(someFailed) ?? [];
    expect(history.length).toBeGreaterThan(0);
    expect(history.map((t) => t.at)).toEqual([...history.map((t) => t.at)].sort((a, b) => a - b));
    expect(warnings).toEqual([]);
    await restarted.close();
  });
});
