/**
 * The flight recorder: an append-only JSONL file per AWS target, so the failure feed, the timelines and the action
 * journal survive a restart and reach further back than ECS's hour of stopped tasks.
 *
 * Writing. `append(record)` returns at once: the line is serialised now (later changes to the object do not reach
 * the file) and queued; a writer drains the queue in batches through an open FileHandle (O_APPEND), one line per
 * record, each ending in '\n'. Records appended in one tick go out in one write. `flush()` resolves once everything
 * appended so far is written; `close()` flushes and closes. A write error never reaches the caller: the batch is
 * counted as lost, one warning goes to the logger per run of errors, and the next batch reopens the file.
 *
 * `appendNow(record)` is the journal's path: it writes synchronously (writeSync) together with whatever was still
 * queued, then fdatasyncs, so an action's "before" line is on disk before the call goes out. Actions are rare, so
 * the few milliseconds of a sync write and an fsync on the UI thread are an acceptable price; it throws when the line
 * could not be written, and the action decides what to do. A batch already in flight may land after its line.
 *
 * Crash safety. A process killed mid-write leaves at most one partial line at the end of the file. When a writer
 * opens a file whose last byte is not '\n', its first write starts with '\n', so the broken tail becomes one
 * complete (unreadable) line that load skips, and the new record is never glued onto it.
 *
 * Bounds. When the next batch would take the file past `maxBytes`, the file rotates (file -> file.1 -> file.2, the
 * oldest dropped), so the recorder never holds more than (keepRotated + 1) x maxBytes on disk. Records older than
 * `maxAgeMs` are dropped on load.
 *
 * Loading streams every file oldest first, line by line, skipping lines that are not JSON, not a record, of an
 * unknown kind or a newer format version, longer than `maxLineBytes`, or a truncated last line; their count comes
 * back with the records and ONE warning goes to the logger. Nothing there is fatal. Load at start, before the first
 * append (or after a flush): a write in progress would read as a truncated tail.
 *
 * One process writes a given file; two ecsdeck processes on one target still keep every line whole (O_APPEND and
 * whole-line writes), but their rotations are not coordinated.
 */

import {
  closeSync,
  createReadStream,
  fdatasyncSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type Clock, systemClock } from '../lib/clock.ts';
import { realScheduler, type Scheduler, type TimerHandle } from '../lib/scheduler.ts';
import { parseRecord, type RecorderRecord } from './records.ts';

export const DEFAULT_MAX_BYTES = 20 * 2 ** 20;
export const DEFAULT_KEEP_ROTATED = 2;
export const DEFAULT_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
export const DEFAULT_MAX_LINE_BYTES = 2 ** 20;
/** Batches stay below this so a rotation check happens often enough and one write never holds a huge buffer. */
const BATCH_BYTES = 256 * 2 ** 10;
const READ_CHUNK_BYTES = 2 ** 20;
const NEWLINE = 0x0a;

/** Receives the recorder's warnings (unreadable lines on load, write errors): the app's file logger, never stdout. */
export type RecorderLogger = (message: string) => void;

/** How long opening the state directory may take before the recorder gives up (a hung mount must not hang us). */
export const DEFAULT_OPEN_DEADLINE_MS = 3_000;

export interface FlightRecorderOptions {
  /** The state directory (see stateDirectory()); created on first write. */
  directory: string;
  /** The file's name in it (see recorderFileName()). */
  fileName: string;
  /** "Now" for the age bound on load. */
  clock?: Clock;
  /** Rotate before the file would grow past this. */
  maxBytes?: number;
  /** How many rotated files to keep (file.1 … file.N). */
  keepRotated?: number;
  /** Records older than this are dropped on load. */
  maxAgeMs?: number;
  /** A line longer than this is neither written nor read. */
  maxLineBytes?: number;
  logger?: RecorderLogger;
  /**
   * What the user should hear: one sentence per problem (lines skipped at load, the directory unusable, a run of
   * write errors), for the status line or stderr. Nothing is fatal; the app goes on without recording.
   */
  onProblem?: (sentence: string) => void;
  /** Creates the state directory (mkdir -p); tests put a file system that never answers here. */
  makeDirectory?: (directory: string) => Promise<void>;
}

