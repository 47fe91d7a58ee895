import type { AcceptedOf, JournalEntry, RequestedOf, RunStart, StepDone, StepFailed, StepName, StepRequested, StepAccepted } from './entry.js';

type StepEntry = StepRequested | StepAccepted | StepDone | StepFailed;
type Stamped<T> = T & JournalEntry;

/** The last thing the journal says about one step of one hop. */
export interface StepRecord<S extends StepName = StepName> {
  status: 'requested' | 'accepted' | 'done' | 'failed';
  clientRequestToken?: string;
  /** The latest entry about the step. */
  entry: Stamped<StepEntry> & { step: S };
  /** The latest `step.requested` entry of this step (for the event id, change set and time it recorded). */
  requested?: Stamped<RequestedOf<S>>;
  /** What AWS named when it accepted that request (a build id, a stack id); absent once a new request follows. */
  accepted?: Stamped<AcceptedOf<S>>;
  /** The latest `step.done` entry, while it is the step's latest word. */
  done?: Stamped<StepDone>;
}

export type StepRecords = { [S in StepName]?: StepRecord<S> };

export interface HopRecord {
  version: string;
  steps: StepRecords;
  done: boolean;
}

/** What a journal says about a deployment, folded from its entries. */
export interface JournalSummary {
  /** The plan of the latest run that started: target and hop versions. */
  plan?: { from: string; to: string; hops: string[] };
  /** The latest `run.start` entry itself. */
  start?: Stamped<RunStart>;
  hops: Map<string, HopRecord>;
  last?: JournalEntry;
  /** The latest run reached its target. */
  finished: boolean;
  /** How the latest run ended, when it did not finish. */
  stoppedBy?: 'run.failed' | 'run.interrupted';
}

// TypeScript cannot index a mapped type with a generic key on write; each record is written
// for its own step just below, so reading it back for that step is sound.
function record<S extends StepName>(steps: StepRecords, step: S): StepRecord<S> | undefined {
  return steps[step] as StepRecord<S> | undefined;
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
      case 'run.start':
        summary.plan = { from: e.from, to: e.to, hops: [...e.hops] };
        summary.start = e;
        summary.finished = false;
        delete summary.stoppedBy;
        break;
      case 'step.requested':
      case 'step.accepted':
      case 'step.done':
      case 'step.failed': {
        if (!e.hop) break;
        const steps = hop(e.hop).steps;
        const previous = record(steps, e.step);
        const status = e.type === 'step.requested' ? 'requested' : e.type === 'step.accepted' ? 'accepted' : e.type === 'step.done' ? 'done' : 'failed';
        // An outcome entry may omit the token; keep the one its request carried.
        const token = e.type === 'step.requested' ? e.clientRequestToken : previous?.clientRequestToken;
        // The request entry stays reachable: it holds what a resumed run needs (event id, time).
        const requested = e.type === 'step.requested' ? e : previous?.requested;
        const accepted = e.type === 'step.accepted' ? e : e.type === 'step.requested' ? undefined : previous?.accepted;
        const next = {
          status,
          entry: e,
          ...(requested ? { requested } : {}),
          ...(accepted ? { accepted } : {}),
          ...(e.type === 'step.done' ? { done: e } : {}),
          ...(token ? { clientRequestToken: token } : {}),
        };
        (steps as Record<StepName, unknown>)[e.step] = next;
        break;
      }
      case 'hop.done':
        hop(e.hop).done = true;
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
