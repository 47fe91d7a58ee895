import { createHash } from 'node:crypto';
import { isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { validateRegion } from '../../catalog/regions.js';
import { PantherctlError, isPantherctlError } from '../../errors/pantherctl-error.js';
import { readUserText } from '../../io/read-user-file.js';
import { didYouMean } from '../../parameters/suggest.js';
import { fleetFileSchema, type FleetFile, type FleetFileDeployment } from './schema.js';
import { DEFAULT_FLEET_FILE, WAVE_REQUIREMENT_PREFIX } from './types.js';
import type { Fleet, FleetCredentials, FleetDeployment, FleetIssue, FleetRequirement, FleetWave } from './types.js';

/**
 * Loads a fleet file (`--fleet FILE`, default `./pantherctl-fleet.yml`) in two passes: the
 * shape (zod, the same schema the JSON Schema is generated from), then the rules no schema
 * can say (unique names, wave order, `requires` that exist, point backwards and form no
 * cycle). Every problem is positioned at `file:line:col`; all of them are collected, the
 * first one (by position) is the message, the rest are in `meta.issues`.
 */

export interface LoadFleetOptions {
  /**
   * `--allow-unsupported-region`: accept well-formed regions where Panther publishes no
   * templates (a site mirroring them). Default false, as for single-deployment commands.
   */
  allowUnsupportedRegion?: boolean;
}

type Path = readonly (string | number)[];

/**
 * Reads and checks a fleet file. `file` undefined means the default `./pantherctl-fleet.yml`.
 * Throws PantherctlError `fleet-unreadable` (the file cannot be read) or `invalid-fleet`;
 * both are source `user` (exit 1).
 */
export function loadFleetFile(file: string | undefined, options: LoadFleetOptions = {}): Fleet {
  const path = file ?? DEFAULT_FLEET_FILE;
  let text: string;
  try {
    text = readUserText(path, { what: 'fleet file', code: 'fleet-unreadable', option: '--fleet' });
  } catch (err) {
    // The default file is the likeliest to be missing: say how to name another one.
    if (file === undefined && isPantherctlError(err)) {
      throw new PantherctlError(err.code, err.message, { hint: `Pass --fleet FILE, or create ${DEFAULT_FLEET_FILE} (docs/fleet.md).`, meta: err.meta, cause: err });
    }
    throw err;
  }
  return parseFleet(text, path, options);
}

/** Parses fleet text (YAML, or JSON, which is YAML). `fileName` is used in positions and becomes `source`. */
export function parseFleet(text: string, fileName: string, options: LoadFleetOptions = {}): Fleet {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: FleetIssue[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    // yaml's message repeats the position and an excerpt: `file:line:col` already says where.
    const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?\s*$/, '').replace(/:\s*$/, '');
    return { line: pos.line, column: pos.col, path: '', message };
  });
  if (issues.length === 0 && doc.contents === null) {
    issues.push({ line: 1, column: 1, path: '', message: 'the fleet file is empty; expected a map with schemaVersion and deployments' });
  }
  if (issues.length === 0) {
    const parsed = fleetFileSchema.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) issues.push(at(doc, lineCounter, path, `unknown key "${key}"`, key));
        } else {
          issues.push(at(doc, lineCounter, path, describe(issue.message, path)));
        }
      }
    } else {
      const warnings: FleetIssue[] = [];
      const fleet = checkRules(parsed.data, doc, lineCounter, options, issues, warnings);
      if (issues.length === 0) {
        return { source: fileName, sha256: createHash('sha256').update(text).digest('hex'), ...fleet, warnings: sortIssues(warnings) };
      }
    }
  }
  throw invalidFleet(fileName, issues);
}

/** zod's "Invalid input: expected string, received undefined" reads better as "missing". */
function describe(message: string, path: Path): string {
  if (/received undefined$/.test(message)) return `missing required key "${String(path[path.length - 1])}"`;
  return message.replace(/^Invalid input: /, '');
}

function credentialsOf(d: FleetFileDeployment): FleetCredentials {
  if (!d.credentials) return { kind: 'default' };
  return 'profile' in d.credentials ? { kind: 'profile', profile: d.credentials.profile } : { kind: 'assume-role', roleArn: d.credentials.assumeRole };
}

function requirementsOf(d: FleetFileDeployment): string[] {
  if (d.requires === undefined) return [];
  return typeof d.requires === 'string' ? [d.requires] : d.requires;
}

