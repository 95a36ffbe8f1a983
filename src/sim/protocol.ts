/**
 * The AWS JSON wire protocols as ECS and CloudWatch Logs (JSON 1.1) and CloudWatch (JSON 1.0) speak them
 * (ECS_API_NOTES §7): routing on X-Amz-Target, whose prefix names the service, JSON bodies,
 * `{"__type","message"}` errors with X-Amzn-ErrorType, and a reader that checks request members' types with
 * messages that name the member.
 */
import { SimError } from './errors.ts';

export const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The AWS services the simulator answers on its one port, told apart by the X-Amz-Target prefix. */
export type SimService = 'ecs' | 'logs' | 'monitoring';

export interface SimServiceSpec {
  /** In sentences. */
  name: string;
  targetPrefix: string;
  contentType: string;
}

export const SIM_SERVICES: Readonly<Record<SimService, SimServiceSpec>> = {
  ecs: { name: 'ECS', targetPrefix: TARGET_PREFIX, contentType: JSON_CONTENT_TYPE },
  logs: { name: 'CloudWatch Logs', targetPrefix: 'Logs_20140328', contentType: JSON_CONTENT_TYPE },
  // CloudWatch's SDK speaks AWS JSON 1.0 (query-compatible): the same routing, its own content type.
  monitoring: {
    name: 'CloudWatch',
    targetPrefix: 'GraniteServiceVersion20100801',
    contentType: 'application/x-amz-json-1.0',
  },
};

const SERVICE_OF_PREFIX: ReadonlyMap<string, SimService> = new Map(
  (Object.keys(SIM_SERVICES) as SimService[]).map((service) => [SIM_SERVICES[service].targetPrefix, service]),
);
/** Request bodies above this are refused (ECS's own limit is far lower for most calls). */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * CloudWatch Logs takes larger bodies: a PutLogEvents batch may carry 1 MB of messages, which JSON escaping makes
 * bigger on the wire (the batch limit itself is checked by PutLogEvents).
 */
export const MAX_LOGS_BODY_BYTES = 4 * 1024 * 1024;

/** The largest body a request to `service` may have. */
export function maxBodyBytesOf(service: SimService): number {
  return service === 'logs' ? MAX_LOGS_BODY_BYTES : MAX_BODY_BYTES;
}

/** An HTTP request as the simulator sees it, independent of node:http (tests and benchmarks build them directly). */
export interface SimRequest {
  method: string;
  /** Path and query, e.g. `/` or `/_sim/requests?since=3`. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** A network-level fault: 'reset' destroys the connection, 'hang' never answers. `status`/`body` are unused. */
  drop?: 'reset' | 'hang';
  /** Sent without Content-Length (a rewritten body, as a streaming proxy sends it). */
  chunked?: boolean;
  /** A streamed body (StartLiveTail's event stream): `body` is unused; the headers go out, then the chunks. */
  stream?: SimStream;
}

/** Where a streamed response writes: chunks as they come, then the end. */
export interface SimStreamSink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/**
 * A response body produced over time. `start` is called once the headers are out; `close` when the client goes
 * away or the server closes (the stream must stop its timers then), and is safe to call more than once.
 */
export interface SimStream {
  start(sink: SimStreamSink): void;
  close(): void;
}

/** What a streaming operation's handler returns instead of a JSON body. */
export class StreamingAnswer {
  readonly stream: SimStream;
  readonly contentType: string;
  constructor(stream: SimStream, contentType: string) {
    this.stream = stream;
    this.contentType = contentType;
  }
}

export type ParsedTarget = { ok: true; service: SimService; operation: string } | { ok: false; reason: string };

/** The service and operation named by `X-Amz-Target: <ServicePrefix>.<Op>` (AmazonEC2ContainerServiceV20141113...). */
export function parseTarget(header: string | undefined): ParsedTarget {
  if (header === undefined || header.trim() === '') return { ok: false, reason: 'Missing X-Amz-Target header.' };
  const value = header.trim();
  const dot = value.lastIndexOf('.');
  const service = dot < 0 ? undefined : SERVICE_OF_PREFIX.get(value.slice(0, dot));
  if (service === undefined) {
    const prefixes = [...SERVICE_OF_PREFIX.keys()].join(', ');
    return {
      ok: false,
      reason: `X-Amz-Target must be <Service>.<Operation> with a service of ${prefixes}; got "${value.slice(0, 200)}".`,
    };
  }
  const operation = value.slice(dot + 1);
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(operation)) {
    return { ok: false, reason: `X-Amz-Target names no operation: "${value.slice(0, 200)}".` };
  }
  return { ok: true, service, operation };
}

