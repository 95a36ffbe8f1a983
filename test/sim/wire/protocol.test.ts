import { describe, expect, it } from 'vitest';
import { SimError } from '../../../src/sim/errors.ts';
import {
  errorResponse,
  jsonResponse,
  Params,
  parseJsonObject,
  parseTarget,
  toEpochSeconds,
  toWireJson,
} from '../../../src/sim/protocol.ts';

const errorOf = (fn: () => unknown): SimError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SimError) return error;
    throw error;
  }
  throw new Error('expected a SimError');
};

describe('parseTarget', () => {
  it('reads the operation after the ECS prefix', () => {
    expect(parseTarget('AmazonEC2ContainerServiceV20141113.ListTasks')).toEqual({
      ok: true,
      service: 'ecs',
      operation: 'ListTasks',
    });
  });
  it('tells CloudWatch Logs and CloudWatch apart from ECS by the prefix', () => {
    expect(parseTarget('Logs_20140328.GetLogEvents')).toEqual({ ok: true, service: 'logs', operation: 'GetLogEvents' });
    expect(parseTarget('GraniteServiceVersion20100801.GetMetricData')).toEqual({
      ok: true,
      service: 'monitoring',
      operation: 'GetMetricData',
    });
  });
  it('refuses a missing header, another service and an empty operation', () => {
    expect(parseTarget(undefined).ok).toBe(false);
    expect(parseTarget('DynamoDB_20120810.ListTables').ok).toBe(false);
    expect(parseTarget('AmazonEC2ContainerServiceV20141113.').ok).toBe(false);
    expect(parseTarget('ListTasks').ok).toBe(false);
  });
});

describe('parseJsonObject', () => {
  it('takes an object, and an empty body as {}', () => {
    expect(parseJsonObject('{"cluster":"a"}')).toEqual({ cluster: 'a' });
    expect(parseJsonObject('')).toEqual({});
  });
  it('answers SerializationException for invalid JSON and for non-objects', () => {
    expect(errorOf(() => parseJsonObject('{"cluster":')).type).toBe('SerializationException');
    expect(errorOf(() => parseJsonObject('[1]')).type).toBe('SerializationException');
    expect(errorOf(() => parseJsonObject('"text"')).type).toBe('SerializationException');
    expect(errorOf(() => parseJsonObject('null')).status).toBe(400);
  });
});

describe('Params', () => {
  it('reads typed members and treats null as absent', () => {
    const params = new Params({ a: 'x', n: 5, b: true, list: ['p', 'q'], nothing: null });
    expect(params.string('a')).toBe('x');
    expect(params.integer('n', { min: 1, max: 10 })).toBe(5);
    expect(params.boolean('b')).toBe(true);
    expect(params.stringList('list')).toEqual(['p', 'q']);
    expect(params.string('nothing')).toBeUndefined();
    expect(params.string('absent')).toBeUndefined();
  });

  it('names the member in InvalidParameterException messages', () => {
    const wrongType = errorOf(() => new Params({ maxResults: '10' }).integer('maxResults'));
    expect(wrongType.type).toBe('InvalidParameterException');
    expect(wrongType.message).toBe('maxResults must be an integer; got a string.');
    expect(errorOf(() => new Params({ maxResults: 101 }).integer('maxResults', { min: 1, max: 100 })).message).toBe(
      'maxResults must be between 1 and 100.',
    );
    expect(errorOf(() => new Params({}).requireString('task')).message).toBe('task is required.');
    expect(errorOf(() => new Params({ tasks: [] }).requireStringList('tasks', { minItems: 1 })).message).toBe(
      'tasks must not be empty.',
    );
    expect(errorOf(() => new Params({ tasks: ['a', 3] }).stringList('tasks')).message).toBe(
      'tasks[1] must be a string; got a number.',
    );
    expect(errorOf(() => new Params({ status: 'NOPE' }).string('status', { values: ['A', 'B'] })).message).toMatch(
      /status must be one of A, B/,
    );
    expect(errorOf(() => new Params({ reason: 'x'.repeat(256) }).string('reason', { maxLength: 255 })).message).toBe(
      'reason must be at most 255 characters long.',
    );
  });

  it('gives nested members their full path', () => {
    const params = new Params({ containerDefinitions: [{ name: 'web', memory: 'lots' }] });
    const [first] = params.objectList('containerDefinitions') ?? [];
    expect(errorOf(() => first?.integer('memory')).message).toBe(
      'containerDefinitions[0].memory must be an integer; got a string.',
    );
    expect(errorOf(() => new Params({ overrides: [1] }).object('overrides')).message).toBe(
      'overrides must be an object; got a list.',
    );
    expect(errorOf(() => new Params({ x: [5] }).objectList('x')).message).toBe('x[0] must be an object; got a number.');
  });
});

describe('wire encoding', () => {
  it('omits absent members and refuses null', () => {
    expect(toWireJson({ a: 1, b: undefined, c: [{ d: undefined }] })).toBe('{"a":1,"c":[{}]}');
    expect(() => toWireJson({ a: null })).toThrow(/null/);
    expect(() => toWireJson({ a: [undefined] })).toThrow(/undefined/);
  });

  it('converts model milliseconds to epoch seconds', () => {
    expect(toEpochSeconds(1_700_000_000_123)).toBe(1_700_000_000.123);
    expect(toEpochSeconds(undefined)).toBeUndefined();
  });

  it('shapes success and error responses as JSON 1.1', () => {
    const ok = jsonResponse(200, { clusterArns: [] }, 'rid');
    expect(ok.headers).toEqual({ 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'rid' });
    const error = errorResponse(new SimError('ClusterNotFoundException', 'Cluster not found.'), 'rid');
    expect(error.status).toBe(400);
    expect(error.headers['x-amzn-errortype']).toBe('ClusterNotFoundException');
    expect(JSON.parse(error.body)).toEqual({ __type: 'ClusterNotFoundException', message: 'Cluster not found.' });
    expect(errorResponse(new SimError('ServerException', 'x'), 'rid').status).toBe(500);
  });
});
