/**
 * Reads asked again and answered with the same bytes, through the real SDK against the simulator over HTTP: the
 * records are the very ones of last time (nothing parsed or cleaned again), while every request still goes to the
 * server through the budget; a byte of difference, an error, a refused body are answered as ever.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { digestOf, UnchangedAnswers } from '../../src/ecs/unchangedAnswers.ts';
import { type Harness, startHarness } from '../poll/harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function prodServices(h: Harness): Promise<{ cluster: string; arns: string[] }> {
  const cluster = (await h.gateway.listClusters()).find((arn) => arn.endsWith('/prod')) as string;
  return { cluster, arns: await h.gateway.listServices(cluster) };
}

async function failureOf(call: Promise<unknown>): Promise<Error> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: Error) => error,
  );
}

describe('an answer with the same bytes as last time', () => {
  it('gives the same records back, and the request still reaches the server and the budget', async () => {
    harness = await startHarness();
    const { gateway, sim } = harness;
    const { cluster, arns } = await prodServices(harness);
    const seq = sim.server.requestLog.lastSeq;
    const callsBefore = gateway.stats().total;

    const first = await gateway.describeServices(cluster, arns);
    const second = await gateway.describeServices(cluster, arns);
    expect(second.items.length).toBeGreaterThan(2);
    for (const [index, service] of second.items.entries()) expect(service).toBe(first.items[index]);
    const tasks = await gateway.listTasks(cluster);
    const described = await gateway.describeTasks(cluster, tasks, { includeTags: true });
    const again = await gateway.describeTasks(cluster, tasks, { includeTags: true });
    expect(again.items.length).toBeGreaterThan(0);
    expect(again.items).toEqual(described.items);
    for (const [index, task] of again.items.entries()) expect(task).toBe(described.items[index]);

    // Every call went out as before, as the server and the budget counted them.
    expect(sim.server.requestLog.list({ sinceSeq: seq, operation: 'DescribeServices' })).toHaveLength(2);
    expect(sim.server.requestLog.list({ sinceSeq: seq, operation: 'DescribeTasks' })).toHaveLength(2);
    expect(gateway.stats().total - callsBefore).toBe(5);
  });

  it('is a different request when anything asked differs (another batch, another option)', async () => {
    harness = await startHarness();
    const { gateway } = harness;
    const { cluster, arns } = await prodServices(harness);
    const all = await gateway.describeServices(cluster, arns);
    const firstOnly = await gateway.describeServices(cluster, arns.slice(0, 1));
    expect(firstOnly.items[0]).toEqual(all.items[0]);
    expect(firstOnly.items[0]).not.toBe(all.items[0]);
    const tasks = await gateway.listTasks(cluster);
    const withTags = await gateway.describeTasks(cluster, tasks, { includeTags: true });
    const withoutTags = await gateway.describeTasks(cluster, tasks);
    expect(withoutTags.items[0]).not.toBe(withTags.items[0]);
  });
});

describe('an answer that differs', () => {
  it('by one byte is read anew; by one field, the new value is there', async () => {
    harness = await startHarness();
    const { gateway, sim } = harness;
    const { cluster, arns } = await prodServices(harness);
    const first = await gateway.describeServices(cluster, arns);

    // One space more: the same JSON, other bytes.
    sim.server.setFaults({ bodies: [{ operation: 'DescribeServices', padBytes: 1 }] });
    const padded = await gateway.describeServices(cluster, arns);
    expect(padded.items).toEqual(first.items);
    expect(padded.items[0]).not.toBe(first.items[0]);

    sim.server.setFaults({ bodies: [{ operation: 'DescribeServices', set: { 'services.0.desiredCount': 99 } }] });
    const changed = await gateway.describeServices(cluster, arns);
    expect(changed.items[0]?.desiredCount).toBe(99);
    expect(changed.items[0]?.serviceArn).toBe(first.items[0]?.serviceArn);
  });

  it('an error answers as an error, and the answer kept before still serves once the error is gone', async () => {
    harness = await startHarness({ gateway: { maxAttempts: 1 } });
    const { gateway, sim } = harness;
    const { cluster, arns } = await prodServices(harness);
    const first = await gateway.describeServices(cluster, arns);

    sim.server.setFaults({ errors: [{ operation: 'DescribeServices', type: 'AccessDeniedException' }] });
    const error = await failureOf(gateway.describeServices(cluster, arns));
    expect(error.message).toMatch(/not allowed|denied|permission/i);

    sim.server.setFaults({});
    const after = await gateway.describeServices(cluster, arns);
    expect(after.items[0]).toBe(first.items[0]);
  });

  it('a throttle answers as a throttle, every attempt through the budget to the server', async () => {
    harness = await startHarness({ gateway: { maxAttempts: 2 } });
    const { gateway, sim } = harness;
    const { cluster, arns } = await prodServices(harness);
    const first = await gateway.describeServices(cluster, arns);

    sim.server.setFaults({ errors: [{ operation: 'DescribeServices', type: 'ThrottlingException' }] });
    const seq = sim.server.requestLog.lastSeq;
    const throttledBefore = gateway.stats().throttled;
    let error: Error | undefined;
    void failureOf(gateway.describeServices(cluster, arns)).then((failure) => {
      error = failure;
    });
    // The retry waits its backoff on the harness's virtual time.
    await harness.runUntil(() => error !== undefined);
    expect(error).toMatchObject({ kind: 'throttled' });
    expect(sim.server.requestLog.list({ sinceSeq: seq, operation: 'DescribeServices' })).toHaveLength(2);
    expect(gateway.stats().throttled - throttledBefore).toBe(2);

    sim.server.setFaults({});
    let after: Awaited<ReturnType<typeof gateway.describeServices>> | undefined;
    void gateway.describeServices(cluster, arns).then((answer) => {
      after = answer;
    });
    // The budget, halved by the throttling, grants the call on virtual time too.
    await harness.runUntil(() => after !== undefined);
    expect(after?.items[0]).toBe(first.items[0]);
  });

  it('a body the SDK refuses (one bad field) is kept as leniently read, and the same bytes give the same records', async () => {
    harness = await startHarness();
    const { gateway, sim } = harness;
    const { cluster, arns } = await prodServices(harness);
    sim.server.setFaults({ bodies: [{ operation: 'DescribeServices', set: { 'services.0.createdAt': 'yesterday' } }] });
    const first = await gateway.describeServices(cluster, arns);
    const second = await gateway.describeServices(cluster, arns);
    expect(first.items[0]?.createdAt).toBeUndefined();
    expect(first.items[0]?.serviceName).toBeDefined();
    expect(second.items[0]).toBe(first.items[0]);
  });
});

describe('UnchangedAnswers', () => {
  const answer = (request: string, body: string) => {
    const bytes = Buffer.from(body);
    return { request, length: bytes.byteLength, digest: digestOf(bytes) };
  };
  const match = (answers: UnchangedAnswers, request: string, body: string) => {
    const { length, digest } = answer(request, body);
    return answers.match(request, length, digest)?.result;
  };

  it('matches the same request with the same bytes only', () => {
    const answers = new UnchangedAnswers();
    const result = { items: [] };
    answers.remember(answer('Describe\n{"a":1}', '{"x":1}'), result);
    expect(match(answers, 'Describe\n{"a":1}', '{"x":1}')).toBe(result);
    expect(match(answers, 'Describe\n{"a":1}', '{"x":2}')).toBeUndefined();
    expect(match(answers, 'Describe\n{"a":1}', '{"x":1} ')).toBeUndefined();
    expect(match(answers, 'Describe\n{"a":2}', '{"x":1}')).toBeUndefined();
  });

  it('holds the results of at most its bytes of answers, the answer used longest ago going first', () => {
    const answers = new UnchangedAnswers(30);
    const body = (n: number) => `{"n":${n}}`.padEnd(10);
    const results = [0, 1, 2, 3].map((n) => ({ n }));
    const kept = (n: number) => match(answers, `r${n}`, body(n));
    for (const n of [0, 1, 2]) answers.remember(answer(`r${n}`, body(n)), results[n]);
    // r0 used again: r1 is now the oldest use.
    expect(kept(0)).toBe(results[0]);
    answers.remember(answer('r3', body(3)), results[3]);
    expect(kept(1)).toBeUndefined();
    for (const n of [0, 2, 3]) expect(kept(n)).toBe(results[n]);
    // An answer larger than the whole bound is not kept, and does not push the others out.
    answers.remember(answer('big', 'x'.repeat(31)), {});
    expect(match(answers, 'big', 'x'.repeat(31))).toBeUndefined();
    expect(kept(3)).toBe(results[3]);
  });
});
