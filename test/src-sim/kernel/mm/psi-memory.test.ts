import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../../src-sim/simulation';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import { GiB, MiB } from './boot-mm';

function pressure(text: string, line: 'some' | 'full', key: string): number {
  const row = text.split('\n').find((l) => l.startsWith(line))!;
  return Number(new RegExp(`${key}=([0-9.]+)`).exec(row)![1]);
}

/** An allocator held over memory.high with no swap: it does nothing but reclaim and sleep the penalty. */
function stalled(durationNs: number, releaseAtNs: number | null) {
  return baseScenario({
    durationNs,
    machine: flatMachine(2, 2 * GiB),
    cgroups: [{ path: '/box', writes: [['memory.high', '100M']] }],
    tasks: [taskSpec({ name: 'alloc', cgroup: '/box', run: { type: 'alloc', sizeBytes: 400 * MiB, stepBytes: 16 * MiB, everyNs: 10e6, touch: 'sequential', then: 'hold' } })],
    timeline: releaseAtNs === null ? [] : [{ atNs: releaseAtNs, kind: 'write', path: '/sys/fs/cgroup/box/memory.high', value: 'max' }],
  });
}

describe('memory stalls seen by PSI (end to end with the scheduler)', () => {
  it('a task stalled on memory.high for 10 s: memory.pressure some/full avg10 ≈ 63 %, total ≈ 10,000,000 µs (behaviour 25)', () => {
    const sim = new Simulation(stalled(10.1e9, null));
    sim.advance(0.1e9);
    const t0 = pressure(sim.kernel.vfs.read('/sys/fs/cgroup/box/memory.pressure'), 'some', 'total');
    sim.runToEnd();
    const text = sim.kernel.vfs.read('/sys/fs/cgroup/box/memory.pressure');
    expect(pressure(text, 'some', 'total') - t0).toBeGreaterThan(9_800_000);
    expect(pressure(text, 'some', 'total') - t0).toBeLessThanOrEqual(10_000_000);
    expect(pressure(text, 'some', 'avg10')).toBeGreaterThan(60);
    expect(pressure(text, 'some', 'avg10')).toBeLessThan(66);
    expect(pressure(text, 'full', 'avg10')).toBeGreaterThan(60);
    expect(pressure(text, 'full', 'avg10')).toBeLessThan(66);
  });

  it('after the stall ends, avg10 decays by ×0.8187 per 2 s update (behaviour 26)', () => {
    const sim = new Simulation(stalled(24e9, 10e9));
    sim.advance(14e9);
    const values: number[] = [];
    for (let t = 14.1e9; t <= 24e9; t += 0.1e9) {
      sim.advance(t);
      const v = pressure(sim.kernel.vfs.read('/sys/fs/cgroup/box/memory.pressure'), 'some', 'avg10');
      if (values.length === 0 || v !== values[values.length - 1]) values.push(v);
    }
    expect(values.length).toBeGreaterThanOrEqual(4);
    expect(values[0]!).toBeGreaterThan(20);
    for (let i = 1; i < values.length; i++) expect(values[i]! / values[i - 1]!).toBeCloseTo(0.8187, 2);
  });
});
