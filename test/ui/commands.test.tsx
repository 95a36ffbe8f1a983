/** The command table (a handler per keymap command, checked by the compiler) and the `:` command line's table. */
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_LIST } from '../../src/keymap/keymap.ts';
import { COMMAND_HANDLERS, type CommandHandlers } from '../../src/ui/app/commands.ts';
import { makeTask, startSynthetic } from './synthetic.tsx';

type App = ReturnType<typeof startSynthetic>;
let app: App | undefined;
afterEach(() => {
  app?.close();
  app = undefined;
});

async function started(): Promise<App> {
  app = startSynthetic({ tasks: [makeTask('t000')] });
  await app.settle();
  return app;
}

describe('the command table', () => {
  it('has a handler for every command of the keymap, and for nothing else', () => {
    const ids = COMMAND_LIST.map((command) => command.id);
    expect(Object.keys(COMMAND_HANDLERS).sort()).toEqual([...ids].sort());
    expect(ids.filter((id) => typeof COMMAND_HANDLERS[id] !== 'function')).toEqual([]);
  });

  it('does not compile without a handler for each command, or with one for a command the keymap lacks', () => {
    // tsc fails on an unused @ts-expect-error: were the table's type to allow either, these lines would break it.
    const { quit: _quitHandler, ...withoutQuit } = COMMAND_HANDLERS;
    // @ts-expect-error quit has no handler
    const missing: CommandHandlers = withoutQuit;
    const extra: CommandHandlers = {
      ...COMMAND_HANDLERS,
      // @ts-expect-error notACommand is not a command of the keymap
      notACommand: () => undefined,
    };
    expect(Object.keys(missing)).not.toContain('quit');
    expect(Object.keys(extra)).toContain('notACommand');
  });
});

describe('the command line', () => {
  it('reads the first word in any case: :REGION switches the region, :Profile the profile', async () => {
    const ui = await started();
    await ui.press(':REGION eu-west-1\r');
    await ui.press(':Profile ops\r');
    expect(ui.exits).toEqual([
      { kind: 'switch', region: 'eu-west-1' },
      { kind: 'switch', profile: 'ops' },
    ]);
  });

  it('knows every pane by its name and its short name', async () => {
    const ui = await started();
    const words = {
      clusters: 'clusters',
      cl: 'clusters',
      instances: 'instances',
      inst: 'instances',
      services: 'services',
      svc: 'services',
      tasks: 'tasks',
      failures: 'failures',
      fail: 'failures',
    } as const;
    for (const [word, pane] of Object.entries(words)) {
      await ui.press(':clusters\r');
      await ui.press(`:${word}\r`);
      expect([word, ui.ui.getState().pane]).toEqual([word, pane]);
    }
  });

  it('calls a word that every object has (constructor, __proto__, toString) unknown, and stays where it was', async () => {
    const ui = await started();
    await ui.press('4');
    for (const word of ['constructor', '__proto__', 'toString']) {
      await ui.press(`:${word}\r`);
      expect(ui.frame()).toContain(`Unknown command :${word}`);
      expect(ui.ui.getState().pane).toBe('tasks');
    }
    expect(ui.exits).toEqual([]);
  });
});
