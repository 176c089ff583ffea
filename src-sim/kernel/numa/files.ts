/**
 * The NUMA files of a multi-node machine: /sys/devices/system/node/…,
 * the numa_* lines of /proc/vmstat, vm.zone_reclaim_mode, the
 * weighted-interleave weights, memory.numa_stat and cpuset.mems.
 */
import { parseKernelInt } from '../cgroup/tree';
import type { Cgroup } from '../cgroup/cgroup';
import { formatCpuList, parseCpuList } from '../../scenario/cpulist';
import { fail } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import type { Memcg } from '../memcg/memcg';
import { NR_NUMA_STAT, type NodeMm } from './node-mm';
import { nodeCounts } from './node-counts';
import { nodeHugetlbMeminfo, registerNodeHugetlbFiles } from '../mm/hugetlb-files';

const NUMASTAT_NAMES = ['numa_hit', 'numa_miss', 'numa_foreign', 'interleave_hit', 'local_node', 'other_node'];
/** /proc/vmstat spells two of them differently (mm/vmstat.c: vmstat_text). */
const VMSTAT_NAMES = ['numa_hit', 'numa_miss', 'numa_foreign', 'numa_interleave', 'numa_local', 'numa_other'];

/** drivers/base/node.c: node_read_meminfo(): "Node N Label:" padded to 16, 8-wide kB. */
function nkb(node: number, label: string, pages: number): string {
  return `Node ${node} ${`${label}:`.padEnd(16)}${String(pages * 4).padStart(8)} kB\n`;
}

/** Huge mappings whose block lies on node n. */
function hugeOnNode(mm: NodeMm['mm'], n: number): number {
  if (mm.thp.mapped === 0) return 0;
  let c = 0;
  for (const o of mm.objects) {
    if (o === null || o.hugeMapped === 0) continue;
    for (let e = 0; e < o.huge!.length; e++) if (o.huge![e] !== 0 && mm.ft.nodeOf(o.frameOf(e * 512)) === n) c++;
  }
  return c;
}

export function nodeMeminfo(nm: NodeMm, n: number): string {
  const mm = nm.mm;
  const z = mm.zones[n]!;
  const free = mm.ft.nrFreeNode[n]!;
  const c = nodeCounts(mm, n);
  const anon = c.inactiveAnon + c.activeAnon;
  const file = c.inactiveFile + c.activeFile;
  return (
    nkb(n, 'MemTotal', z.managed) +
    nkb(n, 'MemFree', free) +
    nkb(n, 'MemUsed', z.managed - free) +
    nkb(n, 'SwapCached', 0) +
    nkb(n, 'Active', c.activeAnon + c.activeFile) +
    nkb(n, 'Inactive', c.inactiveAnon + c.inactiveFile) +
    nkb(n, 'Active(anon)', c.activeAnon) +
    nkb(n, 'Inactive(anon)', c.inactiveAnon) +
    nkb(n, 'Active(file)', c.activeFile) +
    nkb(n, 'Inactive(file)', c.inactiveFile) +
    nkb(n, 'Unevictable', 0) +
    nkb(n, 'Mlocked', 0) +
    nkb(n, 'Dirty', c.dirty) +
    nkb(n, 'Writeback', c.writeback) +
    nkb(n, 'FilePages', file) +
    nkb(n, 'Mapped', 0) +
    nkb(n, 'AnonPages', anon) +
    nkb(n, 'Shmem', 0) +
    nkb(n, 'KernelStack', 0) +
    nkb(n, 'PageTables', 0) +
    nkb(n, 'AnonHugePages', hugeOnNode(mm, n) * 512) +
    nodeHugetlbMeminfo(mm, n)
  );
}

export function nodeNumastat(nm: NodeMm, n: number): string {
  return NUMASTAT_NAMES.map((name, i) => `${name} ${nm.stat[n * NR_NUMA_STAT + i]!}\n`).join('');
}

/** The numa_* lines of /proc/vmstat (sums over nodes; the balancing events are added by whoever counts them). */
export function vmstatNumaLines(nm: NodeMm): string {
  return VMSTAT_NAMES.map((name, i) => {
    let s = 0;
    for (let n = 0; n < nm.topo.nrNodes; n++) s += nm.stat[n * NR_NUMA_STAT + i]!;
    return `${name} ${s}\n`;
  }).join('');
}

/** mm/memcontrol.c: memory_numa_stat_show(): "key N0=bytes N1=bytes", hierarchical. */
export function memoryNumaStat(nm: NodeMm, m: Memcg): string {
  const mm = nm.mm;
  const sub = new Uint8Array(mm.memcgs.length);
  for (const g of mm.memcgs) for (let a: Memcg | null = g; a !== null; a = a.parent) if (a === m) sub[g.index] = 1;
  const per = Array.from({ length: nm.topo.nrNodes }, (_, n) => nodeCounts(mm, n, sub));
  const row = (key: string, pick: (c: (typeof per)[number]) => number): string => `${key}${per.map((c, n) => ` N${n}=${pick(c) * 4096}`).join('')}\n`;
  return (
    row('anon', (c) => c.inactiveAnon + c.activeAnon) +
    row('file', (c) => c.inactiveFile + c.activeFile) +
    row('file_dirty', (c) => c.dirty) +
    row('file_writeback', (c) => c.writeback) +
    row('inactive_anon', (c) => c.inactiveAnon) +
    row('active_anon', (c) => c.activeAnon) +
    row('inactive_file', (c) => c.inactiveFile) +
    row('active_file', (c) => c.activeFile) +
    row('unevictable', () => 0)
  );
}

