import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, isAwsError } from './aws-error.js';
import { handleCloudFormation, stackOf } from './cloudformation/handler.js';
import { handleCodeBuild, projectOf } from './codebuild/handler.js';
import { handleLogs, logGroupOf, LOGS_TARGET_PREFIX } from './logs/handler.js';
import { handleSns, SNS_ACTIONS, SNS_NS } from './sns/handler.js';
import { parseFaults } from './faults.js';
import { QueryParams } from './query-params.js';
import { handleLambda, lambdaAction } from './lambda/handler.js';
import { handleS3, s3Action, s3ErrorXml, s3Target } from './s3/handler.js';
import type { Sandbox } from './sandbox.js';
import { SandboxFleet } from './fleet.js';
import type { Principal } from './sts/sts-engine.js';
import { handleSts } from './sts/handler.js';
import { isSandboxError } from './sandbox-error.js';
import { escapeXml } from './xml.js';

/** Request bodies above this are refused (413) without being buffered. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** S3 uploads may be larger: templates up to CloudFormation's own 1 MB limit, with room. */
const MAX_S3_BODY_BYTES = 16 * 1024 * 1024;
/** Past this, the connection is cut rather than drained. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

const CFN_NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const CODEBUILD_PREFIX = 'CodeBuild_20161006.';

type Protocol = 'query' | 'json' | 's3' | 'rest-json';

interface Body {
  bytes: Buffer;
  tooLarge: boolean;
}

function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve({ bytes: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
    req.on('close', () => resolve({ bytes: Buffer.concat(chunks), tooLarge }));
  });
}

/**
 * The access key, region and service of a SigV4 credential scope
 * (`Credential=AKID/date/region/service/aws4_request`, as the Signature Version 4 signing
 * process defines it). The sandbox checks no signature; it reads who signed and for where.
 */
export function credential(auth: string | undefined): { accessKeyId?: string; region?: string; service?: string } {
  if (!auth) return {};
  const m = /Credential=([^/,\s]+)\/[^/]*\/([^/,\s]*)\/([^/,\s]+)\//.exec(auth);
  return m ? { accessKeyId: m[1] as string, ...(m[2] ? { region: m[2] } : {}), service: m[3] as string } : {};
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const VIRTUAL_BUCKET_HOST = /^.+?\.(?:s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com|localhost)(?::\d+)?$/i;

function protocolOf(req: IncomingMessage, path: string, service: string | undefined): Protocol {
  if (header(req, 'x-amz-target') !== undefined) return 'json';
  if (service === 's3') return 's3';
  // Lambda speaks rest-json (botocore lambda/2015-03-31 metadata): signed for `lambda`, or its versioned paths.
  if (service === 'lambda' || /^\/20\d\d-\d\d-\d\d\//.test(path)) return 'rest-json';
  const contentType = header(req, 'content-type') ?? '';
  const host = header(req, 'host') ?? '';
  if (req.method === 'POST' && path === '/' && !VIRTUAL_BUCKET_HOST.test(host)) {
    if (contentType.startsWith('application/x-www-form-urlencoded') || service === 'cloudformation' || service === 'sts' || service === 'sns') return 'query';
  }
  if (service === 'codebuild' || service === 'logs') return 'json';
  if (service === 'cloudformation' || service === 'sts' || service === 'sns') return 'query';
  return 's3';
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string, head = false): void {
  if (res.headersSent || res.destroyed) return;
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, ...(payload && !headers['content-length'] ? { 'content-length': String(payload.length) } : {}) });
  res.end(head ? undefined : payload);
}

