import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import { replayScenario } from '../sim-host/run-driver';

export interface ForkChange {
  path: string;
  value: string;
}

/**
 * The scenario of a fork: the parent replayed exactly (its resolved scenario
 * with its live actions in the timeline) and, at `atNs`, the changed knob
 * written as a timeline write. The simulator is deterministic, so the child
 * is the parent's state at t with the change applied: every sample before t
 * is the parent's. The parent's later actions stay in the child, so the
 * change is the only difference from t on.
 */
export function forkScenario(parent: Scenario, parentLive: readonly TimelineAction[], atNs: number, change: ForkChange): Scenario {
  if (!Number.isSafeInteger(atNs) || atNs < 0 || atNs > parent.durationNs) {
    throw new RangeError(`fork time ${atNs} ns is outside the run (0 … ${parent.durationNs} ns)`);
  }
  const base = replayScenario(parent, parentLive);
  // Simulation sorts the timeline stably: at t the parent's own actions run first, then the change.
  return { ...base, timeline: [...base.timeline, { atNs, kind: 'write', path: change.path, value: change.value }] };
}

/** "web-run [fork of 3 at 2s: cpu.max=max 100000]". */
export function forkName(parentName: string, parentId: number | string, at: string, change: ForkChange): string {
  return `${parentName} [fork of ${parentId} at ${at}: ${change.path.slice(change.path.lastIndexOf('/') + 1)}=${change.value}]`;
}
