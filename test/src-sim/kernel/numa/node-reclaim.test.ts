import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../src-sim/scenario/load';
import { Simulation } from '../../../../src-sim/simulation';
import { Mm } from '../../../../src-sim/kernel/mm/mm';

function mmOf(sim: Simulation): Mm {
  const mm = sim.kernel.mm;
  if (!(mm instanceof Mm)) throw new Error('not the page-frame memory model');
  return mm;
}

/** Two nodes of 4 CPUs and 512 MiB each at SLIT 20, no swap. */
function twoNodes(body: string, seed = 1): Simulation {
  const text = `duration: 3s
seed: ${seed}
machine:
  numa:
    nodes:
      - { cpus: 0-3, memory: 512M }
      - { cpus: 4-7, memory: 512M }
    distances: [[10, 20], [20, 10]]
${body}`;
  return new Simulation(loadScenario(text, 'node-reclaim.yaml'));
}

function nodeKb(sim: Simulation, node: number, label: string): number {
  const text = sim.kernel.vfs.read(`/sys/devices/system/node/node${node}/meminfo`);
  const m = new RegExp(`^Node ${node} ${label.replace(/[()]/g, '\\$&')}:\\s+(\\d+) kB$`, 'm').exec(text);
  if (!m) throw new Error(`no ${label} in node${node}/meminfo`);
  return Number(m[1]);
}

/** The watermark block of one node in /proc/zoneinfo. */
function zone(sim: Simulation, node: number): Record<string, number> {
  const text = sim.kernel.vfs.read('/proc/zoneinfo');
  const block = text.split(/^(?=Node )/m).find((b) => b.startsWith(`Node ${node},`))!;
  const out: Record<string, number> = {};
  for (const key of ['pages free', 'min', 'low', 'high']) out[key] = Number(new RegExp(`^\\s+${key}\\s+(\\d+)$`, 'm').exec(block)![1]);
  return out;
}

function vmstat(sim: Simulation, key: string): number {
  return Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(sim.kernel.vfs.read('/proc/vmstat'))![1]);
}

const STREAM = `files:
  - { path: /data/big, size: 2G }
  - { path: /data/small, size: 200M }
tasks:
  - { name: warm, cpus: 4, run: { type: read, file: /data/small, bs: 1M, pattern: sequential, loop: false } }
  - { name: stream, cpus: 0, mempolicy: { mode: bind, nodes: 0 }, run: { type: read, file: /data/big, bs: 1M, pattern: sequential, loop: true } }
`;