function parseRequirement(ref: string): FleetRequirement {
  return ref.startsWith(WAVE_REQUIREMENT_PREFIX) ? { kind: 'wave', wave: ref.slice(WAVE_REQUIREMENT_PREFIX.length) } : { kind: 'deployment', name: ref };
}

/** The rules of the second pass; pushes errors and warnings, returns the normalised fleet. */
function checkRules(
  file: FleetFile,
  doc: Document,
  lc: LineCounter,
  options: LoadFleetOptions,
  issues: FleetIssue[],
  warnings: FleetIssue[],
): Pick<Fleet, 'waves' | 'deployments'> {
  const byName = new Map<string, number>();
  const byTarget = new Map<string, string>();
  const waves: FleetWave[] = [];
  const waveIndex = new Map<string, number>();
  let lastNumericWave: number | undefined;

  file.deployments.forEach((d, i) => {
    const base = ['deployments', i] as const;
    const first = byName.get(d.name);
    if (first !== undefined) issues.push(at(doc, lc, [...base, 'name'], `duplicate deployment name "${d.name}" (also deployments[${first}])`));
    else byName.set(d.name, i);

    // Two entries for one stack would run two upgrades of it at once (each with its own lock key spelling).
    const target = `${d.account}/${d.region}/${d.rootStack}`;
    const same = byTarget.get(target);
    if (same !== undefined && same !== d.name) {
      issues.push(at(doc, lc, [...base, 'rootStack'], `"${d.name}" is the same deployment as "${same}" (account ${d.account}, ${d.region}, ${d.rootStack})`));
    } else {
      byTarget.set(target, d.name);
    }

    try {
      validateRegion(d.region, Boolean(options.allowUnsupportedRegion));
    } catch (err) {
      if (!isPantherctlError(err)) throw err;
      issues.push(at(doc, lc, [...base, 'region'], `${err.message}${err.code === 'unsupported-region' ? ' (pass --allow-unsupported-region if you mirror the templates)' : ''}`));
    }

    if (d.credentials && 'assumeRole' in d.credentials) {
      const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(d.credentials.assumeRole)?.[1];
      if (roleAccount !== undefined && roleAccount !== d.account) {
        warnings.push(
          at(doc, lc, [...base, 'credentials', 'assumeRole'], `the role is in account ${roleAccount}, the deployment in ${d.account}; preflight will refuse credentials of another account than ${d.account}`),
        );
      }
    }

    const waveId = String(d.wave);
    if (!waveIndex.has(waveId)) {
      // Waves run in the order they first appear; numbered waves out of numeric order would
      // run in an order the numbers contradict, so that is refused rather than guessed.
      if (/^\d+$/.test(waveId)) {
        const n = Number(waveId);
        if (lastNumericWave !== undefined && n < lastNumericWave) {
          issues.push(
            at(doc, lc, [...base, 'wave'], `wave ${waveId} first appears after wave ${lastNumericWave}: waves run in the order they first appear in the file, so list wave ${waveId} first`),
          );
        }
        lastNumericWave = Math.max(lastNumericWave ?? n, n);
      }
      waveIndex.set(waveId, waves.length);
      waves.push({ id: waveId, deployments: [] });
    }
    waves[waveIndex.get(waveId)!]!.deployments.push(d.name);
  });

  const deployments: FleetDeployment[] = file.deployments.map((d, i) => {
    const endpointUrl = d.endpointUrl ?? file.endpointUrl;
    const node = doc.getIn(['deployments', i], true) as YamlNode | undefined;
    const pos = lc.linePos(node?.range?.[0] ?? 0);
    return {
      name: d.name,
      account: d.account,
      region: d.region,
      rootStack: d.rootStack,
      roleStack: d.roleStack,
      credentials: credentialsOf(d),
      ...(endpointUrl ? { endpointUrl } : {}),
      wave: String(d.wave),
      requires: requirementsOf(d).map(parseRequirement),
      requiredDeployments: [],
      position: { line: pos.line, column: pos.col },
    };
  });

  // requires: known, not later, not one's own wave; then cycles inside a wave.
  const names = [...byName.keys()];
  const waveOf = new Map(deployments.map((d) => [d.name, d.wave]));
  const order = (wave: string): number => waveIndex.get(wave) ?? -1;
  const edges = new Map<string, string[]>();
  file.deployments.forEach((raw, i) => {
    const d = deployments[i]!;
    const list = typeof raw.requires === 'string' ? undefined : raw.requires;
    const required: string[] = [];
    d.requires.forEach((req, j) => {
      const path: Path = list ? ['deployments', i, 'requires', j] : ['deployments', i, 'requires'];
      if (req.kind === 'wave') {
        if (!waveIndex.has(req.wave)) {
          const hint = didYouMean(req.wave, waveIndex.keys());
          issues.push(at(doc, lc, path, `requires unknown wave "${req.wave}"${hint ? ` (did you mean wave:${hint}?)` : ''}`));
        } else if (req.wave === d.wave) {
          issues.push(at(doc, lc, path, `"${d.name}" requires its own wave ${req.wave}, which includes itself: name the deployments it needs instead`));
        } else if (order(req.wave) > order(d.wave)) {
          issues.push(at(doc, lc, path, `"${d.name}" (wave ${d.wave}) requires wave ${req.wave}, which runs later: move one of them`));
        } else {
          for (const n of waves[order(req.wave)]!.deployments) if (!required.includes(n)) required.push(n);
        }
        return;
      }
      const wave = waveOf.get(req.name);
      if (wave === undefined) {
        const hint = didYouMean(req.name, names);
        issues.push(at(doc, lc, path, `requires unknown deployment "${req.name}"${hint ? ` (did you mean "${hint}"?)` : ''}`));
      } else if (req.name === d.name) {
        issues.push(at(doc, lc, path, `"${d.name}" requires itself`));
      } else if (order(wave) > order(d.wave)) {
        issues.push(at(doc, lc, path, `"${d.name}" (wave ${d.wave}) requires "${req.name}" of wave ${wave}, which runs later: move one of them`));
      } else if (!required.includes(req.name)) {
        required.push(req.name);
      }
    });
    d.requiredDeployments = required;
    // Edges to earlier waves cannot close a cycle; only same-wave ones can.
    edges.set(d.name, required.filter((n) => waveOf.get(n) === d.wave));
  });

  for (const cycle of findCycles(deployments.map((d) => d.name), edges)) {
    const i = deployments.findIndex((d) => d.name === cycle[0]);
    issues.push(at(doc, lc, ['deployments', i, 'requires'], `requires form a cycle: ${[...cycle, cycle[0]].join(' -> ')}`));
  }
  return { waves, deployments };
}

