import { Option } from 'commander';
import type { ErrorCode } from '../../errors/error-codes.js';
import type { ProgramBuilder } from '../main.js';
import { intOption, numberOption } from './option-parsers.js';

interface SandboxStartOptions {
  port: number;
  region: string;
  version: string;
  empty?: boolean;
  speed: number;
  stateFile?: string;
  faults?: string;
  fleet?: number;
  fleetFile?: string;
  lambdaConcurrencyLimit: number;
}

export function registerSandboxCommand(b: ProgramBuilder): void {
  const sandbox = b.command('sandbox', 'a local stand-in for an AWS account holding a Panther deployment');
  const start = sandbox
    .command('start')
    .description('serve CloudFormation, CodeBuild, S3 and STS on 127.0.0.1 until SIGINT/SIGTERM')
    .addOption(new Option('--port <port>', 'TCP port on 127.0.0.1 (0 picks a free one)').default(4599).argParser(intOption('--port', 0, 65535)))
    .addOption(new Option('--region <region>', 'region the account pretends to be in').default('us-east-2'))
    .addOption(new Option('--version <version>', 'Panther version of the seeded deployment').default('v1.25.18'))
    .addOption(new Option('--empty', 'no seeded deployment (templates are still published)'))
    .addOption(new Option('--speed <factor>', 'divide every operation duration by this factor').default(1).argParser(numberOption('--speed', 0.01, 100000)))
    .addOption(new Option('--state-file <file>', 'keep the whole state in this file across restarts'))
    .addOption(new Option('--faults <file>', 'JSON or YAML list of faults to inject'))
    .addOption(new Option('--fleet <n>', 'hold N deployments across accounts and regions (access key AKIA<account>SBOX routes to an account)').argParser(intOption('--fleet', 1, 200)))
    .addOption(new Option('--fleet-file <file>', 'with --fleet: write the fleet file describing them (and FILE.credentials, the AWS credentials of its profiles)'))
    .addOption(
      new Option('--lambda-concurrency-limit <n>', "the account's Lambda concurrent executions quota (new accounts may have 10 or 50)").default(1000).argParser(intOption('--lambda-concurrency-limit', 1, 1_000_000)),
    );
  b.action<SandboxStartOptions>(start, async (ctx, o) => {
    const { runSandboxCommand, isSandboxError } = await import('../../sandbox/index.js');
    const { normalizeVersion } = await import('../../catalog/version.js');
    const { validateRegion } = await import('../../catalog/regions.js');
    const { PantherctlError } = await import('../../errors/pantherctl-error.js');
    // The sandbox has its own error type (it ships on its own): a bad option is a usage error
    // (exit 2), a bad fault or state file a refused input (exit 1). Its codes are declared in
    // ERRORS (this assignment stops compiling when the sandbox adds one that is not).
    const asCliError = (err: unknown): unknown => {
      if (!isSandboxError(err)) return err;
      const code: ErrorCode = err.code;
      const mapped = new PantherctlError(code, err.message, { ...(err.hint ? { hint: err.hint } : {}), cause: err });
      const source = err.kind === 'usage' ? 'usage' : 'user';
      return mapped.source === source ? mapped : mapped.reclassified(source);
    };
    return runSandboxCommand(
      {
        port: o.port,
        host: '127.0.0.1',
        region: validateRegion(o.region),
        version: normalizeVersion(o.version),
        empty: Boolean(o.empty),
        speed: o.speed,
        lambdaConcurrencyLimit: o.lambdaConcurrencyLimit,
        ...(o.stateFile ? { stateFile: o.stateFile } : {}),
        ...(o.faults ? { faultsFile: o.faults } : {}),
        ...(o.fleet !== undefined ? { fleet: o.fleet } : {}),
        ...(o.fleetFile ? { fleetFile: o.fleetFile } : {}),
      },
      {
        ready: (endpoint: string) => ctx.out(ctx.json ? JSON.stringify({ ready: true, endpoint, region: o.region }) : `sandbox ready at ${endpoint} (region ${o.region})`),
      },
    ).catch((err: unknown) => {
      throw asCliError(err);
    });
  });
}
