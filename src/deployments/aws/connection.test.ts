import { describe, expect, it } from 'vitest';
import { createAwsClients, credentialsFor, destroyAwsClients } from './connection.js';

describe('createAwsClients', () => {
  it('points every client at the endpoint, path-style S3, one SDK attempt', async () => {
    const clients = createAwsClients({ region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599' });
    try {
      expect(await clients.cloudFormation.config.region()).toBe('us-east-2');
      expect(await clients.cloudFormation.config.maxAttempts()).toBe(1);
      expect(clients.s3.config.forcePathStyle).toBe(true);
      const endpoint = await clients.codeBuild.config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
    } finally {
      destroyAwsClients(clients);
    }
  });

  it('uses throwaway credentials against a custom endpoint when none are configured', async () => {
    const saved = { ...process.env };
    try {
      for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[k];
      process.env.AWS_CONFIG_FILE = '/nonexistent/config';
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
      process.env.AWS_EC2_METADATA_DISABLED = 'true';
      const creds = await credentialsFor({ region: 'us-east-2', endpointUrl: 'http://127.0.0.1:4599' })();
      expect(creds.accessKeyId).toMatch(/SANDBOX/);
    } finally {
      process.env = saved;
    }
  });
});
