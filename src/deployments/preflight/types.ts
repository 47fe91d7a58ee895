import type { CheckClass } from './checks.js';

export interface PreflightCheck {
  /** Stable id, declared in checks.ts: `root-stack-name`, `lambda-concurrency`, `parameters`' `root-parameter-constraint`, ... */
  id: string;
  /** strict / required (skippable with `--accept ID=REASON`) / advisory (a warning). */
  class: CheckClass;
  /** False: the check blocks the run (a strict failure, or a required one not accepted). An accepted or advisory finding is ok with severity `warning`. */
  ok: boolean;
  /** A warning never blocks; an error does. */
  severity: 'error' | 'warning' | 'info';
  message: string;
  hop?: string;
  /** A required check that failed and was accepted with `--accept`: the reason given (journaled). */
  accepted?: { reason: string };
  /** Figures of the check (limits, values), for `--json` readers. */
  data?: Record<string, unknown>;
}

/** `--accept ID=REASON`: a required check the operator lets pass, and why. */
export interface Acceptance {
  id: string;
  reason: string;
}