export interface LoadStats {
  /** The files read, oldest first. */
  files: string[];
  bytes: number;
  /** Non-empty lines seen, kept or not. */
  lines: number;
  kept: number;
  /** Lines that could not be used: not JSON, not a record, unknown kind or version, too long, truncated. */
  skipped: number;
  /** Records dropped by the age bound. */
  tooOld: number;
  /** The newest file ended in a partial line (a write was cut short): it was skipped. */
  truncatedTail: boolean;
}

export interface LoadResult extends LoadStats {
  /** The usable records, in file order (oldest file first, then as written). */
  records: RecorderRecord[];
}

export interface RecorderStats {
  /** Records accepted by append/appendNow. */
  appended: number;
  /** Records written to the file. */
  written: number;
  bytesWritten: number;
  rotations: number;
  writeErrors: number;
  /** Records that will never reach the file: failed writes, unserialisable or oversized records, appends after close. */
  lost: number;
  /** Records queued and not yet written. */
  pending: number;
}

interface Batch {
  text: string;
  count: number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function notADirectory(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${path} is not a directory`), { code: 'ENOTDIR', path });
}

/**
 * The directories from `directory` up to the first one that exists, deepest first; throws when something in the
 * way is not a directory.
 */
function missingDirectories(directory: string, isDirectory: (path: string) => boolean | undefined): string[] {
  const missing: string[] = [];
  for (let current = resolve(directory); ; current = dirname(current)) {
    const found = isDirectory(current);
    if (found === true) break;
    if (found === false) throw notADirectory(current);
    missing.push(current);
    if (dirname(current) === current) break;
  }
  return missing.reverse();
}

/** ENOTDIR: something above is a file; the walk goes on up to name it. */
function isAbsent(error: unknown): boolean {
  return isMissing(error) || errorCode(error) === 'ENOTDIR';
}

function existingDirectory(check: () => { isDirectory(): boolean }): boolean | undefined {
  try {
    return check().isDirectory();
  } catch (error) {
    if (isAbsent(error)) return undefined;
    throw error;
  }
}

/**
 * `mkdir -p`, one plain mkdir per missing level, each tried once. Not Node's recursive mkdir: under /proc (and
 * other places that answer ENOENT to a mkdir whose parent exists) that one retries forever on a pool thread, at
 * full CPU, and never returns.
 */
function makeDirectorySync(directory: string): void {
  const missing = missingDirectories(directory, (path) => existingDirectory(() => statSync(path)));
  for (const path of missing) {
    try {
      mkdirSync(path, { mode: 0o700 });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  }
}

async function makeDirectory(directory: string): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(directory); ; current = dirname(current)) {
    let found: boolean | undefined;
    try {
      found = (await stat(current)).isDirectory();
    } catch (error) {
      if (!isAbsent(error)) throw error;
    }
    if (found === true) break;
    if (found === false) throw notADirectory(current);
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const path of missing) {
    try {
      await mkdir(path, { mode: 0o700 });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
  }
  if (!(await stat(directory)).isDirectory()) throw notADirectory(directory);
}

/** One sentence on why the recorder cannot write, for the status line or stderr. */
export function recorderProblem(error: unknown, directory: string, path: string): string {
  const code = errorCode(error);
  const off = 'ecsdeck goes on without recording';
  if (code === 'ETIMEDOUT') return `Flight recorder off: ${directory} did not answer in time; ${off}.`;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const where = (error as NodeJS.ErrnoException).path ?? directory;
    return `Flight recorder off: ${where} is a file, not a directory (state directory ${directory}); ${off}.`;
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return `Flight recorder: the disk holding ${path} is full; ${off}.`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return `Flight recorder off: ${directory} is not writable (${code}); ${off}.`;
  }
  if (code === 'ENOENT') return `Flight recorder off: ${directory} cannot be created; ${off}.`;
  return `Flight recorder off: cannot write ${path} (${code ?? errorText(error)}); ${off}.`;
}

/** True when the file of an open descriptor is non-empty and its last byte is not '\n'. */
function endsMidLine(fd: number, size: number): boolean {
  if (size === 0) return false;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] !== NEWLINE;
}

export class FlightRecorder {
  readonly path: string;
  readonly #directory: string;
  readonly #clock: Clock;
  readonly #maxBytes: number;
  readonly #keepRotated: number;
  readonly #maxAgeMs: number;
  readonly #maxLineBytes: number;
  readonly #logger: RecorderLogger;
  readonly #onProblem: (sentence: string) => void;
  readonly #makeDirectory: (directory: string) => Promise<void>;

  #queue: string[] = [];
  #draining: Promise<void> | undefined;
  #handle: FileHandle | undefined;
  /** The current file's size as far as this process knows (from the open's fstat plus what it wrote since). */
  #size = 0;
  /** The open file ends in a partial line: the next write starts with '\n'. */
  #endsMidLine = false;
  #closed = false;
  /** Inside a run of write errors: the first one was reported. */
  #failing = false;
  #warnedClosed = false;
  #stats = { appended: 0, written: 0, bytesWritten: 0, rotations: 0, writeErrors: 0, lost: 0 };

  constructor(options: FlightRecorderOptions) {
    this.#directory = options.directory;
    this.path = join(options.directory, options.fileName);
    this.#clock = options.clock ?? systemClock;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#keepRotated = Math.max(0, Math.floor(options.keepRotated ?? DEFAULT_KEEP_ROTATED));
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#logger = options.logger ?? (() => {});
    this.#onProblem = options.onProblem ?? (() => {});
    this.#makeDirectory = options.makeDirectory ?? makeDirectory;
  }

  /**
   * Makes the state directory and opens the file, within `deadlineMs`. Resolves to undefined when the recorder can
   * write, else to the sentence that says why not (also given to onProblem): then do not use it. A hung file system
   * costs the deadline, never a hang, and nothing spins meanwhile.
   */
  async open(options: { deadlineMs?: number; scheduler?: Scheduler } = {}): Promise<string | undefined> {
    const scheduler = options.scheduler ?? realScheduler;
    let timer: TimerHandle | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = scheduler.setTimeout(
        () => reject(Object.assign(new Error('the state directory did not answer'), { code: 'ETIMEDOUT' })),
        options.deadlineMs ?? DEFAULT_OPEN_DEADLINE_MS,
      );
    });
    const opening = this.#openHandle();
    try {
      await Promise.race([opening, deadline]);
      return undefined;
    } catch (error) {
      // An open that completes after the deadline is closed again: this recorder is not used.
      opening.then((handle) => handle.close()).catch(() => {});
      this.#handle = undefined;
      this.#closed = true;
      const sentence = recorderProblem(error, this.#directory, this.path);
      this.#logger(`flight recorder: ${sentence}`);
      this.#onProblem(sentence);
      return sentence;
    } finally {
      if (timer) scheduler.clearTimeout(timer);
    }
  }

  /** Every file of this recorder, oldest first (rotated ones first, the current file last), existing or not. */
  files(): string[] {
    const rotated = Array.from(
      { length: this.#keepRotated },
      (_, index) => `${this.path}.${this.#keepRotated - index}`,
    );
    return [...rotated, this.path];
  }

