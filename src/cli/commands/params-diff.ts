import type { Command } from 'commander';
import { ExitCode, isPantherctlError } from '../../errors/pantherctl-error.js';
import type { ProgramBuilder } from '../main.js';
import { paramsOptions, stagedConnection, type ParamsFlags } from './staged-options.js';

interface DiffFlags extends ParamsFlags {
  secretsDiffer?: boolean;
}

/**
 * `params diff --params FILE`: the file against the live stack, changing nothing; exit 0
 * when equal, 1 when different (for drift checks in CI), 2 when the file cannot be read or is
 * invalid (so a broken check is never read as drift), 3 on an AWS error. `--json` prints one
 * document (`equal`, `differences`, `secretsNotCompared`, ...) and no progress events. NoEcho
 * values come back from AWS as `****`, so secrets are listed as "cannot compare" and count as
 * different only with `--secrets-differ`.
 */
export function registerParamsDiff(paramsCommand: Command, b: ProgramBuilder): void {
  const diff = stagedConnection(
    paramsOptions(
      paramsCommand
        .command('diff')
        .description('compare a parameter file with the live stack (exit 0 equal, 1 different, 2 invalid file)')
        .option('--secrets-differ', 'count secrets, which cannot be compared, as different'),
    ),
  );
  b.action<DiffFlags>(diff, async (ctx, o) => {
    const { silentIoHost } = await import('../../io/messages.js');
    // In --json mode the messages are dropped, not printed: stdout holds one document, which
    // says everything they do (keeping them cost a copy of each of 20,000 rows).
    const io = ctx.json ? silentIoHost : ctx.io;
    try {
      const { deploymentOptions } = await import('../deployment-options.js');
      const { paramsDiff, paramsDiffDocument } = await import('../../deployments/configure/configure.js');
      const result = await paramsDiff({ ...(await deploymentOptions(ctx, o)), paramsFile: o.params, overrides: o.param ?? [], secretsDiffer: Boolean(o.secretsDiffer) }, io);
      if (ctx.json) ctx.outJson(paramsDiffDocument(result));
      return result.different ? ExitCode.refused : ExitCode.ok;
    } catch (err) {
      // A refusal of the input (source `user`) exits 2, keeping its code, message and meta: exit 1 means "different" only.
      throw isPantherctlError(err) && err.source === 'user' ? err.reclassified('usage') : err;
    }
  });
}
