import { describe, expect, it } from 'vitest';
import {
  activeScopes,
  COMMAND_LIST,
  commandForKey,
  footerHints,
  helpEntries,
  keyLabel,
  keysFromInput,
  MODAL_SCOPES,
  PANES,
  type Scope,
  textOfKey,
} from '../../src/keymap/keymap.ts';

/** Every set of scopes that can be live at once. */
const LIVE_SETS: Scope[][] = [
  ...PANES.flatMap((pane) => [activeScopes({ pane, detail: false }), activeScopes({ pane, detail: true })]),
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
      'scaleService',
      'stopBlockingTasks',
      'stopTasks',
    ]);
    const scopes = activeScopes({ pane: 'tasks', detail: false });
    expect(footerHints(scopes).some((hint) => hint.label === 'stop')).toBe(true);
    expect(footerHints(scopes, { readOnly: true }).some((hint) => hint.label === 'stop')).toBe(false);
  });

  it('resolves keys by scope: a modal scope hides the pane and global commands', () => {
    expect(commandForKey('s', ['tasks', 'global'])?.id).toBe('stopTasks');
    expect(commandForKey('s', ['services', 'global'])).toBeUndefined();
    expect(commandForKey('y', ['tasks', 'global'])?.id).toBe('copyArn');
    expect(commandForKey('y', ['dialog'])?.id).toBe('confirm');
    expect(commandForKey('q', ['filter'])).toBeUndefined();
    expect(activeScopes({ modal: 'dialog', pane: 'tasks', detail: true })).toEqual(['dialog']);
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
