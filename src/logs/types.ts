/**
 * CloudWatch Logs as ecsdeck reads it: the one way in (LogsGateway, over @aws-sdk/client-cloudwatch-logs with its
 * own request budget), and the shapes the log view, the `ecsdeck logs` command and the Failures pane share.
 * Every string in here came from the network: messages are raw (unsanitised) until they are rendered.
 */
import type { CallOptions, GatewayTarget } from '../ecs/gateway.ts';
import type { CallStatsSnapshot } from '../ecs/stats.ts';

/** Where one container's log lines are: an awslogs group and stream, in the group's region. */
export interface LogStreamRef {
  group: string;
  stream: string;
  /** `awslogs-region` when it differs from the client's; the stream is read there. */
  region?: string;
  /** The container whose stream this is (for prefixes and the chooser). */
  container: string;
  /** The task's short id (for prefixes in a service's interleaved view). */
  taskId: string;
}

/**
 * Where a container's logs go, as its task definition says: readable here (awslogs), or not, and then why, in
 * words the view shows as they are ("FireLens (fluentbit) routes them to its own outputs").
 */
export type LogSource =
  | { kind: 'cloudwatch'; ref: LogStreamRef }
  | { kind: 'unreadable'; container: string; why: string };

export interface LogEvent {
  /** Epoch ms, as the event says. */
  timestamp: number;
  /** Epoch ms when CloudWatch stored it, when it says so. */
  ingestionTime?: number;
  /** Raw: may hold escape sequences, C0/C1 or bidi controls, be huge, or carry replacement characters. */
  message: string;
  /** The stream it came from (interleaved views prefix lines with its container or task). */
  stream: string;
}

export interface GetLogEventsRequest {
  startTime?: number;
  endTime?: number;
  /** True: oldest first from startTime; false (the default): backwards from the end. */
  startFromHead?: boolean;
  nextToken?: string;
  limit?: number;
}

export interface LogEventsPage {
  events: LogEvent[];
  nextForwardToken?: string;
  nextBackwardToken?: string;
}

export interface FilterLogEventsRequest {
  streamNames?: string[];
  /** CloudWatch filter syntax, passed as the user typed it. */
  filterPattern?: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
}

export interface FilteredLogEventsPage {
  events: LogEvent[];
  nextToken?: string;
}

export interface LiveTailRequest {
  /** Log group ARNs or names, as StartLiveTail's logGroupIdentifiers. */
  groups: string[];
  streamNames?: string[];
  filterPattern?: string;
}

/** One sessionUpdate of a live tail; `sampled` when CloudWatch sent only a sample (it does above 500 events/s). */
export interface LiveTailUpdate {
  events: LogEvent[];
  sampled: boolean;
}

export interface LogsGateway {
  readonly target: GatewayTarget;
  getLogEvents(ref: LogStreamRef, request: GetLogEventsRequest, options?: CallOptions): Promise<LogEventsPage>;
  filterLogEvents(
    group: string,
    request: FilterLogEventsRequest,
    options?: CallOptions & { region?: string },
  ): Promise<FilteredLogEventsPage>;
  /**
   * A live tail: updates until the signal aborts (then the session is closed at once: it is billed per minute) or
   * the service ends it. Rejects with a GatewayError (access-denied, invalid-request...) when it is refused; the
   * caller then falls back to polling GetLogEvents with the forward token.
   */
  startLiveTail(request: LiveTailRequest, options: CallOptions & { region?: string }): AsyncIterable<LiveTailUpdate>;
  stats(): CallStatsSnapshot;
  /** The logs budget's ceiling and its current (adaptive) rate. */
  budget(): { ceiling: number; effective: number };
}

/**
 * The logs client as the app holds it: created on first use, so the CloudWatch Logs SDK loads when a log is first
 * opened, never before the first frame. Rejects with a GatewayError when it cannot be created.
 */
export interface LogsAccess {
  gateway(): Promise<LogsGateway>;
}
