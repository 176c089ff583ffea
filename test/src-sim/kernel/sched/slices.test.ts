import { describe, expect, test } from 'vitest';
import { FairTunables } from '../../../../src-sim/kernel/sched/tunables';
import { schedulerOf } from '../../../../src-sim/kernel/sched/install';
import type { TaskSched } from '../../../../src-sim/kernel/sched/entities';
import { DEADLINE, VRUNTIME, field } from '../../../../src-sim/kernel/sched/sched-store';
import { Simulation } from '../../../../src-sim/simulation';
import { MS, S, baseScenario, flatMachine, procSched, run, scenario, schedstat, taskSpec } from './helpers';

function cfs(cpus: number, hogs: number) {
  const s = scenario(cpus, [taskSpec({ name: 'h', count: hogs })], { durationNs: 1 * S });
  s.kernel = { ...s.kernel, scheduler: 'cfs', version: '6.5' };
  return s;
}

describe('CFS slices (kernels ≤ 6.5)', () => {
  test('two equal hogs on one CPU run ≈3 ms slices (6 ms latency / 2)', () => {
    const sim = run(cfs(1, 2));
    for (const n of ['h#0', 'h#1']) {
      const st = schedstat(sim, n);
      // slices = time on CPU / number of times it got the CPU
      expect(st.exec / st.pcount / MS).toBeGreaterThan(2.9);
      expect(st.exec / st.pcount / MS).toBeLessThan(3.1);
    }
  });

  test('sixteen hogs stretch the period to 16 × 0.75 ms = 12 ms (0.75 ms slices, seen with HRTICK)', () => {
    const s = cfs(1, 16);
    s.durationNs = 1.2 * S;
    const sim = run(s, 0);
    sim.act({ kind: 'write', path: '/sys/kernel/debug/sched/features', value: 'HRTICK' });
    sim.advance(0.2 * S);
    const names = Array.from({ length: 16 }, (_, i) => `h#${i}`);
    const before = names.map((n) => schedstat(sim, n));
    sim.advance(1.2 * S);
    let exec = 0;
    let pcount = 0;
    names.forEach((n, i) => {
      const st = schedstat(sim, n);
      const runs = st.pcount - before[i]!.pcount;
      exec += st.exec - before[i]!.exec;
      pcount += runs;
      // once per 12 ms period over 1 s (after the fork transient)
      expect(Math.abs(runs - 1000 / 12)).toBeLessThanOrEqual(2);
    });
    expect(Math.abs(exec / pcount / MS - 0.75)).toBeLessThan(0.01);
  });
});

describe('tick granularity', () => {
  test('without HRTICK (the default) slices end at the next tick: sixteen hogs run 1 ms each at HZ=1000', () => {
    const s = cfs(1, 16);
    const sim = run(s);
    let exec = 0;
    let pcount = 0;
    for (let i = 0; i < 16; i++) {
      const st = schedstat(sim, `h#${i}`);
      exec += st.exec;
      pcount += st.pcount;
    }
    expect(Math.abs(exec / pcount / MS - 1)).toBeLessThan(0.02);
  });

  test('scheduler features read as NAME / NO_NAME and reject unknown names with EINVAL', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(2) }));
    const p = '/sys/kernel/debug/sched/features';
    expect(sim.kernel.vfs.read(p)).toBe('PLACE_LAG PLACE_DEADLINE_INITIAL RUN_TO_PARITY WAKEUP_PREEMPTION NO_HRTICK \n');
    sim.act({ kind: 'write', path: p, value: 'NO_RUN_TO_PARITY' });
    sim.act({ kind: 'write', path: p, value: 'HRTICK' });
    expect(sim.kernel.vfs.read(p)).toBe('PLACE_LAG PLACE_DEADLINE_INITIAL NO_RUN_TO_PARITY WAKEUP_PREEMPTION HRTICK \n');
    expect(() => sim.act({ kind: 'write', path: p, value: 'NO_SUCH_THING' })).toThrow(`${p}: Invalid argument (EINVAL)`);
  });
});

