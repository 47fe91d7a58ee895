/**
 * Drift of the whole deployment: the root stack, every nested stack (DetectStackDrift does
 * not cover nested stacks, so each gets its own detection) and the role stack, all at once.
 * A resource deleted out of band fails the update that touches it (`drift-deleted`, strict);
 * one modified out of band is silently reverted by the update, or breaks it (`drift`,
 * required: `--accept drift=REASON` lets the update revert it).
 */
import { isPantherctlError } from '../../errors/pantherctl-error.js';
import type { CloudFormationGateway, ResourceDrift, StackSummary } from '../aws/types.js';
import type { CheckResult } from './collector.js';

export interface DriftCheckInput {
  root: StackSummary;
  role: StackSummary | undefined;
  /** Between two DescribeStackDriftDetectionStatus calls. Default 2 s (detections take seconds to minutes). */
  pollIntervalMs?: number;
  /** Longest wait for one detection. Default 5 minutes. */
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function driftChecks(cfn: CloudFormationGateway, input: DriftCheckInput): Promise<CheckResult[]> {
  let stacks: { name: string; label: string }[];
  try {
    const nested = (await cfn.listStacks()).filter((s) => s.rootId === input.root.stackId && s.status !== 'DELETE_COMPLETE');
    stacks = [{ name: input.root.name, label: input.root.name }, ...nested.map((s) => ({ name: s.stackId, label: s.name })), ...(input.role ? [{ name: input.role.name, label: input.role.name }] : [])];
  } catch (err) {
    return [failure(err)];
  }
  const found: { label: string; drift: ResourceDrift }[] = [];
  const problems: string[] = [];
  await Promise.all(
    stacks.map(async (s) => {
      try {
        const drifts = await detect(cfn, s.name, input);
        for (const drift of drifts) found.push({ label: s.label, drift });
      } catch (err) {
        problems.push(`${s.label}: ${isPantherctlError(err) || err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  const out: CheckResult[] = [];
  for (const { label, drift } of found.filter((f) => f.drift.status === 'DELETED')) {
    out.push({
      id: 'drift-deleted',
      ok: false,
      data: { stack: label, logicalId: drift.logicalId, resourceType: drift.resourceType, status: drift.status },
      message: `${label} / ${drift.logicalId} (${drift.resourceType}) was deleted outside CloudFormation: an update that touches it fails and rolls back. Recreate it (same name) or import it back into the stack before upgrading.`,
    });
  }
  for (const { label, drift } of found.filter((f) => f.drift.status === 'MODIFIED')) {
    const diffs = drift.differences.map((d) => `${d.path} is ${d.actual || '(unset)'} (template: ${d.expected || '(unset)'})`).join(', ');
    out.push({
      id: 'drift',
      ok: false,
      data: { stack: label, logicalId: drift.logicalId, resourceType: drift.resourceType, status: drift.status, differences: drift.differences },
      message: `${label} / ${drift.logicalId} (${drift.resourceType}) was changed outside CloudFormation: ${diffs}. An update of it reverts the change (or fails on it): carry it into the parameters, or revert it; --accept drift=REASON lets the update revert it.`,
    });
  }
  if (problems.length) out.push({ id: 'drift', ok: false, message: `drift could not be detected on ${problems.join('; ')}` });
  if (!out.some((c) => c.id === 'drift-deleted')) out.push({ id: 'drift-deleted', ok: true, message: `no resource deleted outside CloudFormation (${stacks.length} stacks)` });
  if (!out.some((c) => c.id === 'drift')) out.push({ id: 'drift', ok: true, message: `no drift on ${stacks.length} stacks (root, nested, role)` });
  return out;
}

async function detect(cfn: CloudFormationGateway, stack: string, input: DriftCheckInput): Promise<ResourceDrift[]> {
  const id = await cfn.detectStackDrift(stack);
  const deadline = Date.now() + (input.timeoutMs ?? 300_000);
  for (;;) {
    const status = await cfn.driftDetectionStatus(id);
    if (status.status === 'DETECTION_COMPLETE') break;
    // A failed detection still reports what it could check; unknown resources stay unknown.
    if (status.status === 'DETECTION_FAILED') break;
    if (Date.now() > deadline) throw new Error(`drift detection ${id} did not finish in time`);
    await sleep(input.pollIntervalMs ?? 2000);
  }
  return cfn.resourceDrifts(stack, ['MODIFIED', 'DELETED']);
}

function failure(err: unknown): CheckResult {
  return { id: 'drift', ok: false, message: `drift could not be detected: ${isPantherctlError(err) || err instanceof Error ? err.message : String(err)}` };
}
