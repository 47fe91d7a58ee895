/**
 * A fleet in one sandbox process: several accounts and regions, each a `Sandbox` cell (the
 * account-region the single-account sandbox always was), behind one endpoint. Requests are
 * routed the way AWS sees them: the account from the access key that signed them (or the
 * assumed-role session it belongs to), the region from the SigV4 credential scope
 * (`Credential=AKID/date/REGION/service/aws4_request`). Unknown access keys, and unsigned
 * requests, go to the first cell, so a single-account client behaves exactly as before.
 *
 * Access keys: `AKIA<12-digit account><4 characters>` (20 characters, as IAM's are) belongs to
 * that account, e.g. `AKIA111111111111SBOX`. STS AssumeRole is served by the cell of the role's
 * account (its RoleArn) in the request's region; the session keys it issues then route there.
 * S3 is one store for all cells: bucket names are global (see UNVERIFIED.md for cross-account
 * access, which the sandbox does not check).
 */
import { Sandbox, type ResolvedSandboxOptions } from './sandbox.js';
import { S3Store } from './s3/s3-store.js';

export interface FleetCell {
  accountId: string;
  region: string;
  /** Seed a deployment in this cell. Default true. */
  seeded?: boolean;
}

const ACCESS_KEY = /^AKIA(\d{12})[A-Z0-9]{4}$/;

/** The account an access key names, by the sandbox's convention; undefined for any other key. */
export function accountOfAccessKey(accessKeyId: string | undefined): string | undefined {
  return accessKeyId ? ACCESS_KEY.exec(accessKeyId)?.[1] : undefined;
}

/** An access key of `account` by the sandbox's convention. */
export function fleetAccessKey(account: string): string {
  return `AKIA${account}SBOX`;
}

/** Accounts 111111111111, 222222222222, ... (at most 9) */
const ACCOUNTS = Array.from({ length: 9 }, (_, i) => String(i + 1).repeat(12));
const FLEET_REGIONS = ['us-east-2', 'us-west-2', 'eu-west-1'];

/**
 * Where `n` seeded deployments go: spread over regions first, then accounts (two regions per
 * account at most), so that even a small fleet has several of both.
 */
export function fleetLayout(n: number): FleetCell[] {
  const cells: FleetCell[] = [];
  for (let i = 0; i < n; i++) {
    const account = ACCOUNTS[Math.floor(i / FLEET_REGIONS.length) % ACCOUNTS.length] as string;
    const region = FLEET_REGIONS[i % FLEET_REGIONS.length] as string;
    cells.push({ accountId: account, region });
  }
  return cells;
}

export class SandboxFleet {
  readonly s3: S3Store;
  private readonly cells = new Map<string, Sandbox>();
  readonly first: Sandbox;

  constructor(
    specs: readonly FleetCell[],
    private readonly base: Omit<ResolvedSandboxOptions, 'region' | 'accountId' | 's3' | 'empty' | 'stateFile'>,
  ) {
    if (specs.length === 0) throw new Error('a fleet needs at least one cell');
    this.s3 = new S3Store(base.now);
    for (const spec of specs) this.cell(spec.accountId, spec.region, spec.seeded ?? true);
    this.first = this.cells.values().next().value as Sandbox;
  }

  /** Every cell, in the order they were made. */
  all(): Sandbox[] {
    return [...this.cells.values()];
  }

  /** The cell of an account and region; an account's other regions are made on first use, empty (no deployment), as AWS has every region. */
  cell(accountId: string, region: string, seeded = false): Sandbox {
    const id = `${accountId}/${region}`;
    let c = this.cells.get(id);
    if (!c) {
      // Each cell its own seed, so generated names differ between cells.
      c = new Sandbox({ ...this.base, seed: this.base.seed + this.cells.size, accountId, region, empty: !seeded, s3: this.s3 });
      c.init();
      this.cells.set(id, c);
    }
    return c;
  }

  /**
   * The cell a request belongs to: its access key's account (a session's, for assumed-role
   * keys), or the account of the role an AssumeRole names; the region of its credential scope.
   */
  route(accessKeyId: string | undefined, region: string | undefined, assumeRoleArn?: string): Sandbox {
    const roleAccount = assumeRoleArn ? /^arn:aws[a-z-]*:iam::(\d{12}):role\//.exec(assumeRoleArn)?.[1] : undefined;
    const account = roleAccount ?? accountOfAccessKey(accessKeyId) ?? this.sessionAccount(accessKeyId);
    if (!account) return region ? (this.all().find((c) => c.options.accountId === this.first.options.accountId && c.options.region === region) ?? this.first) : this.first;
    if (!this.all().some((c) => c.options.accountId === account)) return this.first;
    return this.cell(account, region ?? this.all().find((c) => c.options.accountId === account)?.options.region ?? this.first.options.region);
  }

  private sessionAccount(accessKeyId: string | undefined): string | undefined {
    if (!accessKeyId) return undefined;
    return this.all().find((c) => c.sts.sessions.has(accessKeyId))?.options.accountId;
  }

  reset(): void {
    for (const c of this.all()) c.reset();
  }

  close(): void {
    for (const c of this.all()) c.close();
  }
}

/**
 * The fleet file (pantherctl's `--fleet` format, schemaVersion 1) describing the seeded cells,
 * one deployment each, with a profile per account; and the AWS shared credentials file those
 * profiles are in (set AWS_SHARED_CREDENTIALS_FILE to it). Waves: the first deployment is
 * `staging`, the rest `production`, which requires it.
 */
export function fleetFiles(cells: readonly FleetCell[], endpoint: string): { fleet: string; credentials: string } {
  const lines = ['# Written by `pantherctl sandbox start --fleet`: the sandbox deployments, one per account and region.', 'schemaVersion: 1', `endpointUrl: ${endpoint}`, 'deployments:'];
  cells.forEach((c, i) => {
    lines.push(
      `  - name: d${i + 1}-${c.accountId.slice(0, 3)}-${c.region}`,
      `    account: "${c.accountId}"`,
      `    region: ${c.region}`,
      '    rootStack: panther-root',
      `    credentials: { profile: sandbox-${c.accountId} }`,
      `    wave: ${i === 0 ? 'staging' : 'production'}`,
      ...(i === 0 ? [] : ['    requires: wave:staging']),
    );
  });
  const accounts = [...new Set(cells.map((c) => c.accountId))];
  const credentials = accounts.map((a) => `[sandbox-${a}]\naws_access_key_id = ${fleetAccessKey(a)}\naws_secret_access_key = sandbox\n`).join('\n');
  return { fleet: `${lines.join('\n')}\n`, credentials };
}
