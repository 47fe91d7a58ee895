/**
 * A realistic two-hop upgrade for report tests: hop 1 (v1.26.9) updates the role stack, the
 * root stack with two nested stacks, and runs the build; hop 2 (v1.27.8) fails in a nested
 * stack (a Lambda reserved-concurrency refusal, whose reason also carries a `<script>` to
 * prove the report escapes it), the nested stack and the root roll back.
 */
import type { RunTimelineInput, TimelineBuild, TimelineJournalEntry, TimelineStackEvent } from '../run-timeline.js';

const day = '2027-01-14T';
export const at = (hms: string): string => `${day}${hms}.000Z`;

export const ACCOUNT = '123456789012';
const arn = (name: string, id: string): string => `arn:aws:cloudformation:us-east-2:${ACCOUNT}:stack/${name}/${id}`;
export const ROLE = { name: 'panther-deployment-role', id: arn('panther-deployment-role', 'r-1111') };
export const ROOT = { name: 'panther-root', id: arn('panther-root', 'p-2222') };
export const CORE = { name: 'panther-root-Core-1ABCDEF', id: arn('panther-root-Core-1ABCDEF', 'c-3333') };
export const WEB = { name: 'panther-root-Web-2GHIJKL', id: arn('panther-root-Web-2GHIJKL', 'w-4444') };

export const SCRIPT_REASON =
  'Resource handler returned message: "Specified ReservedConcurrentExecutions for function decreases account\'s UnreservedConcurrentExecution below its minimum value of [50]. <script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">" (RequestToken: 6f1c, HandlerErrorCode: InvalidRequest)';

let seq = 0;
const j = (time: string, type: string, extra: Partial<TimelineJournalEntry> = {}): TimelineJournalEntry => ({ seq: ++seq, time: at(time), run: 'run-a', type, ...extra });

