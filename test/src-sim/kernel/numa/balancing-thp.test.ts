// Automatic NUMA balancing on PMD-mapped THPs: one PMD is one entry for the
// scan (mm/mprotect.c: change_huge_pmd), one hint fault (mm/huge_memory.c:
// do_huge_pmd_numa_page) and one whole-folio migration (mm/migrate.c:
// migrate_misplaced_folio), and the THP stays huge.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');
const EXTENTS = (512 * 1024 * 1024) / (2 * 1024 * 1024);

function vmstat(sim: Simulation, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'));
  if (!m) throw new Error(`no ${key} in /proc/vmstat`);
  return Number(m[1]);
}

function nodeKb(sim: Simulation, node: number, label: string): number {
  return Number(new RegExp(`^Node ${node} ${label}:\\s+(\\d+) kB$`, 'm').exec(sim.kernel.vfs.read(`/sys/devices/system/node/node${node}/meminfo`))![1]);
}

/** The numa-balancing preset with its 512 MiB working set madvised MADV_HUGEPAGE (256 THPs first touched on node 1). */
function hugePreset(mode: number): Simulation {
  const text = readFileSync(path.join(SCENARIOS, 'numa-balancing.yaml'), 'utf8')
    .replace('kernel.numa_balancing: 1', `kernel.numa_balancing: ${mode}`)
    .replace('work: 20s }', 'work: 20s, madvise: hugepage }');
  return new Simulation(loadScenario(text, 'numa-balancing-thp.yaml'));
}

describe('NUMA balancing on transparent huge pages', () => {
  it('scans, faults and migrates each THP as one entry and brings all 256 home still huge', () => {
    const on = hugePreset(1);
    on.advance(0.9e9);
    expect(vmstat(on, 'thp_fault_alloc')).toBe(EXTENTS);
    expect(nodeKb(on, 1, 'AnonHugePages')).toBe(512 * 1024);
    on.advance(10e9);
    const huge = vmstat(on, 'numa_huge_pte_updates');
    const hints = vmstat(on, 'numa_hint_faults');
    const migrated = vmstat(on, 'numa_pages_migrated');
    // Every scanned PMD counts 512 PTE updates and one huge update (nothing is 4 KiB-mapped here).
    expect(huge).toBeGreaterThanOrEqual(2 * EXTENTS);
    expect(vmstat(on, 'numa_pte_updates')).toBe(512 * huge);
    // At most one hint fault per PROT_NONE PMD: counted per fault, not per 4 KiB subpage.
    expect(hints).toBeGreaterThan(EXTENTS);
    expect(hints).toBeLessThanOrEqual(huge);
    // Whole folios moved: every THP came home once, nothing split, nothing failed.
    expect(migrated).toBe(512 * EXTENTS);
    expect(vmstat(on, 'pgmigrate_success')).toBe(migrated);
    expect(vmstat(on, 'pgmigrate_fail')).toBe(0);
    expect(vmstat(on, 'thp_split_pmd')).toBe(0);
    expect(nodeKb(on, 0, 'AnonHugePages')).toBe(512 * 1024);
    expect(nodeKb(on, 1, 'AnonHugePages')).toBe(0);
    expect(nodeKb(on, 0, 'AnonPages')).toBe(512 * 1024);
    on.runToEnd();
    const off = hugePreset(0);
    off.advance(10.9e9);
    expect(nodeKb(off, 1, 'AnonHugePages')).toBe(512 * 1024);
    off.runToEnd();
    expect(vmstat(off, 'numa_hint_faults')).toBe(0);
    const took = (sim: Simulation): number => Number(sim.log.find((e) => e.kind === 'work_done')!.elapsed_ns) / 1e9;
    // 20 s of local work is ≈ 13.3 s with huge pages (the TLB model); without balancing all but the first second runs 25 % slower.
    expect(took(off)).toBeGreaterThan(16.3);
    expect(took(off)).toBeLessThan(16.8);
    expect(took(on)).toBeGreaterThan(13.3);
    expect(took(on)).toBeLessThan(14.5);
  });

  it('aligns a scan that ends inside a huge mapping up to 2 MiB (task_numa_work: ALIGN(start + pages, HPAGE_SIZE))', () => {
    const sim = hugePreset(1);
    // 3 MiB per scan: 768 pages end in the middle of the second THP, so the scan covers two whole PMDs.
    sim.kernel.vfs.write('/sys/kernel/debug/sched/numa_balancing/scan_size_mb', '3');
    // The first scan runs at the 1.1 s tick (scan_delay_ms after the task was first seen at 0.1 s); the next at 1.2 s.
    sim.advance(1.15e9);
    expect(vmstat(sim, 'numa_huge_pte_updates')).toBe(2);
    expect(vmstat(sim, 'numa_pte_updates')).toBe(1024);
    expect(vmstat(sim, 'thp_split_pmd')).toBe(0);
  });

  it('is deterministic', () => {
    const run = (): string => {
      const sim = hugePreset(1);
      sim.advance(4e9);
      return sim.kernel.vfs.read('/proc/vmstat');
    };
    expect(run()).toBe(run());
  });
});
