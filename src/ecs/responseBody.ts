/**
 * What an ECS answer's body must pass before anyone trusts it, as two middlewares on the SDK client's stack:
 *
 * - Inside the SDK's deserializer (nearest the wire): the body is read here, refused by its Content-Length or by
 *   counting bytes as they stream once it passes the limit (before any of it is parsed), and a 2xx body must be a
 *   JSON object: an empty body is an error, not an account without clusters (the SDK would read it as `{}`). The
 *   bytes are handed on to the SDK's deserializer, which parses them as usual.
 * - Outside it: the SDK's JSON 1.1 deserializer refuses the WHOLE answer when one field of one record has the wrong
 *   type (a timestamp that is not a number: `parseEpochTimestamp` throws). Then this middleware parses the same bytes
 *   itself and returns the plain JSON: its member names are the SDK output's, and the gateway's normalisers
 *   (domain/model.ts) read either form, dropping the one field or record they cannot use.
 * Catching the SDK's refusal rather than rewriting the body or subclassing its deserializer keeps us on the public
 * middleware API and covers whatever type check a later SDK adds, with one parse on the normal path.
 *
 * With `unchanged` (unchangedAnswers.ts), an answer whose body is byte for byte the last one to the same request,
 * and for which a result was remembered, is not parsed at all: the first middleware hands the SDK's deserializer an
 * empty body in its place, the second answers with the kept result. Every other successful answer is marked with its
 * request and digest, for the caller to remember what it builds from it.
 */
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  DeserializeHandlerOutput,
  DeserializeMiddleware,
  HandlerExecutionContext,
  Pluggable,
} from '@smithy/types';
import { digestOf, keptOutput, markAnswer, type UnchangedAnswers } from './unchangedAnswers.ts';

/** Larger than any real ECS answer (a DescribeTasks of 100 tasks with every field is well under 2 MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 20 * 2 ** 20;

export type ResponseBodyProblem = 'too-large' | 'empty' | 'not-json' | 'not-an-object';

/** A body refused before the SDK made sense of it; errors.ts turns it into one sentence. */
export class ResponseBodyError extends Error {
  readonly problem: ResponseBodyProblem;
  readonly httpStatus: number | undefined;
  /** For too-large: the limit in bytes, and the declared or counted size. */
  readonly limit: number | undefined;
  readonly size: number | undefined;

  constructor(problem: ResponseBodyProblem, details: { httpStatus?: number; limit?: number; size?: number }) {
    super(`response body refused: ${problem}`);
    this.name = 'ResponseBodyError';
    this.problem = problem;
    this.httpStatus = details.httpStatus;
    this.limit = details.limit;
    this.size = details.size;
  }
}

interface WireResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

interface ReadBody {
  /** The SDK's response object, its body now the bytes read. */
  response: unknown;
  status: number;
  bytes: Uint8Array;
  headers: Record<string, string | undefined>;
  /** The request and the body's digest as `unchanged` knows them. */
  request?: string;
  digest?: string;
  /** The result kept for the same request and the same bytes: no need to parse them. */
  kept?: { result: unknown };
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function destroy(body: unknown): void {
  const stream = body as { destroy?: () => void } | undefined;
  if (typeof stream?.destroy === 'function') stream.destroy();
}

/** The whole body, refused as soon as it is known to be over `limit` (declared or counted). */
async function readWithin(body: unknown, limit: number, status: number): Promise<Uint8Array> {
  const tooLarge = (size: number) => new ResponseBodyError('too-large', { httpStatus: status, limit, size });
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') body = Buffer.from(body);
  if (body instanceof Uint8Array) {
    if (body.byteLength > limit) throw tooLarge(body.byteLength);
    return body;
  }
  const iterable = body as AsyncIterable<Uint8Array | string>;
  if (typeof iterable[Symbol.asyncIterator] !== 'function') return new Uint8Array(0);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of iterable) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
      size += bytes.byteLength;
      if (size > limit) throw tooLarge(size);
      chunks.push(bytes);
    }
  } catch (error) {
    destroy(body);
    throw error;
  }
  return Buffer.concat(chunks, size);
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

function firstSignificantByte(bytes: Uint8Array): number | undefined {
  let at = 0;
  // A UTF-8 byte order mark is not content either.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) at = 3;
  for (; at < bytes.length; at++) if (!WHITESPACE.has(bytes[at] as number)) return bytes[at];
  return undefined;
}

/** The body as a JSON object, or the reason it is not one. */
function parseObject(bytes: Uint8Array, status: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw new ResponseBodyError('not-json', { httpStatus: status });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseBodyError('not-an-object', { httpStatus: status });
  }
  return value as Record<string, unknown>;
}

