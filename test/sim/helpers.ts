/** Shared helpers for the simulator's wire and contract tests. */
import {
  ECSClient,
  type ECSClientConfig,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { ManualClock } from '../../src/lib/clock.ts';
import type { FaultConfig } from '../../src/sim/faults.ts';
import { SimModel } from '../../src/sim/model/model.ts';
import { TARGET_PREFIX } from '../../src/sim/protocol.ts';
import { type SimRequest, type SimServer, type SimServerOptions, startSimServer } from '../../src/sim/server.ts';
import type { ThrottleConfig } from '../../src/sim/throttle.ts';

type RetryStrategyV2 = Extract<NonNullable<ECSClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;

/**
 * A retry strategy that retries what the SDK classifies as retryable (throttling, transient, 5xx) up to
 * `maxAttempts` attempts with no delay, so tests exercise the SDK's retries without waiting on its backoff.
 */
export function instantRetries(maxAttempts: number): RetryStrategyV2 {
  const token = (count: number) => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, info) => {
      const retryable =
        info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT' || info.errorType === 'SERVER_ERROR';
      if (retryable && previous.getRetryCount() + 1 < maxAttempts) return token(previous.getRetryCount() + 1);
      throw info.error ?? new Error('no retry');
    },
    recordSuccess: () => {},
  };
}

/** The real SDK pointed at a simulator; `maxAttempts` attempts with instant retries (default 1: no retry). */
export function ecsClient(url: string, maxAttempts = 1): ECSClient {
  return new ECSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    retryStrategy: instantRetries(maxAttempts),
  });
}

/** An API request for the socket-less handler. */
export function apiRequest(operation: string, body: unknown = {}): SimRequest {
  return {
    method: 'POST',
    url: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${TARGET_PREFIX}.${operation}`,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** A raw JSON 1.1 call over HTTP (for what the SDK would never send). */
export async function rawCall(
  url: string,
  operation: string | undefined,
  body: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', ...init.headers };
  if (operation !== undefined) headers['x-amz-target'] = `${TARGET_PREFIX}.${operation}`;
  const method = init.method ?? 'POST';
  const response = await fetch(url, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

// ------------------------------------------------------------------------------------------- contract worlds

export interface ContractWorld {
  server: SimServer;
  model: SimModel;
  /** Simulated time (the model's clock). */
  clock: ManualClock;
  /** The server's wall clock (throttling, request log). */
  wallClock: ManualClock;
  client: ECSClient;
  url: string;
  /** Moves simulated time forward in 1 s steps, letting the model run what falls due. */
  advance(seconds: number): void;
}

export const CONTRACT_START = Date.UTC(2025, 0, 1, 12, 0, 0);

/** A fresh model and server on ManualClocks, throttling off unless asked for. */
export async function startContractWorld(
  options: { seed?: number; throttling?: ThrottleConfig | false; faults?: FaultConfig; maxAttempts?: number } = {},
): Promise<ContractWorld> {
  const clock = new ManualClock(CONTRACT_START);
  const wallClock = new ManualClock(CONTRACT_START);
  const model = new SimModel({ seed: options.seed ?? 1, clock });
  const serverOptions: SimServerOptions = {
    model,
    wallClock,
    seed: options.seed ?? 1,
    throttling: options.throttling ?? false,
  };
  if (options.faults) serverOptions.faults = options.faults;
  const server = await startSimServer(serverOptions);
  return {
    server,
    model,
    clock,
    wallClock,
    client: ecsClient(server.url, options.maxAttempts ?? 1),
    url: server.url,
    advance(seconds) {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1000);
        model.advance();
      }
    },
  };
}

/** Registers EC2 container instances the way the ECS agent does (identity document + totalResources). */
export async function registerInstances(
  client: ECSClient,
  cluster: string,
  count: number,
  shape: { cpu?: number; memory?: number; instanceType?: string; zones?: string[]; firstIndex?: number } = {},
): Promise<string[]> {
  const zones = shape.zones ?? ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const arns: string[] = [];
  for (let i = 0; i < count; i++) {
    const index = (shape.firstIndex ?? 0) + i;
    const out = await client.send(
      new RegisterContainerInstanceCommand({
        cluster,
        instanceIdentityDocument: JSON.stringify({
          instanceId: `i-${index.toString(16).padStart(17, '0')}`,
          availabilityZone: zones[index % zones.length],
          instanceType: shape.instanceType ?? 'm5.xlarge',
          region: 'us-east-1',
        }),
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: shape.cpu ?? 4096 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: shape.memory ?? 15576 },
        ],
        versionInfo: { agentVersion: '1.89.2', dockerVersion: 'DockerVersion: 25.0.8' },
      }),
    );
    const arn = out.containerInstance?.containerInstanceArn;
    if (!arn) throw new Error('RegisterContainerInstance returned no ARN');
    arns.push(arn);
  }
  return arns;
}

/** A small EC2 task definition that runs until stopped. */
export async function registerWebTaskDefinition(
  client: ECSClient,
  family = 'web',
  container: { cpu?: number; memory?: number; image?: string } = {},
): Promise<string> {
  const out = await client.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'bridge',
      containerDefinitions: [
        {
          name: 'app',
          image: container.image ?? 'nginx:1.27',
          cpu: container.cpu ?? 64,
          memory: container.memory ?? 128,
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }],
        },
      ],
      tags: [{ key: 'team', value: 'platform' }],
    }),
  );
  const arn = out.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error('RegisterTaskDefinition returned no ARN');
  return arn;
}

/** Drains an SDK paginator into one list. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}
