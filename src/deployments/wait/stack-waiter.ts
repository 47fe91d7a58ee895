/**
 * Waits for one CloudFormation stack operation by polling stack events ourselves: from the
 * operation's start, only new events (pagination stops at the last one seen), following
 * nested stacks while they are in progress. Every call for a stack (event pages, the
 * DescribeStacks fallback, retries) goes through one per-stack pacer, so a stack never sees
 * more than one call per interval: a burst of more than one page of new events is read one
 * page per slot, and throttling is retried here at the stack's pace, never inside the gateway.
 * The SDK waiters poll every 30-120 s and show nothing; this one notices the end within
 * about one interval and streams every event as a `stack.event` message.
 */
import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import { awsErrorCode, classifyAwsError, isRetryable } from '../aws/errors.js';
import type { Clock, CloudFormationGateway, StackEvent } from '../aws/types.js';
import { StackCallPacer } from './call-pacer.js';
import { isAbortError, systemClock } from './clock.js';
import { isFailedStatus, isInProgress, isTerminalStackStatus, outcomeOf } from './stack-status.js';
import type { StackEventMessage, StackWaitOptions, StackWaitResult } from './types.js';
import { MSG } from '../../io/messages.js';

const STACK_TYPE = 'AWS::CloudFormation::Stack';
/** Without a root event for this long, one poll in place of events asks DescribeStacks. */
const FALLBACK_AFTER_MS = 10_000;
/** Backoff of one stack's polling after a throttled/transient failure. */
const MAX_BACKOFF_MS = 16_000;

interface Tracker {
  /** Stack id (nested: the physical id from the parent's event) or the name given. */
  ref: string;
  name: string;
  nested: boolean;
  lastEventId?: string;
  since?: Date;
  seen: Set<string>;
  /** A walk back through more than one page of new events, continued at the next slot. */
  walk?: { token: string; collected: StackEvent[] };
  /** Backoff after failures; the pacer adds the per-stack spacing on top. */
  nextPollAt: number;
  failures: number;
  /** Parent reported this nested stack finished: poll once more, then stop. */
  finishing: boolean;
  done: boolean;
}

/**
 * Remembers where a stack's event history ends, before starting an operation, so the waiter
 * (also after a resume: store it in the journal) knows exactly which events are new.
 */
export async function captureStartMarker(
  gateway: CloudFormationGateway,
  stack: string,
  clock: Clock = systemClock,
): Promise<Date | { afterEventId: string }> {
  const now = new Date(clock.now());
  try {
    const [newest] = await gateway.describeEvents(stack, { limit: 1 });
    return newest ? { afterEventId: newest.eventId } : now;
  } catch (err) {
    if (awsErrorCode(err) === 'stack-not-found') return now;
    throw err;
  }
}

function isOwnStatusEvent(event: StackEvent, tracker: Tracker): boolean {
  return (
    event.resourceType === STACK_TYPE &&
    (event.logicalId === event.stackName || (event.physicalId !== undefined && event.physicalId === tracker.ref))
  );
}

