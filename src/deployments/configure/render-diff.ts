import type { IoHost } from '../../io/messages.js';
import type { ParameterDiffEntry } from './parameter-diff.js';
import { MSG } from '../../io/messages.js';

const SHOWN: Record<ParameterDiffEntry['change'], string> = {
  unchanged: '=',
  changed: '~',
  added: '+',
  'cannot-compare': '?',
};

const q = (v: string | undefined): string => (v === undefined ? '' : v === '' ? "''" : v);

/** One `params.diff` message per row; secrets are `****` already (parameter-diff.ts). */
export function notifyDiff(io: IoHost, rows: readonly ParameterDiffEntry[], options: { showUnchanged?: boolean } = {}): void {
  for (const row of rows) {
    if (row.change === 'unchanged' && !options.showUnchanged) continue;
    const text =
      row.change === 'cannot-compare'
        ? `${SHOWN[row.change]} ${row.key}: **** (secret: cannot compare, AWS returns it masked)`
        : row.change === 'added'
          ? `${SHOWN[row.change]} ${row.key}: ${q(row.to)}`
          : row.change === 'changed'
            ? `${SHOWN[row.change]} ${row.key}: ${q(row.from)} -> ${q(row.to)}`
            : `${SHOWN[row.change]} ${row.key}: ${q(row.to)}`;
    io.notify(MSG['params.diff'].msg(text, { ...row }));
  }
}
