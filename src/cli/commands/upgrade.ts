import { createInterface } from 'node:readline/promises';
import type { CliContext } from '../context.js';
import { ExitCode, PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import { parseVersion, parseVersionSpec } from '../../catalog/version.js';
import { parseParamOverrides } from '../../parameters/inputs.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import { openDeployment, resumeCommandFor, withInterrupt } from '../deployment-options.js';
import type { RootCauseSummary } from '../../deployments/deps/executor-deps.js';
import { runUpgrade, type ConfirmationView } from '../../deployments/upgrade/run-upgrade.js';
import { MSG } from '../../io/messages.js';

export interface UpgradeCommandOptions extends ConnectionFlags {
  to?: string;
  yes?: boolean;
  dryRun?: boolean;
  ack?: string[];
  param?: string[];
  plan?: string;
  current?: string;
  allowUnlisted?: boolean;
}

/**
 * `pantherctl upgrade` and `pantherctl resume`. Exit codes: 0 done / already at / dry run;
 * 1 refused (preflight, no confirmation possible, declined); 3 AWS error; 4 a hop failed;
 * 5 interrupted; 6 locked.
 */
export async function upgradeCommand(ctx: CliContext, o: UpgradeCommandOptions, mode: { resume: boolean }): Promise<number> {
  // Bad input is refused before any AWS call.
  if (o.to !== undefined && !mode.resume) parseVersionSpec(o.to);
  if (o.current !== undefined) parseVersion(o.current);
  const overrides = new Map(parseParamOverrides(o.param ?? []).map((p) => [p.key, p.value ?? '']));
  const savedPlan = o.plan ? (await import('../../planning/read-plan.js')).readPlanFile(o.plan) : undefined;
  // Refuse before touching AWS when nobody can answer the question.
  if (!mode.resume && !o.yes && !o.dryRun && !ctx.interactive) {
    throw new PantherctlError('confirmation-required', 'an upgrade needs a confirmation, and there is no terminal to ask on', {
      hint: 'Pass --yes to confirm up front (CI), or --dry-run to only preview.',
    });
  }
  const { settings, deps, catalog } = await openDeployment(ctx, o);
  try {
    return await withInterrupt(async (signal) => {
      try {
        const result = await runUpgrade({
          deps,
          io: ctx.io,
          settings,
          catalog,
          ...(o.to ? { to: o.to } : {}),
          ...(o.current ? { current: o.current } : {}),
          acks: o.ack ?? [],
          overrides,
          ...(savedPlan ? { savedPlan } : {}),
          allowUnlisted: Boolean(o.allowUnlisted),
          resume: mode.resume,
          dryRun: Boolean(o.dryRun),
          ...(o.yes ? {} : { confirm: (view: ConfirmationView) => ask(ctx, view) }),
          signal,
          resumeCommandWith: (paramKeys, rootStack) => resumeCommandFor(o, rootStack, { ...(o.current ? { current: o.current } : {}), allowUnlisted: Boolean(o.allowUnlisted), paramKeys }),
        });
        return result.outcome === 'declined' ? ExitCode.refused : ExitCode.ok;
      } catch (err) {
        reportStop(ctx, err);
        throw err;
      }
    });
  } finally {
    deps.close();
  }
}

async function ask(ctx: CliContext, view: ConfirmationView): Promise<boolean> {
  const rl = createInterface({ input: ctx.streams.stdin, output: ctx.streams.stdout });
  try {
    const n = view.hops.length;
    const answer = await rl.question(`Upgrade ${view.rootStack} from ${view.from} to ${view.to} in ${n} hop${n === 1 ? '' : 's'}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** On a failed hop: the root cause and the state the deployment is in; main() prints the next command (the hint). */
function reportStop(ctx: CliContext, err: unknown): void {
  if (!isPantherctlError(err) || err.source !== 'deployment') return;
  const cause = err.meta.rootCause as RootCauseSummary | undefined;
  if (cause) ctx.io.notify(MSG['failure.root-cause'].msg(`root cause: ${cause.text}`, { ...cause }));
  else ctx.io.notify(MSG['failure.root-cause'].msg('root cause: no failed resource event found (see `pantherctl diagnose`)'));
  if (typeof err.meta.state === 'string' && err.meta.state) ctx.io.notify(MSG['failure.state'].msg(`state: ${err.meta.state}`, { state: err.meta.state }));
}
