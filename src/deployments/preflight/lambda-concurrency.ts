/**
 * Lambda reserved concurrency against the account's figures, pure. Panther reserves
 * concurrency for three functions through root stack parameters; Lambda refuses a
 * reservation that leaves less than its minimum unreserved ("You can reserve up to the
 * Unreserved account concurrency value minus 100", Lambda Developer Guide, "Configuring
 * reserved concurrency"), and an account whose whole limit is under 100 keeps all of it
 * (the "[10]" and "[50]" minimums quoted from such accounts: docs/preflight.md).
 */
import type { LambdaAccountSettings } from '../aws/types.js';
import type { CheckResult } from './collector.js';

/** The root stack parameters that reserve concurrency, each for one function. */
export const RESERVED_CONCURRENCY_PARAMETERS = ['ReplayAPIReservedConcurrency', 'MessageForwarderReservedConcurrency', 'ReplayProcessorReservedConcurrency'] as const;
/** `false` turns every reservation off. */
export const RESERVED_CONCURRENCY_SWITCH = 'EnableLambdaReservedConcurrency';
/** Lambda keeps this much unreserved, or the whole limit when it is lower. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;

export type ParameterValues = ReadonlyMap<string, string | undefined>;

/** The concurrency the parameters reserve, per parameter and in total. */
export function reservedBy(values: ParameterValues): { total: number; byKey: Record<string, number> } {
  const byKey: Record<string, number> = {};
  if (values.get(RESERVED_CONCURRENCY_SWITCH) === 'false') return { total: 0, byKey };
  for (const key of RESERVED_CONCURRENCY_PARAMETERS) {
    const n = Number(values.get(key) ?? '');
    if (values.get(key) !== undefined && values.get(key) !== '' && Number.isFinite(n) && n > 0) byKey[key] = n;
  }
  return { total: Object.values(byKey).reduce((a, b) => a + b, 0), byKey };
}

/**
 * One result per stop of the path (`hop` the version, or undefined for a deploy or
 * configure): the reservation it asks for, against what the previous stop reserved.
 */
export function checkLambdaConcurrency(account: LambdaAccountSettings, stops: readonly { hop?: string; values: ParameterValues }[], live: ParameterValues): CheckResult[] {
  // Every stop is measured against today: the unreserved figure already leaves out what the live values reserve.
  const limit = account.concurrentExecutions;
  const minimum = Math.min(LAMBDA_UNRESERVED_MINIMUM, limit);
  const now = reservedBy(live).total;
  const out: CheckResult[] = [];
  for (const stop of stops) {
    const asked = reservedBy(stop.values);
    // What Panther's functions reserve now is already out of the unreserved figure.
    const unreservedAfter = account.unreservedConcurrentExecutions - (asked.total - now);
    const data = { limit, unreserved: account.unreservedConcurrentExecutions, minimum, reservedNow: now, reservedAfter: asked.total, unreservedAfter, parameters: asked.byKey };
    const where = stop.hop ? ` at ${stop.hop}` : '';
    if (asked.total > now && unreservedAfter < minimum) {
      const list = Object.entries(asked.byKey)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      out.push({
        id: 'lambda-concurrency',
        ok: false,
        ...(stop.hop ? { hop: stop.hop } : {}),
        data,
        message:
          `Lambda reserved concurrency${where}: ${list} reserve ${asked.total} (${asked.total - now} more than now), which would leave ${unreservedAfter} of the account's ${limit} concurrent executions unreserved; Lambda keeps at least ${minimum} unreserved and would fail the update ("decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}]"). ` +
          `Lower these parameters with --param, release reserved concurrency of other functions, or request a higher "Concurrent executions" quota (Service Quotas console > AWS Lambda > Concurrent executions > Request increase).`,
      });
    }
  }
  if (out.length === 0) {
    out.push({
      id: 'lambda-concurrency',
      ok: true,
      data: { limit, unreserved: account.unreservedConcurrentExecutions, minimum },
      message: `Lambda concurrency: ${account.unreservedConcurrentExecutions} of ${limit} unreserved, enough for every reservation the path asks for (minimum ${minimum})`,
    });
  }
  return out;
}
