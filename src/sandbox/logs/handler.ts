/**
 * CloudWatch Logs over JSON 1.1 (`X-Amz-Target: Logs_20140328.<Action>`; botocore
 * logs/2014-03-28/service-2.json metadata: `"protocol":"json"`, `"jsonVersion":"1.1"`,
 * `"targetPrefix":"Logs_20140328"`). Timestamps are epoch milliseconds (the model's
 * `Timestamp` shape is a long of "milliseconds after Jan 1, 1970 00:00:00 UTC").
 *
 * Input checks follow the model's constraints (LogGroupName 1-512 `[\.\-_/#A-Za-z0-9]+`,
 * LogStreamName 1-512 `[^:*]*`, EventsLimit 1-10000, DescribeLimit 1-50, NextToken min 1),
 * answered the way CloudWatch Logs answers them: InvalidParameterException
 * "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: Member
 * must have length greater than or equal to 1" (a real GetLogEvents exchange quoted in
 * fluent-plugins-nursery/fluent-plugin-cloudwatch-logs#116).
 */
import { AwsError } from '../aws-error.js';
import type { LogsEngine } from './logs-engine.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';

function invalid(message: string): AwsError {
  return new AwsError('InvalidParameterException', message);
}

function constraint(value: unknown, member: string, rule: string): AwsError {
  return invalid(`1 validation error detected: Value '${value === undefined || value === null ? 'null' : String(value)}' at '${member}' failed to satisfy constraint: ${rule}`);
}

function optionalString(body: Record<string, unknown>, name: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AwsError('SerializationException', `Unexpected value type in '${name}'`);
  if (opts.min !== undefined && v.length < opts.min) throw constraint(v, name, `Member must have length greater than or equal to ${opts.min}`);
  if (opts.max !== undefined && v.length > opts.max) throw constraint(v, name, `Member must have length less than or equal to ${opts.max}`);
  if (opts.pattern && !opts.pattern.test(v)) throw constraint(v, name, `Member must satisfy regular expression pattern: ${opts.pattern.source.replace(/^\^\(\?:|\)\$$/g, '')}`);
  return v;
}

function optionalInt(body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new AwsError('SerializationException', `Unexpected value type in '${name}'`);
  if (v < min) throw constraint(v, name, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw constraint(v, name, `Member must have value less than or equal to ${max}`);
  return v;
}

function optionalBool(body: Record<string, unknown>, name: string): boolean | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new AwsError('SerializationException', `Unexpected value type in '${name}'`);
  return v;
}