function interrupted(code: 'timeout' | 'interrupted', stack: string, elapsedMs: number, cause?: unknown): PantherctlError {
  const seconds = Math.round(elapsedMs / 1000);
  const message =
    code === 'timeout'
      ? `Stopped waiting for stack ${stack} after ${seconds} s (timeout).`
      : `Stopped waiting for stack ${stack} (interrupted).`;
  return new PantherctlError(code, message, {
    source: 'interrupted',
    hint: 'The stack operation continues in AWS; run `pantherctl resume` to pick it up.',
    meta: { stack, elapsedMs },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Rejects as soon as the signal fires, even if the AWS call is still in flight. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortErr());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortErr());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function abortErr(): Error {
  const err = new Error('aborted');
  err.name = 'AbortError';
  return err;
}

export async function waitForStackOperation(options: StackWaitOptions): Promise<StackWaitResult> {
  const { gateway, stack, signal, io, clientRequestToken } = options;
  const clock = options.clock ?? systemClock;
  const interval = options.pollIntervalMs ?? 1000;
  const progressInterval = options.progressIntervalMs ?? 5000;
  const label = options.label ?? stack;
  const pacer = options.pacer ?? new StackCallPacer(clock, interval);
  const started = clock.now();
  const deadline = started + options.timeoutMs;

  const root: Tracker = { ref: stack, name: stack, nested: false, seen: new Set(), nextPollAt: started, failures: 0, finishing: false, done: false };
  if (options.startedAfter instanceof Date) root.since = options.startedAfter;
  else if (options.startedAfter) root.lastEventId = options.startedAfter.afterEventId;
  // Without a marker, never walk the whole history: only events from now on are ours.
  else root.since = new Date(started);
  const trackers = new Map<string, Tracker>([[stack, root]]);
  const events: StackEvent[] = [];
  const inProgress = new Map<string, string>();
  let opStart: Date | undefined;
  let rootId = stack;
  let rootName = stack;
  let lastRootEventAt = started;
  let nextProgressAt = started + progressInterval;
  let final: { status: string; reason?: string } | undefined;

  const elapsed = (): number => clock.now() - started;

  const emit = (event: StackEvent, tracker: Tracker): void => {
    const data: StackEventMessage = {
      stack: event.stackName,
      stackId: event.stackId,
      logicalId: event.logicalId,
      ...(event.physicalId ? { physicalId: event.physicalId } : {}),
      resourceType: event.resourceType,
      status: event.status,
      ...(event.reason ? { reason: event.reason } : {}),
      time: event.time.toISOString(),
      nested: tracker.nested,
    };
    io?.notify(MSG['stack.event'].msg(isFailedStatus(event.status) ? 'warn' : 'info', `${event.stackName} ${event.logicalId} ${event.status}${event.reason ? `: ${event.reason}` : ''}`, { ...data }));
  };

  const handle = (event: StackEvent, tracker: Tracker): void => {
    events.push(event);
    emit(event, tracker);
    const own = isOwnStatusEvent(event, tracker);
    if (own) {
      if (!tracker.nested) {
        rootId = event.stackId || rootId;
        rootName = event.stackName || rootName;
        const ours = !clientRequestToken || !event.clientRequestToken || event.clientRequestToken === clientRequestToken;
        if (ours && !opStart) opStart = event.time;
        if (ours && isTerminalStackStatus(event.status)) final = { status: event.status, ...(event.reason ? { reason: event.reason } : {}) };
      } else if (isTerminalStackStatus(event.status)) {
        tracker.done = true;
      }
      return;
    }
    const key = `${event.stackName}/${event.logicalId}`;
    if (isInProgress(event.status)) inProgress.set(key, event.status);
    else inProgress.delete(key);
    if (event.resourceType === STACK_TYPE && event.physicalId && event.physicalId.startsWith('arn:')) {
      const child = trackers.get(event.physicalId);
      if (isInProgress(event.status)) {
        if (!child || child.done) {
          trackers.set(event.physicalId, {
            ref: event.physicalId,
            name: event.logicalId,
            nested: true,
            // The nested stack's events of this operation come after the root's first one.
            since: opStart ?? event.time,
            seen: child?.seen ?? new Set(),
            ...(child?.lastEventId ? { lastEventId: child.lastEventId } : {}),
            nextPollAt: clock.now(),
            failures: 0,
            finishing: false,
            done: false,
          });
        } else {
          child.finishing = false;
        }
      } else if (child && !child.done) {
        child.finishing = true;
        child.nextPollAt = Math.min(child.nextPollAt, clock.now());
      }
    }
  };

  const isKnown = (event: StackEvent, tracker: Tracker): boolean =>
    tracker.lastEventId !== undefined
      ? event.eventId === tracker.lastEventId
      : tracker.since !== undefined && event.time.getTime() < tracker.since.getTime();

  /**
   * One DescribeStackEvents page for one stack. Returns the new events, oldest first, once the
   * walk back reaches a known event; while more pages of new events remain, returns none and
   * keeps them for the next slot (events are handled in order, never with a gap before them).
   */
  const pollEvents = async (tracker: Tracker): Promise<StackEvent[]> => {
    const token = tracker.walk?.token;
    const page = await raceAbort(
      pacer.call(tracker.ref, () => gateway.describeEventsPage(tracker.ref, { retry: false, ...(token === undefined ? {} : { nextToken: token }) }), signal),
      signal,
    );
    const collected = tracker.walk?.collected ?? [];
    let reachedKnown = false;
    for (const event of page.events) {
      if (isKnown(event, tracker)) {
        reachedKnown = true;
        break;
      }
      collected.push(event);
    }
    if (!tracker.nested && collected.length > 0) lastRootEventAt = clock.now();
    if (!reachedKnown && page.nextToken !== undefined) {
      tracker.walk = { token: page.nextToken, collected };
      return [];
    }
    delete tracker.walk;
    const newest = collected[0];
    if (newest) tracker.lastEventId = newest.eventId;
    return collected.reverse().filter((e) => {
      if (tracker.seen.has(e.eventId)) return false;
      tracker.seen.add(e.eventId);
      return true;
    });
  };

  /** The low-rate fallback: the root's status straight from DescribeStacks. */
  const pollStatus = async (tracker: Tracker): Promise<void> => {
    const summary = await raceAbort(
      pacer.call(tracker.ref, () => gateway.describeStack(rootId, { retry: false }), signal),
      signal,
    );
    if (!summary) {
      if (opStart) final = { status: 'DELETE_COMPLETE' };
      return;
    }
    rootId = summary.stackId || rootId;
    rootName = summary.name || rootName;
    if (!isTerminalStackStatus(summary.status)) return;
    const changedAt = (summary.deletionTime ?? summary.lastUpdatedTime ?? summary.creationTime).getTime();
    const boundary = options.startedAfter instanceof Date ? options.startedAfter.getTime() : undefined;
    if (opStart || (boundary !== undefined && changedAt >= boundary)) {
      final = { status: summary.status, ...(summary.statusReason ? { reason: summary.statusReason } : {}) };
    }
  };

  const pollOne = async (tracker: Tracker): Promise<StackEvent[]> => {
    const now = clock.now();
    try {
      let fresh: StackEvent[] = [];
      if (!tracker.nested && !tracker.walk && now - lastRootEventAt >= FALLBACK_AFTER_MS) {
        lastRootEventAt = now;
        await pollStatus(tracker);
      } else {
        fresh = await pollEvents(tracker);
      }
      tracker.failures = 0;
      tracker.nextPollAt = now;
      if (tracker.finishing && !tracker.walk) tracker.done = true;
      return fresh;
    } catch (err) {
      if (isAbortError(err) || (isPantherctlError(err) && err.code === 'interrupted')) throw err;
      const code = awsErrorCode(err);
      if (code === 'stack-not-found' && !tracker.nested && opStart) {
        // Waiting by name for a deletion: the name stops resolving once the stack is gone.
        final = { status: 'DELETE_COMPLETE' };
        return [];
      }
      if (code === 'stack-not-found' && tracker.nested) {
        tracker.done = true;
        return [];
      }
      if (!isRetryable(err)) throw classifyAwsError(err, { operation: 'CloudFormation.DescribeStackEvents', stack: tracker.name });
      tracker.failures += 1;
      // The first retry takes the stack's next slot; repeated failures back off exponentially.
      tracker.nextPollAt = now + Math.min(MAX_BACKOFF_MS, interval * 2 ** (tracker.failures - 1));
      io?.notify(MSG['stack.poll-retry'].msg(`Polling ${tracker.name} failed (${code}); backing off.`, { stack: tracker.name, code }));
      return [];
    }
  };

  /** When a stack may be polled next: after its backoff and its pacer slot. */
  const pollAt = (t: Tracker): number => Math.max(t.nextPollAt, pacer.readyAt(t.ref));

  try {
    for (;;) {
      if (signal?.aborted) throw abortErr();
      const now = clock.now();
      if (now >= deadline) throw interrupted('timeout', label, elapsed());
      const due = [...trackers.values()].filter((t) => !t.done && pollAt(t) <= now);
      const batches = await Promise.all(due.map(async (t) => ({ tracker: t, fresh: await pollOne(t) })));
      const merged = batches.flatMap(({ tracker, fresh }) => fresh.map((event) => ({ event, tracker, ends: !tracker.nested && isOwnStatusEvent(event, tracker) && isTerminalStackStatus(event.status) })));
      // In time order; at the same instant, the root's terminal status goes last: it ends the
      // operation, and CloudFormation finishes the nested stacks' cleanup in the root's
      // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, so a nested stack's own UPDATE_COMPLETE can carry
      // the root's timestamp (read from each stack's events, in whatever order they were polled).
      merged.sort((a, b) => a.event.time.getTime() - b.event.time.getTime() || Number(a.ends) - Number(b.ends));
      for (const { event, tracker } of merged) handle(event, tracker);
      if (final) {
        return {
          stackId: rootId,
          stackName: rootName,
          finalStatus: final.status,
          ...(final.reason ? { statusReason: final.reason } : {}),
          outcome: outcomeOf(final.status),
          events,
          elapsedMs: elapsed(),
        };
      }
      const after = clock.now();
      if (after >= nextProgressAt) {
        nextProgressAt = after + progressInterval;
        const list = [...inProgress.keys()];
        io?.notify(MSG['stack.progress'].msg(`${label}: ${list.length} resource${list.length === 1 ? '' : 's'} in progress`, { stack: label, inProgress: list, elapsedMs: elapsed() }));
      }
      const active = [...trackers.values()].filter((t) => !t.done);
      const wakeAt = Math.min(deadline, nextProgressAt, ...active.map(pollAt));
      if (wakeAt > after) await clock.sleep(wakeAt - after, signal);
    }
  } catch (err) {
    // Our own `interrupted` is only created here, so wrapping cannot happen twice.
    if (isAbortError(err) || (isPantherctlError(err) && err.code === 'interrupted')) {
      throw interrupted('interrupted', label, elapsed(), err);
    }
    throw err;
  }
}
