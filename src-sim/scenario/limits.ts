import type { PathIssue } from './issues';
import { NR_CPUS_MAX } from './cpulist';
import type { Scenario } from './types';
import { formatDuration, formatSize } from './units';

/**
 * How big a scenario may be. Each limit is the kernel's own where one
 * exists; where the simulator's representation is the tighter bound it says
 * so. They are checked on the resolved scenario before anything is booted,
 * so a hostile file, editor draft or browser-mode request is refused in
 * milliseconds instead of costing gigabytes. The README lists them.
 */
export const LIMITS = {
  /** include/linux/threads.h: PID_MAX_DEFAULT (pid_max at boot on machines of ≤ 32 CPUs). */
  tasks: 32_768,
  /** arch/x86/Kconfig: NR_CPUS_RANGE_END with MAXSMP. */
  cpus: NR_CPUS_MAX,
  /**
   * Machine memory, one region (alloc, workingset), one file and swap: frame
   * and page numbers are 31-bit in the simulator (2^31 pages of 4 KiB).
   * The kernel's own x86-64 bound with 4-level paging (MAX_PHYSMEM_BITS 46) is 64 TiB.
   */
  memoryBytes: 2 ** 31 * 4096,
  /** Block devices present at boot plus those plugged along the timeline. */
  devices: 1024,
  /** include/linux/blkdev.h: DISK_MAX_PARTS. */
  partitions: 256,
  timelineActions: 100_000,
  /** Network interfaces; each has at most 128 queues and 65536 descriptors per ring (the file format's bounds). */
  nics: 64,
  /** Samples of one series (duration ÷ sample_interval + 1): every series is buffered until stored. */
  samplesPerSeries: 1_000_000,
  /** Sample values one run stores (samples × series): 8 bytes each in the session file, so at most 512 MiB per run. */
  sampleValuesPerRun: 64 * 1024 * 1024,
} as const;

/** The kernel.pid_max in force: the scenario's sysctl when it sets a valid one, capped by LIMITS.tasks. */
export function taskLimit(s: Scenario): number {
  const set = s.kernel.sysctl.find(([n]) => n === 'kernel.pid_max');
  const v = set ? Number(set[1]) : NaN;
  // kernel/pid.c: pid_max_min = RESERVED_PIDS + 1; the first 300 pids are reserved for daemons.
  return Number.isInteger(v) && v > 300 && v < LIMITS.tasks ? v - 300 : LIMITS.tasks;
}

/**
 * Issues for a scenario past a limit. Paths name the file's keys. Cheap:
 * nothing here is proportional to a declared size.
 */
