import type { PathIssue } from './issues';
import { partitionName } from './resolve';
import type { BlockDeviceSpec, NicSpec, Scenario } from './types';
import { NIC_MODELS } from '../hw/net/nic-types';
import { closest } from './suggest';
import { formatDuration } from './units';

/**
 * Semantic checks on a resolved scenario that the schema cannot express:
 * names that must be unique or must exist, device numbers that must not
 * clash, the cgroup v2 rule that keeps processes out of inner groups, and
 * the device set along the timeline (plug/unplug). Kernel-refused writes are
 * checked separately, on a booted scratch kernel (kernel-check.ts).
 */
export function semanticIssues(s: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  checkTaskNames(s, issues);
  checkDevices(s, issues);
  checkInnerGroups(s, issues);
  return issues;
}

function checkTaskNames(s: Scenario, issues: PathIssue[]): void {
  const first = new Map<string, number>();
  s.tasks.forEach((t, i) => {
    const prev = first.get(t.name);
    if (prev !== undefined) issues.push({ path: ['tasks', i, 'name'], message: `expected a unique task name, got ${JSON.stringify(t.name)} (also tasks[${prev}])` });
    else first.set(t.name, i);
  });
}

/** Names and MAJ:MIN numbers a disk takes: itself and its partitions (partition n is minor + n). */
function nodesOf(d: BlockDeviceSpec): { name: string; devt: string }[] {
  const out = [{ name: d.name, devt: `${d.major}:${d.minor}` }];
  d.partitions.forEach((_, i) => out.push({ name: partitionName(d.name, i + 1), devt: `${d.major}:${d.minor + i + 1}` }));
  return out;
}

function checkDevices(s: Scenario, issues: PathIssue[]): void {
  // Present devices, by name and by MAJ:MIN, as the timeline goes on.
  const byName = new Map<string, string>();
  const byDevt = new Map<string, { node: string; disk: string }>();
  const add = (d: BlockDeviceSpec, at: (string | number)[]): void => {
    if (byName.has(d.name)) {
      issues.push({ path: [...at, 'name'], message: `expected a device name not in use, got ${JSON.stringify(d.name)} (already present)` });
      return;
    }
    for (const n of nodesOf(d)) {
      const clash = byDevt.get(n.devt);
      if (clash !== undefined) {
        issues.push({ path: [...at, 'minor'], message: `expected a free MAJ:MIN, but ${n.name} would be ${n.devt}, which ${clash.node} already has` });
        return;
      }
    }
    for (const n of nodesOf(d)) {
      byName.set(n.name, d.name);
      byDevt.set(n.devt, { node: n.name, disk: d.name });
    }
  };
  s.machine.devices.forEach((d, i) => add(d, ['machine', 'devices', i]));
  const known = (): string => (byName.size ? [...byName.keys()].join(', ') : 'none');

  s.files.forEach((f, i) => {
    if (f.device !== null && !byName.has(f.device)) issues.push({ path: ['files', i, 'device'], message: `expected a device of machine.devices (${known()}), got ${JSON.stringify(f.device)}` });
  });
  const seen = new Map<string, number>();
  s.files.forEach((f, i) => {
    const prev = seen.get(f.path);
    if (prev !== undefined) issues.push({ path: ['files', i, 'path'], message: `expected a unique path, got ${JSON.stringify(f.path)} (also files[${prev}])` });
    else seen.set(f.path, i);
  });
  const swap = s.machine.swap;
  if (swap?.device != null && !byName.has(swap.device)) {
    issues.push({ path: ['machine', 'swap', 'device'], message: `expected a device of machine.devices (${known()}), got ${JSON.stringify(swap.device)}` });
  }

  // Replay plug/unplug in time order (as Simulation applies them) to check names.
  const order = s.timeline.map((a, i) => ({ a, i })).sort((x, y) => x.a.atNs - y.a.atNs || x.i - y.i);
  const nics = new Set((s.machine.nics ?? []).map((n) => n.name));
  const slots = new Map((s.machine.nics ?? []).map((n) => [n.pciBus, n.name]));
  const nicList = (): string => (nics.size ? [...nics].join(', ') : 'none');
  for (const { a, i } of order) {
    if (a.kind === 'plug_nic') {
      if (nics.has(a.nic.name)) issues.push({ path: ['timeline', i, 'plug', 'name'], message: `expected a name no NIC has at ${formatDuration(a.atNs)} (present: ${nicList()}), got ${JSON.stringify(a.nic.name)}` });
      const holder = slots.get(a.nic.pciBus);
      if (holder !== undefined && holder !== a.nic.name) {
        issues.push({ path: ['timeline', i, 'plug', 'pci_bus'], message: `expected a free PCI bus at ${formatDuration(a.atNs)}: bus ${a.nic.pciBus} holds ${holder}` });
      }
      nics.add(a.nic.name);
      slots.set(a.nic.pciBus, a.nic.name);
      continue;
    }
    if (a.kind === 'unplug_nic') {
      if (!nics.has(a.nic)) issues.push({ path: ['timeline', i, 'unplug'], message: `expected a NIC present at ${formatDuration(a.atNs)} (${nicList()}), got ${JSON.stringify(a.nic)}` });
      nics.delete(a.nic);
      for (const [bus, name] of slots) if (name === a.nic) slots.delete(bus);
      continue;
    }
    if (a.kind === 'plug') add(a.device, ['timeline', i, 'plug']);
    else if (a.kind === 'unplug') {
      const disk = byName.get(a.device);
      if (disk === undefined || disk !== a.device) {
        const why = disk !== undefined ? `: ${a.device} is a partition of ${disk}; unplug the disk` : '';
        issues.push({ path: ['timeline', i, 'unplug'], message: `expected a disk present at ${formatDuration(a.atNs)} (${known()}), got ${JSON.stringify(a.device)}${why}` });
        continue;
      }
      for (const [name, owner] of [...byName]) if (owner === disk) byName.delete(name);
      for (const [devt, owner] of [...byDevt]) if (owner.disk === disk) byDevt.delete(devt);
    }
  }
}