/** Parses a request body that must be a JSON object; an empty body counts as `{}`. */
export function parseJsonObject(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new SimError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SimError('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/**
 * JSON for the wire: absent members are omitted (never `null`), and an undefined array element is a bug we
 * would rather see as a 500 than send as `null`.
 */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null) throw new Error('null must never be sent: omit the member');
    if (Array.isArray(member) && member.includes(undefined)) throw new Error('undefined array element');
    return member;
  });
}

/** Epoch milliseconds (the model) to epoch seconds (the wire), fractions kept. */
export function toEpochSeconds(ms: number): number;
export function toEpochSeconds(ms: number | undefined): number | undefined;
export function toEpochSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

export function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  contentType: string = JSON_CONTENT_TYPE,
): SimResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: toWireJson(body),
  };
}

export function errorResponse(
  error: SimError,
  requestId: string,
  contentType: string = JSON_CONTENT_TYPE,
): SimResponse {
  return {
    status: error.status,
    headers: {
      'content-type': contentType,
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': error.type,
    },
    body: toWireJson({ __type: error.type, message: error.message }),
  };
}

/**
 * The `x-amzn-query-error` header a query-compatible service (CloudWatch) adds to its JSON errors: the error's
 * code in the old query protocol and who is at fault, `AccessDenied;Sender`. The SDK names its exceptions by it.
 */
export function queryErrorHeader(error: SimError): string {
  const code =
    error.type === 'ServerException' || error.type === 'InternalServiceFault'
      ? 'InternalServiceError'
      : error.type.replace(/Exception$/, '');
  const special: Record<string, string> = { LimitExceeded: 'LimitExceededException' };
  return `${special[code] ?? code};${error.status >= 500 ? 'Receiver' : 'Sender'}`;
}

/** What a broken proxy in front of an endpoint sends: a 500 whose body is not JSON. */
export function htmlErrorResponse(requestId: string): SimResponse {
  return {
    status: 500,
    headers: { 'content-type': 'text/html; charset=utf-8', 'x-amzn-requestid': requestId },
    body: '<html><head><title>500 Internal Server Error</title></head><body><h1>500 Internal Server Error</h1></body></html>\n',
  };
}

// ------------------------------------------------------------------------------------------ request members

export interface StringRule {
  maxLength?: number;
  minLength?: number;
  /** Allowed values (an enum). */
  values?: readonly string[];
  pattern?: RegExp;
  /** Described in the error when `pattern` fails. */
  patternHint?: string;
}

export interface NumberRule {
  min?: number;
  max?: number;
}

export interface ListRule {
  minItems?: number;
  maxItems?: number;
}

/**
 * Reads the members of one JSON object of a request, checking types. Errors are InvalidParameterException
 * naming the member by its path (`containerDefinitions[0].memory`). JSON `null` counts as absent.
 */
export class Params {
  readonly #value: Record<string, unknown>;
  readonly #path: string;

  constructor(value: Record<string, unknown>, path = '') {
    this.#value = value;
    this.#path = path;
  }

  /** The member's full path for messages. */
  pathOf(name: string): string {
    return this.#path === '' ? name : `${this.#path}.${name}`;
  }

  has(name: string): boolean {
    return this.#raw(name) !== undefined;
  }

  /** A shallow copy of the whole object as received. */
  rawObject(): Record<string, unknown> {
    return { ...this.#value };
  }

  /** The raw value (for members the simulator accepts but does not interpret). */
  raw(name: string): unknown {
    return this.#raw(name);
  }

  string(name: string, rule: StringRule = {}): string | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    return checkString(value, this.pathOf(name), rule);
  }

  requireString(name: string, rule: StringRule = {}): string {
    const value = this.string(name, rule);
    if (value === undefined) throw missing(this.pathOf(name));
    return value;
  }

