import { AwsError } from '../aws-error.js';
import { el, escapeXml, isoTime } from '../xml.js';
import { noSuchBucket, type S3Store } from './s3-store.js';

export interface S3Request {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
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

/** S3 REST: enough to publish and read templates, as the SDK and the CLI do it. */
export function handleS3(store: S3Store, req: S3Request, region: string): S3Response {
  const target = s3Target(req.host, req.path);
  const action = s3Action(req.method, target, req.query);
  const xml = (body: string): S3Response => ({ status: 200, headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` });
  switch (action) {
    case 'ListBuckets': {
      const buckets = [...store.buckets.values()].map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', isoTime(b.creationDate))}</Bucket>`).join('');
      return xml(`<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>sandbox</ID><DisplayName>sandbox</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`);
    }
    case 'CreateBucket':
      store.createBucket(target.bucket as string);
      return { status: 200, headers: { location: `/${target.bucket}` } };
    case 'HeadBucket':
      if (!store.buckets.has(target.bucket as string)) throw noSuchBucket(target.bucket as string);
      return { status: 200, headers: { 'x-amz-bucket-region': region } };
    case 'GetBucketLocation':
      if (!store.buckets.has(target.bucket as string)) throw noSuchBucket(target.bucket as string);
      return xml(`<LocationConstraint xmlns="${S3_NS}">${region === 'us-east-1' ? '' : region}</LocationConstraint>`);
    case 'ListObjects':
    case 'ListObjectsV2': {
      const bucket = store.buckets.get(target.bucket as string);
      if (!bucket) throw noSuchBucket(target.bucket as string);
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
      const encoding = header(req.headers, 'content-encoding') ?? '';
      const sha = header(req.headers, 'x-amz-content-sha256') ?? '';
      const body = encoding.includes('aws-chunked') || sha.startsWith('STREAMING-') ? decodeChunked(req.body) : req.body;
      const o = store.put(target.bucket as string, target.key as string, body, header(req.headers, 'content-type') ?? 'application/octet-stream');
      return { status: 200, headers: { etag: o.etag } };
    }
    case 'DeleteObject': {
      const bucket = store.buckets.get(target.bucket as string);
      if (!bucket) throw noSuchBucket(target.bucket as string);
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
