/**
 * Flight recorder benchmark: `npx tsx test/bench/recorder.ts [hours]` (default 1).
 *
 * Generates the history ecsdeck would record watching the large scenario (20 clusters, 500 services, 10,000 tasks)
 * for the given hours: a steady churn of tasks whose observed transitions come to a few hundred a minute, a failed
 * task every few seconds (OOM kills, failed health checks, image pull errors, exit 1), placement-failure events, and
 * a handful of actions with their journal lines and `failures`. It is written through the real FlightRecorder with
 * the default bounds (20 MiB files, two rotated), then loaded by a fresh process that reports:
 * - the size on disk and the records per kind;
 * - the write path: per-call append() cost (what the UI thread pays) and the wall time to flush;
 * - load time, and resident memory and heap after a full GC: before loading, holding the loaded records, and
 *   holding only what the store keeps from them (failure occurrences, transitions per task, the journal).
 *
 * Not part of `npm test`: timings depend on the machine. Writes test/bench/results/recorder.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../src/lib/clock.ts';
import { SeededRandom } from '../../src/lib/random.ts';
import { actionJournal, failureOccurrences, transitionsByTask } from '../../src/recorder/fold.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import { history, START_MS } from './recorderHistory.ts';

const FILE = 'recorder-bench.jsonl';

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

function memory(): { rssMiB: number; heapUsedMiB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return { rssMiB: round(usage.rss / 2 ** 20), heapUsedMiB: round(usage.heapUsed / 2 ** 20) };
}

/** The child: load with a clean heap and report memory and times as JSON on stdout. */
async function measureLoad(directory: string, endMs: number): Promise<void> {
  const before = memory();
  const recorder = new FlightRecorder({ directory, fileName: FILE, clock: new ManualClock(endMs) });
  const started = performance.now();
  const loaded = await recorder.load();
  const loadMs = performance.now() - started;
  const holdingRecords = memory();
  const foldStarted = performance.now();
  const kept = {
    occurrences: failureOccurrences(loaded.records),
    transitions: transitionsByTask(loaded.records),
    journal: actionJournal(loaded.records),
  };
  const foldMs = performance.now() - foldStarted;
  loaded.records.length = 0;
  const holdingFolded = memory();
  process.stdout.write(
    JSON.stringify({
      loadMs: round(loadMs, 0),
      foldMs: round(foldMs, 0),
      kept: loaded.kept,
      skipped: loaded.skipped,
      files: loaded.files.length,
      bytes: loaded.bytes,
      memory: { before, holdingRecords, holdingFolded },
      folded: {
        occurrences: kept.occurrences.length,
        tasksWithTransitions: kept.transitions.size,
        actions: kept.journal.length,
      },
    }),
  );
}

async function main(): Promise<void> {
  const hours = Number(process.argv[2] ?? '1');
  const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-recorder-bench-'));
  try {
    const endMs = START_MS + hours * 3_600_000;
    const recorder = new FlightRecorder({ directory, fileName: FILE, clock: new ManualClock(endMs) });
    const counts: Record<string, number> = {};
    const bytesByKind: Record<string, number> = {};
    const appendCosts: number[] = [];
    const writeStarted = performance.now();
    let pendingSinceFlush = 0;
    for (const record of history(hours, new SeededRandom(7))) {
      counts[record.kind] = (counts[record.kind] ?? 0) + 1;
      bytesByKind[record.kind] = (bytesByKind[record.kind] ?? 0) + JSON.stringify(record).length + 1;
      const started = performance.now();
      recorder.append(record);
      appendCosts.push(performance.now() - started);
      // Pollers hand over a burst per refresh; let the writer run between bursts as the event loop would.
      if (++pendingSinceFlush >= 200) {
        pendingSinceFlush = 0;
        await recorder.flush();
      }
    }
    await recorder.close();
    const writeMs = performance.now() - writeStarted;
    const stats = recorder.stats();
    const onDisk = recorder.files().reduce((sum, file) => {
      try {
        return sum + statSync(file).size;
      } catch {
        return sum;
      }
    }, 0);

    const child = spawnSync(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--measure-load', directory, String(endMs)],
      { encoding: 'utf8', maxBuffer: 2 ** 24 },
    );
    if (child.status !== 0) throw new Error(`the load measurement failed: ${child.stderr}`);
    const load = JSON.parse(child.stdout);

    const sortedCosts = [...appendCosts].sort((a, b) => a - b);
    const records = Object.values(counts).reduce((sum, count) => sum + count, 0);
    const results = {
      machine: { node: process.versions.node, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism() },
      hours,
      generated: {
        records,
        perKind: counts,
        bytesPerRecordByKind: Object.fromEntries(
          Object.entries(bytesByKind).map(([kind, bytes]) => [kind, round(bytes / (counts[kind] ?? 1), 0)]),
        ),
        transitionsPerMinute: round((counts.transition ?? 0) / (hours * 60), 0),
      },
      disk: { bytesOnDisk: onDisk, MiB: round(onDisk / 2 ** 20, 2), rotations: stats.rotations, lost: stats.lost },
      write: {
        wallMs: round(writeMs, 0),
        appendMedianUs: round(percentile(sortedCosts, 0.5) * 1000, 1),
        appendP99Us: round(percentile(sortedCosts, 0.99) * 1000, 1),
        appendMaxUs: round((sortedCosts[sortedCosts.length - 1] ?? 0) * 1000, 1),
      },
      load,
    };

    const rows: [string, string][] = [
      [
        'history',
        `${hours} h of the large scenario: ${records} records (${results.generated.transitionsPerMinute} transitions/min)`,
      ],
      [
        'records per kind',
        Object.entries(counts)
          .map(([kind, count]) => `${kind} ${count}`)
          .join(', '),
      ],
      [
        'bytes per record',
        Object.entries(results.generated.bytesPerRecordByKind)
          .map(([kind, bytes]) => `${kind} ${bytes}`)
          .join(', '),
      ],
      ['on disk', `${results.disk.MiB} MiB in ${load.files} file(s), ${stats.rotations} rotation(s)`],
      [
        'append() per call',
        `median ${results.write.appendMedianUs} µs, p99 ${results.write.appendP99Us} µs, max ${results.write.appendMaxUs} µs`,
      ],
      ['write all + flush', `${results.write.wallMs} ms`],
      ['load', `${load.loadMs} ms for ${load.kept} records (${load.skipped} skipped)`],
      [
        'fold for the store',
        `${load.foldMs} ms: ${load.folded.occurrences} failure occurrences, ${load.folded.tasksWithTransitions} tasks with transitions, ${load.folded.actions} actions`,
      ],
      ['RSS / heap before load', `${load.memory.before.rssMiB} MiB / ${load.memory.before.heapUsedMiB} MiB`],
      [
        'RSS / heap holding records',
        `${load.memory.holdingRecords.rssMiB} MiB / ${load.memory.holdingRecords.heapUsedMiB} MiB`,
      ],
      [
        'RSS / heap holding folded',
        `${load.memory.holdingFolded.rssMiB} MiB / ${load.memory.holdingFolded.heapUsedMiB} MiB`,
      ],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    process.stdout.write(
      `ecsdeck flight recorder benchmark (Node ${process.versions.node}, ${results.machine.cores} cores)\n\n`,
    );
    for (const [label, value] of rows) process.stdout.write(`  ${label.padEnd(width)}  ${value}\n`);
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'recorder.json');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`\nWrote ${out}\n`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--measure-load') await measureLoad(process.argv[3] as string, Number(process.argv[4]));
else await main();
