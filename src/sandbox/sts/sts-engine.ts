import { AwsError } from '../aws-error.js';
import type { Random } from '../random.js';

/** Who signed a request, as IAM names them. */
export interface Principal {
  /** `arn:aws:iam::<acct>:user/<name>` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`. */
  arn: string;
  userId: string;
  account: string;
  /** For assumed-role sessions: the role's own ARN (what trust policies name). */
  roleArn?: string;
}

/** An IAM role of the sandbox account: every `AWS::IAM::Role` a live stack holds. */
export interface RoleView {
  name: string;
  arn: string;
  roleId: string;
  trustPolicy: unknown;
  /** Seconds; IAM's default is 3600 (one hour). */
  maxSessionDuration: number;
}

export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
}

export interface AssumeRoleInput {
  roleArn?: string;
  roleSessionName?: string;
  durationSeconds?: number;
}

const SESSION_NAME = /^[\w+=,.@-]*$/;

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/**
 * Whether a role's trust policy lets `caller` assume it: an Allow statement for sts:AssumeRole
 * whose Principal names everyone (`*`), the caller's account (its id or
 * `arn:aws:iam::<acct>:root`), the caller itself or, for a role session, its role (IAM User
 * Guide, reference_policies_elements_principal: "AWS account principals" and "IAM role
 * principals"). Deny statements, conditions and NotPrincipal are not modelled (UNVERIFIED.md).
 */
export function trustAllows(policy: unknown, caller: Principal): boolean {
  const statements = asList((policy as { Statement?: unknown } | undefined)?.Statement);
  return statements.some((raw) => {
    const s = raw as { Effect?: unknown; Action?: unknown; Principal?: unknown };
    if (s.Effect !== 'Allow') return false;
    if (!asList(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*')) return false;
    if (s.Principal === '*') return true;
    const aws = asList((s.Principal as { AWS?: unknown } | undefined)?.AWS);
    return aws.some((p) => p === '*' || p === caller.account || p === `arn:aws:iam::${caller.account}:root` || p === caller.arn || (caller.roleArn !== undefined && p === caller.roleArn));
  });
}

/**
 * STS of the sandbox account: AssumeRole hands out temporary credentials for a role the
 * account holds, and every later request signed with them is made as that role's session.
 */
export class StsEngine {
  readonly sessions = new Map<string, Session>();

  constructor(
    private readonly deps: { accountId: string; random: Random; now: () => number; roles: () => RoleView[] },
  ) {}

  /**
   * The principal behind an access key: a session AssumeRole issued, else an IAM user named
   * after the key (the sandbox accepts any long-term credentials).
   */
  principalOf(accessKeyId: string | undefined): Principal {
    const account = this.deps.accountId;
    const session = accessKeyId ? this.sessions.get(accessKeyId) : undefined;
    if (session) {
      return {
        arn: `arn:aws:sts::${account}:assumed-role/${session.roleName}/${session.sessionName}`,
        userId: `${session.roleId}:${session.sessionName}`,
        account,
        roleArn: session.roleArn,
      };
    }
    const user = accessKeyId && /^[A-Za-z0-9_+=,.@-]{1,64}$/.test(accessKeyId) ? `sandbox-${accessKeyId}` : 'sandbox';
    return {
      arn: `arn:aws:iam::${account}:user/${user}`,
      userId: `AIDASANDBOX${(accessKeyId ?? 'ANONYMOUS').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 12)}`,
      account,
    };
  }

  /**
   * AssumeRole (botocore sts/2011-06-15 service-2.json): RoleSessionName 2-64 characters of
   * `[\w+=,.@-]*`, DurationSeconds 900-43200 and at most the role's MaxSessionDuration
   * ("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
   * quoted in kreuzwerker/awsu#27). A caller the trust policy does not name gets 403
   * AccessDenied "User: <caller> is not authorized to perform: sts:AssumeRole on resource:
   * <role>" (the XML of Netflix/security_monkey#77). Access key ids of temporary credentials
   * start with ASIA (botocore sts GetAccessKeyInfo documentation).
   */
  assumeRole(caller: Principal, input: AssumeRoleInput): Session {
    const roleArn = input.roleArn;
    if (!roleArn) throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    const name = input.roleSessionName;
    if (name === undefined) throw validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
    if (name.length < 2) throw validation(`1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2`);
    if (name.length > 64) throw validation(`1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`);
    if (!SESSION_NAME.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    const duration = input.durationSeconds ?? 3600;
    if (duration < 900) throw validation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
    if (duration > 43200) throw validation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
    const role = this.deps.roles().find((r) => r.arn === roleArn);
    if (!role || !trustAllows(role.trustPolicy, caller)) {
      throw new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    if (duration > role.maxSessionDuration) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const r = this.deps.random;
    const session: Session = {
      accessKeyId: `ASIA${r.chars(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
      secretAccessKey: r.chars(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'),
      sessionToken: `FwoGZXIvYXdzE${r.chars(120, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')}`,
      expiration: this.deps.now() + duration * 1000,
      roleArn: role.arn,
      roleName: role.name,
      roleId: role.roleId,
      sessionName: name,
    };
    this.sessions.set(session.accessKeyId, session);
    return session;
  }

  clear(): void {
    this.sessions.clear();
  }
}
