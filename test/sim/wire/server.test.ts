import { connect } from 'node:net';
import {
  DeleteClusterCommand,
  DescribeClustersCommand,
  ECSServiceException,
  ListClustersCommand,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import type { SimModel } from '../../../src/sim/model/model.ts';
import type { SimCluster } from '../../../src/sim/model/types.ts';
import { createSimHandler, type SimServer, type SimServerOptions, startSimServer } from '../../../src/sim/server.ts';
import { apiRequest, ecsClient, rawCall, rejectionOf } from '../helpers.ts';

const START = Date.UTC(2025, 0, 1);

/** Just enough of a model for the protocol layer: a clock, advance(), and clusters for ListClusters. */
function fakeModel(
  clock: ManualClock,
  clusterNames: string[] = [],
  overrides: Partial<Record<keyof SimModel, unknown>> = {},
) {
  let simNow = clock.now();
  const calls = { advance: 0 };
  const clusters = new Map<string, SimCluster>();
  for (const name of clusterNames) {
    const arn = `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`;
    clusters.set(arn, { arn, name } as SimCluster);
  }
  const model = {
    state: { region: 'us-east-1', accountId: '123456789012', clusters },
    now: () => simNow,
    advance: () => {
      calls.advance++;
      simNow = clock.now();
    },
    ...overrides,
  } as unknown as SimModel;
  return { model, calls };
}

const servers: SimServer[] = [];
async function start(options: Partial<SimServerOptions> & { clock?: ManualClock; clusters?: string[] } = {}) {
  const clock = options.clock ?? new ManualClock(START);
  const { model, calls } = fakeModel(clock, options.clusters ?? ['alpha', 'beta']);
  const server = await startSimServer({ model, wallClock: clock, ...options });
  servers.push(server);
  return { server, clock, calls };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the JSON 1.1 wire', () => {
  it('serves the real SDK, with a request id, and advances the model before each call', async () => {
    const { server, calls } = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const client = ecsClient(server.url);
    const out = await client.send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual([
      'arn:aws:ecs:us-east-1:123456789012:cluster/alpha',
      'arn:aws:ecs:us-east-1:123456789012:cluster/beta',
    ]);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(calls.advance).toBe(1);
    const [entry] = server.requestLog.list();
    expect(entry).toMatchObject({
      seq: 1,
      operation: 'ListClusters',
      status: 200,
      outcome: 'ok',
      at: START,
      simAt: START,
    });
    expect(entry?.requestId).toBe(out.$metadata.requestId);
  });

  it('answers with the JSON 1.1 content type and no Date header', async () => {
    const { server } = await start();
    const response = await rawCall(server.url, 'ListClusters', '{}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(response.headers.get('date')).toBeNull();
    expect(response.json()).toEqual({
      clusterArns: [
        'arn:aws:ecs:us-east-1:123456789012:cluster/alpha',
        'arn:aws:ecs:us-east-1:123456789012:cluster/beta',
      ],
    });
  });

  it('answers an unknown operation with UnknownOperationException, which the SDK surfaces by name', async () => {
    const { server } = await start();
    const raw = await rawCall(server.url, 'DeleteCluster', '{"cluster":"alpha"}');
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(raw.json().__type).toBe('UnknownOperationException');
    const error = await rejectionOf(ecsClient(server.url).send(new DeleteClusterCommand({ cluster: 'alpha' })));
    expect(error).toBeInstanceOf(ECSServiceException);
    expect(error.name).toBe('UnknownOperationException');
    expect(error.$fault).toBe('client');
    expect(server.requestLog.list().map((e) => [e.operation, e.outcome, e.errorType])).toEqual([
      ['DeleteCluster', 'error', 'UnknownOperationException'],
      ['DeleteCluster', 'error', 'UnknownOperationException'],
    ]);
  });

  it('routes by the target prefix: a CloudWatch operation it does not know is named as CloudWatch, in JSON 1.0', async () => {
    const { server } = await start();
    const raw = await rawCall(server.url, undefined, '{}', {
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.DeleteAlarms',
      },
    });
    expect(raw.status).toBe(400);
    expect(raw.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(raw.json().message).toBe('The simulator does not know the CloudWatch operation DeleteAlarms.');
    expect(server.requestLog.list().map((e) => [e.service, e.operation])).toEqual([['monitoring', 'DeleteAlarms']]);
    expect(server.requestLog.count({ service: 'ecs' })).toBe(0);
  });

  it('answers malformed requests with JSON errors, never HTML or a dropped connection', async () => {
    const { server } = await start();
    const cases = [
      { name: 'missing target', call: () => rawCall(server.url, undefined, '{}'), type: 'UnknownOperationException' },
      {
        name: 'another service',
        call: () =>
          rawCall(server.url, undefined, '{}', { headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' } }),
        type: 'UnknownOperationException',
      },
      {
        name: 'GET',
        call: () => rawCall(server.url, 'ListClusters', '', { method: 'GET' }),
        type: 'SerializationException',
      },
      {
        name: 'invalid JSON',
        call: () => rawCall(server.url, 'ListClusters', '{"maxResults":'),
        type: 'SerializationException',
      },
      { name: 'array body', call: () => rawCall(server.url, 'ListClusters', '[]'), type: 'SerializationException' },
      {
        name: 'wrong member type',
        call: () => rawCall(server.url, 'ListClusters', '{"maxResults":"10"}'),
        type: 'InvalidParameterException',
      },
    ];
    for (const { name, call, type } of cases) {
      const response = await call();
      expect(response.status, name).toBe(400);
      expect(response.headers.get('content-type'), name).toBe('application/x-amz-json-1.1');
      expect(response.json().__type, name).toBe(type);
      expect(typeof response.json().message, name).toBe('string');
    }
    const typeError = await rawCall(server.url, 'ListClusters', '{"maxResults":"10"}');
    expect(typeError.json().message).toMatch(/maxResults/);
    expect(server.requestLog.countByOutcome()).toMatchObject({ error: 7, ok: 0 });
  });

  it('refuses a body over 1 MiB with a JSON 413 and stays up', async () => {
    const { server } = await start();
    const huge = JSON.stringify({ clusters: ['x'.repeat(1024 * 1024)] });
    const response = await rawCall(server.url, 'DescribeClusters', huge);
    expect(response.status).toBe(413);
    expect(response.json().__type).toBe('SerializationException');
    expect((await rawCall(server.url, 'ListClusters', '{}')).status).toBe(200);
  });

  it('turns an exception inside a handler into a 500 ServerException and keeps serving', async () => {
    const clock = new ManualClock(START);
    const { model } = fakeModel(clock, ['alpha'], {
      requireCluster: () => {
        throw new TypeError('boom');
      },
    });
    const server = await startSimServer({ model, wallClock: clock });
    servers.push(server);
    const error = await rejectionOf(ecsClient(server.url).send(new ListServicesCommand({ cluster: 'alpha' })));
    expect(error.name).toBe('ServerException');
    expect(error.$fault).toBe('server');
    expect(error.message).toMatch(/boom/);
    const ok = await ecsClient(server.url).send(new ListClustersCommand({}));
    expect(ok.clusterArns).toHaveLength(1);
  });

  it('answers malformed HTTP with JSON', async () => {
    const { server } = await start();
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('THIS IS NOT HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1.1 400/);
    expect(text).toMatch(/"__type":"SerializationException"/);
  });
});

describe('throttling', () => {
  it('answers ThrottlingException "Rate exceeded" once a bucket is empty; the SDK surfaces it after its retries', async () => {
    const { server } = await start({ throttling: { buckets: { clusterRead: { burst: 2, refillPerSecond: 1 } } } });
    const client = ecsClient(server.url, 3);
    await client.send(new ListClustersCommand({}));
    await client.send(new ListClustersCommand({ maxResults: 1 }));
    const error = await rejectionOf(client.send(new ListClustersCommand({})));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    expect(server.requestLog.countByOutcome()).toEqual({ ok: 2, throttled: 3, error: 0, fault: 0 });
    expect(server.requestLog.list({ outcome: 'throttled' })[0]).toMatchObject({
      status: 400,
      errorType: 'ThrottlingException',
    });
    // Other categories are unaffected; turning throttling off lets cluster reads through again.
    server.setThrottling(false);
    await client.send(new ListClustersCommand({}));
  });

  it('refills on the injected wall clock only', async () => {
    const { server, clock } = await start({
      throttling: { buckets: { clusterRead: { burst: 1, refillPerSecond: 1 } } },
    });
    expect((await rawCall(server.url, 'ListClusters', '{}')).status).toBe(200);
    expect((await rawCall(server.url, 'ListClusters', '{}')).json().__type).toBe('ThrottlingException');
    clock.advance(1000);
    expect((await rawCall(server.url, 'ListClusters', '{}')).status).toBe(200);
  });

  it('is on by default with the ECS burst for cluster reads (50)', async () => {
    const { server } = await start();
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) statuses.push((await rawCall(server.url, 'ListClusters', '{}')).status);
    expect(statuses.slice(0, 50).every((s) => s === 200)).toBe(true);
    expect(statuses[50]).toBe(400);
  });
});

describe('faults', () => {
  it('answers ServerException at rate 1: the SDK names it, marks it a server fault, and retried it', async () => {
    const { server } = await start({ faults: { serverErrorRate: 1 } });
    const error = await rejectionOf(ecsClient(server.url, 3).send(new ListClustersCommand({})));
    expect(error.name).toBe('ServerException');
    expect(error.$fault).toBe('server');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 3 });
    expect(server.requestLog.list().map((e) => [e.outcome, e.fault, e.status])).toEqual([
      ['fault', 'server-error', 500],
      ['fault', 'server-error', 500],
      ['fault', 'server-error', 500],
    ]);
  });

  it('sends an HTML 500 like a broken proxy', async () => {
    const { server } = await start({ faults: { htmlErrorRate: 1 } });
    const response = await rawCall(server.url, 'ListClusters', '{}');
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.text).toMatch(/^<html>/);
    const error = await rejectionOf(ecsClient(server.url).send(new ListClustersCommand({})));
    expect(error.$metadata).toMatchObject({ httpStatusCode: 500 });
  });

  it('resets the connection without a response, and logs it', async () => {
    const { server } = await start({ faults: { resetRate: 1 } });
    await expect(rawCall(server.url, 'ListClusters', '{}')).rejects.toThrow();
    expect(server.requestLog.list()[0]).toMatchObject({ status: 0, outcome: 'fault', fault: 'reset' });
    server.setFaults({});
    expect((await rawCall(server.url, 'ListClusters', '{}')).status).toBe(200);
  });

  it('hangs a request forever, and close() still ends it', async () => {
    const { server } = await start({ faults: { hangRate: 1 } });
    const pending = rawCall(server.url, 'ListClusters', '{}');
    const settled = pending.then(
      () => 'resolved',
      () => 'rejected',
    );
    await until(() => server.requestLog.count({ outcome: 'fault' }) === 1, 'the hung request to be logged');
    expect(server.requestLog.list()[0]).toMatchObject({ status: 0, fault: 'hang' });
    await server.close();
    expect(await settled).toBe('rejected');
  });

  it('answers configured errors for one operation only', async () => {
    const { server } = await start({
      faults: { errors: [{ operation: 'DescribeClusters', type: 'AccessDeniedException' }] },
    });
    const client = ecsClient(server.url);
    const error = await rejectionOf(client.send(new DescribeClustersCommand({})));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata).toMatchObject({ httpStatusCode: 400 });
    expect((await client.send(new ListClustersCommand({}))).clusterArns).toHaveLength(2);
  });

  it('adds latency through the injected sleep, which the log shows as duration', async () => {
    const clock = new ManualClock(START);
    const { server } = await start({
      clock,
      faults: { latencyMs: 250 },
      sleep: async (ms) => clock.advance(ms),
    });
    await rawCall(server.url, 'ListClusters', '{}');
    // The model advanced after the latency, so it saw the later time.
    expect(server.requestLog.list()[0]).toMatchObject({ at: START, durationMs: 250, simAt: START + 250 });
  });
});

