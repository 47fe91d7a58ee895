import { Command, CommanderError, Option } from 'commander';
import { ExitCode, PantherctlError, isPantherctlError } from '../errors/pantherctl-error.js';
import { createContext, type CliContext, type GlobalOptions, type Streams } from './context.js';
import { registerCatalogCommand } from './commands/catalog.js';
import { registerParamsCommand } from './commands/params.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerUrlsCommand } from './commands/urls.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerStatusCommand } from './commands/status.js';
import { registerUpgradeCommand } from './commands/upgrade.js';
import { registerResumeCommand } from './commands/resume.js';
import { registerDiagnoseCommand } from './commands/diagnose.js';
import { registerRecoverCommand } from './commands/recover.js';
import { registerIamPolicyCommand } from './commands/iam-policy.js';
import { registerDeployCommand } from './commands/deploy.js';
import { registerConfigureCommand } from './commands/configure.js';
import { registerLockCommand } from './commands/lock.js';
import { registerFleetCommand } from './commands/fleet.js';
import { registerPreflightCommand } from './commands/preflight.js';
import { registerSupportBundleCommand } from './commands/support-bundle.js';
import { registerHistoryCommand } from './commands/history.js';
import { registerReportCommand } from './commands/report.js';
import { checkOptionValues } from './commands/option-parsers.js';

/** Runs one command. Returns the exit code; never throws for anything a user can cause. */
export async function main(argv: string[], streams: Streams = processStreams()): Promise<number> {
  let ctx: CliContext | undefined;
  const getCtx = (cmd: Command): CliContext => {
    ctx ??= createContext(cmd.optsWithGlobals<GlobalOptions>(), streams);
    return ctx;
  };
  const program = buildProgram(getCtx, streams, argv);
  // `--version` belongs to `urls`, `plan` and `sandbox start`; the tool's own version is only
  // `pantherctl --version` as the sole argument, handled before commander sees it.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    streams.stdout.write(`${PACKAGE_VERSION}\n`);
    return ExitCode.ok;
  }
  const wantsJson = argv.includes('--json');
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return (program as Command & { exitCodeResult?: number }).exitCodeResult ?? ExitCode.ok;
  } catch (err) {
    return reportFailure(err, { json: ctx?.json ?? wantsJson, debug: ctx?.debug ?? debug, streams });
  } finally {
    ctx?.io.close();
  }
}

