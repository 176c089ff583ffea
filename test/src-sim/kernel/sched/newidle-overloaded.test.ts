import { describe, expect, test } from 'vitest';
import { Simulation } from '../../../../src-sim/simulation';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { MS, S, scenario, taskSpec } from './helpers';

/** The scheduler's rd->overloaded flag (src-sim/kernel/sched/core.ts). */
type Overloaded = { overloaded: boolean };

/** Fair tasks that block and wake on 4 CPUs, more tasks than CPUs at times, a CPU unplugged and back. */
function fairOnly(seed: number): Scenario {
  return scenario(
    4,
    [
      taskSpec({ name: 'web', count: 6, run: { type: 'periodic', busyNs: 1 * MS, periodNs: 5 * MS, jitter: 0.5 } }),
      taskSpec({ name: 'batch', cgroup: '/batch', count: 2, run: { type: 'periodic', busyNs: 7 * MS, periodNs: 20 * MS, jitter: 0.2 } }),
    ],
    {
      seed,
      durationNs: 0.6 * S,
      cgroups: [{ path: '/batch', writes: [['cpu.max', '5000 10000']] }],
      timeline: [
        { atNs: 0.2 * S, kind: 'write', path: '/sys/devices/system/cpu/cpu3/online', value: '0' },
        { atNs: 0.4 * S, kind: 'write', path: '/sys/devices/system/cpu/cpu3/online', value: '1' },
      ],
    },
  );
}

/** The same with RT tasks queued beside the fair ones (newidle then always scans). */
function withRt(seed: number): Scenario {
  const s = fairOnly(seed);
  return { ...s, tasks: [...s.tasks, taskSpec({ name: 'rt', policy: 'SCHED_FIFO', rtPriority: 10, count: 2, run: { type: 'periodic', busyNs: 2 * MS, periodNs: 9 * MS, jitter: 0.3 } })] };
}

/** Run to the end, sampling the flag every ms; `scanAlways` pins it to true (newidle scans every time). */
function runIt(s: Scenario, scanAlways: boolean): { files: Record<string, string>; clearSamples: number } {
  const sim = new Simulation(s);
  const sched = sim.kernel.sched as unknown as Overloaded;
  if (scanAlways) Object.defineProperty(sched, 'overloaded', { get: () => true, set: () => undefined });
  let clearSamples = 0;
  for (let t = MS; t <= s.durationNs; t += MS) {
    sim.advance(t);
    if (!sched.overloaded) clearSamples++;
  }
  sim.advance(s.durationNs);
  return { files: sim.files(), clearSamples };
}

describe('newidle skips its scan while no CPU is overloaded (rd->overloaded)', () => {
  test.each([1, 2, 3])('fair-only seed %i: same files as scanning every time, and the skip is taken', (seed) => {
    const fast = runIt(fairOnly(seed), false);
    const slow = runIt(fairOnly(seed), true);
    expect(fast.files).toEqual(slow.files);
    // the flag is clear for part of the run (the skip happens), set for part (overload happens)
    expect(fast.clearSamples).toBeGreaterThan(10);
    expect(fast.clearSamples).toBeLessThan(600);
  });

  test('with RT tasks queued: same files as scanning every time', () => {
    expect(runIt(withRt(4), false).files).toEqual(runIt(withRt(4), true).files);
  });
});
