/**
 * The redaction a run applies to what it did not write itself (build log lines, failure
 * reasons AWS quotes) before showing, journaling or sending it: the secret values the run
 * knows (`--param` values and parameter-file values of secret or NoEcho parameters), whatever
 * is written next to those keys, and the credential shapes of the support-bundle redactors.
 * E-mail addresses stay: they are not credentials, and the operator's own output needs them
 * (the support bundle removes them unless `--keep-emails`).
 */
import { isSecret } from '../parameters/redact.js';
import { textRedactor, type KnownSecret } from './redactors.js';

export interface RunSecrets {
  /** Parameter values the run was given (keys and values); only secret ones are used. */
  values?: Iterable<{ key: string; value: string }>;
  /** Keys that are secret for this deployment beyond pantherctl's definitions (NoEcho in its templates). */
  secretKeys?: Iterable<string>;
}

export function runRedactor(secrets: RunSecrets = {}): (text: string) => string {
  const keys = new Set(secrets.secretKeys ?? []);
  const known: KnownSecret[] = [];
  for (const { key, value } of secrets.values ?? []) {
    if (keys.has(key) || isSecret(key)) {
      keys.add(key);
      known.push({ key, value });
    }
  }
  return textRedactor({ secrets: known, secretParameterKeys: [...keys], keepEmails: true });
}
