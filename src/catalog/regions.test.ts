import { describe, expect, it } from 'vitest';
import { DEFAULT_REGION, SUPPORTED_REGIONS, validateRegion } from './regions.js';

describe('validateRegion', () => {
  it('lists the 16 regions of the older docs', () => {
    expect(SUPPORTED_REGIONS).toHaveLength(16);
    expect(SUPPORTED_REGIONS).toContain(DEFAULT_REGION);
    expect(SUPPORTED_REGIONS).not.toContain('cn-north-1');
  });

  it.each(SUPPORTED_REGIONS)('accepts %s', (region) => {
    expect(validateRegion(region)).toBe(region);
  });

  it('refuses a real region without published templates, unless overridden', () => {
    expect(() => validateRegion('ap-east-1')).toThrow(expect.objectContaining({ code: 'unsupported-region' }));
    expect(() => validateRegion('cn-north-1')).toThrow(expect.objectContaining({ code: 'unsupported-region' }));
    expect(validateRegion('ap-east-1', true)).toBe('ap-east-1');
    expect(validateRegion('us-gov-west-1', true)).toBe('us-gov-west-1');
  });

  it.each(['', 'US-EAST-1', 'us-east', 'us_east_1', 'us-east-1.evil.com', 'us-east-1/', 'x'])('refuses the malformed %j even with the override', (region) => {
    expect(() => validateRegion(region, true)).toThrow(expect.objectContaining({ code: 'invalid-region' }));
  });
});
