import { describe, expect, it } from 'vitest';
import { checkLambdaConcurrency, reservedBy } from './lambda-concurrency.js';

const values = (o: Record<string, string>) => new Map(Object.entries(o));
const panther = { ReplayAPIReservedConcurrency: '40', MessageForwarderReservedConcurrency: '50', ReplayProcessorReservedConcurrency: '40' };

describe('lambda concurrency', () => {
  it('sums the three reservations, none when EnableLambdaReservedConcurrency is false', () => {
    expect(reservedBy(values(panther)).total).toBe(130);
    expect(reservedBy(values({ ...panther, EnableLambdaReservedConcurrency: 'false' })).total).toBe(0);
    expect(reservedBy(values({ ReplayAPIReservedConcurrency: '', MessageForwarderReservedConcurrency: 'x' })).total).toBe(0);
  });

  it('fails the first stop that would leave less than 100 unreserved, measured against today', () => {
    const account = { concurrentExecutions: 250, unreservedConcurrentExecutions: 120 };
    const live = values(panther);
    const r = checkLambdaConcurrency(account, [{ hop: 'v1.26.9', values: live }, { hop: 'v1.27.8', values: values({ ...panther, MessageForwarderReservedConcurrency: '71' }) }], live);
    expect(r).toEqual([expect.objectContaining({ ok: false, hop: 'v1.27.8', data: expect.objectContaining({ unreservedAfter: 99, minimum: 100 }) })]);
    expect(r[0]?.message).toContain('MessageForwarderReservedConcurrency=71');
    expect(r[0]?.message).toContain('Service Quotas');
    // Exactly 100 left fits.
    expect(checkLambdaConcurrency(account, [{ values: values({ ...panther, MessageForwarderReservedConcurrency: '70' }) }], live)).toEqual([expect.objectContaining({ ok: true })]);
  });

  it('on an account under 100, the minimum is the whole limit; lowering a reservation always passes', () => {
    const small = { concurrentExecutions: 50, unreservedConcurrentExecutions: 50 };
    const r = checkLambdaConcurrency(small, [{ values: values({ ReplayAPIReservedConcurrency: '1' }) }], new Map());
    expect(r[0]).toMatchObject({ ok: false, data: { minimum: 50, unreservedAfter: 49 } });
    const tight = { concurrentExecutions: 130, unreservedConcurrentExecutions: 0 };
    expect(checkLambdaConcurrency(tight, [{ values: values({ ...panther, ReplayAPIReservedConcurrency: '10' }) }], values(panther))[0]?.ok).toBe(true);
  });
});
