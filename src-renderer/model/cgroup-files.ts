/**
 * The cgroup interface files the editor offers, with the kernel's parsing
 * and the kernel's answer to a bad write, so the editor can show
 * "Numerical result out of range (ERANGE)" before the run starts. The
 * simulator's own parsers stay authoritative: live writes go through
 * run/act and come back with its errno.
 * Sources: Documentation/admin-guide/cgroup-v2.rst, kernel/sched/core.c
 * (cpu_weight_write_u64, cpu_max_write, tg_set_cfs_bandwidth),
 * mm/memcontrol.c + mm/page_counter.c (page_counter_memparse),
 * block/blk-throttle.c (tg_set_limit), block/blk-cgroup.c (blkg_conf_prep).
 */

export type Errno = 'EINVAL' | 'ERANGE' | 'ENODEV';

export interface WriteError {
  errno: Errno;
  /** strerror text, as the shell prints it after `echo … >`. */
  strerror: string;
  detail: string;
}

export interface FileContext {
  /** CPUs of the machine (cpuset.cpus must name existing ones). */
  cpus: number;
  /** "MAJ:MIN" of the block devices (io.max names a device). */
  devices: string[];
}

export interface CgroupFileDef {
  name: string;
  controller: 'cpu' | 'memory' | 'io' | 'cpuset' | 'pids' | 'cgroup' | 'cpuacct' | 'blkio';
  version: 1 | 2;
  defaultValue: string;
  /** One line for the side panel: range and unit, as cgroup-v2.rst states it. */
  help: string;
  validate(value: string, ctx: FileContext): WriteError | null;
}

const STRERROR: Record<Errno, string> = {
  EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range',
  ENODEV: 'No such device',
};

const err = (errno: Errno, detail: string): WriteError => ({ errno, strerror: STRERROR[errno], detail });

/** `echo VALUE > FILE` failure line, as bash prints it. */
export function formatWriteError(file: string, e: WriteError): string {
  return `write error: ${file}: ${e.strerror} (${e.errno}) — ${e.detail}`;
}

// kstrtou64/kstrtoll accept an optional trailing newline only.
const isUint = (s: string): boolean => /^\d+$/.test(s);
const isInt = (s: string): boolean => /^-?\d+$/.test(s);

function range(lo: number, hi: number, what: string) {
  return (v: string): WriteError | null => {
    const s = v.trim();
    if (!(lo < 0 ? isInt(s) : isUint(s))) return err('EINVAL', `${what} must be an integer`);
    const n = Number(s);
    return n < lo || n > hi ? err('ERANGE', `${what} must be ${lo}..${hi}`) : null;
  };
}

// mm/page_counter.c: page_counter_memparse — "max" or memparse() (K M G T P E suffixes).
export function parseMemory(v: string): number | null {
  const s = v.trim();
  if (s === 'max') return Infinity;
  const m = /^(\d+)([kKmMgGtTpPeE]?)$/.exec(s);
  if (!m) return null;
  const exp = ' KMGTPE'.indexOf((m[2] || ' ').toUpperCase());
  // Rounded down to PAGE_SIZE (4 KiB), as the counter stores pages.
  return Math.floor((Number(m[1]) * 1024 ** exp) / 4096) * 4096;
}
const memory = (v: string): WriteError | null => (parseMemory(v) === null ? err('EINVAL', 'expected bytes with an optional K/M/G/T suffix, or "max"') : null);

// kernel/sched/core.c: min_cfs_quota_period 1 ms, max_cfs_quota_period 1 s (µs here).
const MIN_PERIOD_US = 1000;
const MAX_PERIOD_US = 1_000_000;
const MIN_QUOTA_US = 1000;

function cpuMax(v: string): WriteError | null {
  const t = v.trim().split(/\s+/);
  if (t.length < 1 || t.length > 2 || t[0] === '') return err('EINVAL', 'expected "$MAX $PERIOD" (µs), e.g. "50000 100000" or "max 100000"');
  if (t[0] !== 'max' && !isUint(t[0]!)) return err('EINVAL', `quota "${t[0]}" is neither "max" nor a number of µs`);
  if (t[1] !== undefined && !isUint(t[1])) return err('EINVAL', `period "${t[1]}" is not a number of µs`);
  const period = t[1] === undefined ? 100000 : Number(t[1]);
  if (period < MIN_PERIOD_US || period > MAX_PERIOD_US) return err('EINVAL', 'period must be 1000..1000000 µs (1 ms..1 s)');
  if (t[0] !== 'max' && Number(t[0]) < MIN_QUOTA_US) return err('EINVAL', 'quota must be at least 1000 µs (1 ms)');
  return null;
}

