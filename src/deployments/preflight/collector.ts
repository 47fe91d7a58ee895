import { PantherctlError } from '../../errors/pantherctl-error.js';
import { MSG, type IoHost } from '../../io/messages.js';
import { acceptableChecks, checkFamily, classOf, PREFLIGHT_CHECKS } from './checks.js';
import type { Acceptance, PreflightCheck } from './types.js';

/** What a check reports; the collector adds its class and applies `--accept`. */
export interface CheckResult {
  id: string;
  ok: boolean;
  message: string;
  severity?: PreflightCheck['severity'];
  hop?: string;
  data?: Record<string, unknown>;
}

/**
 * Collects check results in order, classifies them (checks.ts), lets an accepted required
 * failure pass as a warning, and notifies each as `preflight.check`.
 */
export class CheckCollector {
  readonly checks: PreflightCheck[] = [];
  private readonly accepts: ReadonlyMap<string, string>;

  constructor(
    private readonly io: IoHost,
    accepts: readonly Acceptance[] = [],
  ) {
    this.accepts = new Map(accepts.map((a) => [a.id, a.reason]));
  }

  add(r: CheckResult): PreflightCheck {
    const cls = classOf(r.id);
    let check: PreflightCheck = { id: r.id, class: cls, ok: r.ok, severity: r.severity ?? (r.ok ? 'info' : 'error'), message: r.message, ...(r.hop ? { hop: r.hop } : {}), ...(r.data ? { data: r.data } : {}) };
    if (cls === 'advisory' && !check.ok) check = { ...check, ok: true, severity: 'warning' };
    const reason = this.accepts.get(checkFamily(r.id));
    if (cls === 'required' && !check.ok && reason !== undefined) check = { ...check, ok: true, severity: 'warning', accepted: { reason } };
    this.checks.push(check);
    const level = !check.ok ? 'error' : check.severity === 'warning' ? 'warn' : 'info';
    const label = !check.ok ? 'FAILED' : check.accepted ? 'accepted' : check.severity === 'warning' ? 'warning' : 'ok';
    this.io.notify(
      MSG['preflight.check'].msg(level, `${label}: ${check.message}${check.accepted ? ` (accepted: ${check.accepted.reason})` : ''}`, {
        id: check.id,
        class: check.class,
        ok: check.ok,
        severity: check.severity,
        ...(check.hop ? { hop: check.hop } : {}),
        ...(check.accepted ? { accepted: check.accepted } : {}),
        ...(check.data ? { data: check.data } : {}),
      }),
    );
    return check;
  }

  failures(): PreflightCheck[] {
    return this.checks.filter((c) => !c.ok);
  }

  /** The acceptances that let a failed check pass: what the run journals. */
  used(): Acceptance[] {
    return this.checks.filter((c) => c.accepted).map((c) => ({ id: c.id, reason: c.accepted!.reason }));
  }
}

/**
 * `--accept ID=REASON` flags, checked before any AWS call: the id must be a required check
 * (strict ones cannot be skipped), and the reason must be given (it is journaled).
 */
export function parseAccepts(flags: readonly string[]): Acceptance[] {
  const out = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const id = (eq < 0 ? flag : flag.slice(0, eq)).trim();
    const reason = eq < 0 ? '' : flag.slice(eq + 1).trim();
    const known = id in PREFLIGHT_CHECKS;
    if (!known || classOf(id) !== 'required') {
      throw new PantherctlError('invalid-accept', `--accept ${id}: ${known ? `${id} is a ${classOf(id)} check and cannot be accepted` : 'no such preflight check'}`, {
        hint: `Checks that can be accepted: ${acceptableChecks().join(', ')} (see docs/preflight.md).`,
        meta: { id },
      });
    }
    if (!reason) {
      throw new PantherctlError('invalid-accept', `--accept ${id} needs a reason: --accept ${id}=REASON (it is journaled)`, { meta: { id } });
    }
    out.set(id, reason);
  }
  return [...out].map(([id, reason]) => ({ id, reason }));
}

/** Refuses a run whose preflight failed; nothing was changed. */
export function refuseFailed(io: IoHost, failures: readonly PreflightCheck[]): never {
  io.notify(MSG['preflight.failed'].msg(`preflight found ${failures.length} problem${failures.length === 1 ? '' : 's'}; nothing was changed`, { failures: [...failures] }));
  const acceptable = failures.filter((f) => f.class === 'required').map((f) => f.id);
  throw new PantherctlError('preflight-failed', `preflight found ${failures.length} problem${failures.length === 1 ? '' : 's'} (listed above)`, {
    source: 'user',
    hint: `Fix them and run the command again; nothing was changed.${acceptable.length ? ` To go on anyway: --accept ${[...new Set(acceptable)].map((id) => `${id}=REASON`).join(' --accept ')}.` : ''}`,
    meta: { failures: failures.map((f) => ({ id: f.id, class: f.class, message: f.message, ...(f.hop ? { hop: f.hop } : {}) })) },
  });
}
