/**
 * What a simulated container writes: lines that tell its task definition's behaviour (start-up, periodic request
 * or job lines, health check failures before `unhealthy`, rising memory warnings before an `oom` kill, an ERROR
 * and a stack trace before `exits`, SIGTERM handling on a stop).
 *
 * Nothing is stored: the lines of a stream are cut into buckets of BUCKET_MS after the container started, and each
 * bucket is drawn from a random source seeded by (stream seed, bucket), so any time window of any stream can be
 * produced on demand, the same every time, whatever was asked before. A large scenario costs no memory for logs.
 */
import { SeededRandom } from '../../lib/random.ts';
import type { OutcomeKind } from '../model/types.ts';

export const BUCKET_MS = 10_000;
/** No periodic lines while the process starts. */
const STARTUP_QUIET_MS = 2_000;

/** How a container talks: picked from its names, so the demo's services each sound like what they are. */
export type Voice = 'access' | 'json' | 'jvm' | 'job' | 'router' | 'app';

/** The docker label that makes a container write hostile lines (escape sequences, bidi controls, a 300 KB line). */
export const HOSTILE_LABEL = 'ecsdeck.sim.logs';
export const HOSTILE_LABEL_VALUE = 'hostile';

/** Everything the story of one container depends on; read from its task (live or remembered). */
export interface StoryInput {
  /** Seeds every draw of this stream (from the task id and container name, so it follows the simulator seed). */
  seed: number;
  container: string;
  image: string;
  voice: Voice;
  hostile: boolean;
  memoryMiB: number;
  startedAt: number;
  outcome: OutcomeKind;
  /** When the outcome strikes (oom, exits, unhealthy, a finite runs). */
  outcomeAt?: number;
  exitCode?: number;
  /** When the stop signal reached it (a stop asked for by a user, the scheduler, a drain). */
  stoppingAt?: number;
  /** Seconds between health checks (unhealthy lines repeat at this pace). */
  healthCheckIntervalSeconds: number;
}

export interface StoryLine {
  timestamp: number;
  message: string;
}

export function voiceOf(names: readonly string[], inService: boolean): Voice {
  const text = names.join(' ').toLowerCase();
  if (/fluent|router|firelens|log-/.test(text)) return 'router';
  if (/\bapi\b|api-|-api|graphql|orders/.test(text)) return 'json';
  if (/payment|billing|ledger|java/.test(text)) return 'jvm';
  if (/web|nginx|frontend|checkout|gateway|proxy/.test(text)) return 'access';
  if (!inService || /report|etl|extract|render|thumb|migrat|job|batch|cron/.test(text)) return 'job';
  return 'app';
}

/** A 32-bit seed from a string (FNV-1a). */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function bucketRandom(seed: number, bucket: number): SeededRandom {
  return new SeededRandom((seed ^ Math.imul(bucket + 1, 0x9e3779b1)) >>> 0);
}

/**
 * The lines of bucket `bucket` (covering [startedAt + bucket * BUCKET_MS, + BUCKET_MS)), in time order, with
 * distinct timestamps. Lines after the container ended are the caller's to cut.
 */
export function bucketLines(story: StoryInput, bucket: number): StoryLine[] {
  const from = story.startedAt + bucket * BUCKET_MS;
  const to = from + BUCKET_MS;
  const random = bucketRandom(story.seed, bucket);
  const lines: StoryLine[] = [];
  for (const line of scriptedLines(story)) if (line.timestamp >= from && line.timestamp < to) lines.push(line);

  const [low, high] = RATE[story.voice];
  const count = random.int(low, high);
  // The last second before an exit or a kill belongs to its own lines (the error, the stack trace), and a stopping
  // container only says how it shuts down.
  const quietFrom = Math.min(
    story.outcome !== 'unhealthy' && story.outcomeAt !== undefined ? story.outcomeAt - 1000 : Infinity,
    story.stoppingAt ?? Infinity,
  );
  for (let i = 0; i < count; i++) {
    const at = from + random.int(0, BUCKET_MS - 1);
    const line = periodicLine(story, random, at);
    if (at >= story.startedAt + STARTUP_QUIET_MS && at < quietFrom) lines.push({ timestamp: at, message: line });
  }
  if (story.outcome === 'unhealthy' && story.outcomeAt !== undefined) {
    const every = story.healthCheckIntervalSeconds * 1000;
    let attempt = Math.max(0, Math.ceil((from - story.outcomeAt) / every));
    const until = Math.min(to, story.stoppingAt ?? Infinity);
    for (let at = story.outcomeAt + attempt * every; at < until; at += every, attempt++) {
      lines.push({ timestamp: at, message: healthFailure(story, random, attempt + 1) });
    }
  }
  if (story.hostile && bucket > 0 && bucket % 6 === 0) {
    // About once a minute one more hostile line; the 300 KB one every ten minutes.
    const payloads = hostileLines();
    const pick = bucket % 60 === 0 ? payloads.length - 1 : random.int(0, payloads.length - 2);
    lines.push({ timestamp: from + random.int(0, BUCKET_MS - 1), message: payloads[pick] as string });
  }
  lines.sort((a, b) => a.timestamp - b.timestamp);
  // Distinct timestamps keep the order (timestamp, then position) stable; a clash moves the later line by 1 ms.
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1] as StoryLine;
    const line = lines[i] as StoryLine;
    if (line.timestamp <= previous.timestamp) line.timestamp = previous.timestamp + 1;
  }
  return lines.filter((line) => line.timestamp < to);
}

