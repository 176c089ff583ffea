import { kernelDefaults, releaseAtLeast } from './kernel-versions';
import { CGROUP_V2_SINCE } from '../kernel/versions';
import { ZSWAP_SINCE, zpoolGone, zswapDefaults } from '../kernel/mm/zswap-params';
import { KernelError } from '../vfs/errors';
import { NR_CPUS_MAX, EXPECT_CPULIST, formatCpuList, parseCpuList } from './cpulist';
import { flatMachine } from './defaults';
import type { Origins, PathIssue } from './issues';
import { baseStem, resolveRelative } from './paths';
import { FioParseError } from '../workload/fio/job';
import { parseFioJobFile } from '../workload/fio/parse';
import { renderFioOptions } from './fio-inline';
import type { BlockDeviceFileOut, NicFileOut, RunFile, ScenarioFile, TaskFile } from './schema';
import { NIC_MODELS } from '../hw/net/nic-types';
import {
  SCENARIO_FORMAT,
  type BlockDeviceSpec,
  type CgroupSpec,
  type MachineSpec,
  type MemPolicyMode,
  type MemPolicySpec,
  type NicSpec,
  type NetSpec,
  type RunSpec,
  type Scenario,
  type SwapSpec,
  type TaskSpec,
  type TimelineAction,
  type ZswapSpec,
  type BalloonSpec,
} from './types';
import { formatDuration, formatSize } from './units';

export interface ResolveOptions {
  fileName: string;
  /** Reads a fio job file (path already resolved against the scenario's folder). */
  readFile?: (path: string) => string;
}

const GiB = 1024 ** 3;
// include/linux/topology.h: LOCAL_DISTANCE, REMOTE_DISTANCE
const LOCAL_DISTANCE = 10;
const REMOTE_DISTANCE = 20;
/** Swap without a device: an SSD-like page I/O cost (documented in README.md). */
const DEFAULT_SWAP_LATENCY_NS = 100_000;
const DEFAULT_SWAP_BANDWIDTH = 500 * 1024 ** 2;
/** fio's default block size (fio HOWTO: bs=4k). */
const DEFAULT_BS = 4096;
/** Logical block size that O_DIRECT offsets and lengths must be aligned to. */
const LOGICAL_BLOCK = 512;
/** kernel/sched/syscalls.c: __setparam_fair() clamps sched_runtime to 0.1–100 ms. */
const SLICE_MIN_NS = 100_000;
const SLICE_MAX_NS = 100_000_000;
const DEFAULT_SAMPLE_INTERVAL_NS = 100_000_000;
/** Protocol stack cost per packet above the driver (ip_rcv → udp_queue_rcv_skb), ns: README of src-sim/kernel/net. */
export const DEFAULT_STACK_COST_NS = 1000;
/** forward: softirq CPU per forwarded packet when not given, ns. */
const DEFAULT_FORWARD_COST_NS = 1000;
/** netrecv: CPU per packet consumed (recvmsg + work) when not given, ns. */
const DEFAULT_RECV_COST_NS = 2000;
/** wss-scanner: one scan every 2 minutes (the period the talk cites). */
export const DEFAULT_WSS_PERIOD_NS = 120e9;
/**
 * wss-scanner CPU per PFN per scan (model calibration): a 2-minute scan of a
 * 16 GiB machine (4,128,768 managed frames) then costs 1.197 s, ≈ 1.0 % of
 * one CPU, the figure the talk cites. The cost scales with memory / period.
 */
export const DEFAULT_WSS_PAGE_COST_NS = 290;
/** YCSB's default zipfian constant. */
const DEFAULT_ZIPF_THETA = 0.99;

/**
 * Build the resolved Scenario every subsystem reads from the parsed file:
 * fill defaults, derive the machine from NUMA nodes, parse CPU lists against
 * the machine, read fio job files, expand timeline writes. Problems that need
 * more than one field are returned as issues (with their file paths).
 */
