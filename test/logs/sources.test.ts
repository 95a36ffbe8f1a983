import { describe, expect, it } from 'vitest';
import { normalizeTask, normalizeTaskDefinition, type TaskDefinition } from '../../src/domain/model.ts';
import { logSourcesOf } from '../../src/logs/sources.ts';

const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function definition(containerDefinitions: unknown[]): TaskDefinition {
  const normalized = normalizeTaskDefinition({
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/payments:7',
    containerDefinitions,
  });
  if (!normalized) throw new Error('expected a task definition');
  return normalized;
}

function task(containers: unknown[] = []) {
  const normalized = normalizeTask({ taskArn: TASK_ARN, containers });
  if (!normalized) throw new Error('expected a task');
  return normalized;
}

describe('logSourcesOf', () => {
  it('names the awslogs stream prefix/container/task-id, in the group and region the options give', () => {
    const sources = logSourcesOf(
      task(),
      definition([
        {
          name: 'app',
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/ecs/payments',
              'awslogs-region': 'eu-west-1',
              'awslogs-stream-prefix': 'ecs',
            },
          },
        },
      ]),
    );
    expect(sources).toEqual([
      {
        kind: 'cloudwatch',
        ref: {
          group: '/ecs/payments',
          stream: 'ecs/app/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
          region: 'eu-west-1',
          container: 'app',
          taskId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
        },
      },
    ]);
  });

  it('without a prefix reads the stream named after the Docker container id, once the task reports it', () => {
    const awslogs = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web' } };
    const defs = definition([{ name: 'web', logConfiguration: awslogs }]);
    expect(logSourcesOf(task([{ name: 'web', runtimeId: 'c0ffee' }]), defs)).toMatchObject([
      { kind: 'cloudwatch', ref: { stream: 'c0ffee' } },
    ]);
    expect(logSourcesOf(task([{ name: 'web' }]), defs)).toMatchObject([
      { kind: 'unreadable', container: 'web', why: expect.stringContaining('Docker container id') },
    ]);
  });

  it('says where logs go for FireLens, other drivers, no configuration and a missing group', () => {
    const sources = logSourcesOf(
      task(),
      definition([
        { name: 'router', logConfiguration: { logDriver: 'awsfirelens', options: { Name: 'datadog' } } },
        { name: 'legacy', logConfiguration: { logDriver: 'splunk' } },
        { name: 'odd', logConfiguration: { logDriver: 'weird-driver' } },
        { name: 'silent' },
        { name: 'nogroup', logConfiguration: { logDriver: 'awslogs', options: {} } },
      ]),
    );
    expect(sources.map((source) => (source.kind === 'unreadable' ? source.why : 'readable'))).toEqual([
      'FireLens routes them to the outputs of its Fluent Bit or Fluentd sidecar; ecsdeck reads CloudWatch Logs (awslogs) only',
      'the splunk driver sends them to Splunk; ecsdeck reads CloudWatch Logs (awslogs) only',
      'the weird-driver driver sends them outside CloudWatch Logs; ecsdeck reads CloudWatch Logs (awslogs) only',
      'it has no log configuration, so ECS sends its output nowhere ecsdeck can read',
      'its awslogs configuration names no awslogs-group',
    ]);
  });

  it('survives options of the wrong type and a definition it could not read', () => {
    const defs = definition([
      { name: 'app', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 7, toString: 'x' } } },
    ]);
    expect(logSourcesOf(task(), defs)).toMatchObject([{ kind: 'unreadable', container: 'app' }]);
    expect(logSourcesOf(task([{ name: 'app' }]), undefined)).toMatchObject([
      { kind: 'unreadable', container: 'app', why: expect.stringContaining('could not be read') },
    ]);
  });
});
