/**
 * Acceptance 5: a process killed with SIGKILL mid-write, then restarted, loses nothing but the line being written;
 * the file loads and the earlier failures are still in the feed. A real child process writes large records in a
 * loop; the test kills it once it has reported enough written, three runs in a row on the same file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.ts';
import { failureOccurrences } from '../../src/recorder/fold.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import { actionFailureRecord, type RecorderRecord } from '../../src/recorder/records.ts';
import { tempDirectory } from './helpers.ts';

const root = resolve(import.meta.dirname, '../..');
const fixture = join(import.meta.dirname, 'fixtures', 'crashingWriter.ts');
const FILE = 'recorder-crash.jsonl';
const BASE_AT = Date.UTC(2025, 0, 15, 9, 0, 0);
/** The huge record of each batch: a write of several MiB is long enough for a kill to land inside it. */
const HUGE_RECORD_BYTES = 4 * 2 ** 20;
const RUNS = 3;
const WANTED_PER_RUN = 48;
const DEADLINE_MS = 25_000;

let directory: string;
let cleanup: () => void;
let child: ChildProcess | undefined;

beforeEach(() => {
  ({ directory, cleanup } = tempDirectory());
});
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  cleanup();
});

/**
 * Kills the writer as soon as the file grows again, that is while its next write is under way (a bounded wait: the
 * writer never pauses for long between writes).
 */
function killMidWrite(writer: ChildProcess): void {
  const path = join(directory, FILE);
  const size = statSync(path).size;
  const deadline = performance.now() + 2_000;
  while (statSync(path).size === size && performance.now() < deadline) {
    // Spin on the file's size: a timer would let the write finish first.
  }
  writer.kill('SIGKILL');
}

/**
 * Starts a writer and resolves with the count it last reported once that reaches `wanted`, with the process already
 * killed; rejects if it exits on its own or the deadline passes.
 */
function runAndKill(run: number, wanted: number): Promise<number> {
  const writer = spawn(
    process.execPath,
    ['--import', 'tsx', fixture, directory, FILE, String(run), String(HUGE_RECORD_BYTES)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = writer;
  return new Promise((resolvePromise, reject) => {
    let reported = 0;
    let stdout = '';
    let stderr = '';
    let killed = false;
    const deadline = setTimeout(() => {
      writer.kill('SIGKILL');
      reject(new Error(`the writer reported ${reported} records in ${DEADLINE_MS} ms; stderr: ${stderr}`));
    }, DEADLINE_MS);
    writer.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    writer.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const complete = stdout.slice(0, stdout.lastIndexOf('\n'));
      reported = Number(complete.slice(complete.lastIndexOf('\n') + 1)) || reported;
      if (!killed && reported >= wanted) {
        killed = true;
        killMidWrite(writer);
      }
    });
    writer.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal === 'SIGKILL' && killed) resolvePromise(reported);
      else reject(new Error(`the writer exited by itself (code ${code}, signal ${signal}); stderr: ${stderr}`));
    });
  });
}

function recorder(): FlightRecorder {
  return new FlightRecorder({
    directory,
    fileName: FILE,
    clock: new ManualClock(BASE_AT + 60_000),
    maxBytes: 2 ** 40,
    maxLineBytes: HUGE_RECORD_BYTES + 4096,
  });
}

function parsesAsJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** The sequence numbers of each run's failure records, in file order. */
function sequencesByRun(records: readonly RecorderRecord[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const record of records) {
    if (record.kind !== 'failure') continue;
    const [run, seq] = record.id.split(':').map(Number) as [number, number];
    out.set(run, [...(out.get(run) ?? []), seq]);
  }
  return out;
}

describe('a writer killed with SIGKILL', () => {
  // Three child processes and a few dozen MiB of I/O: more than the default timeout on a busy 2-core machine.
  it('loses at most the line being written, run after run, and the feed keeps the earlier failures', {
    timeout: 120_000,
  }, async () => {
    const reportedByRun = new Map<number, number>();
    let cutLines = 0;
    for (let run = 1; run <= RUNS; run++) {
      reportedByRun.set(run, await runAndKill(run, WANTED_PER_RUN));

      const loaded = await recorder().load();
      if (loaded.truncatedTail) cutLines += 1;
      // Each run leaves at most one broken line behind; nothing else is unreadable. (A cut just before the '\n'
      // leaves a whole record without its newline: skipped while it is the tail, readable once closed.)
      expect(loaded.skipped).toBeLessThanOrEqual(cutLines);
      expect(loaded.skipped).toBeGreaterThanOrEqual(loaded.truncatedTail ? 1 : 0);

      const sequences = sequencesByRun(loaded.records);
      for (const [earlierRun, reported] of reportedByRun) {
        const seqs = sequences.get(earlierRun) ?? [];
        // An unbroken prefix: nothing missing before the line the kill cut off.
        expect(seqs).toEqual(seqs.map((_, index) => index));
        // Everything the writer had reported as written is there.
        expect(seqs.length).toBeGreaterThanOrEqual(reported);
      }

      // The feed built from the file still has the first run's failures.
      const feedIds = new Set(failureOccurrences(loaded.records).map((occurrence) => occurrence.id));
      for (let seq = 0; seq < (reportedByRun.get(1) ?? 0); seq++) expect(feedIds.has(`1:${seq}`)).toBe(true);
    }

    // Every complete line of the file is a whole record or the start of one that a kill cut short.
    const text = readFileSync(join(directory, FILE), 'utf8');
    const parts = text.split('\n');
    const tail = parts.pop() ?? '';
    const unreadable = parts.filter((line) => !parsesAsJson(line));
    expect(unreadable.length).toBeLessThanOrEqual(cutLines);
    for (const line of unreadable) expect(line.startsWith('{"v":1,"kind":"')).toBe(true);

    // Restarted once more, in-process this time: new records load after the damage, never glued onto it.
    const before = await recorder().load();
    const writer = recorder();
    const added = Array.from({ length: 5 }, (_, index) =>
      actionFailureRecord(
        { reason: 'AGENT' },
        { id: `after:${index}`, at: BASE_AT + 30_000 + index, operation: 'StartTask' },
      ),
    );
    for (const record of added) writer.append(record);
    await writer.close();
    const after = await recorder().load();
    // A tail cut exactly before its newline is a whole record, readable once the next write closes it.
    const tailWasWhole = tail !== '' && parsesAsJson(tail);
    expect(after.records.slice(0, before.records.length)).toEqual(before.records);
    expect(after.records.slice(before.records.length + (tailWasWhole ? 1 : 0))).toEqual(added);
    expect(after.truncatedTail).toBe(false);
    expect(after.skipped).toBe(before.skipped - (tailWasWhole ? 1 : 0));
  });
});
