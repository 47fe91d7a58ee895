import { createRenderer } from '../io/renderers.js';
import { createCliIoHost, type CliIoHost } from './io-host.js';

/** Global options every command accepts (before or after the command name). */
export interface GlobalOptions {
  /** Machine-readable output: one JSON document (or NDJSON events for long-running commands). */
  json?: boolean;
  /** One plain line per event, no live redraw: for CI logs. Default when stdout is not a TTY. */
  ci?: boolean;
  /** Show stack traces of unexpected errors. */
  debug?: boolean;
  /** `--no-color`; the NO_COLOR environment variable has the same effect. */
  color?: boolean;
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * What a command gets from the CLI: its output channels and an IoHost that renders core
 * messages in the mode the user chose. Commands return an exit code or throw a PantherctlError.
 */
export interface CliContext {
  readonly json: boolean;
  readonly ci: boolean;
  readonly debug: boolean;
  readonly color: boolean;
  readonly interactive: boolean;
  readonly streams: Streams;
  /**
   * What the core talks to: renders its messages (live view on a TTY, one line per event in
   * CI, NDJSON with --json) and asks its questions on the terminal.
   */
  readonly io: CliIoHost;
  out(text: string): void;
  err(text: string): void;
  /** Writes one JSON document to stdout (the `--json` result contract). */
  outJson(value: unknown): void;
}

export function createContext(opts: GlobalOptions, streams: Streams): CliContext {
  const json = Boolean(opts.json);
  const stdoutTty = Boolean(streams.stdout.isTTY);
  const color = opts.color !== false && !streams.env.NO_COLOR && stdoutTty && !json;
  const ci = Boolean(opts.ci) || !stdoutTty || Boolean(streams.env.CI);
  // stdin last: reading it builds the stream (main.ts processStreams), needless without a terminal.
  const interactive = stdoutTty && !json && Boolean(streams.stdin.isTTY);
  const out = (text: string): void => {
    streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const err = (text: string): void => {
    streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  const renderer = createRenderer({ mode: json ? 'json' : ci ? 'ci' : 'tty', color, stdout: streams.stdout, stderr: streams.stderr });
  const io = createCliIoHost(renderer, streams, interactive);
  return {
    json,
    ci,
    debug: Boolean(opts.debug),
    color,
    interactive,
    streams,
    io,
    out,
    err,
    outJson: (value) => out(JSON.stringify(value)),
  };
}

