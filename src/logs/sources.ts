/**
 * Where each container of a task writes its logs, read from its task definition's logConfiguration (cached once per
 * revision). Only the awslogs driver lands in CloudWatch Logs where ecsdeck can read it; for every other driver the
 * view says plainly where the lines go instead of showing an empty screen.
 *
 * awslogs names a container's stream `<awslogs-stream-prefix>/<container name>/<task id>`; without a prefix
 * (allowed on EC2 only) the stream is named after the Docker container id, which the task reports as `runtimeId`.
 */
import { shortName } from '../domain/arn.ts';
import type { ContainerDefinitionSummary, Task, TaskDefinition } from '../domain/model.ts';
import type { LogSource } from './types.ts';

/** Log drivers by what they do with the lines, in the words the view uses. */
const ELSEWHERE: Readonly<Record<string, string>> = {
  awsfirelens: 'FireLens routes them to the outputs of its Fluent Bit or Fluentd sidecar',
  splunk: 'the splunk driver sends them to Splunk',
  syslog: 'the syslog driver sends them to a syslog server',
  fluentd: 'the fluentd driver sends them to a Fluentd collector',
  gelf: 'the gelf driver sends them to a Graylog (GELF) endpoint',
  journald: 'the journald driver keeps them in the container instance’s journal',
  'json-file': 'the json-file driver keeps them on the container instance’s disk',
  none: 'the none driver discards them',
};

/** The sources of every container of `task`, in task definition order; a container the definition lacks is skipped. */
export function logSourcesOf(task: Task, definition: TaskDefinition | undefined): LogSource[] {
  const taskId = task.taskArn ? shortName(task.taskArn) : '';
  const definitions = definition?.containerDefinitions ?? [];
  if (definitions.length === 0) {
    // Without the definition nothing can be said about any container; the caller reads the definition first.
    return (task.containers ?? []).map((container) => ({
      kind: 'unreadable' as const,
      container: container.name ?? '?',
      why: 'its task definition could not be read, so where its logs go is unknown',
    }));
  }
  return definitions.map((container) => logSourceOf(container, task, taskId));
}

function logSourceOf(container: ContainerDefinitionSummary, task: Task, taskId: string): LogSource {
  const name = container.name ?? '?';
  const configuration = container.logConfiguration;
  const driver = configuration?.logDriver;
  if (!configuration || !driver) {
    return {
      kind: 'unreadable',
      container: name,
      why: 'it has no log configuration, so ECS sends its output nowhere ecsdeck can read',
    };
  }
  if (driver !== 'awslogs') {
    const where = Object.hasOwn(ELSEWHERE, driver)
      ? (ELSEWHERE[driver] as string)
      : `the ${driver} driver sends them outside CloudWatch Logs`;
    return { kind: 'unreadable', container: name, why: `${where}; ecsdeck reads CloudWatch Logs (awslogs) only` };
  }
  const options = configuration.options ?? {};
  const group = options['awslogs-group'];
  if (!group) {
    return { kind: 'unreadable', container: name, why: 'its awslogs configuration names no awslogs-group' };
  }
  const prefix = options['awslogs-stream-prefix'];
  let stream: string | undefined;
  if (prefix) stream = `${prefix}/${name}/${taskId}`;
  else stream = task.containers?.find((running) => running.name === name)?.runtimeId;
  if (!stream) {
    return {
      kind: 'unreadable',
      container: name,
      why: 'its awslogs stream is named after the Docker container id, which ECS has not reported yet',
    };
  }
  const region = options['awslogs-region'];
  return {
    kind: 'cloudwatch',
    ref: { group, stream, container: name, taskId, ...(region ? { region } : {}) },
  };
}
