/**
 * Leaving and answering modals safely, through the keys, against the demo simulator through the real SDK on virtual
 * time: ctrl-c quits from every modal with zero calls, a confirmation is never answered by keys typed in the same
 * chunk as the key that opened it, and marks go once the action that used them has run. The simulator's request log
 * counts the calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MUTATING_OPERATIONS } from '../actions/helpers.ts';
import { startUi, type UiHarness, waitUntil } from './appHarness.tsx';

let app: UiHarness | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The UI with a real runner, watching the prod cluster of the demo scenario. */
async function openProd(): Promise<UiHarness> {
  const started = await startUi({ withActions: true, rows: 40 });
  app = started;
  await started.waitForFrame((f) => f.includes('prod'));
  await started.press(':cluster prod\r');
  const prod = [...started.data.sim.model.state.clusters.values()].find((c) => c.name === 'prod')?.arn;
  await started.runUntil(
    () =>
      ['tasks', 'services', 'instances'].every(
        (feed) => started.data.store.getState().meta.get(`${feed}:${prod}`)?.lastSuccessAt !== undefined,
      ),
    { what: 'the first tasks, services and instances of prod' },
  );
  return started;
}

/** Mutating calls the simulator answered since `sinceSeq`, by operation. */
function mutating(ui: UiHarness, sinceSeq = 0): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of ui.data.sim.server.requestLog.list({ sinceSeq })) {
    if (MUTATING_OPERATIONS.has(entry.operation)) out[entry.operation] = (out[entry.operation] ?? 0) + 1;
  }
  return out;
}

/** Nothing is open in front of the panes. */
function nothingOpen(ui: UiHarness): boolean {
  const { dialog, modal, prompt } = ui.ui.getState();
  return dialog === undefined && modal === undefined && prompt === undefined;
}

/** Closes whatever is open with esc, one thing at a time. */
async function backToPanes(ui: UiHarness): Promise<void> {
  const front = () => [ui.ui.getState().dialog, ui.ui.getState().modal, ui.ui.getState().stack.length];
  while (!nothingOpen(ui) || ui.ui.getState().stack.length > 0) {
    const before = front();
    await ui.press('\u001b');
    await waitUntil(() => front().some((part, index) => part !== before[index]), 3_000, 'esc to close what is open');
  }
}

/** Lets virtual time run on, so a call that was going to be made has been made. */
async function laterOn(ui: UiHarness, ms = 10_000): Promise<void> {
  const until = ui.data.scheduler.now() + ms;
  await ui.runUntil(() => ui.data.scheduler.now() >= until, { what: `${ms} ms of virtual time to pass` });
}

describe('ctrl-c', () => {
  it('in every modal drops it without a call and quits', async () => {
    const ui = await openProd();
    const seq = ui.data.sim.server.requestLog.lastSeq;
    // Each opens a modal, typing into it what a user might have typed before reaching for ctrl-c.
    const modals: [what: string, pane: string, keys: string, isOpen: () => boolean][] = [
      ['the stop confirmation', '4', 's', () => ui.frame().includes('StopTask on 1 task')],
      ['the drain confirmation', '2', 'd', () => ui.frame().includes('status=DRAINING on 1 instance')],
      ['the scale prompt, a count typed', '3', 'S7', () => ui.ui.getState().modal === 'prompt'],
      ['the scale confirmation', '3', ':scale 7\r', () => ui.frame().includes('desiredCount')],
      ['the redeploy confirmation', '3', 'R', () => ui.frame().includes('forceNewDeployment=true')],
      ['the filter', '4', '/web', () => ui.ui.getState().modal === 'filter'],
      ['the command line, a command typed', '3', ':redeploy', () => ui.ui.getState().modal === 'command'],
      ['help', '4', '?', () => ui.ui.getState().modal === 'help'],
    ];
    for (const [what, pane, keys, isOpen] of modals) {
      const exits = ui.exits.length;
      await ui.press(pane);
      await ui.press(keys);
      expect(isOpen(), what).toBe(true);
      await ui.press('\u0003');
      expect(ui.exits.slice(exits), what).toEqual([{ kind: 'quit' }]);
      expect(nothingOpen(ui), what).toBe(true);
      // What the user typed next, thinking it a shell (the harness keeps the app mounted after the exit): at most
      // it opens a view or, with `s` or `a`, a confirmation that drops the rest of the line.
      await ui.press('ls -la\r');
      await backToPanes(ui);
    }
    await laterOn(ui);
    expect(mutating(ui, seq)).toEqual({});
    expect(ui.journal.lines).toEqual([]);
  }, 30_000);
});

