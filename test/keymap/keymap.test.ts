import { describe, expect, it } from 'vitest';
import {
  activeScopes,
  COMMAND_LIST,
  commandForKey,
  createKeymap,
  DEFAULT_KEYMAP,
  footerHints,
  helpEntries,
  KeymapError,
  keyLabel,
  keyOverrideProblem,
  keysFromInput,
  MODAL_SCOPES,
  PANES,
  type Scope,
  textOfKey,
} from '../../src/keymap/keymap.ts';

/** Every set of scopes that can be live at once. */
const LIVE_SETS: Scope[][] = [
  ...PANES.flatMap((pane) => [activeScopes({ pane, detail: false }), activeScopes({ pane, detail: true })]),
  activeScopes({ pane: 'tasks', detail: true, logs: true }),
  ...MODAL_SCOPES.map((modal) => activeScopes({ modal, pane: 'tasks', detail: false })),
];

describe('the keymap table', () => {
  it('binds no key twice among the scopes that are live together (global and pane overlap counts)', () => {
    const clashes: string[] = [];
    for (const scopes of LIVE_SETS) {
      const owner = new Map<string, string>();
      for (const command of COMMAND_LIST) {
        if (!command.scopes.some((scope) => scopes.includes(scope))) continue;
        for (const key of command.keys) {
          const previous = owner.get(key);
          if (previous) clashes.push(`${scopes.join('+')}: ${key} is ${previous} and ${command.id}`);
          owner.set(key, command.id);
        }
      }
    }
    expect(clashes).toEqual([]);
  });

  it('describes every command and gives every command at least one key and scope', () => {
    for (const command of COMMAND_LIST) {
      expect(command.description.trim().length, command.id).toBeGreaterThan(5);
      expect(command.keys.length, command.id).toBeGreaterThan(0);
      expect(command.scopes.length, command.id).toBeGreaterThan(0);
    }
  });

  it('help lists every binding of every command live in the scopes it is opened in', () => {
    for (const scopes of LIVE_SETS) {
      const entries = helpEntries(scopes);
      const listed = entries.flatMap((entry) => entry.keys.split(' / '));
      const expected = COMMAND_LIST.filter((c) => c.scopes.some((s) => scopes.includes(s))).flatMap((c) =>
        c.keys.map(keyLabel),
      );
      expect(listed.sort()).toEqual(expected.sort());
      expect(entries.every((entry) => entry.description.length > 0)).toBe(true);
    }
  });

  it('help in the Tasks pane names the pane commands before the global ones', () => {
    const entries = helpEntries(activeScopes({ pane: 'tasks', detail: false }));
    const stop = entries.findIndex((entry) => entry.keys === 's');
    const quit = entries.findIndex((entry) => entry.keys.startsWith('q'));
    expect(stop).toBeGreaterThanOrEqual(0);
    expect(stop).toBeLessThan(quit);
    expect(entries[stop]?.dangerous).toBe(true);
  });

  it('marks the mutating commands dangerous, and the footer leaves them out in read-only mode', () => {
    const dangerous = COMMAND_LIST.filter((c) => c.dangerous).map((c) => c.id);
    expect(dangerous.sort()).toEqual([
      'activateInstances',
      'drainInstances',
      'redeployService',
      'rerunTask',
      'rollbackService',
      'scaleService',
      'stopBlockingTasks',
      'stopTasks',
    ]);
    const scopes = activeScopes({ pane: 'tasks', detail: false });
    expect(footerHints(scopes).some((hint) => hint.label === 'stop')).toBe(true);
    expect(footerHints(scopes, { readOnly: true }).some((hint) => hint.label === 'stop')).toBe(false);
    // The diff is a read: its key stays in the read-only footer, the rollback's goes.
    const services = activeScopes({ pane: 'services', detail: false });
    const readOnly = footerHints(services, { readOnly: true }).map((hint) => hint.label);
    expect(readOnly).toContain('diff');
    expect(readOnly).not.toContain('rollback');
  });

  it('the diff view has its own scope over the services detail: unmask, unfold and choose only there', () => {
    const diff = activeScopes({ pane: 'services', detail: true, diff: true });
    expect(diff).toEqual(['diff', 'detail', 'services', 'global', 'anywhere']);
    expect(commandForKey('m', diff)?.id).toBe('diffToggleSecrets');
    expect(commandForKey('u', diff)?.id).toBe('diffToggleUnchanged');
    expect(commandForKey('c', diff)?.id).toBe('diffChooseRevisions');
    expect(commandForKey('m', activeScopes({ pane: 'services', detail: true }))).toBeUndefined();
  });

  it('resolves keys by scope: a modal scope hides the pane and global commands', () => {
    expect(commandForKey('s', ['tasks', 'global'])?.id).toBe('stopTasks');
    expect(commandForKey('s', ['services', 'global'])).toBeUndefined();
    expect(commandForKey('y', ['tasks', 'global'])?.id).toBe('copyArn');
    expect(commandForKey('y', ['dialog'])?.id).toBe('confirm');
    expect(commandForKey('q', ['filter'])).toBeUndefined();
    expect(activeScopes({ modal: 'dialog', pane: 'tasks', detail: true })).toEqual(['dialog', 'anywhere']);
  });

  it('ctrl-c quits from every live set of scopes, modals included, and no other command may take it', () => {
    for (const scopes of LIVE_SETS)
      expect(commandForKey('ctrl-c', scopes)?.id, scopes.join('+')).toBe('quitFromAnywhere');
    expect(keyOverrideProblem({ confirm: ['ctrl-c'] })).toBe(
      'keys.confirm: "ctrl-c" is already bound to quitFromAnywhere in anywhere',
    );
  });
});

