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
    readonly parent: { runId: string; atNs: number } | null = null,
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
      parentId: this.parent?.runId ?? null,
      forkAtNs: this.parent?.atNs ?? null,
    };
  }

  /**
   * Disks present now as far as the run's actions tell (boot devices, then
   * plug/unplug of the timeline so far and of live control, in time order).
   * name → "major:minor". A sysfs device/delete write is not followed.
   */
  presentDisks(): Map<string, string> {
    const present = new Map<string, string>();
    for (const d of this.scenario.machine.devices) present.set(d.name, `${d.major}:${d.minor}`);
    const actions = [...this.scenario.timeline.filter((a) => a.atNs <= this.simNs), ...this.liveActions].sort((a, b) => a.atNs - b.atNs);
    for (const a of actions) {
      if (a.kind === 'plug') present.set(a.device.name, `${a.device.major}:${a.device.minor}`);
      else if (a.kind === 'unplug') present.delete(a.device);
    }
    return present;
  }

  toEntries(entries: { t_ns: number; kind: string; [k: string]: string | number | boolean | null }[]): EventEntry[] {
    return entries.map((e) => {
      const { t_ns, kind, ...fields } = e;
      return { seq: this.logSeq++, t_ns, kind, fields };
    });
  }
}
