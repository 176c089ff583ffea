import { formatCpuList } from './cpulist';
import type { ScenarioFileInput } from './schema';
import type { BlockDeviceSpec, MachineSpec, NicSpec, RunSpec, Scenario, TaskSpec, TimelineAction } from './types';
import { formatBandwidth, formatDuration, formatRate, formatSize } from './units';

type FileObject = Record<string, unknown>;

/**
 * The resolved Scenario written back in the file format (kernel-lab/scenario@1),
 * so an edited or replayed scenario can be saved and loaded again:
 * loadScenario(stringify(toScenarioFile(s))) gives s back. Defaults are left
 * out. Fio jobs are written as `text` (the job file's content), so the file
 * stands alone; the original job path is not kept. A workingset's theta is
 * written only for pattern zipf, the only one that uses it.
 */
export function toScenarioFile(s: Scenario): ScenarioFileInput {
  const out: FileObject = { format: s.format, name: s.name };
  if (s.description) out.description = s.description;
  out.seed = s.seed;
  if (s.run) out.run = s.run;
  out.duration = formatDuration(s.durationNs);
  out.sample_interval = formatDuration(s.sampleIntervalNs);
  out.cgroup_version = s.cgroupVersion;
  out.machine = machineFile(s.machine);
  const kernel: FileObject = { version: s.kernel.version, scheduler: s.kernel.scheduler, hz: s.kernel.hz };
  if (s.kernel.net) kernel.net = { rx_mode: s.kernel.net.rxMode, stack_cost: formatDuration(s.kernel.net.stackCostNs) };
  if (s.kernel.sysctl.length) kernel.sysctl = Object.fromEntries(s.kernel.sysctl);
  const zs = s.kernel.zswap;
  if (zs) {
    kernel.zswap = {
      enabled: zs.enabled,
      max_pool_percent: zs.maxPoolPercent,
      compressor: zs.compressor,
      zpool: zs.zpool,
      accept_threshold_percent: zs.acceptThresholdPercent,
      shrinker_enabled: zs.shrinkerEnabled,
      ratio: zs.ratio,
    };
  }
  out.kernel = kernel;
  if (s.cgroups.length) out.cgroups = Object.fromEntries(s.cgroups.map((g) => [g.path, g.writes.length ? Object.fromEntries(g.writes) : null]));
  if (s.files.length) out.files = s.files.map((f) => ({ path: f.path, size: formatSize(f.sizeBytes), ...(f.device !== null ? { device: f.device } : {}) }));
  if (s.tasks.length) out.tasks = s.tasks.map(taskFile);
  if (s.timeline.length) out.timeline = s.timeline.map(actionFile);
  if (s.record.length) out.record = [...s.record];
  return out as ScenarioFileInput;
}

function isFlat(m: MachineSpec): boolean {
  const [node, ...more] = m.numa.nodes;
  return (
    node !== undefined &&
    more.length === 0 &&
    node.memoryBytes === m.memoryBytes &&
    node.cpus.length === m.cpus &&
    node.cpus.every((c, i) => c === i) &&
    m.numa.distances.length === 1 &&
    m.numa.distances[0]?.length === 1 &&
    m.numa.distances[0][0] === 10
  );
}

function machineFile(m: MachineSpec): FileObject {
  const out: FileObject = isFlat(m)
    ? { cpus: m.cpus, memory: formatSize(m.memoryBytes) }
    : {
        numa: {
          nodes: m.numa.nodes.map((n) => ({ cpus: formatCpuList(n.cpus), memory: formatSize(n.memoryBytes) })),
          distances: m.numa.distances.map((r) => [...r]),
        },
      };
  if (m.balloon) {
    out.balloon = { target: formatSize(m.balloon.targetPages * 4096), deflate_on_oom: m.balloon.deflateOnOom, free_page_reporting: m.balloon.freePageReporting };
  }
  if (m.swap) {
    out.swap =
      m.swap.device !== null
        ? { size: formatSize(m.swap.sizeBytes), device: m.swap.device }
        : { size: formatSize(m.swap.sizeBytes), latency: formatDuration(m.swap.latencyNs), bandwidth: formatBandwidth(Math.round(m.swap.bandwidthBytesPerSec)) };
  }
  if (m.devices.length) out.devices = m.devices.map(deviceFile);
  if (m.nics?.length) out.nics = m.nics.map(nicFile);
  return out;
}

function deviceFile(d: BlockDeviceSpec): FileObject {
  const out: FileObject = { name: d.name, type: d.type, size: formatSize(d.sizeBytes), major: d.major, minor: d.minor, model: d.model, serial: d.serial };
  if (d.partitions.length) out.partitions = d.partitions.map(formatSize);
  if (Object.keys(d.params).length) out.params = { ...d.params };
  if (d.badSectors.length) out.bad_sectors = d.badSectors.map((b) => ({ start: b.start, end: b.end, op: b.op }));
  return out;
}

