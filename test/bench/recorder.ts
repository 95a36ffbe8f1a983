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
import type { Task } from '../../src/domain/model.ts';
import { ManualClock } from '../../src/lib/clock.ts';
import { SeededRandom } from '../../src/lib/random.ts';
import { actionJournal, failureOccurrences, transitionsByTask } from '../../src/recorder/fold.ts';
import { FlightRecorder } from '../../src/recorder/recorder.ts';
import {
  actionFailureRecord,
  actionRecord,
  type RecorderRecord,
  serviceEventFailureRecord,
  stoppedTaskRecord,
  transitionRecord,
} from '../../src/recorder/records.ts';

const START_MS = Date.UTC(2025, 0, 15, 9, 0, 0);
const FILE = 'recorder-bench.jsonl';
const CLUSTERS = 20;
const SERVICES = 500;
const INSTANCES = 400;
/** Tasks replaced per minute across the account: each replacement is seen as ~4 statuses by 5 s polls. */
const REPLACEMENTS_PER_MINUTE = 80;
/** One failed task every this many seconds. */
const FAILURE_EVERY_S = 3;
/** One placement-failure event every this many seconds. */
const PLACEMENT_EVERY_S = 20;
const ACTIONS_PER_HOUR = 12;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;

interface Fleet {
  clusters: string[];
  services: { name: string; arn: string; cluster: string; family: string }[];
  instances: string[][];
}

function fleet(random: SeededRandom): Fleet {
  const clusters = Array.from({ length: CLUSTERS }, (_, index) => `cluster-${String(index).padStart(2, '0')}`);
  const services = Array.from({ length: SERVICES }, (_, index) => {
    const cluster = clusters[index % CLUSTERS] as string;
    const name = `svc-${String(index).padStart(3, '0')}`;
    return { name, arn: arn(`service/${cluster}/${name}`), cluster, family: `${name}-td` };
  });
  const instances = clusters.map((cluster) =>
    Array.from({ length: INSTANCES / CLUSTERS }, () => arn(`container-instance/${cluster}/${random.hex(32)}`)),
  );
  return { clusters, services, instances };
}

