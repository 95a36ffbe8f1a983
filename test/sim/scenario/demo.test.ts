/**
 * The demo scenario tells the story PRODUCT.md promises, on a ManualClock: what is true when the simulator opens
 * (after the warm-up), and what happens in the minutes after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import type { SimModel } from '../../../src/sim/model/model.ts';
import type { SimService, SimTask } from '../../../src/sim/model/types.ts';
import { readScenario } from '../../../src/sim/scenario/files.ts';
import { createScenarioModel, type LoadedScenario } from '../../../src/sim/scenario/load.ts';

const OPEN_MS = Date.UTC(2025, 0, 15, 9, 0, 0);

function buildDemo(seed = 1): { model: SimModel; loaded: LoadedScenario; clock: ManualClock } {
  const clock = new ManualClock(OPEN_MS);
  const { scenario, source } = readScenario('demo');
  const { model, loaded } = createScenarioModel({ scenario, source, seed, clock });
  return { model, loaded, clock };
}

function service(model: SimModel, cluster: string, name: string): SimService {
  const found = model.findService(model.requireCluster(cluster), name);
  if (!found) throw new Error(`no service ${cluster}/${name}`);
  return found;
}

function tasksOf(model: SimModel, cluster: string): SimTask[] {
  return [...model.tasksOfCluster(model.requireCluster(cluster))];
}

function serviceTasks(model: SimModel, cluster: string, name: string): SimTask[] {
  const arn = service(model, cluster, name).arn;
  return tasksOf(model, cluster).filter((task) => task.serviceArn === arn);
}

const family = (arn: string) => arn.split('/').pop()?.split(':')[0];
const revision = (arn: string) => arn.split('/').pop();

/** Moves the clock one second at a time (as a busy client would), until `done` or `limitSeconds`. */
function runUntil(clock: ManualClock, model: SimModel, limitSeconds: number, done: () => boolean): number | undefined {
  for (let second = 1; second <= limitSeconds; second++) {
    clock.advance(1000);
    model.advance();
    if (done()) return second;
  }
  return undefined;
}

