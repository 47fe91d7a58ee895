import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SandboxError } from './sandbox-error.js';
import type { Build, Project } from './codebuild/engine.js';
import type { ChangeSet, Stack } from './cloudformation/model.js';
import type { S3Encryption } from './s3/s3-store.js';
import type { LogsState } from './logs/logs-engine.js';
import type { SnsState } from './sns/sns-engine.js';

/** The whole sandbox account as the state file holds it. NoEcho values are digests only. */
export interface SandboxState {
  format: 'pantherctl-sandbox-state';
  /** 2 added bucket regions and owners; 1 is still read. */
  formatVersion: 1 | 2;
  savedAt: string;
  region: string;
  accountId: string;
  stacks: Stack[];
  changeSets: ChangeSet[];
  projects: Project[];
  builds: Build[];
  /** CloudWatch Logs groups, streams and events (absent in files written before the sandbox served Logs). */
  logs?: LogsState;
  /** SNS topics and the messages published to them (absent in older files). */
  sns?: SnsState;
  buckets: { name: string; creationDate: number; region?: string; foreign?: boolean; objects: { key: string; body: string; contentType: string; etag: string; lastModified: number; sse?: S3Encryption }[] }[];
}

/** Writes atomically (temp file, then rename), so a crash never leaves half a state file. */
export function writeState(path: string, state: SandboxState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, path);
  } catch (err) {
    throw new SandboxError('sandbox-state-unwritable', `Cannot write the sandbox state file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      hint: 'Pass a --state-file in a writable directory.',
    });
  }
}

/** Reads a state file; undefined when there is none yet. */
export function readState(path: string): SandboxState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SandboxError('sandbox-state-unreadable', `Cannot read the sandbox state file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SandboxError('sandbox-state-invalid', `The sandbox state file ${path} is not JSON`, { hint: 'Delete it to start from the seeded account.' });
  }
  const s = parsed as Partial<SandboxState>;
  if (s.format !== 'pantherctl-sandbox-state' || (s.formatVersion !== 1 && s.formatVersion !== 2) || !Array.isArray(s.stacks)) {
    throw new SandboxError('sandbox-state-invalid', `${path} is not a pantherctl sandbox state file`, { hint: 'Delete it to start from the seeded account.' });
  }
  return s as SandboxState;
}

/**
 * A state saved in the middle of an operation (a crash; a clean shutdown finishes them first)
 * is settled the way the operation was heading: the stack reaches the terminal status of
 * its current phase, with an event saying why.
 */
export function settledStatus(status: string): string | undefined {
  switch (status) {
    case 'CREATE_IN_PROGRESS':
      return 'CREATE_COMPLETE';
    case 'UPDATE_IN_PROGRESS':
    case 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS':
      return 'UPDATE_COMPLETE';
    case 'UPDATE_ROLLBACK_IN_PROGRESS':
    case 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS':
      return 'UPDATE_ROLLBACK_COMPLETE';
    case 'ROLLBACK_IN_PROGRESS':
      return 'ROLLBACK_COMPLETE';
    case 'DELETE_IN_PROGRESS':
      return 'DELETE_COMPLETE';
    default:
      return undefined;
  }
}

export function resourceSettledStatus(status: string): string | undefined {
  if (status === 'CREATE_IN_PROGRESS') return 'CREATE_COMPLETE';
  if (status === 'UPDATE_IN_PROGRESS') return 'UPDATE_COMPLETE';
  if (status === 'DELETE_IN_PROGRESS') return 'DELETE_COMPLETE';
  return undefined;
}
