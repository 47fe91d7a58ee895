/**
 * The one place where raw AWS SDK failures become domain errors. Every gateway call passes
 * its failure through `classifyAwsError`, so the rest of pantherctl matches on stable codes
 * (`no-updates`, `throttled`, `expired-credentials`, ...) instead of SDK exception names or
 * message text.
 */
import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';

export type AwsErrorCode =
  | 'stack-not-found'
  | 'no-updates'
  | 'throttled'
  | 'transient'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'no-credentials'
  | 'access-denied'
  | 'insufficient-capabilities'
  | 'validation'
  | 'change-set-no-changes'
  | 'change-set-not-found'
  | 'invalid-change-set-status'
  | 'already-in-progress'
  | 'already-exists'
  | 'token-already-used'
  | 'limit-exceeded'
  | 'template-not-found'
  | 'build-project-not-found'
  | 'build-not-found'
  | 'endpoint-unreachable'
  | 'interrupted'
  | 'aws-error';

/** Where a failed call came from; only for the message and `meta`. */
export interface AwsCallContext {
  /** `CloudFormation.UpdateStack`, `CodeBuild.StartBuild`, `S3.GetObject`, ... */
  operation?: string;
  stack?: string;
  /** Resource named in the call (bucket/key, project, build id). */
  resource?: string;
}

const THROTTLING_NAMES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
]);
const EXPIRED_NAMES = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID_CREDENTIAL_NAMES = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'IncompleteSignature',
  'AuthFailure',
]);
const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'AuthorizationError',
  'Forbidden',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'PriorRequestNotComplete',
  'IDPCommunicationError',
]);

const RESUME_HINT = 'The stack operation continues in AWS; refresh your credentials, then run `pantherctl resume`.';

interface RawAwsError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  cause?: unknown;
}

function raw(err: unknown): RawAwsError {
  return typeof err === 'object' && err !== null ? (err as RawAwsError) : { message: String(err) };
}

/** A short one-line text of any thrown value (SDK messages may contain newlines). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function prefix(ctx: AwsCallContext): string {
  const where = ctx.stack ?? ctx.resource;
  if (ctx.operation && where) return `${ctx.operation} (${where}): `;
  if (ctx.operation) return `${ctx.operation}: `;
  return '';
}

/** Network-level codes may be on the error itself or on its cause. */
function networkCode(e: RawAwsError): string | undefined {
  if (e.code && (NETWORK_CODES.has(e.code) || e.code === 'ECONNREFUSED')) return e.code;
  const cause = e.cause ? raw(e.cause) : undefined;
  if (cause?.code && (NETWORK_CODES.has(cause.code) || cause.code === 'ECONNREFUSED')) return cause.code;
  return undefined;
}

/** Picks the domain code for a raw failure. Exposed for tests and for `isRetryable`. */
export function awsErrorCode(err: unknown): AwsErrorCode {
  if (isPantherctlError(err)) return err.code as AwsErrorCode;
  const e = raw(err);
  const name = e.name ?? e.code ?? '';
  const message = e.message ?? '';
  const status = e.$metadata?.httpStatusCode;

  if (name === 'AbortError' || name === 'AbortSignal') return 'interrupted';
  if (THROTTLING_NAMES.has(name) || /rate exceeded/i.test(message) || status === 429) return 'throttled';
  if (EXPIRED_NAMES.has(name) || /security token included in the request is expired|token has expired|request has expired/i.test(message)) {
    return 'expired-credentials';
  }
  if (INVALID_CREDENTIAL_NAMES.has(name)) return 'invalid-credentials';
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) return 'no-credentials';
  if (ACCESS_DENIED_NAMES.has(name) || /not authorized to perform/i.test(message)) return 'access-denied';
  if (name === 'InsufficientCapabilitiesException' || /requires capabilities/i.test(message)) return 'insufficient-capabilities';
  if (name === 'ChangeSetNotFoundException' || name === 'ChangeSetNotFound') return 'change-set-not-found';
  if (name === 'InvalidChangeSetStatusException' || name === 'InvalidChangeSetStatus') return 'invalid-change-set-status';
  if (name === 'AlreadyExistsException' || name === 'NameAlreadyExistsException' || name === 'ResourceAlreadyExistsException') {
    return 'already-exists';
  }
  if (name === 'TokenAlreadyExistsException') return 'token-already-used';
  if (name === 'LimitExceededException' || name === 'AccountLimitExceededException') return 'limit-exceeded';
  if (name === 'NoSuchKey' || name === 'NoSuchBucket' || (name === 'NotFound' && status === 404)) return 'template-not-found';
  if (/^Stack (with id )?.+ does not exist/i.test(message) || name === 'StackNotFoundException') return 'stack-not-found';
  if (/No updates are to be performed/i.test(message)) return 'no-updates';
  if (/didn't contain changes|did not contain changes/i.test(message)) return 'change-set-no-changes';
  if (/_IN_PROGRESS state and can ?not be updated/i.test(message) || name === 'OperationInProgressException') {
    return 'already-in-progress';
  }
  // CodeBuild only says ResourceNotFoundException for an unknown project.
  if (name === 'ResourceNotFoundException') return 'build-project-not-found';
  if (name === 'ValidationError' || name === 'ValidationException' || name === 'InvalidInputException') return 'validation';
  const net = networkCode(e);
  if (net === 'ECONNREFUSED') return 'endpoint-unreachable';
  if (net) return 'transient';
  if (TRANSIENT_NAMES.has(name) || /socket hang up|ECONNRESET|timed? ?out/i.test(message)) return 'transient';
  if (e.$fault === 'server' || (status !== undefined && status >= 500)) return 'transient';
  return 'aws-error';
}

