/**
 * The checks of what the account and the stacks themselves allow, shared by upgrade, deploy
 * and configure: Lambda's concurrency against the reservations each stop asks for, and the
 * root stack's termination protection. Independent reads run at once.
 */
import { isPantherctlError } from '../../errors/pantherctl-error.js';
import type { StackSummary } from '../aws/types.js';
import type { ExecutorDeps } from '../deps/executor-deps.js';
import type { IoHost } from '../../io/messages.js';
import { MSG } from '../../io/messages.js';
import { CheckCollector, refuseFailed, type CheckResult } from './collector.js';
import type { Acceptance } from './types.js';
import { checkLambdaConcurrency, type ParameterValues } from './lambda-concurrency.js';

export interface AccountCheckInput {
  /** The root stack as it is; undefined before a first deploy. */
  root: StackSummary | undefined;
  /** The values the root stack runs with now (empty before a first deploy). */
  live: ParameterValues;
  /** Each stop of the path with the values the root stack runs with after it. */
  stops: readonly { hop?: string; values: ParameterValues }[];
  /** `--enable-termination-protection`: the run turns it on, so it is not a warning. */
  enableTerminationProtection?: boolean;
}

export async function accountChecks(deps: Pick<ExecutorDeps, 'lambda'>, input: AccountCheckInput): Promise<CheckResult[]> {
  const [lambda] = await Promise.all([lambdaCheck(deps, input)]);
  return [...lambda, ...terminationProtectionCheck(input)];
}

async function lambdaCheck(deps: Pick<ExecutorDeps, 'lambda'>, input: AccountCheckInput): Promise<CheckResult[]> {
  // Asked even when no stop reserves more than now: one call, and the figures are in the report.
  if (!deps.lambda) return [{ id: 'lambda-concurrency', ok: true, severity: 'warning', message: 'Lambda concurrency: not checked (no Lambda client)' }];
  try {
    const settings = await deps.lambda.getAccountSettings();
    return checkLambdaConcurrency(settings, input.stops, input.live);
  } catch (err) {
    const why = isPantherctlError(err) ? err.message : String(err);
    return [{ id: 'lambda-concurrency', ok: false, message: `Lambda concurrency: cannot read the account's settings (lambda:GetAccountSettings): ${why}` }];
  }
}

function terminationProtectionCheck(input: AccountCheckInput): CheckResult[] {
  const root = input.root;
  if (!root) return [];
  if (root.terminationProtection) return [{ id: 'termination-protection', ok: true, message: `termination protection is on for ${root.name}` }];
  if (input.enableTerminationProtection) return [{ id: 'termination-protection', ok: true, message: `termination protection is off for ${root.name}; this run turns it on (--enable-termination-protection)` }];
  return [{ id: 'termination-protection', ok: false, message: `termination protection is off for ${root.name}: a mistaken delete-stack would remove the deployment; \`pantherctl upgrade --enable-termination-protection\` turns it on as part of the run` }];
}

/**
 * `deploy` and `configure`: the account checks first, before anything changes; a failure not
 * accepted refuses the run. Returns the acceptances used (the run journals them).
 */
export async function runAccountPreflight(deps: Pick<ExecutorDeps, 'lambda'>, io: IoHost, input: AccountCheckInput & { accepts?: readonly Acceptance[] }): Promise<Acceptance[]> {
  const collector = new CheckCollector(io, input.accepts);
  for (const r of await accountChecks(deps, input)) collector.add(r);
  const failures = collector.failures();
  if (failures.length > 0) refuseFailed(io, failures);
  io.notify(MSG['preflight.passed'].msg(`preflight passed (${collector.checks.length} checks)`));
  return collector.used();
}
