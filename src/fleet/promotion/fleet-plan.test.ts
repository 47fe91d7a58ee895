import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../../errors/pantherctl-error.js';
import { buildPlan } from '../../planning/plan-artifact.js';
import { planUpgrade } from '../../planning/plan-upgrade.js';
import { makeCatalog } from '../../catalog/test-support/make-catalog.js';
import { sampleFleet, SAMPLE_FLEET_YAML } from '../test-support/sample-fleet.js';
import { buildFleetPlan, checkParameterValues, compareFleetPlan, fleetPlanText, hopsFromPlan, type FleetPlan } from './fleet-plan.js';
import { parameterChanges, planDigest } from './plan-digest.js';
import { parseFleetPlan } from './read-fleet-plan.js';

const R1 = '1'.repeat(64);
const R2 = '2'.repeat(64);
const hops = [
  { version: 'v1.26.9', rootTemplateSha256: R1, roleTemplateSha256: R2 },
  { version: 'v1.27.8', rootTemplateSha256: R2, roleTemplateSha256: R1 },
];
const params = parameterChanges({ DatadogAPIKey: 'dd-key-do-not-leak' });

function plan(): FleetPlan {
  return buildFleetPlan({
    fleet: sampleFleet(),
    target: 'v1.27.8',
    catalog: { source: 'embedded', sha256: 'c'.repeat(64) },
    deployments: [
      { name: 'prod-eu', from: 'v1.25.18', hops, parameterChanges: params },
      { name: 'staging', from: 'v1.25.18', hops, parameterChanges: params },
      { name: 'prod-us', from: 'v1.26.9', hops: hops.slice(1), parameterChanges: [] },
    ],
    createdAt: new Date('2026-12-01T10:00:00Z'),
  });
}

function refusal(text: string): PantherctlError {
  try {
    parseFleetPlan(text, 'fleet-plan.json');
  } catch (err) {
    expect(err).toBeInstanceOf(PantherctlError);
    expect((err as PantherctlError).code).toBe('invalid-fleet-plan');
    return err as PantherctlError;
  }
  throw new Error('expected the plan to be refused');
}

describe('fleet plan', () => {
  it('lists deployments in fleet order with their digests; same hops and changes give the same digest', () => {
    const p = plan();
    expect(p.deployments.map((d) => [d.name, d.wave, d.from])).toEqual([
      ['staging', 'staging', 'v1.25.18'],
      ['prod-us', 'production', 'v1.26.9'],
      ['prod-eu', 'production', 'v1.25.18'],
    ]);
    const [staging, prodUs, prodEu] = p.deployments;
    expect(prodEu!.digest).toBe(staging!.digest);
    expect(prodUs!.digest).not.toBe(staging!.digest);
    expect(staging!.digest).toBe(planDigest({ target: 'v1.27.8', hops, parameterChanges: params }));
  });

  it('round-trips through its text, which holds no parameter value', () => {
    const text = fleetPlanText(plan());
    expect(text).not.toContain('dd-key-do-not-leak');
    expect(parseFleetPlan(text, 'fleet-plan.json')).toEqual(plan());
  });

  it('refuses an edited plan: a hop hash changed under the same digest', () => {
    const edited = JSON.parse(fleetPlanText(plan())) as FleetPlan;
    edited.deployments[2]!.hops[0]!.rootTemplateSha256 = 'f'.repeat(64);
    expect(refusal(JSON.stringify(edited)).message).toBe('fleet-plan.json: deployments[2].digest: does not match the plan of prod-eu (was the file edited?)');
  });

  it('refuses what is not a fleet plan, with the field that is wrong', () => {
    expect(refusal('{').message).toMatch(/^fleet-plan\.json is not JSON: /);
    const single = { ...JSON.parse(fleetPlanText(plan())), kind: undefined } as Record<string, unknown>;
    expect(refusal(JSON.stringify(single)).message).toMatch(/^fleet-plan\.json: kind: expected kind "pantherctl-fleet-plan"/);
    const wrongEnd = JSON.parse(fleetPlanText(plan())) as FleetPlan;
    wrongEnd.target = 'v1.28.7';
    expect(refusal(JSON.stringify(wrongEnd)).message).toBe('fleet-plan.json: deployments[0]: the plan of staging ends at v1.27.8, not at the target v1.28.7');
    const dup = JSON.parse(fleetPlanText(plan())) as FleetPlan;
    dup.deployments[1] = dup.deployments[0]!;
    expect(refusal(JSON.stringify(dup)).message).toBe('fleet-plan.json: deployments[1].name: duplicate deployment staging');
  });

  it('compares with the fleet file: moved or removed deployments are errors, unplanned ones warnings', () => {
    const p = plan();
    expect(compareFleetPlan(p, sampleFleet())).toEqual([]);
    const changed = sampleFleet(
      SAMPLE_FLEET_YAML.replace('rootStack: panther-staging', 'rootStack: panther-staging2').replace(/ {2}- name: prod-eu[\s\S]*$/, '') +
        '  - name: dev\n    account: "333333333333"\n    region: us-west-2\n    rootStack: panther-dev\n    wave: staging\n',
    );
    expect(compareFleetPlan(p, changed).map((d) => [d.code, d.severity, d.deployment])).toEqual([
      ['fleet-file-changed', 'warning', undefined],
      ['deployment-moved', 'error', 'staging'],
      ['deployment-not-in-fleet', 'error', 'prod-eu'],
      ['deployment-not-planned', 'warning', 'dev'],
    ]);
  });

  it('checks --param values against the hashes, naming keys only', () => {
    const staging = plan().deployments[0]!;
    expect(checkParameterValues(staging, new Map([['DatadogAPIKey', 'dd-key-do-not-leak']]))).toEqual([]);
    const mismatches = checkParameterValues(staging, new Map([['DatadogAPIKey', 'other'], ['PythonRuntime', 'python3.9']]));
    expect(mismatches.map((m) => [m.code, m.key])).toEqual([
      ['param-differs', 'DatadogAPIKey'],
      ['param-unplanned', 'PythonRuntime'],
    ]);
    expect(JSON.stringify(mismatches)).not.toContain('other');
    expect(checkParameterValues(staging, new Map()).map((m) => m.code)).toEqual(['param-missing']);
  });

  it('takes a deployment plan artifact\'s hops, preferring fetched digests, refusing unknown ones', () => {
    const catalog = makeCatalog([{ version: 'v1.25.18' }, { version: 'v1.26.9', templates: { root: R1 } }]);
    const single = buildPlan(planUpgrade({ from: 'v1.25.18', to: 'v1.26.9', catalog }), { region: 'us-east-2', catalog });
    expect(hopsFromPlan(single, new Map([['v1.26.9', { role: R2.toUpperCase() }]]))).toEqual([{ version: 'v1.26.9', rootTemplateSha256: R1, roleTemplateSha256: R2 }]);
    expect(() => hopsFromPlan(single)).toThrow(/the role template digest of v1.26.9 is not known/);
  });
});
