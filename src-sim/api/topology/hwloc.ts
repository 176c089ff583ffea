/**
 * hwloc XML → ImportedMachine. Reads the three formats hwloc has written:
 * 1.x (no version attribute; NUMA nodes inside the object tree, <distances>
 * with relative_depth/latency_base), 2.x (<topology version="2.0">; NUMA
 * nodes as memory children, <distances2>) and the 3.0 development format
 * (same as 2.x for what we read, but osdev_type is a bit mask).
 * Sources: hwloc/topology-xml.c (hwloc__xml_import_object,
 * hwloc__xml_v2import_distances, hwloc__xml_v1import_distances),
 * include/hwloc.h (hwloc_obj_osdev_type_e in 2.x and 3.0).
 */
import { NR_CPUS_MAX } from '../../scenario/cpulist';
import { parseHwlocBitmap } from './cpulist';
import {
  defaultDistances,
  diskTypeFromName,
  REMOTE_DISTANCE,
  slitValid,
  TopologyImportError,
  type ImportedCpuGroup,
  type ImportedDisk,
  type ImportedMachine,
  type ImportedNic,
  type ImportedNode,
  type TopologyFormat,
} from './machine';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml';

interface NodeRec extends ImportedNode {
  cpusetOs: number[];
  gp: string;
  order: number;
}

interface Walk {
  pus: number[];
  nodes: NodeRec[];
  packages: number;
  cores: number;
  models: string[];
  architecture: string;
  osdevs: { el: XmlElement; path: string }[];
  /** The PCIDev an OSDev hangs under (its NIC or disk controller). */
  pciOf: Map<XmlElement, XmlElement>;
  /** v1: objects by nesting depth, in file order, with their type. */
  byDepth: { type: string; el: XmlElement }[][];
  v1Distances: { holderDepth: number; el: XmlElement; path: string }[];
  complete: number[];
  /** Packages, L3/L2 caches and cores with the Linux numbers of the PUs below them. */
  groups: { type: ImportedCpuGroup['type']; osIndex: number | null; sizeBytes: number | null; pusOs: number[] }[];
}

// Node subtypes that the kernel brings up without CPUs of their own.
const MEMORY_ONLY_KINDS = new Set(['MCDRAM', 'HBM', 'NVM', 'SPM', 'GPUMemory', 'CXL-DRAM', 'CXL']);

