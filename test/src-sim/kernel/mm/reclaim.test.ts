import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { RunSpec, Scenario } from '../../../../src-sim/scenario/types';
import { bootMm, GiB, MiB } from './boot-mm';

const swap = (size: number): Scenario['machine']['swap'] => ({ sizeBytes: size, device: null, latencyNs: 100_000, bandwidthBytesPerSec: 500e6 });
const hold = (size: number): RunSpec => ({ type: 'alloc', sizeBytes: size, stepBytes: 4 * MiB, everyNs: 5e6, touch: 'sequential', then: 'hold' });
const stream = (file: string, size: number): RunSpec => ({ type: 'read', file, sizeBytes: size, bs: 1 * MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: true });

/** A group with anon memory and page cache, squeezed by memory.max. */
function squeeze(swappiness: string, withSwap: boolean): Scenario {
  const machine = flatMachine(2, 1 * GiB);
  machine.swap = withSwap ? swap(1 * GiB) : null;
  return baseScenario({
    durationNs: 3e9,
    machine,
    kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [['vm.swappiness', swappiness]], hz: 1000 },
    files: [{ path: '/data/big', sizeBytes: 2 * GiB, device: null }],
    cgroups: [{ path: '/g', writes: [['memory.max', '200M']] }],
    tasks: [taskSpec({ name: 'anon', cgroup: '/g', run: hold(100 * MiB) }), taskSpec({ name: 'reader', cgroup: '/g', startNs: 500e6, run: stream('/data/big', 2 * GiB) })],
  });
}

describe('reclaim balance (mm/vmscan.c: get_scan_count)', () => {
  it('without swap, anon pages are never reclaimed: only page cache goes', () => {
    const rig = bootMm(squeeze('60', false));
    rig.run(3e9);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'pswpout')).toBe(0);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'anon')).toBe(100 * MiB);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'pgsteal')).toBeGreaterThan(0);
  });

  it('memcg reclaim with swappiness 0 takes no anon even with swap', () => {
    const none = bootMm(squeeze('0', true));
    none.run(3e9);
    expect(none.field('/sys/fs/cgroup/g/memory.stat', 'pswpout')).toBe(0);
    expect(none.field('/sys/fs/cgroup/g/memory.stat', 'pgsteal')).toBeGreaterThan(0);
  });

  it('with swap, memory.max swaps anon out instead of killing when anon is all there is', () => {
    const machine = flatMachine(2, 1 * GiB);
    machine.swap = swap(1 * GiB);
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine,
        cgroups: [{ path: '/g', writes: [['memory.max', '200M']] }],
        tasks: [taskSpec({ name: 'anon', cgroup: '/g', run: hold(300 * MiB) })],
      }),
    );
    rig.run(3e9);
    expect(rig.k.log.entries.filter((e) => e.kind === 'oom_kill')).toEqual([]);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'pswpout')).toBeGreaterThanOrEqual((100 * MiB) / 4096);
    expect(Number(rig.read('/sys/fs/cgroup/g/memory.swap.current'))).toBeGreaterThanOrEqual(100 * MiB);
    expect(rig.field('/proc/meminfo', 'SwapFree:')).toBeLessThan(rig.field('/proc/meminfo', 'SwapTotal:'));
  });

  it('memory.swap.max 0 stops swap-out: the group goes to OOM instead', () => {
    const machine = flatMachine(2, 1 * GiB);
    machine.swap = swap(1 * GiB);
    const rig = bootMm(
      baseScenario({
        durationNs: 3e9,
        machine,
        cgroups: [{ path: '/g', writes: [['memory.max', '200M'], ['memory.swap.max', '0']] }],
        tasks: [taskSpec({ name: 'anon', cgroup: '/g', run: hold(300 * MiB) })],
      }),
    );
    rig.run(3e9);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'pswpout')).toBe(0);
    expect(rig.field('/sys/fs/cgroup/g/memory.events', 'oom_kill')).toBe(1);
  });

  it('hot pages of a Zipf working set stay resident while cold ones are swapped out (derived accessed bits)', () => {
    const machine = flatMachine(2, 1 * GiB);
    machine.swap = swap(1 * GiB);
    const rig = bootMm(
      baseScenario({
        durationNs: 6e9,
        machine,
        cgroups: [{ path: '/g', writes: [['memory.max', '64M']] }],
        tasks: [taskSpec({ name: 'ws', cgroup: '/g', run: { type: 'workingset', sizeBytes: 128 * MiB, pattern: 'zipf', theta: 1.0, ratePerSec: 200_000 } })],
      }),
    );
    rig.run(6e9);
    const o = [...rig.mm.objects].find((x) => x !== null && !x.file && x.owner?.name === 'ws')!;
    const resident = (from: number, to: number): number => {
      let n = 0;
      for (let p = from; p < to; p++) if (o.isResident(p)) n++;
      return n / (to - from);
    };
    const pages = o.pages;
    expect(resident(0, 1024)).toBeGreaterThan(0.95);
    expect(resident(pages - 8192, pages)).toBeLessThan(0.5);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'workingset_refault_anon')).toBeGreaterThan(0);
    expect(rig.field('/sys/fs/cgroup/g/memory.stat', 'pgmajfault')).toBeGreaterThan(0);
  });
});

describe('page cache and workingset', () => {
  it('a page read twice is activated; a page read once stays inactive', () => {
    const rig = bootMm(
      baseScenario({
        durationNs: 2e9,
        machine: flatMachine(2, 1 * GiB),
        files: [
          { path: '/data/twice', sizeBytes: 8 * MiB, device: null },
          { path: '/data/once', sizeBytes: 8 * MiB, device: null },
        ],
        tasks: [
          taskSpec({ name: 'twice', run: { type: 'read', file: '/data/twice', sizeBytes: 16 * MiB, bs: 1 * MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false } }),
          taskSpec({ name: 'once', run: { type: 'read', file: '/data/once', sizeBytes: 8 * MiB, bs: 1 * MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false } }),
        ],
      }),
    );
    rig.run(2e9);
    expect(rig.field('/proc/meminfo', 'Active(file):')).toBe(8 * 1024);
    expect(rig.field('/proc/meminfo', 'Inactive(file):')).toBe(8 * 1024);
  });

  it('runs are deterministic: the same seed gives identical /proc/vmstat and memory.stat', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const s = (): Scenario => ({ ...squeeze('100', true), seed, durationNs: 1.5e9 });
        const a = bootMm(s());
        const b = bootMm(s());
        a.run(1.5e9);
        b.run(1.5e9);
        expect(a.read('/proc/vmstat')).toBe(b.read('/proc/vmstat'));
        expect(a.read('/sys/fs/cgroup/g/memory.stat')).toBe(b.read('/sys/fs/cgroup/g/memory.stat'));
      }),
      { numRuns: 4 },
    );
  });
});
