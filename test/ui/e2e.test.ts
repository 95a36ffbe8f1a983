/**
 * Whole-screen tests in a real terminal (tmux): launch `ecsdeck --demo`, go by keys into a failing task's detail, compare
 * the screen with what it must show, resize and compare again, quit and check the terminal is restored.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/format.ts';

const root = resolve(import.meta.dirname, '..', '..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `ecsdeck-e2e-${process.pid}`;
const socket = ['-L', session];

function tmux(...args: string[]): string {
  return execFileSync('tmux', [...socket, ...args], { encoding: 'utf8' });
}

function screen(): string {
  return tmux('capture-pane', '-p', '-t', session);
}

async function waitForScreen(done: (text: string) => boolean, deadlineMs = 20_000): Promise<string> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    const text = screen();
    if (done(text)) return text;
    // The app ended (or never started): say what the terminal shows rather than wait for the deadline.
    if (text.includes('AFTER-EXIT')) throw new Error(`ecsdeck exited; the screen:\n${text}`);
    if (performance.now() > deadline) throw new Error(`screen never matched; last screen:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function keys(...sequence: string[]): void {
  tmux('send-keys', '-t', session, ...sequence);
}

function visibleLines(text: string): string[] {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe.skipIf(!hasTmux)('the whole screen in tmux', () => {
  let stateDir = '';
  beforeAll(() => {
    // The real CLI on the pinned Node 22, with its flight recorder in a throwaway directory.
    stateDir = mkdtempSync(join(tmpdir(), 'ecsdeck-e2e-'));
    const bin = join(root, 'node_modules', '.bin');
    const command = [
      `cd ${root}`,
      'echo BEFORE-MARKER',
      `PATH=${bin}:$PATH ECSDECK_STATE_DIR=${stateDir} COLUMNS= LINES= tsx src/cli.ts --demo; echo AFTER-EXIT $?`,
      'sleep 60',
    ].join(' && ');
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', 'sh', '-c', command);
  });
  afterAll(() => {
    spawnSync('tmux', [...socket, 'kill-server']);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('120x40: goes by keys into a failing task and shows its stop; resizes to 80x24; quits cleanly', async () => {
    let text = await waitForScreen((t) => t.includes('staging') && t.includes('prod'));
    expect(text).not.toContain('BEFORE-MARKER');
    keys(':cluster prod', 'Enter', '5');
    text = await waitForScreen((t) => /service:payments\s+\d+\s+EssentialContainerExited/.test(t));
    const fits = (t: string, columns: number, rows: number) => {
      const lines = visibleLines(t);
      expect(lines.length).toBeLessThanOrEqual(rows);
      expect(lines.filter((line) => displayWidth(line) > columns)).toEqual([]);
    };
    fits(text, 120, 40);
    // Select the payments group and open it, then its newest task.
    const rows = text.split('\n');
    const target = rows.findIndex((l) => /service:payments\s+\d+\s+EssentialContainerExited.*137/.test(l));
    const selected = rows.findIndex((l) => l.includes('›') && l.includes('service:'));
    for (let i = 0; i < target - selected; i++) keys('j');
    keys('Enter');
    text = await waitForScreen((t) => t.includes('cause              out-of-memory'));
    keys('Enter');
    text = await waitForScreen((t) => t.includes('Lifecycle'));
    fits(text, 120, 40);
    const taskId = /^task\s+([0-9a-f]{32})/m.exec(text)?.[1];
    expect(taskId).toBeDefined();
    // The breadcrumbs name the same task (cut to the width when they must be).
    expect(text.split('\n')[2]).toContain(`task ${taskId?.slice(0, 12)}`);
    expect(text).toContain('payments:2');
    expect(text).toMatch(/stop code\s+EssentialContainerExited/);
    expect(text).toContain('exit 137');

    tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
    text = await waitForScreen(
      // Ink lays out the old tree once at the new size before React hears of the resize; the next frame replaces it.
      (t) =>
        visibleLines(t).length <= 24 && /^ecsdeck /.test(t) && t.includes('Lifecycle') && !t.includes('  1 Clusters'),
    );
    fits(text, 80, 24);
    expect(text).toMatch(new RegExp(`^task\\s+${taskId}`, 'm'));
    // The header is still on the first line and the footer on the last: nothing drawn a line off, no stale rows.
    expect(text.split('\n')[0]).toMatch(/^ecsdeck /);
    expect(visibleLines(text).at(-1)).toMatch(/move\s+enter open/);

    keys('q');
    text = await waitForScreen((t) => t.includes('AFTER-EXIT'));
    expect(text).toContain('BEFORE-MARKER');
    expect(text).toContain('AFTER-EXIT 0');
    expect(text).not.toContain('ecsdeck profile');
  });
});
