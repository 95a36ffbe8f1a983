/**
 * Applies a validated scenario to a SimModel through its public operations, schedules the script on the model's
 * timers, and (createScenarioModel) runs the warm-up so the simulator opens with history.
 * Every draw happens inside the model (seeded) and every step is in file order, so a seed replays exactly.
 */
import type { Clock } from '../../lib/clock.ts';
import { FieldError } from '../../lib/reader.ts';
import { SimModel } from '../model/model.ts';
import type { NetworkConfiguration } from '../model/types.ts';
import { ScenarioError } from './errors.ts';
import { instanceLabels, resolveDefinitionRef } from './parse.ts';
import type { ClusterSpec, Scenario, ScriptEntry, TaskDefinitionSpec, TaskLaunchSpec } from './types.ts';
import { INSTANCE_REGISTRATION_FIELDS, RUN_TASK_FIELDS, START_TASK_FIELDS } from './types.ts';

export { ScenarioError } from './errors.ts';

/** One run of a script entry, kept so tests and tools can see what the script did (and what the model refused). */
export interface ScriptRun {
  atMs: number;
  /** Index in `scenario.script`. */
  entry: number;
  action: ScriptEntry['action'];
  ok: boolean;
  detail?: string;
}

export interface LoadedScenario {
  readonly scenario: Scenario;
  /** Simulated time of t = 0 (state built). */
  readonly startMs: number;
  /** Simulated time the simulator opens: startMs + warmupSeconds. */
  readonly opensAtMs: number;
  /** The ARN of an instance by its scenario label, e.g. ('staging', 'staging-draining'). */
  instanceArn(cluster: string, label: string): string | undefined;
  /** The ARN registered for a `family` or `family:revision` reference of the scenario. */
  taskDefinitionArn(ref: string): string;
  /** The latest script runs, oldest first (bounded). */
  readonly scriptRuns: readonly ScriptRun[];
}

const SCRIPT_RUNS_KEPT = 500;
const WARMUP_STEP_MS = 1000;

/**
 * Builds the scenario's state at `model.now()` (its t = 0) and schedules its script. Throws FieldError naming the
 * part of the scenario the model refused (a model error while building is a scenario problem, not a crash).
 */