describe('a confirmation and the keys typed with the one that opened it', () => {
  it('keys in the same chunk as the opening key answer nothing; a later Enter confirms', async () => {
    const ui = await openProd();
    await ui.press('4');
    await ui.press('/web\r');
    const seq = ui.data.sim.server.requestLog.lastSeq;
    // The opening key, then in the same chunk: y, Enter, a shell command, and (Ink splits a chunk holding an escape
    // sequence into several events) an arrow key before the y.
    for (const chunk of ['sy', 's\r', 'sls -la\r', 'syy\r\r', 's\u001b[By']) {
      await ui.press(chunk);
      expect(ui.ui.getState().dialog?.title, JSON.stringify(chunk)).toContain('StopTask');
      expect(ui.frame()).toContain('typed before this confirmation was on screen');
      await laterOn(ui, 2_000);
      expect(mutating(ui, seq), JSON.stringify(chunk)).toEqual({});
      await ui.press('\u001b');
      await waitUntil(() => ui.ui.getState().dialog === undefined, 3_000, 'esc to close the confirmation');
    }
    // Through the scale prompt: the Enter that takes the count opens the confirmation, the y after it is dropped.
    await ui.press('3');
    await ui.press('/web\r');
    await ui.press('S');
    await ui.press('7\ry');
    expect(ui.ui.getState().dialog?.title).toContain('UpdateService');
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().dialog === undefined, 3_000, 'esc to close the confirmation');
    await laterOn(ui, 2_000);
    expect(mutating(ui, seq)).toEqual({});

    // The dialog on screen, Enter alone in a chunk of its own confirms.
    await ui.press('4');
    await ui.press('s');
    await ui.press('\r');
    await ui.waitForFrame((f) => f.includes('stop requested'), { what: 'the StopTask result' });
    expect(mutating(ui, seq)).toEqual({ StopTask: 1 });
  }, 30_000);
});

describe('marks', () => {
  it('stay when the confirmation is cancelled and go once the action that used them has run', async () => {
    const ui = await openProd();
    await ui.press('4');
    await ui.press('/web\r');
    await ui.press(' j ');
    const marked = [...ui.ui.getState().lists.tasks.marks];
    expect(marked).toHaveLength(2);
    const seq = ui.data.sim.server.requestLog.lastSeq;
    await ui.press('s');
    expect(ui.frame()).toContain('StopTask on 2 tasks');
    await ui.press('\u001b');
    await waitUntil(() => ui.ui.getState().dialog === undefined, 3_000, 'esc to close the confirmation');
    expect([...ui.ui.getState().lists.tasks.marks].sort()).toEqual([...marked].sort());

    await ui.press('s');
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('StopTask done on 2 targets.'), { what: 'the StopTask result' });
    expect(mutating(ui, seq)).toEqual({ StopTask: 2 });
    expect(ui.ui.getState().lists.tasks.marks.size).toBe(0);
    // The next stop plans for the selected row alone (stopping already), not for the set it was part of.
    await ui.press('s');
    expect(ui.frame()).toContain('Stop: 1 task already stopped or stopping; nothing to call.');
    expect(ui.ui.getState().dialog).toBeUndefined();

    // The same for a drain, in the Instances pane.
    await ui.press('2');
    await ui.press(' j ');
    expect(ui.ui.getState().lists.instances.marks.size).toBe(2);
    await ui.press('d');
    await ui.press('y');
    await ui.waitForFrame((f) => f.includes('Drain:'), { what: 'the drain being followed' });
    expect(ui.ui.getState().lists.instances.marks.size).toBe(0);
    expect(mutating(ui, seq)).toEqual({ StopTask: 2, UpdateContainerInstancesState: 1 });
  }, 30_000);
});
