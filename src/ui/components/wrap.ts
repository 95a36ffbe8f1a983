/** Long lines of spans broken into several, at spaces where possible (confirmations, results). */
import type { Span } from './table.ts';

/** Where to cut `chars` to fit `room`: after the last space when there is one in the second half, else at `room`. */
function cutAt(chars: string[], room: number): number {
  if (chars.length <= room) return chars.length;
  const space = chars.lastIndexOf(' ', room - 1);
  return space >= room / 2 ? space + 1 : room;
}

/** A line longer than the dialog continues on the next ones (a note, a parameter's JSON), indented under itself. */
export function wrap(line: Span[], width: number): Span[][] {
  const total = line.reduce((sum, span) => sum + Array.from(span.text).length, 0);
  if (total <= width || width < 20) return [line];
  const out: Span[][] = [];
  let current: Span[] = [];
  let used = 0;
  for (const span of line) {
    let rest = Array.from(span.text);
    while (rest.length > 0) {
      const room = width - used;
      const cut = room > 0 ? cutAt(rest, room) : 0;
      if (cut > 0) {
        current.push({ text: rest.slice(0, cut).join(''), ...(span.tone ? { tone: span.tone } : {}) });
        used += cut;
        rest = rest.slice(cut);
      }
      if (rest.length > 0) {
        out.push(current);
        current = [{ text: '    ' }];
        used = 4;
      }
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}
