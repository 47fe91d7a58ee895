import { describe, expect, it } from 'vitest';
import { parseS3Url, sha256Hex } from './templates.js';

describe('parseS3Url', () => {
  it.each([
    ['https://panther-enterprise-us-east-2.s3.amazonaws.com/v1.28.7/panther.yml', { bucket: 'panther-enterprise-us-east-2', key: 'v1.28.7/panther.yml' }],
    ['https://my-bucket.s3.us-west-2.amazonaws.com/a/b.yml', { bucket: 'my-bucket', key: 'a/b.yml', region: 'us-west-2' }],
    ['https://my-bucket.s3-eu-west-1.amazonaws.com/a.yml', { bucket: 'my-bucket', key: 'a.yml', region: 'eu-west-1' }],
    ['https://s3.us-east-2.amazonaws.com/my-bucket/x/y.yml', { bucket: 'my-bucket', key: 'x/y.yml', region: 'us-east-2' }],
    ['https://s3.amazonaws.com/my-bucket/x.yml', { bucket: 'my-bucket', key: 'x.yml' }],
    ['s3://my-bucket/k/v.yml', { bucket: 'my-bucket', key: 'k/v.yml' }],
    ['http://127.0.0.1:4599/my-bucket/k.yml', { bucket: 'my-bucket', key: 'k.yml' }],
    [
      'https://panther-public-cloudformation-templates.s3.amazonaws.com/panther-deployment-role/v1.28.7/template.yml',
      { bucket: 'panther-public-cloudformation-templates', key: 'panther-deployment-role/v1.28.7/template.yml' },
    ],
  ])('%s', (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  it.each(['not a url', 'https://example.com/', 'https://s3.amazonaws.com/only-bucket', 'ftp://x/y/z'])('rejects %s', (url) => {
    expect(parseS3Url(url)).toBeUndefined();
  });

  it('hashes bytes as hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