describe('the demo when it opens', () => {
  let demo: ReturnType<typeof buildDemo>;
  beforeAll(() => {
    demo = buildDemo();
  });

  it('opens at the clock after ten simulated minutes of warm-up', () => {
    expect(demo.model.now()).toBe(OPEN_MS);
    expect(demo.loaded.opensAtMs).toBe(OPEN_MS);
    expect(demo.loaded.startMs).toBe(OPEN_MS - 600_000);
    expect([...demo.model.state.clusters.values()].map((cluster) => cluster.name)).toEqual([
      'prod',
      'batch',
      'staging',
    ]);
  });

  it('prod has six instances over three AZs of m5.large and m5.xlarge', () => {
    const instances = [...demo.model.instancesOfCluster(demo.model.requireCluster('prod'))];
    expect(instances).toHaveLength(6);
    expect(new Set(instances.map((instance) => instance.availabilityZone))).toEqual(
      new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']),
    );
    expect(
      instances.map((instance) => `${instance.instanceType}:${instance.registeredCpu}:${instance.registeredMemory}`),
    ).toEqual([
      'm5.large:2048:7680',
      'm5.large:2048:7680',
      'm5.large:2048:7680',
      'm5.xlarge:4096:15576',
      'm5.xlarge:4096:15576',
      'm5.xlarge:4096:15576',
    ]);
  });

  it('web is steady behind its load balancer', () => {
    const web = service(demo.model, 'prod', 'web');
    expect(web.deployments).toHaveLength(1);
    expect(web.deployments[0]?.rolloutState).toBe('COMPLETED');
    expect(web.runningCount).toBe(4);
    expect(web.loadBalancers[0]?.targetGroupArn).toContain('targetgroup/prod-web');
    const running = serviceTasks(demo.model, 'prod', 'web').filter((task) => task.desiredStatus === 'RUNNING');
    expect(running.map((task) => task.lastStatus)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
  });

  it('api is mid rolling deployment: api:2 PRIMARY and in progress, its tasks still pulling', () => {
    const api = service(demo.model, 'prod', 'api');
    const primary = api.deployments.find((deployment) => deployment.status === 'PRIMARY');
    expect(primary && revision(primary.taskDefinitionArn)).toBe('api:2');
    expect(primary?.rolloutState).toBe('IN_PROGRESS');
    expect(api.deployments.some((deployment) => deployment.status === 'ACTIVE')).toBe(true);
    const fresh = serviceTasks(demo.model, 'prod', 'api').filter((task) => task.deploymentId === primary?.id);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.some((task) => task.pullStartedAt !== undefined && task.pullStoppedAt === undefined)).toBe(true);
    // The old revision still serves: minimumHealthyPercent 100.
    const oldRunning = serviceTasks(demo.model, 'prod', 'api').filter(
      (task) => task.lastStatus === 'RUNNING' && revision(task.taskDefinitionArn) === 'api:1',
    );
    expect(oldRunning).toHaveLength(6);
  });

  it('payments is crash-looping: OOM-killed tasks (exit 137) on payments:2, rollout still in progress', () => {
    const payments = service(demo.model, 'prod', 'payments');
    const primary = payments.deployments.find((deployment) => deployment.status === 'PRIMARY');
    expect(primary && revision(primary.taskDefinitionArn)).toBe('payments:2');
    expect(primary?.rolloutState).toBe('IN_PROGRESS');
    expect(primary?.failedTasks).toBeGreaterThan(0);
    const killed = serviceTasks(demo.model, 'prod', 'payments').filter(
      (task) => task.lastStatus === 'STOPPED' && task.containers.some((container) => container.exitCode === 137),
    );
    expect(killed.length).toBeGreaterThan(0);
    expect(killed[0]?.stopCode).toBe('EssentialContainerExited');
    expect(killed[0]?.containers[0]?.reason).toContain('OutOfMemoryError');
  });

  it('log-router runs once on each prod instance; nightly-report runs standalone', () => {
    const daemon = serviceTasks(demo.model, 'prod', 'log-router').filter((task) => task.lastStatus === 'RUNNING');
    expect(new Set(daemon.map((task) => task.containerInstanceArn)).size).toBe(6);
    const nightly = tasksOf(demo.model, 'prod').filter((task) => family(task.taskDefinitionArn) === 'nightly-report');
    expect(nightly).toHaveLength(1);
    expect(nightly[0]).toMatchObject({
      lastStatus: 'RUNNING',
      group: 'family:nightly-report',
      startedBy: 'scheduler',
      launchType: 'EC2',
    });
    expect(nightly[0]?.serviceArn).toBeUndefined();
    expect(nightly[0]?.containerInstanceArn).toBeDefined();
  });

  it('batch has history: Fargate jobs that succeeded, failed to pull, and exited 1', () => {
    const stopped = tasksOf(demo.model, 'batch').filter((task) => task.lastStatus === 'STOPPED');
    expect(stopped.length).toBeGreaterThan(20);
    expect(stopped.every((task) => task.launchType === 'FARGATE')).toBe(true);
    const exitCodes = stopped.map((task) => task.containers[0]?.exitCode);
    expect(exitCodes).toContain(0);
    expect(exitCodes).toContain(1);
    expect(
      stopped.some(
        (task) => task.stopCode === 'TaskFailedToStart' && task.stoppedReason?.includes('CannotPullContainerError'),
      ),
    ).toBe(true);
    const families = new Set(stopped.map((task) => family(task.taskDefinitionArn)));
    expect(families).toEqual(new Set(['etl-extract', 'thumbnailer', 'report-render']));
  });

  it('staging: the DRAINING instance holds only the standalone db-migrate task; one agent is disconnected', () => {
    const staging = demo.model.requireCluster('staging');
    const drainingArn = demo.loaded.instanceArn('staging', 'staging-draining');
    const draining = drainingArn ? demo.model.findContainerInstance(staging, drainingArn) : undefined;
    expect(draining?.status).toBe('DRAINING');
    const onIt = tasksOf(demo.model, 'staging').filter(
      (task) => task.containerInstanceArn === drainingArn && task.desiredStatus === 'RUNNING',
    );
    expect(onIt.map((task) => family(task.taskDefinitionArn))).toEqual(['db-migrate']);
    expect(onIt[0]).toMatchObject({ lastStatus: 'RUNNING', startedBy: 'jenkins-ops', group: 'family:db-migrate' });
    // Its service tasks were replaced elsewhere during the warm-up.
    const replaced = tasksOf(demo.model, 'staging').filter(
      (task) => task.containerInstanceArn === drainingArn && task.serviceArn !== undefined,
    );
    expect(replaced.length).toBeGreaterThan(0);
    expect(replaced.every((task) => task.desiredStatus === 'STOPPED')).toBe(true);

    const disconnectedArn = demo.loaded.instanceArn('staging', 'staging-disconnected');
    const disconnected = disconnectedArn ? demo.model.findContainerInstance(staging, disconnectedArn) : undefined;
    expect(disconnected?.agentConnected).toBe(false);
    expect(disconnected?.agentVersion).toBe('1.71.0');
  });

  it('staging checkout is EXTERNAL with two task sets, already shifting', () => {
    const checkout = service(demo.model, 'staging', 'checkout');
    expect(checkout.deploymentController.type).toBe('EXTERNAL');
    expect(checkout.taskSets).toHaveLength(2);
    expect(checkout.taskSets.filter((set) => set.status === 'PRIMARY')).toHaveLength(1);
    expect(checkout.taskSets.map((set) => set.scale.value).reduce((a, b) => a + b, 0)).toBe(100);
    // Ten one-minute shifts of 25 % have run: the cycle has moved past its start (blue 100 / green 0).
    expect(checkout.taskSets.map((set) => set.externalId)).toEqual(expect.arrayContaining(['blue', 'green']));
    expect(
      checkout.taskSets.some((set) => set.externalId === 'blue' && set.scale.value === 100 && set.status === 'PRIMARY'),
    ).toBe(false);
  });

  it('the script ran without refusals during the warm-up', () => {
    expect(demo.loaded.scriptRuns.length).toBeGreaterThan(20);
    expect(demo.loaded.scriptRuns.filter((run) => !run.ok)).toEqual([]);
  });
});