export function limitIssues(s: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const m = s.machine;
  if (!(m.cpus <= LIMITS.cpus)) {
    issues.push({ path: ['machine', 'cpus'], message: `expected at most ${LIMITS.cpus} CPUs (NR_CPUS of x86-64 with MAXSMP), got ${m.cpus}` });
  }
  const mem = `${formatSize(LIMITS.memoryBytes)} (2^31 pages of 4 KiB: the simulator's page numbers are 31-bit)`;
  if (!(m.memoryBytes <= LIMITS.memoryBytes)) {
    issues.push({ path: ['machine', 'memory'], message: `expected at most ${mem}, got ${formatSize(m.memoryBytes)}` });
  }
  if (m.swap && !(m.swap.sizeBytes <= LIMITS.memoryBytes)) {
    issues.push({ path: ['machine', 'swap', 'size'], message: `expected at most ${mem}, got ${formatSize(m.swap.sizeBytes)}` });
  }
  s.files.forEach((f, i) => {
    if (!(f.sizeBytes <= LIMITS.memoryBytes)) issues.push({ path: ['files', i, 'size'], message: `expected a file of at most ${mem}, got ${formatSize(f.sizeBytes)}` });
  });

  const pidMax = taskLimit(s);
  let total = 0;
  s.tasks.forEach((t, i) => {
    const before = total;
    total += t.count;
    if (before <= pidMax && total > pidMax) {
      issues.push({
        path: ['tasks', i, 'count'],
        message: `expected at most ${pidMax} tasks in all (pid_max: include/linux/threads.h PID_MAX_DEFAULT, or kernel.pid_max less the 300 reserved pids), got ${total} with this task`,
      });
    }
    const r = t.run;
    if ((r.type === 'alloc' || r.type === 'workingset') && !(r.sizeBytes <= LIMITS.memoryBytes)) {
      issues.push({ path: ['tasks', i, 'run', 'size'], message: `expected a region of at most ${mem}, got ${formatSize(r.sizeBytes)}` });
    }
  });

  const plugs = s.timeline.filter((a) => a.kind === 'plug').length;
  if (m.devices.length + plugs > LIMITS.devices) {
    issues.push({
      path: m.devices.length > LIMITS.devices ? ['machine', 'devices'] : ['timeline'],
      message: `expected at most ${LIMITS.devices} block devices (declared and plugged), got ${m.devices.length + plugs}`,
    });
  }
  m.devices.forEach((d, i) => {
    if (d.partitions.length > LIMITS.partitions) {
      issues.push({ path: ['machine', 'devices', i, 'partitions'], message: `expected at most ${LIMITS.partitions} partitions (DISK_MAX_PARTS), got ${d.partitions.length}` });
    }
  });
  const nics = m.nics ?? [];
  const nicPlugs = s.timeline.filter((a) => a.kind === 'plug_nic').length;
  if (nics.length + nicPlugs > LIMITS.nics) {
    issues.push({ path: nics.length > LIMITS.nics ? ['machine', 'nics'] : ['timeline'], message: `expected at most ${LIMITS.nics} network interfaces (declared and plugged), got ${nics.length + nicPlugs}` });
  }
  nics.forEach((n, i) => {
    // The file's schema bounds these; a resolved scenario (run/start) is checked here.
    if (!(Number.isInteger(n.queues) && n.queues >= 1 && n.queues <= 128)) issues.push({ path: ['machine', 'nics', i, 'queues'], message: `expected an integer from 1 to 128, got ${n.queues}` });
    if (!(Number.isInteger(n.ring) && n.ring >= 1 && n.ring <= 65536)) issues.push({ path: ['machine', 'nics', i, 'ring'], message: `expected an integer from 1 to 65536, got ${n.ring}` });
  });
  if (s.timeline.length > LIMITS.timelineActions) {
    issues.push({ path: ['timeline'], message: `expected at most ${LIMITS.timelineActions} timeline actions, got ${s.timeline.length}` });
  }

  const samples = samplesPerSeries(s);
  if (!(samples <= LIMITS.samplesPerSeries)) {
    issues.push({
      path: ['sample_interval'],
      message: `expected at most ${LIMITS.samplesPerSeries} samples per series, got ${samples} (duration ${formatDuration(s.durationNs)} / sample_interval ${formatDuration(s.sampleIntervalNs)})`,
    });
  }
  return issues;
}

export function samplesPerSeries(s: Pick<Scenario, 'durationNs' | 'sampleIntervalNs'>): number {
  return Math.floor(s.durationNs / s.sampleIntervalNs) + 1;
}

/** The samples × series bound, once the booted kernel has said how many series a run records. */
export function sampleValueIssue(s: Scenario, series: number): PathIssue | null {
  const values = samplesPerSeries(s) * series;
  if (values <= LIMITS.sampleValuesPerRun) return null;
  return {
    path: [s.record.length ? 'record' : 'sample_interval'],
    message: `expected at most ${LIMITS.sampleValuesPerRun} sample values per run (${formatSize(LIMITS.sampleValuesPerRun * 8)} in the session), got ${values} (${samplesPerSeries(s)} samples × ${series} series); record fewer files or sample less often`,
  };
}
