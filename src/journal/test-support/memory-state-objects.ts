import { createHash } from 'node:crypto';
import type { PutRefusal, StateObject, StateObjects } from '../s3-state-store.js';

/**
 * S3's conditional writes in memory, for unit tests of the S3 state store (the sandbox's S3
 * is the real-HTTP counterpart). `script` injects one answer per matching PUT: `conflict`
 * (409, nothing written) or `lost-answer` (written, then the caller sees a failure and
 * retries, as a dropped connection makes the gateway do).
 */
export class MemoryStateObjects implements StateObjects {
  readonly url = 's3://memory-bucket/state/';
  readonly objects = new Map<string, StateObject>();
  readonly puts: string[] = [];
  private writes = 0;
  script: { key?: RegExp; answer: 'conflict' | 'lost-answer' }[] = [];

  async get(key: string): Promise<StateObject | undefined> {
    await Promise.resolve();
    return this.objects.get(key);
  }

  async put(key: string, body: string, condition: { ifNoneMatch: '*' } | { ifMatch: string }): Promise<{ etag: string } | { refused: PutRefusal }> {
    await Promise.resolve();
    this.puts.push(key);
    const i = this.script.findIndex((s) => !s.key || s.key.test(key));
    const scripted = i >= 0 ? this.script.splice(i, 1)[0] : undefined;
    if (scripted?.answer === 'conflict') return { refused: 'conflict' };
    const apply = (): { etag: string } | { refused: PutRefusal } => {
      const current = this.objects.get(key);
      if ('ifNoneMatch' in condition ? current !== undefined : current?.etag !== condition.ifMatch) return { refused: 'precondition-failed' };
      const etag = `"${createHash('md5').update(`${body}${++this.writes}`).digest('hex')}"`;
      this.objects.set(key, { body, etag });
      return { etag };
    };
    const first = apply();
    // The answer was lost: the gateway retries the very same request.
    return scripted?.answer === 'lost-answer' ? apply() : first;
  }

  async list(prefix: string): Promise<string[]> {
    await Promise.resolve();
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
