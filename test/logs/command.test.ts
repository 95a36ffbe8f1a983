/**
 * `ecsdeck logs` as a function (printTaskLogs), through the real SDKs against the demo simulator's ECS and CloudWatch
 * Logs, on virtual time: plain and JSON lines, a missing stream, FireLens, hostile lines, following with a live
 * tail and, where it is refused, by polling; and the logs calls it takes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOGS_DEFAULT_LINES, LOGS_MAX_LINES, LOGS_POLL_SECONDS } from '../../src/cliArgs.ts';
import { printTaskLogs, TaskLogsError, type TaskLogsRequest } from '../../src/logs/command.ts';
import { walkForward } from '../../src/logs/paging.ts';
import { type LogsWorld, serviceTasks, startLogsWorld } from './world.ts';

const worlds: LogsWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

async function world(options: Parameters<typeof startLogsWorld>[0] = {}): Promise<LogsWorld> {
  const started = await startLogsWorld(options);
  worlds.push(started);
  return started;
}

function request(cluster: string, task: string, more: Partial<TaskLogsRequest> = {}): TaskLogsRequest {
  return {
    cluster,
    task,
    follow: false,
    json: false,
    newestLines: LOGS_DEFAULT_LINES,
    maxLines: LOGS_MAX_LINES,
    pollIntervalMs: LOGS_POLL_SECONDS * 1000,
    ...more,
  };
}

/** Runs the command with its output captured; `signal` stops a follow. */
function run(w: LogsWorld, req: TaskLogsRequest, signal = new AbortController().signal) {
  const output = {
    out: '',
    notes: [] as string[],
    status: undefined as number | undefined,
    error: undefined as unknown,
  };
  const done = printTaskLogs(w.ecs, w.logs, req, {
    out: (text) => {
      output.out += text;
    },
    note: (sentence) => output.notes.push(sentence),
    signal,
    scheduler: w.scheduler,
  }).then(
    (status) => {
      output.status = status;
    },
    (error: unknown) => {
      output.error = error;
    },
  );
  return { output, done };
}

async function runToEnd(w: LogsWorld, req: TaskLogsRequest) {
  const { output, done } = run(w, req);
  let settled = false;
  void done.then(() => {
    settled = true;
  });
  await w.runUntil(() => settled);
  return output;
}

