/**
 * The core never prints. It calls `io.notify(message)`; a renderer for a TTY, for CI logs
 * or for `--json` decides what reaches the screen. Codes are stable: scripts and tests
 * match on `code`, never on rendered text.
 */
export type MessageLevel = 'debug' | 'info' | 'warn' | 'error' | 'result';

export interface Message<T extends object = Record<string, unknown>> {
  level: MessageLevel;
  /** Stable, kebab-case, namespaced: `plan.hop`, `stack.event`, `hop.done`. */
  code: string;
  /** One human sentence. Renderers may use it as is; never contains a secret value. */
  text: string;
  data?: T;
}

/** A message as it leaves the host: numbered and timestamped, so a stream of them is a log. */
export interface StampedMessage<T extends object = Record<string, unknown>> extends Message<T> {
  seq: number;
  time: string;
}

export interface IoHost {
  notify(message: Message): void;
}

/** Collects messages in memory; for tests and for commands that render a result at the end. */
export class MemoryIoHost implements IoHost {
  readonly messages: StampedMessage[] = [];
  private seq = 0;
  constructor(private readonly now: () => Date = () => new Date()) {}

  notify(message: Message): void {
    this.messages.push({ ...message, seq: ++this.seq, time: this.now().toISOString() });
  }

  codes(): string[] {
    return this.messages.map((m) => m.code);
  }
}

export const silentIoHost: IoHost = { notify() {} };
