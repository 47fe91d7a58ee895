import { describe, expect, it } from 'vitest';
import { commandLineFor, resumeCommandFor } from './deployment-options.js';

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

describe('commandLineFor', () => {
  it('names any next command with its own arguments and the connection flags it takes', () => {
    const flags = { region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599', stateDir: '/s', catalog: 'c.yml', skipDeploymentRole: true, timeout: 30 };
    expect(commandLineFor(flags, 'recover', ['--stack', 'panther-deployment-role'], 'panther-root')).toBe(
      'pantherctl recover --stack panther-deployment-role --region us-east-2 --endpoint-url http://127.0.0.1:4599 --root-stack panther-root --state-dir /s --catalog c.yml --timeout 30',
    );
    // diagnose takes neither --skip-deployment-role nor --timeout: left out, never an unknown option.
    expect(commandLineFor(flags, 'diagnose', [], 'panther-root')).toBe('pantherctl diagnose --region us-east-2 --endpoint-url http://127.0.0.1:4599 --root-stack panther-root --state-dir /s --catalog c.yml');
  });
});
