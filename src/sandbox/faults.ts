import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { SandboxError } from './sandbox-error.js';
import type { Random } from './random.js';

const probability = z.number().min(0).max(1);
const times = z.number().int().positive();
const service = z.enum(['cloudformation', 'codebuild', 's3', 'sts', 'lambda', 'logs', 'sns']);

/**
 * The fault file format (`--faults FILE`, `PUT /_sandbox/faults`). Other tests and tools
 * write these files, so the shape is a contract: add kinds, never change existing ones.
 */
export const faultSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('throttle'), probability: probability.default(1), service: service.optional(), action: z.string().optional(), times: times.optional() }),
  z.strictObject({
    kind: z.literal('server-error'),
    probability: probability.default(1),
    status: z.number().int().min(500).max(599).default(503),
    service: service.optional(),
    action: z.string().optional(),
    times: times.optional(),
  }),
  z.strictObject({ kind: z.literal('drop-connection'), probability: probability.default(1), service: service.optional(), action: z.string().optional(), times: times.optional() }),
  z.strictObject({
    kind: z.literal('latency'),
    ms: z.number().min(0).max(60_000),
    probability: probability.default(1),
    service: service.optional(),
    action: z.string().optional(),
    times: times.optional(),
  }),
  z.strictObject({
    kind: z.literal('fail-resource'),
    stack: z.string().optional(),
    logicalId: z.string().optional(),
    version: z.string().optional(),
    reason: z.string().optional(),
    times: times.default(1),
  }),
  z.strictObject({ kind: z.literal('fail-rollback'), stack: z.string().optional(), version: z.string().optional(), reason: z.string().optional(), times: times.default(1) }),
  z.strictObject({ kind: z.literal('fail-build'), project: z.string().optional(), reason: z.string().optional(), times: times.default(1) }),
  // The request is carried out, then the connection drops before the answer: the client cannot
  // tell whether it happened (a retried conditional PUT then meets its own object).
  z.strictObject({ kind: z.literal('drop-response'), probability: probability.default(1), service: service.optional(), action: z.string().optional(), times: times.optional() }),
  // S3 answers a conditional write 409 ConditionalRequestConflict when "a conflicting operation
  // occurs during the upload" (API_PutObject.html, IfNoneMatch/IfMatch); the sandbox serialises
  // requests, so that race only happens when injected. Applies to S3 writes with a condition only.
  z.strictObject({ kind: z.literal('conditional-conflict'), probability: probability.default(1), action: z.string().optional(), times: times.optional() }),
  // Out-of-band change of a resource (drift), applied when the fault is installed: a property
  // set to `value`, or the resource deleted. `logicalId` is a leaf anywhere in `stack`'s tree.
  z
    .strictObject({ kind: z.literal('drift'), stack: z.string(), logicalId: z.string(), property: z.string().optional(), value: z.unknown().optional(), deleted: z.boolean().optional(), times: times.default(1) })
    .refine((f) => f.deleted === true || f.property !== undefined, { message: 'a drift fault gives `property` (and `value`) or `deleted: true`' }),
]);

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema>;

const faultsFileSchema = z.strictObject({ faults: z.array(faultSpecSchema) });

/** Parses a fault file (JSON or YAML) or an admin request body; throws a one-line error. */
export function parseFaults(text: string, origin: string): Fault[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // The yaml package ends its first line with " at line L, column C:"; put the position first instead.
    const e = err as Error & { linePos?: { line: number; col: number }[] };
    const pos = e.linePos?.[0];
    const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new SandboxError('invalid-faults', `${origin}${pos ? `:${pos.line}:${pos.col}` : ''}: neither JSON nor YAML: ${message}`);
  }
  return validateFaults(raw, origin);
}

export function validateFaults(raw: unknown, origin: string): Fault[] {
  // A bare list is accepted as well as {"faults": [...]}; normalising first keeps zod's
  // messages specific (a union of the two shapes would only say "Invalid input").
  const result = faultsFileSchema.safeParse(Array.isArray(raw) ? { faults: raw } : (raw ?? { faults: [] }));
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    const kinds = faultSpecSchema.options.map((o) => o.shape.kind.value).join(', ');
    const detail = issue?.path.at(-1) === 'kind' ? `unknown kind; expected one of ${kinds}` : (issue?.message ?? 'invalid');
    throw new SandboxError('invalid-faults', `${origin} is not a valid fault list${where}: ${detail}`, {
      hint: 'Expected {"faults":[{"kind":"throttle","probability":0.3}, ...]}.',
    });
  }
  return result.data.faults;
}

