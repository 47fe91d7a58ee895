import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type SandboxOptions, type SandboxServer } from '../index.js';
import { admin, clientsFor } from './clients.js';

/**
 * One in-process sandbox for a test file, back to its seeded state (and no faults) before
 * every test, so tests can run in any order.
 */
export function useSandbox(options: SandboxOptions): { readonly endpoint: string; readonly cfn: CloudFormationClient } {
  let server: SandboxServer | undefined;
  let cfn: CloudFormationClient | undefined;
  beforeAll(async () => {
    server = await startSandbox({ port: 0, ...options });
    cfn = clientsFor(server.endpoint).cfn;
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    await admin(server!.endpoint, 'DELETE', 'faults');
    await admin(server!.endpoint, 'POST', 'reset');
  });
  return {
    get endpoint() {
      return server!.endpoint;
    },
    get cfn() {
      return cfn!;
    },
  };
}