describe('tunable scaling', () => {
  test('1/2/4/8/64 online CPUs give factor 1/2/3/4/4 (SCHED_TUNABLESCALING_LOG)', () => {
    expect([1, 2, 4, 8, 64].map((n) => FairTunables.factorFor(1, n))).toEqual([1, 2, 3, 4, 4]);
    for (const [cpus, f] of [
      [1, 1],
      [2, 2],
      [4, 3],
      [8, 4],
      [64, 4],
    ] as const) {
      const s = baseScenario({ machine: flatMachine(cpus), kernel: { version: '6.5', scheduler: 'cfs', sysctl: [], hz: 1000 } });
      const sim = new Simulation(s);
      expect(sim.kernel.vfs.read('/sys/kernel/debug/sched/latency_ns')).toBe(`${6_000_000 * f}\n`);
      expect(sim.kernel.vfs.read('/sys/kernel/debug/sched/min_granularity_ns')).toBe(`${750_000 * f}\n`);
      expect(sim.kernel.vfs.read('/sys/kernel/debug/sched/wakeup_granularity_ns')).toBe(`${1_000_000 * f}\n`);
    }
  });

  test('EEVDF base slice on 8 CPUs is 3.0 ms on 6.6–6.14 and 2.8 ms from 6.15', () => {
    const read = (version: string): string =>
      new Simulation(baseScenario({ machine: flatMachine(8), kernel: { version, scheduler: 'eevdf', sysctl: [], hz: 1000 } })).kernel.vfs.read(
        '/sys/kernel/debug/sched/base_slice_ns',
      );
    expect(read('6.6')).toBe('3000000\n');
    expect(read('6.14')).toBe('3000000\n');
    expect(read('6.15')).toBe('2800000\n');
    expect(read('6.18')).toBe('2800000\n');
  });

  test('kernels before 5.13 expose the CFS tunables as /proc/sys/kernel/sched_*_ns', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(4), kernel: { version: '5.10', scheduler: 'cfs', sysctl: [], hz: 1000 } }));
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_latency_ns')).toBe('18000000\n');
    expect(sim.kernel.vfs.exists('/sys/kernel/debug/sched/latency_ns')).toBe(false);
  });

  test('taking CPUs offline rescales the base slice (update_sysctl on rq_offline)', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(4) }));
    expect(sim.kernel.vfs.read('/sys/kernel/debug/sched/base_slice_ns')).toBe('2100000\n');
    sim.act({ kind: 'write', path: '/sys/devices/system/cpu/cpu3/online', value: '0' });
    sim.act({ kind: 'write', path: '/sys/devices/system/cpu/cpu2/online', value: '0' });
    expect(sim.kernel.vfs.read('/sys/kernel/debug/sched/base_slice_ns')).toBe('1400000\n');
  });

  test('tunable_scaling accepts 0..2 and rejects 3 with EINVAL', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(8) }));
    sim.act({ kind: 'write', path: '/sys/kernel/debug/sched/tunable_scaling', value: '0' });
    expect(sim.kernel.vfs.read('/sys/kernel/debug/sched/base_slice_ns')).toBe('700000\n');
    expect(() => sim.act({ kind: 'write', path: '/sys/kernel/debug/sched/tunable_scaling', value: '3' })).toThrow(
      '/sys/kernel/debug/sched/tunable_scaling: Invalid argument (EINVAL)',
    );
  });
});

describe('EEVDF', () => {
  test('a newly forked task’s first deadline is its vruntime + half its virtual slice', () => {
    const s = scenario(1, [taskSpec({ name: 'a' }), taskSpec({ name: 'b', nice: 5 }), taskSpec({ name: 'late', nice: 3, startNs: 10 * MS })], {
      durationNs: 1 * S,
    });
    const sim = run(s, 10 * MS);
    const sched = schedulerOf(sim.kernel);
    const late = [...sim.kernel.tasks.values()].find((t) => t.name === 'late')!;
    const se = (late.sched as TaskSched).se;
    // base slice 0.7 ms on one CPU (6.18); virtual slice = slice · 1024 / 526
    const vslice = (sched.tun.baseSlice * 1024) / 526;
    expect(field(se, DEADLINE) - field(se, VRUNTIME)).toBeCloseTo(vslice / 2, 3);
    expect(procSched(sim, 'late', 'se.deadline') - procSched(sim, 'late', 'se.vruntime')).toBeCloseTo(vslice / 2, -1);
  });

  test('only eligible entities are picked (lag ≥ 0), across many seeds and mixes', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const s = scenario(
        2,
        [
          taskSpec({ name: 'hog', count: 3, nice: seed % 5 }),
          taskSpec({ name: 'tick', count: 4, nice: -(seed % 3), run: { type: 'periodic', busyNs: 1.5 * MS, periodNs: 7 * MS, jitter: 0.3 } }),
          taskSpec({ name: 'grp', cgroup: '/g', count: 2, run: { type: 'periodic', busyNs: 3 * MS, periodNs: 11 * MS, jitter: 0.2 } }),
        ],
        { durationNs: 1 * S, seed },
      );
      const sim = run(s);
      const d = schedulerOf(sim.kernel).debug;
      expect(d.picks).toBeGreaterThan(500);
      expect(d.ineligiblePicks).toBe(0);
    }
  });
});
