/**
 * Tails one CloudWatch Logs stream (a `panther-pulumi` build's) forwards from its head:
 * each `poll()` reads pages by `nextForwardToken` until the same token comes back (the end of
 * the stream as it is now; see logs-gateway.ts for the API facts), and returns only the lines
 * it has not returned before. The last lines are kept for the failure summary.
 */
import type { Clock } from '../aws/types.js';
import { isAbortError, systemClock } from '../wait/clock.js';
import type { LogEvent, LogsGateway } from './logs-gateway.js';

export interface LogLine {
  /** When the build wrote it (ms since the epoch). */
  timestamp: number;
  text: string;
}

export interface LogTailerOptions {
  gateway: LogsGateway;
  /** `logs.groupName` of BatchGetBuilds (`/aws/codebuild/panther-pulumi` by default). */
  group: string;
  /** `logs.streamName` of BatchGetBuilds (a UUID). */
  stream: string;
  /** Lines kept for `lastLines()`. Default 200: the failure summary shows 50. */
  keep?: number;
  /** Events per page. Default AWS's (1 MB or 10 000 events). */
  pageLimit?: number;
  /**
   * Pages one `poll()` reads at most before returning what it has (the next poll continues).
   * Default 20: a long backlog is shown in steps instead of minutes of silence.
   */
  maxPagesPerPoll?: number;
  /** Applied to every line before it is kept or returned (the support-bundle redactors). */
  redact?: (line: string) => string;
}

export interface PollResult {
  lines: LogLine[];
  /**
   * `not-yet`: the stream does not exist yet; `caught-up`: the end of the stream was reached;
   * `more`: the page budget ran out before the end.
   */
  state: 'not-yet' | 'caught-up' | 'more';
}

export interface FollowOptions {
  /** Between polls that reached the end. Default 2 000 ms (GetLogEvents allows 25 calls/s per account and region; a build writes far slower). */
  intervalMs?: number;
  /** Checked before each wait; once true, one last poll drains the stream and follow() ends. */
  until?: () => boolean | Promise<boolean>;
  /** Stops following (quietly: a tail is an aid, never the reason a command fails). */
  signal?: AbortSignal;
  /** Default real time. */
  clock?: Clock;
  /** A failed poll is reported here and retried at the next interval. */
  onError?: (err: unknown) => void;
}

/** Splits an event into lines; the newline CodeBuild puts at the end of each is not a line. */
export function linesOf(event: LogEvent): LogLine[] {
  const body = event.message.replace(/\r?\n$/, '');
  return body.split(/\r?\n/).map((text) => ({ timestamp: event.timestamp, text }));
}

export class LogTailer {
  private token: string | undefined;
  private readonly tail: LogLine[] = [];
  private total = 0;
  private readonly keep: number;

  constructor(private readonly options: LogTailerOptions) {
    this.keep = Math.max(1, options.keep ?? 200);
  }

  /** Lines returned so far. */
  get lineCount(): number {
    return this.total;
  }

  /** The last `n` lines returned so far (at most `keep`), oldest first. */
  lastLines(n: number): LogLine[] {
    return n <= 0 ? [] : this.tail.slice(-n);
  }

  /** One round of pages up to the end of the stream (or the page budget). */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    const { gateway, group, stream } = this.options;
    const budget = Math.max(1, this.options.maxPagesPerPoll ?? 20);
    const lines: LogLine[] = [];
    for (let page = 0; page < budget; page++) {
      const sent = this.token;
      const result = await gateway.getLogEvents(
        { group, stream, startFromHead: true, ...(sent ? { nextToken: sent } : {}), ...(this.options.pageLimit ? { limit: this.options.pageLimit } : {}) },
        signal ? { signal } : {},
      );
      if (result.status === 'not-yet') return { lines, state: 'not-yet' };
      for (const event of result.events) for (const line of linesOf(event)) lines.push(this.take(line));
      const next = result.nextForwardToken;
      // The same token back means the end of the stream; so does no token at all (defensive:
      // AWS documents one on every page).
      if (next === undefined || next === sent) return { lines, state: 'caught-up' };
      this.token = next;
    }
    return { lines, state: 'more' };
  }

  /**
   * Polls until `until()` says the build is over (then drains once more) or the signal
   * aborts, yielding each non-empty batch of new lines.
   */
  async *follow(options: FollowOptions = {}): AsyncGenerator<LogLine[], void, undefined> {
    const clock = options.clock ?? systemClock;
    const interval = options.intervalMs ?? 2_000;
    const { signal } = options;
    for (;;) {
      if (signal?.aborted) return;
      const finishing = options.until ? await options.until() : false;
      let state: PollResult['state'] = 'caught-up';
      try {
        const result = await this.poll(signal);
        state = result.state;
        if (result.lines.length > 0) yield result.lines;
      } catch (err) {
        if (isAbortError(err) || signal?.aborted) return;
        options.onError?.(err);
      }
      // Past the end of the build, stop once the stream is drained (or was never created).
      if (finishing && state !== 'more') return;
      if (state === 'more') continue;
      try {
        await clock.sleep(interval, signal);
      } catch {
        return;
      }
    }
  }

  private take(line: LogLine): LogLine {
    const clean = this.options.redact ? { timestamp: line.timestamp, text: this.options.redact(line.text) } : line;
    this.total++;
    this.tail.push(clean);
    if (this.tail.length > this.keep) this.tail.splice(0, this.tail.length - this.keep);
    return clean;
  }
}
