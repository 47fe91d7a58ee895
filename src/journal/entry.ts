/**
 * One line of a deployment journal. The journal is an append-only log (NDJSON), written and
 * fsync'ed before every mutating AWS call and after each outcome, so that `resume` knows
 * exactly which call may have reached AWS. Entries never hold parameter values: only keys.
 */
export type JournalEntryType =
  /** A run (upgrade or resume) began; carries the plan it follows. */
  | 'run.start'
  /** About to make a mutating call; `clientRequestToken` identifies it at AWS. */
  | 'step.requested'
  /** AWS accepted the call and named what it started (a build id, a change set id). */
  | 'step.accepted'
  /** The step's outcome is known and good ("No updates are to be performed" included). */
  | 'step.done'
  /** The step failed: rollback, failed build, refused call. */
  | 'step.failed'
  /** Every step of a hop is done and its version verified. */
  | 'hop.done'
  /** The run stopped before the end without a failure (Ctrl-C, timeout, expired credentials). */
  | 'run.interrupted'
  /** A run stopped because a step failed. */
  | 'run.failed'
  /** The target was reached. */
  | 'run.done';

/** Steps of one upgrade hop, in order (and `recover`'s ContinueUpdateRollback). */
export type UpgradeStepName = 'update-role' | 'create-change-set' | 'execute-change-set' | 'start-build' | 'verify' | 'continue-rollback';

/**
 * Every step a journal records: an upgrade hop's, plus those of a first deploy (`deploy`
 * creates the role and root stacks, and `--replace-failed` deletes a failed one).
 */
export type StepName = UpgradeStepName | 'create-role' | 'create-stack' | 'delete-stack';

export interface JournalEntry {
  seq: number;
  /** ISO time the entry was written. */
  time: string;
  /** Id of the run (one `upgrade` or `resume` invocation) that wrote it. */
  run: string;
  type: JournalEntryType;
  step?: StepName;
  /** The upgrade hop's target version (`v1.27.8`), or a staged run's step group (`first-deploy`, `stage-2`). */
  hop?: string;
  /** The idempotency token sent with the mutating call, so a resumed run can recognise it. */
  clientRequestToken?: string;
  [key: string]: unknown;
}

/** What callers pass; seq, time and run are filled in by the journal. */
export type JournalInput = Omit<JournalEntry, 'seq' | 'time' | 'run'>;
