import { usageError } from '../../errors/pantherctl-error.js';
import { PARAMETERS } from '../../parameters/definitions.js';
import type { ParameterDef } from '../../parameters/types.js';
import type { Stage, StagedParameter, StagingOptions } from './types.js';

/**
 * Order of the non-risky groups. Settings that only size or tune what the first deploy
 * created go first; integrations that reach outside the account (Segment, Datadog) and the
 * network layout (airgap) later, because they are likelier to fail and a failure stops every
 * stage after it. Groups not listed (a newer parameter table) follow in name order.
 */
export const GROUP_ORDER: readonly string[] = [
  'core',
  'support',
  'tuning',
  'lambda-concurrency',
  'audit',
  'features',
  'segment',
  'datadog',
  'airgap',
];

/** Group of parameters the table does not know (a newer template's): applied with the rest. */
export const UNKNOWN_GROUP = 'other';

interface GroupBucket {
  group: string;
  risky: boolean;
  parameters: StagedParameter[];
}

/**
 * Splits parameter changes into ordered stages, pure. Related parameters (one `group` of the
 * parameter table) stay together; risky groups (Snowflake, custom domain) each get stages of
 * their own and come last, so that every ordinary setting is live before the risky ones are
 * tried. Within a stage, parameters keep the table's order; unknown ones are sorted by name.
 *
 * @throws PantherctlError (usage) for a `stageSize` below 1 or combined with `singleUpdate`.
 */
export function planStages(changes: readonly StagedParameter[], options: StagingOptions = {}): Stage[] {
  checkOptions(options);
  if (changes.length === 0) return [];
  const buckets = groupChanges(changes, options.definitions ?? PARAMETERS);

  if (options.singleUpdate) {
    return [
      {
        index: 1,
        groups: buckets.map((b) => b.group),
        risky: buckets.some((b) => b.risky),
        parameters: buckets.flatMap((b) => b.parameters),
      },
    ];
  }

  const size = options.stageSize;
  const stages: Omit<Stage, 'index'>[] = [];
  let open: Omit<Stage, 'index'> | undefined;
  for (const bucket of buckets) {
    if (size === undefined) {
      stages.push({ groups: [bucket.group], risky: bucket.risky, parameters: bucket.parameters });
      continue;
    }
    const fitsOpen = open !== undefined && !bucket.risky && open.parameters.length + bucket.parameters.length <= size;
    if (fitsOpen && open) {
      open.groups.push(bucket.group);
      open.parameters.push(...bucket.parameters);
      continue;
    }
    open = undefined;
    const chunks = chunk(bucket.parameters, size);
    for (const parameters of chunks) stages.push({ groups: [bucket.group], risky: bucket.risky, parameters });
    // Only a whole, non-risky group may share its stage with the next group.
    const last = stages[stages.length - 1];
    if (!bucket.risky && chunks.length === 1 && last) open = last;
  }
  return stages.map((s, i) => ({ index: i + 1, ...s }));
}

function checkOptions(options: StagingOptions): void {
  if (options.stageSize !== undefined) {
    if (!Number.isInteger(options.stageSize) || options.stageSize < 1) {
      throw usageError('Expected `--stage-size` to be a whole number of at least 1.');
    }
    if (options.singleUpdate) {
      throw usageError('`--single-update` and `--stage-size` cannot be combined: choose one.');
    }
  }
}

/** Buckets per group, in stage order: ordinary groups, then risky ones. */
function groupChanges(changes: readonly StagedParameter[], definitions: readonly ParameterDef[]): GroupBucket[] {
  const defs = new Map(definitions.map((d, i) => [d.name, { def: d, position: i }]));
  const buckets = new Map<string, GroupBucket>();
  // The last value of a key wins, as in a parameter file with --param overrides merged.
  const latest = new Map<string, StagedParameter>();
  for (const change of changes) latest.set(change.key, change);

  const sorted = [...latest.values()].sort((a, b) => {
    const pa = defs.get(a.key)?.position ?? Infinity;
    const pb = defs.get(b.key)?.position ?? Infinity;
    return pa !== pb ? pa - pb : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
  for (const change of sorted) {
    const def = defs.get(change.key)?.def;
    const group = def?.group ?? UNKNOWN_GROUP;
    let bucket = buckets.get(group);
    if (!bucket) {
      bucket = { group, risky: false, parameters: [] };
      buckets.set(group, bucket);
    }
    // A group is risky when any of its parameters is (the table marks them all alike).
    bucket.risky ||= def?.risky === true;
    bucket.parameters.push({ key: change.key, value: change.value });
  }

  const riskyOrder = new Map<string, number>();
  definitions.forEach((d, i) => {
    if (d.risky && !riskyOrder.has(d.group)) riskyOrder.set(d.group, i);
  });
  const rank = (b: GroupBucket): [number, number, string] => {
    if (b.risky) return [2, riskyOrder.get(b.group) ?? Infinity, b.group];
    const known = GROUP_ORDER.indexOf(b.group);
    if (known !== -1) return [0, known, b.group];
    // Unlisted groups, then parameters the table does not know at all.
    return [1, b.group === UNKNOWN_GROUP ? 1 : 0, b.group];
  };
  return [...buckets.values()].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return ra[0] - rb[0] || ra[1] - rb[1] || (ra[2] < rb[2] ? -1 : ra[2] > rb[2] ? 1 : 0);
  });
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