/** A node list written to cpuset.mems: kernel list syntax, every node must exist (EINVAL otherwise). */
function parseMems(nm: NodeMm, d: string): number[] | null {
  if (d.trim() === '') return null;
  let nodes: number[];
  try {
    nodes = parseCpuList(d.trim());
  } catch {
    fail('EINVAL', `expected a node list like 0-1, got "${d}"`);
  }
  const bad = nodes.filter((n) => n >= nm.topo.nrNodes);
  if (bad.length) fail('EINVAL', `node ${formatCpuList(bad)} does not exist (nodes ${formatCpuList(nm.topo.zonelist.map((_, i) => i))})`);
  return nodes;
}

export function registerNumaFiles(k: Kernel, nm: NodeMm): void {
  const vfs = k.vfs;
  const all = formatCpuList(Array.from({ length: nm.topo.nrNodes }, (_, i) => i));
  const withCpus = formatCpuList(nm.topo.cpusOf.flatMap((c, n) => (c.length ? [n] : [])));
  const withMem = formatCpuList(nm.mm.zones.flatMap((z) => (z.managed > 0 ? [z.node] : [])));
  const base = '/sys/devices/system/node';
  for (const [name, v] of [['possible', all], ['online', all], ['has_cpu', withCpus], ['has_memory', withMem], ['has_normal_memory', withMem]] as const) {
    vfs.register(`${base}/${name}`, { read: () => `${v}\n` });
  }
  for (let n = 0; n < nm.topo.nrNodes; n++) {
    const dir = `${base}/node${n}`;
    vfs.register(`${dir}/cpulist`, { read: () => `${formatCpuList(nm.topo.cpusOf[n]!)}\n` });
    vfs.register(`${dir}/distance`, { read: () => `${nm.topo.distance[n]!.join(' ')}\n` });
    vfs.register(`${dir}/meminfo`, { read: () => nodeMeminfo(nm, n), observable: true });
    vfs.register(`${dir}/numastat`, { read: () => nodeNumastat(nm, n), observable: true });
    registerNodeHugetlbFiles(k, nm.mm, n);
    // mm/mempolicy.c: weighted interleave weights, 1..255 (6.9+).
    vfs.register(`/sys/kernel/mm/mempolicy/weighted_interleave/node${n}`, {
      read: () => `${nm.weights[n]}\n`,
      write: (d) => {
        const v = parseKernelInt(d);
        if (v < 1 || v > 255) fail('EINVAL', 'weight must be 1..255');
        nm.weights[n] = v;
      },
    });
  }
  vfs.register('/proc/sys/vm/zone_reclaim_mode', {
    read: () => `${nm.zoneReclaimMode}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      // mm/vmscan.c: RECLAIM_ZONE | RECLAIM_WRITE | RECLAIM_UNMAP; proc_dointvec_minmax with extra1 = 0.
      if (v < 0) fail('EINVAL', 'value must be ≥ 0');
      nm.zoneReclaimMode = v;
    },
  });
  vfs.register('/proc/sys/vm/lab_numa_mem_stall_pct', {
    read: () => `${nm.memStallPct}\n`,
    write: (d) => {
      const v = parseKernelInt(d);
      if (v < 0 || v > 100) fail('EINVAL', 'value must be in [0, 100]');
      nm.memStallPct = v;
    },
  });
  // numa_hit… sit between the zone and the node counters (as in the kernel); migration and balancing events go at the end.
  const vmstat = vfs.get('/proc/vmstat');
  if (vmstat?.read) {
    const read = vmstat.read;
    // Migration counters come before the compaction and THP lines (mm/vmstat.c order).
    const withMigrate = (text: string): string => {
      const at = text.indexOf('compact_migrate_scanned ');
      return at < 0 ? text + nm.extraVmstat() : text.slice(0, at) + nm.extraVmstat() + text.slice(at);
    };
    vfs.register('/proc/vmstat', { ...vmstat, read: () => withMigrate(insertAfterZoneStats(read(), vmstatNumaLines(nm))) });
  }
  k.cgroups.onCreate((cg) => registerCgroupFiles(k, nm, cg));
}

/** mm/vmstat.c orders zone counters, then NUMA counters, then node counters (nr_inactive_anon…). */
function insertAfterZoneStats(text: string, lines: string): string {
  const at = text.indexOf('nr_inactive_anon ');
  return at < 0 ? text + lines : text.slice(0, at) + lines + text.slice(at);
}

function registerCgroupFiles(k: Kernel, nm: NodeMm, cg: Cgroup): void {
  const mm = nm.mm;
  const m = mm.memcgOf(cg);
  if (k.cgroups.version === 2) {
    k.cgroups.registerFile(cg, 'memory', 'memory.numa_stat', { read: () => memoryNumaStat(nm, m) });
    if (cg.parent) {
      k.cgroups.registerFile(cg, 'cpuset', 'cpuset.mems', {
        read: () => `${formatCpuList(nm.mems.get(cg) ?? [])}\n`,
        write: (d) => setMems(nm, cg, parseMems(nm, d)),
      });
    }
    k.cgroups.registerFile(cg, 'cpuset', 'cpuset.mems.effective', { read: () => `${formatCpuList(nm.memsEffective(cg))}\n` });
  } else {
    k.cgroups.registerFile(cg, 'cpuset', 'cpuset.mems', {
      read: () => `${formatCpuList(nm.memsEffective(cg))}\n`,
      write: (d) => setMems(nm, cg, parseMems(nm, d)),
    });
  }
}

/** cgroup v2: memory of the group's tasks outside the new mems migrates to them (cpuset_migrate_mm). */
function setMems(nm: NodeMm, cg: Cgroup, nodes: number[] | null): void {
  nm.setMems(cg, nodes);
  if (nm.k.cgroups.version !== 2) return;
  for (const g of cg.walk()) for (const t of g.tasks) if (t.state !== 'exited') nm.migrateTaskTo(t, nm.memsEffective(g));
}
