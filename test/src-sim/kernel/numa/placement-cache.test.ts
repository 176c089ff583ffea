// NodeMm keeps each task's cpuset.mems.effective, page placement and
// allocation nodes (TaskNuma) until a cpuset.mems write, a cgroup move, a
// move to another node's CPUs or another policy: a page-cache reader maps
// every page through allocFrame(). The answers must follow those changes at
// once, and a run must not depend on the caches.
import { describe, expect, it } from 'vitest';
import { Mm } from '../../../../src-sim/kernel/mm/mm';
import { NodeMm } from '../../../../src-sim/kernel/numa/node-mm';
import type { Task } from '../../../../src-sim/kernel/task';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';

/**
 * Two nodes; readers stream files through the page cache from /r (CPUs of
 * node 0): cpuset.mems = 1 at 0.5 s, 0-1 again at 1 s, the CPUs of node 1
 * at 1.5 s; `bound` reads under a bind policy on node 0 and moves to /s
 * (cpuset.mems 1) at 2 s. Each window shows where new page-cache pages go.
 */
const TEXT = `duration: 2500ms
machine:
  numa:
    nodes:
      - { cpus: 0-3, memory: 1G }
      - { cpus: 4-7, memory: 1G }
    distances: [[10, 20], [20, 10]]
cgroups:
  /r: { cpuset.cpus: 0-3 }
  /s: { cpuset.mems: "1" }
files:
  - { path: /data/a, size: 1G }
  - { path: /data/b, size: 1G }
tasks:
  - { name: reader, cgroup: /r, run: { type: read, file: /data/a, bs: 1M, pattern: sequential, loop: true } }
  - { name: bound, cgroup: /r, mempolicy: { mode: bind, nodes: 0 }, run: { type: read, file: /data/b, bs: 1M, pattern: sequential, loop: true } }
timeline:
  - { at: 500ms, write: { /sys/fs/cgroup/r/cpuset.mems: "1" } }
  - { at: 1s, write: { /sys/fs/cgroup/r/cpuset.mems: 0-1 } }
  - { at: 1500ms, write: { /sys/fs/cgroup/r/cpuset.cpus: 4-7 } }
`;

function sim(): { sim: Simulation; nm: NodeMm } {
  const s = new Simulation(loadScenario(TEXT, 'numa-placement-cache.yaml'));
  const mm = s.kernel.mm;
  if (!(mm instanceof Mm) || !(mm.numa instanceof NodeMm)) throw new Error('not the two-node page-frame memory model');
  return { sim: s, nm: mm.numa };
}

function filePagesKb(s: Simulation, node: number): number {
  const m = new RegExp(`^Node ${node} FilePages:\\s+(\\d+) kB$`, 'm').exec(s.kernel.vfs.read(`/sys/devices/system/node/node${node}/meminfo`));
  return Number(m![1]);
}

function task(s: Simulation, name: string): Task {
  return [...s.kernel.tasks.values()].find((t) => t.name === name)!;
}

describe('per-task NUMA placement caches (NodeMm: cpuset.mems.effective, placement, allocation nodes)', () => {
  it('new page-cache pages follow each cpuset.mems write, CPU move and cgroup move at once', () => {
    const { sim: s, nm } = sim();
    const growth: number[][] = [];
    // Windows between the changes (at 0.5, 1 and 1.5 s), 1 ms clear of each.
    for (let t = 0; t < 2e9; t += 0.5e9) {
      if (t > 0) s.advance(t + 1e6);
      const start = [filePagesKb(s, 0), filePagesKb(s, 1)];
      s.advance(t + 0.5e9 - 1e6);
      growth.push([filePagesKb(s, 0) - start[0]!, filePagesKb(s, 1) - start[1]!]);
      // The cached answers are the computed ones at every window's end.
      for (const name of ['reader', 'bound']) {
        const tk = task(s, name);
        const cached = [...nm.allocNodes(tk)];
        nm.taskCaches = false;
        expect(cached).toEqual([...nm.allocNodes(tk)]);
        nm.taskCaches = true;
      }
      if (t === 1e9) {
        s.advance(1.5e9);
        s.kernel.vfs.write('/sys/fs/cgroup/s/cgroup.procs', `${task(s, 'bound').pid}\n`);
      }
    }
    const MiB = 1024;
    // 0–0.5 s: both readers on node 0 (local, and bound to it).
    expect(growth[0]![0]).toBeGreaterThan(100 * MiB);
    expect(growth[0]![1]).toBe(0);
    // 0.5–1 s: cpuset.mems = 1: every new page on node 1, the bind mask rebound to the cpuset.
    expect(growth[1]![0]).toBeLessThanOrEqual(0);
    expect(growth[1]![1]).toBeGreaterThan(100 * MiB);
    // 1–1.5 s: mems 0-1 again: local node 0 (node 1 only loses pages to reclaim, if anything).
    expect(growth[2]![0]).toBeGreaterThan(100 * MiB);
    expect(growth[2]![1]).toBeLessThanOrEqual(0);
    // 1.5–2 s: reader on node 1's CPUs: its pages go to node 1; bound stays on node 0.
    expect(growth[3]![1]).toBeGreaterThan(50 * MiB);
    expect(nm.allocNodes(task(s, 'reader'))).toEqual([1, 0]);
    expect(nm.allocNodes(task(s, 'bound'))).toEqual([1]);
  });

  it('a run gives the same results with the caches bypassed', () => {
    const run = (caches: boolean): string => {
      const { sim: s, nm } = sim();
      nm.taskCaches = caches;
      s.runToEnd();
      const v = s.kernel.vfs;
      return [0, 1].map((n) => v.read(`/sys/devices/system/node/node${n}/numastat`) + v.read(`/sys/devices/system/node/node${n}/meminfo`)).join('') + v.read('/proc/vmstat');
    };
    expect(run(true)).toBe(run(false));
  });
});
