import { describe, expect, it } from 'vitest';
import { resumeCommandFor } from './deployment-options.js';

describe('resumeCommandFor', () => {
  it('carries every flag the run needed, --param keys as placeholders, never values', () => {
    const cmd = resumeCommandFor(
      {
        profile: 'ops',
        region: 'eu-west-1',
        endpointUrl: 'http://127.0.0.1:4599',
        assumeRole: 'arn:aws:iam::123456789012:role/Ops',
        roleStack: 'panther-role',
        stateDir: '/var/lib/my state',
        catalog: 'catalog.yml',
        skipDeploymentRole: true,
        timeout: 30,
        config: 'p.yml',
      },
      'panther-root',
      { current: 'v1.25.18', allowUnlisted: true, paramKeys: ['DatadogAPIKey', 'CompanyDisplayName'] },
    );
    expect(cmd).toBe(
      "pantherctl resume --config p.yml --profile ops --region eu-west-1 --endpoint-url http://127.0.0.1:4599 --assume-role arn:aws:iam::123456789012:role/Ops --root-stack panther-root --role-stack panther-role --state-dir '/var/lib/my state' --catalog catalog.yml --skip-deployment-role --timeout 30 --current v1.25.18 --allow-unlisted --param DatadogAPIKey=<value> --param CompanyDisplayName=<value>",
    );
  });

  it('stays short for a run with only defaults (the configure commands call it with two arguments)', () => {
    expect(resumeCommandFor({ region: 'us-east-2' }, 'panther-root')).toBe('pantherctl resume --region us-east-2 --root-stack panther-root');
  });
});
