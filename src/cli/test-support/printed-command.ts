/** Runs a command line as pantherctl prints it (a hint's, a `nextCommand`), as an operator would paste it. */
import { expect } from 'vitest';
import { runJson, type JsonRun } from './harness.js';

/** A command line as pantherctl prints it, split as a POSIX shell would (single quotes only: that is all shellWord writes). */
export function argvOf(command: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    if (ch === "'") {
      const end = command.indexOf("'", i + 1);
      word = (word ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (ch === '\\' && command[i + 1] === "'") {
      word = (word ?? '') + "'";
      i++;
    } else if (ch === ' ') {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** Runs a printed `pantherctl ...` command (with --json), as an operator would paste it. */
export async function runPrinted(command: string | undefined): Promise<JsonRun> {
  expect(command, 'a next command').toBeTruthy();
  const argv = argvOf(command!);
  expect(argv[0]).toBe('pantherctl');
  return runJson(argv.slice(1));
}

