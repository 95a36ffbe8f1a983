/**
 * CloudWatch utilisation on screen, over the real SDKs against the simulator's demo: the Services pane's CPU and
 * MEM sparklines (payments' memory at its limit while its release is OOM-killed), the header's CloudWatch budget,
 * the service detail's 1 h and 6 h charts, Container Insights in the task detail (or plainly why not), and a
 * refusal said in one sentence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPaneTables } from '../../src/ui/panes/registry.ts';
import { type ServiceRow, utilisationCell } from '../../src/ui/panes/services.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { startUi, type UiHarness } from './appHarness.tsx';

let app: UiHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The frame's row of a service in the Services pane. */
const rowOf = (frame: string, service: string) =>
  frame
    .split('\n')
    .find((line) => new RegExp(`^. ${service}\\b`).test(line.trimStart()) || line.includes(` ${service} `));

const BLOCKS = /[▁▂▃▄▅▆▇█]{5,}/;

describe('utilisation in the Services pane', () => {
  it('shows CPU and MEM sparklines for the demo services, payments memory at the limit, and the CloudWatch budget', async () => {
    app = await startUi({ metrics: true, columns: 120, rows: 30 });
    await app.waitForFrame((f) => f.includes('staging'));
    await app.press(':cluster prod\r3');
    let frame = await app.waitForFrame(
      (f) => f.includes('CPU') && f.includes('MEM') && BLOCKS.test(rowOf(f, 'web') ?? ''),
      { what: 'the web row with a sparkline' },
    );
    for (const service of ['web', 'api', 'payments']) {
      expect(rowOf(frame, service), `${service} row`).toMatch(BLOCKS);
      expect(rowOf(frame, service)).toMatch(/\d+%/);
    }
    // The title: what prod's running tasks reserve of its instances (CPUReservation, MemoryReservation).
    expect(frame).toMatch(/cluster prod · 4\/4 · reserved CPU \d+% MEM \d+%/);
    // The header: CloudWatch's rate against its own budget, beside ECS's.
    expect(frame).toMatch(/cw \d+\.\d(\/s)? of 1\/s/);
    // A few minutes in, payments' release is OOM-killed: its busiest task's memory reaches the limit (a full block).
    frame = await app.waitForFrame((f) => (rowOf(f, 'payments') ?? '').split('%')[1]?.includes('█') === true, {
      what: 'a full block in the payments MEM sparkline',
      deadlineMs: 25_000,
    });
    const payments = rowOf(frame, 'payments') ?? '';
    const web = rowOf(frame, 'web') ?? '';
    const [, paymentsMemory = ''] = payments.split('%');
    const [, webMemory = ''] = web.split('%');
    expect(paymentsMemory).toContain('█');
    expect(webMemory).not.toContain('█');
    // And it is the story the warning tone tells: payments had tasks OOM-killed and its memory climbed to the limit.
    const { store } = app.data;
    const ui = app.ui;
    const tables = createPaneTables(createTheme({ colour: true }));
    const paymentsMemoryTone = () => {
      const table = tables.paneTable('services', store.getState(), ui.getState());
      const row = (table.items as ServiceRow[]).find((item) => item.name === 'payments');
      const options = { ascii: false, oomRecently: row?.oomRecently === true };
      const cell = utilisationCell(row?.utilisation, 'memory', 16, options);
      return typeof cell === 'object' && 'spans' in cell ? cell.spans[0]?.tone : undefined;
    };
    await app.runUntil(() => paymentsMemoryTone() === 'warn', {
      what: 'the payments MEM sparkline in the warning tone',
      deadlineMs: 20_000,
    });
  });

  it('draws a memory climb with a recent OOM kill in the warning tone, memory at 90 % or more in the error tone', () => {
    const theme = createTheme({ colour: true });
    const minute = 60_000;
    const climbing = [30, 32, 35, 60, 85, 99].map((value, index) => ({ at: index * minute, value }));
    const cell = utilisationCell({ cpu: [], memory: climbing, fetched: true }, 'memory', 16, {
      ascii: theme.ascii,
      oomRecently: true,
    });
    const spansOf = (value: ReturnType<typeof utilisationCell>) =>
      typeof value === 'object' && 'spans' in value ? value.spans : [];
    expect(spansOf(cell)[0]).toEqual({ text: '     ▃▃▃▅▇█', tone: 'warn' });
    const withoutOom = utilisationCell({ cpu: [], memory: climbing, fetched: true }, 'memory', 16, { ascii: false });
    expect(spansOf(withoutOom).map((span) => span.tone)).toEqual(['error', undefined, 'error']);
    // A failed read after good ones: the last good line dimmed, a cross for the value.
    const stale = utilisationCell(
      { cpu: [], memory: climbing, problem: 'CloudWatch is throttling GetMetricData.' },
      'memory',
      16,
      {
        ascii: false,
      },
    );
    expect(spansOf(stale)).toEqual([
      { text: '     ▃▃▃▅▇█', tone: 'muted' },
      { text: ' ' },
      { text: '   ✗', tone: 'error' },
    ]);
    expect(utilisationCell({ cpu: [], memory: [], fetched: true }, 'cpu', 16, { ascii: false })).toEqual({
      text: 'no data',
      tone: 'muted',
    });
  });
});