export function loadScenario(model: SimModel, scenario: Scenario): LoadedScenario {
  const startMs = model.now();
  const families = new Map<string, TaskDefinitionSpec[]>();
  const definitionArns = new Map<TaskDefinitionSpec, string>();
  const labelsByCluster = new Map<string, Map<string, string>>();
  const scriptRuns: ScriptRun[] = [];

  const attempt = <T>(path: string, step: () => T): T => {
    try {
      return step();
    } catch (error) {
      if (error instanceof FieldError) throw error;
      throw new FieldError(path, `could not be applied: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const definitionArn = (ref: string, path = 'taskDefinition'): string => {
    const arn = definitionArns.get(resolveDefinitionRef(families, ref, path));
    if (arn === undefined) throw new FieldError(path, `names "${ref}", which was not registered`);
    return arn;
  };
  const instanceArn = (cluster: string, label: string): string | undefined => labelsByCluster.get(cluster)?.get(label);
  const requireInstance = (cluster: string, label: string): string => {
    const arn = instanceArn(cluster, label);
    if (arn === undefined) throw new Error(`instance "${label}" is not in cluster "${cluster}"`);
    return arn;
  };

  for (const group of scenario.logGroups) {
    model.logs.createGroup(
      group.name,
      group.retentionInDays === undefined ? {} : { retentionInDays: group.retentionInDays },
    );
  }

  scenario.taskDefinitions.forEach((spec, index) => {
    const list = families.get(spec.family) ?? [];
    list.push(spec);
    families.set(spec.family, list);
    const registered = attempt(`taskDefinitions[${index}]`, () => model.registerTaskDefinition(spec));
    definitionArns.set(spec, registered.arn);
  });

  scenario.clusters.forEach((cluster, clusterIndex) => {
    const path = `clusters[${clusterIndex}]`;
    // A cluster spec is CreateCluster's input plus what the scenario puts in the cluster.
    const {
      name,
      securityGroups: _groups,
      availabilityZones: _zones,
      instances: _instances,
      services: _services,
      tasks: _tasks,
      ...fields
    } = cluster;
    attempt(path, () => model.createCluster({ ...fields, clusterName: name }));

    const labels = new Map<string, string>();
    labelsByCluster.set(cluster.name, labels);
    /** Instances whose initial state is applied once the cluster's tasks are placed. */
    const laterStates: { arn: string; status?: 'ACTIVE' | 'DRAINING'; agentConnected?: boolean; path: string }[] = [];
    let spreadIndex = 0;
    cluster.instances.forEach((group, groupIndex) => {
      const groupPath = `${path}.instances[${groupIndex}]`;
      const zones = group.availabilityZones ?? cluster.availabilityZones;
      instanceLabels(group).forEach((label) => {
        const input: Parameters<SimModel['registerContainerInstance']>[0] = {
          cluster: cluster.name,
          cpu: group.cpu,
          memory: group.memory,
          instanceType: group.instanceType,
          availabilityZone: zones[spreadIndex % zones.length] as string,
        };
        spreadIndex += 1;
        copyDefined(input, group, INSTANCE_REGISTRATION_FIELDS);
        const instance = attempt(groupPath, () => model.registerContainerInstance(input));
        if (label !== undefined) labels.set(label, instance.arn);
        if (group.status === 'DRAINING' || group.agentConnected === false)
          laterStates.push({
            arn: instance.arn,
            status: group.status,
            agentConnected: group.agentConnected,
            path: groupPath,
          });
      });
    });

    cluster.services.forEach((service, serviceIndex) => {
      const servicePath = `${path}.services[${serviceIndex}]`;
      // A service spec is CreateService's input under other names: only the references need resolving.
      const { name, taskSets: _taskSets, networkConfiguration: _network, ...fields } = service;
      const input: Parameters<SimModel['createService']>[0] = {
        ...fields,
        cluster: cluster.name,
        serviceName: name,
        taskDefinition: definitionArn(service.taskDefinition, `${servicePath}.taskDefinition`),
      };
      const network = networkFor(cluster, families, service.taskDefinition, service.networkConfiguration);
      if (network) input.networkConfiguration = network;
      attempt(servicePath, () => model.createService(input));

      let primaryId: string | undefined;
      service.taskSets.forEach((set, setIndex) => {
        const setPath = `${servicePath}.taskSets[${setIndex}]`;
        const setInput: Parameters<SimModel['createTaskSet']>[0] = {
          cluster: cluster.name,
          service: service.name,
          taskDefinition: definitionArn(set.taskDefinition, `${setPath}.taskDefinition`),
          scale: { value: set.scale, unit: 'PERCENT' },
        };
        copyDefined(setInput, set, ['externalId', 'launchType', 'startSteadySeconds']);
        const created = attempt(setPath, () => model.createTaskSet(setInput));
        if (set.primary || (primaryId === undefined && setIndex === 0)) primaryId = created.id;
      });
      const primary = primaryId;
      if (primary !== undefined)
        attempt(servicePath, () => model.updateServicePrimaryTaskSet(cluster.name, service.name, primary));
    });

    cluster.tasks.forEach((task, taskIndex) => {
      const taskPath = `${path}.tasks[${taskIndex}]`;
      const result = attempt(taskPath, () =>
        launchTasks(model, cluster, task, definitionArn(task.taskDefinition, `${taskPath}.taskDefinition`), {
          instanceArn: task.instance === undefined ? undefined : requireInstance(cluster.name, task.instance),
          networkConfiguration: networkFor(cluster, families, task.taskDefinition, task.networkConfiguration),
          startRunningSecondsAgo: task.startRunningSecondsAgo,
        }),
      );
      if (result.failures.length > 0) {
        const failure = result.failures[0];
        throw new FieldError(taskPath, `could not be placed: ${failure?.reason ?? 'unknown reason'}`);
      }
    });

    for (const state of laterStates) {
      if (state.agentConnected === false)
        attempt(`${state.path}.agentConnected`, () => model.setAgentConnected(cluster.name, state.arn, false));
      if (state.status === 'DRAINING')
        attempt(`${state.path}.status`, () =>
          model.updateContainerInstancesState(cluster.name, [state.arn], 'DRAINING'),
        );
    }
  });

  scenario.script.forEach((entry, index) => {
    const cluster = scenario.clusters.find((candidate) => candidate.name === entry.cluster) as ClusterSpec;
    const run = scriptAction(model, entry, {
      cluster,
      definitionArn: (ref) => definitionArn(ref, `script[${index}].taskDefinition`),
      networkFor: (ref, given) => networkFor(cluster, families, ref, given),
      requireInstance: (label) => requireInstance(entry.cluster, label),
      taskSetDefinitions: (service) =>
        (cluster.services.find((candidate) => candidate.name === service)?.taskSets ?? []).map((set) =>
          definitionArn(set.taskDefinition),
        ),
    });
    const record = () => {
      const outcome: ScriptRun = { atMs: model.now(), entry: index, action: entry.action, ok: true };
      try {
        const detail = run();
        if (detail !== undefined) outcome.detail = detail;
      } catch (error) {
        // A refused action (no capacity, a state the model rejects) is part of the story, never a crash.
        outcome.ok = false;
        outcome.detail = error instanceof Error ? error.message : String(error);
      }
      scriptRuns.push(outcome);
      if (scriptRuns.length > SCRIPT_RUNS_KEPT) scriptRuns.splice(0, scriptRuns.length - SCRIPT_RUNS_KEPT);
    };
    if ('at' in entry) model.at(startMs + entry.at * 1000, record);
    else model.every(entry.every * 1000, record, startMs + entry.firstAt * 1000);
  });

  return {
    scenario,
    startMs,
    opensAtMs: startMs + scenario.warmupSeconds * 1000,
    instanceArn,
    taskDefinitionArn: (ref) => definitionArn(ref),
    scriptRuns,
  };
}

interface ScriptContext {
  cluster: ClusterSpec;
  definitionArn(ref: string): string;
  networkFor(ref: string, given: NetworkConfiguration | undefined): NetworkConfiguration | undefined;
  requireInstance(label: string): string;
  /** The task definitions the scenario gave a service's task sets, to recreate one the model has removed. */
  taskSetDefinitions(service: string): string[];
}

/** The work of one script entry, resolved up front; returns a short detail for the run record. */
function scriptAction(model: SimModel, entry: ScriptEntry, context: ScriptContext): () => string | undefined {
  const cluster = entry.cluster;
  switch (entry.action) {
    case 'runTask': {
      const taskDefinition = context.definitionArn(entry.taskDefinition);
      const networkConfiguration = context.networkFor(entry.taskDefinition, entry.networkConfiguration);
      return () => {
        const result = launchTasks(model, context.cluster, entry, taskDefinition, {
          instanceArn: entry.instance === undefined ? undefined : context.requireInstance(entry.instance),
          networkConfiguration,
        });
        const reasons = result.failures.map((failure) => failure.reason ?? 'unknown');
        return `started ${result.tasks.length}${reasons.length > 0 ? `, failed: ${reasons.join(', ')}` : ''}`;
      };
    }
    case 'updateService': {
      const taskDefinition =
        entry.taskDefinition === undefined ? undefined : context.definitionArn(entry.taskDefinition);
      return () => {
        const input: Parameters<SimModel['updateService']>[0] = { cluster, service: entry.service };
        if (entry.desiredCount !== undefined) input.desiredCount = entry.desiredCount;
        if (taskDefinition !== undefined) input.taskDefinition = taskDefinition;
        if (entry.forceNewDeployment !== undefined) input.forceNewDeployment = entry.forceNewDeployment;
        model.updateService(input);
        return undefined;
      };
    }
    case 'drain':
    case 'activate': {
      const status = entry.action === 'drain' ? 'DRAINING' : 'ACTIVE';
      return () => {
        const arns = entry.instances.map((label) => context.requireInstance(label));
        const result = model.updateContainerInstancesState(cluster, arns, status);
        if (result.failures.length > 0)
          throw new Error(`refused: ${result.failures.map((failure) => failure.reason).join(', ')}`);
        return undefined;
      };
    }
    case 'disconnectAgent':
    case 'reconnectAgent': {
      const connected = entry.action === 'reconnectAgent';
      return () => {
        model.setAgentConnected(cluster, context.requireInstance(entry.instance), connected);
        return undefined;
      };
    }
    case 'spotInterruption':
      return () => {
        model.interruptSpot(cluster, context.requireInstance(entry.instance));
        return undefined;
      };
    case 'shiftTaskSets':
      return () => shiftTaskSets(model, cluster, entry.service, entry.step, context.taskSetDefinitions(entry.service));
  }
}

/**
 * One step of a blue/green cycle on an EXTERNAL service: move `step` percent of scale from the PRIMARY task set to
 * the other one; when the other is at 100 % and the primary at 0 %, make the other PRIMARY (the next steps move
 * the scale back). Recreates the second task set if the model has removed it.
 */
export function shiftTaskSets(
  model: SimModel,
  cluster: string,
  serviceName: string,
  step: number,
  definitionArns: readonly string[],
): string {
  const service = model.findService(model.requireCluster(cluster), serviceName);
  if (!service) throw new Error(`service "${serviceName}" not found`);
  const live = service.taskSets.filter((set) => set.status !== 'DRAINING');
  const primary = live.find((set) => set.status === 'PRIMARY');
  if (!primary) throw new Error(`service "${serviceName}" has no PRIMARY task set`);
  const other = live.find((set) => set !== primary);
  if (!other) {
    const alternative = definitionArns.find((arn) => arn !== primary.taskDefinitionArn) ?? primary.taskDefinitionArn;
    const created = model.createTaskSet({
      cluster,
      service: serviceName,
      taskDefinition: alternative,
      scale: { value: 0, unit: 'PERCENT' },
    });
    return `created ${created.id} at 0%`;
  }
  const otherScale = Math.min(100, other.scale.value + step);
  const primaryScale = Math.max(0, primary.scale.value - step);
  if (otherScale === other.scale.value && primaryScale === primary.scale.value) {
    model.updateServicePrimaryTaskSet(cluster, serviceName, other.id);
    return `${other.id} is now PRIMARY`;
  }
  if (otherScale !== other.scale.value) model.updateTaskSetScale(cluster, serviceName, other.id, otherScale);
  if (primaryScale !== primary.scale.value) model.updateTaskSetScale(cluster, serviceName, primary.id, primaryScale);
  return `${primary.id} ${primaryScale}%, ${other.id} ${otherScale}%`;
}

function launchTasks(
  model: SimModel,
  cluster: ClusterSpec,
  spec: TaskLaunchSpec,
  taskDefinition: string,
  extra: { instanceArn?: string; networkConfiguration?: NetworkConfiguration; startRunningSecondsAgo?: number },
) {
  if (extra.instanceArn !== undefined) {
    const input: Parameters<SimModel['startTask']>[0] = {
      cluster: cluster.name,
      taskDefinition,
      containerInstances: [extra.instanceArn],
    };
    copyDefined(input, spec, START_TASK_FIELDS);
    if (extra.networkConfiguration) input.networkConfiguration = extra.networkConfiguration;
    return model.startTask(input);
  }
  const input: Parameters<SimModel['runTask']>[0] = { cluster: cluster.name, taskDefinition, count: spec.count };
  copyDefined(input, spec, RUN_TASK_FIELDS);
  if (extra.networkConfiguration) input.networkConfiguration = extra.networkConfiguration;
  if (extra.startRunningSecondsAgo !== undefined) input.startRunningSecondsAgo = extra.startRunningSecondsAgo;
  return model.runTask(input);
}

/** The given network configuration, or for an awsvpc task definition one made from the cluster's subnets. */
function networkFor(
  cluster: ClusterSpec,
  families: Map<string, TaskDefinitionSpec[]>,
  ref: string,
  given: NetworkConfiguration | undefined,
): NetworkConfiguration | undefined {
  if (given) return given;
  const definition = resolveDefinitionRef(families, ref, 'taskDefinition');
  if (definition.networkMode !== 'awsvpc' || !cluster.subnets) return undefined;
  const config: NonNullable<NetworkConfiguration['awsvpcConfiguration']> = {
    subnets: cluster.subnets.map((subnet) => subnet.subnetId),
    assignPublicIp: 'DISABLED',
  };
  if (cluster.securityGroups) config.securityGroups = cluster.securityGroups;
  return { awsvpcConfiguration: config };
}

function copyDefined<T extends object, S extends object, K extends keyof S & keyof T>(
  target: T,
  source: S,
  keys: readonly K[],
): void {
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) target[key] = value as unknown as T[K];
  }
}

// ------------------------------------------------------------------------------------------ warm-up

/** `base` shifted by `offsetMs` (<= 0): the model runs behind the real clock until the warm-up catches up. */
class OffsetClock implements Clock {
  readonly #base: Clock;
  offsetMs: number;
  constructor(base: Clock, offsetMs: number) {
    this.#base = base;
    this.offsetMs = offsetMs;
  }
  now(): number {
    return this.#base.now() + this.offsetMs;
  }
}

export interface ScenarioModelOptions {
  scenario: Scenario;
  /** Where the scenario came from, for error messages. */
  source: string;
  seed: number;
  /** The simulator's clock: after the warm-up, model time equals this clock. */
  clock: Clock;
  region?: string;
  accountId?: string;
  stoppedTaskRetentionMs?: number;
}

/**
 * A new model holding the scenario: its state is built `warmupSeconds` of simulated time before `clock.now()`,
 * then the model runs through the warm-up in one-second steps, so it opens with history (stopped tasks, events,
 * deployments under way). Throws ScenarioError when the model refuses part of the scenario.
 */
export function createScenarioModel(options: ScenarioModelOptions): { model: SimModel; loaded: LoadedScenario } {
  const warmupMs = options.scenario.warmupSeconds * 1000;
  const clock = new OffsetClock(options.clock, -warmupMs);
  const modelOptions: ConstructorParameters<typeof SimModel>[0] = { seed: options.seed, clock };
  if (options.region !== undefined) modelOptions.region = options.region;
  if (options.accountId !== undefined) modelOptions.accountId = options.accountId;
  if (options.stoppedTaskRetentionMs !== undefined)
    modelOptions.stoppedTaskRetentionMs = options.stoppedTaskRetentionMs;
  const model = new SimModel(modelOptions);
  let loaded: LoadedScenario;
  try {
    loaded = loadScenario(model, options.scenario);
  } catch (error) {
    if (error instanceof FieldError) throw new ScenarioError(options.source, error.path, error.problem);
    throw error;
  }
  for (let offset = -warmupMs + WARMUP_STEP_MS; offset < 0; offset += WARMUP_STEP_MS) {
    clock.offsetMs = offset;
    model.advance();
  }
  clock.offsetMs = 0;
  model.advance();
  return { model, loaded };
}
