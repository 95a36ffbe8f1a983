/**
 * Triage across clusters, on a store filled by hand: the Failures pane keeps each cluster's failures apart and names
 * the cluster and the instance in one kind of id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { groupFailures, taskFailureOccurrence } from '../../src/domain/failures.ts';
import type { Task } from '../../src/domain/model.ts';
import { addFailures, setClusters, setInstances, upsertTasks } from '../../src/store/store.ts';
import { failureColumns } from '../../src/ui/panes/failures.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { startUi, type UiHarness, waitUntil } from './appHarness.tsx';
import { NOW, startSynthetic } from './synthetic.tsx';

const ACCOUNT = 'arn:aws:ecs:us-east-1:123456789012';
const clusterArn = (name: string) => `${ACCOUNT}:cluster/${name}`;
const instanceArn = (cluster: string, id: string) => `${ACCOUNT}:container-instance/${cluster}/${id}`;

let counter = 0;
function failedSync(cluster: string, containerInstanceArn: string): Task {
  counter++;
  return {
    taskArn: `${ACCOUNT}:task/${cluster}/${counter.toString(16).padStart(32, '0')}`,
    clusterArn: clusterArn(cluster),
    containerInstanceArn,
    taskDefinitionArn: `${ACCOUNT}:task-definition/sync:4`,
    group: 'service:sync',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    createdAt: NOW - 300_000,
    stoppedAt: NOW - 60_000 * counter,
    containers: [{ name: 'sync', exitCode: 1 }],
  };
}

let app: ReturnType<typeof startSynthetic> | undefined;
let live: UiHarness | undefined;
afterEach(async () => {
  app?.close();
  app = undefined;
  await live?.close();
  live = undefined;
});

describe('the Failures pane across clusters', () => {
  it('where the CLUSTER column does not fit, the two rows still name their clusters', async () => {
    app = startSynthetic({}, { columns: 80, rows: 24 });
    const { store } = app;
    setClusters(
      store,
      ['prod', 'staging'].map((name) => ({ clusterArn: clusterArn(name), clusterName: name, status: 'ACTIVE' })),
      { complete: true },
    );
    const tasks = [
      failedSync('prod', instanceArn('prod', 'c1a0000000000000000000000000beef')),
      failedSync('staging', instanceArn('staging', 'd2b0000000000000000000000000cafe')),
    ];
    upsertTasks(store, tasks, NOW);
    addFailures(
      store,
      tasks.flatMap((task) => taskFailureOccurrence(task, { observedAt: NOW }) ?? []),
    );
    await app.press('5');
    await waitUntil(() => app?.frame().includes('/sync') === true);
    const frame = app.frame();
    expect(frame).not.toMatch(/SIGNATURE.*CLUSTER/);
    const rows = frame.split('\n').filter((line) => /\/sync\b/.test(line));
    expect(rows.map((line) => line.match(/\w+\/sync\b/)?.[0]).sort()).toEqual(['prod/sync', 'staging/sync']);
  });

  it('shows the same failing service of two clusters as two rows, each naming its cluster', async () => {
    app = startSynthetic({}, { rows: 20 });
    const { store } = app;
    setClusters(
      store,
      ['prod', 'staging'].map((name) => ({ clusterArn: clusterArn(name), clusterName: name, status: 'ACTIVE' })),
      { complete: true },
    );
    // prod's host is known (its EC2 id resolves); staging's was deregistered: only its container instance id is left.
    setInstances(store, clusterArn('prod'), [
      { containerInstanceArn: instanceArn('prod', 'c1a0000000000000000000000000beef'), ec2InstanceId: 'i-0prod1' },
    ]);
    const tasks = [
      failedSync('prod', instanceArn('prod', 'c1a0000000000000000000000000beef')),
      failedSync('prod', instanceArn('prod', 'c1a0000000000000000000000000beef')),
      failedSync('staging', instanceArn('staging', 'd2b0000000000000000000000000cafe')),
    ];
    upsertTasks(store, tasks, NOW);
    addFailures(
      store,
      tasks.flatMap((task) => taskFailureOccurrence(task, { observedAt: NOW }) ?? []),
    );
    await app.press('5');
    await waitUntil(() => app?.frame().includes('/sync') === true);
    const frame = app.frame();
    expect(frame).toMatch(/SERVICE\/GROUP\s+COUNT\s+SIGNATURE.*CLUSTER/);
    const rows = frame.split('\n').filter((line) => /\/sync\b/.test(line));
    expect(rows).toHaveLength(2);
    const prod = rows.find((line) => / prod\s*$/.test(line));
    const staging = rows.find((line) => / staging\s*$/.test(line));
    // A group that failed in two clusters names its cluster in its own cell too (for where CLUSTER does not fit).
    expect(prod).toMatch(/prod\/sync\s+2\s+EssentialContainerExited · exit 1/);
    expect(staging).toMatch(/staging\/sync\s+1\s+EssentialContainerExited · exit 1/);

    // The detail names the cluster, and the instances in one kind of id: the EC2 id, or the container instance id
    // labelled as such when the host is no longer known.
    const selected = frame.split('\n').findIndex((line) => line.startsWith('›'));
    const target = frame.split('\n').indexOf(staging ?? '');
    await app.press('j'.repeat(Math.max(0, target - selected)));
    await app.press('\r');
    await waitUntil(() => app?.frame().includes('signature') === true);
    const detail = app.frame();
    expect(detail).toMatch(/cluster\s+staging/);
    expect(detail).toMatch(/EC2 instances\s+ci:d2b00000/);
    expect(detail).not.toContain('i-0prod1');
  });

  it('names instances in the EC2 INSTANCE column by EC2 id when known, else by a labelled container instance id', () => {
    const column = failureColumns((arn) => (arn.endsWith('/known') ? 'i-0abc' : undefined)).find(
      (c) => c.id === 'instances',
    );
    expect(column?.title).toBe('EC2 INSTANCE');
    const known = failedSync('prod', instanceArn('prod', 'known'));
    const gone = failedSync('prod', instanceArn('prod', 'e3f4000000000000'));
    const occurrences = [known, gone].flatMap((task) => taskFailureOccurrence(task, { observedAt: NOW }) ?? []);
    const [group] = groupFailures(occurrences);
    if (!group || !column) throw new Error('expected one group and the column');
    const context = { now: NOW, width: 30, theme: createTheme({ colour: false }) };
    expect(column.value(group, context)).toBe('i-0abc,ci:e3f40000');
  });
});

describe('the Clusters pane across the account', () => {
  it('shows staging (disconnected agent, stuck drain) degraded while prod is in focus, its services never listed', async () => {
    live = await startUi({ rows: 30 });
    const ui = live;
    await ui.waitForFrame((f) => f.includes('staging') && f.includes('prod') && f.includes('batch'));
    await ui.press(':cluster prod\r');
    const stagingLine = (frame: string) =>
      frame
        .split('\n')
        .slice(3)
        .find((line) => / staging /.test(line));
    await ui.waitForFrame((f) => f.includes('Services › prod'));
    await ui.press('1');
    const frame = await ui.waitForFrame((f) => /▲ degraded/.test(stagingLine(f) ?? ''));
    expect(frame).toContain('cluster prod');
    expect(stagingLine(frame)).toMatch(/staging\s+▲ degraded/);
    expect(stagingLine(frame)).toContain('agent disconnected');
    const staging = [...ui.data.store.getState().clusters.values()].find((c) => c.clusterName === 'staging');
    expect(ui.data.monitor.focusedCluster).not.toBe(staging?.clusterArn);
    expect(ui.data.store.getState().meta.get(`services:${staging?.clusterArn}`)).toBeUndefined();
    expect(frame).not.toContain('? unknown');
  });
});
