import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The AWS CLI to drive the sandbox with: Debian's awscli at /usr/bin/aws (what CI installs),
 * else the first `aws` on PATH. A missing CLI is an error, not a skipped test.
 */
export function findAwsCli(): string {
  const candidates = ['/usr/bin/aws', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'aws'))];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  throw new Error('the AWS CLI is missing: install it (apt-get install -y awscli) to run the sandbox fidelity tests');
}

/** Runs `aws --endpoint-url ENDPOINT --region REGION --output json ARGS` with throwaway credentials. */
export function awsCli(endpoint: string, args: readonly string[], opts: { region?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const cli = findAwsCli();
  return new Promise((resolve) => {
    execFile(
      cli,
      ['--endpoint-url', endpoint, '--region', opts.region ?? 'us-east-2', '--output', 'json', ...args],
      {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_PAGER: '',
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          ...opts.env,
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Like awsCli, parsing stdout; throws with the CLI's stderr when it fails. */
export async function awsCliJson<T>(endpoint: string, args: readonly string[], opts: { region?: string; env?: Record<string, string> } = {}): Promise<T> {
  const r = await awsCli(endpoint, args, opts);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}
