import { describe, expect, it } from 'vitest';
import { DeferredGateway } from '../../src/ecs/deferredGateway.ts';
import { GatewayError } from '../../src/ecs/errors.ts';
import type { EcsGateway, GatewayTarget } from '../../src/ecs/gateway.ts';
import { createSdkGateway } from '../../src/ecs/sdkGateway.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import { startSimulator } from '../../src/sim/index.ts';

const PROVISIONAL: GatewayTarget = { kind: 'aws', region: '', profile: 'prod' };

/** A gateway that answers listClusters and counts its calls; every other method is unexpected here. */
function fakeGateway(target: GatewayTarget, calls: string[]): EcsGateway {
  const known: Partial<EcsGateway> = {
    target,
    listClusters: async () => {
      calls.push('listClusters');
      return ['arn:aws:ecs:eu-west-1:1:cluster/prod'];
    },
    describeTaskDefinition: async (family: string) => {
      calls.push(`describeTaskDefinition ${family}`);
      return undefined;
    },
    stats: () => ({ total: 7, throttled: 0, errors: 0, byOperation: {}, ratePerSecond: 1, inFlight: 0 }),
    budget: () => ({ ceiling: 5, effective: 2.5 }),
  };
  return new Proxy(known as EcsGateway, {
    get(object, property) {
      if (property in object) return object[property as keyof EcsGateway];
      // Promise resolution probes `then`: a gateway is not a thenable.
      if (property === 'then') return undefined;
      throw new Error(`unexpected use of ${String(property)}`);
    },
  });
}

/** Settles pending promise callbacks (no timers involved). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('DeferredGateway', () => {
  it('holds calls until the SDK gateway is connected, then hands them over', async () => {
    const deferred = new DeferredGateway(PROVISIONAL, 10);
    expect(deferred.target).toEqual(PROVISIONAL);
    expect(deferred.budget()).toEqual({ ceiling: 10, effective: 10 });
    expect(deferred.stats().total).toBe(0);
    expect(deferred.connected).toBe(false);

    const calls: string[] = [];
    const early = deferred.listClusters();
    let earlyDone = false;
    void early.then(() => {
      earlyDone = true;
    });
    await settle();
    expect(earlyDone).toBe(false);
    expect(calls).toEqual([]);

    const real = fakeGateway({ kind: 'aws', region: 'eu-west-1', profile: 'prod' }, calls);
    await deferred.connect(async () => real);
    expect(await early).toEqual(['arn:aws:ecs:eu-west-1:1:cluster/prod']);
    expect(await deferred.describeTaskDefinition('web:3')).toBeUndefined();
    expect(calls).toEqual(['listClusters', 'describeTaskDefinition web:3']);
    expect(deferred.target.region).toBe('eu-west-1');
    expect(deferred.budget()).toEqual({ ceiling: 5, effective: 2.5 });
    expect(deferred.stats().total).toBe(7);
    expect(deferred.connected).toBe(true);
    await expect(deferred.connect(async () => real)).rejects.toThrow(/called twice/);
  });

  it('fails every call, waiting or later, with the error that kept the gateway from being created', async () => {
    const deferred = new DeferredGateway(PROVISIONAL, 10);
    const waiting = deferred.listServices('prod');
    const noRegion = new GatewayError('invalid-request', 'No AWS region is set: pass --region.', {
      operation: 'configuration',
    });
    await expect(
      deferred.connect(async () => {
        throw noRegion;
      }),
    ).rejects.toBe(noRegion);
    await expect(waiting).rejects.toBe(noRegion);
    await expect(deferred.describeClusters(['prod'])).rejects.toBe(noRegion);
    await expect(deferred.ready).rejects.toBe(noRegion);
    expect(deferred.target).toEqual(PROVISIONAL);
  });

  it('gives up waiting when the caller aborts', async () => {
    const deferred = new DeferredGateway(PROVISIONAL, 10);
    const controller = new AbortController();
    const waiting = deferred.listTasks('prod', {}, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted', message: 'ListTasks was cancelled.' });
    await expect(deferred.listTasks('prod', {}, { signal: controller.signal })).rejects.toMatchObject({
      kind: 'aborted',
    });
  });

  it('carries the real SDK gateway to the simulator once connected', async () => {
    const scheduler = new VirtualScheduler(Date.UTC(2026, 10, 24, 12));
    const sim = await startSimulator({ scenario: 'demo', clock: scheduler, wallClock: scheduler, throttling: false });
    try {
      const deferred = new DeferredGateway({ kind: 'simulator', region: 'us-east-1' }, 100);
      const clusters = deferred.listClusters();
      await deferred.connect(() =>
        createSdkGateway({ endpoint: sim.url, simulator: true, budgetPerSecond: 100, scheduler }),
      );
      expect((await clusters).map((arn) => arn.split('/').pop()).sort()).toEqual(['batch', 'prod', 'staging']);
      expect(deferred.target).toMatchObject({ kind: 'simulator', region: 'us-east-1', endpoint: sim.url });
      expect(deferred.stats().byOperation.ListClusters).toBe(1);
    } finally {
      await sim.close();
    }
  });
});
