/**
 * A synthetic hour (or more) of what ecsdeck records watching the large scenario: shared by the recorder
 * benchmark and the data-layer benchmark (which loads it into the store to measure memory).
 */
import type { Task } from '../../src/domain/model.ts';
import type { SeededRandom } from '../../src/lib/random.ts';
import {
  actionFailureRecord,
  actionRecord,
  type RecorderRecord,
  serviceEventFailureRecord,
  stoppedTaskRecord,
  transitionRecord,
} from '../../src/recorder/records.ts';

export const START_MS = Date.UTC(2025, 0, 15, 9, 0, 0);
const CLUSTERS = 20;
const SERVICES = 500;
const INSTANCES = 400;
/** Tasks replaced per minute across the account: each replacement is seen as ~4 statuses by 5 s polls. */
const REPLACEMENTS_PER_MINUTE = 80;
/** One failed task every this many seconds. */
const FAILURE_EVERY_S = 3;
/** One placement-failure event every this many seconds. */
const PLACEMENT_EVERY_S = 20;
const ACTIONS_PER_HOUR = 12;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;

interface Fleet {
  clusters: string[];
  services: { name: string; arn: string; cluster: string; family: string }[];
  instances: string[][];
}

function fleet(random: SeededRandom): Fleet {
  const clusters = Array.from({ length: CLUSTERS }, (_, index) => `cluster-${String(index).padStart(2, '0')}`);
  const services = Array.from({ length: SERVICES }, (_, index) => {
    const cluster = clusters[index % CLUSTERS] as string;
    const name = `svc-${String(index).padStart(3, '0')}`;
    return { name, arn: arn(`service/${cluster}/${name}`), cluster, family: `${name}-td` };
  });
  const instances = clusters.map((cluster) =>
    Array.from({ length: INSTANCES / CLUSTERS }, () => arn(`container-instance/${cluster}/${random.hex(32)}`)),
  );
  return { clusters, services, instances };
}

