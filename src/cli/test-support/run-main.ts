import { Readable, Writable } from 'node:stream';
import { main } from '../main.js';

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A non-TTY stream that keeps what was written, as a CI log would. */
class Capture extends Writable {
  readonly isTTY = false;
  private readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(chunk.toString());
    done();
  }
  text(): string {
    return this.chunks.join('');
  }
}

/**
 * Runs the CLI's `main(argv, streams)` in this process: the same parsing, checks, commands and
 * exit codes as the binary, without the cost of starting Node (tests and benches that run
 * hundreds of commands). No TTY, no colour, stdin at end of file; `env` is the whole
 * environment the command sees through its streams (the AWS SDK still reads process.env).
 */
export async function runMain(argv: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<MainRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([]), env: { NO_COLOR: '1', ...options.env } });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
