/**
 * Semantic colour tokens: components ask for `error` or `selection`, never for `red`. With colour off (`NO_COLOR`,
 * `--no-color`) every token keeps its non-colour styling (bold, inverse) and nothing else, so the screen stays readable;
 * statuses never rely on colour anyway (each has a word and a symbol).
 */
import type { HealthLevel } from '../../domain/health.ts';
import type { BarCellKind } from '../../domain/timeline.ts';

export type Tone =
  | 'text'
  | 'ok'
  | 'warn'
  | 'error'
  | 'muted'
  | 'accent'
  | 'selection'
  | 'title'
  | 'badge'
  | 'banner'
  | 'queued'
  | 'pulling'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'stop'
  | 'stopFailed'
  | 'exitCode'
  /** A search match in the log view. */
  | 'match'
  /** The prefixes of interleaved log lines: one per container or task, round the six. */
  | 'source0'
  | 'source1'
  | 'source2'
  | 'source3'
  | 'source4'
  | 'source5';

export interface Style {
  color?: string;
  backgroundColor?: string;
  bold?: boolean;
  inverse?: boolean;
  dimColor?: boolean;
}

export interface Theme {
  colour: boolean;
  /** Plain ASCII glyphs for terminals without Unicode box characters. */
  ascii: boolean;
  style(tone: Tone): Style;
}

const COLOURED: Readonly<Record<Tone, Style>> = {
  text: {},
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  error: { color: 'red', bold: true },
  muted: { color: 'gray' },
  accent: { color: 'cyan' },
  selection: { inverse: true },
  title: { color: 'cyan', bold: true },
  badge: { color: 'black', backgroundColor: 'yellow', bold: true },
  /** The config's per-profile banner ("PRODUCTION"): danger, inverse, impossible to miss. */
  banner: { color: 'red', inverse: true, bold: true },
  queued: { color: 'gray' },
  pulling: { color: 'blue' },
  starting: { color: 'cyan' },
  running: { color: 'green' },
  stopping: { color: 'yellow' },
  stop: { color: 'white' },
  stopFailed: { color: 'red', bold: true },
  exitCode: { color: 'red' },
  match: { color: 'black', backgroundColor: 'yellow' },
  source0: { color: 'cyan' },
  source1: { color: 'magenta' },
  source2: { color: 'green' },
  source3: { color: 'blue' },
  source4: { color: 'yellow' },
  source5: { color: 'redBright' },
};

/** Without colour only emphasis remains; a badge is drawn in inverse so it still stands out. */
const PLAIN: Readonly<Record<Tone, Style>> = {
  text: {},
  ok: {},
  warn: {},
  error: { bold: true },
  muted: {},
  accent: {},
  selection: { inverse: true },
  title: { bold: true },
  badge: { inverse: true, bold: true },
  banner: { inverse: true, bold: true },
  queued: {},
  pulling: {},
  starting: {},
  running: {},
  stopping: {},
  stop: {},
  stopFailed: { bold: true },
  exitCode: { bold: true },
  match: { inverse: true },
  source0: {},
  source1: {},
  source2: {},
  source3: {},
  source4: {},
  source5: {},
};

export function createTheme(options: { colour: boolean; ascii?: boolean }): Theme {
  const table = options.colour ? COLOURED : PLAIN;
  return { colour: options.colour, ascii: options.ascii === true, style: (tone) => table[tone] };
}

/**
 * Colour is on unless NO_COLOR is set to anything non-empty (no-color.org) or `--no-color` was given.
 * `FORCE_COLOR=0` turns it off too.
 */
export function colourWanted(env: Readonly<Record<string, string | undefined>>, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  return true;
}

export const HEALTH_TONE: Readonly<Record<HealthLevel, Tone>> = {
  ok: 'ok',
  unknown: 'muted',
  degraded: 'warn',
  failing: 'error',
};

/** A health mark that reads without colour: a symbol and a word. */
export function healthMark(level: HealthLevel, ascii = false): string {
  switch (level) {
    case 'ok':
      return ascii ? '+ ok' : '✓ ok';
    case 'degraded':
      return ascii ? '! degraded' : '▲ degraded';
    case 'failing':
      return ascii ? 'x failing' : '✗ failing';
    default:
      return '? unknown';
  }
}

export const BAR_TONE: Readonly<Record<BarCellKind, Tone>> = {
  queued: 'queued',
  pulling: 'pulling',
  starting: 'starting',
  running: 'running',
  stopping: 'stopping',
  stop: 'stop',
  'stop-failed': 'stopFailed',
  'exit-code': 'exitCode',
  empty: 'text',
};
