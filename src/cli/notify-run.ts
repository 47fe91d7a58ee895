/**
 * `--notify TARGET` (repeatable) and `notify:` in pantherctl.yml for upgrade, resume, deploy
 * and configure: the command's messages are watched (notify/run-notifications.ts) and the
 * start, each hop's end, a failure and the finish are queued on the notifier, which never
 * blocks or fails the run. At the end the queue is flushed with a bound; what could not be
 * delivered is one `notify.undelivered` warning each. Targets are checked before any AWS call.
 */
import { randomUUID } from 'node:crypto';
import { usageError } from '../errors/pantherctl-error.js';
import { MSG, type AnyMessage, type AnyRequest, type IoHost } from '../io/messages.js';
import type { ResponseOf } from '../io/message-maker.js';
import type { DeploymentOptions } from '../deployments/deployment.js';
import { loadConfig } from '../settings/load.js';
import type { CliContext } from './context.js';

/** How long a finished command waits for its last notifications. */
const FLUSH_MS = 10_000;

export interface NotifyFlags {
  notify?: string[];
  config?: string;
}

export interface NotifyRun {
  command: 'upgrade' | 'resume' | 'deploy' | 'configure';
  deployment: DeploymentOptions;
  /** Parameter values the run was given: secret ones are redacted from every message. */
  values?: readonly { key: string; value: string }[];
}

/**
 * Runs `body` with an IoHost that also notifies, when the command has targets; otherwise
 * `body(io)` as is, loading nothing.
 */
export async function withNotifications<T>(ctx: CliContext, flags: NotifyFlags, run: NotifyRun, io: IoHost, body: (io: IoHost) => Promise<T>): Promise<T> {
  const raw = [...((await loadConfig(flags.config)).notify ?? []), ...(flags.notify ?? [])];
  if (raw.length === 0) return body(io);
  const { parseNotifyTargets } = await import('../notify/targets.js');
  const { targets, problems } = parseNotifyTargets(raw);
  if (problems.length > 0) throw usageError(problems.join(' '));

  const [{ createNotifier }, { RunNotifications }, { runRedactor }, { notifySecretFromEnv }] = await Promise.all([
    import('../notify/notifier.js'),
    import('../notify/run-notifications.js'),
    import('../support/run-redaction.js'),
    import('../notify/signature.js'),
  ]);
  const sns = targets.some((t) => t.kind === 'sns') ? await snsPublisher(run.deployment) : undefined;
  const observer = new RunNotifications(run.command);
  const secret = notifySecretFromEnv(ctx.streams.env);
  const redact = runRedactor({ values: run.values ?? [] });
  const runId = randomUUID();
  let notifier: ReturnType<typeof createNotifier> | undefined;
  const send = (events: ReturnType<typeof observer.observe>): void => {
    for (const event of events) {
      // Created at the run's start, when the deployment is known (discovered or named).
      notifier ??= createNotifier({
        targets,
        context: {
          run: runId,
          rootStack: observer.deployment.rootStack ?? run.deployment.rootStack ?? 'unknown',
          region: observer.deployment.region ?? run.deployment.region,
          ...(observer.deployment.account ?? run.deployment.account ? { account: observer.deployment.account ?? run.deployment.account } : {}),
          version: PANTHERCTL_VERSION,
        },
        ...(secret ? { secret } : {}),
        redact,
        ...(sns ? { sns } : {}),
      });
      notifier.notify(event);
    }
  };
  const host: IoHost = {
    notify(message: AnyMessage) {
      io.notify(message);
      try {
        send(observer.observe(message));
      } catch {
        // Notifications are an aid: nothing about them may stop the run.
      }
    },
    requestResponse: <Q extends AnyRequest>(request: Q): Promise<ResponseOf<Q>> => io.requestResponse(request),
  };
  try {
    return await body(host);
  } catch (err) {
    const rootStack = observer.deployment.rootStack ?? run.deployment.rootStack;
    const event = observer.failed(err, rootStack ? `pantherctl diagnose --root-stack ${rootStack} --region ${run.deployment.region}` : 'pantherctl diagnose');
    if (event) send([event]);
    throw err;
  } finally {
    if (notifier) {
      const summary = await notifier.flush({ timeoutMs: FLUSH_MS });
      for (const r of [...summary.failed, ...summary.dropped]) {
        const outcome = r.outcome === 'failed' ? 'failed' : 'dropped';
        io.notify(
          MSG['notify.undelivered'].msg(`notification ${r.event} to ${r.target} not delivered${r.reason ? ` (${r.reason})` : ''}`, {
            target: r.target,
            event: r.event,
            outcome,
            attempts: r.attempts,
            ...(r.reason ? { reason: r.reason } : {}),
          }),
        );
      }
    }
    sns?.close?.();
  }
}

/** Sent as the User-Agent and in each message's context. */
const PANTHERCTL_VERSION = '0.1.0';

/** SNS Publish with the run's own connection (profile, assumed role, the sandbox's endpoint). */
async function snsPublisher(d: DeploymentOptions): Promise<import('../notify/sns-publisher.js').SnsPublisher> {
  const [{ createSdkSnsPublisher }, { credentialsFor }] = await Promise.all([import('../notify/sns-publisher.js'), import('../deployments/aws/connection.js')]);
  const conn = { region: d.region, ...(d.profile ? { profile: d.profile } : {}), ...(d.endpointUrl ? { endpointUrl: d.endpointUrl } : {}), ...(d.assumeRoleArn ? { assumeRoleArn: d.assumeRoleArn } : {}) };
  const credentials = credentialsFor(conn);
  return createSdkSnsPublisher({ clientConfig: () => ({ credentials, ...(d.endpointUrl ? { endpoint: d.endpointUrl } : {}) }) });
}
