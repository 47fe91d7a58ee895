import { AwsError } from '../aws-error.js';
import { el, escapeXml, isoTime } from '../xml.js';
import { accessDenied, noSuchBucket, type S3Bucket, type S3Encryption, type S3Object, type S3Store } from './s3-store.js';

export interface S3Request {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The region of the request's SigV4 credential scope; undefined for unsigned requests. */
  signingRegion?: string;
}

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const VIRTUAL_HOST = /^(.+?)\.(?:s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com|localhost)$/;

/** Bucket and key of a request, virtual-host style (`bucket.s3.amazonaws.com`, `bucket.localhost`) or path style. */
export function s3Target(host: string, path: string): { bucket?: string; key?: string } {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const vh = VIRTUAL_HOST.exec(hostname);
  const decoded = safeDecode(path);
  if (vh) {
    const key = decoded.slice(1);
    return key ? { bucket: vh[1] as string, key } : { bucket: vh[1] as string };
  }
  const rest = decoded.slice(1);
  if (!rest) return {};
  const slash = rest.indexOf('/');
  if (slash < 0) return { bucket: rest };
  const key = rest.slice(slash + 1);
  return key ? { bucket: rest.slice(0, slash), key } : { bucket: rest.slice(0, slash) };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** The S3 operation a request is, for the call log and fault matching. */
export function s3Action(method: string, target: { bucket?: string; key?: string }, query: URLSearchParams): string {
  if (!target.bucket) return method === 'GET' ? 'ListBuckets' : 'Unknown';
  if (!target.key) {
    switch (method) {
      case 'GET':
        return query.has('location') ? 'GetBucketLocation' : query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
      case 'HEAD':
        return 'HeadBucket';
      case 'PUT':
        return 'CreateBucket';
      case 'DELETE':
        return 'DeleteBucket';
      default:
        return 'Unknown';
    }
  }
  switch (method) {
    case 'GET':
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      return 'PutObject';
    case 'DELETE':
      return 'DeleteObject';
    default:
      return 'Unknown';
  }
}

/** `aws-chunked` bodies (streaming uploads of SDK v3) carry the data between chunk headers. */
function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  while (pos < body.length) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) break;
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function header(h: S3Request['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A request signed for another region than the bucket's: 301 PermanentRedirect, with the
 * bucket's region in `x-amz-bucket-region` and its endpoint in the body. The full answer as
 * S3 sends it is quoted in yanganto/s3rs#18 (`Status: 301 Moved Permanently`,
 * `x-amz-bucket-region`, `<Code>PermanentRedirect</Code>`, `<Endpoint>`, `<Bucket>`); AWS SDK
 * v3 follows it only with `followRegionRedirects: true` (aws/aws-sdk-js-v3
 * packages/middleware-sdk-s3/src/s3Configuration.ts defaults it to false;
 * region-redirect-middleware.ts reads the header on a 301).
 */
function permanentRedirect(bucket: S3Bucket): AwsError {
  return new AwsError(
    'PermanentRedirect',
    'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
    301,
    'Sender',
    { Endpoint: `${bucket.name}.s3.${bucket.region}.amazonaws.com`, Bucket: bucket.name },
    { 'x-amz-bucket-region': bucket.region },
  );
}

/** A region named by `<CreateBucketConfiguration><LocationConstraint>`; none means us-east-1. */
function locationConstraint(body: Buffer): string | undefined {
  const m = /<LocationConstraint>\s*([a-z0-9-]*)\s*<\/LocationConstraint>/.exec(body.toString('utf8'));
  return m?.[1] || undefined;
}

/** What the server lends the handler: injected faults that only make sense inside an operation. */
export interface S3Hooks {
  /** Whether this conditional write meets an injected 409 ConditionalRequestConflict. */
  conditionalConflict?: (action: string) => boolean;
}

/** S3 REST: enough to publish and read templates, as the SDK and the CLI do it. */
export function handleS3(store: S3Store, req: S3Request, region: string, hooks: S3Hooks = {}): S3Response {
  const target = s3Target(req.host, req.path);
  const action = s3Action(req.method, target, req.query);
  const xml = (body: string): S3Response => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` });
  const bucket = target.bucket ? store.buckets.get(target.bucket) : undefined;
  // ListBuckets and GetBucketLocation answer from any region: the latter is how a client learns
  // where a bucket is (see UNVERIFIED.md for GetBucketLocation across regions).
  if (bucket && req.signingRegion && req.signingRegion !== bucket.region && action !== 'GetBucketLocation' && action !== 'CreateBucket') {
    throw permanentRedirect(bucket);
  }
  switch (action) {
    case 'ListBuckets': {
      const buckets = [...store.buckets.values()].map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', isoTime(b.creationDate))}</Bucket>`).join('');
      return xml(`<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>sandbox</ID><DisplayName>sandbox</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
    }
    case 'CreateBucket': {
      // The bucket namespace is global: a name another account holds is taken (botocore
      // s3 CreateBucket errors: BucketAlreadyExists, BucketAlreadyOwnedByYou).
      if (bucket?.foreign) {
        throw new AwsError('BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', 409, 'Sender', { BucketName: bucket.name });
      }
      store.createBucket(target.bucket as string, locationConstraint(req.body) ?? req.signingRegion ?? region);
      return { status: 200, headers: { location: `/${target.bucket}` } };
    }
    case 'HeadBucket':
      if (!bucket) throw noSuchBucket(target.bucket as string);
      return { status: 200, headers: { 'x-amz-bucket-region': bucket.region } };
    case 'GetBucketLocation':
      if (!bucket) throw noSuchBucket(target.bucket as string);
      // us-east-1 is the empty LocationConstraint (botocore s3 GetBucketLocation documentation).
      return xml(`<LocationConstraint xmlns="${S3_NS}">${bucket.region === 'us-east-1' ? '' : bucket.region}</LocationConstraint>`);
    case 'ListObjects':
    case 'ListObjectsV2': {
      if (!bucket) throw noSuchBucket(target.bucket as string);
      if (bucket.foreign) throw accessDenied();
      return xml(listObjects(bucket, req.query, action === 'ListObjectsV2'));
    }
    case 'GetObject':
    case 'HeadObject': {
      const o = store.get(target.bucket as string, target.key as string);
      const headers = {
        'content-type': o.contentType,
        etag: o.etag,
        'last-modified': new Date(o.lastModified).toUTCString(),
        'accept-ranges': 'bytes',
        'content-length': String(o.body.length),
        ...encryptionHeaders(o),
      };
      return action === 'HeadObject' ? { status: 200, headers } : { status: 200, headers, body: o.body };
    }
    case 'PutObject': {
      if (bucket?.foreign) throw accessDenied();
      if (!bucket) throw noSuchBucket(target.bucket as string);
      const encoding = header(req.headers, 'content-encoding') ?? '';
      const sha = header(req.headers, 'x-amz-content-sha256') ?? '';
      const body = encoding.includes('aws-chunked') || sha.startsWith('STREAMING-') ? decodeChunked(req.body) : req.body;
      const sse = requestedEncryption(req.headers);
      checkWriteConditions(req.headers, bucket.objects.get(target.key as string), target.key as string, 'PutObject', hooks);
      const o = store.put(target.bucket as string, target.key as string, body, header(req.headers, 'content-type') ?? 'application/octet-stream', { sse });
      return { status: 200, headers: { etag: o.etag, ...encryptionHeaders(o) } };
    }
    case 'DeleteObject': {
      if (!bucket) throw noSuchBucket(target.bucket as string);
      if (bucket.foreign) throw accessDenied();
      checkWriteConditions(req.headers, bucket.objects.get(target.key as string), target.key as string, 'DeleteObject', hooks);
      bucket.objects.delete(target.key as string);
      return { status: 204, headers: {} };
    }
    default:
      throw new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, 'Sender', {
        Method: req.method,
        ResourceType: target.key ? 'OBJECT' : target.bucket ? 'BUCKET' : 'SERVICE',
      });
  }
}

function preconditionFailed(condition: 'If-None-Match' | 'If-Match'): AwsError {
  return new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, 'Sender', { Condition: condition });
}

/**
 * Conditional writes (S3 User Guide, conditional-writes.html; API_PutObject.html IfNoneMatch
 * and IfMatch; API_DeleteObject.html IfMatch):
 * - `If-None-Match: *` writes only when the key has no object, else 412 PreconditionFailed
 *   ("At least one of the pre-conditions you specified did not hold", `<Condition>` naming the
 *   header). Concurrent conditional writes: the first to finish wins, the later get 412; the
 *   sandbox handles requests one at a time, which is exactly that order.
 * - `If-Match: <etag>` writes only when the current object has that ETag, else 412; with no
 *   object under the key, 404 NoSuchKey ("If there's no current object version with the same
 *   name ... the operation fails with a 404 Not Found error", conditional-writes.html).
 * - PutObject with an `If-None-Match` other than `*`, or with both headers: 501 NotImplemented
 *   (AWS-FACTS.md; the exact message is in UNVERIFIED.md). DeleteObject takes `If-Match` only.
 * - 409 ConditionalRequestConflict when "a conflicting operation occurs during the upload":
 *   only injected here (fault `conditional-conflict`), since the sandbox never interleaves.
 * An ETag compares with or without its quotes, as clients send both.
 */
function checkWriteConditions(headers: S3Request['headers'], current: S3Object | undefined, key: string, action: 'PutObject' | 'DeleteObject', hooks: S3Hooks): void {
  const ifNoneMatch = header(headers, 'if-none-match');
  const ifMatch = header(headers, 'if-match');
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  if ((ifNoneMatch !== undefined && (action === 'DeleteObject' || ifNoneMatch.trim() !== '*')) || (ifNoneMatch !== undefined && ifMatch !== undefined)) {
    throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501, 'Sender', { Header: ifNoneMatch !== undefined && ifMatch !== undefined ? 'If-Match' : 'If-None-Match' });
  }
  if (hooks.conditionalConflict?.(action)) {
    throw new AwsError('ConditionalRequestConflict', 'The conditional request cannot succeed due to a conflicting operation against this resource.', 409, 'Sender', { Key: key });
  }
  if (ifNoneMatch !== undefined) {
    if (current) throw preconditionFailed('If-None-Match');
    return;
  }
  if (!current) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, 'Sender', { Key: key });
  const unquote = (t: string): string => t.trim().replace(/^"|"$/g, '');
  if (ifMatch !== undefined && ifMatch.trim() !== '*' && unquote(ifMatch) !== unquote(current.etag)) throw preconditionFailed('If-Match');
}

/**
 * The encryption a PutObject asks for: `x-amz-server-side-encryption` (AES256, aws:kms,
 * aws:kms:dsse) and `x-amz-server-side-encryption-aws-kms-key-id`; none is the bucket default,
 * SSE-S3 (AES256), which S3 applies to every new object since January 2023 (S3 User Guide,
 * default-encryption-faq.html / UsingServerSideEncryption.html).
 */
function requestedEncryption(headers: S3Request['headers']): S3Encryption {
  const algorithm = header(headers, 'x-amz-server-side-encryption');
  const kmsKeyId = header(headers, 'x-amz-server-side-encryption-aws-kms-key-id');
  if (algorithm === undefined) {
    if (kmsKeyId !== undefined) throw new AwsError('InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', 400);
    return { algorithm: 'AES256' };
  }
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms' && algorithm !== 'aws:kms:dsse') {
    throw new AwsError('InvalidArgument', 'The encryption method specified is not supported', 400, 'Sender', { ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: algorithm });
  }
  if (algorithm === 'AES256') {
    if (kmsKeyId !== undefined) throw new AwsError('InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms', 400);
    return { algorithm };
  }
  // No key named: the account's AWS managed key aws/s3 (botocore s3 PutObjectRequest SSEKMSKeyId documentation).
  return { algorithm, kmsKeyId: kmsKeyId ?? 'arn:aws:kms:us-east-1:000000000000:alias/aws/s3' };
}

/** The SSE headers S3 sends back with an object (PutObject, GetObject and HeadObject outputs). */
function encryptionHeaders(o: S3Object): Record<string, string> {
  const sse = o.sse ?? { algorithm: 'AES256' };
  return { 'x-amz-server-side-encryption': sse.algorithm, ...(sse.kmsKeyId ? { 'x-amz-server-side-encryption-aws-kms-key-id': sse.kmsKeyId } : {}) };
}

/** ListObjectsV2 continuation tokens are opaque to clients (botocore ListObjectsV2Output.NextContinuationToken): the sandbox's encode the last key listed. */
const encodeToken = (key: string): string => Buffer.from(`k:${key}`, 'utf8').toString('base64');
function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith('k:')) throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, 'Sender', { ArgumentName: 'continuation-token' });
  return text.slice(2);
}

/**
 * ListObjects (V1: `marker`/`NextMarker`) and ListObjectsV2 (botocore s3 ListObjectsV2):
 * keys in UTF-8 binary order after `start-after`, or after the point the `continuation-token`
 * names (which wins over StartAfter: "ContinuationToken indicates to Amazon S3 that the list is
 * being continued on this bucket with a token"), at most `max-keys` (default and cap 1000) per
 * page, `IsTruncated` and `NextContinuationToken` while more remain, the request's
 * `ContinuationToken` and `StartAfter` echoed, `KeyCount` counting keys and common prefixes.
 */
function listObjects(bucket: S3Bucket, query: URLSearchParams, v2: boolean): string {
  const prefix = query.get('prefix') ?? '';
  const maxRaw = query.get('max-keys');
  const maxParsed = maxRaw === null ? 1000 : Number(maxRaw);
  if (!Number.isInteger(maxParsed) || maxParsed < 0) throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, 'Sender', { ArgumentName: 'max-keys', ArgumentValue: maxRaw ?? '' });
  const max = Math.min(1000, maxParsed);
  const token = v2 ? query.get('continuation-token') : null;
  const startAfter = v2 ? (query.get('start-after') ?? '') : '';
  const after = token !== null ? decodeToken(token) : v2 ? startAfter : (query.get('marker') ?? '');
  const delimiter = query.get('delimiter') ?? '';
  // Keys and common prefixes share the page, in key order.
  const rows: ({ key: string } | { prefix: string })[] = [];
  const seen = new Set<string>();
  for (const k of [...bucket.objects.keys()].sort()) {
    if (!k.startsWith(prefix) || k <= after) continue;
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const p = k.slice(0, cut + delimiter.length);
      if (p <= after || seen.has(p)) continue;
      seen.add(p);
      rows.push({ prefix: p });
    } else rows.push({ key: k });
  }
  const page = rows.slice(0, max);
  const truncated = rows.length > page.length;
  const last = page[page.length - 1];
  const lastName = last ? ('key' in last ? last.key : last.prefix) : '';
  const contents = page
    .map((r) => {
      if (!('key' in r)) return '';
      const o = bucket.objects.get(r.key) as S3Object;
      return `<Contents>${el('Key', r.key)}${el('LastModified', isoTime(o.lastModified))}${el('ETag', o.etag)}${el('Size', o.body.length)}<StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const common = page.map((r) => ('prefix' in r ? `<CommonPrefixes>${el('Prefix', r.prefix)}</CommonPrefixes>` : '')).join('');
  const next = truncated ? (v2 ? el('NextContinuationToken', encodeToken(lastName)) : el('NextMarker', lastName)) : '';
  const echo = v2 ? `${token !== null ? el('ContinuationToken', token) : ''}${startAfter ? el('StartAfter', startAfter) : ''}` : el('Marker', query.get('marker') ?? '');
  return `<ListBucketResult xmlns="${S3_NS}">${el('Name', bucket.name)}${el('Prefix', prefix)}${echo}${el('MaxKeys', max)}${v2 ? el('KeyCount', page.length) : ''}${el('IsTruncated', truncated)}${delimiter ? el('Delimiter', delimiter) : ''}${next}${contents}${common}</ListBucketResult>`;
}

export function s3ErrorXml(err: AwsError, requestId: string): string {
  const extra = Object.entries(err.extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`;
}
