import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { niceToWeight, SCHED_PRIO_TO_WEIGHT, SCHED_PRIO_TO_WMULT, weightFromCgroup } from '../../../../src-sim/kernel/sched/weights';
import { S, procSched, run, scenario, schedstat, taskSpec } from './helpers';

const share = (a: number, b: number): number => a / (a + b);

describe('nice → weight', () => {
  test('the table is the kernel sched_prio_to_weight and wmult = 2^32 / weight', () => {
    expect(niceToWeight(0)).toBe(1024);
    expect(niceToWeight(-20)).toBe(88761);
    expect(niceToWeight(19)).toBe(15);
    SCHED_PRIO_TO_WEIGHT.forEach((w, i) => expect(Math.abs(SCHED_PRIO_TO_WMULT[i]! - 2 ** 32 / w) / (2 ** 32 / w)).toBeLessThan(1e-4));
    expect(SCHED_PRIO_TO_WMULT[20]).toBe(4194304);
  });

  test('nice 0 vs nice 5 hogs on one CPU split 1024:335 (75.4 % / 24.6 %, ±2 %)', () => {
    const sim = run(scenario(1, [taskSpec({ name: 'a' }), taskSpec({ name: 'b', nice: 5 })], { durationNs: 2 * S }));
    const a = schedstat(sim, 'a').exec;
    const b = schedstat(sim, 'b').exec;
    expect(share(a, b)).toBeCloseTo(1024 / (1024 + 335), 1);
    expect(Math.abs(share(a, b) - 0.754)).toBeLessThan(0.02);
    expect(a + b).toBe(2 * S);
  });

  test('hogs one nice level apart split ≈55.5 / 44.5 %', () => {
    const sim = run(scenario(1, [taskSpec({ name: 'a', nice: 0 }), taskSpec({ name: 'b', nice: 1 })], { durationNs: 2 * S }));
    const f = share(schedstat(sim, 'a').exec, schedstat(sim, 'b').exec);
    expect(Math.abs(f - 0.555)).toBeLessThan(0.01);
  });

  test('nice −20 vs nice 19: the nice-19 task gets ≈0.017 % of the CPU', () => {
    const sim = run(scenario(1, [taskSpec({ name: 'hi', nice: -20 }), taskSpec({ name: 'lo', nice: 19 })], { durationNs: 30 * S }));
    const lo = schedstat(sim, 'lo').exec / (30 * S);
    const expected = 15 / (88761 + 15);
    // Served in whole ticks (a 0.7 ms slice ends at the next 1 ms tick) every ~6 s: allow one either way over 30 s.
    expect(Math.abs(lo - expected)).toBeLessThan(1e6 / (30 * S) + 1e-6);
    expect(lo).toBeGreaterThan(0);
  });

  test('SCHED_IDLE against nice 19 gets ≈3 / (3 + 15) = 16.7 %', () => {
    const sim = run(scenario(1, [taskSpec({ name: 'idle', policy: 'SCHED_IDLE' }), taskSpec({ name: 'n19', nice: 19 })], { durationNs: 4 * S }));
    const f = share(schedstat(sim, 'idle').exec, schedstat(sim, 'n19').exec);
    expect(Math.abs(f - 3 / 18)).toBeLessThan(0.02);
  });

  test('any two nice levels within 10 of each other split by weight (±2 %), EEVDF and CFS', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20, max: 19 }), fc.integer({ min: -10, max: 10 }), fc.boolean(), fc.integer({ min: 1, max: 1000 }), (n1, d, cfs, seed) => {
        const n2 = Math.max(-20, Math.min(19, n1 + d));
        const s = scenario(1, [taskSpec({ name: 'a', nice: n1 }), taskSpec({ name: 'b', nice: n2 })], { durationNs: 2 * S, seed });
        s.kernel = { ...s.kernel, scheduler: cfs ? 'cfs' : 'eevdf' };
        const sim = run(s);
        const f = share(schedstat(sim, 'a').exec, schedstat(sim, 'b').exec);
        expect(Math.abs(f - share(niceToWeight(n1), niceToWeight(n2)))).toBeLessThan(0.02);
      }),
      { numRuns: 20 },
    );
  });
});

describe('vruntime', () => {
  test('a nice-0 task’s vruntime advances exactly by its runtime, a nice-5 task’s ≈3.06× (1024/335)', () => {
    for (const scheduler of ['eevdf', 'cfs'] as const) {
      const s = scenario(2, [taskSpec({ name: 'n0', cpus: [0] }), taskSpec({ name: 'n5', nice: 5, cpus: [1] })], { durationNs: 2 * S });
      s.kernel = { ...s.kernel, scheduler };
      const sim = run(s, 0.5 * S);
      const v0 = procSched(sim, 'n0', 'se.vruntime');
      const e0 = procSched(sim, 'n0', 'se.sum_exec_runtime');
      const v5 = procSched(sim, 'n5', 'se.vruntime');
      const e5 = procSched(sim, 'n5', 'se.sum_exec_runtime');
      sim.advance(1.5 * S);
      const dv0 = procSched(sim, 'n0', 'se.vruntime') - v0;
      const de0 = procSched(sim, 'n0', 'se.sum_exec_runtime') - e0;
      const dv5 = procSched(sim, 'n5', 'se.vruntime') - v5;
      const de5 = procSched(sim, 'n5', 'se.sum_exec_runtime') - e5;
      expect(de0).toBeCloseTo(1 * S, -3);
      expect(Math.abs(dv0 - de0)).toBeLessThan(10);
      expect(dv5 / de5).toBeCloseTo(1024 / 335, 3);
      expect(Math.abs(dv5 / de5 - 3.06)).toBeLessThan(0.01);
    }
  });
});

