/**
 * The `large` scenario, generated: many clusters of EC2 instances running many steady services, a few of them
 * failing (OOM kills, exit 1), a few draining or disconnected instances, standalone tasks and a few rolling
 * deployments on a timer. For benchmarks and for testing the UI at scale. The layout is drawn from its own seed
 * (`layoutSeed`), so it is the same for every simulator seed; the simulator seed drives only the simulation.
 */
import { SeededRandom } from '../../lib/random.ts';
import { FieldError, type ObjectReader } from '../../lib/reader.ts';

export interface LargeScenarioParameters {
  clusters: number;
  instancesPerCluster: number;
  servicesPerCluster: number;
  /** Tasks running at load over all clusters: service tasks plus the standalone ones. */
  tasks: number;
  standaloneTasksPerCluster: number;
  /** Services whose tasks keep failing (alternately OOM kills and exit 1), spread over the clusters. */
  failingServices: number;
  /** Clusters (the first ones) that get one DRAINING instance each, and one with a disconnected agent each. */
  drainingInstances: number;
  disconnectedAgents: number;
  /** Services that redeploy every `rollingEverySeconds`, so some rollouts are always under way. */
  rollingServices: number;
  rollingEverySeconds: number;
  warmupSeconds: number;
  layoutSeed: number;
  instanceType: string;
  instanceCpu: number;
  instanceMemory: number;
}

export const LARGE_DEFAULTS: LargeScenarioParameters = {
  clusters: 20,
  instancesPerCluster: 20,
  servicesPerCluster: 25,
  tasks: 10_000,
  standaloneTasksPerCluster: 2,
  failingServices: 6,
  drainingInstances: 2,
  disconnectedAgents: 2,
  rollingServices: 4,
  rollingEverySeconds: 900,
  warmupSeconds: 120,
  layoutSeed: 7,
  instanceType: 'm5.4xlarge',
  instanceCpu: 16_384,
  instanceMemory: 63_200,
};

const TEAMS = [
  'payments',
  'checkout',
  'search',
  'catalog',
  'identity',
  'media',
  'messaging',
  'analytics',
  'billing',
  'shipping',
  'inventory',
  'ads',
  'reviews',
  'notifications',
  'fraud',
  'pricing',
  'loyalty',
  'recommendations',
  'support',
  'platform',
];
const COMPONENTS = [
  'api',
  'web',
  'worker',
  'scheduler',
  'gateway',
  'cache-warmer',
  'indexer',
  'consumer',
  'producer',
  'auth',
  'reporter',
  'exporter',
  'importer',
  'notifier',
  'resizer',
  'renderer',
  'sync',
  'audit',
  'ledger',
  'webhook',
  'graphql',
  'admin',
  'cron',
  'stream',
  'edge',
];
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
/** Task sizes (cpu units, MiB) and how often each is drawn. */
const SIZES = [
  { cpu: 256, memory: 512, weight: 7 },
  { cpu: 512, memory: 1024, weight: 2 },
  { cpu: 1024, memory: 2048, weight: 1 },
];
const LARGEST = { cpu: 1024, memory: 2048 };

export function parseLargeParameters(o: ObjectReader | undefined): LargeScenarioParameters {
  const p = { ...LARGE_DEFAULTS };
  if (!o) return p;
  p.clusters = o.optionalInteger('clusters', { min: 1, max: 500 }) ?? p.clusters;
  p.instancesPerCluster = o.optionalInteger('instancesPerCluster', { min: 1, max: 1000 }) ?? p.instancesPerCluster;
  p.servicesPerCluster = o.optionalInteger('servicesPerCluster', { min: 1, max: 1000 }) ?? p.servicesPerCluster;
  p.tasks = o.optionalInteger('tasks', { min: 1 }) ?? p.tasks;
  p.standaloneTasksPerCluster =
    o.optionalInteger('standaloneTasksPerCluster', { min: 0 }) ?? p.standaloneTasksPerCluster;
  p.failingServices = o.optionalInteger('failingServices', { min: 0 }) ?? p.failingServices;
  p.drainingInstances = o.optionalInteger('drainingInstances', { min: 0 }) ?? p.drainingInstances;
  p.disconnectedAgents = o.optionalInteger('disconnectedAgents', { min: 0 }) ?? p.disconnectedAgents;
  p.rollingServices = o.optionalInteger('rollingServices', { min: 0 }) ?? p.rollingServices;
  p.rollingEverySeconds = o.optionalInteger('rollingEverySeconds', { min: 60 }) ?? p.rollingEverySeconds;
  p.warmupSeconds = o.optionalInteger('warmupSeconds', { min: 0, max: 86_400 }) ?? p.warmupSeconds;
  p.layoutSeed = o.optionalInteger('layoutSeed', { min: 0 }) ?? p.layoutSeed;
  p.instanceType = o.optionalString('instanceType') ?? p.instanceType;
  p.instanceCpu = o.optionalInteger('instanceCpu', { min: LARGEST.cpu }) ?? p.instanceCpu;
  p.instanceMemory = o.optionalInteger('instanceMemory', { min: LARGEST.memory }) ?? p.instanceMemory;
  o.end();

  const serviceSlots = p.clusters * p.servicesPerCluster;
  const standalone = p.clusters * p.standaloneTasksPerCluster;
  if (p.tasks < serviceSlots + standalone)
    throw new FieldError(
      o.at('tasks'),
      `must be at least ${serviceSlots + standalone} (one task per service plus the standalone tasks)`,
    );
  if (p.failingServices > serviceSlots)
    throw new FieldError(o.at('failingServices'), `must be at most the number of services (${serviceSlots})`);
  const special = (p.drainingInstances > 0 ? 1 : 0) + (p.disconnectedAgents > 0 ? 1 : 0);
  if (p.instancesPerCluster <= special)
    throw new FieldError(o.at('instancesPerCluster'), `must be more than ${special} (the draining/disconnected ones)`);
  if (p.drainingInstances > p.clusters)
    throw new FieldError(o.at('drainingInstances'), `must be at most the number of clusters (${p.clusters})`);
  if (p.disconnectedAgents > p.clusters)
    throw new FieldError(o.at('disconnectedAgents'), `must be at most the number of clusters (${p.clusters})`);
  if (p.rollingServices > serviceSlots)
    throw new FieldError(o.at('rollingServices'), `must be at most the number of services (${serviceSlots})`);
  return p;
}

