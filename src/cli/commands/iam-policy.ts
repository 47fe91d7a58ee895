import { DEFAULT_ROLE_STACK } from '../../catalog/urls.js';
import { usageError } from '../../errors/pantherctl-error.js';
import type { ProgramBuilder } from '../main.js';
import { collect } from './option-parsers.js';

interface IamPolicyFlags {
  account?: string;
  region?: string;
  partition: string;
  roleStack: string;
  allowUnsupportedRegion?: boolean;
  state?: string;
  stateKmsKey?: string;
  notify?: string[];
}

/** `pantherctl iam-policy`: offline; the policy document on stdout (one line with --json). */
export function registerIamPolicyCommand(b: ProgramBuilder): void {
  const cmd = b
    .command('iam-policy', 'print the least-privilege IAM policy for running pantherctl against a deployment')
    .option('--account <id>', 'narrow the policy to this account (default any)')
    .option('--region <region>', 'narrow the policy to this region (default any)')
    .option('--partition <name>', 'aws, aws-us-gov or aws-cn', 'aws')
    .option('--role-stack <name>', 'deployment role stack name', DEFAULT_ROLE_STACK)
    .option('--allow-unsupported-region', 'allow a region Panther does not publish templates for')
    .option('--state <s3-url>', 'add the shared state bucket s3://BUCKET/PREFIX (as pantherctl --state)')
    .option('--state-kms-key <key>', 'add the KMS key of the state objects (as pantherctl --state-kms-key)')
    .option('--notify <target>', 'the --notify targets runs use: sns:TOPIC_ARN adds sns:Publish on that topic (repeatable)', collect);
  b.action<IamPolicyFlags>(cmd, async (ctx, o) => {
    const { iamPolicy } = await import('../../deployments/iam/iam-policy.js');
    const { parseNotifyTargets } = await import('../../notify/targets.js');
    const { targets, problems } = parseNotifyTargets(o.notify ?? []);
    if (problems.length > 0) throw usageError(problems.join(' '));
    const notifyTopics = targets.flatMap((t) => (t.kind === 'sns' ? [t.topicArn] : []));
    const policy = iamPolicy({
      partition: o.partition,
      roleStack: o.roleStack,
      ...(o.account ? { account: o.account } : {}),
      ...(o.region ? { region: o.region } : {}),
      ...(o.allowUnsupportedRegion ? { allowUnsupportedRegion: true } : {}),
      ...(o.state ? { state: o.state } : {}),
      ...(o.stateKmsKey ? { stateKmsKey: o.stateKmsKey } : {}),
      ...(notifyTopics.length > 0 ? { notifyTopics } : {}),
    });
    ctx.out(JSON.stringify(policy, null, ctx.json ? undefined : 2));
    return 0;
  });
}
