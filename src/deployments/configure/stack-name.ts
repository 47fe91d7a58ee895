import { PantherctlError } from '../../errors/pantherctl-error.js';

/** The prefix the deployment role's permissions are scoped to (spec, "Naming the root stack"). */
export const ROOT_STACK_PREFIX = 'panther-';

/** CloudFormation's own rule for a stack name: a letter, then letters, digits and hyphens, 128 at most. */
const CLOUDFORMATION_STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/**
 * Refuses a name CloudFormation would reject. Checked before any AWS call: otherwise a
 * first deploy creates the role stack and only then has its root stack create refused.
 * `what` names the option in the message (`--root-stack`, `--role-stack`).
 */
export function checkStackName(name: string, what: string): void {
  if (CLOUDFORMATION_STACK_NAME.test(name)) return;
  const why = name.length === 0 ? 'it is empty' : name.length > 128 ? `it is ${name.length} characters long (128 at most)` : !/^[A-Za-z]/.test(name) ? 'it must start with a letter' : 'it may hold only letters, digits and hyphens';
  throw new PantherctlError('invalid-stack-name', `${what} ${JSON.stringify(name)} is not a valid CloudFormation stack name: ${why}`, {
    hint: 'Choose another name, such as panther-root.',
    meta: { stack: name },
  });
}

/** Refuses a root stack name the deployment role cannot manage or CloudFormation would reject, saying why. */
export function checkRootStackName(name: string): void {
  if (!name.startsWith(ROOT_STACK_PREFIX)) {
    throw new PantherctlError('root-stack-name', `the root stack name ${name} does not start with ${ROOT_STACK_PREFIX}`, {
      hint: 'The deployment role only manages stacks and resources named panther-*, and the stack name prefixes every resource it creates; choose a name such as panther-root.',
      meta: { rootStack: name },
    });
  }
  checkStackName(name, 'the root stack name');
}