export const journal: TimelineJournalEntry[] = [
  j('10:00:00', 'run.start', {
    command: 'upgrade',
    from: 'v1.25.18',
    to: 'v1.27.8',
    hops: ['v1.26.9', 'v1.27.8'],
    rootStack: ROOT.name,
    roleStack: ROLE.name,
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/PantherOps/jane`,
  }),
  j('10:00:05', 'step.requested', { step: 'update-role', hop: 'v1.26.9', clientRequestToken: 'tok-role-1' }),
  j('10:01:35', 'step.done', { step: 'update-role', hop: 'v1.26.9' }),
  j('10:01:40', 'step.requested', { step: 'create-change-set', hop: 'v1.26.9', clientRequestToken: 'tok-cs-1' }),
  j('10:02:10', 'step.done', { step: 'create-change-set', hop: 'v1.26.9' }),
  j('10:02:12', 'step.requested', { step: 'execute-change-set', hop: 'v1.26.9', clientRequestToken: 'tok-exec-1' }),
  j('10:20:00', 'step.done', { step: 'execute-change-set', hop: 'v1.26.9' }),
  j('10:20:05', 'step.requested', { step: 'start-build', hop: 'v1.26.9', clientRequestToken: 'tok-build-1' }),
  j('10:20:06', 'step.accepted', { step: 'start-build', hop: 'v1.26.9', buildId: 'panther-pulumi:b-1' }),
  j('10:32:00', 'step.done', { step: 'start-build', hop: 'v1.26.9' }),
  j('10:32:02', 'step.done', { step: 'verify', hop: 'v1.26.9', version: 'v1.26.9' }),
  j('10:32:03', 'hop.done', { hop: 'v1.26.9' }),
  j('10:32:05', 'step.requested', { step: 'update-role', hop: 'v1.27.8', clientRequestToken: 'tok-role-2' }),
  j('10:33:00', 'step.done', { step: 'update-role', hop: 'v1.27.8' }),
  j('10:33:05', 'step.requested', { step: 'create-change-set', hop: 'v1.27.8', clientRequestToken: 'tok-cs-2' }),
  j('10:33:30', 'step.done', { step: 'create-change-set', hop: 'v1.27.8' }),
  j('10:33:32', 'step.requested', { step: 'execute-change-set', hop: 'v1.27.8', clientRequestToken: 'tok-exec-2' }),
  j('10:45:00', 'step.failed', { step: 'execute-change-set', hop: 'v1.27.8', finalStatus: 'UPDATE_ROLLBACK_COMPLETE', rootCause: 'AlertsFunction failed' }),
  j('10:45:01', 'run.failed', { code: 'stack-rolled-back', hop: 'v1.27.8', state: 'panther-root rolled back to its previous version (UPDATE_ROLLBACK_COMPLETE)' }),
];

type Ev = Omit<TimelineStackEvent, 'stackId' | 'stackName' | 'time'> & { time: string };
const ev = (stack: { name: string; id: string }, time: string, logicalId: string, resourceType: string, status: string, extra: Partial<Ev> = {}): TimelineStackEvent => ({
  stackId: stack.id,
  stackName: stack.name,
  logicalId,
  resourceType,
  status,
  time: at(time),
  ...extra,
});
const own = (stack: { name: string; id: string }, time: string, status: string, extra: Partial<Ev> = {}): TimelineStackEvent =>
  ev(stack, time, stack.name, 'AWS::CloudFormation::Stack', status, { physicalId: stack.id, ...extra });
const S = 'AWS::CloudFormation::Stack';

export const stackEvents: TimelineStackEvent[] = [
  // Last month's update: before the run, so not in its timeline.
  own(ROOT, '09:00:00', 'UPDATE_COMPLETE'),
  ev(ROOT, '08:59:00', 'ApiGatewayAccount', 'AWS::ApiGateway::Account', 'UPDATE_COMPLETE'),

  // Hop 1, role stack.
  own(ROLE, '10:00:07', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-role-1' }),
  ev(ROLE, '10:00:10', 'DeploymentRole', 'AWS::IAM::Role', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-role-1' }),
  ev(ROLE, '10:01:20', 'DeploymentRole', 'AWS::IAM::Role', 'UPDATE_COMPLETE', { clientRequestToken: 'tok-role-1' }),
  own(ROLE, '10:01:25', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', { clientRequestToken: 'tok-role-1' }),
  own(ROLE, '10:01:30', 'UPDATE_COMPLETE', { clientRequestToken: 'tok-role-1' }),

  // Hop 1, root stack and its nested stacks.
  own(ROOT, '10:02:15', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-exec-1' }),
  ev(ROOT, '10:02:20', 'ApiGatewayAccount', 'AWS::ApiGateway::Account', 'UPDATE_IN_PROGRESS'),
  ev(ROOT, '10:02:50', 'ApiGatewayAccount', 'AWS::ApiGateway::Account', 'UPDATE_COMPLETE'),
  ev(ROOT, '10:02:20', 'Core', S, 'UPDATE_IN_PROGRESS', { physicalId: CORE.id }),
  ev(ROOT, '10:02:21', 'Web', S, 'UPDATE_IN_PROGRESS', { physicalId: WEB.id }),
  own(CORE, '10:02:25', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:02:30', 'AlertsFunction', 'AWS::Lambda::Function', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:04:00', 'AlertsFunction', 'AWS::Lambda::Function', 'UPDATE_COMPLETE'),
  ev(CORE, '10:02:30', 'LogProcessorQueue', 'AWS::SQS::Queue', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:03:00', 'LogProcessorQueue', 'AWS::SQS::Queue', 'UPDATE_COMPLETE'),
  ev(CORE, '10:03:00', 'GraphApi', 'AWS::AppSync::GraphQLApi', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:14:00', 'GraphApi', 'AWS::AppSync::GraphQLApi', 'UPDATE_COMPLETE'),
  own(CORE, '10:14:50', 'UPDATE_COMPLETE'),
  ev(ROOT, '10:15:00', 'Core', S, 'UPDATE_COMPLETE', { physicalId: CORE.id }),
  own(WEB, '10:02:26', 'UPDATE_IN_PROGRESS'),
  ev(WEB, '10:02:30', 'WebService', 'AWS::ECS::Service', 'UPDATE_IN_PROGRESS'),
  ev(WEB, '10:07:30', 'WebService', 'AWS::ECS::Service', 'UPDATE_COMPLETE'),
  own(WEB, '10:07:50', 'UPDATE_COMPLETE'),
  ev(ROOT, '10:08:00', 'Web', S, 'UPDATE_COMPLETE', { physicalId: WEB.id }),
  own(ROOT, '10:19:40', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
  own(ROOT, '10:19:50', 'UPDATE_COMPLETE', { clientRequestToken: 'tok-exec-1' }),

  // Hop 2, role stack.
  own(ROLE, '10:32:08', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-role-2' }),
  ev(ROLE, '10:32:10', 'DeploymentRole', 'AWS::IAM::Role', 'UPDATE_IN_PROGRESS'),
  ev(ROLE, '10:32:40', 'DeploymentRole', 'AWS::IAM::Role', 'UPDATE_COMPLETE'),
  own(ROLE, '10:32:50', 'UPDATE_COMPLETE', { clientRequestToken: 'tok-role-2' }),

  // Hop 2, root stack: Core fails, everything rolls back.
  own(ROOT, '10:33:35', 'UPDATE_IN_PROGRESS', { clientRequestToken: 'tok-exec-2' }),
  ev(ROOT, '10:33:40', 'Core', S, 'UPDATE_IN_PROGRESS', { physicalId: CORE.id }),
  own(CORE, '10:33:45', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:33:50', 'AlertsFunction', 'AWS::Lambda::Function', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:36:00', 'AlertsFunction', 'AWS::Lambda::Function', 'UPDATE_FAILED', { reason: SCRIPT_REASON }),
  ev(CORE, '10:34:00', 'GraphApi', 'AWS::AppSync::GraphQLApi', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:36:01', 'GraphApi', 'AWS::AppSync::GraphQLApi', 'UPDATE_FAILED', { reason: 'Resource update cancelled' }),
  own(CORE, '10:36:02', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to update: [AlertsFunction].' }),
  ev(ROOT, '10:36:05', 'Core', S, 'UPDATE_FAILED', { physicalId: CORE.id, reason: `Embedded stack ${CORE.id} was not successfully updated.` }),
  own(ROOT, '10:36:06', 'UPDATE_ROLLBACK_IN_PROGRESS', { reason: 'The following resource(s) failed to update: [Core].' }),
  ev(CORE, '10:36:10', 'AlertsFunction', 'AWS::Lambda::Function', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:37:00', 'AlertsFunction', 'AWS::Lambda::Function', 'UPDATE_COMPLETE'),
  ev(CORE, '10:36:10', 'GraphApi', 'AWS::AppSync::GraphQLApi', 'UPDATE_IN_PROGRESS'),
  ev(CORE, '10:38:00', 'GraphApi', 'AWS::AppSync::GraphQLApi', 'UPDATE_COMPLETE'),
  own(CORE, '10:40:00', 'UPDATE_ROLLBACK_COMPLETE'),
  ev(ROOT, '10:36:08', 'Core', S, 'UPDATE_IN_PROGRESS', { physicalId: CORE.id }),
  ev(ROOT, '10:40:05', 'Core', S, 'UPDATE_COMPLETE', { physicalId: CORE.id }),
  own(ROOT, '10:44:40', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'),
  own(ROOT, '10:44:50', 'UPDATE_ROLLBACK_COMPLETE', { clientRequestToken: 'tok-exec-2' }),
].reverse(); // DescribeStackEvents lists newest first; the timeline must not depend on order.

const phase = (type: string, start: string, end: string | undefined, status = 'SUCCEEDED', message?: string) => ({
  type,
  status,
  startTime: at(start),
  ...(end ? { endTime: at(end), durationSeconds: Math.round((Date.parse(at(end)) - Date.parse(at(start))) / 1000) } : {}),
  ...(message ? { message } : {}),
});

export const builds: TimelineBuild[] = [
  {
    id: 'panther-pulumi:b-1',
    status: 'SUCCEEDED',
    startTime: at('10:20:06'),
    endTime: at('10:31:58'),
    phases: [
      phase('SUBMITTED', '10:20:06', '10:20:07'),
      phase('QUEUED', '10:20:07', '10:20:10'),
      phase('PROVISIONING', '10:20:10', '10:21:00'),
      phase('DOWNLOAD_SOURCE', '10:21:00', '10:21:10'),
      phase('INSTALL', '10:21:10', '10:23:00'),
      phase('PRE_BUILD', '10:23:00', '10:23:30'),
      phase('BUILD', '10:23:30', '10:31:00'),
      phase('POST_BUILD', '10:31:00', '10:31:20'),
      phase('UPLOAD_ARTIFACTS', '10:31:20', '10:31:30'),
      phase('FINALIZING', '10:31:30', '10:31:58'),
      { type: 'COMPLETED', startTime: at('10:31:58') },
    ],
  },
];

export const sampleInput: RunTimelineInput = { journal, stackEvents, builds };