export function resolveScenario(f: ScenarioFile, opts: ResolveOptions): { scenario: Scenario; origins: Origins; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  const durationNs = f.duration;
  const flatMachine = resolveMachine(f, issues);
  const kernel = resolveKernel(f, issues);
  const machine = withBalloon(flatMachine, f, kernel.version, issues);
  const origins: Origins = { cgroups: [], sysctl: kernel.sysctlNames, timeline: [] };

  const cgroups: CgroupSpec[] = [];
  const seenGroup = new Map<string, string>();
  for (const [key, files] of Object.entries(f.cgroups ?? {})) {
    const path = normalizeCgroupPath(key);
    if (!key.startsWith('/')) {
      issues.push({ path: ['cgroups', key], part: 'key', message: `expected a cgroup path starting with "/" like /${key}, got ${JSON.stringify(key)}` });
      continue;
    }
    const dup = seenGroup.get(path);
    if (dup !== undefined) {
      issues.push({ path: ['cgroups', key], part: 'key', message: `expected each group once, but this is the same group as ${JSON.stringify(dup)}` });
      continue;
    }
    seenGroup.set(path, key);
    const writes = Object.entries(files ?? {});
    cgroups.push({ path, writes });
    origins.cgroups.push({ key, files: writes.map(([file]) => file) });
  }

  const files = (f.files ?? []).map((d) => ({ path: d.path, sizeBytes: d.size, device: d.device ?? null }));
  const fileByPath = new Map(files.map((x) => [x.path, x]));

  // NICs plugged along the timeline (in file order after the declared ones: their default PCI bus, enp<bus>s0)
  const pluggedNics = new Map<number, NicSpec>();
  (f.timeline ?? []).forEach((a, i) => {
    if (a.plug && isNicFile(a.plug)) pluggedNics.set(i, resolveNic(a.plug, ['timeline', i, 'plug'], machine.cpus, issues, (machine.nics?.length ?? 0) + pluggedNics.size));
  });
  const nicNames = new Set([...(machine.nics ?? []), ...pluggedNics.values()].map((n) => n.name));
  // Workloads may name a NIC plugged later (they start with it: `start:` after the plug).
  const taskMachine: MachineSpec = pluggedNics.size ? { ...machine, nics: [...(machine.nics ?? []), ...pluggedNics.values()] } : machine;
  const tasks: TaskSpec[] = (f.tasks ?? []).map((t, i) => resolveTask(t, i, taskMachine, kernel.scheduler, durationNs, fileByPath, opts, issues));

  const timeline: TimelineAction[] = [];
  (f.timeline ?? []).forEach((a, i) => {
    const kinds = (['write', 'plug', 'unplug'] as const).filter((k) => a[k] !== undefined);
    if (kinds.length !== 1) {
      issues.push({
        path: ['timeline', i],
        message: kinds.length ? `expected exactly one of write, plug, unplug, got ${kinds.join(' and ')}` : 'expected one of write, plug, unplug',
      });
      return;
    }
    if (a.at > durationNs) {
      issues.push({ path: ['timeline', i, 'at'], message: `expected a time within the duration (${formatDuration(durationNs)}), got ${formatDuration(a.at)}` });
    }
    if (a.write) {
      for (const [path, value] of Object.entries(a.write)) {
        if (!path.startsWith('/')) {
          issues.push({ path: ['timeline', i, 'write', path], part: 'key', message: `expected an absolute file path like /sys/fs/cgroup/web/cpu.max, got ${JSON.stringify(path)}` });
          continue;
        }
        timeline.push({ atNs: a.at, kind: 'write', path, value });
        origins.timeline.push(['timeline', i, 'write', path]);
      }
    } else if (a.plug && isNicFile(a.plug)) {
      timeline.push({ atNs: a.at, kind: 'plug_nic', nic: pluggedNics.get(i)! });
      origins.timeline.push(['timeline', i, 'plug']);
    } else if (a.plug) {
      timeline.push({ atNs: a.at, kind: 'plug', device: resolveDevice(a.plug) });
      origins.timeline.push(['timeline', i, 'plug']);
    } else if (a.unplug !== undefined && nicNames.has(a.unplug)) {
      timeline.push({ atNs: a.at, kind: 'unplug_nic', nic: a.unplug });
      origins.timeline.push(['timeline', i, 'unplug']);
    } else if (a.unplug !== undefined) {
      timeline.push({ atNs: a.at, kind: 'unplug', device: a.unplug });
      origins.timeline.push(['timeline', i, 'unplug']);
    }
  });

  const sampleIntervalNs = f.sample_interval ?? DEFAULT_SAMPLE_INTERVAL_NS;

  (f.record ?? []).forEach((p, i) => {
    if (!p.startsWith('/')) issues.push({ path: ['record', i], message: `expected an absolute virtual file path like /proc/pressure/cpu, got ${JSON.stringify(p)}` });
  });

  if ((f.cgroup_version ?? 2) === 2 && !releaseAtLeast(kernel.version, CGROUP_V2_SINCE)) {
    issues.push({
      path: f.cgroup_version === undefined ? ['kernel', 'version'] : ['cgroup_version'],
      message: `expected cgroup_version: 1: the unified hierarchy (cgroup v2) arrived in Linux ${CGROUP_V2_SINCE[0]}.${CGROUP_V2_SINCE[1]} and kernel.version is ${kernel.version}`,
    });
  }
  const scenario: Scenario = {
    format: SCENARIO_FORMAT,
    name: f.name ?? (baseStem(opts.fileName) || 'unnamed'),
    description: f.description ?? '',
    seed: f.seed ?? 1,
    run: f.run ?? 0,
    durationNs,
    sampleIntervalNs,
    cgroupVersion: f.cgroup_version ?? 2,
    machine,
    kernel: {
      version: kernel.version,
      scheduler: kernel.scheduler,
      sysctl: kernel.sysctl,
      hz: kernel.hz,
      ...(kernel.net ? { net: kernel.net } : {}),
      ...(kernel.zswap ? { zswap: kernel.zswap } : {}),
    },
    cgroups,
    files,
    tasks,
    timeline,
    record: f.record ?? [],
  };
  return { scenario, origins, issues };
}

/** "/a/b/" → "/a/b", "//a" → "/a" (as the cgroup tree normalizes). */
export function normalizeCgroupPath(path: string): string {
  return `/${path.split('/').filter((p) => p !== '').join('/')}`;
}

