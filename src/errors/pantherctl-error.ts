/**
 * One error family for the whole tool. Every failure that can reach a user is a
 * PantherctlError with a stable `code` declared in src/errors/error-codes.ts, whose declared
 * `source` decides the exit code, typed `meta` for `--json` consumers, and an optional `hint`
 * saying what to do next. Anything else that escapes is a bug (exit 70).
 */
import { ERRORS, type ErrorCode, type ErrorMeta, type ErrorSource, type LooseMeta, type SourceOf } from './error-codes.js';

export type { ErrorCode, ErrorMeta, ErrorSource } from './error-codes.js';

/** Documented exit codes (README "Exit codes"). Scripts depend on these numbers. */
export const ExitCode = {
  ok: 0,
  /** Refused or invalid: a plan that cannot be made, parameters that fail validation. */
  refused: 1,
  /** The command line itself is wrong: unknown option, missing argument, bad option value. */
  usage: 2,
  /** An AWS call failed in a way retrying will not fix (credentials, access, missing stack). */
  aws: 3,
  /** A stack operation or build failed; the deployment was rolled back or left for `recover`. */
  deploymentFailed: 4,
  /** Interrupted (Ctrl-C, timeout, expired credentials) before the step finished: run `resume`. */
  interrupted: 5,
  /** Another run holds the deployment's lock. */
  locked: 6,
  /** `status` only: the deployment is behind the latest recommended release. */
  behind: 10,
  internal: 70,
} as const;

const exitBySource: Record<ErrorSource, number> = {
  user: ExitCode.refused,
  usage: ExitCode.usage,
  aws: ExitCode.aws,
  deployment: ExitCode.deploymentFailed,
  interrupted: ExitCode.interrupted,
  locked: ExitCode.locked,
  internal: ExitCode.internal,
};

export interface ErrorOptions<C extends ErrorCode = ErrorCode> {
  /**
   * The declared source, restated where it helps the reader; it must agree with the
   * declaration (checked at compile time), which is what decides.
   */
  source?: SourceOf<C>;
  /** What the operator can do about it, one sentence. */
  hint?: string;
  /** Typed, JSON-safe details for `--json` consumers, of the declared shape. Never put secret values here. */
  meta?: ErrorMeta<C>;
  cause?: unknown;
}

/**
 * `C` is the code; `M` the type `meta` is read as: loose by default, the declared shape once
 * narrowed with `isPantherctlError(err, code)`. A thrown error's `meta` is always checked
 * against its code's declaration (`ErrorOptions<C>`).
 */
export class PantherctlError<C extends ErrorCode = ErrorCode, M extends object = LooseMeta> extends Error {
  readonly code: C;
  #source: ErrorSource;
  readonly hint: string | undefined;
  readonly meta: M;

  constructor(code: C, message: string, options: ErrorOptions<C> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PantherctlError';
    this.code = code;
    this.#source = ERRORS[code].source;
    this.hint = options.hint;
    // An absent meta is an empty one; declared shapes with required keys are given at the throw.
    this.meta = (options.meta ?? {}) as M;
  }

  /** Who is to blame: the declared source of the code (or the one `reclassified` chose). */
  get source(): ErrorSource {
    return this.#source;
  }

  get exitCode(): number {
    return exitBySource[this.#source];
  }

  /**
   * The same error (code, message, hint, meta) judged by another exit class, for a command whose
   * contract says so: `params diff` exits 2, not 1, for a file it cannot use.
   */
  reclassified(source: ErrorSource): PantherctlError<C, M> {
    const copy = new PantherctlError<C, M>(this.code, this.message, { ...(this.hint ? { hint: this.hint } : {}), cause: this });
    // The meta was checked against the declaration when this error was made.
    Object.assign(copy, { meta: this.meta });
    copy.#source = source;
    return copy;
  }

  toJSON(): { error: { code: string; message: string; hint?: string } & Record<string, unknown> } {
    const head: { code: string; message: string; hint?: string } = { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
    return { error: Object.assign(head, this.meta) };
  }
}

/** Whether `err` is a PantherctlError, and with `code`, one of that code (its `meta` typed). */
export function isPantherctlError(err: unknown): err is PantherctlError;
export function isPantherctlError<C extends ErrorCode>(err: unknown, code: C): err is PantherctlError<C, ErrorMeta<C>>;
export function isPantherctlError(err: unknown, code?: ErrorCode): boolean {
  return err instanceof PantherctlError && (code === undefined || err.code === code);
}

/** Shorthand for a usage error: the command line names the option and its bound. */
export function usageError(message: string, hint?: string): PantherctlError<'usage'> {
  return new PantherctlError('usage', message, { ...(hint ? { hint } : {}) });
}