describe('control endpoints', () => {
  it('report health, the request log, and take faults and throttling, without being logged', async () => {
    const { server } = await start();
    const health = await rawCall(`${server.url}/_sim/health`, undefined, '', { method: 'GET' });
    expect(health.status).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', simNow: START, lastSeq: 0 });

    const faults = await rawCall(
      `${server.url}/_sim/faults`,
      undefined,
      JSON.stringify({
        errors: [{ type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }],
      }),
    );
    expect(faults.status).toBe(200);
    const expired = await rejectionOf(ecsClient(server.url).send(new ListClustersCommand({})));
    expect(expired.name).toBe('ExpiredTokenException');
    expect(expired.message).toBe('The security token included in the request is expired');
    await rawCall(`${server.url}/_sim/faults`, undefined, '{}');

    const throttling = await rawCall(
      `${server.url}/_sim/throttling`,
      undefined,
      JSON.stringify({ buckets: { clusterRead: { burst: 0, refillPerSecond: 0 } } }),
    );
    expect(throttling.status).toBe(200);
    expect((await rawCall(server.url, 'ListClusters', '{}')).json().__type).toBe('ThrottlingException');
    await rawCall(`${server.url}/_sim/throttling`, undefined, '{"enabled":false}');
    expect((await rawCall(server.url, 'ListClusters', '{}')).status).toBe(200);

    const log = (await rawCall(`${server.url}/_sim/requests`, undefined, '', { method: 'GET' })).json();
    expect((log.entries as { operation: string; outcome: string }[]).map((e) => [e.operation, e.outcome])).toEqual([
      ['ListClusters', 'fault'],
      ['ListClusters', 'throttled'],
      ['ListClusters', 'ok'],
    ]);
    expect(log.byOutcome).toEqual({ ok: 1, throttled: 1, error: 0, fault: 1 });
    const since = (
      await rawCall(`${server.url}/_sim/requests?since=2&outcome=ok`, undefined, '', { method: 'GET' })
    ).json();
    expect((since.entries as unknown[]).length).toBe(1);

    const cleared = await rawCall(`${server.url}/_sim/requests`, undefined, '', { method: 'DELETE' });
    expect(cleared.json()).toEqual({ cleared: 3 });
    expect(server.requestLog.count()).toBe(0);
  });

  it('refuse bad input and unknown endpoints with JSON', async () => {
    const { server } = await start();
    const bad = await rawCall(`${server.url}/_sim/faults`, undefined, '{"serverErrorRate": 3}');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({
      __type: 'InvalidParameterException',
      message: expect.stringMatching(/serverErrorRate/),
    });
    expect((await rawCall(`${server.url}/_sim/throttling`, undefined, 'nope')).status).toBe(400);
    const missing = await rawCall(`${server.url}/_sim/nothing`, undefined, '', { method: 'GET' });
    expect(missing.status).toBe(404);
    expect(missing.json().__type).toBe('NotFoundException');
    expect((await rawCall(`${server.url}/_sim/faults`, undefined, '', { method: 'DELETE' })).status).toBe(405);
  });
});

describe('determinism and lifecycle', () => {
  it('draws request ids from the seed', async () => {
    const idsOf = async (seed: number) => {
      const clock = new ManualClock(START);
      const handler = createSimHandler({ model: fakeModel(clock, ['a']).model, wallClock: clock, seed });
      const out: string[] = [];
      for (let i = 0; i < 3; i++)
        out.push((await handler.handle(apiRequest('ListClusters'))).headers['x-amzn-requestid'] ?? '');
      return out;
    };
    const first = await idsOf(5);
    expect(await idsOf(5)).toEqual(first);
    expect(await idsOf(6)).not.toEqual(first);
    expect(new Set(first).size).toBe(3);
  });

  it('close() ends keep-alive connections and can be called twice', async () => {
    const { server } = await start();
    await ecsClient(server.url).send(new ListClustersCommand({}));
    await Promise.all([server.close(), server.close()]);
    await expect(rawCall(server.url, 'ListClusters', '{}')).rejects.toThrow();
  });
});
