/**
 * What a user of the published package writes: the package's own types (no @ts-ignore, no
 * casts), run after `npm install pantherctl-<version>.tgz` in an empty folder (.ci/pack-check).
 */
import { planUpgrade, upgrade, type UpgradePlanResult } from 'pantherctl';

type Catalog = Parameters<typeof planUpgrade>[0]['catalog'];

const release = (version: string) => ({ version, recommended: true, notes: [], manualSteps: [], pulumiBuild: true, templates: {} });
const catalog: Catalog = { source: 'consumer', sha256: '0'.repeat(64), releases: ['v1.25.18', 'v1.26.9', 'v1.27.8'].map(release) };

const plan: UpgradePlanResult = planUpgrade({ from: 'v1.25.1', to: 'latest', catalog });
if (typeof upgrade !== 'function') throw new Error('upgrade is not exported as a function');
process.stdout.write(`${JSON.stringify({ to: plan.to, hops: plan.hops.map((h) => h.version) })}\n`);