interface ActiveFault {
  spec: Fault;
  /** How many more times it may fire; undefined is unlimited. */
  remaining: number | undefined;
  fired: number;
}

export interface RequestFault {
  latencyMs: number;
  effect?: { kind: 'throttle' } | { kind: 'server-error'; status: number } | { kind: 'drop-connection' } | { kind: 'drop-response' };
}

export type FailResourceFault = Extract<Fault, { kind: 'fail-resource' }>;
export type FailRollbackFault = Extract<Fault, { kind: 'fail-rollback' }>;
export type FailBuildFault = Extract<Fault, { kind: 'fail-build' }>;
export type DriftFault = Extract<Fault, { kind: 'drift' }>;

function sameVersion(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined) return true;
  if (b === undefined) return false;
  const norm = (v: string) => (v.startsWith('v') ? v : `v${v}`);
  return norm(a) === norm(b);
}

/** Active faults and their remaining counts; decisions use the sandbox's seeded PRNG. */
export class FaultBook {
  private active: ActiveFault[] = [];

  constructor(private readonly random: Random) {}

  replace(specs: readonly Fault[]): void {
    this.active = specs.map((spec) => ({ spec, remaining: spec.times, fired: 0 }));
  }

  clear(): void {
    this.active = [];
  }

  list(): (Fault & { fired: number; remaining?: number })[] {
    return this.active.map((a) => ({ ...a.spec, fired: a.fired, ...(a.remaining === undefined ? {} : { remaining: a.remaining }) }));
  }

  private fire(a: ActiveFault): void {
    a.fired++;
    if (a.remaining !== undefined) a.remaining--;
  }

  private live(): ActiveFault[] {
    return this.active.filter((a) => a.remaining === undefined || a.remaining > 0);
  }

  /** Faults on the wire for one request: summed latency, then at most one effect. */
  forRequest(svc: string, action: string): RequestFault {
    const out: RequestFault = { latencyMs: 0 };
    for (const a of this.live()) {
      const s = a.spec;
      if (s.kind !== 'throttle' && s.kind !== 'server-error' && s.kind !== 'drop-connection' && s.kind !== 'drop-response' && s.kind !== 'latency') continue;
      if (s.service && s.service !== svc) continue;
      if (s.action && s.action !== action) continue;
      if (s.kind === 'latency') {
        if (this.random.next() < s.probability) {
          this.fire(a);
          out.latencyMs += s.ms;
        }
        continue;
      }
      if (out.effect || this.random.next() >= s.probability) continue;
      this.fire(a);
      out.effect = s.kind === 'server-error' ? { kind: 'server-error', status: s.status } : { kind: s.kind };
    }
    return out;
  }

  /** Whether an S3 conditional write gets an injected 409 ConditionalRequestConflict (consumes one firing). */
  takeConditionalConflict(action: string): boolean {
    const a = this.live().find((x) => x.spec.kind === 'conditional-conflict' && (!x.spec.action || x.spec.action === action));
    if (!a || this.random.next() >= (a.spec as { probability: number }).probability) return false;
    this.fire(a);
    return true;
  }

  /** A fail-resource fault for this root stack and target version; `take` consumes one firing. */
  failResource(rootStack: string, version: string | undefined): { fault: FailResourceFault; take(): void } | undefined {
    const a = this.live().find((x) => x.spec.kind === 'fail-resource' && (!x.spec.stack || x.spec.stack === rootStack) && sameVersion(x.spec.version, version));
    return a ? { fault: a.spec as FailResourceFault, take: () => this.fire(a) } : undefined;
  }

  takeFailRollback(rootStack: string, version: string | undefined): FailRollbackFault | undefined {
    const a = this.live().find((x) => x.spec.kind === 'fail-rollback' && (!x.spec.stack || x.spec.stack === rootStack) && sameVersion(x.spec.version, version));
    if (!a) return undefined;
    this.fire(a);
    return a.spec as FailRollbackFault;
  }

  /** The drift faults installed; each is applied once, when installed (Sandbox.installFaults). */
  drifts(): DriftFault[] {
    return this.active.filter((a) => a.spec.kind === 'drift').map((a) => a.spec as DriftFault);
  }

  takeFailBuild(project: string): FailBuildFault | undefined {
    const a = this.live().find((x) => x.spec.kind === 'fail-build' && (!x.spec.project || x.spec.project === project));
    if (!a) return undefined;
    this.fire(a);
    return a.spec as FailBuildFault;
  }
}
