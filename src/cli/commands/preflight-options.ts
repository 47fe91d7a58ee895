import type { Command } from 'commander';
import { collect } from './option-parsers.js';

/** `--accept ID=REASON` and `--enable-termination-protection`, shared by preflight, upgrade, deploy and configure. */
export interface PreflightFlags {
  accept?: string[];
  enableTerminationProtection?: boolean;
}

/** `--accept ID=REASON` (upgrade, deploy, configure, preflight). */
export function acceptOption(cmd: Command): Command {
  return cmd.option('--accept <id=reason>', 'let a failed required preflight check pass, with the reason (journaled); repeatable (docs/preflight.md)', collect);
}

/** Both flags (upgrade and preflight). */
export function preflightOptions(cmd: Command): Command {
  return acceptOption(cmd).option('--enable-termination-protection', "turn on the root stack's termination protection as part of the run");
}

/** The core's options of the flags; a bad `--accept` is a usage error, before any AWS call. */
export async function preflightValues(o: PreflightFlags): Promise<{ accepts: { id: string; reason: string }[]; enableTerminationProtection?: true }> {
  const { parseAccepts } = await import('../../deployments/preflight/collector.js');
  return { accepts: parseAccepts(o.accept ?? []), ...(o.enableTerminationProtection ? { enableTerminationProtection: true as const } : {}) };
}