function resolveKernel(f: ScenarioFile, issues: PathIssue[]) {
  const version = f.kernel?.version ?? '6.18';
  const eevdfKernel = kernelDefaults(version).scheduler === 'eevdf';
  const scheduler = f.kernel?.scheduler ?? kernelDefaults(version).scheduler;
  if (scheduler === 'eevdf' && !eevdfKernel) {
    issues.push({ path: ['kernel', 'scheduler'], message: `expected cfs: EEVDF replaced CFS in 6.6 and kernel.version is ${version}` });
  }
  const entries = Object.entries(f.kernel?.sysctl ?? {});
  return {
    version,
    scheduler,
    hz: f.kernel?.hz ?? 1000,
    net: f.kernel?.net ? ({ rxMode: f.kernel.net.rx_mode ?? 'napi', stackCostNs: f.kernel.net.stack_cost ?? DEFAULT_STACK_COST_NS } satisfies NetSpec) : undefined,
    sysctl: entries.map(([name, value]): [string, string] => [name.replace(/\//g, '.'), value]),
    sysctlNames: entries.map(([name]) => name),
    zswap: resolveZswap(f, version, issues),
  };
}

/** kernel.zswap: the boot parameters with the release's defaults filled in (kernel/mm/zswap-params.ts). */
function resolveZswap(f: ScenarioFile, version: string, issues: PathIssue[]): ZswapSpec | undefined {
  const z = f.kernel?.zswap;
  if (z === undefined) return undefined;
  if (!releaseAtLeast(version, [...ZSWAP_SINCE])) {
    issues.push({ path: ['kernel', 'zswap'], part: 'key', message: `expected no zswap: zswap arrived in Linux ${ZSWAP_SINCE[0]}.${ZSWAP_SINCE[1]} and kernel.version is ${version}` });
  }
  const d = zswapDefaults(version);
  const zpool = z.zpool ?? d.zpool;
  const gone = zpoolGone(version, zpool);
  if (gone !== null) issues.push({ path: z.zpool === undefined ? ['kernel', 'version'] : ['kernel', 'zswap', 'zpool'], message: `expected zsmalloc: ${gone} and kernel.version is ${version}` });
  if (z.accept_threshold_percent !== undefined && !releaseAtLeast(version, [5, 6, 0])) {
    issues.push({ path: ['kernel', 'zswap', 'accept_threshold_percent'], part: 'key', message: `expected no accept_threshold_percent: it arrived in Linux 5.6 and kernel.version is ${version}` });
  }
  if (z.shrinker_enabled !== undefined && !releaseAtLeast(version, [6, 8, 0])) {
    issues.push({ path: ['kernel', 'zswap', 'shrinker_enabled'], part: 'key', message: `expected no shrinker_enabled: it arrived in Linux 6.8 and kernel.version is ${version}` });
  }
  return {
    enabled: z.enabled ?? d.enabled,
    maxPoolPercent: z.max_pool_percent ?? d.maxPoolPercent,
    compressor: z.compressor ?? d.compressor,
    zpool,
    acceptThresholdPercent: z.accept_threshold_percent ?? d.acceptThresholdPercent,
    shrinkerEnabled: z.shrinker_enabled ?? d.shrinkerEnabled,
    ratio: z.ratio ?? d.ratio,
  };
}

/** machine.balloon: a virtio-balloon device; its initial target must fit the guest (drivers/virtio/virtio_balloon.c). */
function withBalloon(m: MachineSpec, f: ScenarioFile, version: string, issues: PathIssue[]): MachineSpec {
  const b = f.machine?.balloon;
  if (b === undefined) return m;
  const target = b.target ?? 0;
  if (target > m.memoryBytes) {
    issues.push({ path: ['machine', 'balloon', 'target'], message: `expected a balloon target up to the guest's memory (${formatSize(m.memoryBytes)}), got ${formatSize(target)}` });
  }
  if (b.free_page_reporting === true && !releaseAtLeast(version, [5, 7, 0])) {
    issues.push({ path: ['machine', 'balloon', 'free_page_reporting'], part: 'key', message: `expected no free_page_reporting: VIRTIO_BALLOON_F_REPORTING arrived in Linux 5.7 and kernel.version is ${version}` });
  }
  const balloon: BalloonSpec = { targetPages: Math.floor(target / 4096), deflateOnOom: b.deflate_on_oom ?? false, freePageReporting: b.free_page_reporting ?? false };
  return { ...m, balloon };
}

function resolveMachine(f: ScenarioFile, issues: PathIssue[]): MachineSpec {
  const m = f.machine;
  const devices = (m?.devices ?? []).map((d) => resolveDevice(d));
  const swap = resolveSwap(f, issues);
  if (!m?.numa) {
    const flat = flatMachine(m?.cpus ?? 4, m?.memory ?? 8 * GiB);
    return withNics({ ...flat, swap, devices }, m?.nics, issues);
  }
  const nodes = m.numa.nodes.map((n, i) => ({ cpus: cpuListAt(n.cpus, ['machine', 'numa', 'nodes', i, 'cpus'], NR_CPUS_MAX, issues) ?? [], memoryBytes: n.memory }));
  const owner = new Map<number, number>();
  nodes.forEach((n, i) => {
    for (const c of n.cpus) {
      const prev = owner.get(c);
      if (prev !== undefined) {
        issues.push({ path: ['machine', 'numa', 'nodes', i, 'cpus'], message: `CPU ${c} is already in node ${prev}; each CPU belongs to exactly one node` });
      } else owner.set(c, i);
    }
  });
  const cpus = owner.size;
  if (cpus === 0) issues.push({ path: ['machine', 'numa', 'nodes'], message: 'expected at least one CPU in some node' });
  for (let c = 0; c < cpus; c++) {
    if (!owner.has(c)) {
      issues.push({ path: ['machine', 'numa', 'nodes'], message: `CPU ${c} is in no node: the ${cpus} CPUs must be numbered 0-${cpus - 1}, each in exactly one node` });
      break;
    }
  }
  const memoryBytes = nodes.reduce((s, n) => s + n.memoryBytes, 0);
  if (m.cpus !== undefined && m.cpus !== cpus) {
    issues.push({ path: ['machine', 'cpus'], message: `expected ${cpus} (the CPUs of machine.numa.nodes) or no cpus key, got ${m.cpus}` });
  }
  if (m.memory !== undefined && m.memory !== memoryBytes) {
    issues.push({ path: ['machine', 'memory'], message: `expected ${formatSize(memoryBytes)} (the sum of machine.numa.nodes memory) or no memory key, got ${formatSize(m.memory)}` });
  }
  if (memoryBytes === 0) issues.push({ path: ['machine', 'numa', 'nodes'], message: 'expected some memory on at least one node' });
  const n = nodes.length;
  let distances: number[][];
  if (m.numa.distances === undefined) {
    distances = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE)));
  } else {
    distances = m.numa.distances;
    checkSlit(distances, n, issues);
  }
  return withNics({ cpus, memoryBytes, numa: { nodes, distances }, swap, devices }, m.nics, issues);
}

