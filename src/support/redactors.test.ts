import { describe, expect, it } from 'vitest';
import { createRedactors, redactText, textRedactor } from './redactors.js';

const run = (text: string, options: Parameters<typeof createRedactors>[0] = {}) => redactText(text, createRedactors(options));

describe('redactors', () => {
  it('removes AKIA and ASIA access key ids but keeps role and user ids', () => {
    const out = run('key AKIAIOSFODNN7EXAMPLE temp ASIAY34FZKBOKMUTVV7A role AROAJQABLZS4A3QDU576Q user AIDAJQABLZS4A3QDU576Q');
    expect(out.counts).toEqual({ 'aws-access-key-id': 2 });
    expect(out.text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(out.text).not.toContain('ASIAY34FZKBOKMUTVV7A');
    expect(out.text).toContain('AROAJQABLZS4A3QDU576Q');
    expect(out.text).toContain('AIDAJQABLZS4A3QDU576Q');
  });

  it('removes secret access keys by context and by shape, but not SHA-1 digests', () => {
    const sha1 = 'da5ee11c338ee96ca3cfe4c9dca696bd1e2f3a4b';
    const text = [
      'aws_secret_access_key = abc/def+ghi',
      '"SecretAccessKey": "QWxhZGRpbjpvcGVuIHNlc2FtZQ"',
      '<SecretAccessKey>shortbutnamed</SecretAccessKey>',
      'bare wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here',
      `commit ${sha1}`,
    ].join('\n');
    const out = run(text);
    expect(out.counts['aws-secret-access-key']).toBe(4);
    expect(out.text).not.toMatch(/abc\/def|QWxhZGRp|shortbutnamed|wJalrXUtnFEMI/);
    expect(out.text).toContain(sha1);
  });

  it('removes session tokens by context and by their STS prefix', () => {
    const token = `IQoJb3JpZ2luX2VjE${'A'.repeat(30)}b/c+d${'z'.repeat(120)}==`;
    const out = run(`AWS_SESSION_TOKEN=opaque-token-value\n{"SessionToken":"xyz123"}\nin a log: ${token}`);
    expect(out.counts['aws-session-token']).toBe(3);
    expect(out.text).not.toContain('opaque-token-value');
    expect(out.text).not.toContain('xyz123');
    expect(out.text).not.toContain('IQoJb3JpZ2luX2Vj');
  });

  it('removes known secret values verbatim and JSON-escaped, counted under the parameter they belong to', () => {
    const out = run('dd 0123456789abcdef0123456789abcdef, seg wk"quote, other p4ss!word, escaped "wk\\"quote"', {
      secrets: [
        { key: 'DatadogAPIKey', value: '0123456789abcdef0123456789abcdef' },
        { key: 'Segment', value: 'wk"quote' },
        { key: 'CustomSecret', value: 'p4ss!word' },
      ],
    });
    expect(out.counts).toEqual({ 'datadog-api-key': 1, 'segment-write-key': 2, 'secret-value': 1 });
    expect(out.text).not.toMatch(/0123456789abcdef|wk"quote|wk\\"quote|p4ss!word/);
  });

  it('removes values next to secret parameter keys in every shape parameters travel in', () => {
    const keys = { secretParameterKeys: ['MyNoEcho'] };
    const shapes = [
      '{"ParameterKey": "MyNoEcho", "ParameterValue": "v1-secret"}',
      '{"ParameterValue": "v2-secret", "ParameterKey": "MyNoEcho"}',
      "{ key: 'MyNoEcho', value: 'v3-secret' }",
      '"MyNoEcho": "v4-secret"',
      'MyNoEcho: v5-secret',
      '--param MyNoEcho=v6-secret',
      'ParameterKey=MyNoEcho,ParameterValue=v7-secret',
      '<MyNoEcho>v8-secret</MyNoEcho>',
    ];
    const out = run(shapes.join('\n'), keys);
    expect(out.counts).toEqual({ 'secret-parameter': shapes.length });
    expect(out.text).not.toMatch(/v\d-secret/);
    expect(out.text).toContain('"ParameterKey": "MyNoEcho"');
  });

  it('does not count NoEcho values AWS already masked', () => {
    const out = run('{"ParameterKey":"DatadogAPIKey","ParameterValue":"****"}');
    expect(out.counts).toEqual({});
  });

  it('removes Datadog and Segment keys by their names without knowing the values', () => {
    const out = run(['DD_API_KEY=ddkeyvalue1', 'DD-API-KEY: ddkeyvalue2', '"DatadogAPIKey": "ddkeyvalue3"', 'Segment: segvalue1', 'SEGMENT_WRITE_KEY=segvalue2', 'SegmentEnvironment: prod'].join('\n'));
    expect(out.counts).toEqual({ 'datadog-api-key': 3, 'segment-write-key': 2 });
    expect(out.text).not.toMatch(/ddkeyvalue|segvalue/);
    expect(out.text).toContain('SegmentEnvironment: prod');
  });

  it('removes bearer tokens and authorization headers', () => {
    const out = run('curl -H "Authorization: Bearer eyJhbGciOi.J9eyJzdWIi.OiIxMjM0" and Authorization: Basic dXNlcjpwYXNz');
    expect(out.counts).toEqual({ 'bearer-token': 2 });
    expect(out.text).not.toMatch(/eyJhbGciOi|dXNlcjpwYXNz/);
  });

  it('removes the userinfo of URLs and keeps the rest of the URL', () => {
    const out = run('clone https://deploy:hunter2@git.example.com/repo.git and https://ghp_token123@github.com/x');
    expect(out.counts).toEqual({ 'url-credentials': 2 });
    expect(out.text).toContain('https://[REDACTED:url-credentials]@git.example.com/repo.git');
    expect(out.text).not.toMatch(/hunter2|ghp_token123|deploy:/);
  });

  it('removes e-mail addresses unless asked to keep them', () => {
    const text = 'FirstUserEmail=ops@example.com and arn:aws:sts::123456789012:assumed-role/Admin/jane.doe@corp.example.org';
    expect(run(text).counts).toEqual({ email: 2 });
    expect(run(text).text).not.toMatch(/ops@example|jane\.doe/);
    const kept = run(text, { keepEmails: true });
    expect(kept.counts).toEqual({});
    expect(kept.text).toBe(text);
  });

  it('finds nothing new on a second pass', () => {
    const once = run('AKIAIOSFODNN7EXAMPLE https://a:b@h.example.com x@y.example.com DD_API_KEY=zzzz1234 Bearer abc.def', {
      secrets: [{ key: 'DatadogAPIKey', value: 'zzzz1234' }],
    });
    expect(Object.keys(once.counts).length).toBeGreaterThan(0);
    const twice = run(once.text, { secrets: [{ key: 'DatadogAPIKey', value: 'zzzz1234' }] });
    expect(twice.counts).toEqual({});
    expect(twice.text).toBe(once.text);
  });

  it('leaves short known values alone unless a key names them', () => {
    const out = run('value 1 appears, MyNoEcho=1', { secrets: [{ key: 'MyNoEcho', value: '1' }] });
    expect(out.counts).toEqual({ 'secret-parameter': 1 });
    expect(out.text).toBe('value 1 appears, MyNoEcho=[REDACTED:secret-parameter]');
  });

  it('textRedactor gives the clean text only', () => {
    expect(textRedactor()('key AKIAIOSFODNN7EXAMPLE')).toBe('key [REDACTED:aws-access-key-id]');
  });
});
