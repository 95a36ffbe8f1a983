/**
 * The simulator's HTTP front: node:http on 127.0.0.1 speaking AWS JSON 1.1 to any ECS client, plus JSON control
 * endpoints under /_sim/ for tests and other processes.
 *
 * The request pipeline lives in `createSimHandler` (no sockets, so tests and benchmarks can call it directly);
 * `startSimServer` only moves bytes between node:http and it.
 *
 * Per API call: parse -> injected latency -> model.advance() -> throttling -> faults -> the operation
 * (see faults.ts for why in that order). Every API call, whatever its outcome, is written to the request log.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { shortName } from '../domain/arn.ts';
import { type Clock, systemClock } from '../lib/clock.ts';
import { SeededRandom } from '../lib/random.ts';
import { SimError } from './errors.ts';
import { type FaultConfig, FaultInjector, normalizeFaultConfig, rewriteBody } from './faults.ts';
import { type HandlerContext, type OperationHandler, operationHandler } from './handlers/index.ts';
import { LiveTailHub, type LiveTailOptions } from './logs/liveTail.ts';
import type { SimModel } from './model/model.ts';
import {
  errorResponse,
  htmlErrorResponse,
  jsonResponse,
  MAX_LOGS_BODY_BYTES,
  maxBodyBytesOf,
  Params,
  parseJsonObject,
  parseTarget,
  queryErrorHeader,
  SIM_SERVICES,
  type SimRequest,
  type SimResponse,
  type SimService,
  type SimStream,
  StreamingAnswer,
} from './protocol.ts';
import {
  type FaultKind,
  RequestLog,
  type RequestLogEntry,
  type RequestLogFilter,
  type RequestOutcome,
} from './requestLog.ts';
import { normalizeThrottleConfig, type ThrottleConfig, Throttler } from './throttle.ts';

export type { FaultConfig } from './faults.ts';
export type { SimRequest, SimResponse } from './protocol.ts';
export type { RequestLog, RequestLogEntry } from './requestLog.ts';
export type { ThrottleConfig } from './throttle.ts';

export interface SimHandlerOptions {
  model: SimModel;
  /** Wall clock for throttling buckets, latency and the request log; default systemClock. Tests inject ManualClock. */
  wallClock?: Clock;
  throttling?: ThrottleConfig | false;
  faults?: FaultConfig;
  /** Seed for request ids (x-amzn-RequestId) and fault draws, so the same requests give byte-identical responses. */
  seed?: number;
  /**
   * How injected latency waits; default a real timer. Tests with a ManualClock pass one that advances it, so
   * latency shows in durationMs without sleeping.
   */
  sleep?: (ms: number) => Promise<void>;
  /** Entries kept by the request log (default 100,000). */
  requestLogCapacity?: number;
  /** StartLiveTail: pacing (a scheduler; tests pass a VirtualScheduler), session timeout, concurrent sessions. */
  liveTail?: LiveTailOptions;
}

export interface SimHandler {
  handle(request: SimRequest): Promise<SimResponse>;
  readonly model: SimModel;
  readonly requestLog: RequestLog;
  readonly liveTail: LiveTailHub;
  readonly faults: FaultConfig;
  readonly throttling: ThrottleConfig | false;
  setFaults(faults: FaultConfig): void;
  setThrottling(config: ThrottleConfig | false): void;
}

export interface SimServerOptions extends SimHandlerOptions {
  /** Default 0: the system picks a free port (read it from `port` / `url`). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
}

export interface SimServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly model: SimModel;
  readonly requestLog: RequestLog;
  /** StartLiveTail's open sessions. */
  readonly liveTail: LiveTailHub;
  setFaults(faults: FaultConfig): void;
  setThrottling(config: ThrottleConfig | false): void;
  /** Closes the listener and every open socket, hung requests included. Safe to call twice. */
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/_sim';

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    // Unref'd: a pending latency must not keep a process alive after its server closed.
    setTimeout(resolve, ms).unref();
  });

