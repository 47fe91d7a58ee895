import { describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import { gatewayCall } from './gateway-call.js';

function throttling(): Error {
  const err = new Error('Rate exceeded');
  err.name = 'Throttling';
  return err;
}

describe('gatewayCall', () => {
  it('reports every backoff as an aws.retry debug message, with the stack, then returns', async () => {
    const io = new MemoryIoHost();
    const slept: number[] = [];
    let calls = 0;
    const result = await gatewayCall(
      { io, retry: { attempts: 5, baseMs: 100, capMs: 1000, random: () => 0.5, sleep: async (ms) => void slept.push(ms) } },
      async () => {
        calls++;
        if (calls < 3) throw throttling();
        return 'ok';
      },
      { operation: 'DescribeStackEvents', stack: 'panther-root' },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(slept).toEqual([50, 100]);
    expect(io.messages.map((m) => [m.level, m.code, m.data])).toEqual([
      ['debug', 'aws.retry', { operation: 'DescribeStackEvents', code: 'throttled', attempt: 1, delayMs: 50, stack: 'panther-root' }],
      ['debug', 'aws.retry', { operation: 'DescribeStackEvents', code: 'throttled', attempt: 2, delayMs: 100, stack: 'panther-root' }],
    ]);
  });

  it('makes exactly one attempt when told so, and throws the classified error', async () => {
    const io = new MemoryIoHost();
    let calls = 0;
    await expect(
      gatewayCall({ io, retry: { sleep: async () => {} } }, async () => {
        calls++;
        throw throttling();
      }, { operation: 'UpdateStack' }, 1),
    ).rejects.toMatchObject({ code: 'throttled' });
    expect(calls).toBe(1);
    expect(io.messages).toEqual([]);
  });
});
