/**
 * A new user's first hour, made into checks: the header keeps what matters at 80 columns, the footer always offers
 * help and quit, the app opens on the cluster that needs attention, clusters whose services are not loaded do not
 * claim health, the selected row reads as one highlight, and wide tables give their room where it is needed.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The colour library decides at import: force colour on so the selected row's escape sequences can be read.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '3';
});

import type { Cluster } from '../../src/domain/model.ts';
import { activeScopes, createKeymap } from '../../src/keymap/keymap.ts';
import type { ApiMeta, ResourceMeta } from '../../src/store/store.ts';
import { AppContext, type AppServices } from '../../src/ui/app/context.ts';
import { Dialog } from '../../src/ui/components/Dialog.tsx';
import { footerSpans } from '../../src/ui/components/Footer.tsx';
import { freshnessLine, whereLine } from '../../src/ui/components/Header.tsx';
import { SpanLine } from '../../src/ui/components/SpanLine.tsx';
import { layoutColumns, type Span } from '../../src/ui/components/table.ts';
import { type ClusterRow, initialCluster } from '../../src/ui/panes/clusters.ts';
import { failureColumns } from '../../src/ui/panes/failures.ts';
import { instanceColumns } from '../../src/ui/panes/instances.ts';
import { serviceColumns } from '../../src/ui/panes/services.ts';
import { ThemeContext } from '../../src/ui/theme/context.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { plain, startUi, type UiHarness } from './appHarness.tsx';

const text = (spans: readonly Span[]) => spans.map((span) => span.text).join('');
const ARN = 'arn:aws:ecs:us-east-1:123456789012:cluster/';

let app: UiHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('header at narrow widths', () => {
  const target = {
    endpointKind: 'simulator' as const,
    endpoint: 'http://127.0.0.1:45103',
    region: 'us-east-1',
    profile: 'default',
  };

  it('keeps the cluster (and the banner, read-only) and drops the endpoint URL first', () => {
    const line = text(whereLine({ target, readOnly: true, banner: 'PRODUCTION', clusterName: 'prod' }, 80));
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toBe(' PRODUCTION  ecsdeck · cluster prod  READ-ONLY  · default · us-east-1');
    expect(text(whereLine({ target, readOnly: false, clusterName: 'prod' }, 80))).toBe(
      'ecsdeck profile default · region us-east-1 · cluster prod · simulator',
    );
    // Narrower still: the words go, the cluster stays.
    const narrow = text(whereLine({ target, readOnly: false, clusterName: 'payments-prod' }, 56));
    expect(narrow).toBe('ecsdeck · cluster payments-prod · default · us-east-1');
    // With room, everything, the URL included.
    expect(text(whereLine({ target, readOnly: false, clusterName: 'prod' }, 200))).toBe(
      'ecsdeck profile default · region us-east-1 · cluster prod · simulator http://127.0.0.1:45103',
    );
  });

  it('keeps every data age and the API rate against the budget at 80 columns', () => {
    const fresh: ResourceMeta = { inFlight: false, lastSuccessAt: 1_000 };
    const meta = new Map<string, ResourceMeta>([
      ['clusters', fresh],
      ['services:c', fresh],
      ['tasks:c', fresh],
      ['instances:c', fresh],
      ['stopped:c', fresh],
    ]);
    const api = { ratePerSecond: 1.2, budgetCeiling: 10, throttled: 3, errors: 2 } as ApiMeta;
    const line = text(freshnessLine(meta, api, 'c', 13_000, 80));
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toMatch(/^data cl 12s svc 12s task 12s inst 12s fail 12s /);
    expect(line).toMatch(/API 1\.2 of 10\/s thr 3 err 2$/);
    expect(text(freshnessLine(meta, api, 'c', 13_000, 200))).toContain('data clusters 12s · services 12s');
  });

  it('80x24 on the demo: line 1 names the cluster, line 2 the API rate', async () => {
    app = await startUi({ columns: 80, rows: 24 });
    const frame = await app.waitForFrame((f) => f.includes('cluster prod') && f.includes('API'));
    const [first = '', second = ''] = frame.split('\n');
    expect(first).toContain('cluster prod');
    expect(second).toMatch(/API \d+\.\d\/s of \S+\/s/);
  });
});

describe('footer', () => {
  it('always ends with help and quit, dropping lesser hints first, at 80-120 columns', () => {
    for (const width of [60, 80, 100, 110, 120]) {
      for (const scopes of [
        activeScopes({ pane: 'tasks', detail: false }),
        activeScopes({ pane: 'clusters', detail: true }),
      ]) {
        const line = text(footerSpans(scopes, width, false));
        expect(line.length, `${width}`).toBeLessThanOrEqual(width);
        expect(line, `${width}`).toMatch(/\? help {2}q quit$/);
        expect(line).toContain('j move');
      }
    }
  });

  it('in a detail view, always says how to get back', () => {
    const line = text(footerSpans(activeScopes({ pane: 'instances', detail: true }), 80, false));
    expect(line).toMatch(/^d drain .*esc back {2}\? help {2}q quit$/);
    expect(text(footerSpans(activeScopes({ pane: 'instances', detail: false }), 80, false))).toMatch(
      /\? help {2}q quit$/,
    );
  });

  it('follows the key overrides', () => {
    const keymap = createKeymap({ help: ['h'], quit: ['Q'] });
    const line = text(footerSpans(activeScopes({ pane: 'tasks', detail: false }), 100, false, keymap));
    expect(line).toMatch(/h help {2}Q quit$/);
  });
});

function clusterRow(
  name: string,
  patch: Omit<Partial<ClusterRow>, 'cluster'> & { cluster?: Partial<Cluster> },
): ClusterRow {
  return {
    arn: `${ARN}${name}`,
    name,
    watched: false,
    failuresLastHour: 0,
    health: { level: 'ok', reason: '' },
    ...patch,
    cluster: { clusterArn: `${ARN}${name}`, clusterName: name, status: 'ACTIVE', ...patch.cluster },
  };
}

describe('the cluster the app opens on', () => {
  const rows = [
    clusterRow('batch', {
      failuresLastHour: 7,
      health: { level: 'degraded', reason: '' },
      cluster: { activeServicesCount: 0 },
    }),
    clusterRow('prod', {
      failuresLastHour: 1,
      health: { level: 'degraded', reason: '' },
      cluster: { activeServicesCount: 4 },
    }),
    clusterRow('quiet', {
      failuresLastHour: 0,
      health: { level: 'degraded', reason: '' },
      cluster: { activeServicesCount: 2 },
    }),
    clusterRow('staging', { cluster: { activeServicesCount: 3, pendingTasksCount: 9 } }),
  ];

  it('is the most troubled one with services (worst health, then most failures), unless one is named', () => {
    expect(initialCluster(rows)?.name).toBe('prod');
    expect(initialCluster(rows, 'staging')?.name).toBe('staging');
    expect(initialCluster(rows, `${ARN}batch`)?.name).toBe('batch');
    // No cluster has services: the most troubled of all.
    expect(initialCluster([rows[0] as ClusterRow, clusterRow('idle', {})])?.name).toBe('batch');
  });

  it('on the demo: prod (services, a crash loop), not batch (first by name, no services), selected in Clusters', async () => {
    app = await startUi({ columns: 80, rows: 24 });
    await app.waitForFrame((f) => f.includes('cluster prod'));
    const prod = [...app.data.store.getState().clusters.values()].find((c) => c.clusterName === 'prod');
    expect(app.ui.getState().cluster).toBe(prod?.clusterArn);
    expect(
      app
        .frame()
        .split('\n')
        .find((line) => line.startsWith('›')),
    ).toContain('prod');
    await app.press('3');
    const frame = await app.waitForFrame((f) => f.includes('payments'));
    expect(frame).not.toContain('nothing here');
  });
});

describe('the selected row', () => {
  it('is one highlight from end to end: no cell keeps its own colour or resets the inverse', () => {
    const spans: Span[] = [
      { text: '› ', tone: 'accent' },
      { text: 'web ' },
      { text: '✓ ok ', tone: 'ok' },
      { text: '3 failed', tone: 'error' },
      { text: ' IN_PROGRESS 50%', tone: 'warn' },
    ];
    const theme = createTheme({ colour: true });
    const selected = render(
      <ThemeContext.Provider value={theme}>
        <SpanLine spans={spans} width={60} lineTone="selection" />
      </ThemeContext.Provider>,
    );
    const frame = selected.lastFrame() ?? '';
    expect(frame).toContain('› web ✓ ok 3 failed IN_PROGRESS 50%');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences are what is checked
    const sequences = frame.match(/\u001b\[[0-9;]*m/g) ?? [];
    expect(sequences[0]).toBe('\u001b[7m');
    // Only the inverse and its end: no colour in between, no reset that would cut the highlight.
    expect(sequences.slice(1).every((sequence) => sequence === '\u001b[27m')).toBe(true);
    selected.unmount();
    // Off the selection, the cells keep their tones.
    const plainRow = render(
      <ThemeContext.Provider value={theme}>
        <SpanLine spans={spans} width={60} />
      </ThemeContext.Provider>,
    );
    expect(plainRow.lastFrame()).toContain('\u001b[32m');
    plainRow.unmount();
  });
});

describe('the Services table on a wide terminal', () => {
  it('gives TASK DEF at least as much room as SERVICE, and keeps TASK DEF at 80 columns', () => {
    const widthOf = (width: number, id: string) =>
      layoutColumns(serviceColumns(false), width).columns.find((c) => c.column.id === id)?.width;
    const taskDef = widthOf(200, 'taskdef') ?? 0;
    const name = widthOf(200, 'name') ?? 0;
    expect(taskDef).toBeGreaterThanOrEqual(name);
    expect(taskDef).toBeGreaterThanOrEqual(40);
    expect(name).toBeLessThanOrEqual(50);
    expect(widthOf(80, 'taskdef')).toBeGreaterThanOrEqual(14);
  });
});

describe('narrow tables keep what answers the question', () => {
  it('Instances at 80 columns: the task count and the drain column stay; Failures: groups are told apart', () => {
    const ids = (columns: Parameters<typeof layoutColumns>[0], width: number) =>
      layoutColumns(columns, width).columns.map((c) => c.column.id);
    expect(ids(instanceColumns(), 80)).toEqual(expect.arrayContaining(['ec2', 'status', 'agent', 'tasks', 'drain']));
    for (const width of [80, 100]) {
      const failures = layoutColumns(
        failureColumns((arn) => arn),
        width,
      ).columns;
      expect(failures.find((c) => c.column.id === 'group')?.width).toBeGreaterThanOrEqual(18);
      // "EssentialContainerExited · exit 137 …": the exit code must not be cut off.
      expect(failures.find((c) => c.column.id === 'signature')?.width).toBeGreaterThan(36);
    }
    // The Failures pane of the 120-column wide layout: the signature shrinks, first and last seen stay.
    const narrowPane = layoutColumns(
      failureColumns((arn) => arn),
      65,
    ).columns.map((c) => c.column.id);
    expect(narrowPane).toEqual(['group', 'count', 'signature', 'first', 'last']);
  });
});

describe('the confirmation dialog', () => {
  it('names the keys that decide as the keymap has them, overrides included', () => {
    const dialog = { title: 'StopTask on 1 task', lines: [[{ text: 'task abc' }]], onConfirm: () => {} };
    const draw = (keymap?: ReturnType<typeof createKeymap>) => {
      const services = { ...(keymap ? { keymap } : {}) } as unknown as AppServices;
      const rendered = render(
        <AppContext.Provider value={services}>
          <ThemeContext.Provider value={createTheme({ colour: false })}>
            <Dialog dialog={dialog} width={70} height={8} />
          </ThemeContext.Provider>
        </AppContext.Provider>,
      );
      const frame = plain(rendered.lastFrame() ?? '');
      rendered.unmount();
      return frame;
    };
    expect(draw()).toContain('y/enter confirm   n/esc cancel, nothing is called');
    expect(draw(createKeymap({ confirm: ['Y'], cancel: ['N', 'esc'] }))).toContain(
      'Y confirm   N/esc cancel, nothing is called',
    );
  });
});
