// What importing a topology would do to the scenario being edited, worked out
// before the import so the user can say no. The import (stores/scenario.ts
// importMachine → toMachineSpec) replaces the whole machine section: disks,
// NICs, swap and the balloon come only from the file (swap and balloon: none),
// while cgroups, files, tasks and the timeline are kept exactly as they are —
// so whatever they name that the new machine lacks is left dangling. Each item
// says which of the two happens.
import { formatCpuList, NR_CPUS_MAX, parseCpuList } from '../../src-sim/api';
import type { BlockDeviceSpec, MachineSpec, Scenario } from './types';
import { formatBytes } from './units';

export interface ImportImpactItem {
  /** What is affected; 'machine' items (CPU, node and memory totals) are information, not a loss. */
  kind: 'disk' | 'io-line' | 'file' | 'task' | 'cpuset' | 'nic' | 'swap' | 'balloon' | 'timeline' | 'machine';
  text: string;
}

export interface ImportImpact {
  /** Things removed or left naming something the imported machine lacks. Non-empty = ask first. */
  losses: ImportImpactItem[];
  /** How the totals change (CPUs, nodes, memory). */
  changes: ImportImpactItem[];
}

const KEPT = 'it stays in the scenario as it is';
/** resolve.ts refuses an affinity naming a CPU the machine lacks. */
const REFUSED = 'it stays in the scenario and the scenario check will refuse it';
const devNo = (d: BlockDeviceSpec): string => `${d.major}:${d.minor}`;
const cpuRange = (n: number): string => (n > 0 ? `CPUs ${formatCpuList(Array.from({ length: n }, (_, c) => c))}` : 'no CPUs');

/** Lines of a cgroup io.* file value ("8:16 rbps=1048576", "default 100\n8:16 200") with the device number they start with. */
function ioLines(value: string): { line: string; dev: string }[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .flatMap((line) => {
      const m = /^(\d+:\d+)(\s|$)/.exec(line);
      return m ? [{ line, dev: m[1]! }] : [];
    });
}

function safeCpuList(text: string): number[] | null {
  try {
    return parseCpuList(text, NR_CPUS_MAX);
  } catch {
    return null; // a malformed list is the scenario check's business, not the import's
  }
}

