import type { LiveTailHub } from '../logs/liveTail.ts';
import type { SimModel } from '../model/model.ts';
import type { Params, StreamingAnswer } from '../protocol.ts';

/** RunTask results remembered by clientToken, so a retried call does not start its tasks twice. */
export interface IdempotentRunTask {
  /** The request without its clientToken, as canonical JSON: a different request with the same token conflicts. */
  request: string;
  taskArns: string[];
  failures: { arn?: string; reason?: string; detail?: string }[];
}

export interface HandlerContext {
  model: SimModel;
  runTaskTokens: Map<string, IdempotentRunTask>;
  /** StartLiveTail's sessions. */
  liveTail: LiveTailHub;
  /** The id of the request being handled (StartLiveTail's sessionStart repeats it). */
  requestId: string;
}

/** One API operation: reads its parameters, calls the model, returns the response body (before JSON encoding). */
export type OperationHandler = (ctx: HandlerContext, params: Params) => Record<string, unknown> | StreamingAnswer;
