/**
 * An in-memory CloudWatch Logs port with GetLogEvents' token rules (logs-gateway.ts): opaque
 * forward tokens, the same token back at the end of the stream, empty pages before the end
 * when asked for, "not yet" until the stream is created, and nextToken only with
 * startFromHead.
 */
import type { GetLogEventsInput, LogEvent, LogEventsResult, LogsGateway } from '../logs-gateway.js';

export class FakeLogs implements LogsGateway {
  private readonly streams = new Map<string, LogEvent[]>();
  private readonly tokens = new Map<string, number>();
  private nextTokenId = 1;
  /** Positions at which the next read returns one empty page (with a new token) first. */
  private readonly emptyAt = new Set<string>();
  readonly calls: GetLogEventsInput[] = [];
  /** Default page size when the caller sends no limit. */
  pageSize = 3;

  private key(group: string, stream: string): string {
    return `${group}\u0000${stream}`;
  }

  createStream(group: string, stream: string): void {
    if (!this.streams.has(this.key(group, stream))) this.streams.set(this.key(group, stream), []);
  }

  append(group: string, stream: string, ...messages: string[]): void {
    const events = this.streams.get(this.key(group, stream));
    if (!events) throw new Error('append to a stream that does not exist');
    for (const message of messages) events.push({ timestamp: 1_800_000_000_000 + events.length * 1000, message, ingestionTime: 1_800_000_000_500 + events.length * 1000 });
  }

  /** The read at event position `at` first returns an empty page, as AWS may. */
  emptyPageAt(group: string, stream: string, at: number): void {
    this.emptyAt.add(`${this.key(group, stream)}@${at}`);
  }

  private token(position: number): string {
    const t = `f/${String(this.nextTokenId++).padStart(8, '0')}`;
    this.tokens.set(t, position);
    return t;
  }

  async getLogEvents(input: GetLogEventsInput): Promise<LogEventsResult> {
    this.calls.push({ ...input });
    const events = this.streams.get(this.key(input.group, input.stream));
    if (!events) return { status: 'not-yet', missing: 'stream', message: 'The specified log stream does not exist.' };
    if (input.nextToken !== undefined && input.startFromHead !== true) {
      throw Object.assign(new Error('nextToken works only with startFromHead true (fake)'), { name: 'InvalidParameterException' });
    }
    let position = 0;
    if (input.nextToken !== undefined) {
      const p = this.tokens.get(input.nextToken);
      if (p === undefined) throw Object.assign(new Error('The specified nextToken is invalid.'), { name: 'InvalidParameterException' });
      position = p;
    }
    const empty = `${this.key(input.group, input.stream)}@${position}`;
    if (this.emptyAt.delete(empty)) return { status: 'page', events: [], nextForwardToken: this.token(position), nextBackwardToken: 'b/0' };
    const limit = input.limit ?? this.pageSize;
    const page = events.slice(position, position + limit);
    if (page.length === 0) {
      // The end of the stream: the token passed in comes back (a first read gets a fresh one).
      return { status: 'page', events: [], nextForwardToken: input.nextToken ?? this.token(position), nextBackwardToken: 'b/0' };
    }
    return { status: 'page', events: page.map((e) => ({ ...e })), nextForwardToken: this.token(position + page.length), nextBackwardToken: 'b/0' };
  }
}
