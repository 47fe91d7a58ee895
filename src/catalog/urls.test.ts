import { describe, expect, it } from 'vitest';
import { roleTemplateUrl, rootTemplateUrl } from './urls.js';

describe('template URLs', () => {
  it('matches the spec example exactly', () => {
    expect(rootTemplateUrl('v1.25.1', 'us-east-2')).toBe('https://panther-enterprise-us-east-2.s3.amazonaws.com/v1.25.1/panther.yml');
  });

  it.each(['v1.25.1', '1.25.1'])('always writes the v prefix (input %s)', (input) => {
    expect(rootTemplateUrl(input, 'eu-west-1')).toBe('https://panther-enterprise-eu-west-1.s3.amazonaws.com/v1.25.1/panther.yml');
    expect(roleTemplateUrl(input)).toBe(
      'https://panther-public-cloudformation-templates.s3.amazonaws.com/panther-deployment-role/v1.25.1/template.yml',
    );
  });

  it('refuses something that is not an exact version', () => {
    expect(() => rootTemplateUrl('1.25', 'us-east-1')).toThrow(expect.objectContaining({ code: 'invalid-version' }));
    expect(() => roleTemplateUrl('latest')).toThrow(expect.objectContaining({ code: 'invalid-version' }));
  });
});
