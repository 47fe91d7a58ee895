/**
 * pantherctl as a library (`import { planUpgrade, upgrade } from 'pantherctl'`). A minimal
 * entry until the typed core API of issue 10 (item 1) lands here; it keeps the package's
 * `exports` and `types` real in the meantime. Importing it loads no AWS SDK code: the
 * gateways load each client on its first call.
 */
export { planUpgrade } from './planning/plan-upgrade.js';
export type { PlanUpgradeInput, PlannedHop, UpgradePlanResult } from './planning/plan-upgrade.js';
export { runUpgrade as upgrade } from './deployments/upgrade/run-upgrade.js';
export type { UpgradeOptions, UpgradeResult } from './deployments/upgrade/run-upgrade.js';
export type { Catalog, Release } from './catalog/types.js';
