/**
 * What a finished run teaches the ETA learner (deployments/eta): each completed step's time
 * and each resource's forward time, keyed so they line up with the same resource next run.
 */
import { resourceKey, type PastRun } from '../deployments/eta/estimate.js';
import type { RunTimeline, StackSpan } from './run-timeline.js';

/**
 * A stack's name across runs: `role`, `root`, or the root's logical-id path to a nested stack
 * (`root.Core`), since a replaced nested stack gets a new generated name.
 */
export function stackPath(stack: StackSpan, stacks: readonly StackSpan[]): string {
  if (stack.kind !== 'nested') return stack.kind;
  const parts: string[] = [];
  let s: StackSpan | undefined = stack;
  for (let guard = 0; s && s.kind === 'nested' && guard < 20; guard++) {
    parts.unshift(s.logicalId ?? s.name);
    const parentId: string | undefined = s.parentStackId;
    s = stacks.find((p) => p.stackId === parentId);
  }
  return ['root', ...parts].join('.');
}

/** Only steps that did their work count: skipped, no-update and failed steps would skew the p50. */
export function runDurations(timeline: RunTimeline): PastRun {
  const hops = timeline.hops.filter((h) => h.status === 'done');
  const done = (span: { status: string; durationMs?: number } | undefined): number | undefined => (span?.status === 'done' ? span.durationMs : undefined);
  return {
    hops: hops.map((h) => {
      const steps: PastRun['hops'][number]['steps'] = {};
      const role = done(h.role);
      const root = done(h.root);
      const build = done(h.build);
      if (role !== undefined) steps.role = role;
      if (root !== undefined) steps.root = root;
      if (build !== undefined) steps.build = build;
      return { version: h.version, steps };
    }),
    resources: hops.flatMap((h) =>
      h.stacks.flatMap((s) =>
        s.resources.filter((r) => r.forwardMs !== undefined).map((r) => ({ key: resourceKey(stackPath(s, h.stacks), r.logicalId), durationMs: r.forwardMs as number })),
      ),
    ),
  };
}
