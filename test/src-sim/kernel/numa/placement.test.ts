import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { issuesOf, lines } from '../../scenario/helpers';

const SCENARIOS = path.resolve(__dirname, '../../../../resources/scenarios');
const MiB = 1024 * 1024;

/** A two-node machine (4 CPUs and `mem` per node) running `tasks` (YAML list items). */
function twoNodes(tasks: string, extra = '', mem = '1G', distance = 20): Simulation {
  const text = `duration: 2s
machine:
  numa:
    nodes:
      - { cpus: 0-3, memory: ${mem} }
      - { cpus: 4-7, memory: ${mem} }
    distances: [[10, ${distance}], [${distance}, 10]]
${extra}tasks:
${tasks}`;
  return new Simulation(loadScenario(text, 'numa.yaml'));
}

function field(text: string, key: string): number {
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    const i = parts.indexOf(key);
    if (i >= 0) return Number(parts[i + 1]);
    if (parts[0] === key) return Number(parts[1]);
  }
  throw new Error(`no ${key} in:\n${text}`);
}

/** "Node 1 AnonPages:  1234 kB" → 1234. */
function nodeKb(sim: Simulation, node: number, label: string): number {
  const text = sim.kernel.vfs.read(`/sys/devices/system/node/node${node}/meminfo`);
  const m = new RegExp(`^Node ${node} ${label.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!m) throw new Error(`no ${label} in node${node}/meminfo`);
  return Number(m[1]);
}

const alloc = (name: string, cpus: string, size: string, policy = ''): string =>
  `  - { name: ${name}, cpus: ${cpus}, ${policy}run: { type: alloc, size: ${size}, step: 16M, every: 1ms, then: hold } }\n`;

describe('NUMA placement (mm/mempolicy.c, mm/page_alloc.c)', () => {
  it('node files show the SLIT row, the CPU list and the node sets', () => {
    const sim = twoNodes(alloc('a', '0', '16M'), '', '1G', 21);
    const v = sim.kernel.vfs;
    expect(v.read('/sys/devices/system/node/node0/distance')).toBe('10 21\n');
    expect(v.read('/sys/devices/system/node/node1/distance')).toBe('21 10\n');
    expect(v.read('/sys/devices/system/node/node1/cpulist')).toBe('4-7\n');
    expect(v.read('/sys/devices/system/node/online')).toBe('0-1\n');
    expect(v.read('/sys/devices/system/node/has_memory')).toBe('0-1\n');
    // The memmap (64 B per 4 KiB frame) is not managed: 1 GiB − 1/64.
    expect(nodeKb(sim, 1, 'MemTotal')).toBe(1024 * 1024 - 16 * 1024);
  });

  it('first touch allocates on the node of the CPU the task runs on', () => {
    const sim = twoNodes(alloc('n0', '1', '64M') + alloc('n1', '5', '32M'));
    sim.advance(1e9);
    expect(nodeKb(sim, 0, 'AnonPages')).toBe(64 * 1024);
    expect(nodeKb(sim, 1, 'AnonPages')).toBe(32 * 1024);
    const n1 = sim.kernel.vfs.read('/sys/devices/system/node/node1/numastat');
    expect(field(n1, 'numa_hit')).toBe((32 * MiB) / 4096);
    expect(field(n1, 'local_node')).toBe((32 * MiB) / 4096);
    expect(field(n1, 'other_node')).toBe(0);
  });

  it('bind puts every page on the bound node even from a CPU of the other node (other_node counts it)', () => {
    const sim = twoNodes(alloc('b', '0', '64M', 'mempolicy: { mode: bind, nodes: 1 }, '));
    sim.advance(1e9);
    expect(nodeKb(sim, 0, 'AnonPages')).toBe(0);
    expect(nodeKb(sim, 1, 'AnonPages')).toBe(64 * 1024);
    const n1 = sim.kernel.vfs.read('/sys/devices/system/node/node1/numastat');
    expect(field(n1, 'numa_hit')).toBe(16384);
    expect(field(n1, 'other_node')).toBe(16384);
    expect(field(sim.kernel.vfs.read('/proc/vmstat'), 'numa_other')).toBe(16384);
  });

  it('interleave alternates pages 1:1; weighted interleave follows the sysfs weights 3:1', () => {
    const sim = twoNodes(alloc('il', '0', '64M', 'mempolicy: { mode: interleave, nodes: 0-1 }, '));
    sim.advance(1e9);
    expect(nodeKb(sim, 0, 'AnonPages')).toBe(32 * 1024);
    expect(nodeKb(sim, 1, 'AnonPages')).toBe(32 * 1024);
    expect(field(sim.kernel.vfs.read('/proc/vmstat'), 'numa_interleave')).toBe(16384);
    const w = twoNodes(
      alloc('wil', '0', '64M', 'start: 10ms, mempolicy: { mode: weighted-interleave, nodes: 0-1 }, '),
      'kernel:\n  sysctl: {}\ntimeline:\n  - { at: 0s, write: { /sys/kernel/mm/mempolicy/weighted_interleave/node0: 3 } }\n',
    );
    w.advance(1e9);
    expect(nodeKb(w, 0, 'AnonPages')).toBe(48 * 1024);
    expect(nodeKb(w, 1, 'AnonPages')).toBe(16 * 1024);
  });

  it('default policy falls back to the other node when the local one reaches its low watermark (numa_miss / numa_foreign)', () => {
    const sim = twoNodes(alloc('big', '0', '400M'), '', '256M');
    sim.advance(1.5e9);
    const n0 = sim.kernel.vfs.read('/sys/devices/system/node/node0/numastat');
    const n1 = sim.kernel.vfs.read('/sys/devices/system/node/node1/numastat');
    const zoneinfo = sim.kernel.vfs.read('/proc/zoneinfo');
    const low0 = Number(/Node 0, zone {3}Normal\n {2}pages free {5}(\d+)[\s\S]*? low {6}(\d+)/.exec(zoneinfo)![2]);
    const free0 = Number(/Node 0, zone {3}Normal\n {2}pages free {5}(\d+)/.exec(zoneinfo)![1]);
    // Node 0 was filled down to its low watermark, the rest went remote.
    expect(free0).toBe(low0);
    expect(field(n1, 'numa_miss')).toBeGreaterThan(30000);
    expect(field(n0, 'numa_foreign')).toBe(field(n1, 'numa_miss'));
    expect(nodeKb(sim, 0, 'AnonPages') + nodeKb(sim, 1, 'AnonPages')).toBe(400 * 1024);
  });

  it('cpuset.mems confines new pages and (v2) migrates the old ones; a node that does not exist is EINVAL', () => {
    const sim = twoNodes(
      `  - { name: c, cgroup: /job, cpus: 0, run: { type: alloc, size: 64M, step: 16M, every: 1ms, then: hold } }\n`,
      'cgroups:\n  /job: {}\ntimeline:\n  - { at: 1s, write: { /sys/fs/cgroup/job/cpuset.mems: 1 } }\n',
    );
    sim.advance(0.5e9);
    expect(nodeKb(sim, 0, 'AnonPages')).toBe(64 * 1024);
    sim.advance(1.5e9);
    expect(nodeKb(sim, 0, 'AnonPages')).toBe(0);
    expect(nodeKb(sim, 1, 'AnonPages')).toBe(64 * 1024);
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/job/cpuset.mems.effective')).toBe('1\n');
    expect(field(sim.kernel.vfs.read('/proc/vmstat'), 'pgmigrate_success')).toBe(16384);
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/job/memory.numa_stat').split('\n')[0]).toBe(`anon N0=0 N1=${64 * MiB}`);
    expect(() => sim.kernel.vfs.write('/sys/fs/cgroup/job/cpuset.mems', '2')).toThrow(/EINVAL|Invalid argument/);
  });

  it('zone_reclaim_mode 1 frees clean page cache on the local node instead of going remote', () => {
    const files = 'files:\n  - { path: /data/a, size: 200M }\n';
    const tasks = `  - { name: reader, cpus: 0, run: { type: read, file: /data/a, bs: 1M } }\n  - { name: a, cpus: 1, start: 1s, run: { type: alloc, size: 150M, step: 16M, every: 1ms, then: hold } }\n`;
    const run = (mode: number): { remoteAnon: number; success: number } => {
      const sim = twoNodes(tasks, `${files}kernel:\n  sysctl: { vm.zone_reclaim_mode: ${mode} }\n`, '256M');
      sim.advance(2e9);
      const nm = sim.kernel.mm as unknown as { numa: { zoneReclaimSuccess: number } };
      return { remoteAnon: nodeKb(sim, 1, 'AnonPages'), success: nm.numa.zoneReclaimSuccess };
    };
    const off = run(0);
    const on = run(1);
    expect(off.remoteAnon).toBeGreaterThan(80 * 1024);
    expect(on.remoteAnon).toBe(0);
    expect(on.success).toBeGreaterThan(0);
  });

  it('the same seed gives the same node placement', () => {
    const run = (): string => {
      const sim = twoNodes(alloc('il', '0', '32M', 'mempolicy: { mode: interleave, nodes: 0-1 }, ') + alloc('d', '6', '48M'));
      sim.advance(1e9);
      return sim.kernel.vfs.read('/sys/devices/system/node/node0/numastat') + sim.kernel.vfs.read('/sys/devices/system/node/node1/meminfo');
    };
    expect(run()).toBe(run());
  });
});

describe('memory policies in the scenario', () => {
  const scenario = (policy: string): string =>
    `duration: 1s\nmachine:\n  numa:\n    nodes:\n      - { cpus: 0, memory: 1G }\n      - { cpus: 1, memory: 1G }\ntasks:\n  - name: t\n    mempolicy: ${policy}\n    run: { type: cpu }\n`;
  it('refuse nodes the machine lacks, a mask for default and an empty mask, at FILE:LINE:COL', () => {
    expect(lines(issuesOf(scenario('{ mode: bind, nodes: 0-2 }'), 'p.yaml'))).toEqual([
      'p.yaml:9:37: tasks[0].mempolicy.nodes: expected nodes of this machine (0-1), got "0-2": node 2 does not exist (set_mempolicy refuses it with EINVAL)',
    ]);
    expect(lines(issuesOf(scenario('{ mode: default, nodes: 1 }'), 'p.yaml'))).toEqual([
      'p.yaml:9:40: tasks[0].mempolicy.nodes: expected no nodes with mode default (MPOL_DEFAULT takes an empty mask; set_mempolicy refuses others with EINVAL)',
    ]);
    expect(lines(issuesOf(scenario('{ mode: interleave }'), 'p.yaml'))).toEqual([
      'p.yaml:9:24: tasks[0].mempolicy.mode: expected nodes with mode interleave (set_mempolicy refuses an empty node mask with EINVAL)',
    ]);
    expect(lines(issuesOf(scenario('{ mode: preferred, nodes: 0-1 }'), 'p.yaml'))).toEqual([
      'p.yaml:9:42: tasks[0].mempolicy.nodes: expected one node with mode preferred (numactl --preferred=N), got "0-1"',
    ]);
  });
});

describe('remote-access cost (resources/scenarios/numa-remote-vs-local.yaml)', () => {
  it('the same 4 s job takes ≈ 25 % longer with its memory on the other node at SLIT 20, ≈ 12.5 % interleaved', () => {
    const text = readFileSync(path.join(SCENARIOS, 'numa-remote-vs-local.yaml'), 'utf8');
    const sim = new Simulation(loadScenario(text, 'numa-remote-vs-local.yaml'));
    sim.runToEnd();
    const done = new Map(sim.log.filter((e) => e.kind === 'work_done').map((e) => [e.task, Number(e.elapsed_ns) / 1e9]));
    const local = done.get('local')!;
    const remote = done.get('remote')!;
    const il = done.get('interleaved')!;
    expect(local).toBeGreaterThan(4);
    expect(local).toBeLessThan(4.1);
    expect(remote / local).toBeCloseTo(1.25 - 0.25 * ((local - 4) / local), 2);
    expect(il / local).toBeGreaterThan(1.1);
    expect(il / local).toBeLessThan(1.13);
    const n1 = sim.kernel.vfs.read('/sys/devices/system/node/node1/numastat');
    // remote's 64 Ki pages plus half of interleaved's, all allocated from CPUs of node 0.
    expect(field(n1, 'numa_hit')).toBe(65536 + 32768);
    expect(field(n1, 'other_node')).toBe(65536 + 32768);
  });

  it('a larger distance costs more: SLIT 32 makes the remote job ≈ 55 % slower', () => {
    const sim = twoNodes(
      `  - { name: r, cpus: 0, mempolicy: { mode: bind, nodes: 1 }, run: { type: workingset, size: 16M, rate: 100000/s, work: 1s } }\n`,
      '',
      '1G',
      32,
    );
    sim.runToEnd();
    const e = sim.log.find((x) => x.kind === 'work_done')!;
    expect(Number(e.elapsed_ns) / 1e9).toBeGreaterThan(1.5);
    expect(Number(e.elapsed_ns) / 1e9).toBeLessThan(1.57);
  });
});
