import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { FlightRecorder, type FlightRecorderOptions } from '../../src/recorder/recorder.ts';
import {
  actionFailureRecord,
  actionRecord,
  RECORD_FORMAT_VERSION,
  type RecorderRecord,
  serviceEventFailureRecord,
  stoppedTaskRecord,
  transitionRecord,
} from '../../src/recorder/records.ts';
import { CLUSTER, NOW, oomTask, paymentsService, placementEvent, tempDirectory } from './helpers.ts';

const FILE = 'recorder-test.jsonl';
const DAY = 24 * 60 * 60_000;

let directory: string;
let cleanup: () => void;
let warnings: string[];
let clock: ManualClock;

beforeEach(() => {
  ({ directory, cleanup } = tempDirectory());
  warnings = [];
  clock = new ManualClock(NOW);
});
afterEach(() => cleanup());

function recorder(options: Partial<FlightRecorderOptions> = {}): FlightRecorder {
  return new FlightRecorder({
    directory,
    fileName: FILE,
    clock,
    logger: (message) => warnings.push(message),
    ...options,
  });
}

function transitionAt(at: number, id = 'abc'): RecorderRecord {
  const record = transitionRecord(
    { taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`, lastStatus: 'RUNNING', desiredStatus: 'RUNNING' },
    at,
    { clusterArn: CLUSTER, service: 'web' },
  );
  if (!record) throw new Error('a task with a status has a transition');
  return record;
}

function oneOfEachKind(): RecorderRecord[] {
  const task = oomTask('9f8e7d6c5b4a39281706f5e4d3c2b1a0');
  const transition = transitionRecord(task, NOW - 5_000, { service: 'payments' });
  const event = serviceEventFailureRecord(paymentsService, placementEvent('e-1'));
  if (!transition || !event) throw new Error('fixtures are complete');
  return [
    transition,
    stoppedTaskRecord(task, NOW - 4_000, { serviceName: 'payments', essentialContainers: ['app'] }),
    event,
    actionFailureRecord(
      { arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/abc', reason: 'RESOURCE:MEMORY' },
      { id: 'act-1#0', at: NOW - 3_000, operation: 'StartTask', group: 'family:nightly', clusterArn: CLUSTER },
    ),
    actionRecord({
      at: NOW - 2_000,
      id: 'act-1',
      phase: 'before',
      operation: 'StopTask',
      targets: [task.taskArn],
      clusterArn: CLUSTER,
      parameters: { reason: 'Stopped by alice from ecsdeck' },
      user: 'alice',
    }),
    actionRecord({
      at: NOW - 1_000,
      id: 'act-1',
      phase: 'after',
      operation: 'StopTask',
      targets: [task.taskArn],
      outcome: 'partial',
      result: { stopped: [task.taskArn], statuses: { [task.taskArn]: 'STOPPED' } },
      failures: [{ arn: task.taskArn, reason: 'MISSING' }],
      error: 'one task was already gone',
    }),
  ];
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n');
}

describe('FlightRecorder writing and loading', () => {
  it('round-trips one record of each kind, one line each', async () => {
    const records = oneOfEachKind();
    const writer = recorder();
    for (const record of records) writer.append(record);
    await writer.close();

    const text = readFileSync(writer.path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(records.length + 1);

    const loaded = await recorder().load();
    expect(loaded.records).toEqual(records);
    expect(loaded).toMatchObject({ kept: records.length, skipped: 0, tooOld: 0, truncatedTail: false });
    expect(loaded.files).toEqual([writer.path]);
    expect(warnings).toEqual([]);
  });

  it('trims a stopped task to what the feed and timelines need', async () => {
    const task = oomTask('aaaa');
    const writer = recorder();
    writer.append(stoppedTaskRecord(task, NOW));
    await writer.close();
    const [record] = (await recorder().load()).records;
    if (record?.kind !== 'stopped-task') throw new Error('expected the stopped task back');
    expect(record.task.stoppedAt).toBe(task.stoppedAt);
    expect(record.task.containers?.[0]).toEqual({
      name: 'app',
      image: 'registry.example.com/payments:2.4.1',
      lastStatus: 'STOPPED',
      exitCode: 137,
      reason: 'OutOfMemoryError: Container killed due to memory usage',
      healthStatus: 'UNKNOWN',
    });
    expect(record.task).not.toHaveProperty('overrides');
    expect(record.task).not.toHaveProperty('tags');
    expect(record.task).not.toHaveProperty('cpu');
  });

  it('queues appends without touching the disk until the writer runs', async () => {
    const writer = recorder();
    writer.append(transitionAt(NOW));
    writer.append(transitionAt(NOW + 1));
    expect(writer.stats().pending).toBe(2);
    expect(existsSync(writer.path)).toBe(false);
    await writer.flush();
    expect(writer.stats()).toMatchObject({ pending: 0, appended: 2, written: 2, lost: 0 });
    expect(lines(writer.path)).toHaveLength(3);
    await writer.close();
  });

  it('serialises at append time: later changes to the object do not reach the file', async () => {
    const writer = recorder();
    const record = actionRecord({ at: NOW, id: 'a', phase: 'before', operation: 'StopTask', targets: ['t1'] });
    writer.append(record);
    record.targets.push('t2');
    await writer.close();
    const [loaded] = (await recorder().load()).records;
    expect(loaded).toMatchObject({ kind: 'action', targets: ['t1'] });
  });

  it('appendNow writes synchronously, after what was already queued', async () => {
    const writer = recorder();
    writer.append(transitionAt(NOW, 'queued'));
    const before = actionRecord({ at: NOW + 1, id: 'x', phase: 'before', operation: 'StopTask', targets: ['t'] });
    writer.appendNow(before);
    // On disk at once, in order, with nothing left for the writer.
    const onDisk = lines(writer.path).filter(Boolean);
    expect(onDisk.map((line) => JSON.parse(line).kind)).toEqual(['transition', 'action']);
    expect(writer.stats().pending).toBe(0);
    writer.append(transitionAt(NOW + 2, 'later'));
    await writer.close();
    const loaded = await recorder().load();
    expect(loaded.records.map((record) => record.at)).toEqual([NOW, NOW + 1, NOW + 2]);
  });

  it('reads a missing file as empty, without a warning', async () => {
    const loaded = await recorder().load();
    expect(loaded).toMatchObject({ records: [], files: [], kept: 0, skipped: 0 });
    expect(warnings).toEqual([]);
  });
});

describe('rotation and bounds', () => {
  it('rotates before the file passes maxBytes, keeps two old files and loads them oldest first', async () => {
    const maxBytes = 4_000;
    const writer = recorder({ maxBytes, keepRotated: 2 });
    const total = 200;
    for (let index = 0; index < total; index++) {
      writer.append(transitionAt(NOW + index, `task-${index}`));
      // Small batches, as a live poller produces them.
      if (index % 5 === 4) await writer.flush();
    }
    await writer.close();

    expect(writer.stats().rotations).toBeGreaterThan(2);
    const [oldest, older, current] = writer.files();
    for (const file of [oldest, older, current]) {
      expect(existsSync(file as string)).toBe(true);
      expect(statSync(file as string).size).toBeLessThanOrEqual(maxBytes);
    }
    expect(existsSync(`${writer.path}.3`)).toBe(false);

    const loaded = await recorder({ keepRotated: 2 }).load();
    expect(loaded.files).toEqual([oldest, older, current]);
    // What is kept is the newest stretch, unbroken and in order, ending with the last record written.
    const times = loaded.records.map((record) => record.at);
    expect(times.length).toBeGreaterThan(0);
    expect(times.length).toBeLessThan(total);
    expect(times[times.length - 1]).toBe(NOW + total - 1);
    expect(times).toEqual(times.map((_, index) => NOW + total - times.length + index));
    expect(loaded.bytes).toBeLessThanOrEqual(3 * maxBytes);
  });

  it('drops records older than the age bound on load', async () => {
    const writer = recorder();
    writer.append(transitionAt(NOW - 8 * DAY, 'ancient'));
    writer.append(transitionAt(NOW - 6 * DAY, 'recent'));
    writer.append(transitionAt(NOW, 'now'));
    await writer.close();

    const loaded = await recorder().load();
    expect(loaded.records.map((record) => record.at)).toEqual([NOW - 6 * DAY, NOW]);
    expect(loaded.tooOld).toBe(1);
    expect(loaded.skipped).toBe(0);
    expect(warnings).toEqual([]);

    clock.advance(2 * DAY);
    expect((await recorder().load()).records.map((record) => record.at)).toEqual([NOW]);
    expect((await recorder({ maxAgeMs: DAY }).load()).records).toEqual([]);
  });
});

describe('damaged files', () => {
  it('skips corrupt lines of every sort, counts them and warns once', async () => {
    const good = [transitionAt(NOW, 'a'), transitionAt(NOW + 1, 'b'), transitionAt(NOW + 2, 'c')];
    const bad = [
      'not json at all',
      '{"v":1,"kind":"transition","at":',
      '[1,2,3]',
      'null',
      JSON.stringify({ ...good[0], kind: 'mystery' }),
      JSON.stringify({ ...good[0], v: RECORD_FORMAT_VERSION + 1 }),
      JSON.stringify({ ...good[0], v: undefined }),
      JSON.stringify({ ...good[0], at: '2025-01-15T09:00:00Z' }),
      JSON.stringify({ ...good[0], lastStatus: null }),
      JSON.stringify({ v: 1, kind: 'stopped-task', at: NOW, task: { lastStatus: 'STOPPED' } }),
      JSON.stringify({ v: 1, kind: 'action', at: NOW, id: 'x', phase: 'during', operation: 'StopTask', targets: [] }),
      JSON.stringify({ v: 1, kind: 'failure', at: NOW, source: 'service-event', id: 'event:1' }),
      '\u0000\u0000\u0000\u0000',
    ];
    mkdirSync(directory, { recursive: true });
    const text = [
      JSON.stringify(good[0]),
      ...bad.slice(0, 6),
      '',
      JSON.stringify(good[1]),
      ...bad.slice(6),
      JSON.stringify(good[2]),
      '',
    ].join('\n');
    writeFileSync(join(directory, FILE), text);

    const loaded = await recorder().load();
    expect(loaded.records).toEqual(good);
    expect(loaded.skipped).toBe(bad.length);
    expect(loaded.truncatedTail).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`skipped ${bad.length} unreadable lines`);
  });

  it('skips a truncated last line, and the next append starts on a new line', async () => {
    const first = transitionAt(NOW, 'a');
    const second = transitionAt(NOW + 1, 'b');
    const cut = JSON.stringify(transitionAt(NOW + 2, 'c')).slice(0, 40);
    writeFileSync(join(directory, FILE), `${JSON.stringify(first)}\n${JSON.stringify(second)}\n${cut}`);

    const beforeAppend = await recorder().load();
    expect(beforeAppend.records).toEqual([first, second]);
    expect(beforeAppend).toMatchObject({ skipped: 1, truncatedTail: true });

    const third = transitionAt(NOW + 3, 'd');
    const writer = recorder();
    writer.append(third);
    await writer.close();
    expect(readFileSync(writer.path, 'utf8').endsWith(`${cut}\n${JSON.stringify(third)}\n`)).toBe(true);

    const afterAppend = await recorder().load();
    expect(afterAppend.records).toEqual([first, second, third]);
    expect(afterAppend).toMatchObject({ skipped: 1, truncatedTail: false });
  });

  it('closes a truncated tail on the synchronous path too', async () => {
    writeFileSync(join(directory, FILE), `${JSON.stringify(transitionAt(NOW, 'a'))}\n{"v":1,"kind":"tra`);
    const writer = recorder();
    const before = actionRecord({ at: NOW + 1, id: 'x', phase: 'before', operation: 'StopTask', targets: ['t'] });
    writer.appendNow(before);
    const loaded = await recorder().load();
    expect(loaded.records.map((record) => record.kind)).toEqual(['transition', 'action']);
    expect(loaded).toMatchObject({ skipped: 1, truncatedTail: false });
  });

  it('skips a line over the length limit without holding it, and refuses to write one', async () => {
    const small = { maxLineBytes: 600 };
    const huge = JSON.stringify({ ...transitionAt(NOW, 'huge'), group: 'g'.repeat(5_000) });
    const good = transitionAt(NOW + 1, 'ok');
    writeFileSync(join(directory, FILE), `${huge}\n${JSON.stringify(good)}\n${huge}`);
    const loaded = await recorder(small).load();
    expect(loaded.records).toEqual([good]);
    expect(loaded).toMatchObject({ skipped: 2, truncatedTail: true });

    warnings = [];
    const writer = recorder(small);
    const oversized = actionRecord({ at: NOW, id: 'y', phase: 'before', operation: 'RunTask', targets: [] });
    oversized.parameters = { overrides: 'o'.repeat(1_000) };
    writer.append(oversized);
    await writer.close();
    expect(writer.stats()).toMatchObject({ appended: 0, lost: 1 });
    expect(warnings).toHaveLength(1);
  });
});

