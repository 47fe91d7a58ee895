import type { JournalEntry, StepName } from './entry.js';

/** The last thing the journal says about one step of one hop. */
export interface StepRecord {
  status: 'requested' | 'accepted' | 'done' | 'failed';
  clientRequestToken?: string;
  entry: JournalEntry;
  /** The latest `step.requested` entry of this step (for the event id and time it recorded). */
  requested?: JournalEntry;
}

export interface HopRecord {
  version: string;
  steps: Partial<Record<StepName, StepRecord>>;
  done: boolean;
}

/** What a journal says about a deployment, folded from its entries. */
export interface JournalSummary {
  /** The plan of the latest run that started: target and hop versions. */
  plan?: { from: string; to: string; hops: string[] };
  hops: Map<string, HopRecord>;
  last?: JournalEntry;
  /** The latest run reached its target. */
  finished: boolean;
  /** How the latest run ended, when it did not finish. */
  stoppedBy?: 'run.failed' | 'run.interrupted';
}

/**
 * Folds journal entries into per-hop step records; the latest entry about a step wins.
 * Pure, so the resume rules can be tested on plain arrays.
 */
export function summarizeJournal(entries: readonly JournalEntry[]): JournalSummary {
  const summary: JournalSummary = { hops: new Map(), finished: false };
  const hop = (version: string): HopRecord => {
    let h = summary.hops.get(version);
    if (!h) {
      h = { version, steps: {}, done: false };
      summary.hops.set(version, h);
    }
    return h;
  };
  for (const e of entries) {
    summary.last = e;
    switch (e.type) {
      case 'run.start': {
        const hops = Array.isArray(e.hops) ? (e.hops as unknown[]).filter((v): v is string => typeof v === 'string') : [];
        summary.plan = { from: String(e.from ?? ''), to: String(e.to ?? ''), hops };
        summary.finished = false;
        delete summary.stoppedBy;
        break;
      }
      case 'step.requested':
      case 'step.accepted':
      case 'step.done':
      case 'step.failed': {
        if (!e.hop || !e.step) break;
        const status = e.type === 'step.requested' ? 'requested' : e.type === 'step.accepted' ? 'accepted' : e.type === 'step.done' ? 'done' : 'failed';
        const previous = hop(e.hop).steps[e.step];
        // An outcome entry may omit the token; keep the one its request carried.
        const token = e.clientRequestToken ?? previous?.clientRequestToken;
        // The request entry stays reachable: it holds what a resumed run needs (event id, time).
        const requested = e.type === 'step.requested' ? e : previous?.requested;
        hop(e.hop).steps[e.step] = { status, entry: e, ...(requested ? { requested } : {}), ...(token ? { clientRequestToken: token } : {}) };
        break;
      }
      case 'hop.done':
        if (e.hop) hop(e.hop).done = true;
        break;
      case 'run.done':
        summary.finished = true;
        break;
      case 'run.failed':
      case 'run.interrupted':
        summary.stoppedBy = e.type;
        break;
    }
  }
  return summary;
}