function isNicFile(p: BlockDeviceFileOut | NicFileOut): p is NicFileOut {
  return Object.hasOwn(NIC_MODELS, p.type);
}

function withNics(m: MachineSpec, nics: NicFileOut[] | undefined, issues: PathIssue[]): MachineSpec {
  if (!nics?.length) return m;
  const seen = new Set<string>();
  const out = nics.map((n, i) => {
    const at: (string | number)[] = ['machine', 'nics', i];
    const nic = resolveNic(n, at, m.cpus, issues, i);
    if (seen.has(nic.name)) issues.push({ path: [...at, n.name !== undefined ? 'name' : 'pci_bus'], message: `expected each interface name once, but ${nic.name} is already declared` });
    seen.add(nic.name);
    return nic;
  });
  return { ...m, nics: out };
}

/** Check a NIC against its model's limits, as ethtool -G / -L / -s would (EINVAL beyond them). */
export function resolveNic(n: NicFileOut, at: (string | number)[], nrCpus: number, issues: PathIssue[], index = 0): NicSpec {
  const model = NIC_MODELS[n.type];
  const speed = n.speed ?? model.speeds[0]!;
  if (!model.speeds.includes(speed)) {
    issues.push({ path: [...at, 'speed'], message: `expected a speed ${model.driver} supports (${model.speeds.map((v) => (v >= 1000 ? `${v / 1000}G` : `${v}M`)).join(', ')}), got ${speed >= 1000 ? `${speed / 1000}G` : `${speed}M`}` });
  }
  const ring = n.ring ?? model.defaultRing;
  if (ring > model.maxRing || ring < model.minRing) {
    issues.push({ path: [...at, 'ring'], message: `expected a ring size from ${model.minRing} to ${model.maxRing} (ethtool -G on ${model.driver} fails with EINVAL beyond its pre-set maximums), got ${ring}` });
  }
  const queues = n.queues ?? 1;
  if (queues > model.maxQueues) issues.push({ path: [...at, 'queues'], message: `expected at most ${model.maxQueues} queues on ${model.driver} (ethtool -L fails with EINVAL), got ${queues}` });
  let irqCpus: number[] = [];
  if (n.irq_cpus !== undefined) {
    const parsed = cpuListAt(n.irq_cpus, [...at, 'irq_cpus'], NR_CPUS_MAX, issues) ?? [];
    const missing = parsed.filter((c) => c >= nrCpus);
    if (parsed.length === 0) issues.push({ path: [...at, 'irq_cpus'], message: `expected at least one CPU, got ${JSON.stringify(n.irq_cpus)}` });
    else if (missing.length) {
      issues.push({ path: [...at, 'irq_cpus'], message: `expected CPUs of this machine (0-${nrCpus - 1}); writing CPU ${formatCpuList(missing)} to smp_affinity_list fails with EINVAL, got ${JSON.stringify(n.irq_cpus)}` });
    }
    irqCpus = parsed.filter((c) => c < nrCpus);
  }
  if (irqCpus.length === 0) irqCpus = Array.from({ length: Math.min(queues, nrCpus) }, (_, q) => q % nrCpus);
  const pciBus = n.pci_bus ?? index + 1;
  return {
    // systemd-udev's predictable name for a PCI NIC in slot 0 of bus B: enp<B>s0
    name: n.name ?? `enp${pciBus}s0`,
    type: n.type,
    speedMbps: speed,
    queues,
    ring,
    irqCpus,
    rxUsecs: n.rx_usecs ?? model.rxUsecs,
    rxFrames: n.rx_frames ?? model.rxFrames,
    gro: n.gro ?? true,
    ...(n.tso !== undefined ? { tso: n.tso } : {}),
    ...(n.gso !== undefined ? { gso: n.gso } : {}),
    irqCostNs: n.irq_cost ?? model.irqCostNs,
    rxCostNs: n.rx_cost ?? model.rxCostNs,
    pciBus,
  };
}

