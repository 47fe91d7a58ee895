/**
 * What a user of the published package writes: the package's own types (no @ts-ignore, no
 * casts), run after `npm install pantherctl-<version>.tgz` in an empty folder (.ci/pack-check).
 * The calls use the real signatures of src/index.ts: `planUpgrade({ from, to, catalog })`, and
 * `upgrade(options, io)` with an IoHost that cannot answer questions.
 */
import {
  buildPlan,
  embeddedCatalog,
  isPantherctlError,
  MemoryIoHost,
  planUpgrade,
  upgrade,
  type Catalog,
  type IoHost,
  type UpgradeOptions,
  type UpgradePlanResult,
  type UpgradeResult,
} from 'pantherctl';

const release = (version: string) => ({ version, recommended: true, notes: [], manualSteps: [], pulumiBuild: true, templates: {} });
const catalog: Catalog = { source: 'consumer', sha256: '0'.repeat(64), releases: ['v1.25.18', 'v1.26.9', 'v1.27.8'].map(release) };

const plan: UpgradePlanResult = planUpgrade({ from: 'v1.25.1', to: 'latest', catalog });
// The saved-plan artifact the upgrade accepts (`plan` option), from the embedded catalog.
const saved = buildPlan(planUpgrade({ from: 'v1.25.1', to: 'v1.26', catalog: embeddedCatalog() }), { region: 'us-east-2', catalog: embeddedCatalog() });
const io: IoHost = new MemoryIoHost();
const options: UpgradeOptions = { region: 'us-east-2', to: saved.to, plan: saved, dryRun: true };
const run: (o: UpgradeOptions, host: IoHost) => Promise<UpgradeResult> = upgrade;
if (typeof run !== 'function' || options.plan?.hops.length !== 1 || !(io instanceof MemoryIoHost)) throw new Error('unexpected exports');
if (!isPantherctlError(new Error('plain'))) process.stdout.write(`${JSON.stringify({ to: plan.to, hops: plan.hops.map((h) => h.version) })}\n`);