describe('failures of the recorder itself', () => {
  it('never throws from append when the disk refuses, counts the loss and warns once per run of errors', async () => {
    // A regular file where the directory should be: every open fails.
    const blocked = join(directory, 'blocked');
    writeFileSync(blocked, '');
    const writer = recorder({ directory: blocked });
    writer.append(transitionAt(NOW, 'a'));
    await writer.flush();
    writer.append(transitionAt(NOW + 1, 'b'));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 0, lost: 2, writeErrors: 2 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('cannot write');

    // The journal's path tells its caller.
    const before = actionRecord({ at: NOW, id: 'x', phase: 'before', operation: 'StopTask', targets: [] });
    expect(() => writer.appendNow(before)).toThrow(/could not write the flight recorder/);
    await writer.close();
  });

  it('drops appends after close with one warning', async () => {
    const writer = recorder();
    writer.append(transitionAt(NOW, 'a'));
    await writer.close();
    writer.append(transitionAt(NOW + 1, 'b'));
    writer.append(transitionAt(NOW + 2, 'c'));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 1, lost: 2 });
    expect(warnings).toHaveLength(1);
    expect((await recorder().load()).records).toHaveLength(1);
  });
});

describe('what the recorder tells the user', () => {
  let problems: string[];
  beforeEach(() => {
    problems = [];
  });
  const told = (options: Partial<FlightRecorderOptions> = {}) =>
    recorder({ onProblem: (sentence) => problems.push(sentence), ...options });

  it('a state directory that is a file, or a path under a file: one sentence, and the recorder is not used', async () => {
    const file = join(directory, 'state');
    writeFileSync(file, '');
    for (const path of [file, join(file, 'ecsdeck')]) {
      problems = [];
      const opened = told({ directory: path });
      const sentence = await opened.open();
      expect(sentence).toBe(
        `Flight recorder off: ${file} is a file, not a directory (state directory ${path}); ecsdeck goes on without recording.`,
      );
      expect(problems).toEqual([sentence]);
      // Later appends are dropped, not retried against the same wall.
      opened.append(transitionAt(NOW));
      await opened.close();
      expect(opened.stats()).toMatchObject({ written: 0, writeErrors: 0, lost: 1 });
    }
  });

  it('a state directory under /proc fails at once instead of hanging in a recursive mkdir', async () => {
    const path = `/proc/ecsdeck-${process.pid}/state`;
    const opened = told({ directory: path });
    expect(await opened.open()).toBe(
      `Flight recorder off: ${path} cannot be created; ecsdeck goes on without recording.`,
    );
    // The journal's synchronous path does not hang either.
    const before = actionRecord({ at: NOW, id: 'x', phase: 'before', operation: 'StopTask', targets: [] });
    expect(() => told({ directory: path }).appendNow(before)).toThrow(/could not write the flight recorder/);
  });

  it('a state directory that never answers: the open gives up at its deadline', async () => {
    const scheduler = new VirtualScheduler(NOW);
    const opened = told({ makeDirectory: () => new Promise<void>(() => {}) });
    let outcome: string | undefined;
    const opening = opened.open({ deadlineMs: 3_000, scheduler }).then((sentence) => {
      outcome = sentence;
    });
    await scheduler.advance(2_999);
    expect(outcome).toBeUndefined();
    await scheduler.advance(1);
    await opening;
    expect(outcome).toBe(
      `Flight recorder off: ${directory} did not answer in time; ecsdeck goes on without recording.`,
    );
    expect(problems).toEqual([outcome]);
  });

  it('a full disk: one sentence for the run of failed writes', async () => {
    // The recorder's file is /dev/full: opening works, every write fails with ENOSPC.
    symlinkSync('/dev/full', join(directory, FILE));
    const writer = told();
    expect(await writer.open()).toBeUndefined();
    writer.append(transitionAt(NOW, 'a'));
    await writer.flush();
    writer.append(transitionAt(NOW + 1, 'b'));
    await writer.flush();
    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 0, lost: 2 });
    expect(problems).toEqual([
      `Flight recorder: the disk holding ${join(directory, FILE)} is full; ecsdeck goes on without recording.`,
    ]);
  });

  it('a device in the place of the file is not read (it would never end)', async () => {
    symlinkSync('/dev/zero', join(directory, FILE));
    const loaded = await told().load();
    expect(loaded.records).toEqual([]);
    expect(problems).toEqual([
      `Flight recorder ${join(directory, FILE)}: could not read ${join(directory, FILE)}: not a regular file; 0 records loaded.`,
    ]);
  });

  it('unreadable lines at load: one sentence with the count', async () => {
    writeFileSync(join(directory, FILE), `${JSON.stringify(transitionAt(NOW))}\nnot json\n{"v":1}\n`);
    const loaded = await told().load();
    expect(loaded.records).toHaveLength(1);
    expect(problems).toEqual([
      `Flight recorder ${join(directory, FILE)}: skipped 2 unreadable lines (corrupt, truncated or from a newer ecsdeck); 1 record loaded.`,
    ]);
  });

  it('a usable directory opens silently, creating the missing levels', async () => {
    const nested = join(directory, 'a', 'b', 'c');
    const writer = told({ directory: nested });
    expect(await writer.open()).toBeUndefined();
    writer.append(transitionAt(NOW));
    await writer.close();
    expect(statSync(nested).isDirectory()).toBe(true);
    expect(readFileSync(join(nested, FILE), 'utf8').split('\n')).toHaveLength(2);
    expect(problems).toEqual([]);
  });
});
