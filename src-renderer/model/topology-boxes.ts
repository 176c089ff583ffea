/**
 * The Machine view's nested boxes, as lstopo draws them: NUMA node →
 * package → L3 → L2 → core → PU. The scenario's machine knows only nodes,
 * their CPUs and memory; packages, caches and cores come from the last
 * import (`layoutFromImport`) and stay with a node while it keeps the CPU
 * count it was imported with. A node built or resized by hand shows its
 * CPUs only (the simulator does not model SMT siblings or caches).
 */
import { formatCpuList } from '../../src-sim/api';
import type { ImportedCpuGroup, ImportedMachine } from '../../src-sim/api/topology';
import type { MachineSpec } from './types';
import { formatBytes } from './units';

export type GroupType = ImportedCpuGroup['type'];

/** One node's imported structure; `at` are positions in the node's CPU list, so it survives other nodes being renumbered. */
export interface NodeLayout {
  osIndex: number;
  /** hwloc subtype: DRAM, MCDRAM, HBM, NVM, CXL-DRAM, … (the node's memory tier), or "". */
  kind: string;
  /** The layout applies while the node has this many CPUs. */
  cpuCount: number;
  groups: { type: GroupType; osIndex: number | null; sizeBytes: number | null; at: number[] }[];
}

export function layoutFromImport(m: ImportedMachine): NodeLayout[] {
  return m.nodes.map((n) => {
    const pos = new Map(n.cpus.map((c, i) => [c, i]));
    const groups = m.groups
      .map((g) => ({ type: g.type, osIndex: g.osIndex, sizeBytes: g.sizeBytes, at: g.cpus.filter((c) => pos.has(c)).map((c) => pos.get(c)!) }))
      .filter((g) => g.at.length > 0);
    return { osIndex: n.osIndex, kind: n.kind, cpuCount: n.cpus.length, groups };
  });
}

export type BoxKind = 'package' | 'l3' | 'l2' | 'core' | 'cores' | 'pu' | 'pus';

export interface TopoBox {
  kind: BoxKind;
  /** "Package P#0", "Core P#3", "8 × Core", "PU 5", "48 PUs". */
  label: string;
  /** Caches that hold exactly this box's CPUs, drawn as bars on it ("L2 256 KiB"). */
  caches: string[];
  cpus: number[];
  /** "CPU 0-7,192-199". */
  cpuText: string;
  children: TopoBox[];
}

export interface NodeBox {
  index: number;
  label: string;
  memory: string;
  /** Memory tier: the hwloc subtype, "memory only" for a CPU-less node, else "". */
  tier: string;
  cpus: number[];
  cpuText: string;
  /** False when the node has no imported structure (built or resized by hand). */
  detailed: boolean;
  children: TopoBox[];
}

const LEVELS: GroupType[] = ['package', 'l3', 'l2', 'core'];

export function cpuText(cpus: readonly number[]): string {
  return cpus.length ? `CPU ${formatCpuList([...cpus].sort((a, b) => a - b))}` : 'no CPUs';
}

function groupLabel(type: GroupType, osIndex: number | null, sizeBytes: number | null): string {
  if (type === 'package') return osIndex === null ? 'Package' : `Package P#${osIndex}`;
  if (type === 'core') return osIndex === null ? 'Core' : `Core P#${osIndex}`;
  const name = type === 'l3' ? 'L3' : 'L2';
  return sizeBytes === null ? name : `${name} ${formatBytes(sizeBytes)}`;
}

interface AbsGroup {
  type: GroupType;
  label: string;
  cpus: Set<number>;
}

function pu(c: number): TopoBox {
  return { kind: 'pu', label: `PU ${c}`, caches: [], cpus: [c], cpuText: `CPU ${c}`, children: [] };
}

