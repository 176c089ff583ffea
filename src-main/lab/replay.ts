import type { Scenario, TimelineAction } from '../../src-sim/scenario/types';
import { Simulation } from '../../src-sim/simulation';
import { replayScenario } from '../sim-host/run-driver';

/** Events per slice of a replay before yielding to the event loop. */
const SLICE_EVENTS = 100_000;

interface Cached {
  key: string;
  sim: Simulation;
}

/**
 * Answers "what did this file say at time T" by replaying the run: its
 * resolved scenario with the live actions folded into the timeline, which
 * reproduces the run exactly (sim-host/run-driver.ts). The last replay per
 * run is kept, so scrubbing forward continues it instead of starting over.
 * Slices yield to the event loop so a long replay never stalls other clients.
 */
export class Replayer {
  private readonly cache = new Map<string, Cached>();
  /** Replays kept (each holds a whole simulated machine). */
  private readonly capacity = 4;

  private readonly locks = new Map<string, Promise<unknown>>();

  /**
   * Run `read` on the replayed machine at `atNs`. Replays of one run are
   * serialised: a simulation only moves forward, and two readers at
   * different times must not share it mid-way.
   */
  read<T>(runId: string, scenario: Scenario, live: readonly TimelineAction[], atNs: number, read: (sim: Simulation) => T): Promise<T> {
    const prev = this.locks.get(runId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(async () => read(await this.at(runId, scenario, live, atNs)));
    this.locks.set(runId, next);
    void next.finally(() => {
      if (this.locks.get(runId) === next) this.locks.delete(runId);
    }).catch(() => undefined);
    return next;
  }

  private async at(runId: string, scenario: Scenario, live: readonly TimelineAction[], atNs: number): Promise<Simulation> {
    const key = `${live.length}`;
    let entry = this.cache.get(runId);
    if (!entry || entry.key !== key || entry.sim.now > atNs) {
      entry = { key, sim: new Simulation(replayScenario(scenario, live)) };
    }
    this.cache.delete(runId);
    this.cache.set(runId, entry);
    while (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    const sim = entry.sim;
    while (!sim.advance(atNs, SLICE_EVENTS)) await new Promise<void>((r) => setImmediate(r));
    return sim;
  }

  forget(runId: string): void {
    this.cache.delete(runId);
  }

  clear(): void {
    this.cache.clear();
  }
}
