import { describe, expect, it } from 'vitest';
import { nestedTemplates, rootTemplate, roleTemplate } from '../fixtures/templates.js';
import { missingCapability, parseTemplate } from './template.js';

describe('parseTemplate', () => {
  it('reads CloudFormation short-form tags as their long forms', () => {
    const t = parseTemplate(
      [
        'Parameters:',
        '  Name: {Type: String}',
        'Resources:',
        '  Bucket:',
        '    Type: AWS::S3::Bucket',
        '    Properties:',
        '      BucketName: !Sub "${Name}-data"',
        '  Role:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      Description: !Join ["-", [!Ref Name, !GetAtt Bucket.Arn]]',
        '      Tags: !Unknown kept',
      ].join('\n'),
    );
    const role = t.resourceById.get('Role');
    expect(role?.properties.Description).toEqual({ 'Fn::Join': ['-', [{ Ref: 'Name' }, { 'Fn::GetAtt': ['Bucket', 'Arn'] }]] });
    expect(role?.properties.Tags).toBe('kept');
    expect(role?.dependsOn).toEqual(['Bucket']);
    expect(t.capabilities).toEqual(['CAPABILITY_IAM']);
  });

  it('refuses broken templates with CloudFormation messages', () => {
    expect(() => parseTemplate('Resources: [')).toThrow(/^Template format error: YAML not well-formed\. \(line 1, column \d+\)$/);
    expect(() => parseTemplate('{"Resources": ')).toThrow(/^Template format error: JSON not well-formed/);
    expect(() => parseTemplate('Description: x')).toThrow('Template format error: At least one Resources member must be defined.');
    expect(() => parseTemplate('Resources: {A: {Type: X, DependsOn: B}}')).toThrow(
      'Template format error: Unresolved resource dependencies [B] in the Resources block of the template',
    );
    expect(() => parseTemplate('Foo: 1\nResources: {A: {Type: X}}')).toThrow('Invalid template property or properties [Foo]');
    expect(() => parseTemplate('Parameters: {P: {Type: Bogus}}\nResources: {A: {Type: X}}')).toThrow('Template format error: Unrecognized parameter type: Bogus');
  });
});

describe('fixture templates', () => {
  it('parse, carry their version and need capabilities', () => {
    const root = parseTemplate(rootTemplate('v1.27.8', 'us-east-2'));
    expect(root.pantherVersion).toBe('v1.27.8');
    expect(root.capabilities).toEqual(['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND']);
    expect(missingCapability(root, ['CAPABILITY_IAM'])).toBe('CAPABILITY_NAMED_IAM');
    expect(missingCapability(root, ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'])).toBeUndefined();
    expect(root.body.startsWith('# sandbox fixture, not a real Panther template')).toBe(true);
    expect(root.body.length).toBeLessThan(51_200);
    for (const body of Object.values(nestedTemplates('v1.27.8'))) expect(parseTemplate(body).resources.length).toBeGreaterThan(1);
    expect(parseTemplate(roleTemplate('v1.27.8')).outputs.map((o) => o.key)).toEqual(['DeploymentRoleArn']);
  });

  it('evolve: EnableFips from v1.27.8, LogProcessorLambdaMemorySize until v1.29.3, CompanyDisplayName required from v1.30.5', () => {
    const names = (v: string) => parseTemplate(rootTemplate(v, 'us-east-2')).parameters.map((p) => p.name);
    expect(names('v1.26.9')).not.toContain('EnableFips');
    expect(names('v1.27.8')).toContain('EnableFips');
    expect(names('v1.28.7')).toContain('LogProcessorLambdaMemorySize');
    expect(names('v1.29.3')).not.toContain('LogProcessorLambdaMemorySize');
    const company = parseTemplate(rootTemplate('v1.30.5', 'us-east-2')).paramByName.get('CompanyDisplayName');
    expect(company?.default).toBeUndefined();
    expect(names('v1.29.3')).not.toContain('CompanyDisplayName');
  });
});
