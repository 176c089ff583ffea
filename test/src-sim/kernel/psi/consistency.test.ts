import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { TaskSched } from '../../../../src-sim/kernel/sched/entities';
import { schedulerOf } from '../../../../src-sim/kernel/sched/install';
import type { PsiGroup } from '../../../../src-sim/kernel/psi/psi';
import type { Simulation } from '../../../../src-sim/simulation';
import { MS, S, run, scenario, taskSpec } from '../sched/helpers';

/** The PSI counts and ONCPU bits must match the scheduler's view of every task and CPU. */
function checkConsistency(sim: Simulation): void {
  const s = schedulerOf(sim.kernel);
  const groups = new Set<PsiGroup>();
  for (const cg of sim.kernel.cgroups.all()) groups.add(s.tgOf(cg).psi);
  const under = (g: PsiGroup, leaf: PsiGroup): boolean => {
    for (let x: PsiGroup | null = leaf; x; x = x.parent) if (x === g) return true;
    return false;
  };
  for (const g of groups) {
    for (let cpu = 0; cpu < s.nrCpus; cpu++) {
      let running = 0;
      for (const t of sim.kernel.tasks.values()) {
        const ts = t.sched as TaskSched | undefined;
        if (ts && ts.queued && ts.cpu === cpu && under(g, ts.tg.psi)) running++;
      }
      expect(g.taskCount(cpu, 2)).toBe(running);
      const curr = s.rqs[cpu]!.curr;
      const oncpu = (g.stateMask(cpu) & 0x80) !== 0;
      expect(oncpu).toBe(curr !== null && under(g, curr.tg.psi));
    }
  }
}

describe('PSI bookkeeping', () => {
  test('task counts and ONCPU always match the run queues (groups, RT, throttling, hot-plug, moves)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (seed) => {
        const s = scenario(
          3,
          [
            taskSpec({ name: 'hog', cgroup: '/a/x', count: 2 }),
            taskSpec({ name: 'tick', cgroup: '/b', count: 4, run: { type: 'periodic', busyNs: 1 * MS, periodNs: 4 * MS, jitter: 0.5 } }),
            taskSpec({ name: 'rt', policy: 'SCHED_FIFO', rtPriority: 3, run: { type: 'periodic', busyNs: 0.5 * MS, periodNs: 7 * MS, jitter: 0.3 } }),
            taskSpec({ name: 'root', nice: 3 }),
          ],
          {
            seed,
            durationNs: 0.6 * S,
            cgroups: [
              { path: '/a', writes: [['cpu.max', '40000 100000']] },
              { path: '/b', writes: [['cpu.weight', '300']] },
            ],
            timeline: [
              { atNs: 0.2 * S, kind: 'write', path: '/sys/devices/system/cpu/cpu2/online', value: '0' },
              { atNs: 0.3 * S, kind: 'write', path: '/sys/fs/cgroup/b/cgroup.procs', value: '1000' },
              { atNs: 0.4 * S, kind: 'write', path: '/sys/devices/system/cpu/cpu2/online', value: '1' },
            ],
          },
        );
        const sim = run(s, 0);
        for (let t = 0.013 * S; t < 0.6 * S; t += 0.037 * S) {
          sim.advance(Math.round(t));
          checkConsistency(sim);
        }
      }),
      { numRuns: 4 },
    );
  });
});
