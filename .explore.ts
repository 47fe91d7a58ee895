import { startSandbox } from './src/sandbox/index.js';
import { CloudFormationClient, DescribeStacksCommand, DescribeStackEventsCommand, UpdateStackCommand, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import { rootTemplateUrl } from './src/catalog/urls.js';
const sb = await startSandbox({ port: 0, speed: 100, seed: 1, faults: [{ kind: 'fail-resource', version: 'v1.26.9' }] });
const cfn = new CloudFormationClient({ endpoint: sb.endpoint, region: 'us-east-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const d = await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }));
const params = d.Stacks![0]!.Parameters!.map(p => ({ ParameterKey: p.ParameterKey, UsePreviousValue: true }));
const t0 = Date.now();
await cfn.send(new UpdateStackCommand({ StackName: 'panther-root', TemplateURL: rootTemplateUrl('v1.26.9', 'us-east-2'), Parameters: params, Capabilities: ['CAPABILITY_IAM','CAPABILITY_NAMED_IAM','CAPABILITY_AUTO_EXPAND'], Tags: [{Key:'PantherVersion', Value:'v1.26.9'},{Key:'Application',Value:'Panther'}], ClientRequestToken: 'tok-1' }));
for (;;) {
  const s = (await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks![0]!;
  if (!s.StackStatus!.endsWith('IN_PROGRESS')) { console.log('final', s.StackStatus, s.StackStatusReason, Date.now() - t0, 'ms'); break; }
  await new Promise(r => setTimeout(r, 20));
}
const l = await cfn.send(new ListStacksCommand({}));
for (const s of l.StackSummaries!.reverse()) {
  const ev = await cfn.send(new DescribeStackEventsCommand({ StackName: s.StackId }));
  console.log('==', s.StackName, s.StackStatus);
  for (const e of ev.StackEvents!.reverse().filter(e => e.Timestamp! > new Date(t0 - 1))) console.log('  ', e.Timestamp!.toISOString().slice(17), e.LogicalResourceId, e.ResourceStatus, e.ResourceStatusReason ?? '');
}
console.log(await (await fetch(sb.endpoint + '/_sandbox/operations')).text());
console.log(await (await fetch(sb.endpoint + '/_sandbox/health')).text());
await sb.close();
