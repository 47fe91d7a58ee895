import { describe, expect, it } from 'vitest';
import { FaultBook, parseFaults } from './faults.js';
import { Random } from './random.js';

describe('fault files', () => {
  it('read JSON and YAML in the documented shape, with defaults', () => {
    const json = parseFaults('{"faults":[{"kind":"throttle","probability":0.3,"service":"cloudformation","action":"DescribeStackEvents"}]}', 'f.json');
    expect(json).toEqual([{ kind: 'throttle', probability: 0.3, service: 'cloudformation', action: 'DescribeStackEvents' }]);
    const yaml = parseFaults('faults:\n  - kind: fail-resource\n    version: v1.27.8\n  - kind: server-error\n', 'f.yml');
    expect(yaml).toEqual([
      { kind: 'fail-resource', version: 'v1.27.8', times: 1 },
      { kind: 'server-error', probability: 1, status: 503 },
    ]);
  });

  it('refuse unknown kinds and fields with one line naming the place', () => {
    expect(() => parseFaults('{"faults":[{"kind":"throttle","chance":1}]}', 'f.json')).toThrow(/^f\.json is not a valid fault list at faults\.0/);
    expect(() => parseFaults('faults: [', 'f.yml')).toThrow(/^f\.yml:1:10: neither JSON nor YAML: /);
  });
});

describe('FaultBook', () => {
  it('decides repeatably from its seed and honours times', () => {
    const decide = () => {
      const book = new FaultBook(new Random(42));
      book.replace(parseFaults('{"faults":[{"kind":"throttle","probability":0.5}]}', 'x'));
      return Array.from({ length: 20 }, () => book.forRequest('cloudformation', 'DescribeStacks').effect?.kind ?? '-').join(',');
    };
    expect(decide()).toBe(decide());
    expect(decide()).toContain('throttle');
    expect(decide()).toContain('-');

    const book = new FaultBook(new Random(1));
    book.replace(parseFaults('{"faults":[{"kind":"drop-connection","times":2},{"kind":"latency","ms":5,"service":"s3"}]}', 'x'));
    const kinds = Array.from({ length: 3 }, () => book.forRequest('sts', 'GetCallerIdentity').effect?.kind);
    expect(kinds).toEqual(['drop-connection', 'drop-connection', undefined]);
    expect(book.forRequest('s3', 'GetObject').latencyMs).toBe(5);
    expect(book.forRequest('sts', 'GetCallerIdentity').latencyMs).toBe(0);
  });

  it('matches deterministic faults by stack, version and project', () => {
    const book = new FaultBook(new Random(1));
    book.replace(parseFaults('{"faults":[{"kind":"fail-resource","stack":"panther-root","version":"1.27.8"},{"kind":"fail-build"}]}', 'x'));
    expect(book.failResource('panther-root', 'v1.26.9')).toBeUndefined();
    const hit = book.failResource('panther-root', 'v1.27.8');
    expect(hit?.fault.kind).toBe('fail-resource');
    hit?.take();
    expect(book.failResource('panther-root', 'v1.27.8')).toBeUndefined();
    expect(book.takeFailBuild('panther-pulumi')?.kind).toBe('fail-build');
    expect(book.takeFailBuild('panther-pulumi')).toBeUndefined();
  });
});

describe('slow-resource (a test device, not an AWS behaviour)', () => {
  it('delays only the named resource, for its version, as many times as told', () => {
    const book = new FaultBook(new Random(1));
    book.replace(parseFaults('faults:\n  - kind: slow-resource\n    logicalId: AlertsFn\n    ms: 60000\n    version: v1.27.8\n', 'f.yml'));
    expect(book.takeSlowResource('panther-root', 'v1.27.8', 'OtherFn')).toBe(0);
    expect(book.takeSlowResource('panther-root', 'v1.26.9', 'AlertsFn')).toBe(0);
    expect(book.takeSlowResource('panther-root', 'v1.27.8', 'AlertsFn')).toBe(60_000);
    // times defaults to 1: the next operation runs at its usual speed.
    expect(book.takeSlowResource('panther-root', 'v1.27.8', 'AlertsFn')).toBe(0);
    expect(() => parseFaults('{"faults":[{"kind":"slow-resource","ms":10}]}', 'f.json')).toThrow(/at faults\.0\.logicalId/);
  });
});
