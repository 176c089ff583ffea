/**
 * Messages between the host (WorkerPool) and a simulator worker. Everything
 * crosses by structured clone; series values travel as one transferred
 * Float64Array per batch message (≥ 1k values except the final flush).
 */
import type { LogEntry } from '../../src-sim/engine/event-log';
import type { SeriesInfo } from '../../src-sim/engine/recorder';
import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import type { LiveAction } from '../../src-sim/simulation';

export interface RunOptions {
  /** Simulated-time pace: null = as fast as possible, N = N× real time. */
  pace?: number | null;
  /** Start paused (the host resumes it). */
  paused?: boolean;
  /**
   * Also send display previews (Batch.preview) at ≤ 20 Hz: the samples taken
   * since the last message, before the store's ≥ 1k-value batches carry them.
   */
  preview?: boolean;
  /** Events per chunk between control-message checks. */
  chunkEvents?: number;
  /** Minimum wall time between progress messages. */
  progressEveryMs?: number;
  /**
   * Test hook: make the run fail on purpose. 'invariant' aborts through
   * engine.fail at `atNs`; 'exit' ends the worker thread abruptly (a crash).
   */
  inject?: { kind: 'invariant' | 'exit'; atNs: number };
}

export type ControlMessage =
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'pace'; pace: number | null }
  | { type: 'act'; id: number; action: LiveAction }
  | { type: 'cancel' };

export type HostToWorker = { type: 'start'; scenario: Scenario; options: RunOptions } | ControlMessage;

export interface Progress {
  simNs: number;
  durationNs: number;
  events: number;
  /** Events per wall-clock second over the whole run so far. */
  eventsPerSec: number;
  wallMs: number;
  state: 'running' | 'paused';
  /** The worker's own JS heap + ArrayBuffer bytes (the memory watchdog stops the largest run first). */
  memoryBytes?: number;
}

/** Where one series' samples sit inside a batch's value array. */
export interface BatchEntry {
  seriesId: number;
  startIndex: number;
  offset: number;
  count: number;
}

export interface Batch {
  /** Sequence number (0, 1, 2…) so a consumer can detect a lost batch. */
  seq: number;
  /** Series that appeared since the previous batch (the catalogue grows). */
  newSeries: SeriesInfo[];
  entries: BatchEntry[];
  values: Float64Array;
  /**
   * A display preview (RunOptions.preview): samples a later store batch will
   * carry again. Never stored; `seq` counts previews separately.
   */
  preview?: boolean;
}

export type ActReply = { id: number; ok: true; action: TimelineAction } | { id: number; ok: false; error: string };

/** What a finished run reports (complete or cancelled). */
export interface RunEnd {
  status: 'complete' | 'cancelled';
  simulatedNs: number;
  events: number;
  wallMs: number;
  /** Live actions applied during the run (the scenario's own timeline is not repeated). */
  liveActions: TimelineAction[];
  /** Every action applied, scenario timeline and live, in order (Simulation.actions). */
  actions: TimelineAction[];
  /** Task name ("name" or "name#i") → pid. */
  tasks: Record<string, number>;
  /** Final content of every readable virtual file. */
  files: Record<string, string>;
}

export type WorkerToHost =
  /** The worker's module has loaded and it listens: from now on terminate() cannot hit it mid-compile. */
  | { type: 'ready' }
  | { type: 'progress'; progress: Progress }
  | { type: 'batch'; batch: Batch }
  | { type: 'log'; entries: LogEntry[] }
  | { type: 'act'; reply: ActReply }
  | { type: 'end'; end: RunEnd }
  | { type: 'failed'; error: string };