describe('key names from terminal input', () => {
  it('splits a chunk of characters into one key each', () => {
    expect(keysFromInput('jjj', {})).toEqual(['j', 'j', 'j']);
    expect(keysFromInput('a b\r', {})).toEqual(['a', 'space', 'b', 'enter']);
    expect(keysFromInput('👍x', {})).toEqual(['👍', 'x']);
  });

  it('names special keys and ctrl combinations', () => {
    expect(keysFromInput('', { downArrow: true })).toEqual(['down']);
    expect(keysFromInput('', { pageDown: true })).toEqual(['pgdn']);
    expect(keysFromInput('', { return: true })).toEqual(['enter']);
    expect(keysFromInput('', { escape: true })).toEqual(['esc']);
    expect(keysFromInput('', { tab: true, shift: true })).toEqual(['shift-tab']);
    expect(keysFromInput('r', { ctrl: true })).toEqual(['ctrl-r']);
    expect(keysFromInput('x', { meta: true })).toEqual([]);
  });

  it('knows which keys are text for the filter and command line', () => {
    expect(textOfKey('a')).toBe('a');
    expect(textOfKey('space')).toBe(' ');
    expect(textOfKey('enter')).toBeUndefined();
    expect(textOfKey('ctrl-r')).toBeUndefined();
  });
});

describe('a keymap with overrides from the config file', () => {
  const tasks = activeScopes({ pane: 'tasks', detail: false });

  it('replaces the default bindings for dispatch, help and footer', () => {
    const keymap = createKeymap({ moveDown: ['J', 'down'], help: ['h'] });
    expect(keymap.commandForKey('J', tasks)?.id).toBe('moveDown');
    expect(keymap.commandForKey('j', tasks)).toBeUndefined();
    expect(keymap.commandForKey('h', tasks)?.id).toBe('help');
    expect(keymap.commandForKey('?', tasks)).toBeUndefined();
    const help = keymap.helpEntries(tasks);
    expect(help.find((entry) => entry.description === 'Move the selection down one row')?.keys).toBe('J / ↓');
    expect(keymap.footerHints(tasks).find((hint) => hint.id === 'help')?.key).toBe('h');
    expect(keymap.keyOf('help')).toBe('h');
    // The defaults are untouched.
    expect(commandForKey('j', tasks)?.id).toBe('moveDown');
    expect(DEFAULT_KEYMAP.keyOf('help')).toBe('?');
  });

  it('refuses a key another command has where both are live, in one sentence naming the key', () => {
    expect(keyOverrideProblem({ moveDown: ['q'] })).toBe('keys.moveDown: "q" is already bound to quit in global');
    // `s` stops tasks in the Tasks pane: a global command cannot take it.
    expect(keyOverrideProblem({ refresh: ['s'] })).toBe('keys.refresh: "s" is already bound to stopTasks in tasks');
    expect(() => createKeymap({ moveDown: ['q'] })).toThrow(KeymapError);
    // Scopes that are never live together may share a key (the Instances pane's `d` and a Tasks-pane command).
    expect(keyOverrideProblem({ stopTasks: ['d'] })).toBeUndefined();
    // Moving quit off `q` frees it for another command.
    expect(keyOverrideProblem({ quit: ['Q'], refresh: ['q'] })).toBeUndefined();
    // Not for one that is live in the log view too, where `q` closes the view.
    expect(keyOverrideProblem({ quit: ['Q'], moveDown: ['q'] })).toBe(
      'keys.moveDown: "q" is already bound to logClose in logs',
    );
    expect(keyOverrideProblem({ nope: ['z'] })).toMatch(/^keys\.nope: is not a command/);
  });
});
