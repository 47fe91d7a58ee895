/**
 * One error family for the whole tool. Every failure that can reach a user is a
 * PantherctlError with a stable `code`, a `source` that decides the exit code, and an
 * optional `hint` saying what to do next. Anything else that escapes is a bug (exit 70).
 */
export type ErrorSource = 'user' | 'usage' | 'aws' | 'deployment' | 'interrupted' | 'locked' | 'internal';

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

export interface ErrorOptions {
  source?: ErrorSource;
  /** What the operator can do about it, one sentence. */
  hint?: string;
  /** Typed, JSON-safe details for `--json` consumers. Never put secret values here. */
  meta?: Record<string, unknown>;
  cause?: unknown;
}

export class PantherctlError extends Error {
  readonly code: string;
  readonly source: ErrorSource;
  readonly hint: string | undefined;
  readonly meta: Record<string, unknown>;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PantherctlError';
    this.code = code;
    this.source = options.source ?? 'user';
    this.hint = options.hint;
    this.meta = options.meta ?? {};
  }

  get exitCode(): number {
    return exitBySource[this.source];
  }

  toJSON(): { error: { code: string; message: string; hint?: string } & Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.hint ? { hint: this.hint } : {}),
        ...this.meta,
      },
    };
  }
}

export function isPantherctlError(err: unknown): err is PantherctlError {
  return err instanceof PantherctlError;
}

/** Shorthand for a usage error: the command line names the option and its bound. */
export function usageError(message: string, hint?: string): PantherctlError {
  return new PantherctlError('usage', message, { source: 'usage', ...(hint ? { hint } : {}) });
}