function processStreams(): Streams {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Node builds process.stdin on first access (an fs.ReadStream or a socket, loading their
    // modules: ~3 ms of an offline command's start); only a prompt needs it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}

type CommandResult = number | void;

/**
 * Wraps a command implementation so that its exit code is recorded on the root program.
 * Implementations are imported lazily by the commands themselves, so that offline commands
 * never load the AWS SDK.
 */
export type Action<O> = (ctx: CliContext, options: O, args: string[]) => Promise<CommandResult>;

export interface ProgramBuilder {
  command(name: string, description: string): Command;
  action<O>(cmd: Command, run: Action<O>): Command;
}

/** The commands each group registers: a run builds the group its first word names first. */
const COMMAND_GROUPS: ReadonlyArray<{ names: readonly string[]; register: (b: ProgramBuilder) => void }> = [
  // The offline commands one by one: the fastest start counts most for them.
  { names: ['plan'], register: registerPlanCommand },
  { names: ['urls'], register: registerUrlsCommand },
  { names: ['catalog'], register: registerCatalogCommand },
  { names: ['params'], register: registerParamsCommand },
  { names: ['sandbox'], register: registerSandboxCommand },
  // Commands that talk to AWS: their bodies load the core (and the AWS SDK) only when they run.
  { names: ['status'], register: registerStatusCommand },
  { names: ['upgrade'], register: registerUpgradeCommand },
  { names: ['resume'], register: registerResumeCommand },
  { names: ['diagnose'], register: registerDiagnoseCommand },
  { names: ['recover'], register: registerRecoverCommand },
  { names: ['iam-policy'], register: registerIamPolicyCommand },
  { names: ['deploy'], register: registerDeployCommand },
  { names: ['configure'], register: registerConfigureCommand },
  { names: ['lock'], register: registerLockCommand },
  { names: ['fleet'], register: registerFleetCommand },
  { names: ['preflight'], register: registerPreflightCommand },
  { names: ['support-bundle'], register: registerSupportBundleCommand },
  { names: ['history'], register: registerHistoryCommand },
  { names: ['report'], register: registerReportCommand },
];

function buildProgram(getCtx: (cmd: Command) => CliContext, streams: Streams, argv: readonly string[]): Command {
  const program = new Command('pantherctl')
    .description('Plan, check and run upgrades of self-hosted Panther deployments')
    .addOption(new Option('--json', 'machine-readable output (JSON, or NDJSON events for long commands)'))
    .addOption(new Option('--ci', 'one plain line per event, no live redraw (default without a TTY)'))
    .addOption(new Option('--no-color', 'no colours (NO_COLOR is honoured too)'))
    .addOption(new Option('--debug', 'show stack traces of unexpected errors'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => streams.stdout.write(s),
      // Commander's own error text is re-rendered by reportFailure as one line.
      writeErr: () => {},
      outputError: () => {},
    });

  const root = program as Command & { exitCodeResult?: number };
  const builder: ProgramBuilder = {
    command(name, description) {
      // Subcommands inherit exitOverride and output settings from the program.
      return program.command(name).description(description);
    },
    action<O>(cmd: Command, run: Action<O>) {
      return cmd.action(async (...received: unknown[]) => {
        const self = received[received.length - 1] as Command;
        const args = received.slice(0, -2).filter((a): a is string => typeof a === 'string');
        checkOptionValues(self, args);
        const result = await run(getCtx(self), self.optsWithGlobals() as O, args);
        root.exitCodeResult = typeof result === 'number' ? result : ExitCode.ok;
      });
    },
  };
  // Declaring every command's options is most of an offline command's start, so the group
  // that the first word (global options are flags) names comes alone; the rest follow when
  // it did not define that command, and for help, suggestions and anything unknown.
  const first = argv.find((a) => !a.startsWith('-'));
  const named = COMMAND_GROUPS.find((g) => first !== undefined && g.names.includes(first));
  named?.register(builder);
  if (!program.commands.some((c) => c.name() === first)) for (const g of COMMAND_GROUPS) if (g !== named) g.register(builder);
  return program;
}

// Read once at build time would need a JSON import; the package version is only shown by --version.
const PACKAGE_VERSION = '0.1.0';

function reportFailure(err: unknown, o: { json: boolean; debug: boolean; streams: Streams }): number {
  const write = (s: string): boolean => o.streams.stderr.write(`${s}\n`);
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.ok;
    // Commander puts its "(Did you mean ...?)" on a second line; keep the error to one line.
    const message = err.message
      .replace(/^error:\s*/, '')
      .replace(/\s*\n\s*\(Did you mean (.*)\?\)/, '; did you mean $1?')
      .replace(/\s*\n\s*/g, ' ');
    const usage = new PantherctlError('usage', message, { source: 'usage', hint: 'Run `pantherctl --help` for usage.' });
    return printError(usage, o);
  }
  if (isPantherctlError(err)) return printError(err, o);
  // Anything else is a bug: one line, unless --debug asks for the trace.
  const e = err instanceof Error ? err : new Error(String(err));
  if (o.json) o.streams.stdout.write(`${JSON.stringify({ error: { code: 'internal', message: e.message } })}\n`);
  else write(`pantherctl: internal error: ${e.message}${o.debug ? '' : ' (run with --debug for details)'}`);
  if (o.debug && e.stack) write(e.stack);
  return ExitCode.internal;
}

function printError(err: PantherctlError, o: { json: boolean; debug: boolean; streams: Streams }): number {
  if (o.json) {
    o.streams.stdout.write(`${JSON.stringify(err.toJSON())}\n`);
  } else {
    // One line: what is wrong, then what to do about it.
    const message = err.hint ? `${/[.?!]$/.test(err.message) ? err.message : `${err.message}.`} ${err.hint}` : err.message;
    o.streams.stderr.write(`pantherctl: ${message}\n`);
  }
  if (o.debug && err.stack) o.streams.stderr.write(`${err.stack}\n`);
  return err.exitCode;
}
