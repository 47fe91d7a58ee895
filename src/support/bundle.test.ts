import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSupportBundle, redactionTotals, REDACTIONS_FILE, type BundleFile } from './bundle.js';
import { describeEnvironment } from './environment.js';

/**
 * One canary per kind of secret, each a string that cannot occur by chance. They are planted
 * in every kind of file a bundle holds; none may survive.
 */
const C = {
  accessKeyId: 'AKIACANARY0000000001',
  tempKeyId: 'ASIACANARY0000000002',
  secretKey: 'CanarySecretKey0000000000000000000000/+3',
  namedSecretKey: 'canary-named-secret',
  sessionToken: `IQoJb3JpZ2luX2VjCanarySessionToken${'Q'.repeat(40)}`,
  namedSessionToken: 'canary-named-session-token',
  datadog: 'c0ffee00c0ffee00c0ffee00c0ffee00',
  segment: 'canarySegmentWriteKey42',
  noEcho: 'canary-noecho-value',
  bearer: 'canaryBearer.Token_42',
  urlPassword: 'canaryUrlPassword',
  email: 'canary.operator@example.com',
} as const;

const secrets = [
  { key: 'DatadogAPIKey', value: C.datadog },
  { key: 'Segment', value: C.segment },
  { key: 'CustomNoEcho', value: C.noEcho },
];

const files: BundleFile[] = [
  {
    // Stack events: reasons quote URLs and addresses from the template and the operator.
    path: 'stacks/panther-root/events.json',
    content: JSON.stringify(
      [
        { logicalId: 'Repo', status: 'CREATE_FAILED', reason: `could not fetch https://deploy:${C.urlPassword}@git.example.com/x.git` },
        { logicalId: 'Alarm', status: 'UPDATE_FAILED', reason: `notification to ${C.email} failed` },
      ],
      null,
      2,
    ),
  },
  {
    // Live parameters as DescribeStacks returns them; the NoEcho values are already "****".
    path: 'stacks/panther-root/parameters.json',
    content: JSON.stringify([
      { ParameterKey: 'DatadogAPIKey', ParameterValue: C.datadog },
      { ParameterKey: 'Segment', ParameterValue: C.segment },
      { ParameterKey: 'CustomNoEcho', ParameterValue: C.noEcho },
      { ParameterKey: 'FirstUserEmail', ParameterValue: C.email },
      { ParameterKey: 'CompanyDisplayName', ParameterValue: 'Acme' },
      { ParameterKey: 'OtherNoEcho', ParameterValue: '****' },
    ]),
  },
  {
    // The build's log tail: whatever a build step printed.
    path: 'builds/panther-pulumi-1/log-tail.txt',
    content: [
      `[Container] export AWS_ACCESS_KEY_ID=${C.accessKeyId}`,
      `[Container] aws_secret_access_key = ${C.namedSecretKey}`,
      `[Container] credentials ${C.tempKeyId} ${C.secretKey}`,
      `[Container] token ${C.sessionToken}`,
      `[Container] AWS_SESSION_TOKEN=${C.namedSessionToken}`,
      `[Container] curl -H "Authorization: Bearer ${C.bearer}" https://api.example.com`,
      `[Container] datadog agent started with key ${C.datadog}`,
    ].join('\n'),
  },
  {
    // A journal: principal, keys of parameters, never values (but check anyway).
    path: 'journal/run-1.ndjson',
    content: [
      JSON.stringify({ seq: 1, type: 'run.start', principal: `arn:aws:sts::123456789012:assumed-role/Admin/${C.email}`, overrideKeys: ['Segment'] }),
      JSON.stringify({ seq: 2, type: 'step.failed', rootCause: `reason mentions ${C.segment}` }),
    ].join('\n'),
  },
  {
    // The operator's config and parameter file as YAML.
    path: 'config/params.yml',
    content: `DatadogAPIKey: ${C.datadog}\nSegment: "${C.segment}"\nCustomNoEcho: ${C.noEcho}\nFirstUserEmail: ${C.email}\n`,
  },
  {
    // The environment, described with the allow-list, then redacted like everything else.
    path: 'environment.json',
    content: JSON.stringify(
      describeEnvironment({
        pantherctlVersion: '0.1.0',
        env: {
          AWS_REGION: 'us-east-2',
          AWS_ACCESS_KEY_ID: C.accessKeyId,
          AWS_SECRET_ACCESS_KEY: C.secretKey,
          DD_API_KEY: C.datadog,
          HTTPS_PROXY: `http://proxyuser:${C.urlPassword}@proxy.example.com:3128`,
        },
        node: 'v20.19.0',
        platform: 'linux',
        arch: 'x64',
      }),
      null,
      2,
    ),
  },
  {
    // The last preflight: messages may quote parameter values the operator passed.
    path: 'preflight.json',
    content: JSON.stringify({ problems: [{ code: 'param-invalid', message: `CustomNoEcho value ${C.noEcho} does not match` }] }),
  },
];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function unpack(archive: Buffer): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'pantherctl-bundle-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'bundle.tar.gz'), archive);
  const out = join(dir, 'out');
  mkdirSync(out);
  execFileSync('tar', ['-xzf', join(dir, 'bundle.tar.gz'), '-C', out]);
  const found = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else found.set(`${rel}${name}`, readFileSync(p, 'utf8'));
    }
  };
  walk(out, '');
  return found;
}

