import type { Version } from './version.js';

/**
 * Whether a release runs the `panther-pulumi` CodeBuild project after the root stack update
 * when its catalog entry does not say: the spec's "Trigger Pulumi CodeBuild" step applies
 * from v1.22 on.
 */
export function pulumiBuildByDefault(v: Pick<Version, 'major' | 'minor'>): boolean {
  return v.major > 1 || (v.major === 1 && v.minor >= 22);
}
