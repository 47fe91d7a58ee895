/**
 * What the sandbox was asked and what it did, for tests and benchmarks that must check a
 * client's behaviour from the outside: the ordered call log and the operations log.
 */
export interface CallRecord {
  seq: number;
  time: string;
  service: string;
  action: string;
  stack?: string;
  project?: string;
  /** Who made the call: an IAM user's ARN, or an assumed role session's (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`). */
  principal: string;
  outcome: 'ok' | 'error';
  errorCode?: string;
  status: number;
}

export type OperationKind = 'create' | 'update' | 'rollback' | 'delete' | 'build' | 'continue-rollback';

export interface OperationRecord {
  stack?: string;
  project?: string;
  kind: OperationKind;
  startedAt: string;
  endedAt?: string;
  /** Real (wall-clock) milliseconds, so a benchmark can set them against its own wall time. */
  durationMs?: number;
  /** `in-progress`, then `succeeded`, `failed` or `cancelled`. */
  outcome: 'in-progress' | 'succeeded' | 'failed' | 'cancelled';
  /** The status the stack or build ended in (`UPDATE_ROLLBACK_COMPLETE`, `SUCCEEDED`, ...). */
  finalStatus?: string;
  /** Internal: real start time for durationMs. */
  startedMs?: number;
}

/** Bounded so that a long benchmark cannot grow the process without limit; the oldest go first. */
const MAX_CALLS = 50_000;

export class ActivityLog {
  private calls: CallRecord[] = [];
  private seq = 0;
  operations: OperationRecord[] = [];

  constructor(private readonly wallClock: () => number = Date.now) {}

  recordCall(call: Omit<CallRecord, 'seq' | 'time'>): void {
    if (this.calls.length >= MAX_CALLS) this.calls = this.calls.slice(MAX_CALLS / 10);
    this.calls.push({ seq: ++this.seq, time: new Date(this.wallClock()).toISOString(), ...call });
  }

  listCalls(): CallRecord[] {
    return this.calls;
  }

  startOperation(op: Pick<OperationRecord, 'stack' | 'project' | 'kind'>): OperationRecord {
    const now = this.wallClock();
    const record: OperationRecord = { ...op, startedAt: new Date(now).toISOString(), outcome: 'in-progress', startedMs: now };
    this.operations.push(record);
    return record;
  }

  endOperation(record: OperationRecord, outcome: OperationRecord['outcome'], finalStatus?: string): void {
    if (record.outcome !== 'in-progress') return;
    const now = this.wallClock();
    record.endedAt = new Date(now).toISOString();
    record.durationMs = now - (record.startedMs ?? now);
    record.outcome = outcome;
    if (finalStatus) record.finalStatus = finalStatus;
  }

  publicOperations(): Omit<OperationRecord, 'startedMs'>[] {
    return this.operations.map(({ startedMs: _s, ...rest }) => rest);
  }

  reset(): void {
    this.calls = [];
    this.operations = [];
  }
}
