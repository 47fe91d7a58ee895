import { createHash } from 'node:crypto';
import { formatVersion, parseVersion } from '../../catalog/version.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The identity of an upgrade plan, for promotion: production runs only a plan whose digest a
 * required deployment (staging) finished. The digest covers what the run applies, and nothing
 * about where it runs:
 * - the target version;
 * - every hop, in order: its version and the SHA-256 of its root and role templates as
 *   fetched (published templates were overwritten in place before, so the version alone
 *   does not say what ran);
 * - the parameter changes: keys, and a SHA-256 of each value, never the value itself, so the
 *   digest, the fleet plan file and the shared state hold no secret.
 * Not covered, on purpose: the version a deployment starts from (two deployments with the
 * same hops run the same plan), the region and template URLs (regional copies of one template
 * have one content digest), account, stack names and times.
 */

/** Bumped if the digested document ever changes; a digest of another version never matches. */
export const PLAN_DIGEST_VERSION = 1;

export interface DigestHop {
  /** `v1.26.9` (a `1.26.9` spelling is normalised). */
  version: string;
  /** SHA-256 (hex) of the root template the hop applies. */
  rootTemplateSha256: string;
  /** SHA-256 (hex) of the deployment role template the hop applies. */
  roleTemplateSha256: string;
}

/** One parameter change of the plan, its value already hashed with `hashParameterValue`. */
export interface DigestParameterChange {
  key: string;
  valueSha256: string;
}

export interface DigestablePlan {
  target: string;
  hops: readonly DigestHop[];
  parameterChanges: readonly DigestParameterChange[];
}

const SHA256 = /^[0-9a-fA-F]{64}$/;
/** CloudFormation parameter keys are alphanumeric. */
const PARAMETER_KEY = /^[A-Za-z0-9]{1,255}$/;

/**
 * SHA-256 of one parameter value, bound to its key (the same value under two keys hashes
 * differently, so equal secrets are not revealed as equal). A hash of a low-entropy value can
 * still be guessed by trying values: the plan states which values changed, it is no vault.
 */
export function hashParameterValue(key: string, value: string): string {
  if (!PARAMETER_KEY.test(key)) throw new TypeError(`hashParameterValue: "${key}" is not a CloudFormation parameter key`);
  return sha256(canonicalJson(['pantherctl-parameter-value', PLAN_DIGEST_VERSION, key, value]));
}

/** `--param KEY=VALUE` pairs as digestable changes, sorted by key. Values are hashed here and go no further. */
export function parameterChanges(values: ReadonlyMap<string, string> | Readonly<Record<string, string>>): DigestParameterChange[] {
  const entries = values instanceof Map ? [...values.entries()] : Object.entries(values as Record<string, string>);
  return entries
    .map(([key, value]) => ({ key, valueSha256: hashParameterValue(key, value) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The canonical document a digest is computed over: versions `v`-prefixed, digests lower
 * case, parameter changes sorted by key. Throws TypeError on malformed input (a bug in the
 * caller: every field comes from the catalog, a fetched template or `--param`).
 */
export function canonicalPlan(plan: DigestablePlan): Record<string, unknown> {
  const keys = new Set<string>();
  const params = plan.parameterChanges.map((p) => {
    if (!PARAMETER_KEY.test(p.key)) throw new TypeError(`planDigest: "${p.key}" is not a CloudFormation parameter key`);
    if (keys.has(p.key)) throw new TypeError(`planDigest: parameter ${p.key} is changed twice`);
    keys.add(p.key);
    return { key: p.key, valueSha256: digestOf(p.valueSha256, `parameter ${p.key}`) };
  });
  params.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    digestVersion: PLAN_DIGEST_VERSION,
    target: formatVersion(parseVersion(plan.target)),
    // Hops keep their order: the same hops in another order are another plan.
    hops: plan.hops.map((h) => ({
      version: formatVersion(parseVersion(h.version)),
      rootTemplateSha256: digestOf(h.rootTemplateSha256, `root template of ${h.version}`),
      roleTemplateSha256: digestOf(h.roleTemplateSha256, `role template of ${h.version}`),
    })),
    parameterChanges: params,
  };
}

/** SHA-256 (64 lower-case hex digits) of the plan's canonical JSON. */
export function planDigest(plan: DigestablePlan): string {
  return sha256(canonicalJson(canonicalPlan(plan)));
}

/** The first 12 digits, as messages show a digest. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}

function digestOf(value: string, what: string): string {
  if (!SHA256.test(value)) throw new TypeError(`planDigest: the ${what} is not a SHA-256 digest`);
  return value.toLowerCase();
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
