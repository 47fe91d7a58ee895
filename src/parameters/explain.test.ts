import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { PARAMETERS } from './definitions.js';
import { explainRows } from './explain.js';

describe('explainRows', () => {
  it('has one row per parameter, in table order', () => {
    expect(explainRows().map((r) => r.name)).toEqual(PARAMETERS.map((d) => d.name));
  });

  it('describes constraints as human text', () => {
    const row = (name: string) => explainRows(name)[0];
    expect(row('DataLakeForwarderMemory')).toMatchObject({ type: 'Number', default: '256', constraint: '256..2048', required: false });
    expect(row('CloudSecurityScanSegments')?.constraint).toBe('>= 5');
    expect(row('MaxLookupTableCompressedSizeMB')?.constraint).toBe('<= 400');
    expect(row('EnableFips')?.constraint).toBe('one of: true, false');
    expect(row('SegmentEnvironment')?.constraint).toBe("one of: '', dev, staging, prod");
    expect(row('SnowflakeRBACSecretARN')?.constraint).toMatch(/^pattern \^\(arn:/);
    expect(row('FirstUserEmail')).toMatchObject({ default: null, constraint: '', required: true, firstDeploy: 'required', ignoredAfterFirstDeploy: true });
    expect(row('DatadogAPIKey')).toMatchObject({ secret: true, default: '' });
    expect(row('CustomDomain')).toMatchObject({ risky: true, group: 'custom-domain' });
  });

  it('refuses an unknown name with a did-you-mean', () => {
    expect.assertions(5);
    expect(() => explainRows('DatadogApiKey')).toThrow(PantherctlError);
    try {
      explainRows('datalakeforwardermemory');
    } catch (err) {
      expect(err).toBeInstanceOf(PantherctlError);
      expect((err as PantherctlError).code).toBe('unknown-parameter');
      expect((err as PantherctlError).message).toContain('did you mean DataLakeForwarderMemory?');
      expect((err as PantherctlError).exitCode).toBe(1);
    }
  });
});
