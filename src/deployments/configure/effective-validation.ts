import type { ParameterInput, ParameterIssue } from '../../parameters/types.js';
import { PARAMETERS } from '../../parameters/definitions.js';
import { validateParameters, type ValidateOptions } from '../../parameters/validate.js';
import type { StackParameter } from '../aws/types.js';

/**
 * Rule codes that judge several parameters together, with the parameters each one reads. On an
 * update the file gives only some of them; the rest keep their live values, so these rules
 * are run again on the effective values (see `crossParameterIssues`).
 */
const CROSS_PARAMETER: Readonly<Record<string, readonly string[]>> = {
  'datadog-no-key': ['DatadogEnabled', 'DatadogAPIKey', 'DatadogAPIKeySecretArn'],
  'airgap-overlap': ['AirgapSubnetOneIPRange', 'AirgapSubnetTwoIPRange'],
  'no-effect-without-vpc': ['VpcId', 'AirgapSubnetOneIPRange', 'AirgapSubnetTwoIPRange'],
  'no-effect': ['EnableLambdaReservedConcurrency', 'MessageForwarderReservedConcurrency'],
  'segment-no-write-key': ['SegmentEnvironment', 'Segment'],
};

/**
 * The values the stack runs with after an update of `file`: the file's values over the live
 * ones, UsePreviousValue resolved to the live value. Live values carry no source position.
 * NoEcho values are `****` live, which counts as set (non-empty); they are only compared
 * with the empty string, never shown.
 */
export function effectiveInputs(file: readonly ParameterInput[], live: readonly StackParameter[]): ParameterInput[] {
  const liveByKey = new Map(live.map((p) => [p.key, p.value]));
  const out = new Map<string, ParameterInput>();
  for (const input of file) {
    if (!input.usePreviousValue) {
      out.set(input.key, input);
      continue;
    }
    const value = liveByKey.get(input.key);
    if (value === undefined) out.delete(input.key);
    else out.set(input.key, { key: input.key, value, ...(input.source ? { source: input.source } : {}) });
  }
  for (const p of live) if (!out.has(p.key)) out.set(p.key, { key: p.key, value: p.value });
  return [...out.values()];
}

/**
 * The cross-parameter rules (DatadogEnabled without a key, overlapping airgap ranges, ...)
 * against the effective values, which `validateParameters` alone cannot see: on an update it
 * treats keys the file leaves out as unknown. Only findings that involve a value the file
 * gives are returned, so a live stack's own state never blocks an unrelated change. Pure.
 */
export function crossParameterIssues(file: readonly ParameterInput[], live: readonly StackParameter[], options: Pick<ValidateOptions, 'definitions'> = {}): ParameterIssue[] {
  const written = new Set(file.filter((i) => !i.usePreviousValue).map((i) => i.key));
  const liveKeys = new Set(live.map((p) => p.key));
  const out: ParameterIssue[] = [];
  // Keys the template does not declare take part in no cross-parameter rule; leaving them out
  // spares a "did you mean" search per unknown key whose finding would be dropped anyway.
  const declared = new Set((options.definitions ?? PARAMETERS).map((d) => d.name));
  const effective = effectiveInputs(
    file.filter((i) => declared.has(i.key)),
    live.filter((p) => declared.has(p.key)),
  );
  for (const issue of validateParameters(effective, { ...options, firstDeploy: false })) {
    const involved = CROSS_PARAMETER[issue.code];
    if (!involved || !involved.some((k) => written.has(k))) continue;
    const fromLive = involved.filter((k) => !written.has(k) && liveKeys.has(k));
    out.push(fromLive.length ? { ...issue, message: `${issue.message} (counting the live value${fromLive.length === 1 ? '' : 's'} of ${fromLive.join(', ')})` } : issue);
  }
  return out;
}
