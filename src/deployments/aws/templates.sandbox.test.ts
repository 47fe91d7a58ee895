/**
 * Template fetching from every supported region, against the sandbox: Panther's role
 * template bucket is in us-west-2 and each `panther-enterprise-<region>` bucket in its own
 * region, and AWS SDK v3 does not follow S3's 301 PermanentRedirect by default
 * (aws/aws-sdk-js-v3 packages/middleware-sdk-s3/src/s3Configuration.ts,
 * `followRegionRedirects ?? false`). The fetcher reads each template through a client of its
 * bucket's region.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_REGIONS } from '../../catalog/regions.js';
import { roleTemplateUrl, rootTemplateUrl } from '../../catalog/urls.js';
import { startSandbox, type SandboxServer } from '../../sandbox/index.js';
import { createAwsGateways } from './gateways.js';

const VERSION = 'v1.28.7';
let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, speed: 1000, seed: 11 });
});
afterAll(async () => {
  await sandbox.close();
});

interface Call {
  action: string;
  status: number;
  service: string;
  principal?: string;
}

async function calls(): Promise<Call[]> {
  return ((await (await fetch(`${sandbox.endpoint}/_sandbox/calls`)).json()) as { calls: Call[] }).calls;
}

describe('templates from every supported region', () => {
  it('covers the 16 regions', () => {
    expect(SUPPORTED_REGIONS).toHaveLength(16);
  });

  it.each(SUPPORTED_REGIONS)('%s: the root and the role template are fetched', async (region) => {
    const aws = createAwsGateways({ region, endpointUrl: sandbox.endpoint }, { retry: { attempts: 1 } });
    try {
      const root = await aws.templates.fetchTemplate(rootTemplateUrl(VERSION, region));
      const role = await aws.templates.fetchTemplate(roleTemplateUrl(VERSION));
      expect(root.body).toContain('AWS::CloudFormation::Stack');
      expect(role.body).toContain('DeploymentRoleArn');
      expect(root.sha256).toMatch(/^[0-9a-f]{64}$/);
      // Learned once: the next template of the role bucket goes straight to us-west-2.
      const before = (await calls()).length;
      await aws.templates.fetchTemplate(roleTemplateUrl('v1.27.8'));
      const after = (await calls()).slice(before).filter((c) => c.service === 's3');
      expect(after.map((c) => c.status)).toEqual([200]);
    } finally {
      aws.close();
    }
  });

  it('without the fix a client of another region gets 301 PermanentRedirect naming the bucket region', async () => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: sandbox.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const err = (await s3.send(new GetObjectCommand({ Bucket: 'panther-public-cloudformation-templates', Key: `panther-deployment-role/${VERSION}/template.yml` })).catch((e: unknown) => e)) as {
        name: string;
        $metadata: { httpStatusCode: number };
        $response?: { headers: Record<string, string> };
      };
      expect(err.name).toBe('PermanentRedirect');
      expect(err.$metadata.httpStatusCode).toBe(301);
      expect(err.$response?.headers['x-amz-bucket-region']).toBe('us-west-2');
    } finally {
      s3.destroy();
    }
  });

  it('with an assumed role, every client of the connection (a regional S3 client too) signs as one role session', async () => {
    const role = 'arn:aws:iam::123456789012:role/PantherDeploymentRole-us-east-2';
    const before = (await calls()).length;
    const aws = createAwsGateways({ region: 'us-east-2', endpointUrl: sandbox.endpoint, assumeRoleArn: role }, { retry: { attempts: 1 } });
    try {
      // The eu-west-1 and us-west-2 buckets each get a client of their own; CloudFormation one more.
      await Promise.all([aws.templates.fetchTemplate(rootTemplateUrl(VERSION, 'eu-west-1')), aws.cloudFormation.listStacks()]);
      await aws.templates.fetchTemplate(roleTemplateUrl(VERSION));
    } finally {
      aws.close();
    }
    const made = (await calls()).slice(before);
    expect(made.filter((c) => c.action === 'AssumeRole')).toHaveLength(1);
    const signed = made.filter((c) => c.service !== 'sts');
    expect(signed.filter((c) => c.service === 's3' && c.status === 200)).toHaveLength(2);
    expect(new Set(signed.map((c) => c.principal))).toEqual(new Set(['arn:aws:sts::123456789012:assumed-role/PantherDeploymentRole-us-east-2/pantherctl']));
  });

  it('a missing template is template-not-found (S3 answers 403 AccessDenied: the bucket cannot be listed)', async () => {
    const aws = createAwsGateways({ region: 'us-east-2', endpointUrl: sandbox.endpoint }, { retry: { attempts: 1 } });
    try {
      await expect(aws.templates.fetchTemplate(roleTemplateUrl('v9.9.9'))).rejects.toMatchObject({ code: 'template-not-found', cause: { code: 'access-denied' } });
    } finally {
      aws.close();
    }
  });
});
