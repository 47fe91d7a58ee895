import { describe, expect, it } from 'vitest';
import { createAwsClients, credentialsFor, destroyAwsClients } from './connection.js';

describe('createAwsClients', () => {
  it('points every client at the endpoint, path-style S3, one SDK attempt', async () => {
    const clients = createAwsClients({ region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599' });
    try {
      const cfn = await clients.cloudFormation();
      expect(await cfn.config.region()).toBe('us-east-2');
      expect(await cfn.config.maxAttempts()).toBe(1);
      expect((await clients.s3()).config.forcePathStyle).toBe(true);
      const endpoint = await (await clients.codeBuild()).config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('builds each client once, on first use', async () => {
    const clients = createAwsClients({ region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599' });
    try {
      const [a, b] = await Promise.all([clients.sts(), clients.sts()]);
      expect(a).toBe(b);
      expect(await clients.sts()).toBe(a);
    } finally {
      clients.destroy();
    }
  });

  it('uses throwaway credentials against a custom endpoint when none are configured, and asks the chain once', async () => {
    const saved = { ...process.env };
    try {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[k];
      process.env.AWS_CONFIG_FILE = '/nonexistent/config';
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      const provider = credentialsFor({ region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599' });
      const creds = await provider();
      expect(creds.accessKeyId).toMatch(/SANDBOX/);
      // Real credentials appearing later are not picked up: the chain was asked once, for every client.
      process.env.AWS_ACCESS_KEY_ID = 'AKIALATER';
      process.env.AWS_SECRET_ACCESS_KEY = 'later';
      expect((await provider()).accessKeyId).toMatch(/SANDBOX/);
    } finally {
      process.env = saved;
    }
  });

  it('prefers the default chain against a custom endpoint when it has credentials', async () => {
    const saved = { ...process.env };
    try {
      delete process.env.AWS_PROFILE;
      process.env.AWS_ACCESS_KEY_ID = 'AKIAFROMENV';
      process.env.AWS_SECRET_ACCESS_KEY = 'secret';
      const creds = await credentialsFor({ region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599' })();
      expect(creds.accessKeyId).toBe('AKIAFROMENV');
    } finally {
      process.env = saved;
    }
  });
});
