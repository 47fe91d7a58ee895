/**
 * The CLI's IoHost: a renderer for what the core says, and a prompt for what it asks. A
 * terminal gets the question with `[y/N]`; `--yes` answers yes up front; with neither, the
 * commands refuse before any AWS call (`confirmation-required`), so the prompt never waits on
 * a closed stdin.
 */
import { createInterface } from 'node:readline/promises';
import type { AnyMessage, AnyRequest, IoHost } from '../io/messages.js';
import { approving, defaultResponse } from '../io/messages.js';
import type { ResponseOf } from '../io/message-maker.js';
import type { Renderer } from '../io/renderers.js';

export interface CliIoHost extends IoHost {
  /** Ends the renderer's live region. */
  close(): void;
  /** The same host, answering every confirmation with yes (`--yes`). */
  approving(): IoHost;
}

export function createCliIoHost(renderer: Renderer, streams: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream }, interactive: boolean): CliIoHost {
  const host: CliIoHost = {
    notify: (message: AnyMessage) => renderer.notify(message),
    requestResponse: <Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> => (interactive ? ask(request, streams) : defaultResponse(request)),
    close: () => renderer.close(),
    approving: () => approving(host),
  };
  return host;
}

/** Every request today is a yes/no confirmation; the default (no) is what Enter gives. */
async function ask<Q extends AnyRequest>(request: Q, streams: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream }): Promise<ResponseOf<Q>> {
  const rl = createInterface({ input: streams.stdin, output: streams.stdout });
  try {
    const answer = (await rl.question(`${request.text} [y/N] `)).trim();
    // A yes/no request's response type is boolean (REQ declarations).
    return (answer === '' ? request.defaultResponse : /^y(es)?$/i.test(answer)) as ResponseOf<Q>;
  } finally {
    rl.close();
  }
}
