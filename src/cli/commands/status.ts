import type { CliContext } from '../context.js';
import { ExitCode } from '../../errors/pantherctl-error.js';
import { createStyle } from '../../io/style.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import { openDeployment } from '../deployment-options.js';
import { readStatus, type DeploymentStatus } from '../../deployments/status/status.js';

/** `pantherctl status`: exit 0 when up to date, 10 when behind the latest recommended release. */
export async function statusCommand(ctx: CliContext, o: ConnectionFlags & { current?: string }): Promise<number> {
  const { settings, deps, catalog } = await openDeployment(ctx, o);
  try {
    const status = await readStatus({
      cloudFormation: deps.cloudFormation,
      codeBuild: deps.codeBuild,
      catalog,
      ...(settings.rootStack ? { rootStack: settings.rootStack } : {}),
      roleStack: settings.roleStack,
      ...(o.current ? { current: o.current } : {}),
    });
    if (ctx.json) ctx.outJson(status);
    else render(ctx, status);
    return status.upToDate ? ExitCode.ok : ExitCode.behind;
  } finally {
    deps.close();
  }
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
