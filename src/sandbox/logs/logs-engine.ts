/**
 * CloudWatch Logs as the sandbox's CodeBuild builds write to it and clients read it back:
 * log groups, log streams, and their events in order. Sources (botocore
 * logs/2014-03-28/service-2.json, "BC" below, unless said otherwise):
 *
 * - GetLogEvents: "A returned page might only be partially full, or even empty ... As long as
 *   the nextBackwardToken or nextForwardToken returned is NOT equal to the nextToken that you
 *   passed into the API call, there might be more log events available ... The returned tokens
 *   are never null." `nextForwardToken`: "If you have reached the end of the stream, it returns
 *   the same token you passed in." `startFromHead` defaults to false: "the latest log events
 *   are returned first". `limit` defaults to "as many log events as can fit in a response size
 *   of 1 MB (up to 10,000 log events)".
 * - Token shape: `f/<56 digits>/s` and `b/<56 digits>/s`, as real answers quoted in
 *   aws/aws-sdk-js-v3#3099 show (older answers, e.g. the AWS CLI's get-log-events example,
 *   have no `/s`). The digits are opaque to clients; here they are the position in the stream.
 * - FilterLogEvents: events carry `logStreamName` and `eventId`; "If the results don't include
 *   a nextToken, then pagination is finished"; `logStreamNames` with `logStreamNamePrefix` is
 *   an InvalidParameterException; `limit` default 10,000.
 * - DescribeLogStreams: ordered by name by default (`orderBy` LogStreamName), up to 50 items.
 *
 * Pure state: the handler turns requests into calls here and answers into JSON.
 */
import { AwsError } from '../aws-error.js';

export interface LogEventRecord {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface LogStreamRecord {
  name: string;
  creationTime: number;
  events: LogEventRecord[];
}

export interface LogGroupRecord {
  name: string;
  creationTime: number;
  /** Insertion-ordered; DescribeLogStreams sorts. */
  streams: Map<string, LogStreamRecord>;
}

/** What the state file keeps of CloudWatch Logs. */
export interface LogsState {
  groups: { name: string; creationTime: number; streams: LogStreamRecord[] }[];
}

/** "up to 1 MB of log events or up to 10,000 log events" per page (BC GetLogEvents). */
export const MAX_EVENTS_PER_PAGE = 10_000;
const MAX_PAGE_BYTES = 1_048_576;
/**
 * PutLogEvents counts "the sum of all event messages in UTF-8, plus 26 bytes for each log
 * event" against its 1 MB batch (CloudWatch Logs API Reference, PutLogEvents, quoted in
 * dstackai/dstack#1711); a page is sized the same way.
 */
const EVENT_OVERHEAD_BYTES = 26;

/**
 * "The specified log group does not exist." / "The specified log stream does not exist."
 * (ResourceNotFoundException, as quoted from AWS in epsagon/list-lambdas#5 for
 * DescribeLogStreams and prefect-archive/prefect-aws#177 for GetLogEvents).
 */
export const noGroup = (): AwsError => new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
export const noStream = (): AwsError => new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');

/** "The specified nextToken is invalid." (InvalidParameterException, boto/boto3#1467). */
const invalidToken = (): AwsError => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');

const DIGITS = 56;

function token(direction: 'f' | 'b', position: number): string {
  return `${direction}/${String(position).padStart(DIGITS, '0')}/s`;
}

/** A token this sandbox issued, as direction and position; anything else is invalid. */
function parseToken(value: string): { direction: 'f' | 'b'; position: number } {
  const m = /^([fb])\/(\d{1,56})(?:\/s)?$/.exec(value);
  if (!m) throw invalidToken();
  const position = Number(m[2]);
  if (!Number.isSafeInteger(position)) throw invalidToken();
  return { direction: m[1] as 'f' | 'b', position };
}

export interface GetLogEventsRequest {
  group: string;
  stream: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
}

export interface GetLogEventsAnswer {
  events: LogEventRecord[];
  nextForwardToken: string;
  nextBackwardToken: string;
}

export interface FilterLogEventsRequest {
  group: string;
  streamNames?: string[];
  streamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
}

export interface FilteredEvent extends LogEventRecord {
  logStreamName: string;
  eventId: string;
}

const sizeOf = (e: LogEventRecord): number => Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES;

export class LogsEngine {
  readonly groups = new Map<string, LogGroupRecord>();