function hintFor(code: AwsErrorCode, ctx: AwsCallContext): string | undefined {
  switch (code) {
    case 'expired-credentials':
      return RESUME_HINT;
    case 'invalid-credentials':
    case 'no-credentials':
      return 'Check the AWS credentials in use (`--profile`, AWS_PROFILE, or environment variables).';
    case 'access-denied':
      return 'Run `pantherctl iam-policy` to see the permissions pantherctl needs.';
    case 'throttled':
      return 'AWS kept throttling the call; try again in a few minutes.';
    case 'endpoint-unreachable':
      return 'Nothing answers at the endpoint; check `--endpoint-url` (is the sandbox running?).';
    case 'transient':
      // Only seen once retries ran out: the network or the service stayed unavailable.
      return 'AWS could not be reached or kept failing after retries; check the network, `--region` and `--endpoint-url`, then try again (`pantherctl resume` continues a run).';
    case 'stack-not-found':
      return ctx.stack ? `Check the stack name and the region (\`--region\`).` : undefined;
    case 'already-in-progress':
      return 'Wait for the running operation to finish (`pantherctl status`), then try again.';
    default:
      return undefined;
  }
}

/**
 * Turns any failure of an AWS call into a PantherctlError with a stable code. Already
 * classified errors pass through untouched, so classifying twice is harmless.
 */
export function classifyAwsError(err: unknown, ctx: AwsCallContext = {}): PantherctlError {
  if (isPantherctlError(err)) return err;
  const e = raw(err);
  const code = awsErrorCode(err);
  const awsCode = e.name ?? e.code;
  const rawMessage = oneLine(e.message ?? String(err)) || awsCode || 'unknown error';
  const text =
    code === 'expired-credentials'
      ? `AWS credentials expired during ${ctx.operation ?? 'a call'}: ${rawMessage}`
      : code === 'interrupted'
        ? 'Interrupted.'
        : `${prefix(ctx)}${rawMessage}`;
  const meta: Record<string, unknown> = {};
  if (awsCode) meta.awsCode = awsCode;
  if (ctx.operation) meta.operation = ctx.operation;
  if (ctx.stack) meta.stack = ctx.stack;
  if (e.$metadata?.httpStatusCode !== undefined) meta.httpStatus = e.$metadata.httpStatusCode;
  if (e.$metadata?.requestId) meta.requestId = e.$metadata.requestId;
  const hint = hintFor(code, ctx);
  // The source (and with it the exit code) is the code's declaration (errors/error-codes.ts):
  // expired credentials interrupt rather than fail, since the operation goes on and `resume` picks it up.
  return new PantherctlError(code, text, { meta, cause: err, ...(hint ? { hint } : {}) });
}

/** Throttling and transient failures are worth another attempt; everything else is final. */
export function isRetryable(err: unknown): boolean {
  const code = isPantherctlError(err) ? err.code : awsErrorCode(err);
  return code === 'throttled' || code === 'transient';
}