/** drivers/acpi/numa/srat.c: slit_valid(): local distance exactly 10, remote distances above it. */
function checkSlit(d: number[][], n: number, issues: PathIssue[]): void {
  const at: (string | number)[] = ['machine', 'numa', 'distances'];
  if (d.length !== n) {
    issues.push({ path: at, message: `expected a ${n}×${n} matrix (one row per node), got ${d.length} rows` });
    return;
  }
  d.forEach((row, i) => {
    if (row.length !== n) {
      issues.push({ path: [...at, i], message: `expected ${n} distances in row ${i}, got ${row.length}` });
      return;
    }
    row.forEach((v, j) => {
      if (i === j && v !== LOCAL_DISTANCE) issues.push({ path: [...at, i, j], message: `expected ${LOCAL_DISTANCE} (LOCAL_DISTANCE) on the diagonal, got ${v}` });
      if (i !== j && v <= LOCAL_DISTANCE) issues.push({ path: [...at, i, j], message: `expected a remote distance ≥ ${LOCAL_DISTANCE + 1} (the kernel rejects a SLIT with remote ≤ local), got ${v}` });
    });
  });
}

function resolveSwap(f: ScenarioFile, issues: PathIssue[]): SwapSpec | null {
  const s = f.machine?.swap;
  if (!s) return null;
  if (s.device !== undefined) {
    for (const k of ['latency', 'bandwidth'] as const) {
      if (s[k] !== undefined) issues.push({ path: ['machine', 'swap', k], part: 'key', message: `applies only to swap without a device (the device model sets the speed of ${s.device})` });
    }
    return { sizeBytes: s.size, device: s.device, latencyNs: 0, bandwidthBytesPerSec: 0 };
  }
  return { sizeBytes: s.size, device: null, latencyNs: s.latency ?? DEFAULT_SWAP_LATENCY_NS, bandwidthBytesPerSec: s.bandwidth ?? DEFAULT_SWAP_BANDWIDTH };
}

/** block/partitions/core.c names partitions <disk><n>, with a "p" when the disk name ends in a digit (nvme0n1p1). */
export function partitionName(disk: string, index: number): string {
  return /\d$/.test(disk) ? `${disk}p${index}` : `${disk}${index}`;
}

/** Partitions, bad sectors and params are checked on the resolved device (scenario-check.ts), as for a live plug. */
function resolveDevice(d: BlockDeviceFileOut): BlockDeviceSpec {
  const partitions = d.partitions ?? [];
  const badSectors = (d.bad_sectors ?? []).map((b) => ({ start: b.start, end: b.end, op: b.op ?? 'both' }));
  return {
    name: d.name,
    type: d.type,
    sizeBytes: d.size,
    major: d.major,
    minor: d.minor,
    model: d.model ?? `KernelLab ${d.type.toUpperCase()}`,
    serial: d.serial ?? `KL${String(d.major).padStart(4, '0')}${String(d.minor).padStart(7, '0')}`,
    partitions,
    params: d.params ?? {},
    badSectors,
  };
}

function cpuListAt(text: string, path: (string | number)[], nbits: number, issues: PathIssue[]): number[] | null {
  try {
    return parseCpuList(text, nbits);
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    issues.push({ path, message: e.detail || `expected ${EXPECT_CPULIST}, got ${JSON.stringify(text)}` });
    return null;
  }
}

const RT_POLICIES = new Set(['SCHED_FIFO', 'SCHED_RR']);

