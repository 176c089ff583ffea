/** Editing operations on the draft scenario: pure functions, so editors and tests share them. */
import type { BlockDeviceSpec, MachineSpec, Scenario, TaskSpec } from './types';

const GiB = 1024 ** 3;
// include/linux/topology.h: LOCAL_DISTANCE, REMOTE_DISTANCE
const LOCAL = 10;
const REMOTE = 20;

export function newScenario(name = 'untitled'): Scenario {
  return {
    format: 'kernel-lab/scenario@1',
    name,
    description: '',
    seed: 1,
    run: 0,
    durationNs: 10e9,
    sampleIntervalNs: 100e6,
    cgroupVersion: 2,
    machine: { cpus: 4, memoryBytes: 8 * GiB, numa: { nodes: [{ cpus: [0, 1, 2, 3], memoryBytes: 8 * GiB }], distances: [[LOCAL]] }, swap: null, devices: [] },
    kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [], hz: 1000 },
    cgroups: [],
    files: [],
    tasks: [],
    timeline: [],
    record: [],
  };
}

/** Re-derives cpus and memoryBytes from the nodes so the machine stays consistent. */
export function normaliseMachine(m: MachineSpec): MachineSpec {
  let next = 0;
  const nodes = m.numa.nodes.map((n) => ({ memoryBytes: n.memoryBytes, cpus: n.cpus.map(() => next++) }));
  return { ...m, cpus: next, memoryBytes: nodes.reduce((s, n) => s + n.memoryBytes, 0), numa: { nodes, distances: m.numa.distances } };
}

export function addNode(m: MachineSpec, cpus = 2, memoryBytes = 4 * GiB): MachineSpec {
  const n = m.numa.nodes.length;
  const distances = m.numa.distances.map((r) => [...r, REMOTE]);
  distances.push([...Array(n).fill(REMOTE), LOCAL]);
  return normaliseMachine({ ...m, numa: { nodes: [...m.numa.nodes, { cpus: Array(cpus).fill(0), memoryBytes }], distances } });
}

export function removeNode(m: MachineSpec, index: number): MachineSpec {
  if (m.numa.nodes.length <= 1) throw new Error('a machine keeps at least one NUMA node');
  const nodes = m.numa.nodes.filter((_, i) => i !== index);
  const distances = m.numa.distances.filter((_, i) => i !== index).map((r) => r.filter((_, j) => j !== index));
  const out = normaliseMachine({ ...m, numa: { nodes, distances } });
  if (out.cpus === 0) throw new Error(`removing node${index} would leave no CPU`);
  return out;
}

export function setNodeCpus(m: MachineSpec, index: number, count: number): MachineSpec {
  if (!Number.isInteger(count) || count < 0 || count > 1024) throw new Error('CPUs per node: 0..1024');
  const nodes = m.numa.nodes.map((n, i) => (i === index ? { ...n, cpus: Array(count).fill(0) } : n));
  const out = normaliseMachine({ ...m, numa: { ...m.numa, nodes } });
  if (out.cpus === 0) throw new Error('the machine needs at least one CPU');
  return out;
}

export function setNodeMemory(m: MachineSpec, index: number, bytes: number): MachineSpec {
  if (!(bytes > 0)) throw new Error('node memory must be positive');
  const nodes = m.numa.nodes.map((n, i) => (i === index ? { ...n, memoryBytes: bytes } : n));
  return normaliseMachine({ ...m, numa: { ...m.numa, nodes } });
}

/**
 * Sets distance i→j (and j→i: the editor keeps the matrix symmetric). The
 * kernel only accepts 10 on the diagonal and > 10 elsewhere
 * (drivers/acpi/numa/srat.c: slit_valid).
 */
export function setDistance(m: MachineSpec, i: number, j: number, d: number): MachineSpec {
  if (i === j) throw new Error(`node${i}→node${i} is LOCAL_DISTANCE (10) and cannot change`);
  if (!Number.isInteger(d) || d <= LOCAL || d > 255) throw new Error('a remote distance is an integer 11..255 (SLIT entries are one byte, local is 10)');
  const distances = m.numa.distances.map((r) => [...r]);
  distances[i]![j] = d;
  distances[j]![i] = d;
  return { ...m, numa: { ...m.numa, distances } };
}

export function nextDiskName(m: MachineSpec, type: BlockDeviceSpec['type']): string {
  const names = new Set(m.devices.map((d) => d.name));
  if (type === 'nvme') {
    for (let i = 0; ; i++) if (!names.has(`nvme${i}n1`)) return `nvme${i}n1`;
  }
  const prefix = type === 'virtio' ? 'vd' : 'sd';
  for (let i = 0; i < 26; i++) {
    const n = `${prefix}${String.fromCharCode(97 + i)}`;
    if (!names.has(n)) return n;
  }
  throw new Error('too many disks');
}

// Documentation/admin-guide/devices.txt: sd = major 8, 16 minors per disk; NVMe = blkext 259.
export function newDisk(m: MachineSpec, type: BlockDeviceSpec['type'], sizeBytes = 256 * GiB): BlockDeviceSpec {
  const name = nextDiskName(m, type);
  const same = m.devices.filter((d) => d.type === type).length;
  const major = type === 'nvme' ? 259 : type === 'virtio' ? 252 : 8;
  const used = new Set(m.devices.filter((d) => d.major === major).map((d) => d.minor));
  let minor = type === 'nvme' ? same : same * 16;
  while (used.has(minor)) minor += type === 'nvme' ? 1 : 16;
  return { name, type, sizeBytes, major, minor, model: `KLAB-${type.toUpperCase()}`, serial: `KL${name.toUpperCase()}`, partitions: [], params: {}, badSectors: [] };
}

export function newTask(name: string, cgroup = '/'): TaskSpec {
  return { name, cgroup, cpus: [], nice: 0, policy: 'SCHED_OTHER', rtPriority: 0, count: 1, oomScoreAdj: 0, startNs: 0, sliceNs: 0, run: { type: 'cpu' } };
}

/** Cgroup paths the scenario mentions, parents first (the tree the editor draws). */
export function cgroupTree(s: Scenario): string[] {
  const all = new Set<string>(['/']);
  for (const c of s.cgroups) {
    const parts = c.path.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) all.add('/' + parts.slice(0, i).join('/'));
  }
  return [...all].sort();
}

export function devNumbers(m: MachineSpec): string[] {
  return m.devices.map((d) => `${d.major}:${d.minor}`);
}