function bool01(v: string): WriteError | null {
  return /^[01]$/.test(v.trim()) ? null : err('EINVAL', 'expected 0 or 1');
}

function cpulist(v: string, ctx: FileContext): WriteError | null {
  const s = v.trim();
  if (s === '') return null;
  for (const part of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return err('EINVAL', `"${part}" is not a CPU list entry (N or N-M)`);
    const hi = Number(m[2] ?? m[1]);
    if (Number(m[1]) > hi) return err('EINVAL', `range ${part} runs backwards`);
    if (hi >= ctx.cpus) return err('EINVAL', `CPU ${hi} does not exist (the machine has CPUs 0-${ctx.cpus - 1})`);
  }
  return null;
}

// block/blk-throttle.c: tg_set_limit — "MAJ:MIN" then rbps/wbps/riops/wiops=N|max.
function ioMax(v: string, ctx: FileContext): WriteError | null {
  const lines = v.trim().split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return err('EINVAL', 'expected "MAJ:MIN rbps=N wbps=N riops=N wiops=N"');
  for (const line of lines) {
    const [dev, ...kv] = line.trim().split(/\s+/);
    if (!/^\d+:\d+$/.test(dev!)) return err('EINVAL', `"${dev}" is not MAJ:MIN`);
    if (!ctx.devices.includes(dev!)) return err('ENODEV', `no block device ${dev} (devices: ${ctx.devices.join(', ') || 'none'})`);
    for (const p of kv) {
      const m = /^(rbps|wbps|riops|wiops)=(\d+|max)$/.exec(p);
      if (!m) return err('EINVAL', `"${p}" is not rbps=, wbps=, riops= or wiops= with a number or max`);
    }
  }
  return null;
}

function ioWeight(v: string, ctx: FileContext): WriteError | null {
  const t = v.trim().split(/\s+/);
  const w = t.length === 1 ? t[0]! : t[1]!;
  if (t.length === 2 && t[0] !== 'default') {
    if (!/^\d+:\d+$/.test(t[0]!)) return err('EINVAL', `"${t[0]}" is neither "default" nor MAJ:MIN`);
    if (!ctx.devices.includes(t[0]!)) return err('ENODEV', `no block device ${t[0]}`);
    if (w === 'default') return null;
  }
  if (t.length > 2) return err('EINVAL', 'expected "default N", "MAJ:MIN N" or "N"');
  return range(1, 10000, 'io.weight')(w);
}

function pidsMax(v: string): WriteError | null {
  return v.trim() === 'max' || isUint(v.trim()) ? null : err('EINVAL', 'expected a number or "max"');
}

function v1Quota(v: string): WriteError | null {
  const s = v.trim();
  if (!isInt(s)) return err('EINVAL', 'expected µs or -1');
  const n = Number(s);
  if (n === -1) return null;
  return n < MIN_QUOTA_US ? err('EINVAL', 'quota must be -1 or at least 1000 µs') : null;
}

function v1Memory(v: string): WriteError | null {
  return v.trim() === '-1' ? null : memory(v);
}

function v1BlkioDevice(v: string, ctx: FileContext): WriteError | null {
  const m = /^(\d+:\d+)\s+(\d+)$/.exec(v.trim());
  if (!m) return err('EINVAL', 'expected "MAJ:MIN VALUE"');
  return ctx.devices.includes(m[1]!) ? null : err('ENODEV', `no block device ${m[1]}`);
}

