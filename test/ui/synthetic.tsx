/** The app over a store filled by hand (no simulator): fast, exact data for key and rendering tests. */
import { render } from 'ink-testing-library';
import {
  planActivate,
  planDrain,
  planForceDeployment,
  planRerun,
  planRollback,
  planScale,
  planStop,
} from '../../src/actions/plans.ts';
import type { ActionPlan } from '../../src/actions/types.ts';
import type { UiActionPort } from '../../src/actions/uiPort.ts';
import type { Cluster, ContainerInstance, Service, Task } from '../../src/domain/model.ts';
import { VirtualScheduler } from '../../src/lib/scheduler.ts';
import {
  createEcsStore,
  type EcsStore,
  setClusters,
  setInstances,
  setServices,
  upsertTasks,
} from '../../src/store/store.ts';
import { App, CHROME_LINES } from '../../src/ui/app/App.tsx';
import { type AppExit, Controller } from '../../src/ui/app/controller.ts';
import { createUiStore, type UiStore } from '../../src/ui/app/uiStore.ts';
import { createPaneTables } from '../../src/ui/panes/registry.ts';
import { createTheme } from '../../src/ui/theme/theme.ts';
import { plain } from './appHarness.tsx';

export const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
export const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';

export function taskArn(id: string): string {
  return `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`;
}

export function makeTask(id: string, patch: Partial<Task> = {}): Task {
  return {
    taskArn: taskArn(id),
    clusterArn: CLUSTER,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3',
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    group: 'service:web',
    startedBy: 'ecs-svc/1',
    createdAt: NOW - 600_000,
    startedAt: NOW - 590_000,
    ...patch,
  };
}

export interface Fixture {
  clusters?: Cluster[];
  services?: Service[];
  tasks?: Task[];
  instances?: ContainerInstance[];
}

export function fillStore(store: EcsStore, fixture: Fixture): void {
  setClusters(store, fixture.clusters ?? [{ clusterArn: CLUSTER, clusterName: 'prod', status: 'ACTIVE' }], {
    complete: true,
  });
  if (fixture.services) setServices(store, CLUSTER, fixture.services);
  if (fixture.instances) setInstances(store, CLUSTER, fixture.instances);
  if (fixture.tasks) upsertTasks(store, fixture.tasks, NOW);
}

export function startSynthetic(
  fixture: Fixture,
  options: { readOnly?: boolean; actions?: UiActionPort; rows?: number; columns?: number; colour?: boolean } = {},
) {
  const rows = options.rows ?? 30;
  const store = createEcsStore();
  fillStore(store, fixture);
  const scheduler = new VirtualScheduler(NOW);
  const ui: UiStore = createUiStore({ now: NOW });
  const theme = createTheme({ colour: options.colour ?? false });
  const tables = createPaneTables(theme);
  const copies: string[] = [];
  const exits: AppExit[] = [];
  const monitorCalls: string[] = [];
  const readOnly = options.readOnly === true;
  const controller = new Controller({
    ecs: store,
    ui,
    tables,
    monitor: {
      focusCluster: (arn) => monitorCalls.push(`focus ${arn}`),
      refreshNow: () => monitorCalls.push('refresh'),
    },
    scheduler,
    readOnly,
    ...(options.actions ? { actions: options.actions } : {}),
    copy: (text) => {
      copies.push(text);
      return { copied: true, message: `Copied ${text}` };
    },
    exit: (result) => exits.push(result),
    bodyHeight: () => rows - CHROME_LINES,
  });
  const rendered = render(
    <App
      services={{ ecs: store, ui, tables, target: { endpointKind: 'aws', region: 'us-east-1' }, readOnly }}
      controller={controller}
      theme={theme}
      scheduler={scheduler}
      size={{ columns: options.columns ?? 100, rows }}
    />,
  );
  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    store,
    ui,
    scheduler,
    controller,
    rendered,
    copies,
    exits,
    monitorCalls,
    frame: () => plain(rendered.lastFrame() ?? ''),
    raw: () => rendered.frames.join(''),
    settle,
    press: async (keys: string) => {
      rendered.stdin.write(keys);
      await settle();
    },
    close: () => rendered.unmount(),
  };
}

/** The line of the frame holding the selection pointer. */
export function selectedLine(frame: string): string | undefined {
  return frame.split('\n').find((line) => line.startsWith('›'));
}

/**
 * An actions port over the real plan functions (no gateway): plans are the runner's own wording, and `execute`
 * records each plan it is handed and answers ok.
 */
export function recordingActions(options: { readOnly?: boolean; tasks?: Task[] } = {}) {
  let next = 0;
  const context = { user: 'alice', newId: () => `plan-${++next}` };
  const executed: ActionPlan[] = [];
  const port: UiActionPort = {
    readOnly: options.readOnly === true,
    planStop: (tasks) => planStop(tasks, context),
    planDrain: (instances) => planDrain(instances, context),
    planActivate: (instances) => planActivate(instances, context),
    planScale: (service, count) => planScale(service, count, context),
    planForceDeployment: (service) => planForceDeployment(service, context),
    planRollback: (service, previous) => planRollback(service, previous, context),
    planStopBlocking: () => ({ error: 'No standalone task holds the drain: nothing to stop.' }),
    prepareRerun: async (task) => {
      const full = (options.tasks ?? []).find((t) => t.taskArn === task.taskArn);
      return full ? planRerun(full, {}, context) : { kind: 'unavailable', error: 'unknown task' };
    },
    execute: async (plan) => {
      executed.push(plan);
      return {
        planId: plan.id,
        kind: plan.kind,
        operation: plan.operation,
        status: 'ok',
        message: `${plan.operation} done on ${plan.targets.length} targets.`,
        targets: plan.targets.map((t) => ({ ...t, ok: true, message: `${t.label}: ok` })),
        newTaskArns: [],
        startedAt: NOW,
        finishedAt: NOW,
      };
    },
    subscribe: () => () => {},
  };
  return { port, executed };
}
