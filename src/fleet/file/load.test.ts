import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, PantherctlError } from '../../errors/pantherctl-error.js';
import { loadFleetFile, parseFleet } from './load.js';
import { FLEET_SCHEMA_PATH, fleetJsonSchemaText } from './schema.js';
import type { FleetIssue } from './types.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** One deployment entry as YAML lines (two-space list indentation). */
function entry(name: string, extra: Record<string, string> = {}): string[] {
  const fields: Record<string, string> = {
    account: '"111111111111"',
    region: 'us-east-2',
    rootStack: `panther-${name}`,
    wave: '1',
    ...extra,
  };
  return [`  - name: ${name}`, ...Object.entries(fields).map(([k, v]) => `    ${k}: ${v}`)];
}

function fleetText(...entries: string[][]): string {
  return ['schemaVersion: 1', 'deployments:', ...entries.flat()].join('\n');
}

function failure(text: string, file = 'fleet.yml'): PantherctlError & { meta: { issues: FleetIssue[] } } {
  try {
    parseFleet(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    const e = err as PantherctlError;
    expect(e.code).toBe('invalid-fleet');
    expect(e.exitCode).toBe(ExitCode.refused);
    return e as PantherctlError & { meta: { issues: FleetIssue[] } };
  }
  throw new Error('expected the fleet file to be refused');
}

describe('parseFleet', () => {
  it('applies defaults, normalises waves and requirements, and keeps waves in order of first appearance', () => {
    const fleet = parseFleet(
      [
        'schemaVersion: 1',
        'endpointUrl: http://127.0.0.1:4599',
        'deployments:',
        ...entry('staging', { wave: 'staging', credentials: '{ profile: stage }' }),
        ...entry('prod-us', { wave: 'production', requires: 'wave:staging', credentials: '{ assumeRole: "arn:aws:iam::111111111111:role/Ops" }' }),
        ...entry('prod-eu', { wave: 'production', region: 'eu-west-1', requires: '[prod-us, staging]', endpointUrl: 'http://127.0.0.1:4600' }),
      ].join('\n'),
      'fleet.yml',
    );
    expect(fleet.waves).toEqual([
      { id: 'staging', deployments: ['staging'] },
      { id: 'production', deployments: ['prod-us', 'prod-eu'] },
    ]);
    expect(fleet.deployments.map((d) => [d.name, d.roleStack, d.credentials, d.endpointUrl, d.requiredDeployments])).toEqual([
      ['staging', 'panther-deployment-role', { kind: 'profile', profile: 'stage' }, 'http://127.0.0.1:4599', []],
      ['prod-us', 'panther-deployment-role', { kind: 'assume-role', roleArn: 'arn:aws:iam::111111111111:role/Ops' }, 'http://127.0.0.1:4599', ['staging']],
      ['prod-eu', 'panther-deployment-role', { kind: 'default' }, 'http://127.0.0.1:4600', ['prod-us', 'staging']],
    ]);
    expect(fleet.deployments[2]!.requires).toEqual([
      { kind: 'deployment', name: 'prod-us' },
      { kind: 'deployment', name: 'staging' },
    ]);
    expect(fleet.deployments[1]!.position).toEqual({ line: 10, column: 5 });
    expect(fleet.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fleet.warnings).toEqual([]);
  });

  it('reads JSON too, and numbered waves become decimal ids', () => {
    const fleet = parseFleet(
      JSON.stringify({
        schemaVersion: 1,
        deployments: [
          { name: 'a', account: '111111111111', region: 'us-west-2', rootStack: 'panther-a', wave: 1 },
          { name: 'b', account: '111111111111', region: 'us-west-2', rootStack: 'panther-b', wave: 2, requires: 'wave:1' },
        ],
      }),
      'fleet.json',
    );
    expect(fleet.waves.map((w) => w.id)).toEqual(['1', '2']);
    expect(fleet.deployments[1]!.requiredDeployments).toEqual(['a']);
  });

  it('allows a requirement inside the same wave (it waits there) but not a cycle', () => {
    const ok = parseFleet(fleetText(entry('a'), entry('b', { requires: 'a' })), 'f.yml');
    expect(ok.deployments[1]!.requiredDeployments).toEqual(['a']);
    const err = failure(fleetText(entry('a', { requires: 'c' }), entry('b', { requires: 'a' }), entry('c', { requires: 'b' })));
    expect(err.message).toBe('fleet.yml:8:15: deployments[0].requires: requires form a cycle: a -> c -> b -> a');
  });

  it('refuses a duplicate name, pointing at the second one', () => {
    const err = failure(fleetText(entry('a'), entry('a', { rootStack: 'panther-other' })));
    expect(err.message).toBe('fleet.yml:8:11: deployments[1].name: duplicate deployment name "a" (also deployments[0])');
  });

  it('refuses two entries for the same stack', () => {
    const err = failure(fleetText(entry('a'), entry('b', { rootStack: 'panther-a' })));
    expect(err.message).toMatch(/^fleet\.yml:11:16: deployments\[1\]\.rootStack: "b" is the same deployment as "a"/);
  });

  it('refuses unknown requirements with a suggestion', () => {
    const err = failure(fleetText(entry('staging', { wave: 'stage' }), entry('prod', { wave: 'prod', requires: '[stagin, "wave:stag"]' })));
    expect(err.meta.issues.map((i) => [i.path, i.message])).toEqual([
      ['deployments[1].requires[0]', 'requires unknown deployment "stagin" (did you mean "staging"?)'],
      ['deployments[1].requires[1]', 'requires unknown wave "stag" (did you mean wave:stage?)'],
    ]);
    expect(err.message).toMatch(/ \(and 1 more\)$/);
  });

  it('refuses a requirement that runs later, one on itself and one on its own wave', () => {
    const later = failure(fleetText(entry('a', { wave: 'first', requires: 'b' }), entry('b', { wave: 'second' })));
    expect(later.meta.issues[0]!.message).toBe('"a" (wave first) requires "b" of wave second, which runs later: move one of them');
    const laterWave = failure(fleetText(entry('a', { wave: 'first', requires: 'wave:second' }), entry('b', { wave: 'second' })));
    expect(laterWave.meta.issues[0]!.message).toBe('"a" (wave first) requires wave second, which runs later: move one of them');
    expect(failure(fleetText(entry('a', { requires: 'a' }))).meta.issues[0]!.message).toBe('"a" requires itself');
    expect(failure(fleetText(entry('a', { requires: 'wave:1' }))).meta.issues[0]!.message).toMatch(/requires its own wave 1/);
  });

  it('refuses numbered waves that first appear out of numeric order', () => {
    const err = failure(fleetText(entry('a', { wave: '2' }), entry('b', { wave: '1' })));
    expect(err.message).toBe(
      'fleet.yml:12:11: deployments[1].wave: wave 1 first appears after wave 2: waves run in the order they first appear in the file, so list wave 1 first',
    );
  });

  it('explains an unquoted account id, a root stack without panther- and a bad region', () => {
    const err = failure(fleetText(entry('a', { account: '012345678901', rootStack: 'root', region: 'mars-1' })));
    expect(err.meta.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`)).toEqual([
      '4:14 deployments[0].account: expected the account id as a quoted string of 12 digits, e.g. "123456789012" (unquoted, YAML reads it as a number)',
      '5:13 deployments[0].region: expected an AWS region name such as us-east-2',
      '6:16 deployments[0].rootStack: expected a stack name starting with "panther-" (then letters, digits or "-"): the deployment role only acts on panther* stacks',
    ]);
  });

  it('refuses a region Panther does not publish to unless allowed', () => {
    const text = fleetText(entry('a', { region: 'af-south-1' }));
    expect(failure(text).meta.issues[0]!.message).toMatch(/^Panther does not publish templates for region af-south-1 \(pass --allow-unsupported-region/);
    expect(parseFleet(text, 'f.yml', { allowUnsupportedRegion: true }).deployments[0]!.region).toBe('af-south-1');
  });

  it('refuses credentials with both profile and assumeRole, or neither', () => {
    const both = failure(fleetText(entry('a', { credentials: '{ profile: p, assumeRole: "arn:aws:iam::111111111111:role/R" }' })));
    expect(both.message).toBe('fleet.yml:8:18: deployments[0].credentials: give either profile or assumeRole, not both');
    expect(failure(fleetText(entry('a', { credentials: '{}' }))).meta.issues[0]!.message).toBe('expected profile or assumeRole');
    expect(failure(fleetText(entry('a', { credentials: '{ assumeRole: Ops }' }))).meta.issues[0]!.message).toMatch(/^expected an IAM role ARN/);
  });

  it('warns when the role to assume lives in another account', () => {
    const fleet = parseFleet(fleetText(entry('a', { credentials: '{ assumeRole: "arn:aws:iam::222222222222:role/Hub" }' })), 'f.yml');
    expect(fleet.warnings).toEqual([
      expect.objectContaining({ line: 8, path: 'deployments[0].credentials.assumeRole', message: expect.stringMatching(/role is in account 222222222222/) }),
    ]);
  });

  it('points at unknown keys, missing keys, YAML syntax errors and an empty file', () => {
    expect(failure(fleetText(entry('a', { rootstack: 'panther-x' }))).meta.issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      '8:5 unknown key "rootstack"',
    ]);
    expect(failure('schemaVersion: 1\ndeployments:\n  - name: a\n    wave: 1\n').meta.issues.map((i) => i.message)).toEqual([
      'missing required key "account"',
      'missing required key "region"',
      'missing required key "rootStack"',
    ]);
    expect(failure('schemaVersion: 1\ndeployments: [\n').message).toMatch(/^fleet\.yml:\d+:\d+: /);
    expect(failure('').message).toBe('fleet.yml:1:1: the fleet file is empty; expected a map with schemaVersion and deployments');
    expect(failure('schemaVersion: 2\ndeployments: []\n').meta.issues.map((i) => i.message)).toEqual(['expected schemaVersion: 1', 'expected at least one deployment']);
  });
});

describe('loadFleetFile', () => {
  it('reads the named file, and says how to name one when the default is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    const file = join(dir, 'f.yml');
    writeFileSync(file, fleetText(entry('a')));
    expect(loadFleetFile(file).deployments.map((d) => d.name)).toEqual(['a']);
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      let caught: unknown;
      try {
        loadFleetFile(undefined);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PantherctlError);
      expect((caught as PantherctlError).code).toBe('fleet-unreadable');
      expect((caught as PantherctlError).message).toBe('cannot read the fleet file pantherctl-fleet.yml: no such file');
      expect((caught as PantherctlError).hint).toMatch(/^Pass --fleet FILE/);
    } finally {
      process.chdir(cwd);
    }
  });

  it('loads the example fleet in docs/fleet.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'fleet.md'), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const fleet = parseFleet(example!, 'docs/fleet.md');
    expect(fleet.waves.length).toBeGreaterThan(1);
    expect(fleet.deployments.some((d) => d.requiredDeployments.length > 0)).toBe(true);
  });
});

describe('fleet JSON Schema', () => {
  it('the committed schema file is what scripts/write-schemas.ts generates (run `npm run schema`)', () => {
    expect(readFileSync(join(ROOT, FLEET_SCHEMA_PATH), 'utf8')).toBe(fleetJsonSchemaText());
  });

  it('describes what the loader refuses: unknown keys, both credentials kinds', () => {
    const schema = JSON.parse(fleetJsonSchemaText()) as {
      additionalProperties: unknown;
      properties: { deployments: { items: { properties: { credentials: { anyOf: { additionalProperties: unknown; required: string[] }[] } } } } };
    };
    expect(schema.additionalProperties).toBe(false);
    const creds = schema.properties.deployments.items.properties.credentials.anyOf;
    expect(creds.map((c) => [c.required, c.additionalProperties])).toEqual([
      [['profile'], false],
      [['assumeRole'], false],
    ]);
  });
});
