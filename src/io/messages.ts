/**
 * The core never prints and never asks by itself. It calls `io.notify(message)`, and asks
 * for a confirmation with `io.requestResponse(request)`; a renderer for a TTY, for CI logs or
 * for `--json` decides what reaches the screen, and the CLI decides how (or whether) to ask.
 * Codes are declared once (message-codes.ts) and stable: scripts and tests match on `code`,
 * never on rendered text.
 */
import type { AnyMessage, AnyRequest, CodeMessage, MessageCode } from './message-codes.js';
import type { ResponseOf } from './message-maker.js';

export type { AnyMessage, AnyRequest, CodeMessage, MessageCode, RequestCode } from './message-codes.js';
export type { IoRequest, Message, MessageLevel } from './message-maker.js';
export { MSG, REQ } from './message-codes.js';

/** A message as it leaves the host: numbered and timestamped, so a stream of them is a log. */
export type StampedMessage<M extends AnyMessage = AnyMessage> = M & { seq: number; time: string };

export interface IoHost {
  notify(message: AnyMessage): void;
  /**
   * Asks the operator. A host that cannot ask (no terminal, a script) resolves to
   * `request.defaultResponse`: an upgrade then is "declined", and nothing changes.
   */
  requestResponse<Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>>;
}

/** The answer of a host that cannot ask: the request's own default. */
export function defaultResponse<Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> {
  // `defaultResponse` is of the request's response type by construction (RequestDecl.req).
  return Promise.resolve(request.defaultResponse as ResponseOf<Q>);
}

export interface MemoryIoHostOptions {
  now?: () => Date;
  /** Answers requests; default: each request's `defaultResponse`. */
  respond?: (request: AnyRequest) => unknown;
}

/** Collects messages (and the requests it was asked) in memory; for tests and for library callers. */
export class MemoryIoHost implements IoHost {
  readonly messages: StampedMessage[] = [];
  readonly requests: AnyRequest[] = [];
  private seq = 0;
  private readonly now: () => Date;
  private readonly respond: ((request: AnyRequest) => unknown) | undefined;

  constructor(options: MemoryIoHostOptions | (() => Date) = {}) {
    const o = typeof options === 'function' ? { now: options } : options;
    this.now = o.now ?? (() => new Date());
    this.respond = o.respond;
  }

  notify(message: AnyMessage): void {
    this.messages.push({ ...message, seq: ++this.seq, time: this.now().toISOString() });
  }

  requestResponse<Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> {
    this.requests.push(request);
    // A test's `respond` answers for the request it is given.
    return this.respond ? Promise.resolve(this.respond(request) as ResponseOf<Q>) : defaultResponse(request);
  }

  codes(): MessageCode[] {
    return this.messages.map((m) => m.code);
  }

  /** The messages of one code, their payload typed: `io.of('hop.start')[0]?.data?.version`. */
  of<C extends MessageCode>(code: C): StampedMessage<CodeMessage<C>>[] {
    return this.messages.filter((m): m is StampedMessage<CodeMessage<C>> => m.code === code);
  }
}

/** A host that answers every confirmation with yes (`--yes`, or a script that has decided). */
export function approving(host: IoHost): IoHost {
  return {
    notify: (m) => host.notify(m),
    requestResponse: <Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> =>
      request.code === 'upgrade.confirm' || request.code === 'deploy.confirm' || request.code === 'configure.confirm' || request.code === 'fleet.confirm'
        ? Promise.resolve(true as ResponseOf<Q>)
        : host.requestResponse(request),
  };
}

export const silentIoHost: IoHost = { notify() {}, requestResponse: defaultResponse };
