import { Option, type Command } from 'commander';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { CliContext } from '../context.js';
import type { IoHost } from '../../io/messages.js';
import { catalogOption, connectionOptions, deploymentRoleOption, journalOptions } from './connection-options.js';
import { collect, intOption } from './option-parsers.js';
import { notifyOption } from './notify-option.js';

/** Connection and journal options, as `deploy`, `configure` and `params diff` take them. */
export function stagedConnection(cmd: Command): Command {
  return journalOptions(connectionOptions(cmd));
}

export function paramsOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--params <file>', 'parameter file: YAML/JSON map, AWS CLI list, or {"Parameters": {...}}')
    .option('--param <key=value>', 'override or add one value (repeatable)', collect);
}

export function stagedOptions(cmd: Command): Command {
  return deploymentRoleOption(
    notifyOption(cmd)
      .option('--yes', 'confirm up front (needed without a terminal)')
      .addOption(new Option('--stage-size <n>', 'at most N parameters per staged update; small groups share one').argParser(intOption('--stage-size', 1, 1000)).conflicts('singleUpdate'))
      .option('--single-update', 'apply every change in one update instead of stages')
      .option('--no-build', 'do not run the panther-pulumi build after the stack operations'),
  );
}

export { catalogOption };

export interface ParamsFlags extends ConnectionFlags {
  params: string;
  param?: string[];
}

export interface StagedFlags extends ParamsFlags {
  yes?: boolean;
  /** `--notify TARGET` (repeatable). */
  notify?: string[];
  stageSize?: number;
  singleUpdate?: boolean;
  /** `--no-build` sets it false. */
  build?: boolean;
}

/** The staging and build choices of the flags, as the core takes them. */
export function stagedChoices(o: StagedFlags): { staging: { stageSize?: number; singleUpdate?: boolean }; build?: boolean } {
  return {
    staging: { ...(o.stageSize !== undefined ? { stageSize: o.stageSize } : {}), ...(o.singleUpdate ? { singleUpdate: true } : {}) },
    ...(o.build === false ? { build: false } : {}),
  };
}

/**
 * `--yes` answers the confirmation; a terminal prompts; otherwise refuse before anything is
 * read or changed.
 */
export function confirmingHost(ctx: CliContext, yes: boolean | undefined): IoHost {
  if (yes) return ctx.io.approving();
  if (!ctx.interactive) {
    throw new PantherctlError('confirmation-required', 'this command changes the deployment, and there is no terminal to confirm it on', {
      hint: 'Pass --yes to confirm up front (CI).',
    });
  }
  return ctx.io;
}

/** `--param KEY=VALUE` flags as key/value pairs, for redaction (malformed ones are the core's to refuse). */
export function overrideValues(flags: readonly string[] | undefined): { key: string; value: string }[] {
  return (flags ?? []).flatMap((f) => {
    const at = f.indexOf('=');
    return at > 0 ? [{ key: f.slice(0, at), value: f.slice(at + 1) }] : [];
  });
}
