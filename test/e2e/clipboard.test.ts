/**
 * `y` inside tmux as tmux comes out of the box (a private server, `-f /dev/null`: set-clipboard external, no
 * passthrough): the selected row's ARN must end up in tmux's buffer, and the status line says it was copied. tmux
 * ignores an application's own OSC 52 and drops a DCS passthrough in that configuration, so only what tmux really
 * keeps counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { statusRow, waitForFrame } from './ecsdeckScreen.ts';
import { ecsdeckCommand, HAS_TMUX, NO_TMUX_REASON, REPO_ROOT, type Size, shellQuote, TmuxTerminal } from './tmux.ts';

const SIZE: Size = { columns: 120, rows: 40 };

let terminal: TmuxTerminal | undefined;
let stateDirectory: string | undefined;

afterEach(() => {
  terminal?.kill();
  terminal = undefined;
  if (stateDirectory) rmSync(stateDirectory, { recursive: true, force: true });
  stateDirectory = undefined;
});

/** tmux's newest paste buffer, or undefined when it has none. */
function newestBuffer(term: TmuxTerminal): string | undefined {
  try {
    return term.tmux('show-buffer');
  } catch {
    return undefined;
  }
}

describe.skipIf(!HAS_TMUX)(`copying in tmux's default configuration${HAS_TMUX ? '' : ` (${NO_TMUX_REASON})`}`, () => {
  it('y on the selected cluster puts its ARN in the tmux buffer and says it was copied', async () => {
    stateDirectory = mkdtempSync(join(tmpdir(), 'ecsdeck-e2e-clip-'));
    const term = new TmuxTerminal('clipboard');
    terminal = term;
    const script = [
      `cd ${shellQuote(REPO_ROOT)}`,
      `ECSDECK_STATE_DIR=${shellQuote(stateDirectory)} ${ecsdeckCommand(['--demo', '--seed', '1'])}`,
      'exec cat',
    ].join('; ');
    term.start(script, SIZE);
    expect(term.tmux('show-options', '-s', 'set-clipboard').trim()).toBe('set-clipboard external');
    expect(newestBuffer(term)).toBeUndefined();

    const first = await waitForFrame(
      term,
      SIZE,
      (rows) => rows.some((row) => /› (batch|prod|staging)\b/.test(row)),
      'the clusters with one selected',
      25_000,
    );
    const selected = /› (batch|prod|staging)\b/.exec(first.find((row) => /› (batch|prod|staging)\b/.test(row)) ?? '');
    const name = selected?.[1] ?? '';

    term.keys('y');
    const after = await waitForFrame(term, SIZE, (rows) => statusRow(rows).startsWith('Copied '), 'the copy flash');
    expect(newestBuffer(term)).toMatch(new RegExp(`^arn:aws:ecs:[a-z0-9-]+:\\d{12}:cluster/${name}$`));
    expect(statusRow(after)).toMatch(new RegExp(`^Copied arn:aws:ecs:[^ ]+:cluster/${name} \\(tmux buffer`));
  }, 60_000);
});