/** An operation and its serialised request: the same words asked again. */
function requestKey(context: HandlerExecutionContext, args: { request: unknown }): string | undefined {
  const body = (args.request as { body?: unknown } | undefined)?.body;
  if (!context.commandName) return undefined;
  // The SDK serialises JSON requests to bytes; a string would do as well.
  if (body instanceof Uint8Array) {
    return `${context.commandName}\n${Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')}`;
  }
  return typeof body === 'string' ? `${context.commandName}\n${body}` : undefined;
}

/**
 * The two middlewares, for `client.middlewareStack.use()`. `maxBytes` bounds every body, errors included; the
 * emptiness and JSON checks apply to successful answers (an error's body is the SDK's to read).
 */
export function responseBodyGuard<Input extends object, Output extends object>(
  maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES,
  unchanged?: UnchangedAnswers,
): Pluggable<Input, Output> {
  const bodies = new WeakMap<HandlerExecutionContext, ReadBody>();

  const readBody: DeserializeMiddleware<Input, Output> =
    (next: DeserializeHandler<Input, Output>, context: HandlerExecutionContext) =>
    async (args: DeserializeHandlerArguments<Input>): Promise<DeserializeHandlerOutput<Output>> => {
      const result = await next(args);
      const response = result.response as WireResponse;
      const status = response.statusCode ?? 0;
      const headers = response.headers ?? {};
      const declared = Number(header(headers, 'content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        destroy(response.body);
        throw new ResponseBodyError('too-large', { httpStatus: status, limit: maxBytes, size: declared });
      }
      const bytes = await readWithin(response.body, maxBytes, status);
      response.body = bytes;
      if (status >= 200 && status < 300) {
        const first = firstSignificantByte(bytes);
        if (first === undefined) throw new ResponseBodyError('empty', { httpStatus: status });
        // Anything but an object would reach the SDK as `{}` (or worse) and read as an empty account.
        if (first !== 0x7b) parseObject(bytes, status);
        const request = unchanged ? requestKey(context, args) : undefined;
        const digest = request !== undefined ? digestOf(bytes) : undefined;
        const kept =
          request !== undefined && digest !== undefined
            ? unchanged?.match(request, bytes.byteLength, digest)
            : undefined;
        // Made sense of already: the deserializer gets nothing to do.
        if (kept !== undefined) response.body = new Uint8Array(0);
        bodies.set(context, {
          response,
          status,
          bytes,
          headers,
          ...(request !== undefined && digest !== undefined ? { request, digest } : {}),
          ...(kept !== undefined ? { kept } : {}),
        });
      }
      return result;
    };

  const lenientFields: DeserializeMiddleware<Input, Output> =
    (next: DeserializeHandler<Input, Output>, context: HandlerExecutionContext) =>
    async (args: DeserializeHandlerArguments<Input>): Promise<DeserializeHandlerOutput<Output>> => {
      const metadataOf = (read: ReadBody) => {
        const requestId = header(read.headers, 'x-amzn-requestid');
        return { httpStatusCode: read.status, ...(requestId ? { requestId } : {}) };
      };
      const kept = (read: ReadBody, kept: { result: unknown }) =>
        keptOutput(kept.result, metadataOf(read)) as unknown as Output;
      const marked = <O extends object>(read: ReadBody, output: O): O => {
        if (read.request !== undefined && read.digest !== undefined) {
          markAnswer(output, { request: read.request, length: read.bytes.byteLength, digest: read.digest });
        }
        return output;
      };
      try {
        const result = await next(args);
        const read = bodies.get(context);
        if (read?.kept !== undefined) return { response: result.response, output: kept(read, read.kept) };
        if (read !== undefined && typeof result.output === 'object' && result.output !== null) {
          marked(read, result.output);
        }
        return result;
      } catch (error) {
        const read = bodies.get(context);
        // Only a successful answer the SDK could not map: errors, network failures and our refusals go on as they are.
        if (read === undefined || error instanceof ResponseBodyError) throw error;
        if (read.kept !== undefined) return { response: read.response, output: kept(read, read.kept) };
        const output = marked(read, { ...parseObject(read.bytes, read.status), $metadata: metadataOf(read) });
        return { response: read.response, output: output as unknown as Output };
      } finally {
        bodies.delete(context);
      }
    };

  return {
    applyToStack: (stack) => {
      // Deserialize-step middleware nearest the wire runs last on the way out: `low` sits under the SDK's
      // deserializer (it sees the raw body first), `high` over it (it sees the SDK's verdict).
      stack.add(readBody, { step: 'deserialize', priority: 'low', name: 'ecsdeckResponseBodyLimit' });
      stack.add(lenientFields, { step: 'deserialize', priority: 'high', name: 'ecsdeckLenientFields' });
    },
  };
}
