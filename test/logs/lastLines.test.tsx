/**
 * The last lines before a task stopped, through the real SDKs against the demo simulator's ECS and CloudWatch Logs,
 * drawn by the app (ink-testing-library): the payments OOM group comes with its memory warnings, in the group's
 * view and in the stopped task's detail, read once per task and only for what is on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushView } from '../../src/ui/app/uiStore.ts';
import { lastLinesSection } from '../../src/ui/panes/details.ts';
import { startUi, type UiHarness } from '../ui/appHarness.tsx';

let app: UiHarness;
/** GetLogEvents calls once the group's task was read. */
let readsForTheTask = 0;

beforeAll(async () => {
  // Tall enough for a task's whole detail, its last lines included.
  app = await startUi({ columns: 160, rows: 90, withLogs: true });
  await app.waitForFrame((f) => f.includes('prod'), 30_000);
}, 60_000);

afterAll(async () => {
  await app?.close();
});

/** CloudWatch Logs requests the simulator has seen, by operation. */
const logsCalls = () => app.data.sim.server.requestLog.list({ service: 'logs' }).map((entry) => entry.operation);

describe('last lines before a task stopped', () => {
  it('come with the payments OOM group, for its selected task: the memory warnings that led there', async () => {
    expect(logsCalls()).toEqual([]);
    // No logs read yet: the header has no logs budget to show.
    expect(app.frame()).not.toMatch(/ logs [\d.]+/);
    await app.press('5');
    await app.waitForFrame((f) => /service:payments.*exit 137/.test(f), 60_000);
    // Nothing read for a pane of groups: only what a group's view shows.
    expect(logsCalls()).toEqual([]);
    const rows = app.frame().split('\n');
    const target = rows.findIndex((l) => l.includes('service:payments') && l.includes('137'));
    const selected = rows.findIndex((l) => l.startsWith('›'));
    await app.press('j'.repeat(Math.max(0, target - selected)));
    await app.press('\r');
    const frame = await app.waitForFrame((f) => f.includes('Last lines of') && /WARN heap \d+%/.test(f), 30_000);
    const lines = frame.split('\n');
    const heading = lines.findIndex((l) => l.includes('Last lines of'));
    const taskRow = lines.findIndex((l) => l.startsWith('›'));
    // Between the group's fields and its tasks, each line stamped with its time.
    expect(heading).toBeGreaterThan(0);
    expect(taskRow).toBeGreaterThan(heading);
    const logLines = lines.slice(heading, taskRow).filter((l) => /^\s+\d\d:\d\d:\d\d\.\d{3}Z /.test(l));
    expect(logLines.length).toBeGreaterThan(3);
    expect(logLines.some((l) => /WARN heap 9\d% of \d+ MiB/.test(l))).toBe(true);
    expect(frame).toMatch(/ERROR allocation of 64 MiB failed/);
    // One stream read for the one task on screen: its newest page, and the page that says it is the whole stream.
    readsForTheTask = logsCalls().length;
    expect(logsCalls()).toEqual(['GetLogEvents', 'GetLogEvents']);
    // Logs are in use: the header shows their rate against their own budget, next to the ECS one.
    await app.waitForFrame((f) => /API [\d.]+\/s of 1000\/s .* logs [\d.]+\/s of 1000\/s/.test(f));
  });

  it("and in the stopped task's detail, from the cache: no second read", async () => {
    await app.press('\r');
    const frame = await app.waitForFrame((f) => f.includes('Last lines before it stopped'), 30_000);
    expect(frame).toMatch(/WARN heap 9\d% of \d+ MiB/);
    const lines = frame.split('\n');
    // Right under the stop reason and verdict.
    expect(lines.findIndex((l) => l.includes('Last lines before it stopped'))).toBeGreaterThan(
      lines.findIndex((l) => l.includes('✗ failed (out-of-memory)')),
    );
    expect(logsCalls()).toHaveLength(readsForTheTask);
  });
});

/** Every escape sequence in the output must be a colour/style (SGR) sequence of Ink's own. */
function foreignControls(raw: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's own style sequences is the point
  const withoutSgr = raw.replace(/\u001b\[[0-9;]*m/g, '');
  const found: string[] = [];
  for (const char of withoutSgr) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\n') continue;
    if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    ) {
      found.push(`U+${code.toString(16).padStart(4, '0')}`);
    }
  }
  return found;
}

describe('hostile log lines', () => {
  it('are sanitised where the inline section is made, long ones cut', () => {
    const payload = '\u001b[2J\u001b]0;PWNED\u0007\u0008\u001b[31m\u202eevil\u009b6n\u2066x\u2069';
    const section = lastLinesSection({
      kind: 'ready',
      containers: [
        {
          container: `web${payload}`,
          kind: 'lines',
          events: [
            { timestamp: 0, message: `WARN ${payload} end`, stream: 's' },
            { timestamp: 1, message: 'x'.repeat(300_000), stream: 's' },
          ],
        },
        { container: 'sidecar', kind: 'absent', sentence: `gone${payload}` },
      ],
    });
    const text = section.map((line) => line.map((span) => span.text).join(''));
    expect(foreignControls(text.join('\n'))).toEqual([]);
    expect(text).toContain('  00:00:00.000Z WARN evilx end');
    expect(Math.max(...text.map((line) => line.length))).toBeLessThan(1100);
  });

  it('reach the terminal without a control byte of their own', async () => {
    const hostile = await startUi({ columns: 160, rows: 260, withLogs: { lastLinesCount: 200 } });
    try {
      await hostile.waitForFrame((f) => f.includes('staging') && f.includes('prod'), 30_000);
      await hostile.press(':cluster staging\r');
      await hostile.waitForFrame((f) => f.includes('Services › staging'), 30_000);
      const isSearch = (arn: string) => hostile.data.store.getState().tasks.get(arn)?.group === 'service:search';
      await hostile.runUntil(() => [...hostile.data.store.getState().tasks.keys()].some(isSearch), {
        deadlineMs: 30_000,
      });
      const arn = [...hostile.data.store.getState().tasks.keys()].find(isSearch) as string;
      await hostile.data.gateway.stopTask('staging', arn, 'hostile lines test');
      await hostile.runUntil(() => hostile.data.store.getState().tasks.get(arn)?.lastStatus === 'STOPPED', {
        deadlineMs: 30_000,
      });
      pushView(hostile.ui, { kind: 'task', arn, scroll: 0 });
      const frame = await hostile.waitForFrame(
        (f) => f.includes('Last lines before it stopped') && f.includes('hostile:'),
        30_000,
      );
      // The payloads' words are there, their controls are not.
      expect(frame.split('\n').filter((line) => line.includes('WARN hostile:')).length).toBeGreaterThan(5);
      expect(frame).toContain('evil.exe');
      expect(foreignControls(hostile.rawFrame())).toEqual([]);
    } finally {
      await hostile.close();
    }
  }, 90_000);
});
