import type { ProgramBuilder } from '../main.js';
import { registerPlanCommand } from './plan.js';
import { registerUrlsCommand } from './urls.js';
import { registerCatalogCommand } from './catalog.js';
import { registerParamsCommand } from './params.js';

/** Commands that need no AWS account: they must start fast and never load the AWS SDK. */
export function registerOfflineCommands(b: ProgramBuilder): void {
  registerPlanCommand(b);
  registerUrlsCommand(b);
  registerCatalogCommand(b);
  registerParamsCommand(b);
}
