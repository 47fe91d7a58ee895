import type { DeploymentStatus } from '../../deployments/status/status.js';
import { ExitCode } from '../../errors/pantherctl-error.js';
import { createStyle } from '../../io/style.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { ProgramBuilder } from '../main.js';
import { catalogOption, connectionOptions, stateDirOption } from './connection-options.js';

interface StatusFlags extends ConnectionFlags {
  current?: string;
}

/** `pantherctl status`: exit 0 when up to date, 10 when behind the latest recommended release. */
export function registerStatusCommand(b: ProgramBuilder): void {
  const cmd = stateDirOption(catalogOption(connectionOptions(b.command('status', 'show the deployment: versions, stacks, last build; exit 10 when behind')))).option(
    '--current <version>',
    'the version deployed, when the stacks do not say',
  );
  b.action<StatusFlags>(cmd, async (ctx, o) => {
    // The core and the AWS SDK load only when the command runs.
    const { deploymentOptions } = await import('../deployment-options.js');
    const { status } = await import('../../deployments/status/status.js');
    const s = await status({ ...(await deploymentOptions(ctx, o)), ...(o.current ? { current: o.current } : {}) }, ctx.io);
    if (ctx.json) ctx.outJson(s);
    else render(ctx, s);
    return s.upToDate ? ExitCode.ok : ExitCode.behind;
  });
}

function render(ctx: CliContext, s: DeploymentStatus): void {
  const st = createStyle(ctx.color);
  const r = s.rootStack;
  ctx.out(`${st.bold('root stack')}   ${r.name}${r.chosen === 'discovered' ? st.dim(' (found: the only panther-* stack tagged PantherVersion)') : ''}`);
  ctx.out(`  status     ${r.status}`);
  ctx.out(`  version    ${r.version} ${st.dim(`(from ${r.versionSource}${r.versionFrom ? ` ${r.versionFrom}` : ''})`)}`);
  ctx.out(`${st.bold('role stack')}   ${s.roleStack.name}${s.roleStack.found ? '' : st.red(' not found')}`);
  if (s.roleStack.found) ctx.out(`  status     ${s.roleStack.status ?? '?'}\n  version    ${s.roleStack.version ?? 'unknown'}`);
  ctx.out(`${st.bold('last build')}   ${s.lastBuild ? `${s.lastBuild.id} ${s.lastBuild.status}${s.lastBuild.endTime ? ` (ended ${s.lastBuild.endTime})` : ''}` : 'none'}`);
  if (s.latestRecommended) {
    ctx.out(
      s.upToDate
        ? st.green(`up to date (latest recommended: ${s.latestRecommended})`)
        : st.yellow(`behind: latest recommended is ${s.latestRecommended}, ${s.minorsBehind} minor release${s.minorsBehind === 1 ? '' : 's'} ahead; run \`pantherctl upgrade --to ${s.latestRecommended}\``),
    );
  }
}
