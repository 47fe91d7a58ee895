/**
 * Why the sandbox itself cannot start or accept a setting (a bad option, an unreadable fault
 * or state file): not an AWS error, which AwsError models. The sandbox ships on its own, so it
 * has its own small error type; a host (pantherctl's `sandbox start`) maps `code` and `kind`
 * to its exit codes.
 */
export type SandboxErrorCode =
  | 'usage'
  | 'unknown-version'
  | 'port-in-use'
  | 'invalid-faults'
  | 'sandbox-state-unwritable'
  | 'sandbox-state-unreadable'
  | 'sandbox-state-invalid'
  | 'fixtures-missing';

export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    readonly options: {
      /** `usage`: an option value is wrong; `input`: a file or request body is. Default `input`. */
      kind?: 'usage' | 'input';
      /** One sentence saying what to do. */
      hint?: string;
    } = {},
  ) {
    super(message);
    this.name = 'SandboxError';
  }

  get kind(): 'usage' | 'input' {
    return this.options.kind ?? 'input';
  }

  get hint(): string | undefined {
    return this.options.hint;
  }

  toJSON(): { error: { code: string; message: string; hint?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) } };
  }
}

export function isSandboxError(err: unknown): err is SandboxError {
  return err instanceof SandboxError;
}
