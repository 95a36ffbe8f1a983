import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/lib/clock.ts';
import { SimModel } from '../../../src/sim/model/model.ts';
import { readScenario, scenarioFromDocument } from '../../../src/sim/scenario/files.ts';
import { createScenarioModel, loadScenario, ScenarioError, shiftTaskSets } from '../../../src/sim/scenario/load.ts';

const OPEN_MS = Date.UTC(2025, 0, 15, 9, 0, 0);

/** The whole state as text: Maps become entry lists, so two models compare byte for byte. */
function dump(model: SimModel): string {
  return JSON.stringify(model.state, (_key, value: unknown) => (value instanceof Map ? [...value.entries()] : value));
}

function build(name: string, seed: number) {
  const { scenario, source } = readScenario(name);
  return createScenarioModel({ scenario, source, seed, clock: new ManualClock(OPEN_MS) });
}

/** A scenario document, loosely typed so tests can edit it. */
interface Document {
  [key: string]: unknown;
  clusters: Record<string, unknown>[];
  script: unknown[];
}

/** A small scenario exercising every script action on a model, without the demo's size. */
const small = (): Document => ({
  version: 1,
  name: 'small',
  warmupSeconds: 0,
  taskDefinitions: [
    {
      family: 'app',
      containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 256, memory: 512 }],
      behaviour: { outcomes: [{ kind: 'runs' }], pullSeconds: 2, gracefulStopSeconds: 1 },
    },
    {
      family: 'app',
      containerDefinitions: [{ name: 'app', image: 'app:2', cpu: 256, memory: 512 }],
      behaviour: { outcomes: [{ kind: 'runs' }], pullSeconds: 2, gracefulStopSeconds: 1 },
    },
  ],
  clusters: [
    {
      name: 'c1',
      instances: [
        { name: 'n', count: 2, instanceType: 'm5.large', cpu: 2048, memory: 7680 },
        { name: 'spot', instanceType: 'm5.large', cpu: 2048, memory: 7680, lifecycle: 'spot' },
      ],
      services: [{ name: 's', taskDefinition: 'app:1', desiredCount: 3, startSteadySeconds: 600 }],
    },
  ],
  script: [
    { at: 10, action: 'drain', cluster: 'c1', instance: 'n-1' },
    { at: 20, action: 'disconnectAgent', cluster: 'c1', instance: 'n-2' },
    { at: 30, action: 'updateService', cluster: 'c1', service: 's', desiredCount: 1 },
    { at: 40, action: 'activate', cluster: 'c1', instances: ['n-1'] },
    { at: 50, action: 'reconnectAgent', cluster: 'c1', instance: 'n-2' },
    { at: 60, action: 'updateService', cluster: 'c1', service: 's', taskDefinition: 'app:2' },
    { every: 30, firstAt: 5, action: 'runTask', cluster: 'c1', taskDefinition: 'app', startedBy: 'cron' },
    { at: 70, action: 'spotInterruption', cluster: 'c1', instance: 'spot' },
  ],
});

describe('loadScenario', () => {
  it('builds the state at model.now() and runs the script on the model timers', () => {
    const clock = new ManualClock(OPEN_MS);
    const model = new SimModel({ seed: 3, clock });
    const loaded = loadScenario(model, scenarioFromDocument(small(), 'small.json', 'small'));
    expect(loaded.startMs).toBe(OPEN_MS);
    const cluster = model.requireCluster('c1');
    const instance = (label: string) => {
      const arn = loaded.instanceArn('c1', label);
      return arn ? model.findContainerInstance(cluster, arn) : undefined;
    };
    expect([...model.instancesOfCluster(cluster)]).toHaveLength(3);
    expect(loaded.taskDefinitionArn('app')).toMatch(/task-definition\/app:2$/);

    const step = (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1000);
        model.advance();
      }
    };
    step(15);
    expect(instance('n-1')?.status).toBe('DRAINING');
    step(10);
    expect(instance('n-2')?.agentConnected).toBe(false);
    step(10);
    expect(model.findService(cluster, 's')?.desiredCount).toBe(1);
    step(20);
    expect(instance('n-1')?.status).toBe('ACTIVE');
    expect(instance('n-2')?.agentConnected).toBe(true);
    step(10);
    expect(model.findService(cluster, 's')?.taskDefinitionArn).toMatch(/app:2$/);
    step(20);
    const cronTasks = [...model.tasksOfCluster(cluster)].filter((task) => task.startedBy === 'cron');
    expect(cronTasks).toHaveLength(3);
    expect(loaded.scriptRuns.map((run) => run.action)).toEqual([
      'runTask',
      'drain',
      'disconnectAgent',
      'updateService',
      'runTask',
      'activate',
      'reconnectAgent',
      'updateService',
      'runTask',
      'spotInterruption',
    ]);
    expect(loaded.scriptRuns.every((run) => run.ok)).toBe(true);
    expect(instance('spot')?.status).toBe('DRAINING');
  });

  it('records a refused script action instead of throwing', () => {
    const refused = small();
    refused.script = [{ at: 5, action: 'runTask', cluster: 'c1', taskDefinition: 'app', count: 10 }];
    refused.clusters[0] = {
      name: 'c1',
      instances: [{ name: 'tiny', instanceType: 't3.small', cpu: 512, memory: 7680 }],
    };
    const clock = new ManualClock(OPEN_MS);
    const model = new SimModel({ seed: 1, clock });
    const loaded = loadScenario(model, scenarioFromDocument(refused, 'refused.json', 'refused'));
    clock.advance(10_000);
    model.advance();
    expect(loaded.scriptRuns).toHaveLength(1);
    expect(loaded.scriptRuns[0]?.detail).toMatch(/started 2, failed: RESOURCE:CPU/);
  });

  it('turns a state the model refuses at load into one ScenarioError naming the field', () => {
    const crowded = small();
    crowded.script = [];
    crowded.clusters[0] = { ...crowded.clusters[0], services: [] };
    (crowded.clusters[0] as Record<string, unknown>).tasks = [
      { taskDefinition: 'app', count: 10, startRunningSecondsAgo: 60 },
      { taskDefinition: 'app', count: 10, startRunningSecondsAgo: 60 },
      { taskDefinition: 'app', count: 10, startRunningSecondsAgo: 60 },
    ];
    const scenario = scenarioFromDocument(crowded, 'crowded.json', 'crowded');
    expect(() =>
      createScenarioModel({ scenario, source: 'crowded.json', seed: 1, clock: new ManualClock(OPEN_MS) }),
    ).toThrow(new ScenarioError('crowded.json', 'clusters[0].tasks[2]', 'could not be placed: RESOURCE:CPU'));
  });
});