describe('cgroup weights', () => {
  test('cpu.weight 100 vs 300, one hog each on one CPU: 25 % / 75 %', () => {
    const s = scenario(1, [taskSpec({ name: 'a', cgroup: '/A' }), taskSpec({ name: 'b', cgroup: '/B' })], {
      durationNs: 2 * S,
      cgroups: [
        { path: '/A', writes: [['cpu.weight', '100']] },
        { path: '/B', writes: [['cpu.weight', '300']] },
      ],
    });
    const sim = run(s);
    const f = share(schedstat(sim, 'a').exec, schedstat(sim, 'b').exec);
    expect(Math.abs(f - 0.25)).toBeLessThan(0.02);
    const ua = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/A/cpu.stat'))![1]);
    expect(Math.abs(ua / 2e6 - 0.25)).toBeLessThan(0.02);
  });

  test('a group’s share does not depend on how many tasks it holds (1 vs 4 hogs, equal weights)', () => {
    const s = scenario(1, [taskSpec({ name: 'a', cgroup: '/A' }), taskSpec({ name: 'b', cgroup: '/B', count: 4 })], { durationNs: 2 * S });
    const sim = run(s);
    const ua = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/A/cpu.stat'))![1]);
    const ub = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/B/cpu.stat'))![1]);
    expect(Math.abs(share(ua, ub) - 0.5)).toBeLessThan(0.02);
  });

  test('on SMP, weights 100 vs 300 with two hogs each on two CPUs give 25 % / 75 % of the machine', () => {
    const s = scenario(2, [taskSpec({ name: 'a', cgroup: '/A', count: 2 }), taskSpec({ name: 'b', cgroup: '/B', count: 2 })], {
      durationNs: 4 * S,
      cgroups: [
        { path: '/A', writes: [['cpu.weight', '100']] },
        { path: '/B', writes: [['cpu.weight', '300']] },
      ],
    });
    const sim = run(s);
    const ua = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/A/cpu.stat'))![1]);
    const ub = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/B/cpu.stat'))![1]);
    expect(Math.abs(share(ua, ub) - 0.25)).toBeLessThan(0.03);
    expect((ua + ub) / 8e6).toBeGreaterThan(0.99);
  });

  test('eight equal hogs on four CPUs each get ≈50 % (load balancing)', () => {
    const sim = run(scenario(4, [taskSpec({ name: 'h', count: 8 })], { durationNs: 4 * S }));
    for (let i = 0; i < 8; i++) expect(Math.abs(schedstat(sim, `h#${i}`).exec / (4 * S) - 0.5)).toBeLessThan(0.05);
  });

  test('cpu.weight 1 / 100 / 10000 map to shares 10 / 1024 / 102400', () => {
    expect(weightFromCgroup(1)).toBe(10);
    expect(weightFromCgroup(100)).toBe(1024);
    expect(weightFromCgroup(10000)).toBe(102400);
  });
});

describe('SMP group fairness through load balancing', () => {
  test('equal-weight groups with 1 and 3 hogs on 2 CPUs each get one CPU (load, not task count, is balanced)', () => {
    const s = scenario(2, [taskSpec({ name: 'a', cgroup: '/A' }), taskSpec({ name: 'b', cgroup: '/B', count: 3 })], { durationNs: 6 * S });
    const sim = run(s, 1 * S);
    const ua0 = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/A/cpu.stat'))![1]);
    sim.advance(6 * S);
    const ua = Number(/usage_usec (\d+)/.exec(sim.kernel.vfs.read('/sys/fs/cgroup/A/cpu.stat'))![1]) - ua0;
    expect(Math.abs(ua / 5e6 - 1)).toBeLessThan(0.05);
  });

  test('a heavy task alone on its CPU is not joined by light ones (nice −10 vs three nice 0 on 2 CPUs)', () => {
    const s = scenario(2, [taskSpec({ name: 'heavy', nice: -10 }), taskSpec({ name: 'light', count: 3 })], { durationNs: 6 * S });
    const sim = run(s, 1 * S);
    const h0 = schedstat(sim, 'heavy').exec;
    sim.advance(6 * S);
    expect(Math.abs((schedstat(sim, 'heavy').exec - h0) / (5 * S) - 1)).toBeLessThan(0.05);
  });

  test('five equal hogs on two CPUs: none starves, none keeps a CPU to itself, the machine stays busy', () => {
    const sim = run(scenario(2, [taskSpec({ name: 'h', count: 5 })], { durationNs: 20 * S }));
    const shares = Array.from({ length: 5 }, (_, i) => schedstat(sim, `h#${i}`).exec / (20 * S));
    // ideal 40 % each; deterministic balancing (no PELT noise) may leave one task paired longer
    for (const f of shares) expect(f).toBeGreaterThan(0.3);
    for (const f of shares) expect(f).toBeLessThan(0.55);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 6);
  });
});
