/**
 * What the lab service needs from a session file, as one narrow interface.
 * store-adapter.ts maps it onto src-main/store's Session; runs go through
 * the sim-host WorkerPool, or local-runner.ts on this thread.
 */
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import type { RunStatus } from '../ipc/contract';
import type { WorkerPool } from '../sim-host/pool';
import type { Batch } from '../sim-host/protocol';
import type { Session } from '../store/session';

export interface StoredRun {
  id: string;
  name: string;
  status: Exclude<RunStatus, 'queued' | 'paused'>;
  seed: number;
  simNs: number;
  wallMs: number;
  events: number;
  createdAt: number;
  finishedAt: number | null;
  error: string | null;
  /** A fork's parent run and the time it departs from it. */
  parentId: string | null;
  forkAtNs: number | null;
}

export interface StoredSeries {
  id: number;
  path: string;
  field: string;
  startIndex: number;
  /** Samples stored so far. */
  samples: number;
}

export interface EventQuery {
  kinds?: string[];
  t0Ns?: number;
  t1Ns?: number;
  /** Substring of the entry's JSON (path, device, message…). */
  text?: string;
  offset: number;
  /** -1 = no limit. */
  limit: number;
}

export interface RunFinish {
  status: 'complete' | 'failed' | 'cancelled';
  error: string | null;
  simNs: number;
  wallMs: number;
  events: number;
  liveActions: TimelineAction[];
  summary: unknown;
}

/** One open session file. Synchronous (SQLite); throws on I/O errors. */
export interface SessionStore {
  readonly path: string;
  /** The store's Session, for sweeps (src-main/experiments writes points and BullMQ runs through it); absent in stores that cannot hold them. */
  readonly session?: Session;
  /** Record a new run (status 'running'); returns its id. */
  createRun(name: string, scenario: Scenario, parent?: { runId: string; atNs: number }): string;
  appendBatch(runId: string, batch: Batch): void;
  appendEvents(runId: string, entries: LogEntry[]): void;
  finishRun(runId: string, f: RunFinish): void;
  listRuns(): StoredRun[];
  getRun(runId: string): StoredRun | undefined;
  /** The resolved scenario and the live actions (known once the run has finished). */
  runInputs(runId: string): { scenario: Scenario; liveActions: TimelineAction[] } | undefined;
  /** The summary stored when the run finished (kernel-lab/summary@1), or null. */
  summary(runId: string): unknown;
  seriesCatalogue(runId: string): StoredSeries[];
  /** Samples with index in [i0, i1), NaN where none was stored. */
  readSeries(runId: string, seriesId: number, i0: number, i1: number): Float64Array;
  events(runId: string, q: EventQuery): { total: number; events: { seq: number; entry: LogEntry }[] };
  /** An experiment row (replications or sweep); returns its id. */
  createExperiment(kind: 'replications' | 'sweep', name: string, identity: string, spec: unknown): number;
  /** A finished point × seed of an experiment (stored once). */
  recordPoint(experimentId: number, p: { point: number; seed: number; runId: string; status: 'complete' | 'failed'; error: string | null }): void;
  /** A consistent copy of the whole session in a new file. */
  copyTo(path: string): void;
  close(): void;
}

/** Opens session files. */
export interface StoreFactory {
  /** Create a new, empty session file; refuses an existing path. */
  create(path: string): SessionStore;
  /** Open an existing session; refuses a damaged or foreign file without modifying it. */
  open(path: string): SessionStore;
}

/**
 * Starts runs: the sim-host WorkerPool, or LocalRunner (same RunDriver on
 * this thread). A host that loses its worker settles the run as failed.
 */
export type Runner = Pick<WorkerPool, 'start' | 'close'> & { readonly size?: number };