const FAILURE_SHAPES: readonly ((task: Task) => void)[] = [
  (task) => {
    task.stopCode = 'EssentialContainerExited';
    task.stoppedReason = 'Essential container in task exited';
    task.containers = [
      {
        name: 'app',
        image: 'registry.example.com/app:2.4.1',
        lastStatus: 'STOPPED',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29', lastStatus: 'STOPPED', exitCode: 0 },
    ];
  },
  (task) => {
    task.stopCode = 'ServiceSchedulerInitiated';
    task.stoppedReason = 'Task failed container health checks';
    task.containers = [
      {
        name: 'app',
        image: 'registry.example.com/app:2.4.1',
        lastStatus: 'STOPPED',
        exitCode: 143,
        healthStatus: 'UNHEALTHY',
      },
    ];
  },
  (task) => {
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason =
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/batch:latest: not found';
    task.containers = [
      {
        name: 'job',
        image: 'registry.example.com/batch:latest',
        lastStatus: 'STOPPED',
        reason: 'CannotPullContainerError: not found',
      },
    ];
  },
  (task) => {
    task.stopCode = 'EssentialContainerExited';
    task.stoppedReason = 'Essential container in task exited';
    task.containers = [{ name: 'job', image: 'registry.example.com/batch:1.9.0', lastStatus: 'STOPPED', exitCode: 1 }];
  },
];

/** An hour (or more) of what the pollers would record, in time order. */
function* history(hours: number, random: SeededRandom): Generator<RecorderRecord> {
  const { clusters, services, instances } = fleet(random.fork('fleet'));
  const endMs = START_MS + hours * 3_600_000;
  const replacementEveryMs = 60_000 / REPLACEMENTS_PER_MINUTE;
  let nextReplacement = START_MS;
  let nextFailure = START_MS;
  let nextPlacement = START_MS;
  let nextAction = START_MS;
  let actionCounter = 0;
  // Tasks are observed on 5 s polls: each replacement gives PROVISIONING/PENDING, RUNNING, then later the stop.
  const pendingStops: { at: number; task: Task; service: string }[] = [];

  const newTask = (at: number) => {
    const service = random.pick(services);
    const clusterIndex = clusters.indexOf(service.cluster);
    const task: Task = {
      taskArn: arn(`task/${service.cluster}/${random.hex(32)}`),
      clusterArn: arn(`cluster/${service.cluster}`),
      taskDefinitionArn: arn(`task-definition/${service.family}:${random.int(1, 40)}`),
      containerInstanceArn: random.pick(instances[clusterIndex] as string[]),
      availabilityZone: `${REGION}${random.pick(['a', 'b', 'c'])}`,
      group: `service:${service.name}`,
      startedBy: `ecs-svc/${random.digits(19)}`,
      launchType: 'EC2',
      desiredStatus: 'RUNNING',
      createdAt: at,
    };
    return { task, service };
  };

  for (let at = START_MS; at < endMs; at += 250) {
    const out: RecorderRecord[] = [];
    while (nextReplacement <= at) {
      const { task, service } = newTask(nextReplacement);
      out.push(
        transitionRecord({ ...task, lastStatus: 'PENDING' }, nextReplacement, {
          service: service.name,
        }) as RecorderRecord,
      );
      task.pullStartedAt = nextReplacement + 1_000;
      task.pullStoppedAt = nextReplacement + 4_000;
      task.startedAt = nextReplacement + 5_000;
      out.push(
        transitionRecord({ ...task, lastStatus: 'RUNNING' }, nextReplacement + 5_000, {
          service: service.name,
        }) as RecorderRecord,
      );
      pendingStops.push({ at: nextReplacement + random.int(60_000, 600_000), task, service: service.name });
      nextReplacement += replacementEveryMs;
    }
    while (nextFailure <= at) {
      const { task, service } = newTask(nextFailure - 120_000);
      task.startedAt = nextFailure - 110_000;
      task.stoppingAt = nextFailure - 2_000;
      task.executionStoppedAt = nextFailure - 1_000;
      task.stoppedAt = nextFailure;
      task.lastStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      random.pick(FAILURE_SHAPES)(task);
      out.push(transitionRecord(task, nextFailure, { service: service.name }) as RecorderRecord);
      out.push(
        stoppedTaskRecord(task, nextFailure, {
          serviceName: service.name,
          essentialContainers: [task.containers?.[0]?.name ?? 'app'],
        }),
      );
      nextFailure += FAILURE_EVERY_S * 1_000;
    }
    while (nextPlacement <= at) {
      const service = random.pick(services);
      const record = serviceEventFailureRecord(
        { serviceArn: service.arn, serviceName: service.name, clusterArn: arn(`cluster/${service.cluster}`) },
        {
          id: random.uuid(),
          createdAt: nextPlacement,
          message: `(service ${service.name}) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${random.hex(32)}) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
        },
      );
      if (record) out.push(record);
      nextPlacement += PLACEMENT_EVERY_S * 1_000;
    }
    while (nextAction <= at) {
      actionCounter += 1;
      const id = `act-${actionCounter}`;
      const cluster = random.pick(clusters);
      const targets = Array.from({ length: 10 }, () => arn(`container-instance/${cluster}/${random.hex(32)}`));
      const common = { id, operation: 'UpdateContainerInstancesState', targets, clusterArn: arn(`cluster/${cluster}`) };
      out.push(
        actionRecord({ ...common, at: nextAction, phase: 'before', parameters: { status: 'DRAINING' }, user: 'alice' }),
      );
      const failures = [{ arn: targets[0] as string, reason: 'MISSING' }];
      out.push(actionRecord({ ...common, at: nextAction + 300, phase: 'after', outcome: 'partial', failures }));
      out.push(
        actionFailureRecord(failures[0] as { arn: string; reason: string }, {
          id: `${id}#0`,
          at: nextAction + 300,
          operation: common.operation,
          clusterArn: common.clusterArn,
        }),
      );
      nextAction += 3_600_000 / ACTIONS_PER_HOUR;
    }
    for (let index = pendingStops.length - 1; index >= 0; index--) {
      const stop = pendingStops[index] as (typeof pendingStops)[number];
      if (stop.at > at) continue;
      pendingStops.splice(index, 1);
      out.push(
        transitionRecord({ ...stop.task, lastStatus: 'DEPROVISIONING', desiredStatus: 'STOPPED' }, stop.at, {
          service: stop.service,
        }) as RecorderRecord,
      );
      out.push(
        transitionRecord({ ...stop.task, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }, stop.at + 5_000, {
          service: stop.service,
        }) as RecorderRecord,
      );
    }
    yield* out;
  }
}

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
