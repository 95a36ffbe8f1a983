/** The frame fits the terminal at 120x40 and 80x24, both layouts are usable, and a resize redraws to the new size. */
import { afterEach, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/format.ts';
import { startUi, type UiHarness } from './appHarness.tsx';

let app: UiHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function expectFits(frame: string, columns: number, rows: number): void {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows);
  const tooWide = lines.filter((line) => displayWidth(line) > columns);
  expect(tooWide).toEqual([]);
}

describe('layouts', () => {
  it('120x40: Clusters, Failures and the cluster pane in front show at once; Tab moves the focus', async () => {
    app = await startUi({ columns: 120, rows: 40, resizable: true });
    let frame = await app.waitForFrame((f) => f.includes('payments') && f.includes('service:'), 60_000);
    expectFits(frame, 120, 40);
    for (const title of [' Clusters ', ' Failures ', ' Services ']) expect(frame).toContain(title);
    expect(frame.split('\n')).toHaveLength(40);
    await app.press('\t\t\t');
    frame = app.frame();
    expect(app.ui.getState().pane).toBe('tasks');
    expect(frame).toContain(' Tasks ');
    expect(frame).toContain(' Clusters ');
    expectFits(frame, 120, 40);

    // Narrower than the wide layout allows: one pane fills the body, and nothing is drawn a line off.
    await app.resize(80, 24);
    frame = await app.waitForFrame((f) => f.split('\n').length === 24);
    expectFits(frame, 80, 24);
    expect(frame).not.toContain(' Clusters ');
    expect(frame).toContain(' Tasks ');
    await app.resize(120, 40);
    frame = await app.waitForFrame((f) => f.split('\n').length === 40);
    expectFits(frame, 120, 40);
    expect(frame).toContain(' Clusters ');
  });

  it('80x24: one pane fills the body, 1-5 switch, every pane fits', async () => {
    app = await startUi({ columns: 80, rows: 24 });
    await app.waitForFrame((f) => f.includes('staging'));
    await app.press(':cluster prod\r');
    await app.waitForFrame((f) => f.includes('payments'));
    for (const [key, title] of [
      ['1', 'Clusters'],
      ['2', 'Instances'],
      ['3', 'Services'],
      ['4', 'Tasks'],
      ['5', 'Failures'],
    ] as const) {
      await app.press(key);
      const frame = app.frame();
      expectFits(frame, 80, 24);
      expect(frame.split('\n')[3]).toContain(` ${title} `);
      const others = ['Clusters', 'Instances', 'Services', 'Tasks', 'Failures'].filter((t) => t !== title);
      for (const other of others) expect(frame.split('\n').slice(3).join('\n')).not.toContain(` ${other} `);
    }
    await app.press('4\r');
    const detail = app.frame();
    expectFits(detail, 80, 24);
    expect(detail).toContain('Lifecycle');
    await app.press('?');
    expectFits(app.frame(), 80, 24);
    expect(app.frame()).toContain('Help:');
  });
});
