/**
 * LogFollower against the simulator through the real SDK (logs gateway) on virtual time: history, the live tail,
 * the polling fallback when StartLiveTail is refused, since windows, a filter pattern, a missing stream, and the
 * live tail closed the moment the follower closes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/model.ts';
import { type FollowStatus, LogFollower, type Since } from '../../src/logs/follow.ts';
import { createSdkLogsGateway, type SdkLogsGateway } from '../../src/logs/sdkLogsGateway.ts';
import { logSourcesOf } from '../../src/logs/sources.ts';
import type { LogEvent, LogStreamRef } from '../../src/logs/types.ts';
import type { FaultConfig } from '../../src/sim/server.ts';
import { type Harness, startHarness } from '../poll/harness.ts';

let harness: Harness | undefined;
let gateway: SdkLogsGateway | undefined;
let follower: LogFollower | undefined;
afterEach(async () => {
  follower?.close();
  follower = undefined;
  gateway?.close();
  gateway = undefined;
  await harness?.close();
  harness = undefined;
});

async function world(faults?: FaultConfig) {
  harness = await startHarness({ sim: faults ? { faults } : {} });
  const data = harness;
  data.monitor.start();
  data.monitor.focusCluster('prod');
  // A running task whose first container logs through awslogs, after a minute of its life.
  await data.runUntil(() => runningTasks(data).length > 0, { deadlineMs: 20_000, stepMs: 1_000 });
  await data.scheduler.advance(60_000);
  let ref: LogStreamRef | undefined;
  // A task of the steady `web` service: a crash-looping payments task may stop and write nothing more while followed.
  await data.runUntil(() => runningTasks(data).some(isWeb), { deadlineMs: 20_000, stepMs: 1_000 });
  for (const task of runningTasks(data).filter(isWeb)) {
    const definition = await data.monitor.taskDefinition(task.taskDefinitionArn ?? '');
    const source = logSourcesOf(task, definition).find((candidate) => candidate.kind === 'cloudwatch');
    if (source?.kind === 'cloudwatch') {
      ref = source.ref;
      break;
    }
  }
  if (!ref) throw new Error('no running task of the demo logs through awslogs');
  gateway = await createSdkLogsGateway({
    endpoint: data.sim.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler: data.scheduler,
  });
  data.holdTimeFor(gateway);
  return { data, ref, gateway };
}

const isWeb = (task: Task) => task.taskDefinitionArn?.includes('task-definition/web:') === true;

function runningTasks(data: Harness): Task[] {
  return [...data.store.getState().tasks.values()].filter((task) => task.lastStatus === 'RUNNING');
}

function follow(
  w: Awaited<ReturnType<typeof world>>,
  options: { since?: Since; pattern?: string; refs?: LogStreamRef[] } = {},
) {
  const events: LogEvent[] = [];
  const statuses: FollowStatus[] = [];
  follower = new LogFollower({
    gateway: w.gateway,
    refs: options.refs ?? [w.ref],
    scheduler: w.data.scheduler,
    since: options.since ?? 'tail',
    ...(options.pattern ? { pattern: options.pattern } : {}),
    onEvents: (batch) => events.push(...batch),
    onStatus: (status) => statuses.push(status),
  });
  const started = follower.start();
  return { events, statuses, started, follower };
}

/** Runs virtual time until `done`, failing with what was awaited and the follower's state. */
async function until(w: Awaited<ReturnType<typeof world>>, done: () => boolean, what: () => string) {
  try {
    await w.data.runUntil(done, { deadlineMs: 20_000, stepMs: 250 });
  } catch (error) {
    throw new Error(`gave up waiting for ${what()}: ${error instanceof Error ? error.message : error}`);
  }
}