/** Splits `total` into `weights.length` integers (each >= 1) proportional to the weights (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const spare = total - weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (spare * w) / sum);
  const counts = exact.map((x) => 1 + Math.floor(x));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

function nameAt(list: readonly string[], index: number): string {
  const base = list[index % list.length] as string;
  const round = Math.floor(index / list.length);
  return round === 0 ? base : `${base}-${round + 1}`;
}

function pickSize(random: SeededRandom): { cpu: number; memory: number } {
  const total = SIZES.reduce((sum, size) => sum + size.weight, 0);
  let roll = random.next() * total;
  for (const size of SIZES) {
    roll -= size.weight;
    if (roll < 0) return size;
  }
  return SIZES[0] as { cpu: number; memory: number };
}

/** The scenario document (the JSON shape `parseScenario` reads) for these parameters. */
/** awslogs to `/ecs/<family>`, the group made on first write (streams cost nothing until a logs call reads them). */
function awslogs(family: string): Record<string, unknown> {
  return {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': `/ecs/${family}`,
      'awslogs-region': 'us-east-1',
      'awslogs-stream-prefix': 'ecs',
      'awslogs-create-group': 'true',
    },
  };
}

export function generateLargeScenario(
  p: LargeScenarioParameters,
  meta: { name: string; description?: string | undefined },
): Record<string, unknown> {
  const random = new SeededRandom(p.layoutSeed);
  const taskDefinitions: Record<string, unknown>[] = [];
  const clusters: Record<string, unknown>[] = [];
  const script: Record<string, unknown>[] = [];

  const clusterTasks = apportion(
    p.tasks,
    Array.from({ length: p.clusters }, () => 1),
  );
  const failing = new Set<number>();
  const serviceSlots = p.clusters * p.servicesPerCluster;
  for (let f = 0; f < p.failingServices; f++) failing.add(Math.floor(((f + 0.5) * serviceSlots) / p.failingServices));
  /** Service slot -> its place among the rolling services (staggers their timers). */
  const rolling = new Map<number, number>();
  for (let r = 0; r < p.rollingServices; r++)
    rolling.set(Math.floor(((r + 0.25) * serviceSlots) / p.rollingServices), r);

  for (let c = 0; c < p.clusters; c++) {
    const clusterName = `${nameAt(TEAMS, c)}-prod`;
    const instances: Record<string, unknown>[] = [];
    const draining = c < p.drainingInstances;
    const disconnected = c < p.disconnectedAgents;
    const regular = p.instancesPerCluster - (draining ? 1 : 0) - (disconnected ? 1 : 0);
    const instanceTemplate = { instanceType: p.instanceType, cpu: p.instanceCpu, memory: p.instanceMemory };
    instances.push({ name: 'node', count: regular, ...instanceTemplate });
    if (draining) instances.push({ name: 'draining', ...instanceTemplate, status: 'DRAINING' });
    if (disconnected) instances.push({ name: 'disconnected', ...instanceTemplate, agentConnected: false });

    const serviceBudget = (clusterTasks[c] ?? 0) - p.standaloneTasksPerCluster;
    const weights = Array.from({ length: p.servicesPerCluster }, () => 0.3 + random.next() ** 2 * 4);
    const desired = apportion(serviceBudget, weights);
    const services: Record<string, unknown>[] = [];
    const demand = { cpu: 0, memory: 0 };
    for (let s = 0; s < p.servicesPerCluster; s++) {
      const slot = c * p.servicesPerCluster + s;
      const serviceName = nameAt(COMPONENTS, s);
      const family = `${clusterName}-${serviceName}`;
      // Big services run small tasks (as fleets do), which keeps every cluster within its instances' capacity.
      const drawn = pickSize(random);
      const size = (desired[s] ?? 0) > 30 ? (SIZES[0] as { cpu: number; memory: number }) : drawn;
      demand.cpu += size.cpu * (desired[s] ?? 0);
      demand.memory += size.memory * (desired[s] ?? 0);
      const failureKind = failing.has(slot) ? (slot % 2 === 0 ? 'oom' : 'exits') : undefined;
      const outcomes =
        failureKind === 'oom'
          ? [
              { kind: 'runs', weight: 2 },
              { kind: 'oom', weight: 1, afterSeconds: 30, afterSecondsMax: 240 },
            ]
          : failureKind === 'exits'
            ? [
                { kind: 'runs', weight: 3 },
                { kind: 'exits', weight: 1, exitCode: 1, afterSeconds: 20, afterSecondsMax: 180 },
              ]
            : [{ kind: 'runs' }];
      const behindLoadBalancer = s % 4 === 0;
      const definition = {
        family,
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [
          {
            name: serviceName,
            image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${family}:v${1 + (slot % 9)}`,
            cpu: size.cpu,
            memory: size.memory,
            portMappings: behindLoadBalancer ? [{ containerPort: 8080, hostPort: 0 }] : [],
            logConfiguration: awslogs(family),
          },
        ],
        behaviour: { outcomes, pullSeconds: 4 + (slot % 7), gracefulStopSeconds: 2 },
      };
      taskDefinitions.push(definition);
      const service: Record<string, unknown> = {
        name: serviceName,
        taskDefinition: `${family}:1`,
        desiredCount: desired[s],
        launchType: 'EC2',
        startSteadySeconds: 86_400 * (1 + (slot % 20)),
        placementStrategy: [
          { type: 'spread', field: 'attribute:ecs.availability-zone' },
          { type: 'spread', field: 'instanceId' },
        ],
      };
      if (behindLoadBalancer)
        service.loadBalancers = [
          {
            targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${family.slice(0, 24)}/${(0x1000000000000000 + slot).toString(16)}`,
            containerName: serviceName,
            containerPort: 8080,
          },
        ];
      services.push(service);
      if (rolling.has(slot)) {
        // A second revision to roll to and back, so the timer always has a real change to deploy.
        taskDefinitions.push({
          ...definition,
          containerDefinitions: definition.containerDefinitions.map((container) => ({
            ...container,
            image: container.image.replace(/:v[0-9]+$/, ':next'),
          })),
        });
        const offset = Math.round((p.rollingEverySeconds * (rolling.get(slot) ?? 0)) / p.rollingServices);
        script.push(
          {
            every: p.rollingEverySeconds * 2,
            firstAt: p.warmupSeconds + offset,
            action: 'updateService',
            cluster: clusterName,
            service: serviceName,
            taskDefinition: `${family}:2`,
          },
          {
            every: p.rollingEverySeconds * 2,
            firstAt: p.warmupSeconds + offset + p.rollingEverySeconds,
            action: 'updateService',
            cluster: clusterName,
            service: serviceName,
            taskDefinition: `${family}:1`,
          },
        );
      }
    }

    // Placement spreads rather than packs: keep a margin so every task finds room with the special instances out.
    const usable = regular * 0.8;
    if (demand.cpu > usable * p.instanceCpu || demand.memory > usable * p.instanceMemory)
      throw new FieldError(
        'parameters.tasks',
        `needs more capacity in cluster ${clusterName} (${demand.cpu} CPU / ${demand.memory} MiB) than 80% of ${regular} instances of ${p.instanceCpu} CPU / ${p.instanceMemory} MiB`,
      );

    const tasks: Record<string, unknown>[] = [];
    if (p.standaloneTasksPerCluster > 0) {
      const family = `${clusterName}-maintenance`;
      taskDefinitions.push({
        family,
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [
          {
            name: 'maintenance',
            image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${family}:stable`,
            cpu: 256,
            memory: 512,
            logConfiguration: awslogs(family),
          },
        ],
        behaviour: { outcomes: [{ kind: 'runs' }] },
      });
      for (let t = 0; t < p.standaloneTasksPerCluster; t += 10)
        tasks.push({
          taskDefinition: family,
          count: Math.min(10, p.standaloneTasksPerCluster - t),
          launchType: 'EC2',
          startedBy: 'ops-cron',
          startRunningSecondsAgo: 3600 * (1 + (c % 12)),
        });
    }

    clusters.push({
      name: clusterName,
      tags: [
        { key: 'team', value: nameAt(TEAMS, c) },
        { key: 'env', value: 'prod' },
      ],
      settings: [{ name: 'containerInsights', value: c % 3 === 0 ? 'enabled' : 'disabled' }],
      availabilityZones: ZONES,
      instances,
      services,
      tasks,
    });
  }

  const document: Record<string, unknown> = {
    version: 1,
    name: meta.name,
    warmupSeconds: p.warmupSeconds,
    taskDefinitions,
    clusters,
    script,
  };
  if (meta.description !== undefined) document.description = meta.description;
  return document;
}