describe('per-node LRUs and kswapd (mm/vmscan.c: kswapd per pgdat, balance_pgdat)', () => {
  it('zone watermarks per node follow __setup_per_zone_wmarks (share of min_free_kbytes, watermark_scale_factor gap)', () => {
    const sim = twoNodes(STREAM);
    // 2 × 512 MiB: managed 129024 pages per node (memmap off), min_free_kbytes = int_sqrt(1032192 × 16) = 4063,
    // pages_min 1015, half each = 507; gap = max(507/4, 129024 × 10 / 10000) = 129.
    expect(zone(sim, 0)).toMatchObject({ min: 507, low: 636, high: 765 });
    expect(zone(sim, 1)).toMatchObject({ min: 507, low: 636, high: 765 });
    sim.kernel.vfs.write('/proc/sys/vm/watermark_scale_factor', '100');
    expect(zone(sim, 1)).toMatchObject({ min: 507, low: 507 + 1290, high: 507 + 2580 });
  });

  it('a reader bound to node 0 wakes only node 0’s kswapd, which reclaims node 0’s own LRU to its high watermark; node 1’s cache stays', () => {
    // A wider watermark gap (2580 pages) than one 1 MiB read, so kswapd keeps ahead of the reader.
    const sim = twoNodes(`kernel:\n  sysctl: { vm.watermark_scale_factor: 200 }\n${STREAM}`);
    sim.advance(3e9);
    // The warm reader's 200 MiB of page cache on node 1 was never scanned.
    expect(nodeKb(sim, 1, 'FilePages')).toBe(200 * 1024);
    expect(mmOf(sim).kswapdNodeCpuNs[1]).toBe(0);
    expect(mmOf(sim).kswapdNodeCpuNs[0]).toBeGreaterThan(0);
    // Node 0 streamed ~2 GiB through 504 MiB: kswapd0 did the reclaim, between min and high (+ one 1 MiB read).
    expect(vmstat(sim, 'pgsteal_kswapd')).toBeGreaterThan(100_000);
    expect(vmstat(sim, 'pgscan_direct')).toBe(0);
    const z = zone(sim, 0);
    expect(z['pages free']).toBeGreaterThanOrEqual(z.min!);
    expect(z['pages free']).toBeLessThanOrEqual(z.high! + 256);
    // Bound: nothing of the stream spilled onto node 1.
    expect(vmstat(sim, 'numa_miss')).toBe(0);
  });

  it('a full bind node is reclaimed, then the OOM killer runs constrained to the policy’s nodes; nothing spills to node 1', () => {
    const sim = twoNodes(`files:
  - { path: /data/cache, size: 200M }
tasks:
  - { name: other, cpus: 4, run: { type: alloc, size: 100M, step: 16M, every: 1ms, then: hold } }
  - { name: cache, cpus: 1, mempolicy: { mode: bind, nodes: 0 }, run: { type: read, file: /data/cache, bs: 1M, pattern: sequential, loop: false } }
  - { name: hog, cpus: 0, start: 500ms, mempolicy: { mode: bind, nodes: 0 }, run: { type: alloc, size: 700M, step: 16M, every: 10ms, then: hold } }
`);
    sim.advance(3e9);
    const kills = sim.kernel.log.entries.filter((e) => e.kind === 'oom_kill');
    expect(kills.map((e) => e.task)).toEqual(['hog']);
    expect(kills[0]).toMatchObject({ reason: 'global', constraint: 'CONSTRAINT_MEMORY_POLICY', nodemask: '0' });
    // Before the kill, direct reclaim emptied node 0's page cache; node 1 only ever held `other`.
    expect(vmstat(sim, 'pgsteal_file')).toBeGreaterThanOrEqual(((200 - 8) * 1024) / 4);
    expect(nodeKb(sim, 0, 'FilePages')).toBeLessThan(8 * 1024);
    expect(nodeKb(sim, 1, 'AnonPages')).toBe(100 * 1024);
    expect(vmstat(sim, 'numa_miss')).toBe(0);
  });

  it('an unbound task in the same situation falls back to node 1 instead (numa_miss), without an OOM kill', () => {
    const sim = twoNodes(`tasks:
  - { name: hog, cpus: 0, run: { type: alloc, size: 700M, step: 16M, every: 10ms, then: hold } }
`);
    sim.advance(2e9);
    expect(sim.kernel.log.entries.filter((e) => e.kind === 'oom_kill')).toEqual([]);
    expect(nodeKb(sim, 0, 'AnonPages') + nodeKb(sim, 1, 'AnonPages')).toBe(700 * 1024);
    expect(vmstat(sim, 'numa_miss')).toBeGreaterThan(0);
  });

  it('the CPUSET constraint spares tasks whose cpuset.mems miss the full node', () => {
    const sim = twoNodes(`cgroups:
  /n0: { cpuset.mems: "0" }
  /n1: { cpuset.mems: "1" }
tasks:
  - { name: big1, cgroup: /n1, cpus: 4, run: { type: alloc, size: 400M, step: 16M, every: 1ms, then: hold } }
  - { name: small0, cgroup: /n0, cpus: 0, run: { type: alloc, size: 100M, step: 16M, every: 1ms, then: hold } }
  - { name: hog0, cgroup: /n0, cpus: 1, start: 200ms, run: { type: alloc, size: 600M, step: 16M, every: 10ms, then: hold } }
`);
    sim.advance(2e9);
    const kills = sim.kernel.log.entries.filter((e) => e.kind === 'oom_kill');
    // big1 holds more than small0 but lives on node 1 only: hog0, the largest on node 0, goes.
    expect(kills.map((e) => e.task)).toEqual(['hog0']);
    expect(kills[0]).toMatchObject({ constraint: 'CONSTRAINT_CPUSET', nodemask: '0' });
  });

  it('is deterministic for a seed', () => {
    const run = (): string => {
      const sim = twoNodes(STREAM, 5);
      sim.advance(2e9);
      return sim.kernel.vfs.read('/proc/vmstat') + sim.kernel.vfs.read('/proc/zoneinfo');
    };
    expect(run()).toBe(run());
  });
});
