import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');

function preset(name: string, patch: (text: string) => string = (t) => t): Simulation {
  const file = path.join(SCENARIOS, `${name}.yaml`);
  return new Simulation(loadScenario(patch(readFileSync(file, 'utf8')), file));
}

function vmstat(sim: Simulation, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'));
  if (!m) throw new Error(`no ${key} in /proc/vmstat`);
  return Number(m[1]);
}

function meminfoKb(sim: Simulation, key: string): number {
  return Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(sim.kernel.vfs.read('/proc/meminfo'))![1]);
}

/** Free blocks per order from /proc/buddyinfo (one node). */
function buddy(sim: Simulation): number[] {
  const line = sim.kernel.vfs.read('/proc/buddyinfo').split('\n')[0]!;
  return line.replace(/^Node 0, zone\s+Normal/, '').trim().split(/\s+/).map(Number);
}

function elapsed(sim: Simulation, task: string): number {
  const e = sim.kernel.log.entries.find((x) => x.kind === 'work_done' && x.task === task);
  if (!e) throw new Error(`${task} did not finish`);
  return Number(e.elapsed_ns);
}

const small = `machine:\n  cpus: 2\n  memory: 2G\ntasks:\n  - { name: a, start: 100ms, run: { type: alloc, size: 64M, step: 16M, every: 1ms, then: hold, madvise: hugepage } }\n`;

