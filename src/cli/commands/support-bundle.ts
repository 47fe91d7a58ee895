import { existsSync } from 'node:fs';
import { ExitCode } from '../../errors/pantherctl-error.js';
import type { ConnectionFlags } from '../../settings/settings.js';
import type { ProgramBuilder } from '../main.js';
import { connectionOptions, journalOptions } from './connection-options.js';

interface SupportBundleFlags extends ConnectionFlags {
  out?: string;
  keepEmails?: boolean;
}

/** Sent in the bundle's manifest and environment. */
const PANTHERCTL_VERSION = '0.1.0';

/**
 * `pantherctl support-bundle [--out FILE.tar.gz] [--keep-emails]`: one redacted archive of
 * what support needs (stacks, events, builds and log tails, journal, config, environment).
 * Reads only. Exit codes: 0 written; 1 the file cannot be written; 2 usage; 3 AWS error.
 */
export function registerSupportBundleCommand(b: ProgramBuilder): void {
  const cmd = journalOptions(connectionOptions(b.command('support-bundle', 'write a redacted tar.gz of the deployment for support: stacks, events, builds, journal, environment')))
    .option('--out <file>', 'where to write the archive (default: ./pantherctl-support-<time>.tar.gz)')
    .option('--keep-emails', 'keep e-mail addresses (removed by default)');
  b.action<SupportBundleFlags>(cmd, async (ctx, o) => {
    const { deploymentOptions } = await import('../deployment-options.js');
    const { supportBundle } = await import('../../support/collect-bundle.js');
    const { readUserText } = await import('../../io/read-user-file.js');
    const { writeUserText } = await import('../../io/write-user-file.js');
    const deployment = await deploymentOptions(ctx, o);
    const configPath = o.config ?? 'pantherctl.yml';
    const configFile = existsSync(configPath) ? { path: configPath, text: readUserText(configPath, { what: 'config file', code: 'config-unreadable', option: '--config' }) } : undefined;
    const r = await supportBundle({ ...deployment, ...(configFile ? { configFile } : {}), env: ctx.streams.env, pantherctlVersion: PANTHERCTL_VERSION, keepEmails: Boolean(o.keepEmails) }, ctx.io);
    const file = o.out ?? `${r.root}.tar.gz`;
    writeUserText(file, r.archive, { what: 'support bundle', code: 'cannot-write-file', option: '--out' });
    if (ctx.json) {
      ctx.outJson({ file, bytes: r.archive.length, rootStack: r.rootStack, files: r.paths, redactions: r.report, totals: r.totals, errors: r.errors });
    } else {
      const totals = Object.entries(r.totals).map(([k, n]) => `${k} ${n}`).join(', ');
      ctx.out(`wrote ${file} (${r.paths.length} files, ${r.archive.length} bytes) for ${r.rootStack}`);
      ctx.out(`redacted: ${totals || 'nothing'} (per file: redactions.json inside)`);
      for (const e of r.errors) ctx.out(`not included: ${e.what}: ${e.message}`);
    }
    return ExitCode.ok;
  });
}