/** Periodic lines per bucket, by voice: [min, max]. */
const RATE: Readonly<Record<Voice, [number, number]>> = {
  access: [3, 8],
  json: [2, 6],
  jvm: [2, 5],
  job: [1, 3],
  router: [0, 2],
  app: [1, 4],
};

const PATHS = ['/', '/products', '/cart', '/checkout', '/api/session', '/static/app.js', '/health', '/search'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];

function hexId(random: SeededRandom): string {
  return random.hex(8);
}

function status(random: SeededRandom): number {
  const roll = random.next();
  if (roll < 0.02) return 503;
  if (roll < 0.05) return 404;
  if (roll < 0.1) return 302;
  return 200;
}

function levelOf(code: number, ms: number): 'INFO' | 'WARN' | 'ERROR' {
  if (code >= 500) return 'ERROR';
  if (ms > 800 || code === 404) return 'WARN';
  return 'INFO';
}

function periodicLine(story: StoryInput, random: SeededRandom, at: number): string {
  const code = status(random);
  const ms = random.chance(0.05) ? random.int(800, 3000) : random.int(2, 180);
  const level = levelOf(code, ms);
  const path = random.pick(PATHS);
  const method = random.pick(METHODS);
  switch (story.voice) {
    case 'access':
      return `${level} ${method} ${path} ${code} ${ms}ms req=${hexId(random)}`;
    case 'json':
      return JSON.stringify({
        level,
        time: new Date(at).toISOString(),
        msg: code >= 500 ? 'request failed' : 'request completed',
        method,
        path: `/v1${path === '/' ? '/orders' : path}`,
        status: code,
        duration_ms: ms,
        request_id: hexId(random),
      });
    case 'jvm': {
      const thread = `http-nio-8080-exec-${random.int(1, 12)}`;
      if (code >= 500) return `${level} [${thread}] c.e.payments.ChargeController - charge failed: upstream 503`;
      return `${level} [${thread}] c.e.payments.ChargeController - charge ok amount=${random.int(1, 400)}.${random.int(10, 99)} currency=EUR ${ms}ms`;
    }
    case 'job': {
      const batch = random.int(1, 40);
      return `INFO processed batch ${batch}/40 (${random.int(200, 1500)} records, ${ms}ms)`;
    }
    case 'router':
      return `[ info] [output:cloudwatch_logs:cloudwatch_logs.0] flushed ${random.int(1, 300)} records`;
    case 'app':
      return `${level} handled ${method} ${path} -> ${code} in ${ms}ms`;
  }
}

function healthFailure(story: StoryInput, random: SeededRandom, attempt: number): string {
  const cause = random.pick(['connection refused', 'context deadline exceeded (timeout 5s)', 'HTTP 503']);
  return `WARN health check failed (attempt ${attempt}): GET http://localhost:8080/health: ${cause} [${story.container}]`;
}

