import type { ProgramBuilder } from '../main.js';

/** Commands that talk to AWS (status, upgrade, resume, diagnose, recover, iam-policy). */
export function registerDeploymentCommands(_b: ProgramBuilder): void {}
