import { PantherctlError } from '../../errors/pantherctl-error.js';
import type { CloudFormationGateway, StackListEntry, StackSummary } from '../aws/types.js';

export const VERSION_TAG = 'PantherVersion';

export interface RootStackChoice {
  name: string;
  /** `named`: from --root-stack or pantherctl.yml; `discovered`: the only candidate found. */
  how: 'named' | 'discovered';
  /** Every candidate looked at when discovering (names only). */
  candidates: string[];
  /** `discovered`: the stack as described while discovering it, so callers need not ask again. */
  stack?: StackSummary;
}

const DELETED = 'DELETE_COMPLETE';

/**
 * The root stack: the one named, or the only stack that looks like a Panther root: named
 * `panther-*`, tagged PantherVersion, not nested, not the role stack. More than one is
 * ambiguous, and guessing which production stack to update is not our call.
 */
export async function chooseRootStack(
  cfn: CloudFormationGateway,
  options: { named?: string; roleStack: string },
): Promise<RootStackChoice> {
  if (options.named) return { name: options.named, how: 'named', candidates: [] };
  const listed = await cfn.listStacks();
  const candidates = listed.filter((s: StackListEntry) => s.status !== DELETED && s.name.startsWith('panther-') && !s.parentId && !s.rootId && s.name !== options.roleStack);
  // ListStacks carries no tags: each candidate is described to check its PantherVersion tag.
  const found: StackSummary[] = [];
  for (const c of candidates) {
    const stack = await cfn.describeStack(c.stackId);
    if (stack && stack.tags[VERSION_TAG] !== undefined && !stack.parentId) found.push(stack);
  }
  const tagged = found.map((s) => s.name);
  if (found.length === 1) return { name: tagged[0]!, how: 'discovered', candidates: tagged, stack: found[0]! };
  if (tagged.length === 0) {
    throw new PantherctlError('root-stack-not-found', 'found no Panther root stack (a panther-* stack tagged PantherVersion, not nested, not the role stack)', {
      source: 'aws',
      hint: 'Name it with --root-stack NAME (or rootStack in pantherctl.yml); check --region and the account.',
      meta: { looked: candidates.map((c) => c.name) },
    });
  }
  throw new PantherctlError('root-stack-ambiguous', `found ${tagged.length} candidate root stacks: ${tagged.join(', ')}`, {
    source: 'user',
    hint: 'Name the one to use with --root-stack NAME (or rootStack in pantherctl.yml).',
    meta: { candidates: tagged },
  });
}