export const CGROUP_FILES: CgroupFileDef[] = [
  { name: 'cpu.weight', controller: 'cpu', version: 2, defaultValue: '100', help: 'relative CPU share, 1–10000 (default 100)', validate: range(1, 10000, 'cpu.weight') },
  { name: 'cpu.weight.nice', controller: 'cpu', version: 2, defaultValue: '0', help: 'weight as a nice value, -20..19', validate: range(-20, 19, 'cpu.weight.nice') },
  { name: 'cpu.max', controller: 'cpu', version: 2, defaultValue: 'max 100000', help: '"$QUOTA $PERIOD" in µs; quota ≥ 1 ms, 1 ms ≤ period ≤ 1 s', validate: cpuMax },
  { name: 'cpu.idle', controller: 'cpu', version: 2, defaultValue: '0', help: '1 = SCHED_IDLE weight for the group', validate: bool01 },
  { name: 'memory.min', controller: 'memory', version: 2, defaultValue: '0', help: 'hard protection, bytes (K/M/G suffixes), rounded to 4 KiB pages', validate: memory },
  { name: 'memory.low', controller: 'memory', version: 2, defaultValue: '0', help: 'best-effort protection, bytes', validate: memory },
  { name: 'memory.high', controller: 'memory', version: 2, defaultValue: 'max', help: 'throttle limit (never OOM), bytes or max', validate: memory },
  { name: 'memory.max', controller: 'memory', version: 2, defaultValue: 'max', help: 'hard limit: reclaim, then OOM kill; bytes or max', validate: memory },
  { name: 'memory.swap.max', controller: 'memory', version: 2, defaultValue: 'max', help: 'swap limit, bytes or max', validate: memory },
  { name: 'memory.oom.group', controller: 'memory', version: 2, defaultValue: '0', help: '1 = OOM kills the whole group', validate: bool01 },
  { name: 'io.max', controller: 'io', version: 2, defaultValue: '', help: '"MAJ:MIN rbps=N wbps=N riops=N wiops=N", max removes a limit', validate: ioMax },
  { name: 'io.weight', controller: 'io', version: 2, defaultValue: 'default 100', help: '"default N" or "MAJ:MIN N", 1–10000', validate: ioWeight },
  { name: 'cpuset.cpus', controller: 'cpuset', version: 2, defaultValue: '', help: 'CPU list, e.g. 0-3,8', validate: cpulist },
  { name: 'pids.max', controller: 'pids', version: 2, defaultValue: 'max', help: 'task limit or max', validate: pidsMax },
  { name: 'cpu.shares', controller: 'cpu', version: 1, defaultValue: '1024', help: 'v1 weight, 2–262144 (out-of-range values are clamped)', validate: (v) => (isUint(v.trim()) ? null : err('EINVAL', 'expected an integer')) },
  { name: 'cpu.cfs_quota_us', controller: 'cpu', version: 1, defaultValue: '-1', help: 'µs per period, -1 = unlimited, else ≥ 1000', validate: v1Quota },
  { name: 'cpu.cfs_period_us', controller: 'cpu', version: 1, defaultValue: '100000', help: '1000–1000000 µs', validate: range(MIN_PERIOD_US, MAX_PERIOD_US, 'cpu.cfs_period_us') },
  { name: 'cpuset.cpus', controller: 'cpuset', version: 1, defaultValue: '', help: 'CPU list', validate: cpulist },
  { name: 'memory.limit_in_bytes', controller: 'memory', version: 1, defaultValue: '-1', help: 'bytes (K/M/G), -1 = unlimited', validate: v1Memory },
  { name: 'memory.soft_limit_in_bytes', controller: 'memory', version: 1, defaultValue: '-1', help: 'bytes, -1 = unlimited', validate: v1Memory },
  { name: 'blkio.throttle.read_bps_device', controller: 'blkio', version: 1, defaultValue: '', help: '"MAJ:MIN bytes/s"', validate: v1BlkioDevice },
  { name: 'blkio.throttle.write_bps_device', controller: 'blkio', version: 1, defaultValue: '', help: '"MAJ:MIN bytes/s"', validate: v1BlkioDevice },
  { name: 'blkio.throttle.read_iops_device', controller: 'blkio', version: 1, defaultValue: '', help: '"MAJ:MIN IOPS"', validate: v1BlkioDevice },
  { name: 'blkio.throttle.write_iops_device', controller: 'blkio', version: 1, defaultValue: '', help: '"MAJ:MIN IOPS"', validate: v1BlkioDevice },
];

export function filesFor(version: 1 | 2): CgroupFileDef[] {
  return CGROUP_FILES.filter((f) => f.version === version);
}

export function validateWrite(version: 1 | 2, file: string, value: string, ctx: FileContext): WriteError | null {
  const def = CGROUP_FILES.find((f) => f.version === version && f.name === file);
  if (!def) return err('EINVAL', `${file} is not a cgroup v${version} interface file the editor knows`);
  return def.validate(value, ctx);
}

/** Cgroup path rules: absolute, no "." or ".." components, no empty names, no slashes doubled. */
export function validateCgroupPath(path: string): string | null {
  if (!path.startsWith('/')) return 'a cgroup path starts with "/" (e.g. /batch)';
  if (path === '/') return null;
  for (const part of path.slice(1).split('/')) {
    if (part === '' || part === '.' || part === '..') return `"${path}" has an empty, "." or ".." component`;
    if (/[\s]/.test(part)) return `"${part}": cgroup names in scenarios may not contain spaces`;
  }
  return null;
}
