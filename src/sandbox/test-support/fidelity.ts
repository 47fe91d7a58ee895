import {
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type DescribeChangeSetCommandOutput,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { rootTemplateUrl } from '../s3/panther-buckets.js';
import { CAPABILITIES, previousValues } from './clients.js';

/** What an SDK call failed with: the error code (name), its message and the HTTP status. */
export async function sdkError(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}) };
  }
  throw new Error('expected the call to fail');
}

/** UpdateStack of panther-root to `version`, every other parameter kept. */
export async function updateRoot(cfn: CloudFormationClient, version: string, extra: { ParameterKey: string; ParameterValue: string }[] = [], more: { DisableRollback?: boolean } = {}) {
  const params = await previousValues(cfn, 'panther-root', extra.map((e) => e.ParameterKey));
  return cfn.send(
    new UpdateStackCommand({
      StackName: 'panther-root',
      TemplateURL: rootTemplateUrl(version, 'us-east-2'),
      Parameters: [...params, ...extra],
      Capabilities: [...CAPABILITIES],
      Tags: [
        { Key: 'PantherVersion', Value: version },
        { Key: 'Application', Value: 'Panther' },
      ],
      ...more,
    }),
  );
}

export async function events(cfn: CloudFormationClient, stack: string): Promise<StackEvent[]> {
  return (await cfn.send(new DescribeStackEventsCommand({ StackName: stack }))).StackEvents ?? [];
}

/** The live nested stack of panther-root with this logical id (its generated name and id). */
export async function nested(cfn: CloudFormationClient, logicalId: string): Promise<{ name: string; id: string; status: string }> {
  const root = (await cfn.send(new DescribeStacksCommand({ StackName: 'panther-root' }))).Stacks?.[0];
  const summaries = (await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
  const s = summaries.find((x) => x.ParentId === root?.StackId && x.StackName?.startsWith(`panther-root-${logicalId}-`) && x.StackStatus !== 'DELETE_COMPLETE');
  if (!s?.StackName || !s.StackId) throw new Error(`no nested stack ${logicalId}`);
  return { name: s.StackName, id: s.StackId, status: s.StackStatus ?? '' };
}

/** Polls a change set until it leaves CREATE_PENDING / CREATE_IN_PROGRESS. */
export async function settledChangeSet(cfn: CloudFormationClient, changeSetName: string, stackName?: string): Promise<DescribeChangeSetCommandOutput> {
  for (;;) {
    const cs = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: changeSetName, ...(stackName ? { StackName: stackName } : {}) }));
    if (cs.Status !== 'CREATE_PENDING' && cs.Status !== 'CREATE_IN_PROGRESS') return cs;
    await new Promise((r) => setTimeout(r, 10));
  }
}
