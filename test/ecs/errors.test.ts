import { describe, expect, it } from 'vitest';
import { toGatewayError } from '../../src/ecs/errors.ts';

const context = { operation: 'DescribeServices', region: 'eu-west-1', profile: 'prod' };

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('toGatewayError', () => {
  it.each([
    [
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'no-credentials',
      /No AWS credentials were found \(profile prod\)/,
    ],
    [
      sdkError(
        'CredentialsProviderError',
        'The SSO session associated with this profile has expired or is otherwise invalid.',
      ),
      'expired-credentials',
      /SSO session has expired: run "aws sso login --profile prod"/,
    ],
    [
      sdkError('ExpiredTokenException', 'The security token included in the request is expired', { $fault: 'client' }),
      'expired-credentials',
      /have expired/,
    ],
    [
      sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      'invalid-credentials',
      /rejected the credentials/,
    ],
    [
      sdkError('AccessDeniedException', 'User: x is not authorized', { $metadata: { httpStatusCode: 400 } }),
      'access-denied',
      /^Access denied to ecs:DescribeServices/,
    ],
    [sdkError('ThrottlingException', 'Rate exceeded'), 'throttled', /throttling DescribeServices/],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'network',
      /^Cannot reach ECS in eu-west-1: connection refused\.$/,
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND ecs.xx.amazonaws.com'), { code: 'ENOTFOUND' }),
      'network',
      /host not found \(is the region right\?\)/,
    ],
    [
      sdkError('SyntaxError', 'Unexpected token < in JSON at position 0', { $metadata: { httpStatusCode: 500 } }),
      'unparseable',
      /not ECS JSON \(HTTP 500\)/,
    ],
    [
      sdkError('ClusterNotFoundException', 'Cluster not found.'),
      'not-found',
      /^The cluster was not found: Cluster not found\./,
    ],
    [
      sdkError('ServerException', 'Service unavailable', { $fault: 'server' }),
      'server',
      /server error on DescribeServices/,
    ],
    [
      sdkError('InvalidParameterException', 'bad\u001b[31m thing', { $fault: 'client' }),
      'invalid-request',
      /^ECS refused DescribeServices: bad thing\.$/,
    ],
  ])('maps %s', (raw, kind, message) => {
    const error = toGatewayError(raw, context);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(message);
    // one sentence, one line, no control characters
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('marks only network, throttling, server and unparseable errors as worth retrying', () => {
    expect(toGatewayError(sdkError('ThrottlingException', 'Rate exceeded'), context).transient).toBe(true);
    expect(toGatewayError(sdkError('AccessDeniedException', 'no'), context).transient).toBe(false);
  });
});
