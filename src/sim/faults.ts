/**
 * Fault injection: added latency, server errors, connection resets, requests never answered, HTML error pages
 * (as broken proxies send them) and configured ECS errors. Every draw comes from a seeded source, so the same
 * seed and the same requests fault the same way.
 *
 * Where faults sit in a request (decided here, the server follows it):
 *   parse -> latency -> model.advance() -> throttling -> faults -> operation handler
 * Throttling comes first because AWS throttles at its front door: a throttled call never reaches the service,
 * so it cannot fail there, and it draws nothing from the fault source. A call that passed the throttle has spent
 * its token, even when a fault then fires (a backend 500 still counted against your quota). Latency applies to
 * every API call, throttled or not. The request log records the outcome either way ('throttled' or 'fault').
 */
import type { SeededRandom } from '../lib/random.ts';

export interface ConfiguredError {
  /** Only this operation; absent = every operation. */
  operation?: string;
  /** The `__type`, e.g. AccessDeniedException or ExpiredTokenException. */
  type: string;
  message?: string;
  /** HTTP status (default 400, 500 for ServerException). */
  status?: number;
  /** Probability per matching call (default 1: always). */
  rate?: number;
}

/** A successful answer rewritten on its way out: what broken proxies and ECS look-alikes send. */
export interface ConfiguredBody {
  /** Only this operation; absent = every operation. */
  operation?: string;
  /** Served verbatim with HTTP 200 instead of the answer ('' is an empty body). */
  raw?: string;
  /** Fields of the real answer replaced first: a dot path (`services.1.createdAt`) -> the JSON value put there. */
  set?: Record<string, unknown>;
  /** This many spaces appended to the body: valid JSON of any size. */
  padBytes?: number;
  /** Sent without Content-Length (chunked), as a streaming proxy would. */
  chunked?: boolean;
}

export interface FaultConfig {
  /** Added before the call is handled: a fixed delay or a uniform draw in [min, max] ms. */
  latencyMs?: number | [number, number];
  /** Probability of a 500 ServerException. */
  serverErrorRate?: number;
  /** Probability of destroying the connection without a response. */
  resetRate?: number;
  /** Probability of never answering (the socket stays open until the server closes). */
  hangRate?: number;
  /** Probability of a 500 with an HTML body. */
  htmlErrorRate?: number;
  /** Errors answered instead of the result; the first entry that matches (and whose rate draws) wins. */
  errors?: ConfiguredError[];
  /** Restrict latency and the rates above to these operations (configured errors name their own). */
  operations?: string[];
  /** Successful answers rewritten on the way out; the first entry that matches wins. */
  bodies?: ConfiguredBody[];
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'server-error' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'html' }
  | { kind: 'error'; type: string; message: string; status: number };

export const NO_FAULT: FaultDecision = { kind: 'none' };

export class FaultInjector {
  #config: FaultConfig;
  readonly #faultRandom: SeededRandom;
  readonly #latencyRandom: SeededRandom;

  /** `random` is forked into separate streams so latency draws never shift fault draws. */
  constructor(config: FaultConfig, random: SeededRandom) {
    this.#config = normalizeFaultConfig(config);
    this.#faultRandom = random.fork('faults');
    this.#latencyRandom = random.fork('latency');
  }

  get config(): FaultConfig {
    return structuredClone(this.#config);
  }

  set(config: FaultConfig): void {
    this.#config = normalizeFaultConfig(config);
  }

  /** Milliseconds to delay this call (0 for none). */
  latencyFor(operation: string): number {
    const latency = this.#config.latencyMs;
    if (latency === undefined || !this.#appliesTo(operation)) return 0;
    if (typeof latency === 'number') return latency;
    const [min, max] = latency;
    return this.#latencyRandom.int(min, max);
  }

  /** What happens to a call that passed throttling. */
  decide(operation: string): FaultDecision {
    for (const error of this.#config.errors ?? []) {
      if (error.operation !== undefined && error.operation !== operation) continue;
      const rate = error.rate ?? 1;
      if (rate < 1 && !this.#faultRandom.chance(rate)) continue;
      return {
        kind: 'error',
        type: error.type,
        message: error.message ?? `Simulated ${error.type}.`,
        status: error.status ?? (error.type === 'ServerException' ? 500 : 400),
      };
    }
    if (!this.#appliesTo(operation)) return NO_FAULT;
    const { resetRate = 0, hangRate = 0, htmlErrorRate = 0, serverErrorRate = 0 } = this.#config;
    if (resetRate + hangRate + htmlErrorRate + serverErrorRate === 0) return NO_FAULT;
    // One draw per call, compared against cumulative thresholds, keeps the stream's use independent of which
    // rates are set.
    const draw = this.#faultRandom.next();
    let threshold = resetRate;
    if (draw < threshold) return { kind: 'reset' };
    threshold += hangRate;
    if (draw < threshold) return { kind: 'hang' };
    threshold += htmlErrorRate;
    if (draw < threshold) return { kind: 'html' };
    threshold += serverErrorRate;
    if (draw < threshold) return { kind: 'server-error' };
    return NO_FAULT;
  }

  /** How a successful answer to this operation is rewritten, if at all. */
  bodyFor(operation: string): ConfiguredBody | undefined {
    return this.#config.bodies?.find((body) => body.operation === undefined || body.operation === operation);
  }

  #appliesTo(operation: string): boolean {
    const only = this.#config.operations;
    return only === undefined || only.includes(operation);
  }
}

const RATE_FIELDS = ['serverErrorRate', 'resetRate', 'hangRate', 'htmlErrorRate'] as const;
const KNOWN_FIELDS = new Set(['latencyMs', ...RATE_FIELDS, 'errors', 'operations', 'bodies']);

/**
 * Checks a fault config that may come from JSON (POST /_sim/faults) and returns a copy; throws a RangeError
 * naming the field otherwise.
 */
export function normalizeFaultConfig(value: unknown): FaultConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError('faults must be an object');
  }
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) throw new RangeError(`faults.${key} is not a known setting`);
  }
  const config: FaultConfig = {};
  if (raw.latencyMs !== undefined) {
    const latency = raw.latencyMs;
    if (typeof latency === 'number') {
      if (!isNonNegativeInteger(latency)) throw new RangeError('faults.latencyMs must be a non-negative integer');
      config.latencyMs = latency;
    } else if (
      Array.isArray(latency) &&
      latency.length === 2 &&
      isNonNegativeInteger(latency[0]) &&
      isNonNegativeInteger(latency[1]) &&
      latency[0] <= latency[1]
    ) {
      config.latencyMs = [latency[0], latency[1]];
    } else {
      throw new RangeError('faults.latencyMs must be a number or [min, max] with 0 <= min <= max');
    }
  }
  let total = 0;
  for (const field of RATE_FIELDS) {
    const rate = raw[field];
    if (rate === undefined) continue;
    if (!isRate(rate)) throw new RangeError(`faults.${field} must be a number between 0 and 1`);
    config[field] = rate;
    total += rate;
  }
  if (total > 1 + 1e-9) throw new RangeError('faults: the rates together must not exceed 1');
  if (raw.errors !== undefined) {
    if (!Array.isArray(raw.errors)) throw new RangeError('faults.errors must be an array');
    config.errors = raw.errors.map((entry, index) => normalizeConfiguredError(entry, `faults.errors[${index}]`));
  }
  if (raw.operations !== undefined) {
    if (!Array.isArray(raw.operations) || !raw.operations.every((op) => typeof op === 'string')) {
      throw new RangeError('faults.operations must be an array of operation names');
    }
    config.operations = [...raw.operations];
  }
  if (raw.bodies !== undefined) {
    if (!Array.isArray(raw.bodies)) throw new RangeError('faults.bodies must be an array');
    config.bodies = raw.bodies.map((entry, index) => normalizeConfiguredBody(entry, `faults.bodies[${index}]`));
  }
  return config;
}

