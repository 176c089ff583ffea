import { describe, expect, it } from 'vitest';
import { baseScenario, taskSpec } from '../../../src-sim/scenario/defaults';
import { WorkerPool, type RunResult } from '../../../src-main/sim-host/pool';

// Periodic sleepers with ±30 % jitter draw from the kernel's Rng; a hog keeps CPUs contended.
const scenario = (seed: number) =>
  baseScenario({
    name: 'jitter',
    seed,
    durationNs: 2e9,
    sampleIntervalNs: 100e6,
    tasks: [
      taskSpec({ name: 'tick', count: 6, run: { type: 'periodic', busyNs: 2e6, periodNs: 10e6, jitter: 0.3 } }),
      taskSpec({ name: 'hog', count: 3, run: { type: 'cpu' } }),
    ],
  });

const complete = (r: RunResult): Extract<RunResult, { status: 'complete' | 'cancelled' }> => {
  if (r.status === 'failed') throw new Error(r.error);
  return r;
};

describe('determinism through the real worker', () => {
  it('same scenario and seed give identical files and event counts; another seed changes the schedule', async () => {
    const pool = new WorkerPool({ size: 2 });
    const [a, b, c] = (await Promise.all([1, 1, 2].map((seed) => pool.start(scenario(seed)).done))).map(complete);
    await pool.close();
    expect(b.files).toEqual(a.files);
    expect(b.events).toBe(a.events);
    expect(a.tasks).toEqual({ 'tick#0': 1000, 'tick#1': 1001, 'tick#2': 1002, 'tick#3': 1003, 'tick#4': 1004, 'tick#5': 1005, 'hog#0': 1006, 'hog#1': 1007, 'hog#2': 1008 });
    const schedstats = (r: typeof a): string[] => Object.values(r.tasks).map((pid) => r.files[`/proc/${pid}/schedstat`]!);
    expect(schedstats(a).every((s) => /^\d+ \d+ \d+\n$/.test(s))).toBe(true);
    expect(schedstats(c)).not.toEqual(schedstats(a));
  });
});
