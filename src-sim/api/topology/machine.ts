/**
 * The machine description an importer produces: what a topology dump says
 * about a real machine, before it becomes the scenario's `machine:` section.
 * Keeps the original (OS) numbering next to the dense numbering the
 * simulator uses, and lists in `notes` everything that was dropped or guessed.
 */
import type { BlockDeviceSpec, BlockDeviceType, MachineSpec, NicSpec, NicType } from '../../scenario/types';
import { resolveNic } from '../../scenario/resolve';
import type { PathIssue } from '../../scenario/issues';

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
  /** PCI address of the device it hangs under ("0000:03:00.0"), or null. */
  pciBusId?: string | null;
  /** PCI vendor:device ("8086:10fb"), or null. */
  pciId?: string | null;
}

/** A CPU-side object of the dump (lstopo's boxes): a package, an L3 or L2 cache, a core. */
export interface ImportedCpuGroup {
  type: 'package' | 'l3' | 'l2' | 'core';
  /** hwloc os_index (the Linux physical package / core id), or null when the dump has none (caches). */
  osIndex: number | null;
  /** Cache size in bytes (caches only; null when unrecorded). */
  sizeBytes: number | null;
  /** Dense CPU numbers below it (online PUs only), ascending. */
  cpus: number[];
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
  /** Packages, L3/L2 caches and cores with their CPUs, in file order; empty when the dump has no such objects (lscpu). */
  groups: ImportedCpuGroup[];
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
  const nics = importNics(m.nics, cpus, notes);
  return {
    machine: {
      cpus,
      memoryBytes: nodes.reduce((s, n) => s + n.memoryBytes, 0),
      numa: { nodes, distances: distances.map((r) => [...r]) },
      swap: null,
      devices,
      ...(nics.length ? { nics } : {}),
    },
    notes,
  };
}

/**
 * PCI vendor:device → the driver model that binds it (the drivers'
 * pci_device_id tables: e1000e/netdev.c, ixgbe_main.c, i40e_main.c,
 * mlx5/core/main.c, virtio_pci). Devices of drivers the lab has no model for
 * take the nearest one, with a note.
 */
const PCI_DRIVERS: Record<string, NicType> = {
  // e1000e: 82571/2/3/4, ICH8-10, 82577-9, I217/I218/I219
  ...Object.fromEntries(['105e', '105f', '1060', '107d', '107e', '107f', '108b', '108c', '109a', '10a4', '10bc', '10d3', '10ea', '10eb', '10ef', '10f0', '1502', '1503', '153a', '153b', '155a', '1559', '15a0', '15a1', '15a2', '15a3', '15b7', '15b8', '15b9', '15bb', '15bc', '15bd', '15be', '15d7', '15d8', '15e3'].map((d) => [`8086:${d}`, 'e1000e' as NicType])),
  // ixgbe: 82598, 82599, X540, X550
  ...Object.fromEntries(['10b6', '10c6', '10c7', '10c8', '10db', '10dd', '10e1', '10ec', '10f1', '10f4', '10f7', '10f8', '10f9', '10fb', '10fc', '1507', '1514', '1517', '151c', '1528', '1529', '152a', '154d', '154f', '1557', '1558', '1560', '1563', '15aa', '15ab', '15ac', '15ad', '15ae', '15c2', '15c3', '15c4', '15c6', '15c7', '15c8', '15ce', '15e4', '15e5'].map((d) => [`8086:${d}`, 'ixgbe' as NicType])),
  // i40e: X710, XL710, XXV710, X722
  ...Object.fromEntries(['1572', '1574', '1580', '1581', '1583', '1584', '1585', '1586', '1587', '1588', '1589', '158a', '158b', '15ff', '37ce', '37cf', '37d0', '37d1', '37d2', '37d3'].map((d) => [`8086:${d}`, 'i40e' as NicType])),
  // mlx5_core: ConnectX-4 … ConnectX-7, BlueField
  ...Object.fromEntries(['1013', '1014', '1015', '1016', '1017', '1018', '1019', '101a', '101b', '101c', '101d', '101e', '101f', '1021', 'a2d2', 'a2d3', 'a2d6', 'a2dc'].map((d) => [`15b3:${d}`, 'mlx5_core' as NicType])),
  // virtio-net: legacy and modern device ids
  '1af4:1000': 'virtio_net',
  '1af4:1041': 'virtio_net',
};

/** The NIC model for a PCI id, and a note when it is only the nearest one. */
export function nicModelFor(pciId: string | null | undefined): { type: NicType; note: string | null } {
  const exact = pciId ? PCI_DRIVERS[pciId] : undefined;
  if (exact) return { type: exact, note: null };
  const vendor = pciId?.slice(0, 4);
  // igb (82575/6, I350, I210), ixgb, mlx4 and other vendors' NICs: no model of their own here
  if (vendor === '15b3') return { type: 'mlx5_core', note: `PCI ${pciId} (mlx4 or older Mellanox) is modelled as mlx5_core` };
  if (vendor === '1af4') return { type: 'virtio_net', note: null };
  return { type: 'e1000e', note: `PCI ${pciId ?? 'id unknown'} has no NIC model of its own here; modelled as e1000e (1 Gbit/s, 1 queue)` };
}

/** Imported network devices as machine.nics: the driver model by PCI id, the PCI bus from the address, model defaults for the rest. */
function importNics(list: readonly ImportedNic[], cpus: number, notes: string[]): NicSpec[] {
  const out: NicSpec[] = [];
  const buses = new Set<number>();
  const ipoib: string[] = [];
  for (const n of list) {
    // IPoIB interfaces have 20-byte link addresses; the lab models Ethernet only
    if (n.address.split(':').length > 6) {
      ipoib.push(n.name);
      continue;
    }
    if (!/^[a-z][a-z0-9]{0,14}$/.test(n.name)) {
      notes.push(`${n.name}: skipped (the scenario takes interface names of lower-case letters and digits)`);
      continue;
    }
    const { type, note } = nicModelFor(n.pciId);
    if (note) notes.push(`${n.name}: ${note}`);
    let bus = Number.parseInt(/^[0-9a-f]{4}:([0-9a-f]{2}):/i.exec(n.pciBusId ?? '')?.[1] ?? '', 16);
    // one slot per bus in the model (functions of a dual-port card share a bus): the next free bus
    if (!Number.isInteger(bus) || buses.has(bus)) {
      const was = bus;
      bus = 1;
      while (buses.has(bus)) bus++;
      if (Number.isInteger(was)) notes.push(`${n.name}: shares PCI bus ${was} with another NIC; placed on bus ${bus} (the model has one NIC per bus)`);
    }
    buses.add(bus);
    const issues: PathIssue[] = [];
    out.push(resolveNic({ name: n.name, type, pci_bus: bus }, ['machine', 'nics', out.length], cpus, issues, out.length));
  }
  if (ipoib.length) notes.push(`skipped ${ipoib.length} InfiniBand (IPoIB) interfaces: ${ipoib.join(', ')}`);
  return out;
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