function resolveTask(
  t: TaskFile,
  i: number,
  machine: MachineSpec,
  scheduler: 'eevdf' | 'cfs',
  durationNs: number,
  files: Map<string, { sizeBytes: number }>,
  opts: ResolveOptions,
  issues: PathIssue[],
): TaskSpec {
  const at = (...p: (string | number)[]) => ['tasks', i, ...p];
  let cpus: number[] = [];
  if (t.cpus !== undefined) {
    // Parsed against NR_CPUS first, so a CPU the machine lacks gets its own message.
    const parsed = cpuListAt(t.cpus, at('cpus'), NR_CPUS_MAX, issues);
    const missing = parsed?.filter((c) => c >= machine.cpus) ?? [];
    if (parsed?.length === 0) {
      issues.push({ path: at('cpus'), message: `expected at least one CPU (sched_setaffinity refuses an empty mask with EINVAL), got ${JSON.stringify(t.cpus)}` });
    } else if (missing.length) {
      issues.push({
        path: at('cpus'),
        message: `expected CPUs of this machine (${formatCpuList(Array.from({ length: machine.cpus }, (_, c) => c))}), got ${JSON.stringify(t.cpus)}: CPU ${formatCpuList(missing)} does not exist`,
      });
    }
    cpus = (parsed ?? []).filter((c) => c < machine.cpus);
  }
  const cgroup = t.cgroup ?? '/';
  if (!cgroup.startsWith('/')) issues.push({ path: at('cgroup'), message: `expected a cgroup path starting with "/" like /${cgroup}, got ${JSON.stringify(cgroup)}` });

  const policy = t.policy ?? 'SCHED_OTHER';
  const rt = RT_POLICIES.has(policy);
  const rtPriority = t.rt_priority ?? 0;
  // kernel/sched/syscalls.c: __sched_setscheduler(): RT policies need 1..99, the others 0.
  if (rt && rtPriority === 0) {
    issues.push({ path: t.rt_priority === undefined ? at('policy') : at('rt_priority'), message: `expected rt_priority 1..99 with ${policy} (sched_setscheduler refuses 0 with EINVAL)` });
  }
  if (!rt && rtPriority !== 0) {
    issues.push({ path: at('rt_priority'), message: `expected rt_priority 0 with ${policy} (only SCHED_FIFO/SCHED_RR take a priority; sched_setscheduler refuses it with EINVAL)` });
  }
  const start = t.start ?? 0;
  if (start > durationNs) issues.push({ path: at('start'), message: `expected a start within the duration (${formatDuration(durationNs)}), got ${formatDuration(start)}` });
  const slice = t.slice ?? 0;
  if (t.slice !== undefined) {
    if (slice < SLICE_MIN_NS || slice > SLICE_MAX_NS) {
      issues.push({ path: at('slice'), message: `expected a slice from 100us to 100ms (the range sched_setattr clamps sched_runtime to), got ${formatDuration(slice)}` });
    } else if (rt) {
      issues.push({ path: at('slice'), message: `expected no slice with ${policy}: a custom slice applies to fair tasks only` });
    } else if (scheduler !== 'eevdf') {
      issues.push({ path: at('slice'), message: 'expected no slice with kernel.scheduler cfs: custom slices are an EEVDF feature (6.12+)' });
    }
  }
  return {
    name: t.name,
    cgroup: normalizeCgroupPath(cgroup),
    cpus,
    nice: t.nice ?? 0,
    policy,
    rtPriority,
    count: t.count ?? 1,
    oomScoreAdj: t.oom_score_adj ?? 0,
    startNs: start,
    sliceNs: slice,
    ...(t.mempolicy ? { mempolicy: resolveMempolicy(t.mempolicy, machine.numa.nodes.length, at('mempolicy'), issues) } : {}),
    run: resolveRun(t.run, t.name, at('run'), files, opts, issues, machine),
  };
}

/**
 * mm/mempolicy.c: mpol_new() / sanitize_mpol_flags(): MPOL_DEFAULT takes no
 * nodes, the others a non-empty mask of existing nodes (EINVAL otherwise);
 * numactl --preferred names one node.
 */
function resolveMempolicy(p: { mode: MemPolicyMode; nodes?: string | undefined }, nrNodes: number, at: (string | number)[], issues: PathIssue[]): MemPolicySpec {
  const all = formatCpuList(Array.from({ length: nrNodes }, (_, n) => n));
  if (p.nodes === undefined) {
    if (p.mode !== 'default') issues.push({ path: [...at, 'mode'], message: `expected nodes with mode ${p.mode} (set_mempolicy refuses an empty node mask with EINVAL)` });
    return { mode: p.mode, nodes: [] };
  }
  const nodes = cpuListAt(p.nodes, [...at, 'nodes'], NR_CPUS_MAX, issues) ?? [];
  const missing = nodes.filter((n) => n >= nrNodes);
  if (p.mode === 'default') issues.push({ path: [...at, 'nodes'], message: 'expected no nodes with mode default (MPOL_DEFAULT takes an empty mask; set_mempolicy refuses others with EINVAL)' });
  else if (nodes.length === 0) issues.push({ path: [...at, 'nodes'], message: `expected at least one node of this machine (${all}), got ${JSON.stringify(p.nodes)}` });
  else if (missing.length)
    issues.push({ path: [...at, 'nodes'], message: `expected nodes of this machine (${all}), got ${JSON.stringify(p.nodes)}: node ${formatCpuList(missing)} does not exist (set_mempolicy refuses it with EINVAL)` });
  else if (p.mode === 'preferred' && nodes.length !== 1) issues.push({ path: [...at, 'nodes'], message: `expected one node with mode preferred (numactl --preferred=N), got ${JSON.stringify(p.nodes)}` });
  return { mode: p.mode, nodes: nodes.filter((n) => n < nrNodes) };
}