/** Boxes for `cpus` from level `li` down; CPUs no group of a level covers go on to the next level. */
function nest(cpus: number[], li: number, groups: AbsGroup[]): TopoBox[] {
  if (cpus.length === 0) return [];
  if (li === LEVELS.length) return cpus.map(pu);
  const level = groups.filter((g) => g.type === LEVELS[li] && cpus.some((c) => g.cpus.has(c)));
  if (level.length === 0) return nest(cpus, li + 1, groups);
  const out: TopoBox[] = [];
  const covered = new Set<number>();
  for (const g of level) {
    const sub = cpus.filter((c) => g.cpus.has(c) && !covered.has(c));
    if (sub.length === 0) continue;
    for (const c of sub) covered.add(c);
    const children = nest(sub, li + 1, groups);
    const only = children.length === 1 ? children[0]! : null;
    // A cache holding exactly one box's CPUs is a bar on that box (lstopo draws L2/L1 over their core).
    if ((g.type === 'l3' || g.type === 'l2') && only && only.kind !== 'pu' && sameCpus(only.cpus, sub)) {
      only.caches.unshift(g.label);
      out.push(only);
      continue;
    }
    out.push({ kind: g.type, label: g.label, caches: [], cpus: sub, cpuText: cpuText(sub), children });
  }
  const rest = cpus.filter((c) => !covered.has(c));
  return [...out, ...nest(rest, li + 1, groups)];
}

function sameCpus(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

/** Same shape: same kind, caches and number of PUs below; such boxes collapse into one "N × Core" box. */
function shape(b: TopoBox): string {
  return `${b.kind}|${b.caches.join(',')}|${b.cpus.length}|${b.children.length}`;
}

/**
 * Replaces runs of more than `max` cores of one shape by one "N × Core" box
 * and more than `max` bare PUs by one "N PUs" box, recursively. The CPU list
 * stays in full (compact ranges), so no CPU disappears from view.
 */
export function collapse(boxes: TopoBox[], max: number): TopoBox[] {
  const inner = boxes.map((b) => ({ ...b, children: collapse(b.children, max) }));
  const cores = inner.filter((b) => b.kind === 'core');
  const pus = inner.filter((b) => b.kind === 'pu');
  const out = inner.filter((b) => b.kind !== 'core' && b.kind !== 'pu');
  if (cores.length > max && new Set(cores.map(shape)).size === 1) {
    const all = cores.flatMap((c) => c.cpus).sort((a, b) => a - b);
    const each = cores[0]!.cpus.length;
    out.push({ kind: 'cores', label: `${cores.length} × Core`, caches: cores[0]!.caches, cpus: all, cpuText: `${each} PU${each === 1 ? '' : 's'} each · ${cpuText(all)}`, children: [] });
  } else out.push(...cores);
  if (pus.length > max) {
    const all = pus.flatMap((p) => p.cpus).sort((a, b) => a - b);
    out.push({ kind: 'pus', label: `${pus.length} PUs`, caches: [], cpus: all, cpuText: cpuText(all), children: [] });
  } else out.push(...pus);
  return out;
}

export interface BoxOptions {
  /** Collapse runs of more than this many alike cores or PUs; Infinity draws every one. */
  collapseOver: number;
}

/** Machines above this many CPUs start collapsed (the 24-node, 384-CPU sample fits one screen that way). */
export const COLLAPSE_FROM_CPUS = 64;

export function topologyBoxes(m: MachineSpec, layouts: readonly (NodeLayout | undefined)[], opts: BoxOptions): NodeBox[] {
  return m.numa.nodes.map((n, i) => {
    const l = layouts[i];
    const detailed = !!l && l.cpuCount === n.cpus.length && l.groups.length > 0;
    const groups: AbsGroup[] = detailed
      ? l.groups.map((g) => ({ type: g.type, label: groupLabel(g.type, g.osIndex, g.sizeBytes), cpus: new Set(g.at.map((p) => n.cpus[p]!)) }))
      : [];
    const boxes = nest([...n.cpus], detailed ? 0 : LEVELS.length, groups);
    const tier = l?.kind || (n.cpus.length === 0 ? 'memory only' : '');
    return {
      index: i,
      label: `node${i}`,
      memory: formatBytes(n.memoryBytes),
      tier,
      cpus: n.cpus,
      cpuText: cpuText(n.cpus),
      detailed,
      children: Number.isFinite(opts.collapseOver) ? collapse(boxes, opts.collapseOver) : boxes,
    };
  });
}
