import { startSandbox } from '/work/main/src/sandbox/index.js';
import { installCredentials, runCli, tempDir } from '/work/main/src/deployments/upgrade/test-support/harness.js';
installCredentials();
const sb = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
const state = tempDir();
const args = process.argv.slice(2);
const r = await runCli([...args, '--endpoint-url', sb.endpoint, '--region', 'us-east-2', ...(args[0]==='status'?[]:['--state-dir', state])]);
console.log(r.code, r.stdout.slice(-6000), r.stderr);
await sb.close();
