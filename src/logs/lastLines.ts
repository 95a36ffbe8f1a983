/**
 * The last lines a stopped task wrote before it stopped, shown inline in the Failures pane and a stopped task's
 * detail, so "payments OOM-killed" comes with the memory warnings that led there.
 *
 * Read once per stopped task (its logs no longer grow), backwards from the end with GetLogEvents up to a little
 * after `stoppedAt` (awslogs flushes the last lines as the container exits), for the containers that failed (a
 * non-zero exit code or a reason), else every readable one, at most MAX_CONTAINERS. Only what is on screen is
 * asked for (`want`), so the logs budget pays for what the user looks at. A failure worth another try (throttled,
 * the network) is tried again after a while; a missing stream is one sentence in place of the lines.
 */

import { canonicalStatus } from '../domain/lifecycle.ts';
import type { Task, TaskDefinition } from '../domain/model.ts';
import { GatewayError } from '../ecs/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { readNewestEvents } from './paging.ts';
import { logSourcesOf } from './sources.ts';
import type { LogEvent, LogSource, LogsAccess } from './types.ts';

/** Lines per container. */
export const LAST_LINES_COUNT = 20;
/** Lines written up to this long after stoppedAt still count (the last flush of awslogs). */
export const LAST_LINES_GRACE_MS = 10_000;
/** A transient failure is tried again after this long, when the task is still on screen. */
export const LAST_LINES_RETRY_MS = 30_000;
/** Containers read per task at most. */
export const MAX_CONTAINERS = 2;

export type ContainerLastLines =
  | { container: string; kind: 'lines'; events: LogEvent[] }
  /** No lines to show, and why: a missing stream, logs outside CloudWatch Logs. */
  | { container: string; kind: 'absent'; sentence: string };

export type LastLinesState =
  | { kind: 'loading' }
  | { kind: 'ready'; containers: ContainerLastLines[] }
  | { kind: 'failed'; sentence: string; at: number; transient: boolean };

export interface LastLinesOptions {
  access: LogsAccess;
  /** The task definition, cached once per revision (the monitor's). */
  taskDefinition: (arn: string) => Promise<TaskDefinition | undefined>;
  clock: Clock;
  count?: number;
  graceMs?: number;
  retryAfterMs?: number;
}

/** The containers whose last lines tell the story: the failed ones, else all, in definition order. */
export function storyContainers(task: Task, sources: LogSource[]): LogSource[] {
  const failed = new Set(
    (task.containers ?? [])
      .filter((container) => (container.exitCode !== undefined && container.exitCode !== 0) || container.reason)
      .map((container) => container.name),
  );
  const name = (source: LogSource) => (source.kind === 'cloudwatch' ? source.ref.container : source.container);
  const chosen = failed.size > 0 ? sources.filter((source) => failed.has(name(source))) : sources;
  return (chosen.length > 0 ? chosen : sources).slice(0, MAX_CONTAINERS);
}

function stoppedAtOf(task: Task): number | undefined {
  return task.stoppedAt ?? task.executionStoppedAt;
}

export class LastLinesCache {
  readonly #options: LastLinesOptions;
  readonly #states = new Map<string, LastLinesState>();
  readonly #listeners = new Set<() => void>();
  #version = 0;

  constructor(options: LastLinesOptions) {
    this.#options = options;
  }

  /** Changes with every state that changes: for useSyncExternalStore. */
  get version(): number {
    return this.#version;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  state(taskArn: string): LastLinesState | undefined {
    return this.#states.get(taskArn);
  }

  /** The task is on screen: read its last lines unless they are known (or a failure is too recent to try again). */
  want(task: Task): void {
    const arn = task.taskArn;
    if (!arn || canonicalStatus(task.lastStatus) !== 'STOPPED') return;
    const known = this.#states.get(arn);
    if (known && known.kind !== 'failed') return;
    const retryAfter = this.#options.retryAfterMs ?? LAST_LINES_RETRY_MS;
    if (known?.kind === 'failed' && (!known.transient || this.#options.clock.now() - known.at < retryAfter)) return;
    this.#set(arn, { kind: 'loading' });
    this.#read(task).then(
      (state) => this.#set(arn, state),
      (error: unknown) => this.#set(arn, this.#failure(error)),
    );
  }

  #set(arn: string, state: LastLinesState): void {
    this.#states.set(arn, state);
    this.#version++;
    for (const listener of this.#listeners) listener();
  }

  #failure(error: unknown): LastLinesState {
    const at = this.#options.clock.now();
    if (error instanceof GatewayError)
      return { kind: 'failed', sentence: error.sentence, at, transient: error.transient };
    return {
      kind: 'failed',
      sentence: `The last lines could not be read: ${error instanceof Error ? error.message : String(error)}.`,
      at,
      transient: false,
    };
  }

  async #read(task: Task): Promise<LastLinesState> {
    const definition = task.taskDefinitionArn ? await this.#options.taskDefinition(task.taskDefinitionArn) : undefined;
    const sources = storyContainers(task, logSourcesOf(task, definition));
    if (sources.length === 0) return { kind: 'ready', containers: [] };
    const gateway = await this.#options.access.gateway();
    const stoppedAt = stoppedAtOf(task);
    const endTime = stoppedAt === undefined ? undefined : stoppedAt + (this.#options.graceMs ?? LAST_LINES_GRACE_MS);
    const containers: ContainerLastLines[] = [];
    for (const source of sources) {
      if (source.kind === 'unreadable') {
        containers.push({
          container: source.container,
          kind: 'absent',
          sentence: `Its logs are not in CloudWatch Logs: ${source.why}.`,
        });
        continue;
      }
      try {
        const newest = await readNewestEvents(gateway, source.ref, {
          count: this.#options.count ?? LAST_LINES_COUNT,
          ...(endTime !== undefined ? { endTime } : {}),
          maxPages: 3,
        });
        containers.push({ container: source.ref.container, kind: 'lines', events: newest.events });
      } catch (error) {
        if (!(error instanceof GatewayError) || error.kind !== 'not-found') throw error;
        containers.push({ container: source.ref.container, kind: 'absent', sentence: error.sentence });
      }
    }
    return { kind: 'ready', containers };
  }
}
