/**
 * ecsdeck in a real terminal (tmux), on a custom endpoint (the demo simulator that does not say it is one, so it
 * gets a real account's recorder), with a flight recorder that cannot work: the status line says so in
 * one line, the app goes on, and `q` exits at once. Under /proc, Node's recursive mkdir never returns (it retries
 * on a pool thread at full CPU), which used to hang the quit behind the recorder's flush.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOM_ENDPOINT_ENV, type CustomEndpoint, startCustomEndpoint } from '../support/customEndpoint.ts';
import { statusRow } from './ecsdeckScreen.ts';
import { ecsdeckCommand, HAS_TMUX, NO_TMUX_REASON, REPO_ROOT, type Size, shellQuote, TmuxTerminal } from './tmux.ts';

const SIZE: Size = { columns: 160, rows: 30 };
const EXIT_MARKER = 'EXIT-STATUS=';

let terminal: TmuxTerminal | undefined;
let scratch: string | undefined;
let endpoint: CustomEndpoint | undefined;

afterEach(async () => {
  terminal?.kill();
  terminal = undefined;
  await endpoint?.close();
  endpoint = undefined;
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

async function launch(stateDirectory: string): Promise<TmuxTerminal> {
  endpoint = await startCustomEndpoint();
  const term = new TmuxTerminal('recorder');
  terminal = term;
  const variables = Object.entries({ ...CUSTOM_ENDPOINT_ENV, ECSDECK_STATE_DIR: stateDirectory })
    .map(([name, value]) => `${name}=${shellQuote(value)}`)
    .join(' ');
  const script = [
    `cd ${shellQuote(REPO_ROOT)}`,
    `${variables} ${ecsdeckCommand(['--endpoint-url', endpoint.url, '--region', 'us-east-1'])}`,
    `printf '${EXIT_MARKER}%s\\n' "$?"`,
    'exec cat',
  ].join('; ');
  term.start(script, SIZE);
  return term;
}

async function quits(term: TmuxTerminal): Promise<void> {
  term.keys('q');
  const rows = await term.waitFor(
    (screen) => screen.some((row) => row.startsWith(EXIT_MARKER)),
    10_000,
    'the shell after q',
  );
  expect(rows.find((row) => row.startsWith(EXIT_MARKER))).toBe(`${EXIT_MARKER}0`);
}

describe.skipIf(!HAS_TMUX)(HAS_TMUX ? 'a flight recorder that cannot work' : NO_TMUX_REASON, () => {
  it('a state directory under /proc: one line on the status bar, the clusters still show, q exits', async () => {
    const path = `/proc/ecsdeck-e2e-${process.pid}/state`;
    const term = await launch(path);
    const rows = await term.waitFor(
      (screen) => statusRow(screen).includes('Flight recorder off') && screen.some((row) => /[ ›] prod\b/.test(row)),
      25_000,
      'the recorder notice with the clusters',
    );
    expect(statusRow(rows).trim()).toBe(
      `Flight recorder off: ${path} cannot be created; ecsdeck goes on without recording.`,
    );
    await quits(term);
  });

  it('a state directory that is a file: the notice names it', async () => {
    scratch = mkdtempSync(join(tmpdir(), 'ecsdeck-e2e-recorder-'));
    const file = join(scratch, 'state');
    writeFileSync(file, '');
    const term = await launch(file);
    const rows = await term.waitFor(
      (screen) => statusRow(screen).includes('Flight recorder off'),
      25_000,
      'the recorder notice',
    );
    expect(statusRow(rows)).toContain(`${file} is a file, not a directory`);
    await quits(term);
  });
});
