/**
 * Utilisation in a real terminal (tmux): `ecsdeck --demo` reads CloudWatch from its in-process simulator after the
 * first frame, and the Services pane shows CPU and MEM sparklines in their columns (block characters one cell wide,
 * rows no wider than the terminal) with CloudWatch's budget in the header.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/domain/format.ts';
import { ecsdeckCommand, HAS_TMUX, NO_TMUX_REASON, REPO_ROOT, type Size, shellQuote, TmuxTerminal } from './tmux.ts';

const SIZE: Size = { columns: 120, rows: 30 };

let terminal: TmuxTerminal | undefined;
let scratch: string | undefined;
afterEach(() => {
  terminal?.kill();
  terminal = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe.skipIf(!HAS_TMUX)(HAS_TMUX ? 'utilisation in a real terminal' : NO_TMUX_REASON, () => {
  it('--demo: the Services pane of prod shows CPU and MEM sparklines, the header cw against its budget', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-utilisation-'));
    const term = new TmuxTerminal('utilisation');
    terminal = term;
    const script = [
      `cd ${shellQuote(REPO_ROOT)}`,
      `ECSDECK_STATE_DIR=${shellQuote(scratch)} ${ecsdeckCommand(['--demo', '--cluster', 'prod', '--metrics-budget', '2'])}`,
      'exec cat',
    ].join('; ');
    term.start(script, SIZE);
    await term.waitFor((rows) => rows.some((row) => row.includes('prod')), 30_000, 'the first frame');
    term.keys('3');
    const sparkline = /[▁▂▃▄▅▆▇█]{8,} +\d+% [▁▂▃▄▅▆▇█]{8,} +\d+%/;
    const rows = await term.waitFor(
      (screen) =>
        ['web', 'api', 'payments', 'log-router'].every((name) =>
          screen.some((row) => row.includes(` ${name} `) && sparkline.test(row)),
        ),
      30_000,
      'every prod service with CPU and MEM sparklines',
    );
    expect(rows.some((row) => /SERVICE.*CPU +MEM/.test(row))).toBe(true);
    expect(rows.some((row) => /cw \d+\.\d(\/s)? of 2\/s/.test(row))).toBe(true);
    for (const row of rows) expect(displayWidth(row)).toBeLessThanOrEqual(SIZE.columns);
    term.keys('q');
  });
});
