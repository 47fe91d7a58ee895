/**
 * Drift detection (botocore cloudformation/2010-05-15: DetectStackDrift,
 * DescribeStackDriftDetectionStatus, DescribeStackResourceDrifts; User Guide
 * "Detecting unmanaged configuration changes to stacks and resources", using-cfn-stack-drift.md).
 * A detection covers one stack's own resources: "CloudFormation doesn't detect drift on any
 * nested stacks that belong to that stack" (DetectStackDrift API reference): run it on each.
 * Out-of-band changes come from the `drift` fault: a resource's `actual` properties, or
 * `deletedOutOfBand`.
 */
import { validationError } from '../aws-error.js';
import type { Random } from '../random.js';
import type { Stack, StackResource } from './model.js';

export interface PropertyDifference {
  PropertyPath: string;
  ExpectedValue: string;
  ActualValue: string;
  DifferenceType: 'ADD' | 'REMOVE' | 'NOT_EQUAL';
}

export interface ResourceDrift {
  stackId: string;
  logicalId: string;
  physicalId: string;
  type: string;
  status: 'IN_SYNC' | 'MODIFIED' | 'DELETED';
  expected: string;
  actual?: string;
  differences: PropertyDifference[];
  timestamp: number;
}

export interface DriftDetection {
  id: string;
  stackId: string;
  status: 'DETECTION_COMPLETE';
  driftStatus: 'DRIFTED' | 'IN_SYNC';
  drifted: number;
  timestamp: number;
}

const NESTED = 'AWS::CloudFormation::Stack';

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Top-level property differences, as PropertyPath `/Name` (the API's JSON pointer form). */
export function differences(expected: Record<string, unknown>, actual: Record<string, unknown>): PropertyDifference[] {
  const out: PropertyDifference[] = [];
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const e = expected[key];
    const a = actual[key];
    if (JSON.stringify(e) === JSON.stringify(a)) continue;
    out.push({
      PropertyPath: `/${key}`,
      ExpectedValue: e === undefined ? '' : text(e),
      ActualValue: a === undefined ? '' : text(a),
      DifferenceType: e === undefined ? 'ADD' : a === undefined ? 'REMOVE' : 'NOT_EQUAL',
    });
  }
  return out;
}

export class DriftBook {
  private readonly detections = new Map<string, DriftDetection>();
  /** The latest detection's results, by stack id. */
  private readonly results = new Map<string, ResourceDrift[]>();

  constructor(
    private readonly random: Random,
    private readonly now: () => number,
  ) {}

  /**
   * Runs a detection at once (the sandbox has nothing to look up), so the first
   * DescribeStackDriftDetectionStatus already says DETECTION_COMPLETE; a client polls anyway.
   */
  detect(stack: Stack, logicalIds: readonly string[] | undefined): string {
    if (/_IN_PROGRESS$/.test(stack.status)) throw validationError(`Drift detection cannot be performed on stack [${stack.stackName}] in status ${stack.status}`);
    const ts = this.now();
    const drifts: ResourceDrift[] = [];
    for (const r of Object.values(stack.resources)) {
      if (r.type === NESTED || r.status.startsWith('DELETE') || r.status === 'CREATE_FAILED') continue;
      if (logicalIds?.length && !logicalIds.includes(r.logicalId)) continue;
      drifts.push(driftOf(stack, r, ts));
    }
    const id = this.random.uuid();
    const drifted = drifts.filter((d) => d.status !== 'IN_SYNC').length;
    this.results.set(stack.stackId, drifts);
    this.detections.set(id, { id, stackId: stack.stackId, status: 'DETECTION_COMPLETE', driftStatus: drifted ? 'DRIFTED' : 'IN_SYNC', drifted, timestamp: ts });
    return id;
  }

  status(id: string | undefined): DriftDetection {
    const d = id ? this.detections.get(id) : undefined;
    // The text of an unknown detection id is the sandbox's own (UNVERIFIED.md).
    if (!d) throw validationError(`Drift detection with id ${id ?? ''} does not exist`);
    return d;
  }

  /** The latest detection's results of the stack; nothing before a detection ran. */
  resourceDrifts(stack: Stack, filters: readonly string[] | undefined): ResourceDrift[] {
    const all = this.results.get(stack.stackId) ?? [];
    return filters?.length ? all.filter((d) => filters.includes(d.status)) : all;
  }

  clear(): void {
    this.detections.clear();
    this.results.clear();
  }
}

function driftOf(stack: Stack, r: StackResource, ts: number): ResourceDrift {
  const base = { stackId: stack.stackId, logicalId: r.logicalId, physicalId: r.physicalId, type: r.type, expected: r.props, timestamp: ts };
  // DELETED: "ActualProperties" is absent and no differences are listed (botocore StackResourceDrift).
  if (r.deletedOutOfBand) return { ...base, status: 'DELETED', differences: [] };
  if (r.actualProps === undefined) return { ...base, status: 'IN_SYNC', actual: r.props, differences: [] };
  const diffs = differences(JSON.parse(r.props) as Record<string, unknown>, JSON.parse(r.actualProps) as Record<string, unknown>);
  return { ...base, status: diffs.length ? 'MODIFIED' : 'IN_SYNC', actual: r.actualProps, differences: diffs };
}
