/**
 * The rendered text of `pantherctl diagnose`, tested here once: the e2e tests assert the
 * Diagnosis document (`--json`).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../deployments/diagnose/diagnose.js';
import type { RootCause } from '../../deployments/diagnose/root-cause.js';
import type { DeploymentDiagnosis } from '../../deployments/diagnose/deployment-diagnosis.js';
import { renderDeploymentDiagnosis, renderDiagnosis } from './diagnose.js';

const NESTED = 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root-Web-1A2B3C4D5E6F/1';

const failure: RootCause = {
  stackId: NESTED,
  stack: 'panther-root-Web-1A2B3C4D5E6F',
  time: new Date(0),
  path: ['panther-root', 'panther-root-Web-1A2B3C4D5E6F'],
  logicalId: 'WebFunction',
  resourceType: 'AWS::Lambda::Function',
  status: 'UPDATE_FAILED',
  reason: 'Resource handler returned message: "boom"',
  resourcePath: 'Web.WebFunction',
  resourceToSkip: 'panther-root-Web-1A2B3C4D5E6F.WebFunction',
  duringRollback: true,
};

const stuck: Diagnosis = {
  stack: 'panther-root',
  stackId: 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/0',
  status: 'UPDATE_ROLLBACK_FAILED',
  stable: false,
  inProgress: false,
  state: 'the rollback itself failed',
  rollbackFailures: [failure],
  suggestedSkips: [failure.resourceToSkip],
  nextCommand: 'pantherctl recover',
};

function render(d: Diagnosis): string[] {
  const lines: string[] = [];
  renderDiagnosis({ color: false, out: (t) => lines.push(t) }, d);
  return lines;
}

describe('renderDiagnosis', () => {
  it('names a rollback failure by its logical-id path, and prints the recover line with --skip exactly as ResourcesToSkip takes it', () => {
    expect(render(stuck)).toEqual([
      'panther-root  UPDATE_ROLLBACK_FAILED',
      'state: the rollback itself failed',
      'rollback failed: Web.WebFunction (AWS::Lambda::Function): Resource handler returned message: "boom"',
      'next: pantherctl recover',
      'if that fails again: pantherctl recover --skip panther-root-Web-1A2B3C4D5E6F.WebFunction',
    ]);
  });

  it('prints no recover --skip line when nothing is to be skipped', () => {
    expect(render({ ...stuck, rollbackFailures: [], suggestedSkips: [] }).some((l) => l.includes('--skip'))).toBe(false);
  });

  it("shows a failed build's phase, context message and log tail under the stack, then the next command", () => {
    const lines: string[] = [];
    const d: DeploymentDiagnosis = {
      ...stuck,
      status: 'UPDATE_COMPLETE',
      rollbackFailures: [],
      suggestedSkips: [],
      rootStack: 'panther-root',
      roleStack: 'panther-deployment-role',
      stacks: [],
      lastBuild: { id: 'panther-pulumi:1', status: 'FAILED', failedPhase: 'BUILD', message: 'COMMAND_EXECUTION_ERROR: exit status 1', logTail: ['error: update failed'], deepLink: 'https://console/log' },
      findings: [],
      attention: 'action',
      nextCommand: 'pantherctl resume',
    };
    renderDeploymentDiagnosis({ color: false, out: (t) => lines.push(t) }, d);
    const at = lines.indexOf('build failed: panther-pulumi:1 in BUILD: COMMAND_EXECUTION_ERROR: exit status 1');
    expect(at).toBeGreaterThan(-1);
    expect(lines.slice(at + 1, at + 3)).toEqual(['  | error: update failed', '  whole log: https://console/log']);
    expect(lines.at(-1)).toBe('next: pantherctl resume');
  });
});
