/**
 * Every error a user can hit from the AWS APIs we call (ECS, CloudWatch Logs, CloudWatch), mapped to a kind the UI can explain in one sentence.
 * The SDK's own errors never reach the screen: their messages are remote text and their names are jargon.
 */
import { sanitizeText } from '../domain/sanitize.ts';
import { ResponseBodyError } from './responseBody.ts';

export type GatewayErrorKind =
  | 'no-credentials'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'access-denied'
  | 'not-found'
  | 'throttled'
  | 'network'
  | 'server'
  | 'unparseable'
  | 'invalid-request'
  /** A List* walk whose page tokens repeat or never end. */
  | 'paging'
  | 'aborted'
  | 'unknown';

/** How a service is named in sentences and in IAM actions: ECS and `ecs:`, CloudWatch Logs and `logs:`... */
export interface ServiceNaming {
  /** "ECS", "CloudWatch Logs", "CloudWatch". */
  name: string;
  /** The IAM action prefix: "ecs", "logs", "cloudwatch". */
  iamPrefix: string;
}

export const ECS_NAMING: ServiceNaming = { name: 'ECS', iamPrefix: 'ecs' };

export interface GatewayErrorContext {
  operation: string;
  /** The service called; ECS when absent. */
  service?: ServiceNaming;
  /** Where the calls go, for network messages ("https://ecs.eu-west-1.amazonaws.com" or the --endpoint-url). */
  endpoint?: string;
  profile?: string;
  region?: string;
}

export class GatewayError extends Error {
  readonly kind: GatewayErrorKind;
  readonly operation: string;
  /** The service's error code (`ClusterNotFoundException`...), when it sent one. */
  readonly code?: string;
  readonly httpStatus?: number;
  /** Worth retrying later by itself (network, throttling, server faults). */
  readonly transient: boolean;
  /** The sentence as made, whatever a library appends to `message` on its way through (the SDK does). */
  readonly sentence: string;

