import { startSandbox } from '/work/main/src/sandbox/index.js';
import { installCredentials, runCli, tempDir, spawnCli, sandboxCalls } from '/work/main/src/deployments/upgrade/test-support/harness.js';
import { readJournal } from '/work/main/src/journal/journal.js';
import { readdirSync } from 'node:fs';
installCredentials();
const sb = await startSandbox({ port: 0, speed: 400, region: 'us-east-2', version: 'v1.25.18', seed: 7 });
const state = tempDir();
const c = ['--endpoint-url', sb.endpoint, '--region', 'us-east-2', '--state-dir', state];
const jr = () => { try { return readJournal(state + '/journal/' + readdirSync(state + '/journal').find(f => f.endsWith('.ndjson'))); } catch { return []; } };
for (const delay of [700, 1100, 1500, 900, 1300, 1800]) {
  const started = jr().some(e => e.type === 'run.start');
  const child = spawnCli(started ? ['resume', ...c] : ['upgrade', '--to', 'v1.28.7', '--yes', ...c]);
  const exited = new Promise(res => child.on('exit', (code, sig) => res(code ?? sig)));
  const t = setTimeout(() => child.kill('SIGKILL'), delay);
  const how = await exited; clearTimeout(t);
  const last = jr().slice(-1)[0];
  console.log(delay, how, last ? `${last.type} ${last.step ?? ''} ${last.hop ?? ''}` : 'none');
}
const r = await runCli(['resume', ...c]);
console.log('final', r.code, r.stderr);
const calls = await sandboxCalls(sb.endpoint);
console.log(calls.filter(x => ['UpdateStack','ExecuteChangeSet','StartBuild','CreateChangeSet'].includes(x.action)).map(x => `${x.action} ${x.stack ?? x.project} ${x.outcome}`).join('\n'));
await sb.close();