function nicFile(n: NicSpec): FileObject {
  return {
    name: n.name,
    type: n.type,
    speed: n.speedMbps % 1000 === 0 ? `${n.speedMbps / 1000}G` : `${n.speedMbps}M`,
    queues: n.queues,
    ring: n.ring,
    irq_cpus: formatCpuList(n.irqCpus),
    rx_usecs: n.rxUsecs,
    rx_frames: n.rxFrames,
    gro: n.gro,
    ...(n.tso !== undefined ? { tso: n.tso } : {}),
    ...(n.gso !== undefined ? { gso: n.gso } : {}),
    irq_cost: formatDuration(n.irqCostNs),
    rx_cost: formatDuration(n.rxCostNs),
    pci_bus: n.pciBus,
  };
}

function taskFile(t: TaskSpec): FileObject {
  const out: FileObject = { name: t.name };
  if (t.cgroup !== '/') out.cgroup = t.cgroup;
  if (t.cpus.length) out.cpus = formatCpuList(t.cpus);
  if (t.nice) out.nice = t.nice;
  if (t.policy !== 'SCHED_OTHER') out.policy = t.policy;
  if (t.rtPriority) out.rt_priority = t.rtPriority;
  if (t.count !== 1) out.count = t.count;
  if (t.oomScoreAdj) out.oom_score_adj = t.oomScoreAdj;
  if (t.startNs) out.start = formatDuration(t.startNs);
  if (t.sliceNs) out.slice = formatDuration(t.sliceNs);
  if (t.mempolicy) out.mempolicy = t.mempolicy.nodes.length ? { mode: t.mempolicy.mode, nodes: formatCpuList(t.mempolicy.nodes) } : { mode: t.mempolicy.mode };
  out.run = runFile(t.run);
  return out;
}

function runFile(r: RunSpec): FileObject {
  switch (r.type) {
    case 'cpu':
      return { type: 'cpu' };
    case 'periodic':
      return { type: 'periodic', busy: formatDuration(r.busyNs), period: formatDuration(r.periodNs), ...(r.jitter ? { jitter: r.jitter } : {}) };
    case 'alloc':
      return { type: 'alloc', size: formatSize(r.sizeBytes), step: formatSize(r.stepBytes), every: formatDuration(r.everyNs), touch: r.touch, then: r.then, ...(r.madvise ? { madvise: r.madvise } : {}), ...(r.pin ? { pin: true } : {}), ...(r.hugetlb ? { hugetlb: true } : {}) };
    case 'workingset':
      return { type: 'workingset', size: formatSize(r.sizeBytes), pattern: r.pattern, ...(r.pattern === 'zipf' ? { theta: r.theta } : {}), rate: formatRate(r.ratePerSec), ...(r.workNs ? { work: formatDuration(r.workNs) } : {}), ...(r.madvise ? { madvise: r.madvise } : {}), ...(r.hugetlb ? { hugetlb: true } : {}) };
    case 'wss-scanner':
      return { type: 'wss-scanner', period: formatDuration(r.periodNs), page_cost: formatDuration(r.pageCostNs) };
    case 'read':
    case 'write':
      return {
        type: r.type,
        file: r.file,
        size: formatSize(r.sizeBytes),
        bs: formatSize(r.bs),
        pattern: r.pattern,
        direct: r.direct,
        loop: r.loop,
        ...(r.type === 'write' ? { fsync: formatSize(r.fsyncEveryBytes) } : {}),
        ...(r.mmap !== undefined ? { mmap: r.mmap } : {}),
      };
    case 'fio':
      return { type: 'fio', text: r.jobText };
    case 'pktgen':
      return { type: 'pktgen', nic: r.nic, rate: formatRate(r.ratePerSec), size: r.sizeBytes, flows: r.flows, port: r.port, proto: r.proto };
    case 'stream':
      return { type: 'stream', nic: r.nic, port: r.port, size: r.sizeBytes, window: formatSize(r.windowBytes), rtt: formatDuration(r.rttNs) };
    case 'assoc':
      return { type: 'assoc', paths: [...r.paths], port: r.port, rate: formatRate(r.ratePerSec), size: r.sizeBytes, failover: formatDuration(r.failoverNs) };
    case 'forward':
      return { type: 'forward', port: r.port, to: r.to, cost: formatDuration(r.costNs) };
    case 'send':
      return { type: 'send', nic: r.nic, port: r.port };
    case 'netrecv':
      return { type: 'netrecv', port: r.port, cost: formatDuration(r.costNs), batch: r.batch, ...(r.rcvbufBytes ? { rcvbuf: formatSize(r.rcvbufBytes) } : {}) };
  }
}

function actionFile(a: TimelineAction): FileObject {
  const at = formatDuration(a.atNs);
  switch (a.kind) {
    case 'write':
      return { at, write: { [a.path]: a.value } };
    case 'plug':
      return { at, plug: deviceFile(a.device) };
    case 'unplug':
      return { at, unplug: a.device };
    case 'plug_nic':
      return { at, plug: nicFile(a.nic) };
    case 'unplug_nic':
      return { at, unplug: a.nic };
  }
}
