/**
 * Where the flight recorder lives: the XDG state directory (`$XDG_STATE_HOME/ecsdeck`, else
 * `~/.local/state/ecsdeck`), unless an explicit directory or `ECSDECK_STATE_DIR` says otherwise; one file per AWS
 * target, so two accounts or regions never mix their histories. A simulator's history belongs to its run alone
 * (simulatorRecorderFileName): a simulator starts afresh every time and its seeded ids repeat, so an earlier run's
 * records would tell another story about the same task ids.
 */

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { nodeCrypto } from '../lib/lazyBuiltins.ts';

export interface StateDirectoryOptions {
  /** An explicit directory (a flag or a config value): used as is. */
  override?: string;
  /** The environment to read ECSDECK_STATE_DIR, XDG_STATE_HOME and HOME from; the process's by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The home directory when HOME is unset; os.homedir() by default. */
  homeDirectory?: string;
}

/** The directory the recorder's files go in (not created here: the recorder creates it on first write). */
export function stateDirectory(options: StateDirectoryOptions = {}): string {
  const env = options.env ?? process.env;
  const override = options.override?.trim() || env.ECSDECK_STATE_DIR?.trim();
  if (override) return override;
  const xdg = env.XDG_STATE_HOME?.trim();
  // The XDG spec says a relative value is invalid and must be ignored.
  if (xdg && isAbsolute(xdg)) return join(xdg, 'ecsdeck');
  const home = env.HOME?.trim() || options.homeDirectory || homedir();
  return join(home, '.local', 'state', 'ecsdeck');
}

/** What identifies one recorded history. Pass what is known; an endpoint override is a different target. */
export interface RecorderTarget {
  account?: string;
  region?: string;
  /** A custom endpoint (`--endpoint-url`). A simulator is not a target: see simulatorRecorderFileName. */
  endpoint?: string;
  /** Used when the account id is not known, so two profiles are not mixed up by accident. */
  profile?: string;
}

const MAX_READABLE_LENGTH = 80;

function readablePart(text: string): string {
  return text
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/[-.]{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * `recorder-<readable target>-<hash>.jsonl`: readable for a person listing the directory, and the short hash of the
 * exact target keeps two targets apart even when their readable forms collide (`a/b` and `a-b`).
 */
export function recorderFileName(target: RecorderTarget): string {
  const parts = [target.account ?? target.profile, target.region, target.endpoint]
    .filter((part): part is string => part !== undefined && part.trim() !== '')
    .map(readablePart)
    .filter((part) => part !== '');
  const readable = (parts.join('-') || 'default').slice(0, MAX_READABLE_LENGTH).replace(/[-.]+$/, '');
  // The account is the identity when known: two profiles onto one account share one history.
  const who = target.account ?? `profile:${target.profile ?? ''}`;
  const identity = JSON.stringify([who, target.region ?? '', target.endpoint ?? '']);
  const hash = nodeCrypto().createHash('sha256').update(identity).digest('hex').slice(0, 8);
  return `recorder-${readable}-${hash}.jsonl`;
}

/** One run of a simulator: its history is that run's and no other's. */
export interface SimulatorRun {
  /** The scenario (`--demo NAME`), or what names a simulator reached through `--endpoint-url`. */
  scenario: string;
  seed?: number;
  /** When this run started, epoch milliseconds. */
  startedAt: number;
}

/**
 * `recorder-demo-<scenario>-seed<N>-<start>-<hash>.jsonl`: a name of its own per scenario, seed and start, so no other
 * run reads it. Its identity is a five-element list starting with `simulator` where a target's is a three-element
 * list: the two can never hash from the same text, whatever a profile or an endpoint is called.
 */
export function simulatorRecorderFileName(run: SimulatorRun): string {
  const started = new Date(run.startedAt).toISOString().replace(/[-:]|\.\d+/g, '');
  const seed = run.seed === undefined ? '' : `-seed${run.seed}`;
  const readable = `demo-${readablePart(run.scenario) || 'simulator'}${seed}-${started.toLowerCase()}`;
  const identity = JSON.stringify(['simulator', run.scenario, run.seed ?? null, run.startedAt, 'run']);
  const hash = nodeCrypto().createHash('sha256').update(identity).digest('hex').slice(0, 8);
  return `recorder-${readable.slice(0, MAX_READABLE_LENGTH).replace(/[-.]+$/, '')}-${hash}.jsonl`;
}