describe('LogFollower against the simulator', () => {
  it('reads the newest lines, then follows new ones through the live tail, closed when the follower closes', async () => {
    const w = await world();
    const run = follow(w);
    await until(
      w,
      () => run.follower.status.phase === 'live',
      () => `live: ${JSON.stringify(run.follower.status)}`,
    );
    await run.started;
    const history = run.events.length;
    expect(history).toBeGreaterThan(0);
    const newestHistory = Math.max(...run.events.map((event) => event.timestamp));
    await until(
      w,
      () => run.events.length > history,
      () => `new lines: ${JSON.stringify(run.follower.status)}`,
    );
    expect(run.events.at(-1)?.timestamp).toBeGreaterThanOrEqual(newestHistory);
    expect(run.events.every((event) => event.stream === w.ref.stream)).toBe(true);
    expect(w.data.sim.server.liveTail.openSessions).toBe(1);
    run.follower.close();
    await w.data.runUntil(() => w.data.sim.server.liveTail.openSessions === 0, { deadlineMs: 10_000, stepMs: 100 });
  });

  it('costs no logs call a minute while the live tail runs', async () => {
    const w = await world();
    const logsCalls = () => w.data.sim.server.requestLog.count({ service: 'logs' });
    const run = follow(w);
    await until(
      w,
      () => run.follower.status.phase === 'live',
      () => 'live',
    );
    const atLive = logsCalls();
    const until60s = w.data.scheduler.now() + 60_000;
    await until(
      w,
      () => w.data.scheduler.now() >= until60s,
      () => 'a minute',
    );
    expect(logsCalls() - atLive).toBe(0);
    expect(run.events.length).toBeGreaterThan(0);
  });

  it('follows a 10-task service with one history read per stream and one live tail, then no call a minute', async () => {
    const w = await world();
    const refs: LogStreamRef[] = [];
    for (const task of runningTasks(w.data).filter((t) => t.taskDefinitionArn?.includes('task-definition/payments:'))) {
      const definition = await w.data.monitor.taskDefinition(task.taskDefinitionArn ?? '');
      const source = logSourcesOf(task, definition).find((candidate) => candidate.kind === 'cloudwatch');
      if (source?.kind === 'cloudwatch' && refs.length < 10) refs.push(source.ref);
    }
    expect(refs).toHaveLength(10);
    const logsCalls = () => w.data.sim.server.requestLog.countByOperation({ service: 'logs' });
    const run = follow(w, { refs });
    await until(
      w,
      () => run.follower.status.phase === 'live',
      () => `live: ${JSON.stringify(run.follower.status)}`,
    );
    await run.started;
    // The least possible: each stream's newest lines once, one session for the one log group.
    expect(logsCalls()).toEqual({ GetLogEvents: 10, StartLiveTail: 1 });
    const until60s = w.data.scheduler.now() + 60_000;
    await until(
      w,
      () => w.data.scheduler.now() >= until60s,
      () => 'a minute',
    );
    expect(logsCalls()).toEqual({ GetLogEvents: 10, StartLiveTail: 1 });
    expect(new Set(run.events.map((event) => event.stream)).size).toBeGreaterThan(1);
  });

  it('polls once every 2 s per stream when the live tail is refused: 30 GetLogEvents a minute', async () => {
    const w = await world({
      errors: [{ operation: 'StartLiveTail', type: 'AccessDeniedException', message: 'no', status: 400 }],
    });
    const run = follow(w);
    await until(
      w,
      () => run.follower.status.phase === 'polling',
      () => 'polling',
    );
    const polls = () => w.data.sim.server.requestLog.count({ service: 'logs', operation: 'GetLogEvents' });
    const before = polls();
    const until60s = w.data.scheduler.now() + 60_000;
    await until(
      w,
      () => w.data.scheduler.now() >= until60s,
      () => 'a minute',
    );
    expect(polls() - before).toBeGreaterThanOrEqual(29);
    expect(polls() - before).toBeLessThanOrEqual(31);
  });

  it('polls GetLogEvents with the forward token when StartLiveTail is refused, and says why', async () => {
    const w = await world({
      errors: [{ operation: 'StartLiveTail', type: 'AccessDeniedException', message: 'not allowed', status: 400 }],
    });
    const run = follow(w);
    await w.data.runUntil(() => run.follower.status.phase === 'polling', { deadlineMs: 20_000, stepMs: 250 });
    expect(run.follower.status.liveTailRefused).toMatch(/denied|not allowed|StartLiveTail/i);
    const before = run.events.length;
    const calls = () => w.data.sim.server.requestLog.countByOperation().GetLogEvents ?? 0;
    const callsBefore = calls();
    await w.data.runUntil(() => run.events.length > before, { deadlineMs: 20_000, stepMs: 1_000 });
    expect(calls()).toBeGreaterThan(callsBefore);
    expect(w.data.sim.server.liveTail.openSessions).toBe(0);
  });

  it('reads a since window forward from its start', async () => {
    const w = await world();
    const run = follow(w, { since: '1m' });
    await w.data.runUntil(() => run.follower.status.phase !== 'history', { deadlineMs: 20_000, stepMs: 250 });
    await run.started;
    const now = w.data.scheduler.now();
    expect(run.events.length).toBeGreaterThan(0);
    expect(run.events.every((event) => event.timestamp >= now - 60_000 - 5_000)).toBe(true);
  });

  it('filters on the server with a pattern: the history by FilterLogEvents, and so does polling', async () => {
    const w = await world({
      errors: [{ operation: 'StartLiveTail', type: 'AccessDeniedException', message: 'no', status: 400 }],
    });
    // A word the stream's newest lines hold.
    const probe = follow(w, { since: '15m' });
    await until(
      w,
      () => probe.follower.status.phase === 'polling',
      () => 'the probe',
    );
    probe.follower.close();
    const word = (probe.events.at(-1)?.message.match(/[A-Za-z]{4,}/) ?? [])[0];
    if (!word) throw new Error('no word to filter on');
    const run = follow(w, { pattern: word, since: '15m' });
    await until(
      w,
      () => run.follower.status.phase === 'polling',
      () => 'polling',
    );
    expect(run.events.length).toBeGreaterThan(0);
    expect(run.events.every((event) => event.message.includes(word))).toBe(true);
    const filters = () => w.data.sim.server.requestLog.count({ service: 'logs', operation: 'FilterLogEvents' });
    const before = filters();
    const at = run.events.length;
    await until(
      w,
      () => filters() > before + 2,
      () => 'filtered polls',
    );
    expect(run.events.slice(at).every((event) => event.message.includes(word))).toBe(true);
  });

  it('says a missing stream in one sentence instead of an empty screen', async () => {
    const w = await world();
    const run = follow(w, { refs: [{ ...w.ref, stream: 'ecs/app/never-created' }] });
    await w.data.runUntil(() => run.follower.status.missing.length > 0, { deadlineMs: 20_000, stepMs: 250 });
    expect(run.follower.status.missing).toHaveLength(1);
    expect(run.follower.status.missing[0]).toMatch(/ecs\/app\/never-created does not exist in .*never created/);
    expect(run.events).toEqual([]);
  });
});
