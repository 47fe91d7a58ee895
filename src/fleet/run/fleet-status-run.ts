/**
 * `pantherctl fleet status`: each deployment of the fleet file read as `pantherctl status`
 * reads it (with its own credentials: profile or assumed role), plus its journal's runs and
 * its lock from the state store (the shared S3 state when `state` is given), a few at a time.
 * A deployment that cannot be read is a row with its error, never a failure of the whole.
 */
import type { Catalog } from '../../catalog/types.js';
import { withDeployment, type DeploymentOptions } from '../../deployments/deployment.js';
import { status } from '../../deployments/status/status.js';
import { isPantherctlError } from '../../errors/pantherctl-error.js';
import { silentIoHost, type IoHost } from '../../io/messages.js';
import { lockAdministration } from '../../journal/lock-admin.js';
import type { Fleet, FleetDeployment } from '../file/types.js';
import { journalRuns } from '../promotion/journal-runs.js';
import { fleetStatusRow, fleetStatusTable, type FleetStatusInput, type FleetStatusRow, type FleetStatusTable } from '../status/fleet-status.js';

export interface FleetStatusOptions {
  fleet: Fleet;
  /** Shared state `s3://BUCKET/PREFIX`. Default: the local `stateDir`. */
  state?: string;
  stateKmsKey?: string;
  /** Local state directory. Default `.pantherctl`. */
  stateDir?: string;
  catalog?: Catalog;
  /** Deployments read at once. Default 4: quick for a dozen, gentle on each account's API limits. */
  concurrency?: number;
}

export interface FleetStatusResult {
  rows: FleetStatusRow[];
  table: FleetStatusTable;
}

/** The options `pantherctl status` would get for one deployment of the fleet. */
export function deploymentOptionsOf(d: FleetDeployment, o: Pick<FleetStatusOptions, 'state' | 'stateKmsKey' | 'stateDir' | 'catalog'>): DeploymentOptions {
  return {
    region: d.region,
    rootStack: d.rootStack,
    roleStack: d.roleStack,
    account: d.account,
    ...(d.endpointUrl ? { endpointUrl: d.endpointUrl } : {}),
    ...(d.credentials.kind === 'profile' ? { profile: d.credentials.profile } : d.credentials.kind === 'assume-role' ? { assumeRoleArn: d.credentials.roleArn } : {}),
    ...(o.state ? { state: o.state } : {}),
    ...(o.stateKmsKey ? { stateKmsKey: o.stateKmsKey } : {}),
    ...(o.stateDir ? { stateDir: o.stateDir } : {}),
    ...(o.catalog ? { catalog: o.catalog } : {}),
  };
}

async function readOne(d: FleetDeployment, o: FleetStatusOptions): Promise<FleetStatusInput> {
  const options = deploymentOptionsOf(d, o);
  const input: FleetStatusInput = { deployment: d };
  try {
    input.status = await status(options, silentIoHost);
    const key = { account: d.account, region: d.region, rootStack: input.status.rootStack.name };
    await withDeployment(options, silentIoHost, async (opened) => {
      input.runs = journalRuns(await opened.store.read(key));
      const lock = await lockAdministration(opened.store).inspect(key);
      if (lock.holder && lock.state !== 'free') {
        const h = lock.holder;
        input.lock = { holder: `${h.user ?? `pid ${h.pid}`}@${h.hostname}`, command: h.command, since: h.since, ...(lock.state === 'expired' ? { expired: true } : {}) };
      }
    });
  } catch (err) {
    input.error = isPantherctlError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
  }
  return input;
}

export async function fleetStatus(o: FleetStatusOptions, io: IoHost = silentIoHost): Promise<FleetStatusResult> {
  void io;
  const deployments = o.fleet.deployments;
  const inputs = new Array<FleetStatusInput>(deployments.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < deployments.length) {
      const i = next++;
      inputs[i] = await readOne(deployments[i] as FleetDeployment, o);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 4, deployments.length) }, worker));
  const rows = inputs.map(fleetStatusRow);
  return { rows, table: fleetStatusTable(rows) };
}