  constructor(private readonly now: () => number) {}

  /** Creates the group if it does not exist (CodeBuild creates `/aws/codebuild/<project>` on its first build). */
  ensureGroup(name: string, at = this.now()): LogGroupRecord {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, creationTime: at, streams: new Map() };
      this.groups.set(name, g);
    }
    return g;
  }

  ensureStream(group: string, stream: string, at = this.now()): LogStreamRecord {
    const g = this.ensureGroup(group, at);
    let s = g.streams.get(stream);
    if (!s) {
      s = { name: stream, creationTime: at, events: [] };
      g.streams.set(stream, s);
    }
    return s;
  }

  /** Appends lines to a stream that exists; each line is one event at `timestamp`. */
  put(group: string, stream: string, lines: readonly string[], timestamp = this.now()): void {
    const s = this.groups.get(group)?.streams.get(stream);
    if (!s) throw noStream();
    // A CodeBuild log event is one line with its newline (the sandbox writes it the same way).
    for (const line of lines) s.events.push({ timestamp, message: `${line}\n`, ingestionTime: timestamp });
  }

  requireGroup(name: string): LogGroupRecord {
    const g = this.groups.get(name);
    if (!g) throw noGroup();
    return g;
  }

  requireStream(group: string, stream: string): LogStreamRecord {
    const s = this.requireGroup(group).streams.get(stream);
    if (!s) throw noStream();
    return s;
  }

  /**
   * GetLogEvents. Positions are indexes between events: a forward token at p returns events
   * from p on, a backward token at p returns the events before p (the page nearest to p).
   * At the end of the stream (nothing past p) the token sent comes back unchanged.
   */
  getLogEvents(req: GetLogEventsRequest): GetLogEventsAnswer {
    const s = this.requireStream(req.group, req.stream);
    const inWindow = (e: LogEventRecord): boolean => (req.startTime === undefined || e.timestamp >= req.startTime) && (req.endTime === undefined || e.timestamp < req.endTime);
    // Indexes of the events in the time window (the window filters; positions stay the stream's).
    const all = s.events;
    const limit = Math.min(req.limit ?? MAX_EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE);
    const parsed = req.nextToken !== undefined ? parseToken(req.nextToken) : undefined;
    if (parsed && parsed.position > all.length) throw invalidToken();
    const forward = parsed ? parsed.direction === 'f' : Boolean(req.startFromHead);
    if (forward) {
      const from = parsed?.position ?? 0;
      const page: LogEventRecord[] = [];
      let bytes = 0;
      let at = from;
      for (; at < all.length && page.length < limit; at++) {
        const e = all[at] as LogEventRecord;
        if (!inWindow(e)) continue;
        if (page.length > 0 && bytes + sizeOf(e) > MAX_PAGE_BYTES) break;
        bytes += sizeOf(e);
        page.push(e);
      }
      const end = page.length === 0 && parsed ? from : at;
      return {
        events: page,
        // Nothing new past the token: the same token back (BC nextForwardToken).
        nextForwardToken: parsed && end === from ? (req.nextToken as string) : token('f', end),
        nextBackwardToken: token('b', from),
      };
    }
    // Backwards: the events just before the position (the stream's end without a token).
    const until = parsed?.position ?? all.length;
    const page: LogEventRecord[] = [];
    let bytes = 0;
    let at = until;
    for (; at > 0 && page.length < limit; at--) {
      const e = all[at - 1] as LogEventRecord;
      if (!inWindow(e)) continue;
      if (page.length > 0 && bytes + sizeOf(e) > MAX_PAGE_BYTES) break;
      bytes += sizeOf(e);
      page.unshift(e);
    }
    return {
      events: page,
      nextForwardToken: token('f', until),
      // Nothing before the token: the same token back (BC nextBackwardToken).
      nextBackwardToken: parsed && at === until ? (req.nextToken as string) : token('b', at),
    };
  }

  /**
   * FilterLogEvents over the group's streams (by name order), events in time order. The
   * filter pattern is matched as CloudWatch matches a plain term: every space-separated term
   * must occur in the message, case-sensitively (CloudWatch Logs User Guide,
   * FilterAndPatternSyntax, "Matching terms in unstructured log events"); quoted phrases and
   * JSON/space-delimited patterns are not modelled (UNVERIFIED.md).
   */
  filterLogEvents(req: FilterLogEventsRequest): { events: FilteredEvent[]; nextToken?: string } {
    const g = this.requireGroup(req.group);
    if (req.streamNames && req.streamNamePrefix !== undefined) {
      throw new AwsError('InvalidParameterException', 'Cannot specify both logStreamNames and logStreamNamePrefix.');
    }
    const terms = (req.filterPattern ?? '').split(/\s+/).filter((t) => t !== '');
    const streams = [...g.streams.values()]
      .filter((s) => (req.streamNames ? req.streamNames.includes(s.name) : req.streamNamePrefix === undefined || s.name.startsWith(req.streamNamePrefix)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const matched: FilteredEvent[] = [];
    for (const s of streams) {
      s.events.forEach((e, i) => {
        if (req.startTime !== undefined && e.timestamp < req.startTime) return;
        if (req.endTime !== undefined && e.timestamp > req.endTime) return;
        if (!terms.every((t) => e.message.includes(t))) return;
        matched.push({ ...e, logStreamName: s.name, eventId: eventId(g.name, s.name, i) });
      });
    }
    matched.sort((a, b) => a.timestamp - b.timestamp);
    const start = req.nextToken !== undefined ? parseToken(req.nextToken).position : 0;
    if (start > matched.length) throw invalidToken();
    const limit = Math.min(req.limit ?? MAX_EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE);
    const page = matched.slice(start, start + limit);
    const next = start + page.length;
    return { events: page, ...(next < matched.length ? { nextToken: token('f', next) } : {}) };
  }

  /** DescribeLogStreams: by name (default) or by last event time, 50 a page by default. */
  describeLogStreams(req: { group: string; prefix?: string; orderBy?: string; descending?: boolean; nextToken?: string; limit?: number }): { streams: LogStreamRecord[]; nextToken?: string } {
    const g = this.requireGroup(req.group);
    if (req.orderBy === 'LastEventTime' && req.prefix !== undefined) {
      // "If orderBy is LastEventTime, you cannot specify this parameter" (BC logStreamNamePrefix).
      throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const lastEvent = (s: LogStreamRecord): number => s.events.at(-1)?.timestamp ?? s.creationTime;
    const list = [...g.streams.values()]
      .filter((s) => req.prefix === undefined || s.name.startsWith(req.prefix))
      .sort((a, b) => (req.orderBy === 'LastEventTime' ? lastEvent(a) - lastEvent(b) : a.name.localeCompare(b.name)));
    if (req.descending) list.reverse();
    const start = req.nextToken !== undefined ? parseToken(req.nextToken).position : 0;
    const limit = req.limit ?? 50;
    const page = list.slice(start, start + limit);
    return { streams: page, ...(start + limit < list.length ? { nextToken: token('f', start + limit) } : {}) };
  }

  clear(): void {
    this.groups.clear();
  }

  snapshot(): LogsState {
    return { groups: [...this.groups.values()].map((g) => ({ name: g.name, creationTime: g.creationTime, streams: [...g.streams.values()] })) };
  }

  restore(state: LogsState | undefined): void {
    for (const g of state?.groups ?? []) {
      this.groups.set(g.name, { name: g.name, creationTime: g.creationTime, streams: new Map(g.streams.map((s) => [s.name, s])) });
    }
  }
}

/** A stable event id per event (56 digits, the shape of FilterLogEvents ids). */
function eventId(group: string, stream: string, index: number): string {
  let h = 0;
  for (const c of `${group}/${stream}`) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `${String(h).padStart(20, '0')}${String(index).padStart(36, '0')}`;
}