  integer(name: string, rule: NumberRule = {}): number | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType(this.pathOf(name), 'an integer', value);
    checkRange(value, this.pathOf(name), rule);
    return value;
  }

  requireInteger(name: string, rule: NumberRule = {}): number {
    const value = this.integer(name, rule);
    if (value === undefined) throw missing(this.pathOf(name));
    return value;
  }

  number(name: string, rule: NumberRule = {}): number | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(this.pathOf(name), 'a number', value);
    checkRange(value, this.pathOf(name), rule);
    return value;
  }

  requireNumber(name: string, rule: NumberRule = {}): number {
    const value = this.number(name, rule);
    if (value === undefined) throw missing(this.pathOf(name));
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw wrongType(this.pathOf(name), 'a boolean', value);
    return value;
  }

  stringList(name: string, rule: ListRule & { item?: StringRule } = {}): string[] | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    const path = this.pathOf(name);
    if (!Array.isArray(value)) throw wrongType(path, 'a list of strings', value);
    checkCount(value.length, path, rule);
    return value.map((item, index) => checkString(item, `${path}[${index}]`, rule.item ?? {}));
  }

  requireStringList(name: string, rule: ListRule & { item?: StringRule } = {}): string[] {
    const value = this.stringList(name, rule);
    if (value === undefined) throw missing(this.pathOf(name));
    return value;
  }

  object(name: string): Params | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(this.pathOf(name), 'an object', value);
    return new Params(value as Record<string, unknown>, this.pathOf(name));
  }

  requireObject(name: string): Params {
    const value = this.object(name);
    if (value === undefined) throw missing(this.pathOf(name));
    return value;
  }

  objectList(name: string, rule: ListRule = {}): Params[] | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    const path = this.pathOf(name);
    if (!Array.isArray(value)) throw wrongType(path, 'a list of objects', value);
    checkCount(value.length, path, rule);
    return value.map((item, index) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw wrongType(`${path}[${index}]`, 'an object', item);
      }
      return new Params(item as Record<string, unknown>, `${path}[${index}]`);
    });
  }

  /** A JSON object of string values (docker labels). */
  stringMap(name: string): Record<string, string> | undefined {
    const value = this.#raw(name);
    if (value === undefined) return undefined;
    const path = this.pathOf(name);
    if (typeof value !== 'object' || Array.isArray(value)) throw wrongType(path, 'a map of strings', value);
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      out[key] = checkString(item, `${path}.${key}`, {});
    }
    return out;
  }

  #raw(name: string): unknown {
    if (!Object.hasOwn(this.#value, name)) return undefined;
    const value = this.#value[name];
    return value === null ? undefined : value;
  }
}

function checkString(value: unknown, path: string, rule: StringRule): string {
  if (typeof value !== 'string') throw wrongType(path, 'a string', value);
  if (rule.minLength !== undefined && value.length < rule.minLength) {
    throw invalid(
      rule.minLength === 1 ? `${path} must not be empty.` : `${path} must be at least ${rule.minLength} characters.`,
    );
  }
  if (rule.maxLength !== undefined && value.length > rule.maxLength) {
    throw invalid(`${path} must be at most ${rule.maxLength} characters long.`);
  }
  if (rule.values && !rule.values.includes(value)) {
    throw invalid(`${path} must be one of ${rule.values.join(', ')}; got "${clip(value)}".`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw invalid(`${path} has an invalid value "${clip(value)}"${rule.patternHint ? `: ${rule.patternHint}` : ''}.`);
  }
  return value;
}

function checkRange(value: number, path: string, rule: NumberRule): void {
  const { min, max } = rule;
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    if (min !== undefined && max !== undefined) throw invalid(`${path} must be between ${min} and ${max}.`);
    if (min !== undefined) throw invalid(`${path} must be at least ${min}.`);
    throw invalid(`${path} must be at most ${max}.`);
  }
}

function checkCount(count: number, path: string, rule: ListRule): void {
  if (rule.minItems !== undefined && count < rule.minItems) {
    throw invalid(
      rule.minItems === 1 ? `${path} must not be empty.` : `${path} needs at least ${rule.minItems} items.`,
    );
  }
  if (rule.maxItems !== undefined && count > rule.maxItems) {
    throw invalid(`${path} can have at most ${rule.maxItems} items; got ${count}.`);
  }
}

function invalid(message: string): SimError {
  return new SimError('InvalidParameterException', message);
}

function missing(path: string): SimError {
  return invalid(`${path} is required.`);
}

function wrongType(path: string, expected: string, value: unknown): SimError {
  const got = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return invalid(`${path} must be ${expected}; got ${got}.`);
}

function clip(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}...` : value;
}