const FAILURE_SHAPES: readonly ((task: Task) => void)[] = [
  (task) => {
    task.stopCode = 'EssentialContainerExited';
    task.stoppedReason = 'Essential container in task exited';
    task.containers = [
      {
        name: 'app',
        image: 'registry.example.com/app:2.4.1',
        lastStatus: 'STOPPED',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
      },
      { name: 'envoy', image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29', lastStatus: 'STOPPED', exitCode: 0 },
    ];
  },
  (task) => {
    task.stopCode = 'ServiceSchedulerInitiated';
    task.stoppedReason = 'Task failed container health checks';
    task.containers = [
      {
        name: 'app',
        image: 'registry.example.com/app:2.4.1',
        lastStatus: 'STOPPED',
        exitCode: 143,
        healthStatus: 'UNHEALTHY',
      },
    ];
  },
  (task) => {
    task.stopCode = 'TaskFailedToStart';
    task.stoppedReason =
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref registry.example.com/batch:latest: not found';
    task.containers = [
      {
        name: 'job',
        image: 'registry.example.com/batch:latest',
        lastStatus: 'STOPPED',
        reason: 'CannotPullContainerError: not found',
      },
    ];
  },
  (task) => {
    task.stopCode = 'EssentialContainerExited';
    task.stoppedReason = 'Essential container in task exited';
    task.containers = [{ name: 'job', image: 'registry.example.com/batch:1.9.0', lastStatus: 'STOPPED', exitCode: 1 }];
  },
];

/** An hour (or more) of what the pollers would record, in time order. */
export function* history(hours: number, random: SeededRandom): Generator<RecorderRecord> {
  const { clusters, services, instances } = fleet(random.fork('fleet'));
  const endMs = START_MS + hours * 3_600_000;
  const replacementEveryMs = 60_000 / REPLACEMENTS_PER_MINUTE;
  let nextReplacement = START_MS;
  let nextFailure = START_MS;
  let nextPlacement = START_MS;
  let nextAction = START_MS;
  let actionCounter = 0;
  // Tasks are observed on 5 s polls: each replacement gives PROVISIONING/PENDING, RUNNING, then later the stop.
  const pendingStops: { at: number; task: Task; service: string }[] = [];

  const newTask = (at: number) => {
    const service = random.pick(services);
    const clusterIndex = clusters.indexOf(service.cluster);
    const task: Task = {
      taskArn: arn(`task/${service.cluster}/${random.hex(32)}`),
      clusterArn: arn(`cluster/${service.cluster}`),
      taskDefinitionArn: arn(`task-definition/${service.family}:${random.int(1, 40)}`),
      containerInstanceArn: random.pick(instances[clusterIndex] as string[]),
      availabilityZone: `${REGION}${random.pick(['a', 'b', 'c'])}`,
      group: `service:${service.name}`,
      startedBy: `ecs-svc/${random.digits(19)}`,
      launchType: 'EC2',
      desiredStatus: 'RUNNING',
      createdAt: at,
    };
    return { task, service };
  };

  for (let at = START_MS; at < endMs; at += 250) {
    const out: RecorderRecord[] = [];
    while (nextReplacement <= at) {
      const { task, service } = newTask(nextReplacement);
      out.push(
        transitionRecord({ ...task, lastStatus: 'PENDING' }, nextReplacement, {
          service: service.name,
        }) as RecorderRecord,
      );
      task.pullStartedAt = nextReplacement + 1_000;
      task.pullStoppedAt = nextReplacement + 4_000;
      task.startedAt = nextReplacement + 5_000;
      out.push(
        transitionRecord({ ...task, lastStatus: 'RUNNING' }, nextReplacement + 5_000, {
          service: service.name,
        }) as RecorderRecord,
      );
      pendingStops.push({ at: nextReplacement + random.int(60_000, 600_000), task, service: service.name });
      nextReplacement += replacementEveryMs;
    }
    while (nextFailure <= at) {
      const { task, service } = newTask(nextFailure - 120_000);
      task.startedAt = nextFailure - 110_000;
      task.stoppingAt = nextFailure - 2_000;
      task.executionStoppedAt = nextFailure - 1_000;
      task.stoppedAt = nextFailure;
      task.lastStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      random.pick(FAILURE_SHAPES)(task);
      out.push(transitionRecord(task, nextFailure, { service: service.name }) as RecorderRecord);
      out.push(
        stoppedTaskRecord(task, nextFailure, {
          serviceName: service.name,
          essentialContainers: [task.containers?.[0]?.name ?? 'app'],
        }),
      );
      nextFailure += FAILURE_EVERY_S * 1_000;
    }
    while (nextPlacement <= at) {
      const service = random.pick(services);
      const record = serviceEventFailureRecord(
        { serviceArn: service.arn, serviceName: service.name, clusterArn: arn(`cluster/${service.cluster}`) },
        {
          id: random.uuid(),
          createdAt: nextPlacement,
          message: `(service ${service.name}) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance ${random.hex(32)}) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.`,
        },
      );
      if (record) out.push(record);
      nextPlacement += PLACEMENT_EVERY_S * 1_000;
    }
    while (nextAction <= at) {
      actionCounter += 1;
      const id = `act-${actionCounter}`;
      const cluster = random.pick(clusters);
      const targets = Array.from({ length: 10 }, () => arn(`container-instance/${cluster}/${random.hex(32)}`));
      const common = { id, operation: 'UpdateContainerInstancesState', targets, clusterArn: arn(`cluster/${cluster}`) };
      out.push(
        actionRecord({ ...common, at: nextAction, phase: 'before', parameters: { status: 'DRAINING' }, user: 'alice' }),
      );
      const failures = [{ arn: targets[0] as string, reason: 'MISSING' }];
      out.push(actionRecord({ ...common, at: nextAction + 300, phase: 'after', outcome: 'partial', failures }));
      out.push(
        actionFailureRecord(failures[0] as { arn: string; reason: string }, {
          id: `${id}#0`,
          at: nextAction + 300,
          operation: common.operation,
          clusterArn: common.clusterArn,
        }),
      );
      nextAction += 3_600_000 / ACTIONS_PER_HOUR;
    }
    for (let index = pendingStops.length - 1; index >= 0; index--) {
      const stop = pendingStops[index] as (typeof pendingStops)[number];
      if (stop.at > at) continue;
      pendingStops.splice(index, 1);
      out.push(
        transitionRecord({ ...stop.task, lastStatus: 'DEPROVISIONING', desiredStatus: 'STOPPED' }, stop.at, {
          service: stop.service,
        }) as RecorderRecord,
      );
      out.push(
        transitionRecord({ ...stop.task, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }, stop.at + 5_000, {
          service: stop.service,
        }) as RecorderRecord,
      );
    }
    yield* out;
  }
}