  constructor(
    kind: GatewayErrorKind,
    message: string,
    details: { operation: string; code?: string; httpStatus?: number; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'GatewayError';
    this.sentence = message;
    this.kind = kind;
    this.operation = details.operation;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.transient = kind === 'network' || kind === 'throttled' || kind === 'server' || kind === 'unparseable';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: { statusCode?: unknown };
  cause?: unknown;
}

function field(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function networkCode(error: ErrorLike): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = field((current as ErrorLike).code);
    if (NETWORK_CODES.has(code)) return code;
    current = (current as ErrorLike).cause;
  }
  return undefined;
}

export function toGatewayError(raw: unknown, given: GatewayErrorContext): GatewayError {
  if (raw instanceof GatewayError) {
    if (raw.message === raw.sentence) return raw;
    // Ours, thrown through the SDK (the attempt's deadline cutting a body), which appended its own words.
    return new GatewayError(raw.kind, raw.sentence, {
      operation: raw.operation,
      ...(raw.code ? { code: raw.code } : {}),
      ...(raw.httpStatus ? { httpStatus: raw.httpStatus } : {}),
    });
  }
  // The profile, region and endpoint come from flags and files: echoed only through the sanitiser.
  const context: GatewayErrorContext = {
    operation: given.operation,
    ...(given.endpoint ? { endpoint: sanitizeText(given.endpoint, { maxLength: 200 }) } : {}),
    ...(given.profile ? { profile: sanitizeText(given.profile, { maxLength: 100 }) } : {}),
    ...(given.region ? { region: sanitizeText(given.region, { maxLength: 100 }) } : {}),
  };
  const error: ErrorLike = typeof raw === 'object' && raw !== null ? (raw as ErrorLike) : { message: String(raw) };
  const name = field(error.name);
  // Remote text: through the one sanitiser, on one line, bounded.
  const message = sanitizeText(field(error.message), { maxLength: 200 }).replace(/\s+/g, ' ').trim();
  const status =
    typeof error.$metadata?.httpStatusCode === 'number'
      ? error.$metadata.httpStatusCode
      : typeof error.$response?.statusCode === 'number'
        ? error.$response.statusCode
        : undefined;
  const op = context.operation;
  const service = given.service ?? ECS_NAMING;
  const details = { operation: op, code: name || undefined, httpStatus: status, cause: raw };
  const profile = context.profile ? ` (profile ${context.profile})` : '';
  const where =
    context.endpoint ?? (context.region ? `${service.name} in ${context.region}` : `the ${service.name} endpoint`);

  if (raw instanceof ResponseBodyError) return bodyError(raw, op, where, details, service.name);
  if (name === 'AbortError' || (raw instanceof Error && raw.name === 'AbortError')) {
    return new GatewayError('aborted', `${op} was cancelled.`, details);
  }
  if (/sso session .*expired|token is expired|sso.*(refresh|expired)/i.test(message)) {
    return new GatewayError(
      'expired-credentials',
      `Your AWS SSO session has expired: run "aws sso login${context.profile ? ` --profile ${context.profile}` : ''}" and ecsdeck will pick it up.`,
      details,
    );
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new GatewayError(
      'no-credentials',
      `No AWS credentials were found${profile}: set AWS_PROFILE or run "aws configure" (or try "ecsdeck --demo").`,
      details,
    );
  }
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken' || name === 'RequestExpired') {
    return new GatewayError(
      'expired-credentials',
      `Your AWS credentials have expired${profile}: refresh them (for SSO, "aws sso login") and ecsdeck will retry.`,
      details,
    );
  }
  if (
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException' ||
    name === 'InvalidClientTokenId'
  ) {
    return new GatewayError(
      'invalid-credentials',
      `AWS rejected the credentials${profile}: check the access key, or log in again.`,
      details,
    );
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'UnauthorizedOperation') {
    return new GatewayError(
      'access-denied',
      `Access denied to ${service.iamPrefix}:${op}: your IAM policy does not allow it.`,
      details,
    );
  }
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException' || /rate exceeded/i.test(message)) {
    return new GatewayError(
      'throttled',
      `${service.name} is throttling ${op} (rate exceeded); ecsdeck is slowing down.`,
      details,
    );
  }
  const netCode = networkCode(error);
  if (netCode || name === 'TimeoutError' || name === 'RequestTimeout' || /socket hang up/i.test(message)) {
    const reason =
      netCode === 'ECONNREFUSED'
        ? 'connection refused'
        : netCode === 'ENOTFOUND' || netCode === 'EAI_AGAIN'
          ? 'host not found (is the region right?)'
          : netCode === 'ECONNRESET' || /socket hang up/i.test(message)
            ? 'connection reset'
            : 'timed out';
    return new GatewayError('network', `Cannot reach ${where}: ${reason}.`, details);
  }
  // Only a body that is not JSON: a JSON answer with a field of the wrong type is read leniently (responseBody.ts).
  if (name === 'SyntaxError' || /unexpected token|is not valid json/i.test(message)) {
    return new GatewayError(
      'unparseable',
      `${where} answered ${op} with something that is not ${service.name} JSON${status ? ` (HTTP ${status})` : ''}.`,
      details,
    );
  }
  if (/NotFoundException$/.test(name)) {
    const what =
      name
        .replace(/NotFoundException$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase() || 'resource';
    return new GatewayError('not-found', `The ${what} was not found${message ? `: ${message}` : '.'}`, details);
  }
  if (error.$fault === 'server' || name === 'ServerException' || (status !== undefined && status >= 500)) {
    return new GatewayError('server', `${service.name} had a server error on ${op}; ecsdeck will retry.`, details);
  }
  if (error.$fault === 'client' || (status !== undefined && status >= 400)) {
    return new GatewayError(
      'invalid-request',
      `${service.name} refused ${op}: ${message || name || 'invalid request'}.`,
      details,
    );
  }
  return new GatewayError('unknown', `${op} failed: ${message || name || 'unknown error'}.`, details);
}

function megabytes(bytes: number): string {
  const mb = bytes / 2 ** 20;
  return mb >= 10 ? String(Math.round(mb)) : mb.toFixed(1);
}

/** A body refused before parsing: the same kind as any unusable answer (worth another try later), its own sentence. */
function bodyError(
  error: ResponseBodyError,
  op: string,
  where: string,
  details: { operation: string; cause?: unknown },
  serviceName: string,
): GatewayError {
  const status = error.httpStatus ? ` (HTTP ${error.httpStatus})` : '';
  const withStatus = { ...details, httpStatus: error.httpStatus };
  switch (error.problem) {
    case 'too-large':
      return new GatewayError(
        'unparseable',
        `${where} answered ${op} with ${megabytes(error.size ?? 0)} MB, over the ${megabytes(error.limit ?? 0)} MB ecsdeck reads; it was not parsed.`,
        withStatus,
      );
    case 'empty':
      return new GatewayError('unparseable', `${where} answered ${op} with an empty body${status}.`, withStatus);
    case 'not-an-object':
      return new GatewayError(
        'unparseable',
        `${where} answered ${op} with JSON that is not ${serviceName === 'ECS' ? 'an ECS' : `a ${serviceName}`} response${status}.`,
        withStatus,
      );
    case 'not-json':
      return new GatewayError(
        'unparseable',
        `${where} answered ${op} with something that is not ${serviceName} JSON${status}.`,
        withStatus,
      );
  }
}