const CONTROLLER_FILE = /^(cpu|cpuset|memory|io|pids|hugetlb|rdma|misc)\./;

/**
 * cgroup v2 "no internal process" rule (Documentation/admin-guide/cgroup-v2.rst):
 * a non-root group whose children have controllers enabled cannot hold
 * processes; writing a pid to its cgroup.procs fails with EBUSY.
 */
function checkInnerGroups(s: Scenario, issues: PathIssue[]): void {
  if (s.cgroupVersion !== 2) return;
  const controlled = s.cgroups.filter((g) => g.writes.some(([f]) => CONTROLLER_FILE.test(f))).map((g) => g.path);
  s.tasks.forEach((t, i) => {
    if (t.cgroup === '/') return;
    const child = controlled.find((p) => p.startsWith(`${t.cgroup}/`));
    if (child !== undefined) {
      issues.push({
        path: ['tasks', i, 'cgroup'],
        message: `expected a leaf group: ${t.cgroup} has child ${child} with controllers enabled, and cgroup v2 keeps processes out of such inner groups (the kernel refuses the cgroup.procs write with EBUSY)`,
      });
    }
  });
}

/**
 * Checks that the loader makes while resolving a file, repeated for a
 * Scenario built in code (the renderer's editor, presets): CPUs that exist,
 * times within the run, a NUMA layout the kernel would accept.
 */
