/**
 * pantherctl as a library: plan an upgrade offline, then check it against the live
 * deployment with a dry run (preflight of every hop and a preview of the first change set,
 * deleted again: nothing changes). Prints one JSON document.
 *
 *   npx tsx examples/plan-and-dry-run.ts --endpoint-url http://127.0.0.1:4599 --region us-east-2 [--to v1.28.7]
 *
 * Without --endpoint-url it talks to AWS with the SDK's default credentials.
 */
import { parseArgs } from 'node:util';
import { buildPlan, embeddedCatalog, isPantherctlError, MemoryIoHost, planUpgrade, status, upgrade, type DeploymentOptions } from 'pantherctl';

const { values } = parseArgs({ options: { 'endpoint-url': { type: 'string' }, region: { type: 'string', default: 'us-east-2' }, to: { type: 'string', default: 'latest' } } });

const deployment: DeploymentOptions = {
  region: values.region,
  ...(values['endpoint-url'] ? { endpointUrl: values['endpoint-url'] } : {}),
};

try {
  const catalog = embeddedCatalog();
  // What runs now, read from the stacks (tags, else the template).
  const live = await status(deployment, new MemoryIoHost());
  // The path, planned offline from the embedded catalog: one minor at a time.
  const plan = buildPlan(planUpgrade({ from: live.rootStack.version, to: values.to, catalog }), { region: deployment.region, catalog });
  // The same path against the deployment. A MemoryIoHost cannot answer questions, and a dry run asks none.
  const io = new MemoryIoHost();
  const result = await upgrade({ ...deployment, to: plan.to, plan, dryRun: true }, io);
  const checks = io.of('preflight.check').map((m) => ({ id: m.data?.id, ok: m.data?.ok }));
  const preview = io.of('preview.change-set')[0]?.data;
  console.log(JSON.stringify({ from: plan.from, to: plan.to, hops: plan.hops.map((h) => h.version), outcome: result.outcome, checks: checks.length, failedChecks: checks.filter((c) => !c.ok), previewChanges: preview?.changes ?? 0 }));
} catch (err) {
  // Every failure a user can cause is a PantherctlError with a declared code and exit class.
  if (!isPantherctlError(err)) throw err;
  console.log(JSON.stringify({ error: { code: err.code, message: err.message } }));
  process.exitCode = err.exitCode;
}
