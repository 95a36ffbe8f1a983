/**
 * Hostile remote text reaches the terminal without a control byte of its own, and one bad record does not take the
 * screen down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Service } from '../../src/domain/model.ts';
import { updateMeta } from '../../src/store/store.ts';
import { waitUntil } from './appHarness.tsx';
import { CLUSTER, makeTask, NOW, startSynthetic } from './synthetic.tsx';

type App = ReturnType<typeof startSynthetic>;
let app: App | undefined;
afterEach(() => {
  app?.close();
  app = undefined;
});

/** Clears the screen, sets the window title, rings the bell, erases, overrides text direction, 8-bit CSI. */
const PAYLOAD = '\u001b[2J\u001b]0;PWNED\u0007\u0007\u0008\u001b[31m\u202e\u009b6n\u001bP+q\u001b\\';

/** Every escape sequence in the output must be a colour/style (SGR) sequence of Ink's own. */
function foreignControls(raw: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the terminal's own style sequences is the point
  const withoutSgr = raw.replace(/\u001b\[[0-9;]*m/g, '');
  const found: string[] = [];
  for (const char of withoutSgr) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\n') continue;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e)) {
      found.push(`U+${code.toString(16).padStart(4, '0')}`);
    }
  }
  return found;
}

const service: Service = {
  serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web',
  serviceName: 'web',
  clusterArn: CLUSTER,
  status: 'ACTIVE',
  desiredCount: 1,
  runningCount: 1,
  pendingCount: 0,
  events: [{ id: 'e1', createdAt: NOW - 5_000, message: `before-event${PAYLOAD}after-event` }],
};

const task = makeTask('hostile', {
  lastStatus: 'STOPPED',
  desiredStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited',
  stoppedAt: NOW - 10_000,
  stoppedReason: `before-reason${PAYLOAD}after-reason`,
  containers: [{ name: 'web', exitCode: 1, lastStatus: 'STOPPED', reason: `boom${PAYLOAD}` }],
  tags: [{ key: `team${PAYLOAD}`, value: `before-tag${PAYLOAD}after-tag` }],
});

describe('remote text on the way to the terminal', () => {
  it('a service event, a stop reason and a tag carry none of their control bytes to the terminal', async () => {
    app = startSynthetic({ services: [service], tasks: [task] }, { rows: 70, colour: true });
    await app.settle();
    await app.press('3\r');
    await waitUntil(() => app?.frame().includes('before-eventafter-event') === true);
    await app.press('\u001b');
    await waitUntil(() => app?.ui.getState().stack.length === 0);
    await app.press('4\r');
    await waitUntil(() => app?.frame().includes('Tags') === true);
    const frame = app.frame();
    expect(frame).toContain('before-reasonafter-reason');
    expect(frame).toContain('before-tagafter-tag');
    const raw = app.raw();
    expect(raw).not.toContain('PWNED');
    expect(foreignControls(raw)).toEqual([]);
    // The check itself can fail: the payload does trip it.
    expect(foreignControls(PAYLOAD).length).toBeGreaterThan(5);
  });
});

describe('one bad record', () => {
  it('keeps the rest of the screen working when a pane cannot draw it', async () => {
    // A record a broken endpoint could produce once normalisation is bypassed: deployments that is not a list.
    const broken = { ...service, deployments: 42 } as unknown as Service;
    app = startSynthetic({ services: [broken], tasks: [task] });
    await app.settle();
    await app.press('3');
    expect(app.frame()).toContain('Services pane could not be drawn');
    expect(app.frame()).toContain('ecsdeck');
    await app.press('4');
    expect(app.frame()).toContain('hostile');
  });

  it('a failing feed shows its error on the pane and in the header, and the last good rows stay', async () => {
    app = startSynthetic({ tasks: [task] });
    await app.settle();
    await app.press('4');
    updateMeta(app.store, `tasks:${CLUSTER}`, { lastSuccessAt: NOW - 30_000, inFlight: false });
    updateMeta(app.store, `tasks:${CLUSTER}`, {
      lastError: { message: 'The endpoint answered 500 with an HTML page\u001b[2J', kind: 'server', at: NOW - 5_000 },
    });
    await app.settle();
    const frame = app.frame();
    expect(frame).toContain('✗ The endpoint answered 500 with an HTML page (showing');
    expect(frame).toContain('tasks ✗ 30s');
    expect(frame).toContain('hostile');
    updateMeta(app.store, `tasks:${CLUSTER}`, { lastSuccessAt: NOW, lastError: undefined });
    await app.settle();
    expect(app.frame()).not.toContain('HTML page');
  });
});
