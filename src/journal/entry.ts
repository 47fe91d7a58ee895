/**
 * One line of a deployment journal. The journal is an append-only log (NDJSON), written and
 * fsync'ed before every mutating AWS call and after each outcome, so that `resume` knows
 * exactly which call may have reached AWS. Entries never hold parameter values: only keys.
 *
 * Entries are a versioned union discriminated on `type` (and, for requests, on `step`), read
 * through `parseEntry` rather than cast: version 2 (`v: 2`) is what this pantherctl writes;
 * entries without `v` are version 1 (pantherctl before the journaled-run engine), which had
 * the same fields, and are read into the same shapes, with defaults where old entries may lack
 * a list. A newer version is refused rather than guessed at.
 */
import { z } from 'zod';

export const JOURNAL_VERSION = 2;

/** Steps of one upgrade hop, in order (and `recover`'s ContinueUpdateRollback). */
export type UpgradeStepName = 'update-role' | 'create-change-set' | 'execute-change-set' | 'start-build' | 'verify' | 'continue-rollback';
/**
 * Every step a journal records: an upgrade hop's, plus those of a first deploy (`deploy`
 * creates the role and root stacks, and `--replace-failed` deletes a failed one).
 */
export type StepName = UpgradeStepName | 'create-role' | 'create-stack' | 'delete-stack';

const stepName = z.enum(['update-role', 'create-change-set', 'execute-change-set', 'start-build', 'verify', 'continue-rollback', 'create-role', 'create-stack', 'delete-stack']);
const keys = z.array(z.string());

/** What the journal adds to every entry. `fence`: the lock holding of the run that wrote it. */
const envelope = {
  seq: z.number().int().positive(),
  /** ISO time the entry was written. */
  time: z.string(),
  /** Id of the run (one command invocation) that wrote it. */
  run: z.string(),
  fence: z.string().optional(),
};

// ------------------------------------------------------------------------------------------
// Runs

const upgradeRunStart = z.object({
  type: z.literal('run.start'),
  command: z.enum(['upgrade', 'resume']),
  from: z.string(),
  /** The resolved target (older journals kept `--to` as typed: `1.31`, `latest`). */
  to: z.string(),
  hops: keys,
  rootStack: z.string(),
  roleStack: z.string(),
  acks: keys.default([]),
  /** Required preflight checks that failed and were let pass with `--accept ID=REASON`, with the reason given. */
  accepted: z.array(z.object({ id: z.string(), reason: z.string() })).optional(),
  /** `--enable-termination-protection`: the run turns on the root stack's termination protection right after this entry. */
  enableTerminationProtection: z.boolean().optional(),
  /** `--param` keys; their values are never stored. */
  overrideKeys: keys.default([]),
  /** SHA-256 of each hop's templates, to refuse a template changed since the start. */
  digests: z.record(z.string(), z.object({ root: z.string().optional(), role: z.string().optional() })).default({}),
  /**
   * The fleet plan digest the run carries out (src/fleet/promotion/plan-digest.ts), when the
   * command that started it states one (`fleet upgrade`); `fleet status` and promotion read it.
   */
  planDigest: z.string().optional(),
  /** The `--param` changes the digest was computed from: keys and keyed value hashes, never values. */
  parameterChanges: z.array(z.object({ key: z.string(), valueSha256: z.string() })).optional(),
  /** Who ran it: the caller's ARN from GetCallerIdentity, for `history`. */
  principal: z.string().optional(),
});

const stagedRunStart = z.object({
  type: z.literal('run.start'),
  command: z.enum(['deploy', 'configure']),
  from: z.string(),
  to: z.string(),
  /** Journal hops of the run: `role`, `first-deploy`, `stage-1`, ... */
  hops: keys,
  /** Absolute path of the parameter file and the SHA-256 of its bytes (never its values). */
  paramsFile: z.string(),
  paramsSha256: z.string(),
  overrideKeys: keys.default([]),
  /** As the upgrade's: required preflight checks accepted with `--accept ID=REASON`. */
  accepted: z.array(z.object({ id: z.string(), reason: z.string() })).optional(),
  version: z.string().optional(),
  /** Parameter keys of each stage, in order. */
  stages: z.array(keys),
  /** Parameter keys of the create call (deploy only). */
  create: keys.optional(),
  build: z.boolean(),
  /** The staging flags, for the record. */
  options: z.object({ stageSize: z.number().optional(), singleUpdate: z.boolean().optional(), replaceFailed: z.boolean().optional() }).default({}),
});

const runDone = z.object({ type: z.literal('run.done'), to: z.string().optional(), note: z.string().optional() });
const runFailed = z.object({ type: z.literal('run.failed'), code: z.string(), hop: z.string().optional(), state: z.string().optional() });
const runInterrupted = z.object({ type: z.literal('run.interrupted'), code: z.string() });
const hopDone = z.object({ type: z.literal('hop.done'), hop: z.string() });

// ------------------------------------------------------------------------------------------
// Steps: about to make a mutating call (`step.requested`, with the token AWS knows it by)

const requested = { type: z.literal('step.requested'), hop: z.string(), clientRequestToken: z.string() };