export function importImpact(s: Scenario, next: MachineSpec): ImportImpact {
  const losses: ImportImpactItem[] = [];
  const cur = s.machine;
  const nextDisks = new Map(next.devices.map((d) => [d.name, d]));
  const nextByNo = new Map(next.devices.map((d) => [devNo(d), d]));
  const curByNo = new Map(cur.devices.map((d) => [devNo(d), d]));
  const nextCpus = next.cpus;
  const nextNodes = next.numa.nodes.length;

  for (const d of cur.devices) {
    const n = nextDisks.get(d.name);
    if (!n) losses.push({ kind: 'disk', text: `disk ${d.name} (${devNo(d)}, ${d.type}, ${formatBytes(d.sizeBytes)}) is not in the imported machine: it is removed` });
    else if (Object.keys(d.params).length || d.partitions.length || d.badSectors.length)
      losses.push({ kind: 'disk', text: `disk ${d.name}: its parameters, partitions and bad sectors are replaced by the imported disk's defaults` });
  }

  for (const g of s.cgroups)
    for (const [file, value] of g.writes) {
      if (file.startsWith('io.'))
        for (const { line, dev } of ioLines(value)) {
          const was = curByNo.get(dev);
          const now = nextByNo.get(dev);
          if (now && (!was || was.name === now.name)) continue;
          const named = was ? `names ${was.name} (${dev})` : `names device ${dev}`;
          const after = now ? `it stays and now applies to the imported ${now.name}` : `it stays in the scenario, naming no disk of the imported machine`;
          losses.push({ kind: 'io-line', text: `${file} line '${line}' of ${g.path} ${named}: ${after}` });
        }
      if (file === 'cpuset.cpus' || file === 'cpuset.cpus.exclusive' || file === 'cpuset.mems') {
        const list = safeCpuList(value);
        const limit = file === 'cpuset.mems' ? nextNodes : nextCpus;
        const missing = (list ?? []).filter((c) => c >= limit);
        if (missing.length) {
          const has = file === 'cpuset.mems' ? `node${nextNodes === 1 ? '' : 's'} ${formatCpuList(Array.from({ length: nextNodes }, (_, i) => i))}` : cpuRange(nextCpus);
          losses.push({ kind: 'cpuset', text: `${file} '${value}' of ${g.path} names ${file === 'cpuset.mems' ? 'node' : 'CPU'} ${formatCpuList(missing)}; the imported machine has ${has}: ${KEPT}` });
        }
      }
    }

  const goneFiles = new Set<string>();
  for (const f of s.files)
    if (f.device !== null && !nextDisks.has(f.device)) {
      goneFiles.add(f.path);
      losses.push({ kind: 'file', text: `file ${f.path} is on ${f.device}, which the imported machine lacks: ${KEPT}` });
    }

  const nextNics = new Set((next.nics ?? []).map((n) => n.name));
  for (const n of cur.nics ?? []) if (!nextNics.has(n.name)) losses.push({ kind: 'nic', text: `NIC ${n.name} (${n.type}) is not in the imported machine: it is removed` });

  for (const t of s.tasks) {
    const missing = t.cpus.filter((c) => c >= nextCpus);
    if (missing.length) losses.push({ kind: 'task', text: `task '${t.name}' is pinned to CPU ${formatCpuList(t.cpus)}; the imported machine has ${cpuRange(nextCpus)}: ${REFUSED}` });
    const badNodes = (t.mempolicy?.nodes ?? []).filter((n) => n >= nextNodes);
    if (badNodes.length) losses.push({ kind: 'task', text: `task '${t.name}' has memory policy ${t.mempolicy!.mode} on node ${formatCpuList(t.mempolicy!.nodes)}; the imported machine has ${nextNodes} node${nextNodes === 1 ? '' : 's'}: ${KEPT}` });
    const r = t.run;
    if ((r.type === 'read' || r.type === 'write') && goneFiles.has(r.file)) losses.push({ kind: 'task', text: `task '${t.name}' ${r.type}s ${r.file}, whose disk the imported machine lacks: ${KEPT}` });
    if ('nic' in r && typeof r.nic === 'string' && !nextNics.has(r.nic)) losses.push({ kind: 'task', text: `task '${t.name}' uses NIC ${r.nic}, which the imported machine lacks: ${KEPT}` });
  }

  if (cur.swap) losses.push({ kind: 'swap', text: `swap (${formatBytes(cur.swap.sizeBytes)}${cur.swap.device ? ` on ${cur.swap.device}` : ''}) is not in the imported machine: it is removed` });
  if (cur.balloon) losses.push({ kind: 'balloon', text: 'the virtio-balloon device is not in the imported machine: it is removed' });

  for (const a of s.timeline)
    if ((a.kind === 'unplug' && !nextDisks.has(a.device)) || (a.kind === 'unplug_nic' && !nextNics.has(a.nic)))
      losses.push({ kind: 'timeline', text: `timeline: unplug of ${a.kind === 'unplug' ? a.device : a.nic} at ${a.atNs / 1e9} s names a device the imported machine lacks: ${KEPT}` });

  const changes: ImportImpactItem[] = [];
  if (cur.cpus !== nextCpus) changes.push({ kind: 'machine', text: `CPUs: ${cur.cpus} → ${nextCpus}` });
  if (cur.numa.nodes.length !== nextNodes) changes.push({ kind: 'machine', text: `NUMA nodes: ${cur.numa.nodes.length} → ${nextNodes}` });
  if (cur.memoryBytes !== next.memoryBytes) changes.push({ kind: 'machine', text: `memory: ${formatBytes(cur.memoryBytes)} → ${formatBytes(next.memoryBytes)}` });
  return { losses, changes };
}
