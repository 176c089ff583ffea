import { describe, expect, test } from 'vitest';
import { calcLoad, EXP_10S, EXP_300S, EXP_60S, formatAvg } from '../../../../src-sim/kernel/psi/psi';
import type { Behaviour, Step, Task } from '../../../../src-sim/kernel/task';
import { createTask } from '../../../../src-sim/kernel/task-factory';
import { Simulation } from '../../../../src-sim/simulation';
import { MS, S, baseScenario, flatMachine, pressure, run, scenario, taskSpec } from '../sched/helpers';

/** Start a task with a hand-written behaviour (what the memory and block models produce). */
function spawn(sim: Simulation, name: string, next: (now: number) => Step, cgroup = '/'): Task {
  const k = sim.kernel;
  const cg = k.cgroups.create(cgroup);
  const behaviour: Behaviour = { next: (_t, now) => next(now) };
  const task = createTask(
    k,
    { name, cgroup: cg, nice: 0, policy: 'SCHED_OTHER', rtPriority: 0, affinity: [], oomScoreAdj: 0, sliceNs: 0 },
    () => behaviour,
  );
  k.sched.fork(task);
  return task;
}

const PSI_PERIOD = 2.001 * S;

describe('PSI fixed point', () => {
  test('EXP factors are 2048·e^(−2/10), e^(−2/60), e^(−2/300)', () => {
    expect(EXP_10S).toBe(Math.round(2048 * Math.exp(-2 / 10)));
    expect(EXP_60S).toBe(Math.round(2048 * Math.exp(-2 / 60)));
    expect(EXP_300S).toBe(Math.round(2048 * Math.exp(-2 / 300)));
    // one full-stall period from zero: 100 % · (1 − 1677/2048) = 18.115 %, printed truncated
    expect(formatAvg(calcLoad(0, EXP_10S, 100 * 2048))).toBe('18.11');
  });
});

describe('memory pressure', () => {
  test('a task stalled 100 % on memory for 10 s: some and full avg10 ≈63 % (1 − e⁻¹), total ≈10,000,000 µs', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(4), durationNs: 20 * S }));
    spawn(sim, 'reclaimer', (now) => (now < 10 * S ? { kind: 'sleep', ns: 10 * MS, stall: 'mem' } : { kind: 'sleep', ns: 1 * S }), '/m');
    sim.advance(5 * PSI_PERIOD + 1);
    for (const path of ['/proc/pressure/memory', '/sys/fs/cgroup/m/memory.pressure']) {
      expect(Math.abs(pressure(sim, path, 'some', 'avg10') - 63.2)).toBeLessThan(1.5);
      expect(Math.abs(pressure(sim, path, 'full', 'avg10') - 63.2)).toBeLessThan(1.5);
    }
    sim.advance(10.5 * S);
    expect(Math.abs(pressure(sim, '/proc/pressure/memory', 'some', 'total') - 10_000_000)).toBeLessThan(100_000);
    expect(Math.abs(pressure(sim, '/proc/pressure/memory', 'full', 'total') - 10_000_000)).toBeLessThan(100_000);
  });

  test('averages only change at ~2 s boundaries, and decay by ×0.8187 per period once the stall ends', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(1), durationNs: 30 * S }));
    spawn(sim, 'stall', (now) => (now < 6 * S ? { kind: 'sleep', ns: 5 * MS, stall: 'mem' } : { kind: 'sleep', ns: 100 * S }));
    const samples: number[] = [];
    for (let t = 0.1 * S; t <= 24 * S; t += 0.1 * S) {
      sim.advance(t);
      samples.push(pressure(sim, '/proc/pressure/memory', 'some', 'avg10'));
    }
    // a change between consecutive 100 ms samples only where a PSI period ended in between
    for (let i = 1; i < samples.length; i++) {
      if (samples[i] !== samples[i - 1]) {
        const t0 = i * 0.1 * S;
        const t1 = (i + 1) * 0.1 * S;
        expect(Math.floor(t1 / PSI_PERIOD) - Math.floor(t0 / PSI_PERIOD)).toBe(1);
      }
    }
    const at = (k: number): number => samples[Math.round(((k * PSI_PERIOD) / S) * 10)]!;
    for (let k = 4; k < 11; k++) expect(at(k + 1) / at(k)).toBeCloseTo(1677 / 2048, 2);
  });

  test('on-CPU reclaim (a cpu step with stall "mem") is memory SOME and FULL for the only task', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(2), durationNs: 12 * S }));
    spawn(sim, 'direct-reclaim', () => ({ kind: 'cpu', ns: 1 * S, stall: 'mem' }));
    sim.advance(10.1 * S);
    expect(Math.abs(pressure(sim, '/proc/pressure/memory', 'full', 'avg10') - 63.2)).toBeLessThan(1.5);
    expect(pressure(sim, '/proc/pressure/cpu', 'some', 'total')).toBe(0);
  });
});