describe('shiftTaskSets', () => {
  it('moves scale step by step, swaps PRIMARY at the end, and recreates a missing second task set', () => {
    const clock = new ManualClock(OPEN_MS);
    const model = new SimModel({ seed: 2, clock });
    const document = small();
    document.script = [];
    document.clusters[0] = {
      name: 'c1',
      instances: [{ name: 'n', count: 2, instanceType: 'm5.large', cpu: 2048, memory: 7680 }],
      services: [
        {
          name: 'ext',
          taskDefinition: 'app:1',
          desiredCount: 4,
          deploymentController: { type: 'EXTERNAL' },
          taskSets: [{ taskDefinition: 'app:1', scale: 100, primary: true, startSteadySeconds: 60 }],
        },
      ],
    };
    const loaded = loadScenario(model, scenarioFromDocument(document, 'ext.json', 'ext'));
    const definitions = [loaded.taskDefinitionArn('app:1'), loaded.taskDefinitionArn('app:2')];
    const sets = () => model.findService(model.requireCluster('c1'), 'ext')?.taskSets ?? [];
    const scales = () => sets().map((set) => `${set.status}:${set.scale.value}`);

    expect(shiftTaskSets(model, 'c1', 'ext', 50, definitions)).toMatch(/^created ecs-svc\/\d+ at 0%$/);
    expect(sets()[1]?.taskDefinitionArn).toBe(definitions[1]);
    expect(scales()).toEqual(['PRIMARY:100', 'ACTIVE:0']);
    shiftTaskSets(model, 'c1', 'ext', 50, definitions);
    expect(scales()).toEqual(['PRIMARY:50', 'ACTIVE:50']);
    shiftTaskSets(model, 'c1', 'ext', 50, definitions);
    expect(scales()).toEqual(['PRIMARY:0', 'ACTIVE:100']);
    expect(shiftTaskSets(model, 'c1', 'ext', 50, definitions)).toMatch(/is now PRIMARY$/);
    expect(scales()).toEqual(['ACTIVE:0', 'PRIMARY:100']);
    shiftTaskSets(model, 'c1', 'ext', 50, definitions);
    expect(scales()).toEqual(['ACTIVE:50', 'PRIMARY:50']);
  });
});

describe('determinism', () => {
  it('the same seed builds the same demo, byte for byte', () => {
    expect(dump(build('demo', 5).model)).toBe(dump(build('demo', 5).model));
  });

  it('another seed tells another story', () => {
    expect(dump(build('demo', 5).model)).not.toBe(dump(build('demo', 6).model));
  });
});

describe('the large scenario', () => {
  it('holds about 20 clusters, 500 services, 400 instances and 10,000 running tasks, some failing', () => {
    const started = performance.now();
    const { model } = build('large', 1);
    const loadMs = performance.now() - started;
    const { state } = model;
    expect(state.clusters.size).toBe(20);
    expect(state.services.size).toBe(500);
    expect(state.containerInstances.size).toBe(400);
    const tasks = [...state.tasks.values()];
    const running = tasks.filter((task) => task.lastStatus === 'RUNNING' && task.desiredStatus === 'RUNNING');
    expect(running.length).toBeGreaterThanOrEqual(9_900);
    expect(running.length).toBeLessThanOrEqual(10_000);
    const failed = tasks.filter((task) =>
      task.containers.some((container) => container.exitCode !== undefined && container.exitCode !== 0),
    );
    expect(failed.length).toBeGreaterThan(0);
    // Generous bound for a loaded CI machine; `npm run bench` reports the real figure.
    expect(loadMs).toBeLessThan(20_000);
  });
});