/** Lines at fixed moments: start-up, the lead-up to the outcome, a graceful stop. */
function scriptedLines(story: StoryInput): StoryLine[] {
  const start = story.startedAt;
  const tag = story.image.includes(':') ? story.image.slice(story.image.lastIndexOf(':') + 1) : 'latest';
  const lines: StoryLine[] = [];
  const at = (offset: number, message: string) => lines.push({ timestamp: start + offset, message });
  if (story.voice === 'json') {
    at(40, JSON.stringify({ level: 'INFO', msg: 'starting', service: story.container, version: tag }));
    at(310, JSON.stringify({ level: 'INFO', msg: 'connected to database', pool_size: 10 }));
    at(620, JSON.stringify({ level: 'INFO', msg: 'listening', port: 8080 }));
  } else if (story.voice === 'router') {
    at(40, `[ info] [fluent bit] version=2.2.2, commit=${tag}, pid=1`);
    at(200, '[ info] [output:cloudwatch_logs:cloudwatch_logs.0] worker #0 started');
  } else {
    at(40, `INFO starting ${story.container} (image tag ${tag}, ${story.memoryMiB} MiB)`);
    at(250, 'INFO configuration loaded from environment');
    at(700, story.voice === 'job' ? 'INFO job started' : 'INFO listening on 0.0.0.0:8080');
  }
  if (story.hostile) {
    hostileLines().forEach((message, index) => {
      at(1_000 + index * 10, message);
    });
  }

  const end = story.outcomeAt;
  if (end !== undefined) {
    const life = end - start;
    if (story.outcome === 'oom') {
      // Heap warnings climbing over the last minute (or the last 60% of a short life) before the kill.
      const window = Math.min(60_000, Math.floor(life * 0.6));
      const steps = [72, 78, 84, 89, 93, 97];
      steps.forEach((percent, index) => {
        const offset = end - start - window + Math.floor((window * index) / steps.length);
        at(
          offset,
          `WARN heap ${percent}% of ${story.memoryMiB} MiB (gc pause ${40 + index * 60}ms, ${index + 1} full GCs in the last minute)`,
        );
      });
      at(life - 150, `ERROR allocation of 64 MiB failed: heap ${99}% of ${story.memoryMiB} MiB, retrying`);
    } else if (story.outcome === 'exits') {
      const code = story.exitCode ?? 1;
      at(life - 400, `ERROR unhandled error in ${story.container} main loop: connection to orders-db:5432 refused`);
      STACK.forEach((frame, index) => {
        at(life - 399 + index, frame);
      });
      at(life - 20, `FATAL ${story.container} exiting with code ${code}`);
    } else if (story.outcome === 'unhealthy') {
      at(life - 500, 'ERROR database pool exhausted: 10 of 10 connections busy, requests queueing');
    } else if (story.outcome === 'runs') {
      at(
        life - 100,
        `INFO job finished: ${2000 + (story.seed % 9000)} records, exiting with code ${story.exitCode ?? 0}`,
      );
    }
  }
  if (story.stoppingAt !== undefined && (end === undefined || story.stoppingAt < end)) {
    at(story.stoppingAt - start + 5, 'INFO received SIGTERM, draining connections');
    at(story.stoppingAt - start + 400, 'INFO shutdown complete');
  }
  return lines;
}

const STACK = [
  'Error: connect ECONNREFUSED 10.0.3.17:5432',
  '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
  '    at Connection.connect (/app/node_modules/pg/lib/connection.js:68:17)',
  '    at Pool.acquire (/app/src/db/pool.ts:41:11)',
  '    at Worker.run (/app/src/worker.ts:112:9)',
  '    at main (/app/src/main.ts:27:3)',
];

/**
 * Lines no terminal should render as they are: screen clear, an OSC 52 clipboard write, bidi overrides, C1 controls,
 * C0 controls, a lone surrogate (what invalid UTF-8 becomes), and a 300 KB line. The client side sanitises them.
 */
export function hostileLines(): string[] {
  return [
    'WARN hostile: \u001b[2J\u001b[H screen cleared by an escape sequence \u001b[31mred\u001b[0m',
    'WARN hostile: clipboard write \u001b]52;c;aGFja2VkIGNsaXBib2FyZA==\u0007 via OSC 52',
    'WARN hostile: bidi \u202eevil.exe\u202c and \u2066isolate\u2069 controls',
    'WARN hostile: C1 controls \u009b31m CSI \u0085 NEL \u009d OSC \u0090 DCS',
    'WARN hostile: C0 controls bell\u0007 backspace\u0008 carriage return\r tab\t end',
    'WARN hostile: lone surrogate \ud800 where invalid UTF-8 was',
    `WARN hostile: a 300 KB line ${'x'.repeat(300 * 1024)}`,
  ];
}
