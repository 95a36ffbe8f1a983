/**
 * Rendering only what changed: a tick of the clock re-renders only what it changes on screen, a poll only the rows
 * whose entity changed, and a screen on which nothing changes draws no frame. Counted from React's commits
 * (renderCounter.ts) on the app over a store filled by hand, on a virtual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/domain/model.ts';
import { setApiMeta, updateMeta, upsertTasks } from '../../src/store/store.ts';
import { setMetricsApi, setServiceUtilisation } from '../../src/store/utilisation.ts';
import { flash } from '../../src/ui/app/uiStore.ts';
import { steadyRate } from '../../src/ui/components/Header.tsx';
import { installRenderCounter, type RenderCounter } from './renderCounter.ts';
import { CLUSTER, makeTask, NOW, startSynthetic } from './synthetic.tsx';

let counter: RenderCounter;
let app: ReturnType<typeof startSynthetic> | undefined;

beforeEach(() => {
  counter = installRenderCounter();
});

afterEach(() => {
  app?.close();
  app = undefined;
  counter.uninstall();
});

const FEEDS = ['clusters', `services:${CLUSTER}`, `tasks:${CLUSTER}`, `instances:${CLUSTER}`, `stopped:${CLUSTER}`];

/** Every feed of the header refreshed at `at`. */
function refreshedAt(store: ReturnType<typeof startSynthetic>['store'], at: number): void {
  for (const feed of FEEDS) updateMeta(store, feed, { lastSuccessAt: at, inFlight: false });
}

/** Advances the virtual clock second by second (the app's clock ticks on each), letting React commit after each. */
async function seconds(count: number): Promise<void> {
  if (!app) throw new Error('no app');
  for (let i = 0; i < count; i++) {
    await app.scheduler.advance(1_000);
    await app.settle();
  }
}