const lineOf = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z \| /;
/** What must never reach a terminal from a log line: C0 (but \n), DEL, C1, bidi controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('ecsdeck logs', () => {
  it("prints a running task's newest lines, one container without a prefix, as text and as JSON", async () => {
    const w = await world();
    await w.advance(120_000);
    const task = serviceTasks(w.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running web task');
    const text = await runToEnd(w, request('prod', task.id));
    expect(text.error).toBeUndefined();
    expect(text.status).toBe(0);
    const lines = text.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(lineOf);
    expect(text.out).toMatch(/ \| INFO /);

    const json = await runToEnd(w, request('prod', task.arn, { json: true }));
    const records = json.out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(lines.length);
    expect(records[0]).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      container: 'web',
      stream: `ecs/web/${task.id}`,
      message: expect.stringMatching(/^(INFO|WARN|ERROR|DEBUG) /),
    });
    // The same lines, the same times, in both forms.
    expect(records.map((record) => record.message)).toEqual(lines.map((line) => line.replace(lineOf, '')));
  });

  it('leaves every control sequence of hostile lines out of what it prints', async () => {
    const w = await world();
    await w.advance(120_000);
    const task = serviceTasks(w.model, 'staging', 'search').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running search task');
    const raw = await w.logs.getLogEvents(
      { group: '/ecs/search', stream: `ecs/search/${task.id}`, container: 'search', taskId: task.id },
      { startFromHead: true },
    );
    // The stream does carry them: the test would mean nothing otherwise.
    expect(raw.events.some((event) => CONTROL.test(event.message))).toBe(true);
    for (const json of [false, true]) {
      const output = await runToEnd(w, request('staging', task.id, { json }));
      expect(output.out).toContain('hostile');
      expect(output.out).not.toMatch(CONTROL);
      if (json)
        for (const line of output.out.trimEnd().split('\n')) expect(CONTROL.test(JSON.parse(line).message)).toBe(false);
    }
  });

  it('says in one sentence where logs that are not in CloudWatch go (FireLens)', async () => {
    const w = await world();
    await w.advance(60_000);
    const task = serviceTasks(w.model, 'staging', 'orders').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running orders task');
    const output = await runToEnd(w, request('staging', task.id));
    expect(output.out).toBe('');
    expect(output.error).toBeInstanceOf(TaskLogsError);
    expect((output.error as Error).message).toBe(
      'The container orders logs outside CloudWatch Logs: FireLens routes them to the outputs of its Fluent Bit or Fluentd sidecar; ecsdeck reads CloudWatch Logs (awslogs) only.',
    );
    expect(w.logsCalls()).toEqual([]);
  });

  it('says in one sentence that a stream does not exist, and that a task is unknown', async () => {
    const w = await world();
    // The api release pulls a big image for two minutes: its new tasks' containers have not started, no stream yet.
    await w.advance(10_000);
    const pulling = serviceTasks(w.model, 'prod', 'api').find(
      (t) => t.taskDefinitionArn.endsWith('/api:2') && t.lastStatus !== 'RUNNING',
    );
    if (!pulling) throw new Error('no api task pulling its image');
    const missing = await runToEnd(w, request('prod', pulling.id));
    expect(missing.out).toBe('');
    expect(missing.error).toBeInstanceOf(TaskLogsError);
    expect((missing.error as Error).message).toBe(
      `The log stream ecs/api/${pulling.id} does not exist in /ecs/api: never created (the container did not start), expired by the group's retention, or not yet written.`,
    );
    const anyTask = serviceTasks(w.model, 'prod', 'web')[0];
    if (!anyTask) throw new Error('no web task');
    const unknown = await runToEnd(w, request('prod', '0123456789abcdef0123456789abcdef'));
    expect((unknown.error as Error).message).toBe(
      'The task 0123456789abcdef0123456789abcdef was not found in the cluster prod (ECS forgets stopped tasks after about an hour).',
    );
    const container = await runToEnd(w, request('prod', anyTask.id, { container: 'nginx' }));
    expect((container.error as Error).message).toBe(
      `The task ${anyTask.id} has no container nginx (its containers: web).`,
    );
  });

  /** Every line of a stream, oldest first, as the simulator stores it. */
  async function wholeStream(w: LogsWorld, group: string, container: string, taskId: string): Promise<string[]> {
    const messages: string[] = [];
    for await (const page of walkForward(
      w.logs,
      { group, stream: `ecs/${container}/${taskId}`, container, taskId },
      { maxPages: 50 },
    )) {
      messages.push(...page.events.map((event) => event.message));
    }
    return messages;
  }

  /** The messages printed (text form, one container), in order. */
  const printed = (out: string) =>
    out
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(lineOf, ''));

  it('follows with a live tail: every line once, none missed between the history and the session; ctrl-c closes it', async () => {
    const w = await world();
    await w.advance(60_000);
    const task = serviceTasks(w.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running web task');
    const stop = new AbortController();
    const { output, done } = run(w, request('prod', task.id, { follow: true }), stop.signal);
    await w.runUntil(() => w.server.liveTail.openSessions === 1);
    const history = printed(output.out).length;
    await w.advance(60_000);
    await w.runUntil(() => printed(output.out).length > history + 5);
    const calls = w.logsCalls();
    stop.abort();
    await done;
    expect(output.error).toBeUndefined();
    expect(output.status).toBe(0);
    expect(output.notes).toEqual([]);
    await w.runUntil(() => w.server.liveTail.openSessions === 0);
    // What was printed is the stream itself, from the first line printed on: nothing twice, nothing left out.
    const lines = printed(output.out);
    const stream = await wholeStream(w, '/ecs/web', 'web', task.id);
    const first = stream.indexOf(lines[0] as string);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(lines).toEqual(stream.slice(first, first + lines.length));
    // The calls: the history, the session, one catch-up read; then nothing for the minute it followed.
    expect(calls).toEqual(['GetLogEvents', 'StartLiveTail', 'GetLogEvents']);
  });

  it('starts a new live tail when CloudWatch ends one (its 3 hours), still every line once', async () => {
    const w = await world({ liveTailTimeoutMs: 20_000 });
    await w.advance(60_000);
    const task = serviceTasks(w.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running web task');
    const stop = new AbortController();
    const { output, done } = run(w, request('prod', task.id, { follow: true }), stop.signal);
    await w.runUntil(() => w.server.liveTail.openSessions === 1);
    await w.advance(70_000);
    await w.runUntil(() => w.server.liveTail.openSessions === 1);
    stop.abort();
    await done;
    expect(output.error).toBeUndefined();
    expect(output.status).toBe(0);
    const sessions = w.logsCalls().filter((operation) => operation === 'StartLiveTail').length;
    expect(sessions).toBeGreaterThanOrEqual(3);
    const lines = printed(output.out);
    const stream = await wholeStream(w, '/ecs/web', 'web', task.id);
    const first = stream.indexOf(lines[0] as string);
    expect(lines.length).toBeGreaterThan(20);
    expect(lines).toEqual(stream.slice(first, first + lines.length));
  });

  it('falls back to polling GetLogEvents when the live tail is refused, and says so', async () => {
    const w = await world({
      faults: {
        errors: [
          {
            operation: 'StartLiveTail',
            type: 'AccessDeniedException',
            message: 'User is not authorized to perform: logs:StartLiveTail',
          },
        ],
      },
    });
    await w.advance(60_000);
    const task = serviceTasks(w.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running web task');
    const stop = new AbortController();
    const { output, done } = run(w, request('prod', task.id, { follow: true }), stop.signal);
    await w.runUntil(() => output.notes.length > 0);
    expect(output.notes).toEqual([
      'CloudWatch Logs refused the live tail (logs:StartLiveTail is not allowed). Following by polling GetLogEvents every 2 s instead.',
    ]);
    const history = printed(output.out).length;
    const callsAtStart = w.logsCalls().length;
    await w.advance(60_000);
    expect(printed(output.out).length).toBeGreaterThan(history + 5);
    const polls = w.logsCalls().length - callsAtStart;
    stop.abort();
    await done;
    expect(output.status).toBe(0);
    const lines = printed(output.out);
    const stream = await wholeStream(w, '/ecs/web', 'web', task.id);
    const first = stream.indexOf(lines[0] as string);
    expect(lines).toEqual(stream.slice(first, first + lines.length));
    // One GetLogEvents every 2 s: 30 a minute for one stream.
    expect(polls).toBeGreaterThanOrEqual(29);
    expect(polls).toBeLessThanOrEqual(31);
  });

  it('--since reads forward from then on, every line of the window and none before', async () => {
    const w = await world();
    await w.advance(180_000);
    const task = serviceTasks(w.model, 'prod', 'web').find((t) => t.lastStatus === 'RUNNING');
    if (!task) throw new Error('no running web task');
    const from = w.scheduler.now() - 60_000;
    const output = await runToEnd(w, request('prod', task.id, { sinceMs: 60_000, json: true }));
    expect(output.status).toBe(0);
    const records = output.out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { timestamp: string; message: string });
    expect(records.length).toBeGreaterThan(3);
    expect(records.every((record) => Date.parse(record.timestamp) >= from)).toBe(true);
    const stream = await w.logs.getLogEvents(
      { group: '/ecs/web', stream: `ecs/web/${task.id}`, container: 'web', taskId: task.id },
      { startFromHead: true, startTime: from },
    );
    expect(records.map((record) => record.message)).toEqual(stream.events.map((event) => event.message));
  });

  it('FilterLogEvents: a group searched with CloudWatch filter syntax, each event naming its stream', async () => {
    const w = await world();
    await w.advance(120_000);
    const page = await w.logs.filterLogEvents('/ecs/web', { filterPattern: 'INFO', limit: 50 });
    expect(page.events.length).toBeGreaterThan(0);
    for (const event of page.events) {
      expect(event.message).toContain('INFO');
      expect(event.stream).toMatch(/^ecs\/web\/[0-9a-f]{32}$/);
    }
    expect(w.logsCalls()).toEqual(['FilterLogEvents']);
  });
});
