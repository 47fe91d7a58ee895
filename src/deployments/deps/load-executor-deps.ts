/**
 * Binds the executor to the SDK gateways and the real wait loops. Loading this module loads
 * the AWS SDK: commands import it with `await import()` inside their action.
 */
import type { IoHost } from '../../io/messages.js';
import { createAwsGateways } from '../aws/gateways.js';
import type { ConnectionOptions } from '../aws/types.js';
import { findRootCause } from '../diagnose/root-cause.js';
import { lazySdkLogsGateway } from '../logs/logs-gateway.js';
import { waitForBuild } from '../wait/build-waiter.js';
import { waitForChangeSet } from '../wait/change-set-waiter.js';
import { waitForStackOperation } from '../wait/stack-waiter.js';
import { rootCauseSummary, type ExecutorDeps } from './executor-deps.js';


export function loadExecutorDeps(connection: ConnectionOptions, options: { io?: IoHost; pollIntervalMs?: number } = {}): ExecutorDeps & { close(): void } {
  const aws = createAwsGateways(connection, options.io ? { io: options.io } : {});
  const logs = lazySdkLogsGateway(connection, options.io ? { io: options.io } : {});
  return {
    cloudFormation: aws.cloudFormation,
    codeBuild: aws.codeBuild,
    templates: aws.templates,
    identity: aws.identity,
    lambda: aws.lambda,
    logs,
    waitForStack: waitForStackOperation,
    waitForChangeSet,
    waitForBuild,
    async findRootCause(stack, o) {
      // Without `since`, the most recent operation is analysed: exact, and immune to clock skew.
      void o;
      const cause = await findRootCause(aws.cloudFormation, stack);
      return cause ? rootCauseSummary(cause) : undefined;
    },
    ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    close: () => {
      logs.close();
      aws.close();
    },
  };
}
