/**
 * Runs `deploy`, `configure` and `params diff` in-process through their commander wiring,
 * the way src/cli/main.ts does, so their exit codes are tested before (and independently
 * of) their registration in main.ts.
 */
import { Readable } from 'node:stream';
import { Command } from 'commander';
import { createContext, type CliContext, type GlobalOptions } from '../../../cli/context.js';
import type { ProgramBuilder } from '../../../cli/main.js';
import { registerConfigureCommands, registerParamsDiff } from '../../../cli/commands/configure.js';
import { isPantherctlError } from '../../../errors/pantherctl-error.js';
import { e2eEnv } from '../../upgrade/test-support/harness.js';

export interface StagedCliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): NodeJS.WritableStream & { text: string; isTTY: boolean } {
  const s = {
    text: '',
    isTTY: false,
    write(chunk: string | Uint8Array, ...rest: unknown[]) {
      s.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    },
    on: () => s,
    once: () => s,
    emit: () => true,
    end: () => s,
  };
  return s as unknown as NodeJS.WritableStream & { text: string; isTTY: boolean };
}

export async function runStagedCli(args: string[], env: Record<string, string> = {}): Promise<StagedCliRun> {
  const stdout = sink();
  const stderr = sink();
  const streams = { stdout, stderr, stdin: Readable.from([]) as NodeJS.ReadableStream & { isTTY?: boolean }, env: { ...e2eEnv(), ...env } };
  let ctx: CliContext | undefined;
  let exit = 0;
  const program = new Command('pantherctl').option('--json').option('--ci').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  const b: ProgramBuilder = {
    command: (name, description) => program.command(name).description(description),
    action(cmd, run) {
      return cmd.action(async (...received: unknown[]) => {
        const self = received[received.length - 1] as Command;
        ctx ??= createContext(self.optsWithGlobals<GlobalOptions>(), streams);
        const result = await run(ctx, self.optsWithGlobals() as never, []);
        exit = typeof result === 'number' ? result : 0;
      });
    },
  };
  registerConfigureCommands(b);
  registerParamsDiff(program.command('params'), b);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (isPantherctlError(err)) {
      stderr.write(`pantherctl: ${err.message}${err.hint ? ` ${err.hint}` : ''}\n`);
      exit = err.exitCode;
    } else if (err instanceof Error && 'exitCode' in err) {
      stderr.write(`pantherctl: ${err.message}\n`);
      exit = 2;
    } else {
      throw err;
    }
  } finally {
    ctx?.io.close();
  }
  return { code: exit, stdout: stdout.text, stderr: stderr.text };
}