const GROUP_NAME = /^(?:[.\-_/#A-Za-z0-9]+)$/;
const STREAM_NAME = /^(?:[^:*]*)$/;

/**
 * The group a request names: `logGroupName`, or `logGroupIdentifier` (a name or an ARN,
 * `arn:aws:logs:<region>:<account>:log-group:<name>`, with or without the trailing `:*`).
 * "You must include either logGroupIdentifier or logGroupName, but not both" (BC): the
 * message for breaking that rule is not documented (UNVERIFIED.md).
 */
function groupOf(body: Record<string, unknown>): string {
  const name = optionalString(body, 'logGroupName', { min: 1, max: 512, pattern: GROUP_NAME });
  const identifier = optionalString(body, 'logGroupIdentifier', { min: 1, max: 2048 });
  if (name !== undefined && identifier !== undefined) throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  if (name !== undefined) return name;
  if (identifier !== undefined) {
    const m = /^arn:[^:]+:logs:[^:]*:\d{12}:log-group:(.+?)(?::\*)?$/.exec(identifier);
    return m ? (m[1] as string) : identifier;
  }
  throw invalid('Either logGroupName or logGroupIdentifier is required.');
}

function requiredStream(body: Record<string, unknown>): string {
  const v = optionalString(body, 'logStreamName', { min: 1, max: 512, pattern: STREAM_NAME });
  if (v === undefined) throw constraint(undefined, 'logStreamName', 'Member must not be null');
  return v;
}

function nextTokenOf(body: Record<string, unknown>): string | undefined {
  return optionalString(body, 'nextToken', { min: 1 });
}

function streamJson(region: string, account: string, group: string, s: { name: string; creationTime: number; events: { timestamp: number; ingestionTime: number }[] }): Record<string, unknown> {
  const first = s.events[0];
  const last = s.events.at(-1);
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    ...(first ? { firstEventTimestamp: first.timestamp } : {}),
    ...(last ? { lastEventTimestamp: last.timestamp, lastIngestionTime: last.ingestionTime } : {}),
    arn: `arn:aws:logs:${region}:${account}:log-group:${group}:log-stream:${s.name}`,
    // "As of June 17, 2019, this parameter is no longer supported for log streams, and is
    // always reported as zero" (BC LogStream.storedBytes).
    storedBytes: 0,
  };
}

/** One CloudWatch Logs JSON 1.1 action: the response object, or an AwsError thrown. */
export function handleLogs(engine: LogsEngine, ctx: { region: string; accountId: string }, action: string, body: Record<string, unknown>): unknown {
  switch (action) {
    case 'GetLogEvents': {
      const group = groupOf(body);
      const stream = requiredStream(body);
      const limit = optionalInt(body, 'limit', 1, 10_000);
      const startTime = optionalInt(body, 'startTime', 0, Number.MAX_SAFE_INTEGER);
      const endTime = optionalInt(body, 'endTime', 0, Number.MAX_SAFE_INTEGER);
      const nextToken = nextTokenOf(body);
      const startFromHead = optionalBool(body, 'startFromHead');
      const page = engine.getLogEvents({
        group,
        stream,
        ...(limit !== undefined ? { limit } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(nextToken !== undefined ? { nextToken } : {}),
        ...(startFromHead !== undefined ? { startFromHead } : {}),
      });
      return { events: page.events, nextForwardToken: page.nextForwardToken, nextBackwardToken: page.nextBackwardToken };
    }
    case 'FilterLogEvents': {
      const group = groupOf(body);
      const names = body.logStreamNames;
      if (names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === 'string'))) throw new AwsError('SerializationException', "Unexpected value type in 'logStreamNames'");
      if (Array.isArray(names) && (names.length < 1 || names.length > 100)) throw constraint(`[${names.join(', ')}]`, 'logStreamNames', 'Member must have length between 1 and 100');
      const prefix = optionalString(body, 'logStreamNamePrefix', { min: 1, max: 512, pattern: STREAM_NAME });
      const filterPattern = optionalString(body, 'filterPattern', { max: 1024 });
      const limit = optionalInt(body, 'limit', 1, 10_000);
      const startTime = optionalInt(body, 'startTime', 0, Number.MAX_SAFE_INTEGER);
      const endTime = optionalInt(body, 'endTime', 0, Number.MAX_SAFE_INTEGER);
      const nextToken = nextTokenOf(body);
      const out = engine.filterLogEvents({
        group,
        ...(Array.isArray(names) ? { streamNames: names as string[] } : {}),
        ...(prefix !== undefined ? { streamNamePrefix: prefix } : {}),
        ...(filterPattern !== undefined ? { filterPattern } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(nextToken !== undefined ? { nextToken } : {}),
      });
      return {
        events: out.events.map((e) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: e.eventId })),
        // "As of May 15, 2020, this parameter is no longer supported. This parameter returns an empty list." (BC)
        searchedLogStreams: [],
        ...(out.nextToken ? { nextToken: out.nextToken } : {}),
      };
    }
    case 'DescribeLogStreams': {
      const group = groupOf(body);
      const prefix = optionalString(body, 'logStreamNamePrefix', { min: 1, max: 512, pattern: STREAM_NAME });
      const orderBy = optionalString(body, 'orderBy');
      if (orderBy !== undefined && orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
        throw constraint(orderBy, 'orderBy', 'Member must satisfy enum value set: [LogStreamName, LastEventTime]');
      }
      const descending = optionalBool(body, 'descending');
      const limit = optionalInt(body, 'limit', 1, 50);
      const nextToken = nextTokenOf(body);
      const out = engine.describeLogStreams({
        group,
        ...(prefix !== undefined ? { prefix } : {}),
        ...(orderBy !== undefined ? { orderBy } : {}),
        ...(descending !== undefined ? { descending } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(nextToken !== undefined ? { nextToken } : {}),
      });
      return { logStreams: out.streams.map((s) => streamJson(ctx.region, ctx.accountId, group, s)), ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
    }
    default:
      throw new AwsError('UnknownOperationException', `Unknown operation ${LOGS_TARGET_PREFIX}${action}`);
  }
}

/** The log group a call names, for the call log (like CodeBuild's project). */
export function logGroupOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.logGroupName === 'string') return body.logGroupName;
  if (typeof body.logGroupIdentifier === 'string') return body.logGroupIdentifier.replace(/^arn:[^:]+:logs:[^:]*:\d{12}:log-group:/, '').replace(/:\*$/, '');
  return undefined;
}
