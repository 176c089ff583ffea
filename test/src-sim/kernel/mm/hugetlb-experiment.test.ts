import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TLB_WALK_PCT, STLB_ENTRIES, THP_COST } from '../../../../src-sim/kernel/mm/thp';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { vmstatValue } from '../proc-values';

const file = path.resolve(__dirname, '../../../../resources/scenarios/hugetlb-tlb-reach.yaml');

function hp(sim: Simulation, key: string): number {
  const m = new RegExp(`^HugePages_${key}:\\s+(\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/meminfo'));
  if (!m) throw new Error(`no HugePages_${key} in /proc/meminfo`);
  return Number(m[1]);
}

function elapsed(sim: Simulation, task: string): number {
  const e = sim.kernel.log.entries.find((x) => x.kind === 'work_done' && x.task === task);
  if (!e) throw new Error(`${task} did not finish`);
  return Number(e.elapsed_ns);
}

describe('preset hugetlb-tlb-reach', () => {
  it('pool accounting through mmap, faults and exit; the late mmap is ENOMEM; the hugetlb job runs at the TLB model’s 0.667×', () => {
    const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
    sim.advance(1.06e9);
    // reserver: 11 of its 50 pages faulted (0, 100, …, 1000 ms); huge: all 1024 faulted.
    expect([hp(sim, 'Total'), hp(sim, 'Free'), hp(sim, 'Rsvd')]).toEqual([1100, 65, 39]);
    const late = sim.kernel.log.entries.filter((e) => e.kind === 'mmap_enomem');
    expect(late.map((e) => [e.task, e.huge_pages, e.free, e.rsvd])).toEqual([['late', 32, 65, 39]]);
    sim.advance(3e9);
    // huge exited (its 1024 back), reserver has faulted 31 (0 … 3000 ms).
    expect([hp(sim, 'Total'), hp(sim, 'Free'), hp(sim, 'Rsvd')]).toEqual([1100, 1069, 19]);
    // 4 KiB: 524288 translations, miss 1 − 1536/524288; hugetlb: 1024, miss 0 (Thp.tlbFactorOf).
    const factor = 1 / (1 + (DEFAULT_TLB_WALK_PCT / 100) * (1 - STLB_ENTRIES / 524288));
    expect((elapsed(sim, 'huge') - 1024 * THP_COST.hugeFaultNs) / 2e9).toBeCloseTo(factor, 2);
    expect(factor).toBeCloseTo(0.667, 3);
    // The 4 KiB job pays 1 µs per first touch on top of its 2 s; no THP (enabled = madvise, no advice).
    expect(vmstatValue(sim, 'thp_fault_alloc')).toBe(0);
    const smallFaults = vmstatValue(sim, 'pgfault') - 1024 - 31;
    expect(elapsed(sim, 'small')).toBeGreaterThan(2e9 + smallFaults * 1000 * 0.99);
    expect(elapsed(sim, 'small')).toBeLessThan(2e9 + smallFaults * 1000 * 1.01 + 20e6);
    // End to end (faults included) huge finishes in under two thirds of small's time.
    expect(elapsed(sim, 'huge') / elapsed(sim, 'small')).toBeLessThan(0.65);
  });
});
