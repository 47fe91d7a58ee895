import { randomUUID } from 'node:crypto';
import type { CliContext } from '../context.js';
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import { createStyle } from '../../io/style.js';
import { Journal } from '../../journal/journal.js';
import { acquireLock } from '../../journal/lock.js';
import { journalPath, lockPath } from '../../journal/paths.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import { diagnoseStack, type Diagnosis } from '../../deployments/diagnose/diagnose.js';
import { recoverStack } from '../../deployments/diagnose/recover.js';
import { chooseRootStack } from '../../deployments/status/discover-root.js';
import { openDeployment, withInterrupt } from '../deployment-options.js';
import { rootCauseSummary } from '../../deployments/deps/load-executor-deps.js';
import { MSG } from '../../io/messages.js';

export interface DiagnoseOptions extends ConnectionFlags {
  /** Any stack; default the root stack. */
  stack?: string;
}

/** `pantherctl diagnose`: state, root cause and next command of a stack. Exit 0 when stable, 4 when failed or stuck. */
export async function diagnoseCommand(ctx: CliContext, o: DiagnoseOptions): Promise<number> {
  const { settings, deps } = await openDeployment(ctx, o);
  try {
    const name = o.stack ?? (await chooseRootStack(deps.cloudFormation, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack })).name;
    const d = await diagnoseStack(deps.cloudFormation, name, { rootStack: o.stack === undefined || o.stack === settings.rootStack });
    if (ctx.json) ctx.outJson(d);
    else renderDiagnosis(ctx, d);
    const failed = d.status.endsWith('_FAILED') || d.status === 'UPDATE_ROLLBACK_COMPLETE' || d.status === 'ROLLBACK_COMPLETE';
    return failed ? ExitCode.deploymentFailed : ExitCode.ok;
  } finally {
    deps.close();
  }
}

function renderDiagnosis(ctx: CliContext, d: Diagnosis): void {
  const s = createStyle(ctx.color);
  ctx.out(`${s.bold(d.stack)}  ${d.status}${d.statusReason ? s.dim(` (${d.statusReason})`) : ''}`);
  ctx.out(`state: ${d.state}`);
  if (d.rootCause) ctx.out(`${s.red('root cause:')} ${rootCauseSummary(d.rootCause).text}`);
  for (const f of d.rollbackFailures) ctx.out(`${s.yellow('rollback failed:')} ${f.resourcePath} (${f.resourceType}): ${f.reason ?? f.status}`);
  if (d.nextCommand) ctx.out(`next: ${d.nextCommand}`);
}

export interface RecoverCommandOptions extends ConnectionFlags {
  stack?: string;
  skip?: string[];
}

/**
 * `pantherctl recover [--skip RESOURCE...]`: ContinueUpdateRollback on a stack stuck in
 * UPDATE_ROLLBACK_FAILED, then wait. Holds the deployment lock and journals the call.
 * Exit 0 when the stack is UPDATE_ROLLBACK_COMPLETE, 4 when the rollback failed again.
 */
export async function recoverCommand(ctx: CliContext, o: RecoverCommandOptions): Promise<number> {
  const { settings, deps } = await openDeployment(ctx, o);
  try {
    const identity = await deps.identity.getCallerIdentity();
    const root = (await chooseRootStack(deps.cloudFormation, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack })).name;
    const stack = o.stack ?? root;
    const key = { account: identity.account, region: settings.connection.region, rootStack: root };
    const lock = acquireLock(lockPath(key, settings.stateDir), { command: 'recover' });
    const journal = Journal.open(journalPath(key, settings.stateDir));
    try {
      const clientRequestToken = `pantherctl-recover-${randomUUID().slice(0, 8)}`;
      const result = await withInterrupt((signal) =>
        recoverStack({
          gateway: deps.cloudFormation,
          stack,
          ...(o.skip?.length ? { skip: o.skip } : {}),
          clientRequestToken,
          timeoutMs: settings.timeoutMs,
          signal,
          io: ctx.io,
          ...(deps.pollIntervalMs ? { pollIntervalMs: deps.pollIntervalMs } : {}),
          // Called once the stack was found in UPDATE_ROLLBACK_FAILED: announce only what will happen.
          beforeCall: ({ marker }) => {
            ctx.io.notify(MSG['step.start'].msg(`continue the rollback of ${stack}${o.skip?.length ? `, skipping ${o.skip.join(', ')}` : ''}…`, { step: 'continue-rollback', stack }));
            journal.append({
              type: 'step.requested',
              step: 'continue-rollback',
              stack,
              clientRequestToken,
              skip: o.skip ?? [],
              ...(marker instanceof Date ? { since: marker.toISOString() } : { beforeEventId: marker.afterEventId }),
            });
          },
        }),
      );
      journal.append({ type: result.recovered ? 'step.done' : 'step.failed', step: 'continue-rollback', stack, finalStatus: result.finalStatus });
      if (!result.recovered) {
        throw new PantherctlError('recover-failed', `the rollback of ${stack} ended in ${result.finalStatus}`, {
          source: 'deployment',
          hint: 'Run `pantherctl diagnose` for the resources that failed, then `pantherctl recover --skip RESOURCE`.',
        });
      }
      ctx.io.notify(MSG['recover.done'].msg(`${stack} is ${result.finalStatus}; run \`pantherctl resume\` to continue the upgrade.`, { stack, finalStatus: result.finalStatus }));
      return ExitCode.ok;
    } finally {
      journal.close();
      lock.release();
    }
  } finally {
    deps.close();
  }
}