function resolveRun(
  r: RunFile,
  taskName: string,
  at: (string | number)[],
  files: Map<string, { sizeBytes: number }>,
  opts: ResolveOptions,
  issues: PathIssue[],
  machine?: MachineSpec,
): RunSpec {
  switch (r.type) {
    case 'pktgen': {
      const nics = machine?.nics ?? [];
      if (!nics.some((n) => n.name === r.nic)) {
        issues.push({ path: [...at, 'nic'], message: `expected a NIC declared under machine.nics (${nics.length ? nics.map((n) => n.name).join(', ') : 'none declared'}), got ${JSON.stringify(r.nic)}` });
      }
      const size = r.size ?? 64;
      // pktgen: pkt_size below ETH_ZLEN (60) is raised to it; above the MTU frame (1514) the link drops it.
      if (size < 60 || size > 1514) issues.push({ path: [...at, 'size'], message: `expected a frame size from 60 to 1514 bytes (ETH_ZLEN to the 1500-byte MTU frame), got ${size}` });
      return { type: 'pktgen', nic: r.nic, ratePerSec: r.rate, sizeBytes: size, flows: r.flows ?? 1, port: r.port ?? 9, proto: r.proto ?? 'udp' };
    }
    case 'stream': {
      const nics = machine?.nics ?? [];
      if (!nics.some((n) => n.name === r.nic)) {
        issues.push({ path: [...at, 'nic'], message: `expected a NIC declared under machine.nics (${nics.length ? nics.map((n) => n.name).join(', ') : 'none declared'}), got ${JSON.stringify(r.nic)}` });
      }
      const size = r.size ?? 1514;
      if (size < 128 || size > 1514) issues.push({ path: [...at, 'size'], message: `expected a frame size from 128 to 1514 bytes (TCP segments with 66 bytes of headers), got ${size}` });
      return { type: 'stream', nic: r.nic, port: r.port ?? 5001, sizeBytes: size, windowBytes: r.window ?? 4 * 1024 * 1024, rttNs: r.rtt ?? 100_000 };
    }
    case 'assoc': {
      const nics = machine?.nics ?? [];
      r.paths.forEach((p, i) => {
        if (!nics.some((n) => n.name === p)) issues.push({ path: [...at, 'paths', i], message: `expected a NIC declared under machine.nics (${nics.length ? nics.map((n) => n.name).join(', ') : 'none declared'}), got ${JSON.stringify(p)}` });
      });
      const size = r.size ?? 256;
      if (size < 60 || size > 1514) issues.push({ path: [...at, 'size'], message: `expected a frame size from 60 to 1514 bytes, got ${size}` });
      return { type: 'assoc', paths: [...r.paths], port: r.port ?? 2905, ratePerSec: r.rate, sizeBytes: size, failoverNs: r.failover ?? 1_000_000_000 };
    }
    case 'forward': {
      const nics = machine?.nics ?? [];
      if (!nics.some((n) => n.name === r.to)) {
        issues.push({ path: [...at, 'to'], message: `expected a NIC declared under machine.nics (${nics.length ? nics.map((n) => n.name).join(', ') : 'none declared'}), got ${JSON.stringify(r.to)}` });
      }
      return { type: 'forward', port: r.port ?? 9, to: r.to, costNs: r.cost ?? DEFAULT_FORWARD_COST_NS };
    }
    case 'send': {
      const nics = machine?.nics ?? [];
      if (!nics.some((n) => n.name === r.nic)) {
        issues.push({ path: [...at, 'nic'], message: `expected a NIC declared under machine.nics (${nics.length ? nics.map((n) => n.name).join(', ') : 'none declared'}), got ${JSON.stringify(r.nic)}` });
      }
      return { type: 'send', nic: r.nic, port: r.port ?? 5001 };
    }
    case 'netrecv':
      return { type: 'netrecv', port: r.port ?? 9, costNs: r.cost ?? DEFAULT_RECV_COST_NS, batch: r.batch ?? 64, rcvbufBytes: r.rcvbuf ?? 0 };
    case 'wss-scanner':
      return { type: 'wss-scanner', periodNs: r.period ?? DEFAULT_WSS_PERIOD_NS, pageCostNs: r.page_cost ?? DEFAULT_WSS_PAGE_COST_NS };
    case 'cpu':
      return { type: 'cpu' };
    case 'periodic':
      if (r.busy > r.period) issues.push({ path: [...at, 'busy'], message: `expected busy ≤ period (${formatDuration(r.period)}), got ${formatDuration(r.busy)}` });
      return { type: 'periodic', busyNs: r.busy, periodNs: r.period, jitter: r.jitter ?? 0 };
    case 'alloc': {
      const step = r.step ?? r.size;
      if (step > r.size) issues.push({ path: [...at, 'step'], message: `expected step ≤ size (${formatSize(r.size)}), got ${formatSize(step)}` });
      hugetlbWithMadvise(r, at, issues);
      return { type: 'alloc', sizeBytes: r.size, stepBytes: step, everyNs: r.every ?? 0, touch: r.touch ?? 'sequential', then: r.then ?? 'hold', ...(r.madvise !== undefined ? { madvise: r.madvise } : {}), ...(r.pin ? { pin: true } : {}), ...(r.hugetlb ? { hugetlb: true } : {}) };
    }
    case 'workingset': {
      const pattern = r.pattern ?? 'uniform';
      if (r.theta !== undefined && pattern !== 'zipf') issues.push({ path: [...at, 'theta'], part: 'key', message: 'applies only to pattern: zipf' });
      hugetlbWithMadvise(r, at, issues);
      return { type: 'workingset', sizeBytes: r.size, pattern, theta: r.theta ?? DEFAULT_ZIPF_THETA, ratePerSec: r.rate, ...(r.work !== undefined ? { workNs: r.work } : {}), ...(r.madvise !== undefined ? { madvise: r.madvise } : {}), ...(r.hugetlb ? { hugetlb: true } : {}) };
    }
    case 'read':
    case 'write': {
      const file = files.get(r.file);
      if (!file) {
        const known = [...files.keys()];
        issues.push({ path: [...at, 'file'], message: `expected a file declared under files (${known.length ? known.join(', ') : 'none declared'}), got ${JSON.stringify(r.file)}` });
      }
      const size = r.size ?? file?.sizeBytes ?? 0;
      if (file && size > file.sizeBytes) issues.push({ path: [...at, 'size'], message: `expected at most the file's size (${formatSize(file.sizeBytes)}), got ${formatSize(size)}` });
      const bs = r.bs ?? DEFAULT_BS;
      if (file && bs > size) issues.push({ path: [...at, 'bs'], message: `expected bs ≤ size (${formatSize(size)}), got ${formatSize(bs)}` });
      const direct = r.direct ?? false;
      if (direct && r.mmap) issues.push({ path: [...at, 'mmap'], message: 'expected mmap or direct, not both: O_DIRECT does not apply to a file mapping' });
      if (direct && bs % LOGICAL_BLOCK !== 0) {
        issues.push({ path: [...at, 'bs'], message: `expected a multiple of the 512-byte logical block size with direct: true (O_DIRECT I/O gets EINVAL otherwise), got ${bs}` });
      }
      return {
        type: r.type,
        file: r.file,
        sizeBytes: size,
        bs,
        pattern: r.pattern ?? 'sequential',
        direct,
        fsyncEveryBytes: r.type === 'write' ? (r.fsync ?? 0) : 0,
        loop: r.loop ?? false,
        ...(r.mmap !== undefined ? { mmap: r.mmap } : {}),
      };
    }
    case 'fio': {
      const forms = (['job', 'options', 'text'] as const).filter((k) => r[k] !== undefined);
      if (forms.length !== 1) {
        issues.push({
          path: at,
          message: `expected exactly one of job (a fio job file), options (inline fio options) or text (a job file's text)${forms.length ? `, got ${forms.join(' and ')}` : ''}`,
        });
        return { type: 'fio', jobPath: r.job ?? null, jobText: '' };
      }
      if (r.text !== undefined) {
        checkFioJob(r.text, `${taskName} (text)`, () => [...at, 'text'], issues);
        return { type: 'fio', jobPath: null, jobText: r.text };
      }
      if (r.options !== undefined) {
        const jobText = renderFioOptions(taskName, r.options);
        const keys = Object.keys(r.options);
        // Line 1 is the [task] header; line n+2 is option n.
        checkFioJob(jobText, `${taskName} (inline)`, (line) => (keys[line - 2] !== undefined ? [...at, 'options', keys[line - 2]!] : [...at, 'options']), issues);
        return { type: 'fio', jobPath: null, jobText };
      }
      const path = resolveRelative(opts.fileName, r.job!);
      if (!opts.readFile) {
        issues.push({ path: [...at, 'job'], message: `cannot read ${JSON.stringify(path)}: this host gave the loader no way to read files` });
        return { type: 'fio', jobPath: r.job!, jobText: '' };
      }
      let jobText: string;
      try {
        jobText = opts.readFile(path);
      } catch (e) {
        issues.push({ path: [...at, 'job'], message: `expected a readable fio job file, but reading ${JSON.stringify(path)} failed: ${e instanceof Error ? e.message : String(e)}` });
        return { type: 'fio', jobPath: r.job!, jobText: '' };
      }
      checkFioJob(jobText, r.job!, () => [...at, 'job'], issues, { quote: false });
      return { type: 'fio', jobPath: r.job!, jobText };
    }
  }
}