describe('utilisation in the detail views', () => {
  it('the service detail charts 1 h and 6 h; a prod task shows Container Insights, a staging task says it is off', async () => {
    app = await startUi({ metrics: true, columns: 120, rows: 60 });
    await app.waitForFrame((f) => f.includes('staging'));
    await app.press(':cluster prod\r3');
    await app.waitForFrame((f) => BLOCKS.test(rowOf(f, 'web') ?? ''), { what: 'web with a sparkline' });
    await app.press('/web\r\r');
    let frame = await app.waitForFrame((f) => f.includes('MEM max task, 6 h') && BLOCKS.test(f), {
      what: 'the service detail with its charts',
    });
    expect(frame).toContain('Utilisation (CloudWatch, AWS/ECS)');
    expect(frame).toMatch(/CPU avg, 1 h\s+ *[▁▂▃▄▅▆▇█ ]+ \d+%/);
    expect(frame).toMatch(/CPU avg, 6 h\s+ *[▁▂▃▄▅▆▇█ ]+/);

    // A running web task of prod (Container Insights enabled).
    await app.press('\u001b\u001b4');
    await app.press('/web\r');
    await app.waitForFrame((f) => f.includes('web:1') && f.includes('RUNNING'), { what: 'web tasks listed' });
    await app.press('\r');
    frame = await app.waitForFrame((f) => f.includes('Container Insights') && /of 256 CPU units/.test(f), {
      what: 'the task detail with Container Insights',
    });
    expect(frame).toMatch(/memory, 1 h\s+ *[▁▂▃▄▅▆▇█ ]+ \d+ of 512 MiB \(\d+%\)/);

    // staging has no Container Insights: said plainly.
    await app.press('\u001b\u001b:cluster staging\r4');
    await app.waitForFrame((f) => f.includes('cluster staging') && f.includes('RUNNING'), { what: 'staging tasks' });
    await app.press('/orders\r\r');
    frame = await app.waitForFrame((f) => f.includes('Container Insights is not enabled on cluster staging'), {
      what: 'the staging task detail saying Container Insights is off',
    });
    expect(frame).not.toMatch(/CPU units/);
  });

  it('says in one sentence that CloudWatch refused, and the rest of the app goes on', async () => {
    app = await startUi({
      metrics: true,
      columns: 120,
      rows: 40,
      faults: {
        errors: [{ operation: 'GetMetricData', type: 'AccessDeniedException', message: 'not authorized' }],
      },
    });
    await app.press(':cluster prod\r3');
    await app.waitForFrame((f) => (rowOf(f, 'web') ?? '').includes('✗ denied'), { what: 'web: denied' });
    await app.press('/web\r\r');
    const frame = await app.waitForFrame((f) => f.includes('Deployments') && f.includes('CloudWatch refused'), {
      what: 'the sentence in the service detail',
    });
    expect(frame).toContain(
      '✗ CloudWatch refused GetMetricData: your IAM policy does not allow cloudwatch:GetMetricData.',
    );
  });

  it('says a service has no datapoints yet where no task of it has run', async () => {
    app = await startUi({ metrics: true, columns: 120, rows: 40 });
    app.data.sim.model.createService({
      cluster: 'staging',
      serviceName: 'idle',
      taskDefinition: 'orders:1',
      desiredCount: 0,
    });
    await app.waitForFrame((f) => f.includes('staging'));
    await app.press(':cluster staging\r3');
    await app.waitForFrame((f) => (rowOf(f, 'idle') ?? '').includes('no data'), { what: 'idle: no data' });
    await app.press('/idle\r\r');
    const frame = await app.waitForFrame((f) => f.includes('Utilisation (CloudWatch'), { what: 'the idle detail' });
    expect(frame).toContain('no datapoints yet: CloudWatch has none for this service');
  });
});
