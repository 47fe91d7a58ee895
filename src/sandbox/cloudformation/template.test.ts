import { describe, expect, it } from 'vitest';
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

describe('capabilities', () => {
  // botocore cloudformation CreateStack `Capabilities`: IAM resources need CAPABILITY_IAM,
  // named ones CAPABILITY_NAMED_IAM; CAPABILITY_AUTO_EXPAND is for macros (transforms).
  it('asks CAPABILITY_AUTO_EXPAND for a transform only, not for a nested stack', () => {
    const nested = parseTemplate('Resources: {Child: {Type: AWS::CloudFormation::Stack, Properties: {TemplateURL: https://b.s3.amazonaws.com/k}}}');
    expect(nested.capabilities).toEqual([]);
    const macro = parseTemplate('Transform: AWS::Serverless-2016-10-31\nResources: {Q: {Type: AWS::SQS::Queue}}');
    expect(macro.capabilities).toEqual(['CAPABILITY_AUTO_EXPAND']);
    const named = parseTemplate('Resources: {R: {Type: AWS::IAM::Role, Properties: {RoleName: x}}}');
    expect(missingCapability(named, ['CAPABILITY_IAM'])).toBe('CAPABILITY_NAMED_IAM');
    expect(missingCapability(named, ['CAPABILITY_NAMED_IAM'])).toBeUndefined();
  });
});
