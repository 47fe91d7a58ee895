/**
 * What a notification says. Receivers (a chat webhook, an incident tool, SNS e-mail) get one
 * JSON document per event; `schema` names its version, so fields may be added, never removed.
 * The shapes carry names, versions, durations and reasons: never a parameter value. String
 * fields still pass through the notifier's redactor, since a reason may quote anything.
 */

export const NOTIFY_SCHEMA = 'pantherctl.notify/v1';

/** A root cause as the diagnose code reports it (first failed resource, nested stacks searched). */
export interface NotifyRootCause {
  stack?: string;
  logicalId?: string;
  resourceType?: string;
  status?: string;
  reason?: string;
  /** For a failed build: its failing phase and that phase's context message. */
  phase?: string;
  /** One line for humans. */
  text: string;
}

export type NotifyEvent =
  | {
      event: 'run.start';
      data: { command: string; from: string; to: string; hops: string[]; principal?: string };
    }
  | {
      event: 'hop.done';
      data: {
        index: number;
        total: number;
        version: string;
        durationMs?: number;
        /** Milliseconds of each step of the hop that ran. */
        steps?: { role?: number; root?: number; build?: number };
      };
    }
  | {
      event: 'run.failed';
      data: {
        code: string;
        message: string;
        hop?: string;
        step?: string;
        /** Where the deployment was left ("stack done, build failed", "UPDATE_ROLLBACK_COMPLETE"). */
        state?: string;
        rootCause?: NotifyRootCause;
        /** The command that continues, e.g. `pantherctl resume` or `pantherctl recover`. */
        nextCommand: string;
      };
    }
  | {
      event: 'run.interrupted';
      data: { code: string; message: string; hop?: string; nextCommand: string };
    }
  | {
      event: 'run.done';
      data: { from: string; to: string; hops: string[]; durationMs?: number };
    };

export type NotifyEventName = NotifyEvent['event'];

/** Identifies the run and the deployment in every message. */
export interface NotifyContext {
  run: string;
  rootStack: string;
  region?: string;
  account?: string;
  /** pantherctl's version, sent as the User-Agent too. */
  version?: string;
}

/** The JSON document sent. */
export type NotifyEnvelope = {
  schema: typeof NOTIFY_SCHEMA;
  /** Unique per message and the same on every retry of it: receivers deduplicate on it. */
  id: string;
  /** Order of the messages of one run (1, 2, ...), since retries may reorder arrival across targets. */
  seq: number;
  time: string;
  run: string;
  deployment: { rootStack: string; region?: string; account?: string };
} & NotifyEvent;

/** A subject line for SNS (e-mail subscribers see it). */
export function subjectOf(envelope: NotifyEnvelope): string {
  const d = envelope.deployment.rootStack;
  switch (envelope.event) {
    case 'run.start':
      return `pantherctl: ${d} upgrade ${envelope.data.from} -> ${envelope.data.to} started`;
    case 'hop.done':
      return `pantherctl: ${d} hop ${envelope.data.index}/${envelope.data.total} ${envelope.data.version} done`;
    case 'run.failed':
      return `pantherctl: ${d} run FAILED${envelope.data.hop ? ` at ${envelope.data.hop}` : ''}`;
    case 'run.interrupted':
      return `pantherctl: ${d} run interrupted`;
    case 'run.done':
      return `pantherctl: ${d} now runs ${envelope.data.to}`;
  }
}
