/**
 * The machine description an importer produces: what a topology dump says
 * about a real machine, before it becomes the scenario's `machine:` section.
 * Keeps the original (OS) numbering next to the dense numbering the
 * simulator uses, and lists in `notes` everything that was dropped or guessed.
 */
import type { BlockDeviceSpec, BlockDeviceType, MachineSpec } from '../../scenario/types';

export type TopologyFormat =
  | 'hwloc-xml-v1'
  | 'hwloc-xml-v2'
  | 'hwloc-xml-v3'
  | 'lscpu'
  | 'lscpu-json'
  | 'lscpu-extended'
  | 'lscpu-parse';

export interface ImportedNode {
  /** Linux node number (nodeN in sysfs). */
  osIndex: number;
  /** Dense CPU numbers (index into ImportedMachine.cpuOsIndex). */
  cpus: number[];
  /** Bytes, or null when the dump does not record memory (lscpu never does). */
  memoryBytes: number | null;
  /** hwloc subtype: "DRAM", "MCDRAM", "HBM", "NVM", "SPM", "CXL-DRAM", … or "" */
  kind: string;
}

export interface ImportedDisk {
  name: string;
  type: BlockDeviceType;
  sizeBytes: number | null;
  major: number | null;
  minor: number | null;
  model: string;
  serial: string;
}

export interface ImportedNic {
  name: string;
  /** MAC address when the dump records it. */
  address: string;
}

export interface ImportedMachine {
  format: TopologyFormat;
  file: string;
  /** CPU model name(s), distinct, in file order. */
  models: string[];
  architecture: string;
  /** Dense CPU i is Linux CPU cpuOsIndex[i]. */
  cpuOsIndex: number[];
  /** Linux CPU numbers the dump knows of but lists as offline; not part of cpuOsIndex. */
  offlineCpus: number[];
  packages: number;
  cores: number;
  nodes: ImportedNode[];
  /** SLIT-style distances between `nodes` (same order), or null when the dump has none. */
  distances: number[][] | null;
  disks: ImportedDisk[];
  nics: ImportedNic[];
  /** What the import left out or guessed, in words for the user. */
  notes: string[];
}

export class TopologyImportError extends Error {
  constructor(
    readonly file: string,
    /** "line:col" or "" */
    readonly at: string,
    /** Path inside the file (element path or lscpu field). */
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${file}${at ? `:${at}` : ''}: ${path}: ${expected}`);
    this.name = 'TopologyImportError';
  }
}

// include/linux/topology.h: LOCAL_DISTANCE, REMOTE_DISTANCE (used when firmware gives no SLIT)
export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

export function defaultDistances(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
}

const GiB = 1024 ** 3;

export interface ToMachineSpecOptions {
  /** Memory given to a node whose size the dump does not record (lscpu). Default 4 GiB. */
  defaultNodeMemoryBytes?: number;
  /** Size given to a disk whose size the dump does not record. Default 256 GiB. */
  defaultDiskBytes?: number;
}

/**
 * Maps an import onto the scenario's machine section. Nodes keep their order
 * (node i in the simulator is nodes[i]; its Linux number is in osIndex), CPUs
 * are dense 0..n-1. Returns the spec and the notes that apply to it.
 */
export function toMachineSpec(m: ImportedMachine, opts: ToMachineSpecOptions = {}): { machine: MachineSpec; notes: string[] } {
  const notes = [...m.notes];
  const nodeMem = opts.defaultNodeMemoryBytes ?? 4 * GiB;
  const diskBytes = opts.defaultDiskBytes ?? 256 * GiB;
  const nodes = m.nodes.map((n) => {
    if (n.memoryBytes === null) notes.push(`node${n.osIndex}: the file does not record memory; set to ${nodeMem / GiB} GiB`);
    return { cpus: [...n.cpus], memoryBytes: n.memoryBytes ?? nodeMem };
  });
  const distances = m.distances ?? defaultDistances(nodes.length);
  const devices: BlockDeviceSpec[] = m.disks.map((d, i) => {
    if (d.sizeBytes === null) notes.push(`${d.name}: the file does not record its size; set to ${diskBytes / GiB} GiB`);
    const dev = defaultMajorMinor(d.type, i);
    return {
      name: d.name,
      type: d.type,
      sizeBytes: d.sizeBytes ?? diskBytes,
      major: d.major ?? dev.major,
      minor: d.minor ?? dev.minor,
      model: d.model || `KLAB-${d.type.toUpperCase()}`,
      serial: d.serial || `KL${String(i).padStart(6, '0')}`,
      partitions: [],
      params: {},
      badSectors: [],
    };
  });
  const cpus = m.cpuOsIndex.length;
  return {
    machine: {
      cpus,
      memoryBytes: nodes.reduce((s, n) => s + n.memoryBytes, 0),
      numa: { nodes, distances: distances.map((r) => [...r]) },
      swap: null,
      devices,
    },
    notes,
  };
}

// Documentation/admin-guide/devices.txt: 8 = SCSI disk (16 minors per disk),
// 259 = block extended (NVMe namespaces get dynamic minors), virtio-blk has a
// dynamic major (252 is what a typical guest gets; kept only as a default).
function defaultMajorMinor(type: BlockDeviceType, i: number): { major: number; minor: number } {
  if (type === 'nvme') return { major: 259, minor: i };
  if (type === 'virtio') return { major: 252, minor: i * 16 };
  return { major: 8, minor: i * 16 };
}

// Disk type from the kernel name: nvme*, vd*, sd*/hd* (no dump records rotational, so sd* is taken as hdd).
export function diskTypeFromName(name: string): BlockDeviceType | null {
  if (/^nvme\d+n\d+$/.test(name)) return 'nvme';
  if (/^vd[a-z]+$/.test(name)) return 'virtio';
  if (/^(sd|hd)[a-z]+$/.test(name)) return 'hdd';
  return null;
}

/**
 * The kernel's check before it uses a firmware distance table
 * (drivers/acpi/numa/srat.c: slit_valid): every diagonal entry is
 * LOCAL_DISTANCE and every other entry is greater than it. An invalid
 * table is ignored ("SLIT table looks invalid. Not used.") and the
 * defaults apply.
 */
export function slitValid(d: readonly (readonly number[])[]): boolean {
  for (let i = 0; i < d.length; i++)
    for (let j = 0; j < d.length; j++) {
      const v = d[i]![j]!;
      if (i === j ? v !== LOCAL_DISTANCE : v <= LOCAL_DISTANCE) return false;
    }
  return true;
}
