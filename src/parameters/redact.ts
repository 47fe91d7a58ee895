import { findParameter } from './definitions.js';
import type { ParameterDef } from './types.js';

/** What a secret value is shown as, wherever a value would otherwise be printed. */
export const REDACTED = '****';

/**
 * Secret-looking names: a key, secret, password or token. Names ending in `Arn` are
 * excluded: an ARN only *points at* a secret (DatadogAPIKeySecretArn, PulumiSecretKeyArn)
 * and operators need to see it to check it.
 */
const SECRET_NAME = /key|secret|password|token/i;
const ARN_NAME = /arn$/i;

/**
 * Whether a parameter's value must never be printed, logged or stored. A known parameter
 * follows its definition (NoEcho); an unknown one (a typo such as `DatadogApiKy`, or a
 * parameter of a newer template) is judged by its name, erring on the side of hiding.
 */
export function isSecret(name: string): boolean {
  const def = findParameter(name);
  if (def) return def.secret;
  return SECRET_NAME.test(name) && !ARN_NAME.test(name);
}

/** The value as it may be shown: `****` for secrets, the value itself otherwise. */
export function redactValue(defOrName: ParameterDef | string, value: string): string {
  const secret = typeof defOrName === 'string' ? isSecret(defOrName) : defOrName.secret || isSecret(defOrName.name);
  return secret ? REDACTED : value;
}
