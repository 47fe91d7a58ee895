import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryIoHost, REQ } from '../io/messages.js';
import type { Renderer } from '../io/renderers.js';
import { createCliIoHost } from './io-host.js';

const question = REQ['configure.confirm'].req('Apply 2 staged updates to panther-root?', { rootStack: 'panther-root', stages: 2 }, false);

function renderer(): Renderer & { seen: MemoryIoHost } {
  const seen = new MemoryIoHost();
  return { seen, notify: (m) => seen.notify(m), requestResponse: (q) => seen.requestResponse(q), close: () => undefined };
}

function ask(answer: string, interactive: boolean): Promise<{ response: boolean; prompt: string }> {
  const stdout = new PassThrough();
  let prompt = '';
  stdout.on('data', (d: Buffer) => (prompt += d.toString()));
  const host = createCliIoHost(renderer(), { stdin: Readable.from([`${answer}\n`]), stdout }, interactive);
  return host.requestResponse(question).then((response) => ({ response, prompt }));
}

describe('the CLI IoHost', () => {
  it('asks on the terminal with the question and [y/N]', async () => {
    expect(await ask('y', true)).toEqual({ response: true, prompt: 'Apply 2 staged updates to panther-root? [y/N] ' });
    expect((await ask('yes', true)).response).toBe(true);
    expect((await ask('n', true)).response).toBe(false);
    // Enter is the default: no.
    expect((await ask('', true)).response).toBe(false);
  });

  it('without a terminal, answers with the default and asks nothing', async () => {
    expect(await ask('y', false)).toEqual({ response: false, prompt: '' });
  });

  it('approving (--yes) answers yes without asking, and passes messages on', async () => {
    const r = renderer();
    const host = createCliIoHost(r, { stdin: Readable.from([]), stdout: new PassThrough() }, false).approving();
    expect(await host.requestResponse(question)).toBe(true);
    host.notify({ level: 'info', code: 'preflight.passed', text: 'ok' });
    expect(r.seen.codes()).toEqual(['preflight.passed']);
  });
});