/**
 * The cycles of a small graph, each once, starting at its first node in `order`. Enough for a
 * fleet file (tens of entries): a DFS from each node in order, reporting the back edges.
 */
function findCycles(order: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      const s = state.get(m);
      if (s === 'open') cycles.push(stack.slice(stack.indexOf(m)));
      else if (s === undefined) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of order) if (!state.has(n)) visit(n);
  // Start each cycle at the node that comes first in the file, so the message is stable.
  return cycles.map((c) => {
    const first = c.reduce((best, n) => (order.indexOf(n) < order.indexOf(best) ? n : best), c[0]!);
    const k = c.indexOf(first);
    return [...c.slice(k), ...c.slice(0, k)];
  });
}

/**
 * Positions an issue at the deepest node of `path` that exists (a missing key points at the
 * map that lacks it). With `key`, at that key inside the map.
 */
function at(doc: Document, lc: LineCounter, path: Path, message: string, key?: string): FleetIssue {
  let offset = 0;
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as YamlNode | undefined;
    if (node && typeof node === 'object' && 'range' in node && node.range) {
      offset = node.range[0];
      if (key !== undefined && depth === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        const keyNode = pair?.key as YamlNode | undefined;
        if (keyNode?.range) offset = keyNode.range[0];
      }
      break;
    }
  }
  const pos = lc.linePos(offset);
  return { line: pos.line, column: pos.col, path: formatPath(path), message };
}

function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function sortIssues(issues: FleetIssue[]): FleetIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}

function invalidFleet(fileName: string, issues: FleetIssue[]): PantherctlError {
  const sorted = sortIssues(issues);
  const first = sorted[0] ?? { line: 1, column: 1, path: '', message: 'invalid fleet file' };
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more)` : '';
  const where = first.path ? `${first.path}: ` : '';
  return new PantherctlError('invalid-fleet', `${fileName}:${first.line}:${first.column}: ${where}${first.message}${more}`, {
    hint: 'Fix the fleet file; its format is in docs/fleet.md and schema/pantherctl-fleet.schema.json.',
    meta: { file: fileName, issues: sorted },
  });
}