describe('transparent huge pages, the buddy allocator and compaction', () => {
  it('sysfs: enabled/defrag show every mode with the current one bracketed; unknown modes are EINVAL', () => {
    const sim = new Simulation(loadScenario(`duration: 1s\n${small}`, 't.yaml'));
    const v = sim.kernel.vfs;
    expect(v.read('/sys/kernel/mm/transparent_hugepage/enabled')).toBe('always [madvise] never\n');
    expect(v.read('/sys/kernel/mm/transparent_hugepage/defrag')).toBe('always defer defer+madvise [madvise] never\n');
    expect(v.read('/sys/kernel/mm/transparent_hugepage/hpage_pmd_size')).toBe('2097152\n');
    v.write('/sys/kernel/mm/transparent_hugepage/enabled', 'never');
    expect(v.read('/sys/kernel/mm/transparent_hugepage/enabled')).toBe('always madvise [never]\n');
    expect(() => v.write('/sys/kernel/mm/transparent_hugepage/enabled', 'sometimes')).toThrow(/EINVAL|Invalid argument/);
    expect(() => v.write('/sys/kernel/mm/transparent_hugepage/defrag', 'maybe')).toThrow(/EINVAL|Invalid argument/);
  });

  it('a fresh 2 GiB machine is 504 free order-10 blocks in /proc/buddyinfo (516096 managed frames)', () => {
    const sim = new Simulation(loadScenario(`duration: 1s\n${small}`, 't.yaml'));
    expect(sim.kernel.vfs.read('/proc/buddyinfo')).toBe(`Node 0, zone   Normal ${'     0 '.repeat(10)}   504 \n`);
    sim.advance(500e6);
    // 64 MiB in 32 huge pages, taken block by block: 32 order-9 = 16 order-10 blocks gone.
    expect(vmstat(sim, 'thp_fault_alloc')).toBe(32);
    expect(meminfoKb(sim, 'AnonHugePages')).toBe(65536);
    expect(buddy(sim)[10]).toBe(504 - 16);
  });

  it('enabled=never or no madvise under madvise: 4 KiB pages only', () => {
    const sim = new Simulation(loadScenario(`duration: 1s\ntimeline:\n  - { at: 0s, write: { /sys/kernel/mm/transparent_hugepage/enabled: never } }\n${small}`, 't.yaml'));
    sim.advance(500e6);
    expect(vmstat(sim, 'thp_fault_alloc')).toBe(0);
    expect(meminfoKb(sim, 'AnonHugePages')).toBe(0);
    expect(vmstat(sim, 'pgfault')).toBe(16384);
  });

  it('preset thp-random-working-set: 2048 huge faults; the huge-page job runs at the TLB model’s 0.750× (1536-entry STLB, walk 50 %)', () => {
    const sim = preset('thp-random-working-set');
    sim.advance(3e9);
    expect(meminfoKb(sim, 'AnonHugePages')).toBe(4 * 1024 * 1024);
    expect(vmstat(sim, 'thp_fault_alloc')).toBe(2048);
    sim.advance(10e9);
    // 4 KiB: 1 M translations, miss 1 − 1536/1048576; huge: 2048, miss 0.25. (1 + 0.5·0.25) / (1 + 0.5·0.99854) = 0.7504.
    const factor = (1 + 0.5 * 0.25) / (1 + 0.5 * (1 - 1536 / 1048576));
    const hugeFaultNs = 2048 * 512 * 400;
    expect((elapsed(sim, 'huge') - hugeFaultNs) / 5e9).toBeCloseTo(factor, 2);
    // The 4 KiB job: its 5 s of work plus 1 µs per fault (≈ 1 M first touches).
    const smallFaults = vmstat(sim, 'pgfault') - 2048;
    expect(elapsed(sim, 'small')).toBeGreaterThan(5e9 + smallFaults * 1000 * 0.99);
    expect(elapsed(sim, 'small')).toBeLessThan(5e9 + smallFaults * 1000 * 1.01 + 20e6);
    expect(elapsed(sim, 'huge') / elapsed(sim, 'small')).toBeLessThan(0.72);
  });

  it('preset thp-fragmentation: no free 2 MiB block left; huge faults stall in direct compaction and succeed; defrag=never falls back instead', () => {
    const sim = preset('thp-fragmentation');
    sim.advance(2.9e9);
    // A fresh 1 GiB machine has 252 free order-10 blocks; the interleaved page cache leaves at most a couple of 2 MiB blocks.
    const before = buddy(sim);
    expect(2 * before[10]! + before[9]!).toBeLessThanOrEqual(4);
    sim.advance(4e9);
    expect(meminfoKb(sim, 'AnonHugePages')).toBe(256 * 1024);
    expect(vmstat(sim, 'thp_fault_alloc')).toBe(128);
    expect(vmstat(sim, 'compact_stall')).toBeGreaterThan(64);
    expect(vmstat(sim, 'compact_success')).toBe(vmstat(sim, 'compact_stall'));
    expect(vmstat(sim, 'compact_isolated')).toBeGreaterThan(0);

    const never = preset('thp-fragmentation', (t) => t.replace('# timeline:\n#   -', 'timeline:\n  -'));
    never.advance(4e9);
    expect(meminfoKb(never, 'AnonHugePages')).toBe(0);
    expect(vmstat(never, 'compact_stall')).toBe(0);
    expect(vmstat(never, 'thp_fault_fallback')).toBe(128);
    expect(meminfoKb(never, 'AnonPages')).toBe(256 * 1024);
    // Two 4 s runs that stream 2 GiB of page cache each: longer than the default limit on a loaded 2-core box.
  }, 180_000);

  it('khugepaged collapses 4 KiB extents into huge pages, pages_to_scan per scan_sleep_millisecs', () => {
    const sim = new Simulation(
      loadScenario(
        `duration: 2s\ntimeline:\n  - { at: 0s, write: { /sys/kernel/mm/transparent_hugepage/enabled: never } }\n  - { at: 0s, write: { /sys/kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs: 100 } }\n  - { at: 500ms, write: { /sys/kernel/mm/transparent_hugepage/enabled: madvise } }\n${small}`,
        't.yaml',
      ),
    );
    const kh = '/sys/kernel/mm/transparent_hugepage/khugepaged';
    expect(sim.kernel.vfs.read(`${kh}/pages_to_scan`)).toBe('4096\n');
    expect(sim.kernel.vfs.read(`${kh}/max_ptes_none`)).toBe('511\n');
    sim.advance(450e6);
    expect(meminfoKb(sim, 'AnonHugePages')).toBe(0);
    // First pass 100 ms after enabled=madvise; 4096 pages = 8 extents per pass: 16 of the 32 after two passes.
    sim.advance(720e6);
    expect(Number(sim.kernel.vfs.read(`${kh}/pages_collapsed`))).toBe(16);
    sim.advance(1.5e9);
    expect(Number(sim.kernel.vfs.read(`${kh}/pages_collapsed`))).toBe(32);
    expect(vmstat(sim, 'thp_collapse_alloc')).toBe(32);
    expect(meminfoKb(sim, 'AnonHugePages')).toBe(65536);
    expect(meminfoKb(sim, 'AnonPages')).toBe(65536);
  });

  it('reclaiming a subpage splits the huge mapping (thp_split_pmd); the result is deterministic', () => {
    const run = (): string => {
      const sim = new Simulation(
        loadScenario(
          `duration: 2s\nmachine:\n  cpus: 2\n  memory: 1G\n  swap: { size: 2G }\ntasks:\n  - { name: a, run: { type: alloc, size: 600M, step: 16M, every: 1ms, then: hold, madvise: hugepage } }\n  - { name: b, start: 200ms, run: { type: alloc, size: 600M, step: 16M, every: 1ms, then: hold } }\n`,
          't.yaml',
        ),
      );
      sim.advance(2e9);
      expect(vmstat(sim, 'thp_split_pmd')).toBeGreaterThan(0);
      expect(meminfoKb(sim, 'AnonHugePages')).toBe((300 - vmstat(sim, 'thp_split_pmd')) * 2048);
      return sim.kernel.vfs.read('/proc/vmstat') + sim.kernel.vfs.read('/proc/buddyinfo');
    };
    expect(run()).toBe(run());
  });
});
