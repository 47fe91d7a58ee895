/**
 * Every code a parameter finding carries (`params validate --json`, `params.issue` messages,
 * the per-hop parameter preflight), declared once with its severity. Scripts match on these
 * codes; `npm run codes` lists them in docs/codes.md.
 */
import type { IssueSeverity } from './types.js';

interface IssueSpec {
  readonly severity: IssueSeverity;
  readonly description: string;
}

const error = (description: string): IssueSpec => ({ severity: 'error', description });
const warning = (description: string): IssueSpec => ({ severity: 'warning', description });

export const ISSUE_CODES = {
  // What CloudFormation itself checks
  'pattern-mismatch': error('The value does not fully match AllowedPattern.'),
  'below-min-value': error('A Number below MinValue.'),
  'above-max-value': error('A Number above MaxValue.'),
  'not-a-number': error('A Number parameter that is not a number.'),
  'not-allowed-value': error('A value outside AllowedValues.'),
  'unknown-parameter': error('A key the template does not declare (with a "did you mean").'),
  'missing-required': error('A first deploy without a value that has no default.'),
  'missing-value': error('An entry with neither a value nor UsePreviousValue.'),
  'duplicate-parameter': error('The same key twice in one file.'),
  'use-previous-on-first-deploy': error('UsePreviousValue on a first deploy, where there is no previous value.'),
  'use-previous-with-value': error('UsePreviousValue together with a value.'),
  'empty-required': error('A required value given as the empty string.'),
  // What it misses
  'invalid-cidr': error('Not a CIDR block, although the template\'s pattern lets it through.'),
  'invalid-subnet-size': error('A CIDR block of a size the airgap subnets cannot use.'),
  'airgap-overlap': error('Airgap ranges that overlap.'),
  'datadog-no-key': error('Datadog enabled without an API key.'),
  'invalid-email': error('FirstUserEmail is not an e-mail address.'),
  'invalid-account-id': warning('Not a 12-digit AWS account id.'),
  'invalid-vpc-id': warning('Not a VPC id.'),
  'no-effect': warning('A setting that has no effect with the other values.'),
  'no-effect-without-vpc': warning('Airgap ranges without VpcId have no effect.'),
  'deprecated-runtime': warning('PythonRuntime=python3.7: deprecated by AWS Lambda.'),
  'deprecated-runtime-default': warning('The template default runtime is deprecated by AWS Lambda.'),
  'segment-no-write-key': warning('Segment enabled without a write key.'),
  'ignored-after-first-deploy': warning('FirstUserEmail changes are ignored after the first successful deploy.'),
  'set-after-first-deploy': warning('Better set in an update after the first deploy succeeds.'),
  // Against a hop's or the live template
  'parameter-constraint': error('A value (live, given or carried) the template\'s constraints reject.'),
  'parameter-needs-value': error('A parameter new in the hop\'s template, without a default: give it with --param.'),
  'parameter-removed': warning('A live parameter the hop\'s template no longer declares: its value is dropped.'),
} as const satisfies Record<string, IssueSpec>;

export type IssueCode = keyof typeof ISSUE_CODES;
