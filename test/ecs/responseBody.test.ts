/**
 * Bodies the gateway must not trust, served by the simulator over HTTP to the real SDK: one record with a field of
 * the wrong type, an empty 200, something that is not JSON, JSON that is not an object, a body over the limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EcsGateway } from '../../src/ecs/gateway.ts';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../src/ecs/responseBody.ts';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { realScheduler } from '../../src/lib/scheduler.ts';
import type { ConfiguredBody } from '../../src/sim/faults.ts';
import { type RunningSimulator, startSimulator } from '../../src/sim/index.ts';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function gatewayWith(bodies: ConfiguredBody[], maxResponseBytes?: number): Promise<EcsGateway> {
  sim = await startSimulator({ scenario: 'demo', faults: { bodies } });
  return createSdkGateway({
    endpoint: sim.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler: realScheduler,
    maxAttempts: 1,
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
  });
}

async function failureOf(call: Promise<unknown>): Promise<Error> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: Error) => error,
  );
}

describe('a record with a bad field', () => {
  it('drops that field and keeps the rest of the answer (garbage timestamp, number as text)', async () => {
    const gateway = await gatewayWith([
      {
        operation: 'DescribeServices',
        set: {
          'services.0.createdAt': 'yesterday afternoon',
          'services.0.runningCount': 'lots',
          'services.1.desiredCount': '3',
        },
      },
    ]);
    const [prod] = (await gateway.listClusters()).filter((arn) => arn.endsWith('/prod'));
    const arns = await gateway.listServices(prod as string);
    expect(arns.length).toBeGreaterThan(2);
    const { items } = await gateway.describeServices(prod as string, arns);
    // Every record arrives, not an error for the whole answer.
    expect(items).toHaveLength(arns.length);
    const [first, second, third] = items;
    expect(first?.serviceArn).toBeDefined();
    expect(first?.createdAt).toBeUndefined();
    expect(first?.runningCount).toBeUndefined();
    expect(first?.serviceName).toBeDefined();
    expect(second?.desiredCount).toBe(3);
    expect(third?.createdAt).toEqual(expect.any(Number));
  });

  it('drops a record that is not an object and keeps the others', async () => {
    const gateway = await gatewayWith([
      { operation: 'DescribeClusters', set: { 'clusters.1': 'not a cluster', 'clusters.0.runningTasksCount': {} } },
    ]);
    const arns = await gateway.listClusters();
    const { items } = await gateway.describeClusters(arns);
    expect(items).toHaveLength(arns.length - 1);
    expect(items[0]?.runningTasksCount).toBeUndefined();
  });
});

describe('a body that is not an answer', () => {
  it('an empty 200 is an error sentence, not an empty account', async () => {
    const gateway = await gatewayWith([{ operation: 'ListClusters', raw: '' }]);
    const error = await failureOf(gateway.listClusters());
    expect(error.message).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+ answered ListClusters with an empty body \(HTTP 200\)\.$/,
    );
  });

  it('says "not ECS JSON" only when the body is not JSON', async () => {
    const html = await gatewayWith([{ operation: 'ListClusters', raw: '<html><body>Bad gateway</body></html>' }]);
    expect((await failureOf(html.listClusters())).message).toMatch(
      /with something that is not ECS JSON \(HTTP 200\)\.$/,
    );
    await sim?.close();
    const array = await gatewayWith([{ operation: 'ListClusters', raw: '[]' }]);
    const error = await failureOf(array.listClusters());
    expect(error.message).toMatch(/with JSON that is not an ECS response \(HTTP 200\)\.$/);
    expect(error.message).not.toMatch(/not ECS JSON/);
  });

  it('refuses a body over the limit by its Content-Length, and by counting when it streams without one', async () => {
    for (const chunked of [false, true]) {
      const gateway = await gatewayWith([{ operation: 'ListClusters', padBytes: 200_000, chunked }], 64 * 1024);
      const error = await failureOf(gateway.listClusters());
      expect(error.message).toMatch(
        /answered ListClusters with 0\.\d MB, over the 0\.1 MB ecsdeck reads; it was not parsed\.$/,
      );
      // The same body under the limit is read as usual.
      await expect(
        (await gatewayWithLimitOf(sim as RunningSimulator, 1024 * 1024)).listClusters(),
      ).resolves.toHaveLength(3);
      await sim?.close();
    }
  });

  it('refuses a body over 20 MB by default', async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(20 * 2 ** 20);
    const gateway = await gatewayWith([{ operation: 'ListClusters', padBytes: DEFAULT_MAX_RESPONSE_BYTES + 1 }]);
    const error = await failureOf(gateway.listClusters());
    expect(error.message).toMatch(/with 20 MB, over the 20 MB ecsdeck reads; it was not parsed\.$/);
  });
});

function gatewayWithLimitOf(running: RunningSimulator, maxResponseBytes: number): Promise<EcsGateway> {
  return createSdkGateway({
    endpoint: running.url,
    simulator: true,
    budgetPerSecond: 1000,
    scheduler: realScheduler,
    maxAttempts: 1,
    maxResponseBytes,
  });
}
