import { describe, expect, it } from 'vitest';
import { ActivityLog } from '../activity-log.js';
import { FaultBook, validateFaults } from '../faults.js';
import { Random } from '../random.js';
import { S3Store } from '../s3/s3-store.js';
import { ManualScheduler } from '../scheduler.js';
import { CloudFormationEngine } from './engine.js';

const TEMPLATE = JSON.stringify({
  Parameters: { Size: { Type: 'Number', Default: '1' } },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { Size: { Ref: 'Size' } } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { Size: { Ref: 'Size' } } },
    Function: { Type: 'AWS::Lambda::Function', DependsOn: 'Queue', Properties: { Size: { Ref: 'Size' } } },
  },
});

function engine(faults: unknown[] = []) {
  const clock = new ManualScheduler(Date.UTC(2024, 0, 1));
  const random = new Random(1);
  const book = new FaultBook(random);
  book.replace(validateFaults({ faults }, 'test'));
  const cfn = new CloudFormationEngine({
    scheduler: clock,
    region: 'us-east-2',
    accountId: '123456789012',
    random,
    s3: new S3Store(() => clock.now()),
    faults: book,
    activity: new ActivityLog(() => clock.now()),
    onChange: () => {},
  });
  return { cfn, clock };
}

const statuses = (cfn: CloudFormationEngine, name: string) =>
  cfn.requireStack(name).events.map((e) => `${e.logicalId}:${e.status}${e.reason ? `(${e.reason})` : ''}`);

describe('stack operations on a manual clock', () => {
  it('take simulated time and honour DependsOn', () => {
    const { cfn, clock } = engine();
    cfn.createStack({ stackName: 's', templateBody: TEMPLATE, parameters: [], capabilities: [] });
    clock.advance(6_000);
    expect(cfn.requireStack('s').status).toBe('CREATE_IN_PROGRESS');
    // 1 s to start, then Queue (5 s) is done and Function starts after it; Table (14 s) still runs.
    expect(cfn.requireStack('s').resources.Queue?.status).toBe('CREATE_COMPLETE');
    clock.advance(30_000);
    expect(cfn.requireStack('s').status).toBe('CREATE_COMPLETE');
    const events = cfn.requireStack('s').events;
    const at = (id: string, status: string) => events.find((e) => e.logicalId === id && e.status === status)?.timestamp ?? 0;
    expect(at('Function', 'CREATE_IN_PROGRESS')).toBeGreaterThanOrEqual(at('Queue', 'CREATE_COMPLETE'));
    expect(at('s', 'CREATE_COMPLETE') - at('s', 'CREATE_IN_PROGRESS')).toBe(20_000);
  });

  it('cancel siblings on failure and roll back to the previous parameters', () => {
    const { cfn, clock } = engine([{ kind: 'fail-resource', stack: 's', logicalId: 'Queue' }]);
    cfn.createStack({ stackName: 's', templateBody: TEMPLATE, parameters: [], capabilities: [] });
    clock.drain();
    expect(cfn.requireStack('s').status).toBe('ROLLBACK_COMPLETE');
    expect(statuses(cfn, 's')).toContain('Table:CREATE_FAILED(Resource creation cancelled)');

    cfn.createStack({ stackName: 't', templateBody: TEMPLATE, parameters: [], capabilities: [] });
    clock.drain();
    cfn.updateStack({ stackName: 't', usePreviousTemplate: true, parameters: [{ key: 'Size', value: '2' }], capabilities: [] });
    clock.drain();
    const t = cfn.requireStack('t');
    expect(t.status).toBe('UPDATE_COMPLETE');
    expect(t.parameters.Size).toBe('2');
    expect(() => cfn.updateStack({ stackName: 't', usePreviousTemplate: true, parameters: [{ key: 'Size', value: '2' }], capabilities: [] })).toThrow(
      'No updates are to be performed.',
    );
  });

  it('fail an update for a target version, cancel the sibling in flight and restore the old values', () => {
    const { cfn, clock } = engine([{ kind: 'fail-resource', stack: 'u', logicalId: 'Queue', version: 'v2.0.0', reason: 'boom' }]);
    const tags = (v: string) => [{ Key: 'PantherVersion', Value: v }];
    cfn.createStack({ stackName: 'u', templateBody: TEMPLATE, parameters: [], capabilities: [], tags: tags('v1.0.0') });
    clock.drain();
    expect(cfn.requireStack('u').status).toBe('CREATE_COMPLETE');
    cfn.updateStack({ stackName: 'u', usePreviousTemplate: true, parameters: [{ key: 'Size', value: '3' }], capabilities: [], tags: tags('v2.0.0') });
    clock.drain();
    const u = cfn.requireStack('u');
    expect(u.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(u.parameters.Size).toBe('1');
    expect(u.tags).toEqual(tags('v1.0.0'));
    const update = statuses(cfn, 'u').slice(statuses(cfn, 'u').indexOf('u:UPDATE_IN_PROGRESS(User Initiated)'));
    expect(update).toEqual([
      'u:UPDATE_IN_PROGRESS(User Initiated)',
      'Table:UPDATE_IN_PROGRESS',
      'Queue:UPDATE_IN_PROGRESS',
      'Queue:UPDATE_FAILED(boom)',
      'Table:UPDATE_FAILED(Resource update cancelled)',
      'u:UPDATE_ROLLBACK_IN_PROGRESS(The following resource(s) failed to update: [Queue, Table].)',
      'Table:UPDATE_IN_PROGRESS',
      'Queue:UPDATE_IN_PROGRESS',
      'Queue:UPDATE_COMPLETE',
      'Table:UPDATE_COMPLETE',
      'u:UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'u:UPDATE_ROLLBACK_COMPLETE',
    ]);
  });
});