describe('the demo after it opens', () => {
  it('payments fails its rollout by the circuit breaker 2-5.5 minutes in and rolls back to payments:1', () => {
    const { model, clock } = buildDemo();
    const payments = () => service(model, 'prod', 'payments');
    const failedAt = runUntil(clock, model, 600, () =>
      payments().deployments.some((deployment) => deployment.rolloutState === 'FAILED'),
    );
    expect(failedAt).toBeDefined();
    expect(failedAt).toBeGreaterThanOrEqual(120);
    expect(failedAt).toBeLessThanOrEqual(330);
    const failed = payments().deployments.find((deployment) => deployment.rolloutState === 'FAILED');
    expect(failed && revision(failed.taskDefinitionArn)).toBe('payments:2');
    expect(failed?.rolloutStateReason).toContain('circuit breaker');
    const primary = payments().deployments.find((deployment) => deployment.status === 'PRIMARY');
    expect(primary && revision(primary.taskDefinitionArn)).toBe('payments:1');
    expect(payments().events.some((event) => event.message.includes('rolling back'))).toBe(true);

    // The rollback settles: steady on payments:1 with all twelve tasks running.
    const steadyAt = runUntil(
      clock,
      model,
      600,
      () => payments().deployments.length === 1 && payments().deployments[0]?.rolloutState === 'COMPLETED',
    );
    expect(steadyAt).toBeDefined();
    expect(payments().runningCount).toBe(12);
  });

  it('api finishes its rollout on api:2 within a few minutes', () => {
    const { model, clock } = buildDemo();
    const api = () => service(model, 'prod', 'api');
    const doneAt = runUntil(clock, model, 600, () => api().deployments.length === 1);
    expect(doneAt).toBeDefined();
    expect(doneAt).toBeGreaterThan(60);
    expect(api().deployments[0]?.rolloutState).toBe('COMPLETED');
    expect(revision(api().taskDefinitionArn)).toBe('api:2');
  });

  it('checkout swaps its PRIMARY task set as the scale completes its move', () => {
    const { model, clock } = buildDemo();
    const checkout = () => service(model, 'staging', 'checkout');
    const primaryNow = () => checkout().taskSets.find((set) => set.status === 'PRIMARY')?.id;
    const first = primaryNow();
    const swappedAt = runUntil(clock, model, 600, () => primaryNow() !== first);
    expect(swappedAt).toBeDefined();
    const primary = checkout().taskSets.find((set) => set.status === 'PRIMARY');
    expect(primary?.scale.value).toBe(100);
  });

  it('the batch scheduler keeps starting jobs every minute', () => {
    const { model, clock } = buildDemo();
    const count = () => tasksOf(model, 'batch').length;
    const before = count();
    runUntil(clock, model, 180, () => false);
    expect(count()).toBeGreaterThanOrEqual(before + 12);
  });
});