function normalizeConfiguredBody(value: unknown, path: string): ConfiguredBody {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError(`${path} must be an object`);
  }
  const raw = value as Record<string, unknown>;
  const body: ConfiguredBody = {};
  if (raw.operation !== undefined) {
    if (typeof raw.operation !== 'string') throw new RangeError(`${path}.operation must be a string`);
    body.operation = raw.operation;
  }
  if (raw.raw !== undefined) {
    if (typeof raw.raw !== 'string') throw new RangeError(`${path}.raw must be a string`);
    body.raw = raw.raw;
  }
  if (raw.set !== undefined) {
    if (typeof raw.set !== 'object' || raw.set === null || Array.isArray(raw.set)) {
      throw new RangeError(`${path}.set must be an object of dot paths`);
    }
    body.set = structuredClone(raw.set as Record<string, unknown>);
  }
  if (raw.padBytes !== undefined) {
    if (!isNonNegativeInteger(raw.padBytes)) throw new RangeError(`${path}.padBytes must be a non-negative integer`);
    body.padBytes = raw.padBytes;
  }
  if (raw.chunked !== undefined) {
    if (typeof raw.chunked !== 'boolean') throw new RangeError(`${path}.chunked must be true or false`);
    body.chunked = raw.chunked;
  }
  return body;
}

/** The answer's JSON text rewritten as configured (`set` paths that do not exist are created). */
export function rewriteBody(json: string, rewrite: ConfiguredBody): string {
  if (rewrite.raw !== undefined) return rewrite.raw;
  let text = json;
  if (rewrite.set) {
    const document = JSON.parse(json) as Record<string, unknown>;
    for (const [path, value] of Object.entries(rewrite.set)) {
      const keys = path.split('.');
      let node: Record<string, unknown> = document;
      for (const key of keys.slice(0, -1)) {
        const next = node[key];
        if (typeof next !== 'object' || next === null) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
      node[keys[keys.length - 1] as string] = value;
    }
    text = JSON.stringify(document);
  }
  return rewrite.padBytes ? text + ' '.repeat(rewrite.padBytes) : text;
}

function normalizeConfiguredError(value: unknown, path: string): ConfiguredError {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RangeError(`${path} must be an object`);
  }
  const raw = value as Record<string, unknown>;
  if (typeof raw.type !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(raw.type)) {
    throw new RangeError(`${path}.type must be an error name such as AccessDeniedException`);
  }
  const error: ConfiguredError = { type: raw.type };
  if (raw.operation !== undefined) {
    if (typeof raw.operation !== 'string') throw new RangeError(`${path}.operation must be a string`);
    error.operation = raw.operation;
  }
  if (raw.message !== undefined) {
    if (typeof raw.message !== 'string') throw new RangeError(`${path}.message must be a string`);
    error.message = raw.message;
  }
  if (raw.status !== undefined) {
    if (!Number.isInteger(raw.status) || (raw.status as number) < 400 || (raw.status as number) > 599) {
      throw new RangeError(`${path}.status must be an HTTP error status (400-599)`);
    }
    error.status = raw.status as number;
  }
  if (raw.rate !== undefined) {
    if (!isRate(raw.rate)) throw new RangeError(`${path}.rate must be a number between 0 and 1`);
    error.rate = raw.rate;
  }
  return error;
}

function isRate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