describe('support bundle', () => {
  const bundle = buildSupportBundle({ files, redaction: { secrets }, root: 'pantherctl-support-test' });
  const unpacked = unpack(bundle.archive);

  it('holds every file and redactions.json under one folder', () => {
    expect([...unpacked.keys()].sort()).toEqual([...files.map((f) => `pantherctl-support-test/${f.path}`), `pantherctl-support-test/${REDACTIONS_FILE}`].sort());
  });

  it('has 0 canaries of any kind in the unpacked archive', () => {
    const all = [...unpacked.values()].join('\n');
    const survivors = Object.entries(C).filter(([, canary]) => all.includes(canary));
    expect(survivors).toEqual([]);
    // The redactors also catch the canaries' recognisable parts.
    expect(all).not.toMatch(/canary|CANARY|c0ffee/i);
  });

  it('keeps what support needs to read', () => {
    const params = unpacked.get('pantherctl-support-test/stacks/panther-root/parameters.json') ?? '';
    expect(params).toContain('"ParameterValue":"Acme"');
    expect(params).toContain('"ParameterValue":"****"');
    const env = JSON.parse(unpacked.get('pantherctl-support-test/environment.json') ?? '{}') as { variables: Record<string, string>; setButHidden: string[] };
    expect(env.variables.AWS_REGION).toBe('us-east-2');
    expect(env.setButHidden).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DD_API_KEY']);
  });

  it('counts each redactor per file in redactions.json', () => {
    const report = JSON.parse(unpacked.get(`pantherctl-support-test/${REDACTIONS_FILE}`) ?? '{}') as unknown;
    expect(report).toEqual(bundle.report);
    expect(report).toEqual({
      'stacks/panther-root/events.json': { 'url-credentials': 1, email: 1 },
      'stacks/panther-root/parameters.json': { 'datadog-api-key': 1, 'segment-write-key': 1, 'secret-value': 1, email: 1 },
      'builds/panther-pulumi-1/log-tail.txt': {
        'datadog-api-key': 1,
        'aws-secret-access-key': 2,
        'aws-session-token': 2,
        'aws-access-key-id': 2,
        'bearer-token': 1,
      },
      'journal/run-1.ndjson': { 'segment-write-key': 1, email: 1 },
      'config/params.yml': { 'datadog-api-key': 1, 'segment-write-key': 1, 'secret-value': 1, email: 1 },
      'environment.json': { 'url-credentials': 1 },
      'preflight.json': { 'secret-value': 1 },
    });
    expect(redactionTotals(bundle.report)).toEqual({
      'url-credentials': 2,
      email: 4,
      'datadog-api-key': 3,
      'segment-write-key': 3,
      'secret-value': 3,
      'aws-secret-access-key': 2,
      'aws-session-token': 2,
      'aws-access-key-id': 2,
      'bearer-token': 1,
    });
  });

  it('keeps e-mail addresses with keepEmails, and counts none', () => {
    const kept = buildSupportBundle({ files, redaction: { secrets, keepEmails: true } });
    const all = [...unpack(kept.archive).values()].join('\n');
    expect(all).toContain(C.email);
    expect(redactionTotals(kept.report).email).toBeUndefined();
    expect(all).not.toContain(C.datadog);
  });
});
