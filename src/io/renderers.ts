import { defaultResponse, type AnyMessage, type AnyRequest, type IoHost, type StampedMessage } from './messages.js';
import type { ResponseOf } from './message-maker.js';
import { createStyle } from './style.js';
import { TtyRenderer } from './tty-renderer.js';

export type RenderMode = 'tty' | 'ci' | 'json';

export interface RendererOptions {
  mode: RenderMode;
  color: boolean;
  stdout: NodeJS.WritableStream & { columns?: number };
  stderr: NodeJS.WritableStream;
  now?: () => Date;
}

/**
 * Shows messages; never asks (a renderer answers a request with its default). The CLI pairs a
 * renderer with its prompts (src/cli/io-host.ts).
 */
export interface Renderer extends IoHost {
  /** Ends any live region so that later output starts on a clean line. */
  close(): void;
}

/** What a renderer answers when asked: it cannot ask, so the request's default. */
function noAnswer<Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> {
  return defaultResponse(request);
}

/** Adds the sequence number and timestamp that make a message stream a log. */
export class Stamper {
  private seq = 0;
  constructor(private readonly now: () => Date = () => new Date()) {}
  stamp(message: AnyMessage): StampedMessage {
    return { seq: ++this.seq, time: this.now().toISOString(), ...message };
  }
}

/** `--json`: one JSON object per line on stdout, in the order the core emitted them. */
export class JsonLinesRenderer implements Renderer {
  private readonly stamper: Stamper;
  constructor(private readonly stdout: NodeJS.WritableStream, now?: () => Date) {
    this.stamper = new Stamper(now);
  }
  notify(message: AnyMessage): void {
    if (message.level === 'debug') return;
    const m = this.stamper.stamp(message);
    this.stdout.write(`${JSON.stringify({ seq: m.seq, time: m.time, level: m.level, code: m.code, text: m.text, ...(m.data ? { data: m.data } : {}) })}\n`);
  }
  requestResponse = noAnswer;
  close(): void {}
}

/** No TTY, or `--ci`: one plain line per message, never a redraw, so logs read top to bottom. */
export class LineRenderer implements Renderer {
  private readonly stamper: Stamper;
  private readonly style;
  constructor(
    private readonly stdout: NodeJS.WritableStream,
    color: boolean,
    now?: () => Date,
  ) {
    this.stamper = new Stamper(now);
    this.style = createStyle(color);
  }
  notify(message: AnyMessage): void {
    if (message.level === 'debug') return;
    const m = this.stamper.stamp(message);
    const clock = m.time.slice(11, 19);
    const tag = m.level === 'error' ? this.style.red('error ') : m.level === 'warn' ? this.style.yellow('warn  ') : '';
    this.stdout.write(`${this.style.dim(clock)} ${tag}${m.text}\n`);
    // A failed build's last log lines follow its line, one per line, so a CI log shows them
    // even when the live lines scrolled away (or a resumed run never saw them).
    if (m.code === 'build.failed' && m.data && m.data.logTail.length > 0) {
      this.stdout.write(`${this.style.dim(clock)} ${tag}last ${m.data.logTail.length} lines of the build log${m.data.deepLink ? ` (all of it: ${m.data.deepLink})` : ''}:\n`);
      for (const line of m.data.logTail) this.stdout.write(`${this.style.dim(clock)} ${tag}  | ${line}\n`);
    }
  }
  requestResponse = noAnswer;
  close(): void {}
}

export function createRenderer(options: RendererOptions): Renderer {
  switch (options.mode) {
    case 'json':
      return new JsonLinesRenderer(options.stdout, options.now);
    case 'ci':
      return new LineRenderer(options.stdout, options.color, options.now);
    case 'tty':
      return new TtyRenderer(options.stdout, options.color, options.now);
  }
}
