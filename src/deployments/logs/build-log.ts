/**
 * The `panther-pulumi` build's log while pantherctl waits for the build: each new line as a
 * `build.log` message (the live view shows the last ones under the build's line, CI prints
 * each, `--json` streams them), and the last lines kept for the failure summary. The stream is
 * learnt from BatchGetBuilds (`logs.groupName` / `logs.streamName`, there once CodeBuild created
 * it in PROVISIONING) and read forwards by token (log-tailer.ts). A build already over when
 * first seen (a resumed run) is not read from its head: only its last lines are fetched.
 *
 * A tail is an aid: a failed read is reported once (`build.log-unavailable`) and tailing stops;
 * it never fails or delays the build step beyond one last read.
 */
import { PULUMI_PROJECT } from '../../catalog/urls.js';
import { MSG, type IoHost } from '../../io/messages.js';
import type { BuildInfo, Clock } from '../aws/types.js';
import { isAbortError, systemClock } from '../wait/clock.js';
import { linesOf, LogTailer, type LogLine } from './log-tailer.js';
import type { LogsGateway } from './logs-gateway.js';

/** Lines a failure summary shows (issue 13: "the last 50 log lines"). */
export const FAILURE_TAIL_LINES = 50;

export interface BuildLogOptions {
  /** Undefined: no tailing (the port is not bound, e.g. a fake without logs). */
  logs?: LogsGateway;
  io: IoHost;
  buildId: string;
  /** The journal hop the build belongs to, for the messages. */
  hop?: string;
  /** Applied to every line before it is shown, kept or journaled. Default: none. */
  redact?: (text: string) => string;
  signal?: AbortSignal;
  clock?: Clock;
  /** Between reads that reached the end of the stream. Default 2 000 ms (GetLogEvents is throttled per account and region). */
  intervalMs?: number;
}

export interface BuildLogFollower {
  /** Every BatchGetBuilds answer of the wait: starts following once the stream is named. */
  saw(build: BuildInfo): void;
  /** Reads what is left (once), then stops. Never throws. */
  finish(): Promise<void>;
  /** The last `n` lines read (redacted), oldest first. */
  lastLines(n?: number): LogLine[];
  /** Where the lines came from, once known. */
  readonly stream?: { group: string; stream: string; deepLink?: string };
}

export function followBuildLog(o: BuildLogOptions): BuildLogFollower {
  const clock = o.clock ?? systemClock;
  const interval = o.intervalMs ?? 2_000;
  let stream: { group: string; stream: string; deepLink?: string } | undefined;
  let tailer: LogTailer | undefined;
  let loop: Promise<void> | undefined;
  /** The build was over when first seen: only its last lines are read, at finish. */
  let tailOnly = false;
  let tailOnlyLines: LogLine[] = [];
  let finishing = false;
  let failed = false;
  let wake: () => void = () => {};
  const woken = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));

  const emit = (lines: readonly LogLine[]): void => {
    for (const line of lines) {
      o.io.notify(
        MSG['build.log'].msg(`[${PULUMI_PROJECT}] ${line.text}`, { buildId: o.buildId, ...(o.hop ? { hop: o.hop } : {}), line: line.text, time: new Date(line.timestamp).toISOString() }),
      );
    }
  };

  const unavailable = (err: unknown): void => {
    if (failed) return;
    failed = true;
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    o.io.notify(
      MSG['build.log-unavailable'].msg(`the build log of ${o.buildId} cannot be read (${o.redact ? o.redact(reason) : reason}); the build is still waited for`, {
        buildId: o.buildId,
        reason: o.redact ? o.redact(reason) : reason,
      }),
    );
  };

  const run = async (t: LogTailer): Promise<void> => {
    for (;;) {
      if (o.signal?.aborted || failed) return;
      const last = finishing;
      let state: 'not-yet' | 'caught-up' | 'more' = 'caught-up';
      try {
        const r = await t.poll(o.signal);
        emit(r.lines);
        state = r.state;
      } catch (err) {
        if (isAbortError(err) || o.signal?.aborted) return;
        unavailable(err);
        return;
      }
      if (last && state !== 'more') return;
      // finish() called during the read: read once more now instead of waiting an interval.
      if (state === 'more' || finishing) continue;
      // Wait for the interval, or for finish() to ask for the last read now.
      const early = woken();
      try {
        await Promise.race([clock.sleep(interval, o.signal), early]);
      } catch {
        return;
      }
    }
  };

  return {
    get stream() {
      return stream;
    },
    saw(build) {
      if (stream || !o.logs) return;
      const group = build.logs?.groupName;
      const name = build.logs?.streamName;
      if (!group || !name) return;
      stream = { group, stream: name, ...(build.logs?.deepLink ? { deepLink: build.logs.deepLink } : {}) };
      if (build.status !== 'IN_PROGRESS') {
        tailOnly = true;
        return;
      }
      tailer = new LogTailer({ gateway: o.logs, group, stream: name, keep: 200, ...(o.redact ? { redact: o.redact } : {}) });
      loop = run(tailer);
    },
    async finish() {
      finishing = true;
      wake();
      if (loop) {
        await loop;
        return;
      }
      if (!tailOnly || !stream || !o.logs || o.signal?.aborted) return;
      // Over before we looked: the latest events (newest page, read backwards), not the whole log.
      try {
        const page = await o.logs.getLogEvents({ group: stream.group, stream: stream.stream, startFromHead: false, limit: FAILURE_TAIL_LINES }, o.signal ? { signal: o.signal } : {});
        if (page.status !== 'page') return;
        tailOnlyLines = page.events.flatMap(linesOf).map((l) => (o.redact ? { timestamp: l.timestamp, text: o.redact(l.text) } : l));
        emit(tailOnlyLines);
      } catch (err) {
        if (!isAbortError(err)) unavailable(err);
      }
    },
    lastLines(n = FAILURE_TAIL_LINES) {
      if (tailer) return tailer.lastLines(n);
      return n <= 0 ? [] : tailOnlyLines.slice(-n);
    },
  };
}
