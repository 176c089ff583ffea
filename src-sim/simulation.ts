import type { LogEntry } from './engine/event-log';
import { Recorder } from './engine/recorder';
import type { TraceBuffer } from './engine/trace';
import { applyAction, bootKernel } from './kernel/boot';
import type { Kernel } from './kernel/kernel';
import type { Scenario, TimelineAction } from './scenario/types';
import { KernelError } from './vfs/errors';

/** An interactive action as a host sends it (time is "now"). */
export type LiveAction =
  | { kind: 'write'; path: string; value: string }
  | { kind: 'plug'; device: Extract<TimelineAction, { kind: 'plug' }>['device'] }
  | { kind: 'unplug'; device: string }
  | { kind: 'plug_nic'; nic: Extract<TimelineAction, { kind: 'plug_nic' }>['nic'] }
  | { kind: 'unplug_nic'; nic: string };

/**
 * One run of a scenario. Time advances in chunks so a host can interleave
 * control messages. Timeline actions, live actions and samples all happen at
 * "boundaries": after every event at or before that time has run. A live
 * action is appended to `actions` with its time, so replaying the scenario
 * with those actions in its timeline reproduces the run exactly.
 */
export class Simulation {
  readonly kernel: Kernel;
  readonly recorder: Recorder;
  /** Every action applied so far (scenario timeline and live), in order. */
  readonly actions: TimelineAction[] = [];
  private readonly pending: TimelineAction[];
  private nextSampleAt = 0;

  /** `trace`: record scheduler and block events into this buffer (off by default; see engine/trace.ts). */
  constructor(
    readonly scenario: Scenario,
    options: { trace?: TraceBuffer } = {},
  ) {
    this.kernel = bootKernel(scenario, undefined, options.trace ?? null);
    this.recorder = new Recorder(this.kernel.vfs, scenario.sampleIntervalNs, scenario.record);
    this.pending = [...scenario.timeline].sort((a, b) => a.atNs - b.atNs);
  }

  get now(): number {
    return this.kernel.engine.now;
  }

  get done(): boolean {
    return this.now >= this.scenario.durationNs && this.nextSampleAt > this.scenario.durationNs;
  }

  /**
   * Run until `untilNs` (capped at the duration) or until about `maxEvents`
   * events have run. Returns true when `untilNs` was reached.
   */
  advance(untilNs: number, maxEvents = Infinity): boolean {
    const end = Math.min(untilNs, this.scenario.durationNs);
    const engine = this.kernel.engine;
    const startEvents = engine.executed;
    for (;;) {
      const boundary = Math.min(end, this.nextSampleAt, this.pending[0]?.atNs ?? Infinity);
      const budget = maxEvents - (engine.executed - startEvents);
      if (!engine.runUntil(boundary, budget)) return false;
      while (this.pending.length && this.pending[0]!.atNs <= engine.now) this.apply(this.pending.shift()!);
      if (this.nextSampleAt <= engine.now) {
        this.recorder.sample();
        this.nextSampleAt += this.scenario.sampleIntervalNs;
      }
      if (engine.now >= end && this.nextSampleAt > end) return true;
    }
  }

  /** Run to the end in one go. */
  runToEnd(): void {
    this.advance(this.scenario.durationNs);
  }

  /** Apply an interactive action now; it joins the run's timeline. Throws KernelError if refused. */
  act(action: LiveAction): TimelineAction {
    const a = { ...action, atNs: this.now } as TimelineAction;
    applyAction(this.kernel, a);
    this.actions.push(a);
    return a;
  }

  private apply(a: TimelineAction): void {
    try {
      applyAction(this.kernel, a);
      this.actions.push(a);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      // Refused by the state at that moment (validation already checked the
      // syntax): what a shell would see. Logged; the run goes on.
      this.kernel.log.add(this.now, 'write_error', { path: a.kind === 'write' ? a.path : '', errno: e.errno, message: e.message });
    }
  }

  /** Content of every readable virtual file now. */
  files(): Record<string, string> {
    const out: Record<string, string> = {};
    const vfs = this.kernel.vfs;
    for (const p of vfs.list()) {
      const f = vfs.get(p);
      if (f?.read) out[p] = f.read();
    }
    return out;
  }

  get log(): readonly LogEntry[] {
    return this.kernel.log.entries;
  }
}