const requestedVariants = [
  z.object({ ...requested, step: z.literal('update-role'), stack: z.string(), templateUrl: z.string(), parameterKeys: keys.optional(), beforeEventId: z.string().optional() }),
  z.object({ ...requested, step: z.literal('create-role'), stack: z.string(), templateUrl: z.string() }),
  z.object({ ...requested, step: z.literal('create-change-set'), changeSetName: z.string(), templateUrl: z.string().optional(), parameterKeys: keys.optional(), preview: z.boolean().optional() }),
  z.object({ ...requested, step: z.literal('execute-change-set'), changeSetName: z.string(), beforeEventId: z.string().optional(), stack: z.string().optional(), parameterKeys: keys.optional() }),
  z.object({ ...requested, step: z.literal('start-build'), project: z.string() }),
  z.object({
    ...requested,
    // Recover acts on a stack, not a hop.
    hop: z.string().optional(),
    step: z.literal('continue-rollback'),
    stack: z.string(),
    skip: keys.default([]),
    since: z.string().optional(),
    beforeEventId: z.string().optional(),
  }),
  z.object({ ...requested, step: z.literal('create-stack'), templateUrl: z.string(), parameterKeys: keys }),
  z.object({ ...requested, step: z.literal('delete-stack'), stackId: z.string(), beforeEventId: z.string().optional() }),
] as const;

/** AWS accepted the call and named what it started. */
const acceptedVariants = [
  z.object({ type: z.literal('step.accepted'), step: z.literal('start-build'), hop: z.string(), buildId: z.string() }),
  z.object({ type: z.literal('step.accepted'), step: z.literal('create-stack'), hop: z.string(), stackId: z.string() }),
] as const;

/** The step's outcome is known and good ("No updates are to be performed" included). */
const stepDone = z.object({
  type: z.literal('step.done'),
  step: stepName,
  hop: z.string().optional(),
  /** Why nothing was done: `already at version`, `project-not-found`. */
  skipped: z.string().optional(),
  noUpdates: z.boolean().optional(),
  noChanges: z.boolean().optional(),
  /** A change set deleted again (a preview, one made before its hop's role update, or a no-op). */
  deleted: z.boolean().optional(),
  /**
   * A change set that changes nothing anywhere in the tree (nested change sets read) with the
   * live template, parameters and tags: deleted, never executed.
   */
  noOp: z.boolean().optional(),
  changeSetName: z.string().optional(),
  changes: z.number().optional(),
  finalStatus: z.string().optional(),
  elapsedMs: z.number().optional(),
  buildId: z.string().optional(),
  version: z.string().optional(),
  stack: z.string().optional(),
});

/** The step failed: rollback, failed build, refused call. */
const stepFailed = z.object({
  type: z.literal('step.failed'),
  step: stepName,
  hop: z.string().optional(),
  finalStatus: z.string().optional(),
  /** One line; the structured cause is in the error and its messages. */
  rootCause: z.string().optional(),
  parameterKeys: keys.optional(),
  changeSetName: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
  buildId: z.string().optional(),
  phase: z.string().optional(),
  state: z.string().optional(),
  found: z.string().optional(),
  stack: z.string().optional(),
  /** A failed build: the last lines of its log (at most 50, redacted), for `diagnose` and reports. */
  logTail: keys.optional(),
});

/**
 * `pantherctl lock release --force`: the lock of another run was broken, by whom and why
 * (the run that broke it writes this under its own, momentary, holding).
 */
const lockReleased = z.object({
  type: z.literal('lock.released'),
  forced: z.boolean(),
  reason: z.string(),
  /** The user who released it. */
  by: z.string(),
  /** The holding that was broken. */
  holder: z.object({ command: z.string(), pid: z.number(), hostname: z.string(), since: z.string(), run: z.string().optional(), fence: z.string().optional(), user: z.string().optional() }).optional(),
});

const bodies = [upgradeRunStart, stagedRunStart, runDone, runFailed, runInterrupted, hopDone, ...requestedVariants, ...acceptedVariants, stepDone, stepFailed, lockReleased] as const;

export type UpgradeRunStart = z.output<typeof upgradeRunStart>;
export type StagedRunStart = z.output<typeof stagedRunStart>;
export type RunStart = UpgradeRunStart | StagedRunStart;
export type StepRequested = z.output<(typeof requestedVariants)[number]>;
export type StepAccepted = z.output<(typeof acceptedVariants)[number]>;
export type StepDone = z.output<typeof stepDone>;
export type StepFailed = z.output<typeof stepFailed>;

/** What callers append; `v`, `seq`, `time`, `run` and `fence` are filled in by the journal. */
export type JournalInput = z.input<(typeof bodies)[number]>;
/** The entry as read back: defaults applied. */
export type JournalBody = z.output<(typeof bodies)[number]>;
export type JournalEntry = JournalBody & { v: typeof JOURNAL_VERSION; seq: number; time: string; run: string; fence?: string };
export type JournalEntryType = JournalEntry['type'];

/** The `step.requested` entry of one step. */
export type RequestedOf<S extends StepName> = Extract<StepRequested, { step: S }>;
export type AcceptedOf<S extends StepName> = Extract<StepAccepted, { step: S }>;

const bodySchema = z.union(bodies);
const envelopeSchema = z.object(envelope);

export type ParsedEntry = { ok: true; entry: JournalEntry } | { ok: false; reason: string };

/**
 * Reads one parsed JSON line into an entry of this version. Version 1 (no `v`) and 2 share
 * their fields; anything newer is refused, since resuming from a journal one does not
 * understand would be a guess.
 */
export function parseEntry(raw: unknown): ParsedEntry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not an object' };
  const version = 'v' in raw ? raw.v : 1;
  if (version !== 1 && version !== JOURNAL_VERSION) return { ok: false, reason: `journal entry version ${String(version)} (this pantherctl reads versions 1 and ${JOURNAL_VERSION})` };
  const head = envelopeSchema.safeParse(raw);
  if (!head.success) return { ok: false, reason: head.error.issues[0]?.message ?? 'invalid entry' };
  const body = bodySchema.safeParse(raw);
  if (!body.success) return { ok: false, reason: `no ${'type' in raw ? String(raw.type) : ''} entry has these fields` };
  return { ok: true, entry: { ...body.data, ...head.data, v: JOURNAL_VERSION } };
}
