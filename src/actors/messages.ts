/**
 * Messages between worker threads and the supervisor (main thread). These travel by
 * postMessage, off the hot path: about once a second (stats, histogram snapshots) or once
 * per order event (journal). Records of the hot path travel by SAB rings, never here.
 */
export type ActorRole = 'feed' | 'strategy' | 'executor';

export interface WorkerLog {
  type: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

/** Counters and gauges of one actor, flattened (`name` → value), sent about once a second. */
export interface WorkerStats {
  type: 'stats';
  actor: string;
  counters: Record<string, number>;
}

/** Histogram interval snapshot (see src/core/histogram.ts), forwarded to the collector. */
export interface WorkerHist {
  type: 'hist';
  actor: string;
  snapshot: unknown;
}

/** Journal lines (intents, orders, fills, risk events), written by the supervisor as they come. */
export interface WorkerJournal {
  type: 'journal';
  entries: Array<Record<string, unknown>>;
}

export interface WorkerReady {
  type: 'ready';
  actor: string;
  /** monoNs when the actor started its loop (the strategy's: a session replay starts its strategy there). */
  ns?: number;
}

/** Last words of an actor that was asked to stop: final counters, nothing more will follow. */
export interface WorkerClosed {
  type: 'closed';
  actor: string;
  counters: Record<string, number>;
}

/**
 * The live executor halts new entries by itself (`balance_drift`: the venue's balances and
 * xarb's disagree; `unresolved_orders`: too many orders of unknown status) or lifts that halt.
 */
export interface WorkerHaltEntries {
  type: 'halt-entries';
  rule: string;
  reason: string;
  active: boolean;
}

/** The strategy thread took a crashed run's leftover exposure of `symbol` over (adopted or flattening it). */
export interface WorkerLeftoverAdopted {
  type: 'leftover-adopted';
  symbol: string;
}

export type WorkerMessage = WorkerLog | WorkerStats | WorkerHist | WorkerJournal | WorkerReady | WorkerClosed | WorkerHaltEntries | WorkerLeftoverAdopted;

/** Supervisor → worker. The stop flag also lives in the actor's control SAB (agent.ts). */
/** `reason` of flatten/resume: the operator's words (POST /resume, `xarb ctl`), journaled by the supervisor. */
export type SupervisorMessage = { type: 'stop' } | { type: 'flatten'; reason?: string } | { type: 'halt'; reason: string; kind?: 'balance_drift' } | { type: 'resume'; reason?: string }
  | { type: 'cancel-all'; reason: string }
  /** For the live executor hosted on the strategy's thread (`[engine] live_executor`). */
  | { type: 'executor'; m: SupervisorMessage };
