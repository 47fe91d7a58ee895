import { describe, expect, it } from 'vitest';
import { MemoryIoHost } from '../../io/messages.js';
import { notifyDiff } from './render-diff.js';

describe('notifyDiff', () => {
  it('words each row of the diff, secrets masked, empty values quoted, unchanged rows left out', () => {
    const io = new MemoryIoHost();
    notifyDiff(io, [
      { key: 'DatadogAPIKey', change: 'cannot-compare', from: '****', to: '****', secret: true },
      { key: 'EnableReports', change: 'changed', from: 'false', to: 'true', secret: false },
      { key: 'SentryEnvironment', change: 'added', to: '', secret: false },
      { key: 'DataLakeForwarderMemory', change: 'unchanged', from: '512', to: '512', secret: false },
    ]);
    expect(io.of('params.diff').map((m) => m.text)).toEqual([
      '? DatadogAPIKey: **** (secret: cannot compare, AWS returns it masked)',
      '~ EnableReports: false -> true',
      "+ SentryEnvironment: ''",
    ]);
    expect(io.of('params.diff').map((m) => m.data?.key)).toEqual(['DatadogAPIKey', 'EnableReports', 'SentryEnvironment']);
  });

  it('shows unchanged rows on request', () => {
    const io = new MemoryIoHost();
    notifyDiff(io, [{ key: 'A', change: 'unchanged', from: '1', to: '1', secret: false }], { showUnchanged: true });
    expect(io.messages.map((m) => m.text)).toEqual(['= A: 1']);
  });
});
