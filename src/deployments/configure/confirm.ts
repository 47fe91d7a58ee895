/**
 * How a staged run asks for the one confirmation: `--yes` answers it, a TTY prompts, and
 * without either the CLI refuses before anything changes.
 */
export type Confirm = (question: string) => Promise<boolean>;

export const alwaysYes: Confirm = () => Promise.resolve(true);
