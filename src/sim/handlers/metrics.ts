/**
 * CloudWatch GetMetricData (GraniteServiceVersion20100801, AWS JSON 1.0 as the SDK speaks it): metric-stat queries
 * answered from the model (src/sim/metrics/series.ts), paged by MaxDatapoints with NextToken, newest first unless
 * ScanBy says otherwise. Metric math (Expression) is refused with a sentence: the simulator does not evaluate it.
 */
import { SimError } from '../errors.ts';
import { type Datapoint, metricDatapoints, ProfileCache, STATISTICS, type Statistic } from '../metrics/series.ts';
import type { Params } from '../protocol.ts';
import type { HandlerContext, OperationHandler } from './context.ts';

/** CloudWatch's limits for one GetMetricData call. */
export const MAX_METRIC_DATA_QUERIES = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;

const invalidValue = (message: string) => new SimError('InvalidParameterValueException', message);

interface ParsedQuery {
  id: string;
  label: string;
  returnData: boolean;
  namespace: string;
  metricName: string;
  dimensions: Map<string, string>;
  period: number;
  stat: Statistic;
}

export const getMetricData: OperationHandler = (ctx, params) => {
  try {
    return answerGetMetricData(ctx, params);
  } catch (error) {
    // The member checks speak ECS (InvalidParameterException); CloudWatch calls it InvalidParameterValue.
    if (error instanceof SimError && error.type === 'InvalidParameterException') throw invalidValue(error.message);
    throw error;
  }
};

function answerGetMetricData(ctx: HandlerContext, params: Params): Record<string, unknown> {
  const queries = params
    .objectList('MetricDataQueries', { minItems: 1 })
    ?.map((query, index) => parseQuery(query, index));
  if (!queries) throw invalidValue('The parameter MetricDataQueries is required.');
  if (queries.length > MAX_METRIC_DATA_QUERIES) {
    throw invalidValue(
      `The collection MetricDataQueries must not have a size greater than ${MAX_METRIC_DATA_QUERIES}; got ${queries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const query of queries) {
    if (seen.has(query.id)) throw invalidValue(`The value ${query.id} for field Id is not unique.`);
    seen.add(query.id);
  }
  const startMs = timestamp(params, 'StartTime');
  const endMs = timestamp(params, 'EndTime');
  if (startMs >= endMs) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = params.string('ScanBy', { values: ['TimestampDescending', 'TimestampAscending'] });
  const maxDatapoints =
    params.integer('MaxDatapoints', { min: 1, max: MAX_DATAPOINTS_PER_CALL }) ?? MAX_DATAPOINTS_PER_CALL;
  const fingerprint = requestFingerprint(params);
  const token = params.string('NextToken');
  const offset = token === undefined ? 0 : readToken(token, fingerprint);

  const profiles = new ProfileCache(ctx.model);
  const series = queries
    .filter((query) => query.returnData)
    .map((query) => {
      const points = metricDatapoints(ctx.model, query, startMs, endMs, profiles);
      if (scanBy !== 'TimestampAscending') points.reverse();
      return { query, points };
    });

  // One page is the datapoints [offset, offset + MaxDatapoints) of all results laid end to end.
  const pageEnd = offset + maxDatapoints;
  let position = 0;
  const results = series.map(({ query, points }) => {
    const first = Math.min(points.length, Math.max(0, offset - position));
    const last = Math.min(points.length, Math.max(0, pageEnd - position));
    position += points.length;
    const page: Datapoint[] = points.slice(first, last);
    return {
      Id: query.id,
      Label: query.label,
      Timestamps: page.map((point) => point.at / 1000),
      Values: page.map((point) => point.value),
      StatusCode: last < points.length ? 'PartialData' : 'Complete',
      Messages: [],
    };
  });
  const answer: Record<string, unknown> = { MetricDataResults: results, Messages: [] };
  if (pageEnd < position) answer.NextToken = writeToken(pageEnd, fingerprint);
  return answer;
}

function parseQuery(query: Params, index: number): ParsedQuery {
  const id = query.requireString('Id', {
    minLength: 1,
    maxLength: 255,
    pattern: /^[a-z][a-zA-Z0-9_]*$/,
    patternHint: 'it must start with a lowercase letter and hold only letters, digits and underscores',
  });
  if (query.has('Expression')) {
    throw invalidValue(
      `MetricDataQueries[${index}] (${id}) is a metric math Expression; the simulator answers MetricStat queries only.`,
    );
  }
  const stat = query.object('MetricStat');
  if (!stat) throw invalidValue(`MetricDataQueries[${index}] (${id}) must have a MetricStat or an Expression.`);
  const metric = stat.requireObject('Metric');
  const namespace = metric.requireString('Namespace', { minLength: 1, maxLength: 255 });
  const metricName = metric.requireString('MetricName', { minLength: 1, maxLength: 255 });
  const dimensions = new Map<string, string>();
  for (const dimension of metric.objectList('Dimensions', { maxItems: 30 }) ?? []) {
    const name = dimension.requireString('Name', { minLength: 1, maxLength: 255 });
    dimensions.set(name, dimension.requireString('Value', { minLength: 1, maxLength: 1024 }));
  }
  const period = stat.requireInteger('Period', { min: 1 });
  if (period % 60 !== 0) {
    throw invalidValue(`${stat.pathOf('Period')} must be a multiple of 60 for these metrics; got ${period}.`);
  }
  const statistic = stat.requireString('Stat', { values: STATISTICS }) as Statistic;
  const label = query.string('Label', { maxLength: 1024 }) ?? metricName;
  return {
    id,
    label,
    returnData: query.boolean('ReturnData') ?? true,
    namespace,
    metricName,
    dimensions,
    period,
    stat: statistic,
  };
}

/** JSON 1.0 timestamps are epoch seconds (fractions allowed). */
function timestamp(params: Params, name: string): number {
  const seconds = params.requireNumber(name, { min: 0 });
  return Math.round(seconds * 1000);
}

/** What a NextToken belongs to: the request without its NextToken and MaxDatapoints. */
function requestFingerprint(params: Params): string {
  const { NextToken: _token, MaxDatapoints: _max, ...rest } = params.rawObject();
  let hash = 0x811c9dc5;
  const text = JSON.stringify(rest);
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}

function writeToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint }), 'utf8').toString('base64');
}

function readToken(token: string, fingerprint: string): number {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown; f?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0 && value.f === fingerprint) {
      return value.o;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new SimError('InvalidNextToken', 'The NextToken does not belong to this request.');
}