export function resolvedIssues(s: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const n = s.machine.cpus;
  const nodeCpus = s.machine.numa.nodes.reduce((sum, node) => sum + node.cpus.length, 0);
  if (n < 1) issues.push({ path: ['machine', 'cpus'], message: `expected at least one CPU, got ${n}` });
  else if (nodeCpus !== n) issues.push({ path: ['machine', 'cpus'], message: `expected ${nodeCpus} (the CPUs of the NUMA nodes), got ${n}` });
  s.machine.numa.distances.forEach((row, i) =>
    row.forEach((d, j) => {
      if ((i === j && d !== 10) || (i !== j && d <= 10)) {
        issues.push({ path: ['machine', 'numa', 'distances', i, j], message: `expected ${i === j ? '10 on the diagonal' : 'a remote distance ≥ 11'}, got ${d}` });
      }
    }),
  );
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 2 ** 32 - 1) issues.push({ path: ['seed'], message: `expected a whole number from 0 to 4294967295, got ${s.seed}` });
  if (!Number.isInteger(s.sampleIntervalNs) || s.sampleIntervalNs <= 0) issues.push({ path: ['sample_interval'], message: `expected a positive sample interval, got ${formatDuration(s.sampleIntervalNs)}` });
  s.record.forEach((p, i) => {
    if (!p.startsWith('/')) issues.push({ path: ['record', i], message: `expected an absolute virtual file path like /proc/pressure/cpu, got ${JSON.stringify(p)}` });
  });
  s.tasks.forEach((t, i) => {
    const missing = t.cpus.filter((c) => c < 0 || c >= n);
    if (missing.length) issues.push({ path: ['tasks', i, 'cpus'], message: `expected CPUs of this machine (0-${n - 1}), got CPU ${missing.join(',')}` });
    // kernel/sched/syscalls.c: __sched_setscheduler(): SCHED_FIFO/SCHED_RR need 1..99, the others 0 (as resolve.ts checks a file).
    const rt = t.policy === 'SCHED_FIFO' || t.policy === 'SCHED_RR';
    if (rt && (!Number.isInteger(t.rtPriority) || t.rtPriority < 1 || t.rtPriority > 99)) {
      issues.push({ path: ['tasks', i, 'rt_priority'], message: `expected rt_priority 1..99 with ${t.policy} (sched_setscheduler refuses ${t.rtPriority} with EINVAL)` });
    }
    if (!rt && t.rtPriority !== 0) {
      issues.push({ path: ['tasks', i, 'rt_priority'], message: `expected rt_priority 0 with ${t.policy} (only SCHED_FIFO/SCHED_RR take a priority; sched_setscheduler refuses it with EINVAL)` });
    }
    if (t.startNs > s.durationNs) issues.push({ path: ['tasks', i, 'startNs'], message: `expected a start within the duration (${formatDuration(s.durationNs)}), got ${formatDuration(t.startNs)}` });
  });
  s.timeline.forEach((a, i) => {
    if (a.atNs > s.durationNs) issues.push({ path: ['timeline', i, 'atNs'], message: `expected a time within the duration (${formatDuration(s.durationNs)}), got ${formatDuration(a.atNs)}` });
    if (a.kind === 'plug_nic') issues.push(...nicIssues(a.nic, ['timeline', i, 'plug'], n));
  });
  const names = new Set<string>();
  (s.machine.nics ?? []).forEach((nic, i) => {
    issues.push(...nicIssues(nic, ['machine', 'nics', i], n));
    if (names.has(nic.name)) issues.push({ path: ['machine', 'nics', i, 'name'], message: `expected each interface name once, but ${nic.name} is already declared` });
    names.add(nic.name);
  });
  return issues;
}

/** A NIC against its model's limits (what resolveNic checks in a file), for a NIC built in code. */
function nicIssues(nic: NicSpec, at: (string | number)[], nrCpus: number): PathIssue[] {
  const out: PathIssue[] = [];
  const model = NIC_MODELS[nic.type];
  if (!model) return [{ path: [...at, 'type'], message: `expected one of ${Object.keys(NIC_MODELS).join(', ')}, got ${JSON.stringify(nic.type)}` }];
  if (!/^[a-z][a-z0-9]{0,14}$/.test(nic.name)) out.push({ path: [...at, 'name'], message: `expected an interface name like eth0 or enp3s0 (lower-case letters and digits, at most 15), got ${JSON.stringify(nic.name)}` });
  if (!model.speeds.includes(nic.speedMbps)) out.push({ path: [...at, 'speed'], message: `expected a speed ${model.driver} supports (${model.speeds.join(', ')} Mb/s), got ${nic.speedMbps}` });
  if (nic.ring > model.maxRing || nic.ring < model.minRing) {
    out.push({ path: [...at, 'ring'], message: `expected a ring size from ${model.minRing} to ${model.maxRing} (ethtool -G on ${model.driver} fails with EINVAL beyond its pre-set maximums), got ${nic.ring}` });
  }
  if (nic.queues > model.maxQueues) out.push({ path: [...at, 'queues'], message: `expected at most ${model.maxQueues} queues on ${model.driver} (ethtool -L fails with EINVAL), got ${nic.queues}` });
  const bad = nic.irqCpus.filter((c) => c < 0 || c >= nrCpus);
  if (nic.irqCpus.length === 0 || bad.length) out.push({ path: [...at, 'irq_cpus'], message: `expected CPUs of this machine (0-${nrCpus - 1}); writing CPU ${bad.join(',') || 'none'} to smp_affinity_list fails with EINVAL` });
  return out;
}

/**
 * Things that load but are probably not what was meant. A task may create
 * its group (mkdir -p), but a group named nowhere else is more often a typo.
 */
export function warnings(s: Scenario): PathIssue[] {
  const out: PathIssue[] = [];
  const declared = s.cgroups.map((g) => g.path);
  if (declared.length === 0) return out;
  s.tasks.forEach((t, i) => {
    if (t.cgroup === '/' || declared.some((p) => p === t.cgroup || p.startsWith(`${t.cgroup}/`))) return;
    const hint = closest(t.cgroup, declared);
    out.push({
      path: ['tasks', i, 'cgroup'],
      message: `${t.cgroup} is not declared under cgroups, so it is created with default settings${hint ? ` (did you mean ${hint}?)` : ''}`,
    });
  });
  return out;
}
