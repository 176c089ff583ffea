import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf } from '../../scenario/helpers';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');
const POOL = '/sys/kernel/mm/hugepages/hugepages-2048kB';
const node = (n: number, f: string): string => `/sys/devices/system/node/node${n}/hugepages/hugepages-2048kB/${f}`;

const twoNodes = (extra = ''): string =>
  [
    'duration: 1s',
    'machine:',
    '  numa:',
    '    nodes:',
    '      - { cpus: 0-1, memory: 2G }',
    '      - { cpus: 2-3, memory: 2G }',
    '    distances: [[10, 20], [20, 10]]',
    extra,
    '',
  ].join('\n');

function meminfo(sim: Simulation): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of sim.kernel.vfs.read('/proc/meminfo').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return m;
}

const kb = (sim: Simulation, key: string): number => Number(/^(\d+) kB$/.exec(meminfo(sim).get(key)!)![1]);
const count = (sim: Simulation, key: string): number => Number(meminfo(sim).get(key));
const read = (sim: Simulation, p: string): number => Number(sim.kernel.vfs.read(p).trim());

describe('hugetlbfs pool (vm.nr_hugepages)', () => {
  it('an empty pool prints the kernel’s meminfo lines in place: counts after AnonHugePages, then Hugepagesize and Hugetlb', () => {
    const sim = new Simulation(loadScenario(twoNodes(), 't.yaml'));
    const text = sim.kernel.vfs.read('/proc/meminfo');
    expect(text).toMatch(
      /AnonHugePages: +0 kB\nHugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\nHugePages_Surp:        0\nHugepagesize:       2048 kB\nHugetlb:               0 kB\n$/,
    );
    expect(sim.kernel.vfs.read(node(1, 'nr_hugepages'))).toBe('0\n');
    expect(sim.kernel.vfs.read('/sys/devices/system/node/node1/meminfo')).toMatch(/Node 1 HugePages_Total:     0\nNode 1 HugePages_Free:      0\nNode 1 HugePages_Surp:      0\n$/);
  });

  it('512 on a 2-node machine: 256 per node (round-robin), HugePages_Total 512, Hugetlb 1 GiB, MemFree exactly 1 GiB lower; shrinking frees them back', () => {
    const sim = new Simulation(loadScenario(twoNodes(), 't.yaml'));
    const v = sim.kernel.vfs;
    const free0 = kb(sim, 'MemFree');
    const nodeFree0 = [0, 1].map((n) => Number(/MemFree:\s+(\d+)/.exec(v.read(`/sys/devices/system/node/node${n}/meminfo`))![1]));
    v.write('/proc/sys/vm/nr_hugepages', '512');
    expect(v.read('/proc/sys/vm/nr_hugepages')).toBe('512\n');
    expect([read(sim, node(0, 'nr_hugepages')), read(sim, node(1, 'nr_hugepages'))]).toEqual([256, 256]);
    expect([read(sim, node(0, 'free_hugepages')), read(sim, node(1, 'free_hugepages'))]).toEqual([256, 256]);
    expect(read(sim, `${POOL}/nr_hugepages`)).toBe(512);
    expect(read(sim, `${POOL}/free_hugepages`)).toBe(512);
    expect(count(sim, 'HugePages_Total')).toBe(512);
    expect(count(sim, 'HugePages_Free')).toBe(512);
    expect(count(sim, 'HugePages_Rsvd')).toBe(0);
    expect(count(sim, 'HugePages_Surp')).toBe(0);
    expect(kb(sim, 'Hugetlb')).toBe(1024 * 1024);
    expect(kb(sim, 'MemFree')).toBe(free0 - 1024 * 1024);
    for (const n of [0, 1]) {
      const nf = Number(/MemFree:\s+(\d+)/.exec(v.read(`/sys/devices/system/node/node${n}/meminfo`))![1]);
      expect(nf).toBe(nodeFree0[n]! - 512 * 1024);
      expect(v.read(`/sys/devices/system/node/node${n}/meminfo`)).toMatch(new RegExp(`Node ${n} HugePages_Total:   256\\nNode ${n} HugePages_Free:    256\\n`));
    }
    // 256 order-9 pages per node = 128 order-10 blocks gone from each node's buddyinfo.
    const top = v.read('/proc/buddyinfo').trim().split('\n').map((l) => Number(l.trim().split(/\s+/).at(-1)));
    expect(top[0]).toBe(top[1]);
    // Shrinking through sysfs frees free huge pages, node by node in turn.
    v.write(`${POOL}/nr_hugepages`, '101');
    expect(count(sim, 'HugePages_Total')).toBe(101);
    expect(read(sim, node(0, 'nr_hugepages')) + read(sim, node(1, 'nr_hugepages'))).toBe(101);
    expect(Math.abs(read(sim, node(0, 'nr_hugepages')) - read(sim, node(1, 'nr_hugepages')))).toBe(1);
    expect(kb(sim, 'MemFree')).toBe(free0 - 101 * 2048);
    v.write('/proc/sys/vm/nr_hugepages', '0');
    expect(kb(sim, 'MemFree')).toBe(free0);
    expect(v.read('/proc/buddyinfo').trim().split('\n').map((l) => Number(l.trim().split(/\s+/).at(-1)))).toEqual(top.map((t) => t + 128));
  });

  it('per-node nr_hugepages grows and shrinks that node only', () => {
    const sim = new Simulation(loadScenario(twoNodes(), 't.yaml'));
    const v = sim.kernel.vfs;
    v.write(node(1, 'nr_hugepages'), '10');
    expect([read(sim, node(0, 'nr_hugepages')), read(sim, node(1, 'nr_hugepages'))]).toEqual([0, 10]);
    expect(count(sim, 'HugePages_Total')).toBe(10);
    v.write(node(1, 'nr_hugepages'), '4');
    expect(count(sim, 'HugePages_Free')).toBe(4);
  });

  it('short memory: a 1 GiB machine asked for 1000 gets what the buddy allocator has above the low watermark, and nr_hugepages reads that back', () => {
    const sim = new Simulation(loadScenario('duration: 1s\nmachine: { cpus: 2, memory: 1G }\n', 't.yaml'));
    const v = sim.kernel.vfs;
    const free0 = kb(sim, 'MemFree');
    v.write('/proc/sys/vm/nr_hugepages', '1000');
    const got = read(sim, '/proc/sys/vm/nr_hugepages');
    expect(got).toBeLessThan(1000);
    expect(got).toBeGreaterThan(400);
    expect(count(sim, 'HugePages_Total')).toBe(got);
    expect(kb(sim, 'MemFree')).toBe(free0 - got * 2048);
    // What is left is below the low watermark plus one huge page.
    const low = Number(/^\s+low\s+(\d+)$/m.exec(v.read('/proc/zoneinfo'))![1]);
    expect(kb(sim, 'MemFree') / 4 - 512).toBeLessThan(low);
  });

  it('fragmentation: on the thp-fragmentation preset (almost no free 2 MiB block, free memory too short to compact) the pool gets fewer than asked', () => {
    const file = path.join(SCENARIOS, 'thp-fragmentation.yaml');
    const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
    sim.advance(2.5e9);
    const before = sim.kernel.vfs.read('/proc/buddyinfo').trim().split(/\s+/).slice(-2).map(Number);
    const freeBlocks = before[0]! + 2 * before[1]!;
    expect(freeBlocks).toBeLessThan(8);
    sim.kernel.vfs.write('/proc/sys/vm/nr_hugepages', '64');
    const got = read(sim, '/proc/sys/vm/nr_hugepages');
    expect(got).toBeLessThan(64);
    expect(got).toBeLessThanOrEqual(freeBlocks);
    expect(count(sim, 'HugePages_Total')).toBe(got);
    // The same request on a fresh machine of the same size is met in full.
    const fresh = new Simulation(loadScenario('duration: 1s\nmachine: { cpus: 2, memory: 1G }\n', 't.yaml'));
    fresh.kernel.vfs.write('/proc/sys/vm/nr_hugepages', '64');
    expect(read(fresh, '/proc/sys/vm/nr_hugepages')).toBe(64);
  });

  it('kernel.sysctl vm.nr_hugepages sizes the pool at boot; bad values are EINVAL at the file and FILE:LINE:COL in a scenario', () => {
    const sim = new Simulation(loadScenario(twoNodes('kernel:\n  sysctl: { vm.nr_hugepages: 100 }'), 't.yaml'));
    expect(count(sim, 'HugePages_Total')).toBe(100);
    expect([read(sim, node(0, 'nr_hugepages')), read(sim, node(1, 'nr_hugepages'))]).toEqual([50, 50]);
    for (const bad of ['-1', 'abc', '1.5', '']) {
      expect(() => sim.kernel.vfs.write('/proc/sys/vm/nr_hugepages', bad)).toThrow(/EINVAL|Invalid argument/);
      expect(() => sim.kernel.vfs.write(`${POOL}/nr_hugepages`, bad)).toThrow(/EINVAL|Invalid argument/);
      expect(() => sim.kernel.vfs.write(node(0, 'nr_hugepages'), bad)).toThrow(/EINVAL|Invalid argument/);
    }
    expect(count(sim, 'HugePages_Total')).toBe(100);
    const issues = issuesOf('duration: 1s\nkernel:\n  sysctl: { vm.nr_hugepages: -5 }\n', 'h.yaml');
    expect(issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual(['3:30 kernel.sysctl["vm.nr_hugepages"]']);
    expect(issues[0]!.message).toMatch(/^the kernel refuses "-5": Invalid argument \(EINVAL\)/);
  });

  it('is deterministic: the same scenario gives the same pool, node split and meminfo', () => {
    const run = (): string => {
      const file = path.join(SCENARIOS, 'thp-fragmentation.yaml');
      const sim = new Simulation(loadScenario(readFileSync(file, 'utf8'), file));
      sim.advance(1.2e9);
      sim.kernel.vfs.write('/proc/sys/vm/nr_hugepages', '200');
      return sim.kernel.vfs.read('/proc/meminfo') + sim.kernel.vfs.read('/proc/buddyinfo');
    };
    expect(run()).toBe(run());
  });
});