describe('render only what changed', () => {
  it('a clock tick that changes nothing on screen renders no component and draws no frame', async () => {
    // Tasks older than a day: their ages show whole days, their bars fill the window; nothing moves in 30 s.
    const old = NOW - 3 * 86_400_000;
    app = startSynthetic({ tasks: [makeTask('a', { createdAt: old, startedAt: old })] }, { columns: 120, rows: 40 });
    refreshedAt(app.store, NOW);
    await app.settle();
    await app.press('3');
    const frames = app.rendered.frames.length;
    counter.reset();
    await seconds(30);
    expect(counter.counts()).toEqual({});
    expect(app.rendered.frames.length).toBe(frames);
  });

  it('a refresh that changes one task re-renders its row and the table, not the header, path, status or footer', async () => {
    const tasks = Array.from({ length: 20 }, (_, index) => makeTask(`t${String(index).padStart(2, '0')}`));
    app = startSynthetic({ tasks }, { columns: 120, rows: 40 });
    await app.settle();
    await app.press('4');
    await app.settle();
    counter.reset();
    const changed = tasks[3];
    if (!changed) throw new Error('no task');
    upsertTasks(app.store, [{ ...changed, lastStatus: 'DEACTIVATING', version: 9 }], NOW);
    await app.settle();
    const counts = counter.counts();
    expect(counts.Row).toBe(1);
    for (const untouched of ['Header', 'Breadcrumbs', 'StatusLine', 'Footer', 'Screen', 'SafePane']) {
      expect(counts[untouched], untouched).toBeUndefined();
    }
    expect(app.frame()).toContain('DEACTIVATING');
  });

  it('a row whose age the tick changes re-renders alone, with the new age', async () => {
    app = startSynthetic(
      {
        tasks: [
          makeTask('young', { createdAt: NOW - 20_000, startedAt: NOW - 20_000 }),
          makeTask('old', { createdAt: NOW - 3 * 86_400_000, startedAt: NOW - 3 * 86_400_000 }),
        ],
      },
      { columns: 120, rows: 40 },
    );
    await app.press('4');
    expect(app.frame()).toMatch(/\s20s\s/);
    counter.reset();
    await seconds(1);
    expect(app.frame()).toMatch(/\s21s\s/);
    expect(counter.counts().Row).toBe(1);
    expect(counter.counts().Header).toBeUndefined();
  });

  it('the header says fresh feeds are ok without counting seconds, and ages them in minutes once stale', async () => {
    app = startSynthetic({ tasks: [makeTask('a')] }, { columns: 120, rows: 40 });
    refreshedAt(app.store, NOW);
    await app.settle();
    expect(app.frame()).toContain('data clusters ok · services ok · tasks ok · instances ok · failures ok');
    counter.reset();
    await seconds(59);
    expect(counter.counts().Header).toBeUndefined();
    await seconds(1);
    expect(app.frame()).toContain('data clusters 1m · services 1m · tasks 1m');
    expect(counter.counts().Header).toBe(1);
  });

  it('a flash goes when its time is up: the status line follows the clock only for that', async () => {
    app = startSynthetic({ tasks: [makeTask('a')] });
    await app.settle();
    flash(app.ui, 'Copied the ARN');
    await app.settle();
    expect(app.frame()).toContain('Copied the ARN');
    counter.reset();
    await seconds(5);
    expect(app.frame()).toContain('Copied the ARN');
    expect(counter.counts().StatusLine).toBeUndefined();
    await seconds(1);
    expect(app.frame()).not.toContain('Copied the ARN');
    expect(counter.counts().StatusLine).toBe(1);
  });

  it('rows showing minutes redraw together at the turn of the minute, not each at its own second', async () => {
    // NOW is the start of a minute: ages 1m30s and 1m40s reach 2m at 30 s and 20 s past it, each at its own second.
    app = startSynthetic(
      {
        tasks: [
          makeTask('aaaa', { createdAt: NOW - 90_000, startedAt: NOW - 90_000 }),
          makeTask('bbbb', { createdAt: NOW - 100_000, startedAt: NOW - 100_000 }),
        ],
      },
      { columns: 120, rows: 40 },
    );
    await app.press('4');
    const ages = () =>
      app
        ?.frame()
        .split('\n')
        .filter((line) => /aaaa|bbbb/.test(line))
        .map((line) => /\s(\dm)\s/.exec(line)?.[1]);
    expect(ages()).toEqual(['1m', '1m']);
    const frames = app.rendered.frames.length;
    counter.reset();
    await seconds(59);
    expect(ages()).toEqual(['1m', '1m']);
    expect(counter.counts().Row).toBeUndefined();
    expect(app.rendered.frames.length).toBe(frames);
    await seconds(1);
    expect(ages()).toEqual(['2m', '2m']);
    // Both rows in the one frame of that minute (with the other panes' rows, redrawn to the minute too).
    expect(counter.counts().Row).toBeGreaterThanOrEqual(2);
    expect(app.rendered.frames.length).toBe(frames + 1);
  });

  it('the API rate in the header holds for 10 s through the swings between polls, and shows at once near the budget', async () => {
    const shown: { current: { rate: number; at: number } | undefined } = { current: undefined };
    const seen = [
      [0, 1.3],
      [1_000, 1.5],
      [2_000, 4],
      [10_000, 4],
      [11_000, 0],
      [12_000, 8.5],
      [13_000, 8.6],
    ].map(([at = 0, rate = 0]) => steadyRate(shown, rate, 10, at));
    expect(seen).toEqual([1.3, 1.3, 1.3, 4, 0, 8.5, 8.6]);
    app = startSynthetic({ tasks: [makeTask('a')] });
    const api = { total: 0, throttled: 0, errors: 0, budgetCeiling: 10, budgetEffective: 10, byOperation: {} };
    setApiMeta(app.store, { ...api, ratePerSecond: 1.3 });
    await app.settle();
    expect(app.frame()).toContain('API 1.3/s of 10/s');
    counter.reset();
    for (const rate of [1.5, 1.2, 1.4]) {
      setApiMeta(app.store, { ...api, ratePerSecond: rate });
      await app.settle();
    }
    expect(app.frame()).toContain('API 1.3/s of 10/s');
    expect(counter.counts().Header).toBeUndefined();
    // Once the hold is over, the latest rate shows; the next change waits for its own hold.
    await seconds(10);
    expect(app.frame()).toContain('API 1.4/s of 10/s');
    setApiMeta(app.store, { ...api, ratePerSecond: 2.4 });
    await app.settle();
    expect(app.frame()).toContain('API 1.4/s of 10/s');
    await seconds(10);
    expect(app.frame()).toContain('API 2.4/s of 10/s');
  });

  it('a task detail re-renders when its task changes, not on an API call or a refresh of another feed', async () => {
    const old = NOW - 3 * 86_400_000;
    app = startSynthetic(
      { tasks: [makeTask('a', { createdAt: old, startedAt: old }), makeTask('b', { createdAt: old, startedAt: old })] },
      { columns: 120, rows: 40 },
    );
    refreshedAt(app.store, NOW);
    await app.press('4\r');
    expect(app.frame()).toContain('Lifecycle');
    counter.reset();
    const api = { total: 1, throttled: 0, errors: 0, ratePerSecond: 0.1, budgetCeiling: 10, budgetEffective: 10 };
    setApiMeta(app.store, { ...api, byOperation: {} });
    await app.settle();
    updateMeta(app.store, `tasks:${CLUSTER}`, { lastSuccessAt: NOW + 1_000, inFlight: false });
    await app.settle();
    expect(counter.counts().DetailView).toBeUndefined();
    upsertTasks(
      app.store,
      [makeTask('a', { createdAt: old, startedAt: old, lastStatus: 'DEACTIVATING', version: 9 })],
      NOW,
    );
    await app.settle();
    expect(counter.counts().DetailView).toBe(1);
    expect(app.frame()).toContain('DEACTIVATING');
  });

  it('a refresh that brings nothing new renders nothing: "in flight" and a fresh success say the same "ok"', async () => {
    app = startSynthetic({ tasks: [makeTask('a')] }, { columns: 120, rows: 40 });
    refreshedAt(app.store, NOW);
    await app.press('4');
    const frames = app.rendered.frames.length;
    counter.reset();
    for (const feed of FEEDS) {
      updateMeta(app.store, feed, { inFlight: true });
      await app.settle();
      updateMeta(app.store, feed, { inFlight: false, lastSuccessAt: NOW + 1 });
      await app.settle();
    }
    expect(counter.counts()).toEqual({});
    expect(app.rendered.frames.length).toBe(frames);
  });

  it('a CloudWatch refresh that changes one service re-renders its row alone; the same readings render nothing', async () => {
    const service = (name: string): Service => ({
      serviceArn: `arn:aws:ecs:us-east-1:123456789012:service/${CLUSTER.split('/').pop()}/${name}`,
      serviceName: name,
      clusterArn: CLUSTER,
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0,
    });
    const services = ['alpha', 'beta', 'gamma'].map(service);
    app = startSynthetic({ services }, { columns: 120, rows: 40 });
    const readings = (value: number) => [
      { at: NOW - 120_000, value },
      { at: NOW - 60_000, value },
    ];
    setMetricsApi(app.store, { ratePerSecond: 0, budgetCeiling: 1, throttled: 0, errors: 0 });
    setServiceUtilisation(
      app.store,
      new Map(services.map((s) => [s.serviceArn, { cpu: readings(20), memory: readings(40), fetched: true }])),
    );
    await app.settle();
    await app.press('3');
    await app.settle();
    expect(app.frame()).toContain('MEM');
    counter.reset();
    const [, beta] = services;
    if (!beta) throw new Error('no service');
    setServiceUtilisation(
      app.store,
      new Map([[beta.serviceArn, { cpu: readings(70), memory: readings(40), fetched: true }]]),
    );
    await app.settle();
    const counts = counter.counts();
    expect(counts.Row).toBe(1);
    for (const untouched of ['Header', 'Breadcrumbs', 'StatusLine', 'Footer', 'Screen', 'SafePane']) {
      expect(counts[untouched], untouched).toBeUndefined();
    }
    expect(app.frame()).toMatch(/beta .* 70%/);
    counter.reset();
    // The next minute's refresh with the same readings (new objects, equal values) draws nothing.
    setServiceUtilisation(
      app.store,
      new Map(
        services.map((s) => [
          s.serviceArn,
          { cpu: readings(s === beta ? 70 : 20), memory: readings(40), fetched: true },
        ]),
      ),
    );
    await app.settle();
    expect(counter.counts()).toEqual({});
  });
});
