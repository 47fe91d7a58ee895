import { shortDigest } from './plan-digest.js';

/**
 * Promotion by plan digest: a deployment with `requires` starts only when every required
 * deployment finished the plan with the same digest, as recorded in its journal in the shared
 * state. Pure: the caller reads the journals.
 */

/**
 * What the shared state says about one required deployment (`requiredRunFrom` picks it from
 * the deployment's runs); `digest` undefined when no run records one.
 */
export interface RequiredRun {
  deployment: string;
  digest: string | undefined;
  /** The run reached its target (`run.done`). */
  finished: boolean;
}

/** One run of a deployment as its journal records it: the plan digest it followed, whether it reached its target. */
export interface RecordedRun {
  digest: string | undefined;
  finished: boolean;
}

/**
 * The record to check for one required deployment, from its runs (oldest first): a finished
 * run of `digest` if there is one (a later run of another plan does not undo it: that plan
 * was run, and finished), else the latest run, which then explains the refusal, else none.
 */
export function requiredRunFrom(deployment: string, runs: readonly RecordedRun[], digest: string): RequiredRun {
  if (runs.some((r) => r.digest === digest && r.finished)) return { deployment, digest, finished: true };
  const latest = runs[runs.length - 1];
  return { deployment, digest: latest?.digest, finished: latest?.finished ?? false };
}

export type PromotionRefusalCode =
  /** No run with a plan digest is recorded. */
  | 'requirement-not-run'
  /** The same plan was started but did not finish (failed, interrupted, or still running). */
  | 'requirement-not-finished'
  /** The last run recorded followed another plan. */
  | 'requirement-other-plan';

export interface PromotionReason {
  deployment: string;
  code: PromotionRefusalCode;
  message: string;
}

export type PromotionCheck = { ok: true } | { ok: false; reasons: PromotionReason[] };

/** Every reason at once, in the order of `required`, so the operator fixes them in one go. */
export function checkPromotion(required: readonly RequiredRun[], digest: string): PromotionCheck {
  const reasons: PromotionReason[] = [];
  for (const r of required) {
    if (r.digest === undefined) {
      reasons.push({ deployment: r.deployment, code: 'requirement-not-run', message: `${r.deployment} has not run plan ${shortDigest(digest)} (no run with a plan digest is recorded)` });
    } else if (r.digest !== digest) {
      reasons.push({
        deployment: r.deployment,
        code: 'requirement-other-plan',
        message: `${r.deployment} ${r.finished ? 'finished' : 'last ran'} plan ${shortDigest(r.digest)}, not plan ${shortDigest(digest)}`,
      });
    } else if (!r.finished) {
      reasons.push({ deployment: r.deployment, code: 'requirement-not-finished', message: `${r.deployment} started plan ${shortDigest(digest)} but has not finished it` });
    }
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons };
}