/** Exposed for the README's default table and the renderer's forms. */
export const DEFAULTS = {
  seed: 1,
  run: 0,
  sampleInterval: '100ms',
  cgroupVersion: 2,
  cpus: 4,
  memory: '8G',
  kernelVersion: '6.18',
  hz: 1000,
  swapLatency: formatDuration(DEFAULT_SWAP_LATENCY_NS),
  swapBandwidth: `${formatSize(DEFAULT_SWAP_BANDWIDTH)}/s`,
  bs: formatSize(DEFAULT_BS),
  zipfTheta: DEFAULT_ZIPF_THETA,
} as const;

/** madvise() is THP advice; a MAP_HUGETLB region is always 2 MiB pages, so the two together are a contradiction in the scenario. */
function hugetlbWithMadvise(r: { madvise?: string | undefined; hugetlb?: boolean | undefined }, at: (string | number)[], issues: PathIssue[]): void {
  if (r.hugetlb === true && r.madvise !== undefined) {
    issues.push({ path: [...at, 'madvise'], part: 'key', message: 'expected no madvise with hugetlb: true (MADV_HUGEPAGE/NOHUGEPAGE steer transparent huge pages; a MAP_HUGETLB region is always 2 MiB pages)' });
  }
}

/** Parse the job as fio would, so a malformed job file is bad input here rather than a failure at boot. */
function checkFioJob(text: string, file: string, pathOfLine: (line: number) => (string | number)[], issues: PathIssue[], opts: { quote: boolean } = { quote: true }): void {
  try {
    parseFioJobFile(text, file);
  } catch (e) {
    if (!(e instanceof FioParseError)) throw e;
    // A file named as a job that has no [section] before the bad line is not
    // a fio job at all (a system file, a typo): say so without quoting it.
    if (!opts.quote && !text.split('\n', e.line - 1).some((l) => FIO_SECTION.test(l))) {
      issues.push({ path: pathOfLine(e.line), message: `expected a fio job file, but ${JSON.stringify(file)} has no [job] section before line ${e.line} (its content is not shown)` });
      return;
    }
    issues.push({ path: pathOfLine(e.line), message: `expected a job fio accepts: ${e.message}` });
  }
}

const FIO_SECTION = /^\s*\[[^\]]+\]\s*$/;
