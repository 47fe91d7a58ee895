import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    // CI machines have 2 cores; end-to-end tests start sandbox processes of their own.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The SDK warns once per process that releases after January 2027 need Node 22; the
    // CLI silences it (src/deployments/aws/connection.ts), and so do tests that build clients.
    // Journals and locks default to the user's state home: tests never write into the real one.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', XDG_STATE_HOME: join(tmpdir(), 'pantherctl-test-state-home') },
  },
});
