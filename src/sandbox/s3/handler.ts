import { AwsError } from '../aws-error.js';
import { el, escapeXml, isoTime } from '../xml.js';
import { accessDenied, noSuchBucket, type S3Bucket, type S3Store } from './s3-store.js';

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

/** S3 REST: enough to publish and read templates, as the SDK and the CLI do it. */
export function handleS3(store: S3Store, req: S3Request, region: string): S3Response {
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
      const prefix = req.query.get('prefix') ?? '';
      const max = Math.min(1000, Number(req.query.get('max-keys') ?? 1000) || 1000);
      const after = req.query.get('continuation-token') ?? req.query.get('start-after') ?? req.query.get('marker') ?? '';
      const delimiter = req.query.get('delimiter') ?? '';
      const prefixes = new Set<string>();
      const keys: string[] = [];
      for (const k of [...bucket.objects.keys()].sort()) {
        if (!k.startsWith(prefix) || k <= after) continue;
        const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
        if (cut >= 0) prefixes.add(k.slice(0, cut + delimiter.length));
        else keys.push(k);
      }
      const common = [...prefixes].map((p) => `<CommonPrefixes>${el('Prefix', p)}</CommonPrefixes>`).join('');
      const slice = keys.slice(0, max);
      const truncated = keys.length > max;
      const contents = slice
        .map((k) => {
          const o = bucket.objects.get(k);
          return o ? `<Contents>${el('Key', k)}${el('LastModified', isoTime(o.lastModified))}${el('ETag', o.etag)}${el('Size', o.body.length)}<StorageClass>STANDARD</StorageClass></Contents>` : '';
        })
        .join('');
      const v2 = action === 'ListObjectsV2';
      const next = truncated ? (v2 ? el('NextContinuationToken', slice[slice.length - 1]) : el('NextMarker', slice[slice.length - 1])) : '';
      return xml(
        `<ListBucketResult xmlns="${S3_NS}">${el('Name', bucket.name)}${el('Prefix', prefix)}${el('MaxKeys', max)}${v2 ? el('KeyCount', slice.length) : ''}${el('IsTruncated', truncated)}${delimiter ? el('Delimiter', delimiter) : ''}${next}${contents}${common}</ListBucketResult>`,
      );
    }
    case 'GetObject':
    case 'HeadObject': {
      const o = store.get(target.bucket as string, target.key as string);
      const headers = { 'content-type': o.contentType, etag: o.etag, 'last-modified': new Date(o.lastModified).toUTCString(), 'accept-ranges': 'bytes', 'content-length': String(o.body.length) };
      return action === 'HeadObject' ? { status: 200, headers } : { status: 200, headers, body: o.body };
    }
    case 'PutObject': {
      if (bucket?.foreign) throw accessDenied();
      const encoding = header(req.headers, 'content-encoding') ?? '';
      const sha = header(req.headers, 'x-amz-content-sha256') ?? '';
      const body = encoding.includes('aws-chunked') || sha.startsWith('STREAMING-') ? decodeChunked(req.body) : req.body;
      const o = store.put(target.bucket as string, target.key as string, body, header(req.headers, 'content-type') ?? 'application/octet-stream');
      return { status: 200, headers: { etag: o.etag } };
    }
    case 'DeleteObject': {
      if (!bucket) throw noSuchBucket(target.bucket as string);
      if (bucket.foreign) throw accessDenied();
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

export function s3ErrorXml(err: AwsError, requestId: string): string {
  const extra = Object.entries(err.extra)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`;
}
