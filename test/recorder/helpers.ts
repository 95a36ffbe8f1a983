/** Shared pieces of the flight recorder tests: temp directories and realistic domain objects. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service, ServiceEvent, Task } from '../../src/domain/model.ts';

export const NOW = Date.UTC(2025, 0, 15, 9, 0, 0);
export const CLUSTER = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
export const SERVICE_ARN = 'arn:aws:ecs:us-east-1:123456789012:service/prod/payments';

/** A fresh temp directory per test, removed by the returned cleanup. */
export function tempDirectory(): { directory: string; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'ecsdeck-recorder-'));
  return { directory, cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

/** A payments task killed for running out of memory: a failure by every rule of the feed. */
export function oomTask(id: string, stoppedAt = NOW - 60_000): Task {
  return {
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
    clusterArn: CLUSTER,
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/payments:7',
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    availabilityZone: 'us-east-1b',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    launchType: 'EC2',
    group: 'service:payments',
    startedBy: 'ecs-svc/1234567890123456789',
    version: 5,
    cpu: '256',
    memory: '512',
    createdAt: stoppedAt - 90_000,
    pullStartedAt: stoppedAt - 88_000,
    pullStoppedAt: stoppedAt - 80_000,
    startedAt: stoppedAt - 79_000,
    stoppingAt: stoppedAt - 2_000,
    executionStoppedAt: stoppedAt - 1_000,
    stoppedAt,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [
      {
        name: 'app',
        containerArn: `arn:aws:ecs:us-east-1:123456789012:container/prod/${id}/1111`,
        taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`,
        image: 'registry.example.com/payments:2.4.1',
        lastStatus: 'STOPPED',
        exitCode: 137,
        reason: 'OutOfMemoryError: Container killed due to memory usage',
        healthStatus: 'UNKNOWN',
        cpu: '0',
        networkBindings: [{ containerPort: 8080, hostPort: 32768, protocol: 'tcp' }],
      },
      { name: 'sidecar', image: 'envoy:1.30', lastStatus: 'STOPPED', exitCode: 0 },
    ],
    overrides: { containerOverrides: [{ name: 'app', command: ['serve'] }] },
    tags: [{ key: 'team', value: 'payments' }],
  };
}

export const paymentsService: Pick<Service, 'serviceArn' | 'serviceName' | 'clusterArn'> = {
  serviceArn: SERVICE_ARN,
  serviceName: 'payments',
  clusterArn: CLUSTER,
};

export function placementEvent(id: string, createdAt = NOW - 30_000): ServiceEvent {
  return {
    id,
    createdAt,
    message:
      '(service payments) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 0a1b2c3d) has insufficient memory available.',
  };
}
