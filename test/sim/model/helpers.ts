/** Fixtures for the control-plane tests: a model on a ManualClock, small clusters, and a way to step time. */
import { ManualClock } from '../../../src/lib/clock.ts';
import type { RegisterTaskDefinitionInput } from '../../../src/sim/model/api.ts';
import { SimModel } from '../../../src/sim/model/model.ts';
import type { ContainerDefinition, SimService, SimTask, TaskBehaviour } from '../../../src/sim/model/types.ts';

export const START = Date.UTC(2025, 0, 15, 12, 0, 0);

export interface Sim {
  clock: ManualClock;
  model: SimModel;
}

export function newSim(seed = 1): Sim {
  const clock = new ManualClock(START);
  return { clock, model: new SimModel({ seed, clock }) };
}

/** Move simulated time in 1 s steps, calling `each` after every step. */
export function step(sim: Sim, seconds: number, each?: () => void): void {
  for (let i = 0; i < seconds; i++) {
    sim.clock.advance(1000);
    sim.model.advance();
    each?.();
  }
}

/** Step until `done()` holds; fails the test if it takes longer than `maxSeconds`. Returns the seconds taken. */
export function stepUntil(sim: Sim, done: () => boolean, maxSeconds: number, each?: () => void): number {
  for (let i = 0; i < maxSeconds; i++) {
    if (done()) return i;
    sim.clock.advance(1000);
    sim.model.advance();
    each?.();
  }
  if (done()) return maxSeconds;
  throw new Error(`condition not reached within ${maxSeconds} simulated seconds`);
}

export function container(overrides: Partial<ContainerDefinition> = {}): ContainerDefinition {
  return {
    name: 'app',
    image: 'example/app:1',
    essential: true,
    cpu: 256,
    memory: 512,
    portMappings: [],
    ...overrides,
  };
}

export function taskDefinition(
  sim: Sim,
  family: string,
  behaviour?: TaskBehaviour,
  extra: Partial<RegisterTaskDefinitionInput> = {},
) {
  return sim.model.registerTaskDefinition({
    family,
    containerDefinitions: [container()],
    ...(behaviour ? { behaviour } : {}),
    ...extra,
  });
}

/** An EC2 cluster with one instance per AZ (us-east-1a/b/c by default). */
export function ec2Cluster(
  sim: Sim,
  name = 'prod',
  zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  cpu = 2048,
  memory = 4096,
) {
  const cluster = sim.model.createCluster({ clusterName: name });
  const instances = zones.map((availabilityZone) =>
    sim.model.registerContainerInstance({ cluster: name, cpu, memory, availabilityZone, instanceType: 'm5.large' }),
  );
  return { cluster, instances };
}

export function fargateCluster(sim: Sim, name = 'batch', fargateCapacity = 100) {
  return sim.model.createCluster({
    clusterName: name,
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    fargateCapacity,
    subnets: [
      { subnetId: 'subnet-aaa', availabilityZone: 'us-east-1a' },
      { subnetId: 'subnet-bbb', availabilityZone: 'us-east-1b' },
    ],
  });
}

export const AWSVPC = { awsvpcConfiguration: { subnets: ['subnet-aaa', 'subnet-bbb'] } };

export function fargateDefinition(sim: Sim, family: string, behaviour?: TaskBehaviour) {
  return sim.model.registerTaskDefinition({
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [container({ cpu: undefined, memory: undefined })],
    ...(behaviour ? { behaviour } : {}),
  });
}

export function serviceTasks(sim: Sim, service: SimService): SimTask[] {
  return [...sim.model.tasksOfService(service)];
}

export function activeTasks(sim: Sim, service: SimService): SimTask[] {
  return serviceTasks(sim, service).filter((t) => t.desiredStatus === 'RUNNING');
}

/** Statuses a task went through, as sampled after each step (consecutive duplicates collapsed). */
export function statusRecorder(task: SimTask) {
  const seen: string[] = [task.lastStatus];
  return {
    seen,
    sample() {
      if (seen[seen.length - 1] !== task.lastStatus) seen.push(task.lastStatus);
    },
  };
}

/** The JSON-able state, Maps as arrays, for comparing two models. */
export function dump(model: SimModel): string {
  return JSON.stringify(model.state, (_key, value) => (value instanceof Map ? [...value.entries()] : value));
}
