import { afterEach, describe, expect, it } from 'vitest';
import { parseDesiredCount } from '../../src/actions/plans.ts';
import type { Service } from '../../src/domain/model.ts';
import { type ActionHarness, errorOf, planOf, startActionHarness } from './helpers.ts';

let harness: ActionHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function service(harness: ActionHarness, name: string): Service {
  const found = [...harness.h.store.getState().services.values()].find((s) => s.serviceName === name);
  if (!found) throw new Error(`no service ${name} in the store`);
  return found;
}

describe('the desired count prompt', () => {
  it('accepts whole numbers 0..10000 that differ from the current count', () => {
    expect(parseDesiredCount('7', 4)).toBe(7);
    expect(parseDesiredCount(' 0 ', 4)).toBe(0);
    expect(parseDesiredCount(10_000, undefined)).toBe(10_000);
    expect(parseDesiredCount('4', 4)).toEqual({ error: 'The desired count is already 4: nothing to change.' });
    expect(parseDesiredCount('10001', 4)).toEqual({ error: '10001 is too many: enter 0 to 10000.' });
    for (const bad of ['-1', '2.5', 'five', '', '1e3']) {
      expect(parseDesiredCount(bad, 4)).toEqual({
        error: expect.stringMatching(/is not a whole number: enter 0 to 10000/),
      });
    }
  });
});

describe('scale and redeploy', () => {
  it('scales a service with one UpdateService; the store has the new desired count at once', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    await harness.focus('prod');
    const web = service(harness, 'web');
    expect(web.desiredCount).toBe(4);
    expect(errorOf(runner.planScale(web, '4'))).toMatch(/already 4/);
    expect(errorOf(runner.planScale(web, 'x'))).toMatch(/not a whole number/);
    expect(errorOf(runner.planScale(service(harness, 'log-router'), '3'))).toMatch(/DAEMON service/);

    const plan = planOf(runner.planScale(web, '6'));
    expect(plan.confirmText).toBe('UpdateService web in cluster prod: desiredCount 4 -> 6');
    expect(plan.parameters).toMatchObject({ service: web.serviceArn, desiredCount: 6 });
    expect(plan.dangerous).toBe(false);
    expect(planOf(runner.planScale(web, '1')).dangerous).toBe(true);

    const seq = harness.lastSeq();
    const result = await drive(runner.execute(plan));
    expect(result.status).toBe('ok');
    expect(result.message).toBe('web: desiredCount is now 6.');
    expect(harness.mutatingCalls(seq)).toEqual({ UpdateService: 1 });
    expect(h.store.getState().services.get(web.serviceArn)?.desiredCount).toBe(6);
    await h.runUntil(() => service(harness as ActionHarness, 'web').runningCount === 6, {
      stepMs: 1000,
      deadlineMs: 60_000,
    });
  });

  it('forces a new deployment of an ECS service; refuses EXTERNAL-controlled ones', async () => {
    harness = await startActionHarness();
    const { h, runner, drive } = harness;
    await harness.focus('prod');
    const web = service(harness, 'web');
    const before = new Set((web.deployments ?? []).map((d) => d.id));
    const plan = planOf(runner.planForceDeployment(web));
    expect(plan.confirmText).toMatch(
      /^UpdateService web in cluster prod: forceNewDeployment=true \(web:1, 4 tasks replaced\)$/,
    );
    expect(plan.parameters).toEqual({ cluster: web.clusterArn, service: web.serviceArn, forceNewDeployment: true });
    const seq = harness.lastSeq();
    const result = await drive(runner.execute(plan));
    expect(result.status).toBe('ok');
    expect(harness.mutatingCalls(seq)).toEqual({ UpdateService: 1 });
    const primary = h.store
      .getState()
      .services.get(web.serviceArn)
      ?.deployments?.find((d) => d.status === 'PRIMARY');
    expect(primary?.id).toBeDefined();
    expect(before.has(primary?.id)).toBe(false);
    expect(result.message).toBe(`web: new deployment ${primary?.id} started.`);

    await harness.focus('staging');
    expect(errorOf(runner.planForceDeployment(service(harness, 'checkout')))).toMatch(
      /uses the EXTERNAL deployment controller/,
    );
  });
});
