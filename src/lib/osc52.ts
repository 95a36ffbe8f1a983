/**
 * Copy to the clipboard with OSC 52, which the terminal (not the host) handles: it works over SSH. Inside tmux the
 * text goes to tmux itself (`tmux load-buffer -w`): in tmux's default configuration (`set-clipboard external`) tmux
 * ignores an application's OSC 52 and drops a DCS passthrough (`allow-passthrough off`). Inside GNU screen the
 * sequence is wrapped in screen's DCS passthrough so it reaches the outer terminal.
 */
import { nodeChildProcess } from './lazyBuiltins.ts';

const ESC = '\u001b';
const BEL = '\u0007';

/** Longest text we send: some terminals drop larger OSC 52 payloads. */
export const OSC52_MAX_BYTES = 74_994;

export interface Osc52Options {
  /** The environment (STY / TERM) decides the wrapping. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The escape sequence that puts `text` on the system clipboard; undefined when the text is too long. Plain OSC 52
 * everywhere but under GNU screen: tmux takes the plain form (with `set-clipboard on`), never the passthrough one
 * in its default configuration.
 */
export function osc52Sequence(text: string, options: Osc52Options = {}): string | undefined {
  const payload = Buffer.from(text, 'utf8').toString('base64');
  if (payload.length > OSC52_MAX_BYTES) return undefined;
  const sequence = `${ESC}]52;c;${payload}${BEL}`;
  const env = options.env ?? {};
  if (!env.TMUX && (env.STY || env.TERM?.startsWith('screen'))) return `${ESC}P${sequence}${ESC}\\`;
  return sequence;
}

/** What a copy did, in a sentence for the status line: `copied` only when the text went where it is kept. */
export interface CopyOutcome {
  copied: boolean;
  message: string;
}

/** Runs `tmux ARGS` with `input` on its stdin; true when it succeeded. */
export type TmuxRunner = (args: readonly string[], input: string) => boolean;

const runTmux: TmuxRunner = (args, input) => {
  const result = nodeChildProcess().spawnSync('tmux', args, {
    input,
    stdio: ['pipe', 'ignore', 'ignore'],
    timeout: 2_000,
  });
  return result.status === 0;
};

export interface ClipboardIo {
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal: an escape sequence written anywhere else reaches no clipboard. */
  isTTY: boolean;
  write(sequence: string): void;
  /** Default: the tmux binary (the one whose server TMUX names). */
  tmux?: TmuxRunner;
}

/**
 * Puts `text` (already terminal-safe: it is named in the message) on the clipboard by whatever the terminal takes.
 * In tmux: its buffer, and with `-w` (tmux 3.2+) the outer terminal's clipboard where that terminal takes OSC 52;
 * should tmux refuse, the plain OSC 52 that tmux keeps with `set-clipboard on`. In screen: the passthrough, which
 * reaches the clipboard only if the terminal outside takes OSC 52 (unknowable from here). Elsewhere: plain OSC 52.
 */
export function copyToClipboard(text: string, io: ClipboardIo): CopyOutcome {
  const sequence = osc52Sequence(text, { env: io.env });
  if (io.env.TMUX) {
    const tmux = io.tmux ?? runTmux;
    // `-w` also sets the outer terminal's clipboard; tmux before 3.2 does not know it, so try without.
    if (tmux(['load-buffer', '-w', '-'], text) || tmux(['load-buffer', '-'], text)) {
      return { copied: true, message: `Copied ${text} (tmux buffer: prefix ] pastes it)` };
    }
  }
  if (!io.isTTY) return { copied: false, message: 'Could not copy: the output is not a terminal.' };
  if (sequence === undefined) return { copied: false, message: 'Could not copy: the text is too long for OSC 52.' };
  io.write(sequence);
  if (io.env.TMUX) {
    return {
      copied: false,
      message: `tmux refused the buffer; sent ${text} as OSC 52, which tmux keeps only with set-clipboard on.`,
    };
  }
  if (sequence.startsWith(`${ESC}P`)) {
    return {
      copied: false,
      message: `Sent ${text} through screen as OSC 52: copied only if the terminal outside screen accepts OSC 52.`,
    };
  }
  return { copied: true, message: `Copied ${text}` };
}
