import type { IoHost } from '../../io/messages.js';
import { redactValue } from '../../parameters/redact.js';
import type { Stage } from '../staging/types.js';
import { MSG } from '../../io/messages.js';

/** A stage as messages carry it: keys only, never values. */
export const stageSummary = (s: Stage): { index: number; groups: string[]; risky: boolean; parameters: string[] } => ({
  index: s.index,
  groups: s.groups,
  risky: s.risky,
  parameters: s.parameters.map((p) => p.key),
});

/** `''` for an empty value, so it reads as set-to-empty rather than missing. */
export const shownValue = (key: string, value: string): string => {
  const shown = redactValue(key, value);
  return shown === '' ? "''" : shown;
};

/**
 * One `<command>.stage-plan` line per stage, before the confirmation. `withValues` shows the
 * values (secrets redacted): a first deploy has no live values to diff against.
 */
export function notifyStagePlan(io: IoHost, command: 'deploy' | 'configure', stages: readonly Stage[], options: { withValues?: boolean } = {}): void {
  for (const s of stages) {
    const items = s.parameters.map((p) => (options.withValues ? `${p.key}=${shownValue(p.key, p.value)}` : p.key));
    const { index, ...summary } = stageSummary(s);
    io.notify(MSG[`${command}.stage-plan`].msg(`  stage ${s.index} (${s.groups.join(', ')}${s.risky ? ', risky: on its own' : ''}): ${items.join(', ')}`, { stage: index, ...summary }));
  }
}
