/**
 * Copy to the clipboard with OSC 52, which the terminal (not the host) handles: it works over SSH. Inside tmux or
 * screen the sequence is wrapped in a DCS passthrough so it reaches the outer terminal.
 */

const ESC = '\u001b';
const BEL = '\u0007';

/** Longest text we send: some terminals drop larger OSC 52 payloads. */
export const OSC52_MAX_BYTES = 74_994;

export interface Osc52Options {
  /** The environment (TMUX / STY / TERM) decides the wrapping. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The escape sequence that puts `text` on the system clipboard; undefined when the text is too long. */
export function osc52Sequence(text: string, options: Osc52Options = {}): string | undefined {
  const payload = Buffer.from(text, 'utf8').toString('base64');
  if (payload.length > OSC52_MAX_BYTES) return undefined;
  const sequence = `${ESC}]52;c;${payload}${BEL}`;
  const env = options.env ?? {};
  if (env.TMUX) return `${ESC}Ptmux;${sequence.replaceAll(ESC, ESC + ESC)}${ESC}\\`;
  if (env.STY || env.TERM?.startsWith('screen')) return `${ESC}P${sequence}${ESC}\\`;
  return sequence;
}
