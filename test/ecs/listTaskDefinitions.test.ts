/**
 * ListTaskDefinitions through the gateway and the real SDK: every page against the simulator, filtered by family and
 * status, in ECS's order; and the paging guards of every List* walk against an endpoint that pages in a loop.
 */
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/ecs/errors.ts';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { flushMicrotasks, VirtualScheduler } from '../../src/lib/scheduler.ts';
import { type Harness, startHarness } from '../poll/harness.ts';
import { closeRawEndpoints, rawEndpoint } from '../support/rawEndpoint.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await closeRawEndpoints();
});

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition';

describe('listTaskDefinitions', () => {
  it("follows every page of one family's revisions, newest first or oldest first, ACTIVE unless asked", async () => {
    harness = await startHarness();
    const { model, server } = harness.sim;
    for (let i = 0; i < 230; i++) {
      model.registerTaskDefinition({
        family: 'probe',
        containerDefinitions: [{ name: 'probe', image: `probe:${i}`, memory: 64, essential: true, portMappings: [] }],
      });
    }
    model.registerTaskDefinition({
      family: 'probe-worker',
      containerDefinitions: [{ name: 'w', image: 'w:1', memory: 64, essential: true, portMappings: [] }],
    });
    model.deregisterTaskDefinition('probe:7');
    const seq = server.requestLog.lastSeq;

    const newest = await harness.gateway.listTaskDefinitions('probe', { sort: 'DESC' });
    expect(newest).toHaveLength(229);
    expect(newest.slice(0, 2)).toEqual([`${TD}/probe:230`, `${TD}/probe:229`]);
    expect(newest).not.toContain(`${TD}/probe:7`);
    // 100 a page: three calls, as the server saw them.
    expect(server.requestLog.list({ sinceSeq: seq, operation: 'ListTaskDefinitions' })).toHaveLength(3);

    const oldest = await harness.gateway.listTaskDefinitions('probe');
    expect(oldest[0]).toBe(`${TD}/probe:1`);
    expect(oldest).toEqual([...newest].reverse());
    expect(await harness.gateway.listTaskDefinitions('probe', { status: 'INACTIVE' })).toEqual([`${TD}/probe:7`]);
    expect(await harness.gateway.listTaskDefinitions('probe-worker')).toEqual([`${TD}/probe-worker:1`]);

    // The latest revision is one call, however long the family.
    const before = server.requestLog.lastSeq;
    expect(await harness.gateway.listTaskDefinitions('probe', { sort: 'DESC', limit: 1 })).toEqual([`${TD}/probe:230`]);
    expect(server.requestLog.list({ sinceSeq: before })).toHaveLength(1);
  });

  it('stops a walk whose nextToken comes back, naming ListTaskDefinitions', async () => {
    let served = 0;
    const looping = await rawEndpoint((_req, res: ServerResponse) => {
      served++;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ taskDefinitionArns: [`${TD}/api:${served}`], nextToken: served % 2 ? 'a' : 'b' }));
    });
    const gateway = await createSdkGateway({
      endpoint: looping.url,
      simulator: true,
      budgetPerSecond: 1000,
      scheduler: new VirtualScheduler(0),
      maxAttempts: 1,
    });
    let error: unknown;
    const call = gateway.listTaskDefinitions('api').catch((caught: unknown) => {
      error = caught;
    });
    const deadline = performance.now() + 10_000;
    while (error === undefined && performance.now() < deadline) await flushMicrotasks();
    await call;
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).kind).toBe('paging');
    expect((error as GatewayError).message).toContain('sent ListTaskDefinitions round in a loop');
    expect(looping.operations).toEqual(['ListTaskDefinitions', 'ListTaskDefinitions', 'ListTaskDefinitions']);
  });
});
