import { describe, expect, it } from 'vitest';
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import { awsErrorCode, classifyAwsError, isRetryable } from './errors.js';

function sdkError(name: string, message: string, status = 400, fault: 'client' | 'server' = 'client'): Error {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status, requestId: 'req-1' } });
}

describe('classifyAwsError', () => {
  const cases: [Error, string][] = [
    [sdkError('ValidationError', 'Stack with id panther-root does not exist'), 'stack-not-found'],
    [sdkError('ValidationError', 'No updates are to be performed.'), 'no-updates'],
    [sdkError('Throttling', 'Rate exceeded'), 'throttled'],
    [sdkError('ThrottlingException', 'slow down'), 'throttled'],
    [sdkError('TooManyRequestsException', 'too many'), 'throttled'],
    [sdkError('SomethingElse', 'Rate exceeded'), 'throttled'],
    [sdkError('InternalFailure', 'oops', 500, 'server'), 'transient'],
    [sdkError('Weird', 'oops', 503, 'server'), 'transient'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'endpoint-unreachable'],
    [sdkError('TimeoutError', 'Connection timed out'), 'transient'],
    [sdkError('ExpiredToken', 'The security token included in the request is expired'), 'expired-credentials'],
    [sdkError('ExpiredTokenException', 'expired'), 'expired-credentials'],
    [sdkError('RequestExpired', 'Request has expired'), 'expired-credentials'],
    [sdkError('AccessDenied', 'User: x is not authorized to perform: cloudformation:UpdateStack', 403), 'access-denied'],
    [sdkError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_NAMED_IAM]'), 'insufficient-capabilities'],
    [sdkError('ValidationError', 'Parameter X must match pattern'), 'validation'],
    [sdkError('ValidationError', "The submitted information didn't contain changes. Submit different information to create a change set."), 'change-set-no-changes'],
    [sdkError('ValidationError', 'Stack:arn:aws:cloudformation:us-east-2:1:stack/panther-root/x is in UPDATE_IN_PROGRESS state and can not be updated.'), 'already-in-progress'],
    [sdkError('NoSuchKey', 'The specified key does not exist.', 404), 'template-not-found'],
    [sdkError('ChangeSetNotFoundException', 'ChangeSet [x] does not exist', 404), 'change-set-not-found'],
  ];
  it.each(cases)('%s -> %s', (err, code) => {
    expect(classifyAwsError(err).code).toBe(code);
  });

  it('expired credentials interrupt (exit 5) and say how to resume', () => {
    const e = classifyAwsError(sdkError('ExpiredToken', 'expired'), { operation: 'CloudFormation.DescribeStackEvents', stack: 'panther-root' });
    expect(e.source).toBe('interrupted');
    expect(e.exitCode).toBe(ExitCode.interrupted);
    expect(e.hint).toMatch(/pantherctl resume/);
    expect(e.meta).toMatchObject({ awsCode: 'ExpiredToken', operation: 'CloudFormation.DescribeStackEvents', stack: 'panther-root', requestId: 'req-1' });
  });

  it('names the operation and the stack in a one-line message', () => {
    const e = classifyAwsError(sdkError('ValidationError', 'bad\nthing'), { operation: 'CloudFormation.UpdateStack', stack: 'panther-root' });
    expect(e.message).toBe('CloudFormation.UpdateStack (panther-root): bad thing');
    expect(e.source).toBe('aws');
  });

  it('says what to check when AWS stays unreachable after the retries', () => {
    const e = classifyAwsError(Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.mars-1.amazonaws.com'), { code: 'ENOTFOUND' }), {
      operation: 'CloudFormation.ListStacks',
    });
    expect(e.code).toBe('transient');
    expect(e.exitCode).toBe(ExitCode.aws);
    expect(e.hint).toMatch(/--region/);
  });

  it('passes classified errors through unchanged', () => {
    const original = new PantherctlError('throttled', 'x', { source: 'aws' });
    expect(classifyAwsError(original)).toBe(original);
  });

  it('only throttled and transient are retryable', () => {
    expect(isRetryable(sdkError('Throttling', 'Rate exceeded'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(sdkError('ValidationError', 'No updates are to be performed.'))).toBe(false);
    expect(isRetryable(sdkError('ExpiredToken', 'expired'))).toBe(false);
    expect(isRetryable(classifyAwsError(sdkError('Throttling', 'Rate exceeded')))).toBe(true);
    expect(awsErrorCode('a string')).toBe('aws-error');
  });
});