export function createSimHandler(options: SimHandlerOptions): SimHandler {
  const { model } = options;
  const wallClock = options.wallClock ?? systemClock;
  const sleep = options.sleep ?? defaultSleep;
  const random = new SeededRandom(options.seed ?? 0);
  const requestIds = random.fork('request-ids');
  const faults = new FaultInjector(options.faults ?? {}, random.fork('fault-injection'));
  const throttler = new Throttler(options.throttling ?? {}, wallClock);
  const requestLog = new RequestLog(options.requestLogCapacity);
  const liveTail = new LiveTailHub(model, random.fork('live-tail'), options.liveTail);
  const context: HandlerContext = { model, runTaskTokens: new Map(), liveTail, requestId: '' };

  const simNow = (): number => {
    try {
      return model.now();
    } catch {
      // A model that cannot tell its time must not stop the log from recording the call.
      return 0;
    }
  };

  async function handleApiCall(request: SimRequest): Promise<SimResponse> {
    const requestId = requestIds.uuid();
    const arrivedAt = wallClock.now();
    let service: SimService = 'ecs';
    let operation = '';
    // The cluster a call is about (short name), so benchmarks can attribute calls; absent when none was named.
    let cluster: string | undefined;
    const record = (
      response: SimResponse,
      outcome: RequestOutcome,
      details: { errorType?: string; fault?: FaultKind } = {},
    ): SimResponse => {
      const entry: Omit<RequestLogEntry, 'seq'> = {
        service,
        operation,
        at: arrivedAt,
        simAt: simNow(),
        status: response.drop ? 0 : response.status,
        outcome,
        requestId,
        durationMs: wallClock.now() - arrivedAt,
      };
      if (cluster !== undefined) entry.cluster = cluster;
      if (details.errorType !== undefined) entry.errorType = details.errorType;
      if (details.fault !== undefined) entry.fault = details.fault;
      requestLog.add(entry);
      return response;
    };
    const recordError = (error: SimError, outcome: RequestOutcome = 'error', fault?: FaultKind) => {
      const response = errorResponse(error, requestId, SIM_SERVICES[service].contentType);
      // CloudWatch's JSON is query-compatible: its errors carry their query-protocol code too.
      if (service === 'monitoring') response.headers['x-amzn-query-error'] = queryErrorHeader(error);
      return record(response, outcome, fault ? { errorType: error.type, fault } : { errorType: error.type });
    };

    // Protocol checks: nothing here touches the model, the throttle or the fault source.
    let body: Record<string, unknown>;
    let handler: OperationHandler;
    try {
      if (request.method !== 'POST') {
        throw new SimError('SerializationException', `AWS API requests are POST; got ${request.method.slice(0, 16)}.`);
      }
      const target = parseTarget(request.headers['x-amz-target']);
      if (!target.ok) throw new SimError('UnknownOperationException', target.reason);
      service = target.service;
      operation = target.operation;
      const known = operationHandler(service, operation);
      if (!known) {
        throw new SimError(
          'UnknownOperationException',
          `The simulator does not know the ${SIM_SERVICES[service].name} operation ${operation}.`,
        );
      }
      handler = known;
      const maxBody = maxBodyBytesOf(service);
      if (Buffer.byteLength(request.body, 'utf8') > maxBody) {
        throw new SimError('SerializationException', `The request body exceeds ${maxBody} bytes.`, 413);
      }
      body = parseJsonObject(request.body);
      if (typeof body.cluster === 'string') cluster = shortName(body.cluster);
    } catch (error) {
      return recordError(asSimError(error));
    }

    const delay = faults.latencyFor(operation);
    if (delay > 0) await sleep(delay);
    try {
      model.advance();
    } catch (error) {
      return recordError(internalError(error));
    }
    if (!throttler.tryAcquire(operation)) {
      return recordError(new SimError('ThrottlingException', 'Rate exceeded'), 'throttled');
    }
    const fault = faults.decide(operation);
    switch (fault.kind) {
      case 'none':
        break;
      case 'server-error':
        return recordError(
          new SimError('ServerException', 'Service unavailable. Try again later.'),
          'fault',
          'server-error',
        );
      case 'error':
        return recordError(new SimError(fault.type, fault.message, fault.status), 'fault', 'error');
      case 'html':
        return record(htmlErrorResponse(requestId), 'fault', { errorType: 'HtmlError', fault: 'html' });
      case 'reset':
        return record({ status: 0, headers: {}, body: '', drop: 'reset' }, 'fault', {
          errorType: 'ConnectionReset',
          fault: 'reset',
        });
      case 'hang':
        return record({ status: 0, headers: {}, body: '', drop: 'hang' }, 'fault', {
          errorType: 'Hang',
          fault: 'hang',
        });
    }
    try {
      context.requestId = requestId;
      const result = handler(context, new Params(body));
      if (result instanceof StreamingAnswer) {
        return record(
          {
            status: 200,
            headers: { 'content-type': result.contentType, 'x-amzn-requestid': requestId },
            body: '',
            stream: result.stream,
          },
          'ok',
        );
      }
      const answer = jsonResponse(200, result, requestId, SIM_SERVICES[service].contentType);
      const rewrite = faults.bodyFor(operation);
      if (!rewrite) return record(answer, 'ok');
      const rewritten: SimResponse = { ...answer, body: rewriteBody(answer.body, rewrite) };
      if (rewrite.chunked) rewritten.chunked = true;
      return record(rewritten, 'fault', { fault: 'body' });
    } catch (error) {
      return recordError(asSimError(error));
    }
  }

  function handleControl(request: SimRequest, path: string, query: URLSearchParams): SimResponse {
    const endpoint = path.slice(CONTROL_PREFIX.length);
    const method = request.method;
    try {
      if (endpoint === '/health' && method === 'GET') {
        model.advance();
        return controlJson(200, {
          status: 'ok',
          simNow: model.now(),
          wallNow: wallClock.now(),
          lastSeq: requestLog.lastSeq,
        });
      }
      if (endpoint === '/requests' && method === 'GET') {
        const filter = requestLogFilter(query);
        return controlJson(200, {
          entries: requestLog.list(filter),
          byOperation: requestLog.countByOperation(filter),
          byOutcome: requestLog.countByOutcome(filter),
          lastSeq: requestLog.lastSeq,
        });
      }
      if (endpoint === '/requests' && method === 'DELETE') {
        const cleared = requestLog.size;
        requestLog.clear();
        return controlJson(200, { cleared });
      }
      if (endpoint === '/faults' && method === 'GET') return controlJson(200, { faults: faults.config });
      if (endpoint === '/faults' && method === 'POST') {
        faults.set(normalizeFaultConfig(parseControlBody(request.body)));
        return controlJson(200, { faults: faults.config });
      }
      if (endpoint === '/throttling' && method === 'GET') return controlJson(200, { throttling: throttler.config });
      if (endpoint === '/throttling' && method === 'POST') {
        throttler.setConfig(normalizeThrottleConfig(readThrottlingBody(parseControlBody(request.body))));
        return controlJson(200, { throttling: throttler.config });
      }
      const known = ['/health', '/requests', '/faults', '/throttling'].includes(endpoint);
      return controlJson(known ? 405 : 404, {
        __type: known ? 'MethodNotAllowedException' : 'NotFoundException',
        message: known
          ? `${method} is not supported on ${path}.`
          : `No control endpoint ${path}; try /_sim/health, /_sim/requests, /_sim/faults, /_sim/throttling.`,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return controlJson(400, { __type: 'InvalidParameterException', message });
    }
  }

  return {
    model,
    requestLog,
    liveTail,
    get faults() {
      return faults.config;
    },
    get throttling() {
      return throttler.config;
    },
    setFaults: (config) => faults.set(config),
    setThrottling: (config) => throttler.setConfig(config),
    async handle(request) {
      const questionMark = request.url.indexOf('?');
      const path = questionMark < 0 ? request.url : request.url.slice(0, questionMark);
      if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`)) {
        return handleControl(
          request,
          path,
          new URLSearchParams(questionMark < 0 ? '' : request.url.slice(questionMark)),
        );
      }
      return handleApiCall(request);
    },
  };
}

function asSimError(error: unknown): SimError {
  return error instanceof SimError ? error : internalError(error);
}

/** An unexpected exception: a 500 ServerException that says what broke, never a crashed server. */
function internalError(error: unknown): SimError {
  const detail = error instanceof Error ? error.message : String(error);
  return new SimError('ServerException', `The simulator failed to handle the request: ${detail}`);
}

function controlJson(status: number, body: unknown): SimResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function parseControlBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new Error('The body must be JSON.');
  }
}

/** POST /_sim/throttling takes `false`, `{"enabled": false}` or a ThrottleConfig. */
function readThrottlingBody(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'enabled' in value) {
    const { enabled, ...rest } = value as Record<string, unknown>;
    if (enabled === false) return false;
    if (enabled !== true) throw new Error('throttling.enabled must be true or false');
    return rest;
  }
  return value;
}

function requestLogFilter(query: URLSearchParams) {
  const filter: RequestLogFilter = {};
  const service = query.get('service');
  if (service) {
    if (!Object.hasOwn(SIM_SERVICES, service)) throw new Error('service must be ecs, logs or monitoring');
    filter.service = service as SimService;
  }
  const operation = query.get('operation');
  if (operation) filter.operation = operation;
  const outcome = query.get('outcome');
  if (outcome) {
    if (!['ok', 'throttled', 'error', 'fault'].includes(outcome)) {
      throw new Error('outcome must be ok, throttled, error or fault');
    }
    filter.outcome = outcome as RequestOutcome;
  }
  const since = query.get('since');
  if (since) {
    const value = Number(since);
    if (!Number.isInteger(value) || value < 0) throw new Error('since must be a sequence number');
    filter.sinceSeq = value;
  }
  return filter;
}

// ------------------------------------------------------------------------------------------------ node:http

export async function startSimServer(options: SimServerOptions): Promise<SimServer> {
  const handler = createSimHandler(options);
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => {
    // No Date header: the same requests must give byte-identical responses.
    res.sendDate = false;
    serveOne(handler, req, res).catch((error: unknown) => {
      // serveOne answers every failure itself; this is the last guard so a bug never kills the process.
      if (!res.headersSent && !res.destroyed) {
        writeResponse(res, errorResponse(internalError(error), ''));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Malformed HTTP gets a JSON answer too, never Node's plain-text default.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) {
      const body = JSON.stringify({ __type: 'SerializationException', message: 'Malformed HTTP request.' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else {
      socket.destroy();
    }
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    model: handler.model,
    requestLog: handler.requestLog,
    liveTail: handler.liveTail,
    setFaults: (faults) => handler.setFaults(faults),
    setThrottling: (config) => handler.setThrottling(config),
    close() {
      closing ??= new Promise<void>((resolve) => {
        handler.liveTail.closeAll();
        server.close(() => resolve());
        // Keep-alive, in-flight and hung connections would hold close() open: end them all.
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

async function serveOne(handler: SimHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { body, tooLarge } = await readBody(req);
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const response = await handler.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers, body });
  if (res.destroyed) return;
  if (response.drop === 'reset') {
    req.socket.resetAndDestroy();
    return;
  }
  // A hung request keeps its socket until the client gives up or the server closes.
  if (response.drop === 'hang') return;
  // The unread rest of an oversized body would be parsed as the next request: answer, then close.
  if (tooLarge) res.setHeader('connection', 'close');
  if (response.stream) {
    writeStream(res, response, response.stream);
    return;
  }
  writeResponse(res, response);
  if (tooLarge) res.on('finish', () => req.socket.destroy());
}

function writeResponse(res: ServerResponse, response: SimResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  if (!response.chunked) res.setHeader('content-length', Buffer.byteLength(response.body, 'utf8'));
  res.end(response.body);
}

/** Headers now, then the stream's chunks as it writes them; the client leaving (or the server closing) closes it. */
function writeStream(res: ServerResponse, response: SimResponse, stream: SimStream): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.flushHeaders();
  res.on('close', () => stream.close());
  stream.start({
    write: (chunk) => {
      if (!res.destroyed && !res.writableEnded) res.write(chunk);
    },
    end: () => {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
  });
}

/** Reads the body, keeping at most one byte past the limit (enough for the handler to refuse it). */
function readBody(req: IncomingMessage): Promise<{ body: string; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const finish = () => resolve({ body: Buffer.concat(chunks).toString('utf8'), tooLarge });
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      // The largest limit of any service: the handler applies the one of the service named.
      if (size > MAX_LOGS_BODY_BYTES) {
        tooLarge = true;
        chunks.push(chunk.subarray(0, chunk.length - (size - MAX_LOGS_BODY_BYTES - 1)));
        req.pause();
        finish();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) finish();
    });
    req.on('error', reject);
  });
}
