import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import type { EventEntry, RunInfo } from '../ipc/contract';
import type { RunHandle } from '../sim-host/pool';
import { DisplayStream } from './display-stream';

/** A run this service started and that has not finished yet (queued, running or paused). */
export class LiveRun {
  status: 'queued' | 'running' | 'paused' = 'queued';
  simNs = 0;
  eventsPerSec = 0;
  pace: number | null = null;
  readonly liveActions: TimelineAction[] = [];
  readonly display: DisplayStream;
  /** Next event-log sequence number (matches the store's). */
  logSeq = 0;
  /** Set when the run has ended; the next display tick announces it and drops the run. */
  ended: RunInfo | null = null;
  readonly createdAt = Date.now();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly scenario: Scenario,
    readonly handle: RunHandle,
  ) {
    this.display = new DisplayStream(id, scenario.sampleIntervalNs);
  }

  info(): RunInfo {
    return {
      id: this.id,
      name: this.name,
      status: this.status,
      seed: this.scenario.seed,
      durationNs: this.scenario.durationNs,
      sampleIntervalNs: this.scenario.sampleIntervalNs,
      simNs: this.simNs,
      eventsPerSec: this.eventsPerSec,
      pace: this.pace,
      createdAt: this.createdAt,
      finishedAt: null,
      error: null,
    };
  }

  toEntries(entries: { t_ns: number; kind: string; [k: string]: string | number | boolean | null }[]): EventEntry[] {
    return entries.map((e) => {
      const { t_ns, kind, ...fields } = e;
      return { seq: this.logSeq++, t_ns, kind, fields };
    });
  }
}
