/**
 * The account's Lambda concurrency, as Lambda accounts it: a regional limit
 * (`ConcurrentExecutions`, 1,000 by default) of which each function's reserved concurrency is
 * set aside; what is left (`UnreservedConcurrentExecutions`) must stay at or above a minimum.
 *
 * Sources: Lambda Developer Guide, "Configuring reserved concurrency" (configuration-concurrency):
 * "You can reserve up to the Unreserved account concurrency value minus 100"; the
 * GetAccountSettings reply shape is botocore's `lambda/2015-03-31/service-2.json`
 * (AccountLimit, AccountUsage). The minimum on low-limit accounts is the limit itself, as the
 * accounts quoted in public issues show: limit 50, "minimum value of [50]"
 * (aws-samples/s3-to-lambda-patterns#36, with its GetAccountSettings output), limit 10,
 * "minimum value of [10]" (awslabs/fhir-works-on-aws-deployment#691). So minimum = min(100,
 * limit): an inference, listed in UNVERIFIED.md.
 */
import type { Stack } from '../cloudformation/model.js';

/** Lambda's default regional concurrency quota (Lambda Developer Guide, gettingstarted-limits). */
export const DEFAULT_CONCURRENCY_LIMIT = 1000;
/** What must stay unreserved on an account at or above this limit. */
export const UNRESERVED_MINIMUM = 100;

/** GetAccountSettings' fixed code-size limits (Lambda quotas page): 75 GB, 250 MB, 50 MB. */
const TOTAL_CODE_SIZE = 80_530_636_800;
const CODE_SIZE_UNZIPPED = 262_144_000;
const CODE_SIZE_ZIPPED = 52_428_800;

export interface LambdaFunctionView {
  name: string;
  reserved?: number;
}

export class LambdaAccount {
  constructor(
    /** `sandbox start --lambda-concurrency-limit N`. */
    readonly concurrencyLimit: number,
    private readonly stacks: () => readonly Stack[],
  ) {}

  /** The minimum Lambda keeps unreserved on this account. */
  get minimumUnreserved(): number {
    return Math.min(UNRESERVED_MINIMUM, this.concurrencyLimit);
  }

  /** Every AWS::Lambda::Function live stacks hold, with its reserved concurrency as applied. */
  functions(): LambdaFunctionView[] {
    const out: LambdaFunctionView[] = [];
    for (const stack of this.stacks()) {
      for (const r of Object.values(stack.resources)) {
        if (r.type !== 'AWS::Lambda::Function' || !r.physicalId || r.status.startsWith('DELETE') || r.status === 'CREATE_FAILED') continue;
        const reserved = reservedOf(r.props);
        out.push({ name: r.physicalId, ...(reserved !== undefined ? { reserved } : {}) });
      }
    }
    return out;
  }

  reservedTotal(except?: string): number {
    return this.functions()
      .filter((f) => f.name !== except)
      .reduce((sum, f) => sum + (f.reserved ?? 0), 0);
  }

  /**
   * Lambda's refusal of a reservation that would leave less than the minimum unreserved
   * (PutFunctionConcurrency, and CloudFormation's handler calling it); undefined when it fits.
   * The message is quoted from the public issues above.
   */
  reservationFailure(functionName: string, reserved: number): string | undefined {
    const unreserved = this.concurrencyLimit - this.reservedTotal(functionName) - reserved;
    if (unreserved >= this.minimumUnreserved) return undefined;
    return `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${this.minimumUnreserved}].`;
  }

  /** GetAccountSettings' reply (botocore GetAccountSettingsResponse). */
  settings(): Record<string, unknown> {
    const fns = this.functions();
    return {
      AccountLimit: {
        TotalCodeSize: TOTAL_CODE_SIZE,
        CodeSizeUnzipped: CODE_SIZE_UNZIPPED,
        CodeSizeZipped: CODE_SIZE_ZIPPED,
        ConcurrentExecutions: this.concurrencyLimit,
        UnreservedConcurrentExecutions: this.concurrencyLimit - this.reservedTotal(),
      },
      // The fixtures' inline code is a few hundred bytes per function.
      AccountUsage: { TotalCodeSize: fns.length * 256, FunctionCount: fns.length },
    };
  }
}

/** ReservedConcurrentExecutions of resolved properties (JSON); CloudFormation passes numbers as strings too. */
export function reservedOf(props: string | Record<string, unknown>): number | undefined {
  const p = typeof props === 'string' ? (JSON.parse(props) as Record<string, unknown>) : props;
  const v = p.ReservedConcurrentExecutions;
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