function queryError(err: AwsError, requestId: string, ns: string): string {
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${err.type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

function internal(err: unknown): AwsError {
  const message = err instanceof Error ? err.message : String(err);
  return new AwsError('InternalFailure', `The sandbox failed to process the request: ${message}`, 500, 'Receiver');
}

// CloudWatch Logs throttles GetLogEvents with ThrottlingException "Rate exceeded", HTTP 400
// (PrefectHQ/prefect#17780, dbhowell/pino-cloudwatch#4 quote the answer); SNS with Throttled,
// HTTP 429 (botocore sns/2010-03-31 ThrottledException: code "Throttled"); Lambda with
// TooManyRequestsException, HTTP 429 (botocore lambda/2015-03-31 error shapes).
const throttle = (svc: string) =>
  svc === 'lambda'
    ? new AwsError('TooManyRequestsException', 'Rate exceeded', 429)
    : new AwsError(
        svc === 'codebuild' || svc === 'logs' ? 'ThrottlingException' : svc === 's3' ? 'SlowDown' : svc === 'sns' ? 'Throttled' : 'Throttling',
        svc === 's3' ? 'Please reduce your request rate.' : 'Rate exceeded',
        svc === 's3' ? 503 : svc === 'sns' ? 429 : 400,
      );
const serverError = (svc: string, status: number) =>
  new AwsError(
    status === 503
      ? svc === 's3'
        ? 'ServiceUnavailable'
        : svc === 'codebuild' || svc === 'logs'
          ? 'ServiceUnavailableException'
          : 'ServiceUnavailable'
      : svc === 's3' || svc === 'sns'
        ? 'InternalError'
        : 'InternalFailure',
    status === 503 ? 'Service is unavailable. Please try again later.' : 'We encountered an internal error. Please try again.',
    status,
    'Receiver',
  );

/** Which cell serves a request: the one sandbox, or a fleet's cell by account and region (fleet.ts). */
interface Router {
  route(accessKeyId: string | undefined, region: string | undefined, assumeRoleArn?: string): Sandbox;
  /** Who signed: the cell's session or user; a caller of another cell's account keeps its own account (AssumeRole across accounts). */
  principalOf(cell: Sandbox, accessKeyId: string | undefined): Principal;
  /** The cell admin endpoints act on (`?account=&region=`; default the first). */
  admin(account: string | undefined, region: string | undefined): Sandbox;
  reset(): void;
}

function routerOf(target: Sandbox | SandboxFleet): Router {
  if (!(target instanceof SandboxFleet)) {
    return { route: () => target, principalOf: (cell, key) => cell.sts.principalOf(key), admin: () => target, reset: () => target.reset() };
  }
  return {
    route: (key, region, roleArn) => target.route(key, region, roleArn),
    principalOf: (cell, key) => {
      // The caller's own cell knows its sessions; an AssumeRole into another account is judged by the caller's principal.
      const home = target.all().find((c) => key !== undefined && c.sts.sessions.has(key)) ?? target.route(key, cell.options.region);
      return home.sts.principalOf(key);
    },
    admin: (account, region) => (account ? target.cell(account, region ?? target.first.options.region) : target.first),
    reset: () => target.reset(),
  };
}

/** The request listener: routes to a protocol (and, for a fleet, to the account-region cell), applies faults, logs the call. */
export function createRequestListener(target: Sandbox | SandboxFleet): (req: IncomingMessage, res: ServerResponse) => void {
  const router = routerOf(target);
  return (req, res) => {
    handle(router, req, res).catch((err: unknown) => {
      // Last resort: a bug must still produce an answer and leave the server up.
      send(res, 500, { 'content-type': 'text/plain' }, `sandbox internal error: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  if (path.startsWith('/_sandbox/')) {
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
    return admin(router, router.admin(query.get('account') ?? undefined, query.get('region') ?? undefined), req, res, path);
  }

  const requestId = randomUUID();
  const cred = credential(header(req, 'authorization'));
  const protocol = protocolOf(req, path, cred.service);
  const body = await readBody(req, protocol === 's3' ? MAX_S3_BODY_BYTES : MAX_BODY_BYTES);
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));

  let service: string;
  let action: string;
  let stack: string | undefined;
  let project: string | undefined;
  let params: QueryParams | undefined;
  let json: Record<string, unknown> | undefined;
  let early: AwsError | undefined;
  let assumeRoleArn: string | undefined;

  if (protocol === 'json') {
    const target = header(req, 'x-amz-target') ?? '';
    const prefix = target.startsWith(CODEBUILD_PREFIX) ? CODEBUILD_PREFIX : target.startsWith(LOGS_TARGET_PREFIX) ? LOGS_TARGET_PREFIX : undefined;
    service = prefix === CODEBUILD_PREFIX ? 'codebuild' : prefix === LOGS_TARGET_PREFIX ? 'logs' : (cred.service ?? 'unknown');
    action = prefix ? target.slice(prefix.length) : target || 'Unknown';
    if (body.tooLarge) early = new AwsError('RequestEntityTooLarge', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, 413);
    else if (!prefix) early = new AwsError('UnknownOperationException', `Unknown operation ${target}`);
    else {
      try {
        const parsed: unknown = body.bytes.length === 0 ? {} : JSON.parse(body.bytes.toString('utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        json = parsed as Record<string, unknown>;
        // The call log names the resource: a CodeBuild project, or a log group.
        project = service === 'codebuild' ? projectOf(json) : logGroupOf(json);
      } catch {
        early = new AwsError('SerializationException', 'Start of structure or map found where not expected.');
      }
    }
  } else if (protocol === 'query') {
    const form = new URLSearchParams(body.tooLarge ? '' : body.bytes.toString('utf8'));
    action = form.get('Action') ?? 'Unknown';
    if (action === 'AssumeRole') assumeRoleArn = form.get('RoleArn') ?? undefined;
    service =
      action === 'GetCallerIdentity' || action === 'AssumeRole' || cred.service === 'sts'
        ? 'sts'
        : cred.service === 'sns' || (cred.service === undefined && SNS_ACTIONS.has(action))
          ? 'sns'
          : 'cloudformation';
    params = new QueryParams(form);
    // The call log names the resource: a stack, or (SNS) a topic.
    stack = service === 'sns' ? (form.get('TopicArn') ?? undefined) : stackOf(params);
    if (body.tooLarge) early = new AwsError('RequestEntityTooLarge', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, 413);
    else if (!form.get('Action')) early = new AwsError('MissingAction', 'Missing Action');
  } else if (protocol === 'rest-json') {
    service = 'lambda';
    action = lambdaAction(req.method ?? 'GET', path);
    if (body.tooLarge) early = new AwsError('RequestTooLargeException', `Request body exceeds the limit of ${MAX_BODY_BYTES} bytes`, 413);
  } else {
    service = 's3';
    let target: { bucket?: string; key?: string } = {};
    try {
      target = s3Target(header(req, 'host') ?? '', path);
    } catch (err) {
      early = isAwsError(err) ? err : internal(err);
    }
    action = s3Action(req.method ?? 'GET', target, query);
    if (body.tooLarge) early = new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.', 400);
  }

  // The account-region cell this request is for (one cell unless the sandbox holds a fleet).
  const sandbox = router.route(cred.accessKeyId, cred.region, assumeRoleArn);
  // Who made the call, as IAM would name them: an assumed role's session or the access key's user.
  const principal = router.principalOf(sandbox, cred.accessKeyId);
  const fault = sandbox.faults.forRequest(service, action);
  if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
  const record = (status: number, errorCode?: string) =>
    sandbox.activity.recordCall({
      service,
      action,
      ...(stack ? { stack } : {}),
      ...(project ? { project } : {}),
      principal: principal.arn,
      outcome: errorCode ? 'error' : 'ok',
      ...(errorCode ? { errorCode } : {}),
      status,
    });
  if (fault.effect?.kind === 'drop-connection') {
    record(0, 'ConnectionDropped');
    req.socket.destroy();
    return;
  }
  if (fault.effect?.kind === 'throttle') early ??= throttle(service);
  if (fault.effect?.kind === 'server-error') early ??= serverError(service, fault.effect.status);

  const fail = (err: AwsError) => {
    record(err.status, err.code);
    if (protocol === 'json') {
      send(res, err.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code }, JSON.stringify({ __type: err.code, message: err.message }));
    } else if (protocol === 'rest-json') {
      // rest-json errors: the code in x-amzn-ErrorType, `Type` User/Service and `message` in the body (botocore lambda shapes).
      send(res, err.status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code }, JSON.stringify({ Type: err.type === 'Sender' ? 'User' : 'Service', message: err.message }));
    } else if (protocol === 'query') {
      send(res, err.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, queryError(err, requestId, service === 'sts' ? STS_NS : service === 'sns' ? SNS_NS : CFN_NS));
    } else {
      send(res, err.status, { 'content-type': 'application/xml', ...err.headers, 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64') }, s3ErrorXml(err, requestId), req.method === 'HEAD');
    }
  };
  if (early) return fail(early);

  try {
    if (protocol === 'rest-json') {
      const out = handleLambda(sandbox.lambda, action);
      record(200);
      send(res, 200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, JSON.stringify(out));
    } else if (protocol === 'json') {
      const out =
        service === 'logs'
          ? handleLogs(sandbox.logs, { region: sandbox.options.region, accountId: sandbox.options.accountId }, action, json ?? {})
          : handleCodeBuild(sandbox.codebuild, sandbox.options.region, action, json ?? {});
      record(200);
      send(res, 200, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId }, JSON.stringify(out));
    } else if (protocol === 'query') {
      const xml =
        service === 'sts'
          ? handleSts(sandbox.sts, action, params as QueryParams, requestId, principal)
          : service === 'sns'
            ? handleSns(sandbox.sns, action, params as QueryParams, requestId)
            : handleCloudFormation(sandbox.cfn, action, params as QueryParams, requestId);
      record(200);
      send(res, 200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, xml);
    } else {
      const out = handleS3(
        sandbox.s3,
        { method: req.method ?? 'GET', host: header(req, 'host') ?? '', path, query, headers: req.headers, body: body.bytes, ...(cred.region ? { signingRegion: cred.region } : {}) },
        sandbox.options.region,
        { conditionalConflict: (a) => sandbox.faults.takeConditionalConflict(a) },
      );
      record(out.status);
      if (fault.effect?.kind === 'drop-response') {
        // Done, but the client never hears it (see faults.ts).
        req.socket.destroy();
        return;
      }
      send(res, out.status, { ...out.headers, 'x-amz-request-id': requestId, 'x-amz-id-2': Buffer.from(requestId).toString('base64') }, out.body ?? '', req.method === 'HEAD');
    }
  } catch (err) {
    fail(isAwsError(err) ? err : internal(err));
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, { 'content-type': 'application/json' }, JSON.stringify(value));
}

/** `/_sandbox/*`: JSON admin endpoints for tests and operators. Not logged as calls. */
async function admin(router: Router, sandbox: Sandbox, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path.replace(/\/$/, '')}`;
  const body = await readBody(req, MAX_BODY_BYTES);
  try {
    switch (route) {
      case 'GET /_sandbox/health':
        return sendJson(res, 200, {
          status: 'ok',
          region: sandbox.options.region,
          accountId: sandbox.options.accountId,
          speed: sandbox.options.speed,
          stacks: sandbox.cfn.liveStacks().length,
          activeOperations: sandbox.cfn.activeRuns(),
          pendingTimers: sandbox.scheduler.pending(),
          taskErrors: sandbox.taskErrors,
        });
      case 'GET /_sandbox/calls':
        return sendJson(res, 200, { calls: sandbox.activity.listCalls() });
      case 'GET /_sandbox/operations':
        return sendJson(res, 200, { operations: sandbox.activity.publicOperations() });
      case 'GET /_sandbox/sns':
        // Every message published, oldest first: what a subscriber would have received.
        return sendJson(res, 200, { topics: [...sandbox.sns.topics].sort(), messages: sandbox.sns.messages });
      case 'GET /_sandbox/faults':
        return sendJson(res, 200, { faults: sandbox.faults.list() });
      case 'PUT /_sandbox/faults':
      case 'POST /_sandbox/faults': {
        if (body.tooLarge) return sendJson(res, 413, { error: { code: 'too-large', message: 'Fault list too large' } });
        sandbox.installFaults(parseFaults(body.bytes.toString('utf8') || '{"faults":[]}', 'The request body'));
        return sendJson(res, 200, { faults: sandbox.faults.list() });
      }
      case 'DELETE /_sandbox/faults':
        sandbox.faults.clear();
        return sendJson(res, 200, { faults: [] });
      case 'POST /_sandbox/reset':
        router.reset();
        return sendJson(res, 200, { reset: true });
      case 'POST /_sandbox/settle':
        // Finishes every operation in flight now: for tests that do not want to wait.
        sandbox.scheduler.drain();
        return sendJson(res, 200, { settled: true });
      default:
        return sendJson(res, 404, { error: { code: 'not-found', message: `No admin endpoint ${route}` } });
    }
  } catch (err) {
    if (isSandboxError(err)) return sendJson(res, 400, err.toJSON());
    return sendJson(res, 500, { error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } });
  }
}
