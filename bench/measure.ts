import { Simulation } from '../src-sim/simulation';
import type { Scenario } from '../src-sim/scenario/types';

const MiB = 1024 ** 2;

/** What one in-process run of a scenario cost. */
export interface RunCost {
  simS: number;
  wallS: number;
  /** CPU time of this process (user + system): the machine is shared, wall time is noisy. */
  cpuS: number;
  events: number;
  peakRssMiB: number;
  sim: Simulation;
  /** CPU s of each step of `stepNs` simulated ns, in order (boot is in the first). */
  stepCpuS: number[];
}

/**
 * Run `scenario` to its end in steps of `stepNs` simulated ns (sampling peak
 * RSS between steps, taking recorded samples as a host would) and measure it.
 */
export function measureRun(scenario: Scenario, stepNs = 1e9): RunCost {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const sim = new Simulation(scenario);
  let peak = process.memoryUsage().rss;
  const stepCpuS: number[] = [];
  let last = c0;
  for (let t = stepNs; !sim.done; t += stepNs) {
    sim.advance(t);
    sim.recorder.take();
    peak = Math.max(peak, process.memoryUsage().rss);
    const now = process.cpuUsage();
    stepCpuS.push((now.user - last.user + now.system - last.system) / 1e6);
    last = now;
  }
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { simS: scenario.durationNs / 1e9, wallS, cpuS: (c.user + c.system) / 1e6, events: sim.kernel.engine.executed, peakRssMiB: peak / MiB, sim, stepCpuS };
}

/**
 * Does a run get dearer as it goes on? CPU per step over the last quarter of
 * the run's steps over the second quarter (the first holds boot, JIT warm-up
 * and the first touch of memory): 1.0 = each simulated second costs the same
 * late as early; something that accumulates (a growing list scanned per
 * event, retained data the GC walks) shows as > 1. One run, so the load of a
 * shared box drifts less between the two parts than between two runs.
 */
export function inRunTimeScaling(r: RunCost): number {
  const n = r.stepCpuS.length;
  const q = Math.floor(n / 4);
  if (q < 1) return NaN;
  const sum = (from: number, to: number): number => r.stepCpuS.slice(from, to).reduce((a, b) => a + b, 0);
  return sum(n - q, n) / sum(q, 2 * q);
}

/**
 * A short run of `scenario` before the measured ones, so JIT compilation of
 * the hot paths is not billed to whichever measured run comes first (it made
 * the first, longer run look dearer per simulated second: a "time scaling"
 * above 1 with nothing accumulating).
 */
export function warmUp(scenario: Scenario): void {
  const sim = new Simulation(scenario);
  sim.advance(scenario.durationNs);
}

/** The standard figures of one run, keys prefixed with `label`. */
export function speedFigures(label: string, r: RunCost): Record<string, number> {
  return {
    [`${label} simulated s`]: r.simS,
    [`${label} simulated s per wall s`]: r.simS / r.wallS,
    [`${label} simulated s per CPU s`]: r.simS / r.cpuS,
    [`${label} events per CPU s`]: r.events / r.cpuS,
    [`${label} events per simulated s`]: r.events / r.simS,
    [`${label} peak RSS MiB`]: r.peakRssMiB,
  };
}

/**
 * Linear-scaling check between a run and a bigger one: CPU s per unit of
 * work (simulated s × `size`), big over small. 1.0 = exactly linear.
 */
export function scalingRatio(small: RunCost, smallSize: number, big: RunCost, bigSize: number): number {
  return big.cpuS / (big.simS * bigSize) / (small.cpuS / (small.simS * smallSize));
}
