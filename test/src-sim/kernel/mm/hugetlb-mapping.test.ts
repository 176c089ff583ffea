import { describe, expect, it } from 'vitest';
import { DEFAULT_TLB_WALK_PCT, STLB_ENTRIES } from '../../../../src-sim/kernel/mm/thp';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf } from '../../scenario/helpers';
import { meminfoKb } from '../proc-values';

const POOL = '/sys/kernel/mm/hugepages/hugepages-2048kB';
const node = (n: number, f: string): string => `/sys/devices/system/node/node${n}/hugepages/hugepages-2048kB/${f}`;

/** hugetlb_report_meminfo() prints HugePages_* as bare counts (no kB). */
function hp(sim: Simulation, key: string): number {
  const m = new RegExp(`^HugePages_${key}:\\s+(\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/meminfo'));
  if (!m) throw new Error(`no HugePages_${key} in /proc/meminfo`);
  return Number(m[1]);
}

const read = (sim: Simulation, p: string): number => Number(sim.kernel.vfs.read(p).trim());
const sim = (text: string): Simulation => new Simulation(loadScenario(text, 'h.yaml'));
const logOf = (s: Simulation, kind: string): Record<string, unknown>[] => s.kernel.log.entries.filter((e) => e.kind === kind);
const exitOf = (s: Simulation, name: string): number | null => [...s.kernel.tasks.values()].find((t) => t.name === name)!.exitCode;

const flat = (pool: number, tasks: string): string => `duration: 5s\nmachine: { cpus: 2, memory: 2G }\nkernel:\n  sysctl: { vm.nr_hugepages: ${pool} }\ntasks:\n${tasks}`;

const twoNodes = (pool: number, tasks: string): string =>
  [
    'duration: 5s',
    'machine:',
    '  numa:',
    '    nodes:',
    '      - { cpus: 0-1, memory: 1G }',
    '      - { cpus: 2-3, memory: 1G }',
    '    distances: [[10, 20], [20, 10]]',
    'kernel:',
    `  sysctl: { vm.nr_hugepages: ${pool} }`,
    'tasks:',
    tasks,
  ].join('\n');

describe('MAP_HUGETLB mappings from the hugetlbfs pool (mm/hugetlb.c)', () => {
  it('mmap reserves, faults take pages from the pool, exit gives them back: HugePages_Free/Rsvd step by step; MemFree and memory.current do not move', () => {
    // 64 MiB = 32 huge pages, one 2 MiB step every 10 ms, then munmap and exit.
    const s = sim(flat(64, '  - { name: h, cgroup: /app, start: 10ms, run: { type: alloc, size: 64M, step: 2M, every: 10ms, then: free, hugetlb: true } }\n'));
    const memFree0 = meminfoKb(s, 'MemFree');
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd'), hp(s, 'Surp')]).toEqual([64, 64, 0, 0]);
    // First step (t = 10 ms): mmap reserved 32, the first touch faulted one of them.
    s.advance(15e6);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([64, 63, 31]);
    expect(read(s, `${POOL}/resv_hugepages`)).toBe(31);
    // Steps at 10, 20, …, 110 ms: 11 faulted; Free − Rsvd stays 64 − 32 = 32 while the mapping lives.
    s.advance(115e6);
    expect([hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([53, 21]);
    expect(hp(s, 'Free') - hp(s, 'Rsvd')).toBe(32);
    // Pool pages were taken from the buddy allocator when the pool was sized: a fault takes no free memory and charges no memcg.
    expect(meminfoKb(s, 'MemFree')).toBe(memFree0);
    expect(read(s, '/sys/fs/cgroup/app/memory.current')).toBe(0);
    expect(meminfoKb(s, 'AnonPages')).toBe(0);
    // All 32 faulted at 320 ms: Free 32, Rsvd 0; the free at 330 ms returns them.
    s.advance(325e6);
    expect([hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([32, 0]);
    s.advance(400e6);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd'), hp(s, 'Surp')]).toEqual([64, 64, 0, 0]);
    expect(exitOf(s, 'h')).toBe(0);
    expect(meminfoKb(s, 'Hugetlb')).toBe(64 * 2048);
  });

  it('a size that is not a multiple of 2 MiB is rounded up, as mmap does (ALIGN(len, huge_page_size)); an exit returns the faulted pages and the unused reservations', () => {
    const s = sim(
      flat(
        16,
        [
          // 5 MiB → 3 huge pages; 1 MiB steps every 100 ms: the third page is touched at 400 ms.
          '  - { name: h, run: { type: alloc, size: 5M, step: 1M, every: 100ms, then: hold, hugetlb: true } }',
          // 10 huge pages touched ~2 times per 10 ms tick for 50 ms of work: it exits with pages never touched.
          '  - { name: w, start: 600ms, run: { type: workingset, size: 20M, rate: 200/s, work: 50ms, hugetlb: true } }',
          '',
        ].join('\n'),
      ),
    );
    s.advance(150e6);
    expect([hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([15, 2]);
    s.advance(450e6);
    expect([hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([13, 0]);
    s.advance(630e6);
    const faulted = 13 - hp(s, 'Free');
    expect(faulted).toBeGreaterThan(0);
    expect(faulted).toBeLessThan(10);
    expect(hp(s, 'Rsvd')).toBe(10 - faulted);
    s.advance(1e9);
    expect(logOf(s, 'work_done').map((e) => e.task)).toEqual(['w']);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([16, 13, 0]);
  });

  it('ENOMEM when HugePages_Free − HugePages_Rsvd is short: the mmap fails with a logged reason, the task exits 1, the pool is untouched', () => {
    const s = sim(
      flat(
        16,
        [
          // a reserves 10 pages but touches one every second: Free stays ≥ 10 for a while.
          '  - { name: a, run: { type: alloc, size: 20M, step: 2M, every: 1s, then: hold, hugetlb: true } }',
          // b asks for 10 at 100 ms: Free is 15, but only 16 − 10 = 6 are not promised.
          '  - { name: b, start: 100ms, run: { type: alloc, size: 20M, step: 2M, every: 1ms, then: hold, hugetlb: true } }',
          // c asks for 40 (more than the whole pool).
          '  - { name: c, start: 200ms, run: { type: workingset, size: 80M, rate: 100000/s, hugetlb: true } }',
          '',
        ].join('\n'),
      ),
    );
    s.advance(300e6);
    const fails = logOf(s, 'mmap_enomem');
    expect(fails.map((e) => [e.task, e.huge_pages, e.free, e.rsvd, e.hugetlb])).toEqual([
      ['b', 10, 15, 9, true],
      ['c', 40, 15, 9, true],
    ]);
    expect(fails[0]!.reason).toBe('HugePages_Free - HugePages_Rsvd < pages');
    expect(exitOf(s, 'b')).toBe(1);
    expect(exitOf(s, 'c')).toBe(1);
    expect(exitOf(s, 'a')).toBeNull();
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([16, 15, 9]);
  });

  it('2 nodes: pages come from the policy’s node (bind, preferred with fallback, default = local), per-node free_hugepages count them, a bind mask short of free pages is ENOMEM', () => {
    const s = sim(
      twoNodes(
        100,
        [
          // bound to node 1 from a node-0 CPU: 40 pages, all on node 1.
          '  - { name: bound, cpus: 0, mempolicy: { mode: bind, nodes: 1 }, run: { type: alloc, size: 80M, step: 80M, then: hold, hugetlb: true } }',
          // default policy on a node-1 CPU: 5 local pages.
          '  - { name: local, cpus: 2, start: 10ms, run: { type: alloc, size: 10M, step: 10M, then: hold, hugetlb: true } }',
          // preferred node 1: the 5 left there, then 15 from node 0 (hugetlb's zonelist fallback).
          '  - { name: pref, cpus: 0, start: 20ms, mempolicy: { mode: preferred, nodes: 1 }, run: { type: alloc, size: 40M, step: 40M, then: hold, hugetlb: true } }',
          // bound to node 1 again: 30 free in the pool, 0 on node 1 → allowed_mems_nr() refuses.
          '  - { name: late, cpus: 0, start: 30ms, mempolicy: { mode: bind, nodes: 1 }, run: { type: alloc, size: 4M, then: hold, hugetlb: true } }',
          '',
        ].join('\n'),
      ),
    );
    s.advance(5e6);
    expect([read(s, node(0, 'free_hugepages')), read(s, node(1, 'free_hugepages'))]).toEqual([50, 10]);
    s.advance(10e6);
    expect([read(s, node(0, 'free_hugepages')), read(s, node(1, 'free_hugepages'))]).toEqual([50, 5]);
    s.advance(50e6);
    expect([read(s, node(0, 'free_hugepages')), read(s, node(1, 'free_hugepages'))]).toEqual([35, 0]);
    expect([read(s, node(0, 'nr_hugepages')), read(s, node(1, 'nr_hugepages'))]).toEqual([50, 50]);
    expect(s.kernel.vfs.read('/sys/devices/system/node/node1/meminfo')).toMatch(/Node 1 HugePages_Total:    50\nNode 1 HugePages_Free:      0\nNode 1 HugePages_Surp:      0\n$/);
    expect([hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([35, 0]);
    const late = logOf(s, 'mmap_enomem');
    expect(late.map((e) => [e.task, e.huge_pages, e.reason, e.allowed_nodes, e.allowed_free])).toEqual([['late', 2, 'free huge pages on the allowed nodes < pages', '1', 0]]);
  });

  it('TLB reach: a random 512 MiB working set on hugetlb pages runs faster than on 4 KiB pages by the THP model’s fully-huge factor', () => {
    // Elapsed time of `work` CPU; the difference between work 2 s and 1 s leaves the fault warm-up out.
    const elapsed = (hugetlb: boolean, work: string): number => {
      const s = sim(flat(300, `  - { name: w, run: { type: workingset, size: 512M, rate: 50000000/s, work: ${work}${hugetlb ? ', hugetlb: true' : ''} } }\n`));
      s.advance(5e9);
      const e = logOf(s, 'work_done')[0];
      if (!e) throw new Error('w did not finish');
      return Number(e.elapsed_ns);
    };
    const ratio = (elapsed(true, '2s') - elapsed(true, '1s')) / (elapsed(false, '2s') - elapsed(false, '1s'));
    // Thp.tlbFactorOf (src-sim/kernel/mm/thp.ts): (1 + w·miss(256 huge)) / (1 + w·miss(131072 small)), miss(n) = max(0, 1 − 1536/n).
    const w = DEFAULT_TLB_WALK_PCT / 100;
    const expected = 1 / (1 + w * (1 - STLB_ENTRIES / 131072));
    expect(expected).toBeCloseTo(0.669, 3);
    expect(Math.abs(ratio - expected)).toBeLessThan(0.01);
  });

  it('shrinking nr_hugepages below the pages in use: free pages go, the in-use ones become surplus and go back to the buddy allocator when unmapped', () => {
    // One page every 5 ms: 40 faulted at 0, 5, …, 195 ms, munmap at the next step (200 ms).
    const s = sim(flat(64, '  - { name: h, run: { type: alloc, size: 80M, step: 2M, every: 5ms, then: free, hugetlb: true } }\n'));
    const memFree0 = meminfoKb(s, 'MemFree');
    s.advance(197e6);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([64, 24, 0]);
    s.kernel.vfs.write('/proc/sys/vm/nr_hugepages', '10');
    // min_count = in use (40): the 24 free pages are freed, 30 of the 40 in-use ones are surplus.
    expect(read(s, '/proc/sys/vm/nr_hugepages')).toBe(10);
    expect(read(s, `${POOL}/nr_hugepages`)).toBe(40);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd'), hp(s, 'Surp')]).toEqual([40, 0, 0, 30]);
    expect(read(s, `${POOL}/surplus_hugepages`)).toBe(30);
    expect(meminfoKb(s, 'MemFree')).toBe(memFree0 + 24 * 2048);
    expect(meminfoKb(s, 'Hugetlb')).toBe(40 * 2048);
    // The task unmaps at 200 ms: 30 surplus pages go to the buddy allocator, 10 stay in the pool, free.
    s.advance(220e6);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd'), hp(s, 'Surp')]).toEqual([10, 10, 0, 0]);
    expect(meminfoKb(s, 'MemFree')).toBe(memFree0 + 54 * 2048);
  });

  it('shrinking keeps the free pages promised to reservations (min_count counts HugePages_Rsvd)', () => {
    const s = sim(flat(32, '  - { name: h, run: { type: alloc, size: 40M, step: 2M, every: 1s, then: hold, hugetlb: true } }\n'));
    s.advance(10e6);
    // 20 reserved, 1 faulted: 19 of the 31 free pages are promised.
    expect([hp(s, 'Free'), hp(s, 'Rsvd')]).toEqual([31, 19]);
    s.kernel.vfs.write('/proc/sys/vm/nr_hugepages', '0');
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd'), hp(s, 'Surp')]).toEqual([20, 19, 19, 20]);
    expect(read(s, '/proc/sys/vm/nr_hugepages')).toBe(0);
    // The promised pages are still there for the faults.
    s.advance(5e9);
    expect([hp(s, 'Total'), hp(s, 'Free'), hp(s, 'Rsvd'), hp(s, 'Surp')]).toEqual([20, 14, 14, 20]);
  });

  it('is deterministic: interleaved random touches on 2 nodes give the same pool, node split and log', () => {
    const run = (): string => {
      const s = sim(
        twoNodes(64, '  - { name: i, cpus: 0, mempolicy: { mode: interleave, nodes: 0-1 }, run: { type: alloc, size: 60M, step: 512K, every: 1ms, touch: random, then: hold, hugetlb: true } }\n'),
      );
      s.advance(40e6);
      const v = s.kernel.vfs;
      return [v.read('/proc/meminfo'), v.read(node(0, 'free_hugepages')), v.read(node(1, 'free_hugepages')), JSON.stringify(s.kernel.log.entries)].join('|');
    };
    const a = run();
    expect(a).toBe(run());
    // Interleave by huge-page offset: the pages faulted so far split between the nodes.
    const free = a.split('|').slice(1, 3).map(Number);
    expect(free[0]).toBeLessThan(32);
    expect(free[1]).toBeLessThan(32);
  });

  it('bad input: hugetlb must be true/false, and cannot be combined with madvise (FILE:LINE:COL)', () => {
    const bool = issuesOf('duration: 1s\ntasks:\n  - { name: h, run: { type: alloc, size: 4M, hugetlb: yes please } }\n', 'h.yaml');
    expect(bool.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual(['3:55 tasks[0].run.hugetlb']);
    const both = issuesOf('duration: 1s\ntasks:\n  - { name: h, run: { type: workingset, size: 4M, rate: 1000/s, madvise: hugepage, hugetlb: true } }\n', 'h.yaml');
    expect(both.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual(['3:65 tasks[0].run.madvise']);
    expect(both[0]!.message).toMatch(/^expected no madvise with hugetlb: true/);
  });
});
