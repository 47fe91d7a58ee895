import { ExitCode, usageError } from '../../errors/pantherctl-error.js';
import { createStyle } from '../../io/style.js';
import type { LockStatusResult } from '../../deployments/lock/lock.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { connectionOptions, stateOptions } from './connection-options.js';

interface LockFlags extends ConnectionFlags {
  force?: boolean;
  reason?: string;
}

/**
 * `pantherctl lock status`: who holds the deployment's lock (exit 0 when free or its lease
 * lapsed, 6 while a run holds it). `pantherctl lock release --force --reason TEXT`: breaks it,
 * journaled with the reason, for a run that is gone for good.
 */
export function registerLockCommand(b: ProgramBuilder): void {
  const lock = b.command('lock', "show or break a deployment's lock (shared with --state s3://...)");
  const withState = (c: ReturnType<typeof lock.command>) => stateOptions(connectionOptions(c)).option('--state-dir <dir>', 'where journals and locks are kept (default .pantherctl)');
  const status = withState(lock.command('status').description("who holds the deployment's lock; exit 6 while a run holds it"));
  b.action<LockFlags>(status, async (ctx, o) => {
    const { deploymentOptions } = await import('../deployment-options.js');
    const { lockStatus } = await import('../../deployments/lock/lock.js');
    const s = await lockStatus(await deploymentOptions(ctx, o), ctx.io);
    if (ctx.json) ctx.outJson(s);
    else render(ctx, s);
    return s.state === 'held' ? ExitCode.locked : ExitCode.ok;
  });
  const release = withState(lock.command('release').description('break the lock of a run that is gone for good (journaled with --reason)'))
    .option('--force', 'required: breaking a lock another run may still hold is a deliberate act')
    .option('--reason <text>', 'why, for the journal (required)');
  b.action<LockFlags>(release, async (ctx, o) => {
    if (!o.force) throw usageError('`lock release` breaks another run\'s lock: pass --force (and --reason); a run releases its own lock when it ends');
    if (!o.reason?.trim()) throw usageError('`lock release --force` needs `--reason TEXT`: it is journaled for whoever finds the deployment next');
    const { deploymentOptions } = await import('../deployment-options.js');
    const { releaseLock } = await import('../../deployments/lock/lock.js');
    const r = await releaseLock({ ...(await deploymentOptions(ctx, o)), reason: o.reason }, ctx.io);
    if (ctx.json) ctx.outJson(r);
    else ctx.out(r.releasedHolder && r.holder ? `released the lock of ${describe(r)}; journaled as entry ${r.journaledAt ?? '?'}` : `the lock was free; journaled as entry ${r.journaledAt ?? '?'}`);
    return ExitCode.ok;
  });
}

function describe(s: LockStatusResult): string {
  const h = s.holder;
  return h ? `${h.command} (${h.user ? `${h.user} on ` : ''}${h.hostname}, pid ${h.pid}, since ${h.since})` : 'nobody';
}

function render(ctx: CliContext, s: LockStatusResult): void {
  const st = createStyle(ctx.color);
  ctx.out(`${st.bold('deployment')}  ${s.rootStack} (${s.account}, ${s.region})`);
  ctx.out(`${st.bold('lock')}        ${s.lock}`);
  if (s.state === 'held') ctx.out(st.yellow(`held by ${describe(s)}${s.expiresAt ? `; lease until ${s.expiresAt}` : ''}`));
  else if (s.state === 'expired') ctx.out(`lease of ${describe(s)} lapsed at ${s.expiresAt ?? '?'}: the next run takes it over`);
  else ctx.out(st.green('free'));
  if (s.released) ctx.out(st.dim(`last released ${s.released.at} by ${s.released.by}${s.released.forced ? ' (forced)' : ''}: ${s.released.reason}`));
}