  stats(): RecorderStats {
    return { ...this.#stats, pending: this.#queue.length };
  }

  // ---------------------------------------------------------------- writing

  /** Queues a record; returns at once. The writer puts it on disk shortly after (see flush()). */
  append(record: RecorderRecord): void {
    const line = this.#serialise(record);
    if (line === undefined) return;
    this.#queue.push(line);
    this.#scheduleDrain();
  }

  /**
   * Writes a record now, synchronously and durably (fdatasync), with any records still queued ahead of it. For the
   * action journal. Throws when it cannot write; the queued records then stay queued for the writer.
   */
  appendNow(record: RecorderRecord): void {
    const line = this.#serialise(record);
    if (line === undefined)
      throw new Error('the flight recorder cannot write this record (closed, too large or not JSON)');
    const lines = [...this.#queue.splice(0), line];
    try {
      makeDirectorySync(this.#directory);
      const fd = openSync(this.path, 'a+', 0o600);
      try {
        const data = Buffer.from((endsMidLine(fd, fstatSync(fd).size) ? '\n' : '') + lines.join(''));
        for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
        fdatasyncSync(fd);
        this.#size += data.length;
        this.#endsMidLine = false;
        this.#stats.written += lines.length;
        this.#stats.bytesWritten += data.length;
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      // Its own line is the caller's to handle (it gets the error); the others go back to the writer.
      this.#queue.unshift(...lines.slice(0, -1));
      this.#stats.appended -= 1;
      if (this.#queue.length > 0) this.#scheduleDrain();
      throw new Error(`could not write the flight recorder ${this.path}: ${errorText(error)}`, { cause: error });
    }
  }

  /** Resolves once every record appended before (and during) the call is written or counted as lost. */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  /** Flushes and closes the file. Later appends are dropped (counted as lost, one warning). */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    await this.#closeHandle();
  }

  #serialise(record: RecorderRecord): string | undefined {
    if (this.#closed) {
      this.#stats.lost += 1;
      if (!this.#warnedClosed) {
        this.#warnedClosed = true;
        this.#logger(`flight recorder: a ${record.kind} record arrived after close and was not written`);
      }
      return undefined;
    }
    let line: string;
    try {
      line = `${JSON.stringify(record)}\n`;
    } catch (error) {
      this.#stats.lost += 1;
      this.#logger(`flight recorder: a ${record.kind} record could not be serialised: ${errorText(error)}`);
      return undefined;
    }
    if (Buffer.byteLength(line) > this.#maxLineBytes) {
      this.#stats.lost += 1;
      this.#logger(
        `flight recorder: a ${record.kind} record of ${Buffer.byteLength(line)} bytes is over the line limit`,
      );
      return undefined;
    }
    this.#stats.appended += 1;
    return line;
  }

  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = (async () => {
      // Let the rest of this tick's appends join the first batch.
      await Promise.resolve();
      await this.#drain();
    })().finally(() => {
      this.#draining = undefined;
      // An append between the drain's last look at the queue and this point would otherwise wait for the next one.
      if (this.#queue.length > 0) this.#scheduleDrain();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#takeBatch();
      try {
        await this.#write(batch);
        this.#failing = false;
      } catch (error) {
        this.#stats.writeErrors += 1;
        this.#stats.lost += batch.count;
        if (!this.#failing) {
          this.#failing = true;
          this.#logger(
            `flight recorder: cannot write ${this.path}: ${errorText(error)}; records are lost until it recovers`,
          );
          this.#onProblem(recorderProblem(error, this.#directory, this.path));
        }
        // A partial write may have left a broken tail: reopening checks the last byte again.
        await this.#closeHandle().catch(() => {});
      }
    }
  }

  #takeBatch(): Batch {
    let bytes = 0;
    let count = 0;
    while (count < this.#queue.length && (count === 0 || bytes < BATCH_BYTES)) {
      bytes += (this.#queue[count] as string).length;
      count += 1;
    }
    return { text: this.#queue.splice(0, count).join(''), count };
  }

  async #write(batch: Batch): Promise<void> {
    let handle = await this.#openHandle();
    const body = Buffer.from(batch.text);
    if (this.#size > 0 && this.#size + body.length > this.#maxBytes) {
      await this.#rotate();
      handle = await this.#openHandle();
    }
    const data = this.#endsMidLine ? Buffer.concat([Buffer.from('\n'), body]) : body;
    for (let offset = 0; offset < data.length; ) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
      this.#size += bytesWritten;
      // Once the leading '\n' is out, the broken tail is closed whatever happens next.
      this.#endsMidLine = false;
    }
    this.#stats.written += batch.count;
    this.#stats.bytesWritten += data.length;
  }

  async #openHandle(): Promise<FileHandle> {
    if (this.#handle) return this.#handle;
    await this.#makeDirectory(this.#directory);
    // a+: appends, and lets us read the last byte to detect a partial line left by a crash.
    const handle = await open(this.path, 'a+', 0o600);
    try {
      const { size } = await handle.stat();
      this.#size = size;
      this.#endsMidLine = endsMidLine(handle.fd, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
    this.#handle = handle;
    return handle;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }

  /** file.N-1 -> file.N … file -> file.1; the oldest is overwritten. Without rotated files, the file starts over. */
  async #rotate(): Promise<void> {
    await this.#closeHandle();
    if (this.#keepRotated === 0) {
      await rm(this.path, { force: true });
    } else {
      for (let index = this.#keepRotated; index >= 1; index--) {
        const from = index === 1 ? this.path : `${this.path}.${index - 1}`;
        try {
          await rename(from, `${this.path}.${index}`);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    }
    this.#stats.rotations += 1;
  }

  // ---------------------------------------------------------------- reading

  /** Reads every file, oldest first, and returns the usable records (see scan() to fold without holding them). */
  async load(): Promise<LoadResult> {
    const records: RecorderRecord[] = [];
    const stats = await this.scan((record) => records.push(record));
    return { ...stats, records };
  }

  /**
   * Streams every file oldest first and hands each usable record within the age bound to `visit`, in file order.
   * Never throws for file content or missing files; one warning sums up what was skipped or unreadable.
   */
  async scan(visit: (record: RecorderRecord) => void): Promise<LoadStats> {
    const cutoff = this.#clock.now() - this.#maxAgeMs;
    const stats: LoadStats = { files: [], bytes: 0, lines: 0, kept: 0, skipped: 0, tooOld: 0, truncatedTail: false };
    const unreadable: string[] = [];
    const takeLine = (text: string) => {
      if (text.trim() === '') return;
      stats.lines += 1;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        stats.skipped += 1;
        return;
      }
      const record = parseRecord(value);
      if (!record) stats.skipped += 1;
      else if (record.at < cutoff) stats.tooOld += 1;
      else {
        stats.kept += 1;
        visit(record);
      }
    };

    for (const file of this.files()) {
      let endedMidLine: boolean;
      try {
        endedMidLine = await this.#readLines(file, stats, takeLine);
      } catch (error) {
        if (!isMissing(error)) unreadable.push(`${file}: ${errorText(error)}`);
        continue;
      }
      stats.files.push(file);
      if (endedMidLine) {
        stats.lines += 1;
        stats.skipped += 1;
      }
      stats.truncatedTail = endedMidLine;
    }

    const problems: string[] = [];
    if (stats.skipped > 0) {
      problems.push(
        `skipped ${stats.skipped} unreadable line${stats.skipped === 1 ? '' : 's'} (corrupt, truncated or from a newer ecsdeck)`,
      );
    }
    if (unreadable.length > 0) problems.push(`could not read ${unreadable.join('; ')}`);
    if (problems.length > 0) {
      this.#logger(`flight recorder ${this.path}: ${problems.join('; ')}; ${stats.kept} records loaded`);
      this.#onProblem(
        `Flight recorder ${this.path}: ${problems.join('; ')}; ${stats.kept} record${stats.kept === 1 ? '' : 's'} loaded.`,
      );
    }
    return stats;
  }

  /**
   * Streams one file and hands each complete line to `takeLine`. Lines over the limit are skipped without being
   * held. Answers whether the file ended in a partial line (which is not handed over).
   */
  async #readLines(file: string, stats: LoadStats, takeLine: (text: string) => void): Promise<boolean> {
    // A device in the file's place (/dev/zero, /dev/full) would be read forever.
    if (!(await stat(file)).isFile()) throw new Error('not a regular file');
    const stream = createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    let carry: Buffer[] = [];
    let carryBytes = 0;
    let overlong = false;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      stats.bytes += chunk.length;
      let start = 0;
      for (let newline = chunk.indexOf(NEWLINE, start); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
        if (overlong || carryBytes + newline - start > this.#maxLineBytes) {
          stats.lines += 1;
          stats.skipped += 1;
          overlong = false;
        } else if (carryBytes > 0) {
          takeLine(Buffer.concat([...carry, chunk.subarray(start, newline)]).toString('utf8'));
        } else {
          takeLine(chunk.toString('utf8', start, newline));
        }
        carry = [];
        carryBytes = 0;
        start = newline + 1;
      }
      if (start < chunk.length && !overlong) {
        carry.push(chunk.subarray(start));
        carryBytes += chunk.length - start;
        if (carryBytes > this.#maxLineBytes) {
          overlong = true;
          carry = [];
          carryBytes = 0;
        }
      }
    }
    return overlong || carryBytes > 0;
  }
}