describe('io pressure', () => {
  test('a task waiting on I/O half of the time: io some ≈ full ≈ 50 %, counted as iowait in /proc/stat', () => {
    const sim = new Simulation(baseScenario({ machine: flatMachine(1), durationNs: 12 * S }));
    let phase = 0;
    spawn(sim, 'reader', () => (phase++ % 2 === 0 ? { kind: 'cpu', ns: 5 * MS } : { kind: 'sleep', ns: 5 * MS, stall: 'io' }));
    sim.advance(10 * S);
    const total = pressure(sim, '/proc/pressure/io', 'some', 'total');
    expect(Math.abs(total - 5_000_000)).toBeLessThan(50_000);
    // FULL: iowait with nothing running on that CPU — the same here
    expect(Math.abs(pressure(sim, '/proc/pressure/io', 'full', 'total') - 5_000_000)).toBeLessThan(50_000);
    const cpu = sim.kernel.vfs.read('/proc/stat').split('\n')[0]!.split(/\s+/).map(Number);
    expect(Math.abs(cpu[5]! - 500)).toBeLessThanOrEqual(2);
    expect(Math.abs(cpu[1]! - 500)).toBeLessThanOrEqual(2);
  });
});

describe('cpu pressure', () => {
  test('257 CPU hogs on 256 CPUs give cpu some ≈0.4 %, not 100 %', () => {
    const sim = run(scenario(256, [taskSpec({ name: 'hog', count: 257 })], { durationNs: 30 * S, record: [] }), 20 * S);
    const t1 = pressure(sim, '/proc/pressure/cpu', 'some', 'total');
    sim.advance(30 * S);
    const t2 = pressure(sim, '/proc/pressure/cpu', 'some', 'total');
    const rate = (t2 - t1) / 10e6;
    expect(Math.abs(rate - 1 / 256)).toBeLessThan(0.001);
    // calc_avgs samples whole percents (div_u64(time * 100, period)), so a 0.39 % stall averages to 0.00
    expect(pressure(sim, '/proc/pressure/cpu', 'some', 'avg60')).toBeLessThan(1);
    expect(pressure(sim, '/proc/pressure/cpu', 'full', 'total')).toBe(0);
  });

  test('two hogs on one CPU: cpu some 100 %; a group throttled by cpu.max is cpu FULL, the system is not', () => {
    const sim = run(
      scenario(1, [taskSpec({ name: 'a', cgroup: '/x' }), taskSpec({ name: 'b', cgroup: '/x' })], {
        durationNs: 4 * S,
        cgroups: [{ path: '/x', writes: [['cpu.max', '50000 100000']] }],
      }),
    );
    const some = pressure(sim, '/sys/fs/cgroup/x/cpu.pressure', 'some', 'total');
    const full = pressure(sim, '/sys/fs/cgroup/x/cpu.pressure', 'full', 'total');
    expect(Math.abs(some - 4_000_000)).toBeLessThan(20_000);
    expect(Math.abs(full - 2_000_000)).toBeLessThan(40_000);
    expect(sim.kernel.vfs.read('/proc/pressure/cpu').split('\n')[1]).toBe('full avg10=0.00 avg60=0.00 avg300=0.00 total=0');
  });
});
