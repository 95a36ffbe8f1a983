import { describe, expect, it } from 'vitest';
import { copyToClipboard, OSC52_MAX_BYTES, osc52Sequence, type TmuxRunner } from '../../src/lib/osc52.ts';

const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/abc';
const PLAIN = `\u001b]52;c;${Buffer.from(ARN).toString('base64')}\u0007`;
const IN_TMUX = { TMUX: '/tmp/tmux-1/default,1,0', TERM: 'screen-256color' };

/** A terminal that keeps what is written to it, and a tmux that answers as told and keeps what it was asked. */
function io(
  env: Record<string, string>,
  options: { isTTY?: boolean; tmuxAccepts?: (args: readonly string[]) => boolean } = {},
) {
  const written: string[] = [];
  const tmuxCalls: { args: readonly string[]; input: string }[] = [];
  const tmux: TmuxRunner = (args, input) => {
    tmuxCalls.push({ args, input });
    return options.tmuxAccepts?.(args) ?? true;
  };
  return { env, isTTY: options.isTTY ?? true, write: (s: string) => written.push(s), tmux, written, tmuxCalls };
}

describe('OSC 52 clipboard', () => {
  it('sends the text base64-encoded in one OSC 52 sequence', () => {
    expect(osc52Sequence(ARN)).toBe(PLAIN);
  });

  it('sends the plain sequence inside tmux (its passthrough form is dropped by default) and wraps it for screen', () => {
    expect(osc52Sequence(ARN, { env: IN_TMUX })).toBe(PLAIN);
    const screen = osc52Sequence(ARN, { env: { TERM: 'screen-256color' } });
    expect(screen).toBe(`\u001bP${PLAIN}\u001b\\`);
  });

  it('refuses text too long for terminals to accept', () => {
    expect(osc52Sequence('x'.repeat(OSC52_MAX_BYTES))).toBeUndefined();
  });
});

describe('copying, and saying what happened', () => {
  it('inside tmux: the text goes to tmux load-buffer -w (its buffer and the outer clipboard), and that is a copy', () => {
    const terminal = io(IN_TMUX);
    const outcome = copyToClipboard(ARN, terminal);
    expect(terminal.tmuxCalls).toEqual([{ args: ['load-buffer', '-w', '-'], input: ARN }]);
    expect(terminal.written).toEqual([]);
    expect(outcome).toEqual({ copied: true, message: `Copied ${ARN} (tmux buffer: prefix ] pastes it)` });
  });

  it('a tmux older than 3.2 (no -w) still gets its buffer', () => {
    const terminal = io(IN_TMUX, { tmuxAccepts: (args) => !args.includes('-w') });
    expect(copyToClipboard(ARN, terminal).copied).toBe(true);
    expect(terminal.tmuxCalls.map((call) => call.args)).toEqual([
      ['load-buffer', '-w', '-'],
      ['load-buffer', '-'],
    ]);
  });

  it('when tmux refuses, sends the plain OSC 52 and does not claim a copy', () => {
    const terminal = io(IN_TMUX, { tmuxAccepts: () => false });
    const outcome = copyToClipboard(ARN, terminal);
    expect(terminal.written).toEqual([PLAIN]);
    expect(outcome.copied).toBe(false);
    expect(outcome.message).toMatch(/set-clipboard on/);
    expect(outcome.message).not.toMatch(/^Copied/);
  });

  it('in a plain terminal: the plain sequence, and a copy', () => {
    const terminal = io({ TERM: 'xterm-256color' });
    expect(copyToClipboard(ARN, terminal)).toEqual({ copied: true, message: `Copied ${ARN}` });
    expect(terminal.written).toEqual([PLAIN]);
    expect(terminal.tmuxCalls).toEqual([]);
  });

  it('under screen: the passthrough goes out, and the message says it depends on the terminal outside', () => {
    const terminal = io({ STY: '1234.pts-0.host', TERM: 'screen' });
    const outcome = copyToClipboard(ARN, terminal);
    expect(terminal.written).toEqual([`\u001bP${PLAIN}\u001b\\`]);
    expect(outcome.copied).toBe(false);
    expect(outcome.message).toMatch(/^Sent .* through screen .* only if the terminal outside screen accepts OSC 52/);
  });

  it('not a terminal, or too long: nothing is written and nothing is claimed', () => {
    const pipe = io({ TERM: 'xterm' }, { isTTY: false });
    expect(copyToClipboard(ARN, pipe)).toEqual({
      copied: false,
      message: 'Could not copy: the output is not a terminal.',
    });
    const long = io({ TERM: 'xterm' });
    expect(copyToClipboard('x'.repeat(OSC52_MAX_BYTES), long).copied).toBe(false);
    expect([...pipe.written, ...long.written]).toEqual([]);
  });
});
