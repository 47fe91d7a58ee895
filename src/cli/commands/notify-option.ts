import type { Command } from 'commander';
import { collect } from './option-parsers.js';

/** `--notify TARGET` of upgrade, resume, deploy and configure (cli/notify-run.ts sends them). */
export function notifyOption(cmd: Command): Command {
  return cmd.option('--notify <target>', 'POST run notifications to an http(s) URL, or publish them to sns:TOPIC_ARN (repeatable; adds to notify: in pantherctl.yml)', collect);
}
