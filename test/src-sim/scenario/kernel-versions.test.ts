import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/api';
import { kernelDefaultRows, kernelDefaults, parseRelease } from '../../../src-sim/scenario/kernel-versions';
import { Simulation } from '../../../src-sim/simulation';

const boot = (version: string): Simulation =>
  // Kernels before 4.5 have no cgroup v2 (kernel/versions.ts): they boot with cgroup v1.
  new Simulation(loadScenario(JSON.stringify({ duration: '10ms', machine: { cpus: 4 }, kernel: { version }, ...(version.startsWith('2.') ? { cgroup_version: 1 } : {}) }), `v${version}.json`));

describe('kernel.version defaults (scenario/kernel-versions.ts)', () => {
  it('gives each release its defaults', () => {
    expect(kernelDefaults('5.15')).toEqual({ scheduler: 'cfs', baseSliceNs: 750_000, lagLimitMaxSlice: false, schedTunablesInDebugfs: true, dirtyRatio: 20, dirtyBackgroundRatio: 10, mglruAvailable: false, fairServer: false, delayDequeue: false });
    expect(kernelDefaults('6.1')).toMatchObject({ scheduler: 'cfs', mglruAvailable: true });
    expect(kernelDefaults('6.6')).toMatchObject({ scheduler: 'eevdf', baseSliceNs: 750_000, lagLimitMaxSlice: false });
    expect(kernelDefaults('6.12.3')).toMatchObject({ scheduler: 'eevdf', baseSliceNs: 750_000, fairServer: true, delayDequeue: true });
    expect(kernelDefaults('6.11')).toMatchObject({ fairServer: false, delayDequeue: false });
    expect(kernelDefaults('6.15')).toMatchObject({ baseSliceNs: 700_000, lagLimitMaxSlice: true });
    expect(kernelDefaults('5.10')).toMatchObject({ schedTunablesInDebugfs: false });
    expect(kernelDefaults('2.6.29')).toMatchObject({ dirtyRatio: 10, dirtyBackgroundRatio: 5, scheduler: 'cfs' });
    expect(kernelDefaults('2.6.32')).toMatchObject({ dirtyRatio: 20, dirtyBackgroundRatio: 10 });
    expect(parseRelease('2.6.32')).toEqual([2, 6, 32]);
    expect(parseRelease('6.1.55')).toEqual([6, 1, 0]);
  });

  it('cites a source for every row', () => {
    for (const r of kernelDefaultRows()) expect(r.source.length, `${r.key} from ${r.from}`).toBeGreaterThan(10);
  });

  it('drives what a booted kernel shows: scheduler tunables and dirty ratios', () => {
    // 4 CPUs: SCHED_TUNABLESCALING_LOG factor 1 + log2(4) = 3.
    expect(boot('6.15').kernel.vfs.read('/sys/kernel/debug/sched/base_slice_ns')).toBe('2100000\n');
    expect(boot('6.12').kernel.vfs.read('/sys/kernel/debug/sched/base_slice_ns')).toBe('2250000\n');
    expect(boot('5.15').kernel.vfs.read('/sys/kernel/debug/sched/min_granularity_ns')).toBe('2250000\n');
    expect(boot('5.10').kernel.vfs.exists('/proc/sys/kernel/sched_min_granularity_ns')).toBe(true);
    expect(boot('6.6').kernel.vfs.read('/proc/sys/vm/dirty_ratio')).toBe('20\n');
    expect(boot('2.6.29').kernel.vfs.read('/proc/sys/vm/dirty_ratio')).toBe('10\n');
    expect(boot('2.6.29').kernel.vfs.read('/proc/sys/vm/dirty_background_ratio')).toBe('5\n');
  });
});