export function importHwlocXml(text: string, file: string): ImportedMachine {
  let root: XmlElement;
  try {
    root = parseXml(text, file);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new TopologyImportError(file, `${e.line}:${e.col}`, '(xml)', `well-formed XML: ${e.expected}`);
    throw e;
  }
  const err = (el: XmlElement, path: string, expected: string): never => {
    throw new TopologyImportError(file, `${el.line}:${el.col}`, path, expected);
  };
  if (root.name !== 'topology') err(root, root.name, 'an hwloc topology (root element <topology>, as `lstopo --of xml` writes)');
  const version = root.attrs['version'];
  let format: TopologyFormat;
  if (version === undefined) format = 'hwloc-xml-v1';
  else if (/^2\.\d+$/.test(version)) format = 'hwloc-xml-v2';
  else if (/^3\.\d+$/.test(version)) format = 'hwloc-xml-v3';
  else return err(root, 'topology@version', `hwloc XML version 2.x or 3.x (or none for 1.x), found "${version}"`);

  const top = root.children.filter((c) => c.name === 'object');
  if (top.length !== 1) err(root, 'topology', `exactly one top-level <object> (the Machine), found ${top.length}`);
  const w: Walk = { pus: [], nodes: [], packages: 0, cores: 0, models: [], architecture: '', osdevs: [], pciOf: new Map(), byDepth: [], v1Distances: [], complete: [], groups: [] };
  const machine = top[0]!;
  walk(machine, 'topology/object', 0, w, err, format);
  const notes: string[] = [];

  if (w.pus.length === 0) err(machine, 'topology/object', 'at least one <object type="PU"> (a topology without CPUs cannot be simulated)');
  const cpuOsIndex = [...new Set(w.pus)].sort((a, b) => a - b);
  if (cpuOsIndex.length !== w.pus.length) err(machine, 'topology/object', 'each PU os_index once; a PU number repeats');
  const dense = new Map(cpuOsIndex.map((os, i) => [os, i]));
  const present = new Set(cpuOsIndex);
  const offlineCpus = w.complete.filter((c) => !present.has(c));
  if (offlineCpus.length > 0)
    notes.push(`CPUs ${fmt(offlineCpus)} are in the complete cpuset but not online in the dump; they are left out`);
  if (cpuOsIndex.some((os, i) => os !== i))
    notes.push(`Linux CPU numbers ${fmt(cpuOsIndex)} are renumbered 0-${cpuOsIndex.length - 1} in the simulator`);

  // Nodes.
  let nodes: NodeRec[] = w.nodes;
  if (nodes.length === 0) {
    const mem = numAttr(machine, 'local_memory');
    nodes = [{ osIndex: 0, cpus: [], memoryBytes: mem, kind: '', cpusetOs: cpuOsIndex, gp: '', order: 0 }];
    notes.push('the dump has no NUMA node objects: one node holds every CPU');
  }
  // cpu_to_node: each CPU belongs to exactly one node. Pick the smallest
  // cpuset containing it, preferring ordinary memory over MCDRAM/HBM/CXL
  // nodes that share the same cpuset (the kernel brings those up CPU-less).
  const owner = new Map<number, NodeRec>();
  for (const os of cpuOsIndex) {
    let best: NodeRec | null = null;
    for (const n of nodes) {
      if (!n.cpusetOs.includes(os)) continue;
      if (best === null || better(n, best)) best = n;
    }
    if (best === null) {
      best = nodes[0]!;
      notes.push(`CPU ${os} is in no NUMA node's cpuset; put on node${best.osIndex}`);
    }
    owner.set(os, best);
  }
  for (const [os, n] of owner) n.cpus.push(dense.get(os)!);
  nodes = [...nodes].sort((a, b) => a.osIndex - b.osIndex);
  for (const n of nodes) n.cpus.sort((a, b) => a - b);
  if (nodes.some((n, i) => n.osIndex !== i))
    notes.push(`NUMA node numbers ${nodes.map((n) => n.osIndex).join(',')} are renumbered 0-${nodes.length - 1} in the simulator`);
  for (const n of nodes) if (n.memoryBytes === null) notes.push(`node${n.osIndex}: no local_memory in the file`);

  let distances = format === 'hwloc-xml-v1' ? v1NodeDistances(w, nodes, notes, err) : v2NodeDistances(root, nodes, notes, err);
  if (distances !== null && !slitValid(distances)) {
    notes.push(
      `the file's NUMA distance matrix ${JSON.stringify(distances)} is not one the kernel accepts (diagonal 10, all others > 10: ` +
        `drivers/acpi/numa/srat.c slit_valid); as Linux would, ${defaultNote()}`,
    );
    distances = null;
  }

  const { disks, nics } = osDevices(w, format, notes);

  return {
    format,
    file,
    models: w.models,
    architecture: w.architecture,
    cpuOsIndex,
    offlineCpus,
    packages: w.packages,
    cores: w.cores || cpuOsIndex.length,
    groups: w.groups
      .map((g) => ({ type: g.type, osIndex: g.osIndex, sizeBytes: g.sizeBytes, cpus: g.pusOs.filter((os) => dense.has(os)).map((os) => dense.get(os)!).sort((a, b) => a - b) }))
      .filter((g) => g.cpus.length > 0),
    nodes: nodes.map(({ osIndex, cpus, memoryBytes, kind }) => ({ osIndex, cpus, memoryBytes, kind })),
    distances,
    disks,
    nics,
    notes,
  };
}

function better(a: NodeRec, b: NodeRec): boolean {
  if (a.cpusetOs.length !== b.cpusetOs.length) return a.cpusetOs.length < b.cpusetOs.length;
  const am = MEMORY_ONLY_KINDS.has(a.kind);
  const bm = MEMORY_ONLY_KINDS.has(b.kind);
  if (am !== bm) return bm;
  return a.order < b.order;
}

