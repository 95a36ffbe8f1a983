/** runApp on a fake terminal: the alternate screen entered and left, colour off with NO_COLOR, quit resolves it. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { createEcsStore, setClusters, upsertTasks } from '../../src/store/store.ts';

// Ink's colour library decides once, at import, from the process's own stdout (not a TTY under vitest): force it
// on, then import the app, so the test can tell our colour switch from the library's.
process.env.FORCE_COLOR = '3';
const { runApp } = await import('../../src/ui/app/runApp.tsx');

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';

async function waitUntil(done: () => boolean, deadlineMs = 3_000): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('waitUntil: condition not reached before the deadline');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

class TtyStdout extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  output = '';
  /** Like a real stream, calls back once written: Ink waits for that before it settles on exit. */
  write = (chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
    this.output += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') queueMicrotask(() => done());
    return true;
  };
}

class TtyStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };
}

const ENTER_ALT = '\u001b[?1049h';
const LEAVE_ALT = '\u001b[?1049l';
/** SGR parameters that set a foreground or background colour. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: reading the terminal output is the point
const COLOUR_SGR = /\u001b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m/;

async function run(
  env: Record<string, string>,
  keys: string,
  options: NonNullable<Parameters<typeof runApp>[0]['options']> = {},
) {
  const store = createEcsStore();
  setClusters(store, [{ clusterArn: CLUSTER, clusterName: 'prod', status: 'ACTIVE' }], { complete: true });
  const task = { clusterArn: CLUSTER, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', createdAt: NOW - 60_000 };
  upsertTasks(store, [{ ...task, taskArn: `${CLUSTER.replace(':cluster/', ':task/')}/a1` }], NOW);
  const stdout = new TtyStdout();
  const stdin = new TtyStdin();
  const calls: string[] = [];
  const done = runApp({
    store,
    monitor: { focusCluster: (arn) => calls.push(`focus ${arn}`), refreshNow: () => calls.push('refresh') },
    target: { endpointKind: 'aws', region: 'eu-west-1', profile: 'ops' },
    scheduler: new VirtualScheduler(NOW),
    env,
    options,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  await waitUntil(() => stdout.output.includes('profile ops'));
  for (const chunk of keys.split('|')) {
    stdin.write(chunk);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }
  const result = await done;
  return { result, output: stdout.output, calls };
}

describe('runApp', () => {
  it('draws in the alternate screen, leaves it on quit and resolves with the reason', async () => {
    const { result, output, calls } = await run({}, '4q');
    expect(result).toEqual({ kind: 'quit' });
    expect(output.indexOf(ENTER_ALT)).toBeGreaterThanOrEqual(0);
    expect(output.lastIndexOf(LEAVE_ALT)).toBeGreaterThan(output.indexOf(ENTER_ALT));
    expect(output).toContain('region eu-west-1');
    expect(calls[0]).toMatch(/^focus arn:aws:ecs/);
    expect(COLOUR_SGR.test(output)).toBe(true);
  });

  it('NO_COLOR: not a single colour sequence, the selection still in inverse', async () => {
    const { output } = await run({ NO_COLOR: '1' }, '4q');
    expect(COLOUR_SGR.test(output)).toBe(false);
    expect(output).toContain('\u001b[7m');
  });

  it('ctrl-c quits through the keymap (Ink does not kill the process under us)', async () => {
    const { result, output } = await run({}, '\u0003');
    expect(result).toEqual({ kind: 'quit' });
    expect(output.lastIndexOf(LEAVE_ALT)).toBeGreaterThan(0);
  });

  it(':region asks the caller to reopen elsewhere', async () => {
    const { result } = await run({}, ':region ap-south-1\r');
    expect(result).toEqual({ kind: 'switch', region: 'ap-south-1' });
  });

  it("the config's banner leads the header, in inverse even without colour, and its key overrides rule", async () => {
    const options = { banner: 'PRODUCTION', keys: { quit: ['Q'], help: ['h'] } };
    // `q` is no longer quit: the app is still running when `Q` arrives.
    const { result, output } = await run({ NO_COLOR: '1' }, 'q|Q', options);
    expect(result).toEqual({ kind: 'quit' });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the inverse sequence before the banner is the point
    expect(output).toMatch(/\u001b\[7m(?:\u001b\[[0-9;]*m)* PRODUCTION /);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the styling to read the text
    const plainOutput = output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
    expect(plainOutput).toContain(' PRODUCTION  ecsdeck');
    expect(plainOutput).toContain('h help');
    expect(plainOutput).toContain('Q quit');
    expect(plainOutput).not.toContain('? help');
  });

  it('refuses key overrides that clash, before drawing anything', async () => {
    const stdout = new TtyStdout();
    const started = runApp({
      store: createEcsStore(),
      monitor: { focusCluster: () => {}, refreshNow: () => {} },
      target: { endpointKind: 'aws', region: 'eu-west-1' },
      scheduler: new VirtualScheduler(NOW),
      env: {},
      options: { keys: { moveDown: ['q'] } },
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: new TtyStdin() as unknown as NodeJS.ReadStream,
    });
    await expect(started).rejects.toThrow('keys.moveDown: "q" is already bound to quit in global');
    expect(stdout.output).toBe('');
  });
});