function numAttr(el: XmlElement, name: string): number | null {
  const v = el.attrs[name];
  if (v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function fmt(list: number[]): string {
  return list.length > 12 ? `${list.slice(0, 12).join(',')},… (${list.length})` : list.join(',');
}

type Fail = (el: XmlElement, path: string, expected: string) => never;

/** Walks one object and its children; returns the os_index of every PU below it (itself included). */
function walk(el: XmlElement, path: string, depth: number, w: Walk, err: Fail, format: TopologyFormat): number[] {
  const type = el.attrs['type'];
  if (type === undefined) err(el, path, 'a type attribute on <object>');
  const t = type!;
  const here = `${path}[${t}${el.attrs['os_index'] !== undefined ? `#${el.attrs['os_index']}` : ''}]`;
  (w.byDepth[depth] ??= []).push({ type: t, el });
  if (depth === 0) {
    const complete = el.attrs['complete_cpuset'];
    if (complete !== undefined) w.complete = parseBitmap(complete, el, `${here}@complete_cpuset`, err);
  }
  for (const info of el.children) {
    if (info.name !== 'info') continue;
    const n = info.attrs['name'];
    const v = info.attrs['value'] ?? '';
    if (n === 'Architecture' && !w.architecture) w.architecture = v;
    if ((n === 'CPUModel' || n === 'ModelName') && v && !w.models.includes(v.trim())) w.models.push(v.trim());
  }
  switch (t) {
    case 'PU': {
      const os = numAttr(el, 'os_index');
      if (os === null) err(el, here, 'an os_index on every PU');
      // The kernel numbers CPUs below NR_CPUS and has at most NR_CPUS of them (include/linux/cpumask.h).
      if (!Number.isInteger(os) || os! < 0 || os! >= NR_CPUS_MAX) err(el, `${here}@os_index`, `a CPU number from 0 to ${NR_CPUS_MAX - 1} (NR_CPUS of x86-64 with MAXSMP), found ${el.attrs['os_index']}`);
      if (w.pus.length >= NR_CPUS_MAX) err(el, here, `at most ${NR_CPUS_MAX} PUs (NR_CPUS of x86-64 with MAXSMP); this is PU number ${w.pus.length + 1}`);
      w.pus.push(os!);
      break;
    }
    case 'NUMANode': {
      const os = numAttr(el, 'os_index');
      if (os === null) err(el, here, 'an os_index on every NUMANode');
      const cs = el.attrs['cpuset'];
      // hwloc reads only local_memory as the node size; <page_type> counts are
      // huge-page pools, not a size (hwloc/topology-xml.c).
      const mem = numAttr(el, 'local_memory');
      w.nodes.push({
        osIndex: os!,
        cpus: [],
        memoryBytes: mem,
        kind: el.attrs['subtype'] ?? '',
        cpusetOs: cs === undefined ? [] : parseBitmap(cs, el, `${here}@cpuset`, err),
        gp: el.attrs['gp_index'] ?? '',
        order: w.nodes.length,
      });
      break;
    }
    case 'Package':
    case 'Socket':
      w.packages++;
      break;
    case 'Core':
      w.cores++;
      break;
    case 'OSDev':
      w.osdevs.push({ el, path: here });
      break;
    case 'PCIDev':
      for (const c of el.children) if (c.name === 'object' && c.attrs['type'] === 'OSDev') w.pciOf.set(c, el);
      break;
  }
  const pus: number[] = t === 'PU' ? [w.pus[w.pus.length - 1]!] : [];
  for (const c of el.children) {
    if (c.name === 'object') pus.push(...walk(c, `${here}/object`, depth + 1, w, err, format));
    else if (c.name === 'distances') w.v1Distances.push({ holderDepth: depth, el: c, path: `${here}/distances` });
  }
  const group = groupType(el, t);
  if (group !== null) w.groups.push({ type: group, osIndex: group === 'package' || group === 'core' ? numAttr(el, 'os_index') : null, sizeBytes: group === 'l3' || group === 'l2' ? numAttr(el, 'cache_size') : null, pusOs: pus });
  return pus;
}

/** The lstopo box an object is: 2.x/3.0 name caches L3Cache/L2Cache, 1.x writes type="Cache" depth="N" (unified or data caches only). */
function groupType(el: XmlElement, t: string): ImportedCpuGroup['type'] | null {
  if (t === 'Package' || t === 'Socket') return 'package';
  if (t === 'Core') return 'core';
  if (t === 'L3Cache') return 'l3';
  if (t === 'L2Cache') return 'l2';
  if (t === 'Cache' && el.attrs['cache_type'] !== '2') {
    if (el.attrs['depth'] === '3') return 'l3';
    if (el.attrs['depth'] === '2') return 'l2';
  }
  return null;
}

function parseBitmap(s: string, el: XmlElement, path: string, err: Fail): number[] {
  try {
    return parseHwlocBitmap(s);
  } catch (e) {
    return err(el, path, (e as Error).message);
  }
}

/** hwloc 1.x: <distances nbobjs relative_depth latency_base><latency value/>…; values are latency × base. */
function v1NodeDistances(w: Walk, nodes: NodeRec[], notes: string[], err: Fail): number[][] | null {
  for (const d of w.v1Distances) {
    const target = w.byDepth[d.holderDepth + Number(d.el.attrs['relative_depth'])];
    if (!target || target.length === 0 || !target.every((o) => o.type === 'NUMANode')) continue;
    const nb = Number(d.el.attrs['nbobjs']);
    if (nb !== nodes.length || d.holderDepth !== 0) continue;
    const base = Number(d.el.attrs['latency_base'] ?? '1');
    const vals = d.el.children.filter((c) => c.name === 'latency').map((c) => Number(c.attrs['value']) * base);
    if (vals.length !== nb * nb || vals.some((v) => !Number.isFinite(v)))
      err(d.el, d.path, `${nb}×${nb} = ${nb * nb} <latency value=…/> entries, found ${vals.length}`);
    // Matrix order is the logical (file) order of the NUMA nodes.
    const logical = target.map((o) => Number(o.el.attrs['os_index']));
    const pos = new Map(nodes.map((n, i) => [n.osIndex, i]));
    const out = defaultDistances(nodes.length);
    for (let i = 0; i < nb; i++)
      for (let j = 0; j < nb; j++) out[pos.get(logical[i]!)!]![pos.get(logical[j]!)!] = Math.round(vals[i * nb + j]!);
    return out;
  }
  if (nodes.length > 1) notes.push(`no NUMA distance matrix in the file: ${defaultNote()}`);
  return null;
}

function defaultNote(): string {
  return `the kernel's defaults are used (LOCAL_DISTANCE 10, REMOTE_DISTANCE ${REMOTE_DISTANCE})`;
}

/** hwloc 2.x/3.x: <distances2 type="NUMANode" indexing="os|gp"><indexes>…<u64values>… (row-major). */
function v2NodeDistances(root: XmlElement, nodes: NodeRec[], notes: string[], err: Fail): number[][] | null {
  const all = root.children.filter((c) => c.name === 'distances2' && c.attrs['type'] === 'NUMANode');
  // Latency matrices (kind bit HWLOC_DISTANCES_KIND_MEANS_LATENCY = 4), "NUMALatency" first.
  const cands = all
    .filter((c) => (Number(c.attrs['kind'] ?? '0') & 4) !== 0)
    .sort((a, b) => Number(b.attrs['name'] === 'NUMALatency') - Number(a.attrs['name'] === 'NUMALatency'));
  const d = cands[0];
  if (d === undefined) {
    if (nodes.length > 1) notes.push(`no NUMA latency matrix in the file: ${defaultNote()}`);
    return null;
  }
  const path = `topology/distances2[${d.attrs['name'] ?? 'NUMANode'}]`;
  const nb = Number(d.attrs['nbobjs']);
  const idx = d.children.filter((c) => c.name === 'indexes').flatMap((c) => c.text.trim().split(/\s+/).filter(Boolean));
  const vals = d.children.filter((c) => c.name === 'u64values').flatMap((c) => c.text.trim().split(/\s+/).filter(Boolean).map(Number));
  if (!Number.isInteger(nb) || nb < 1) err(d, `${path}@nbobjs`, 'a positive object count');
  if (idx.length !== nb) err(d, `${path}/indexes`, `${nb} indexes, found ${idx.length}`);
  if (vals.length !== nb * nb || vals.some((v) => !Number.isFinite(v)))
    err(d, `${path}/u64values`, `${nb}×${nb} = ${nb * nb} numbers, found ${vals.length}`);
  const byGp = d.attrs['indexing'] === 'gp';
  const pos = new Map(nodes.map((n, i) => [byGp ? n.gp : String(n.osIndex), i]));
  const out = defaultDistances(nodes.length);
  const covered = new Set<number>();
  for (let i = 0; i < nb; i++) {
    const pi = pos.get(idx[i]!);
    if (pi === undefined) err(d, `${path}/indexes`, `NUMA node ${byGp ? 'gp_index' : 'os_index'} ${idx[i]} to exist in the topology`);
    covered.add(pi!);
    for (let j = 0; j < nb; j++) {
      const pj = pos.get(idx[j]!);
      if (pj !== undefined) out[pi!]![pj] = vals[i * nb + j]!;
    }
  }
  if (covered.size < nodes.length)
    notes.push(`the distance matrix covers ${covered.size} of ${nodes.length} NUMA nodes; the others get ${defaultNote()}`);
  return out;
}

function osDevices(w: Walk, format: TopologyFormat, notes: string[]): { disks: ImportedDisk[]; nics: ImportedNic[] } {
  const disks: ImportedDisk[] = [];
  const nics: ImportedNic[] = [];
  const skipped = new Map<string, string[]>();
  const skip = (why: string, name: string): void => {
    const l = skipped.get(why) ?? [];
    l.push(name);
    skipped.set(why, l);
  };
  for (const { el } of w.osdevs) {
    const name = el.attrs['name'] ?? '';
    const t = Number(el.attrs['osdev_type'] ?? '-1');
    const subtype = el.attrs['subtype'] ?? '';
    const info = (n: string): string => el.children.find((c) => c.name === 'info' && c.attrs['name'] === n)?.attrs['value'] ?? '';
    // 1.x/2.x: BLOCK=0 GPU=1 NETWORK=2 OPENFABRICS=3 DMA=4 COPROC=5; 3.0: bit mask
    // STORAGE=1 MEMORY=2 GPU=4 COPROC=8 NETWORK=16 OPENFABRICS=32 DMA=64.
    const v3 = format === 'hwloc-xml-v3';
    const isBlock = v3 ? (t & 1) !== 0 && (t & 2) === 0 : t === 0;
    const isNet = v3 ? (t & 16) !== 0 && (t & 32) === 0 : t === 2;
    if (isBlock) {
      const type = diskTypeFromName(name);
      if (type === null || subtype === 'CXLMem' || subtype === 'SPM') {
        skip('block devices without a disk model here (optical, persistent memory, CXL memory)', name);
        continue;
      }
      const size = /^(\d+)\s*(KiB|kB)?$/.exec(info('Size'));
      const mm = /^(\d+):(\d+)$/.exec(info('LinuxDeviceID'));
      disks.push({
        name,
        type,
        sizeBytes: size ? Number(size[1]) * 1024 : null,
        major: mm ? Number(mm[1]) : null,
        minor: mm ? Number(mm[2]) : null,
        model: info('Model'),
        serial: info('SerialNumber'),
      });
    } else if (isNet) {
      const pci = w.pciOf.get(el);
      // pci_type="0200 [8086:10fb] [sub] rev": class, then [vendor:device]
      const id = /\[([0-9a-f]{4}:[0-9a-f]{4})\]/i.exec(pci?.attrs['pci_type'] ?? '');
      nics.push({ name, address: info('Address'), pciBusId: pci?.attrs['pci_busid'] ?? null, pciId: id ? id[1]!.toLowerCase() : null });
    } else {
      skip('GPU, InfiniBand HCA, DMA and coprocessor devices (not simulated)', name);
    }
  }
  if (disks.some((d) => d.type === 'hdd'))
    notes.push('no dump records whether a disk is rotational: sd*/hd* disks are imported as hdd (change the type in the side panel)');
  for (const [why, names] of skipped) notes.push(`skipped ${names.length} ${why}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`);
  return { disks, nics };
}
