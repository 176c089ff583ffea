import type { FioJob, IoEngine, RwMode } from './job';
import { parseBool, parseSize, parseTime } from './units';

/** Thrown by an option handler; the parser adds FILE:LINE. */
export class OptionValueError extends Error {}

type Handler = (j: FioJob, v: string | null) => void;

const need = (v: string | null, opt: string): string => {
  if (v === null || v.trim() === '') throw new OptionValueError(`option <${opt}> requires a value`);
  return v.trim();
};

const size = (opt: string) => (j: FioJob, v: string | null): number => {
  const s = need(v, opt);
  const n = parseSize(s, j.kbBase);
  if (n === null) throw new OptionValueError(`failed parsing ${opt}=${s}: expected a size such as 4k, 128m or 10g`);
  return n;
};

/** "8z": a size in zones (fio's zone suffix); the count, or null when the value is not in zones. */
const zones = (v: string): number | null => {
  const m = /^(\d+)z$/i.exec(v.trim());
  return m ? Number(m[1]) : null;
};

/** A size option that may be written in zones; `set` receives bytes (zoned values are resolved in parse.ts: finish). */
const zonedSize = (opt: 'size' | 'offset' | 'io_size' | 'offset_increment', set: (j: FioJob, n: number) => void) => (j: FioJob, v: string | null): void => {
  const s = need(v, opt);
  const z = zones(s);
  j.zoneUnits = j.zoneUnits.filter((u) => u.opt !== opt);
  if (z !== null) j.zoneUnits.push({ opt, zones: z });
  else set(j, size(opt)(j, s));
};

const int = (opt: string, min: number, max: number) => (v: string | null): number => {
  const s = need(v, opt);
  if (!/^[-+]?\d+$/.test(s)) throw new OptionValueError(`failed parsing ${opt}=${s}: expected an integer`);
  const n = Number(s);
  if (n < min || n > max) throw new OptionValueError(`value out of range: ${n} (${opt} min=${min}, max=${max})`);
  return n;
};

const time = (opt: string, unitNs: number) => (v: string | null): number => {
  const s = need(v, opt);
  // startdelay accepts a range "a-b"; fio picks a random point in it. The simulation takes the low end.
  const first = s.split('-')[0]!;
  const n = parseTime(first, unitNs);
  if (n === null) throw new OptionValueError(`failed parsing ${opt}=${s}: expected a time such as 10, 500ms or 2m`);
  return n;
};

const bool = (opt: string) => (v: string | null): boolean => {
  const b = parseBool(v);
  if (b === null) throw new OptionValueError(`failed parsing ${opt}=${v}: expected 0 or 1`);
  return b;
};

/** "a[,b][,c]" per direction read/write/trim; one value applies to all (parse.c: multiple offsets). */
const perDir = <T>(v: string, parse: (s: string) => T): [T, T, T] => {
  const parts = v.split(',');
  const r = parse(parts[0]!);
  const w = parts[1] !== undefined && parts[1] !== '' ? parse(parts[1]) : r;
  const t = parts[2] !== undefined && parts[2] !== '' ? parse(parts[2]) : w;
  return [r, w, t];
};

const RW: Record<string, RwMode> = {
  read: 'read', write: 'write', trim: 'trim', randread: 'randread', randwrite: 'randwrite', randtrim: 'randtrim',
  rw: 'rw', readwrite: 'rw', randrw: 'randrw', trimwrite: 'trimwrite', randtrimwrite: 'randtrimwrite',
};

const ENGINES: Record<string, IoEngine> = {
  sync: 'sync', psync: 'psync', vsync: 'vsync', pvsync: 'pvsync', pvsync2: 'pvsync2', libaio: 'libaio', io_uring: 'io_uring',
  posixaio: 'posixaio', null: 'null', cpuio: 'cpuio',
};

function parseBssplit(j: FioJob, v: string): { bs: number; perc: number }[][] {
  // options.c: bssplit_ddir() — "bs/perc:bs/perc", ',' separates read,write,trim; missing percentages share the rest.
  const one = (s: string): { bs: number; perc: number }[] => {
    const entries = s.split(':').filter((e) => e !== '').map((e) => {
      const [b, p] = e.split('/');
      const bs = parseSize(b!, j.kbBase);
      if (bs === null || bs === 0) throw new OptionValueError(`failed parsing bssplit=${v}: bad block size "${b}"`);
      return { bs, perc: p === undefined || p === '' ? -1 : Math.min(100, Number(p) || -1) };
    });
    const set = entries.filter((e) => e.perc >= 0).reduce((a, e) => a + e.perc, 0);
    const missing = entries.filter((e) => e.perc < 0).length;
    if (set > 100 && missing > 1) throw new OptionValueError('bssplit percentages add to more than 100%');
    for (const e of entries) if (e.perc < 0) e.perc = missing === 1 && entries.length === 1 ? 100 : Math.floor((100 - set) / missing);
    return entries;
  };
  const parts = v.split(',');
  const r = one(parts[0]!);
  const w = parts[1] !== undefined ? one(parts[1]) : r;
  const t = parts[2] !== undefined ? one(parts[2]) : w;
  return [r, w, t];
}

/** fio engines that exist but are not modelled as such (engines/*.c). */
const OTHER_ENGINES = new Set([
  'mmap', 'splice', 'sg', 'net', 'netsplice', 'e4defrag', 'falloc', 'ftruncate', 'filecreate', 'filestat', 'filedelete', 'dircreate',
  'dirstat', 'dirdelete', 'dev-dax', 'libpmem', 'exec', 'http', 'nfs', 'rados', 'rbd', 'libcufile', 'xnvme', 'io_uring_cmd',
  'windowsaio', 'solarisaio', 'libhdfs', 'libiscsi', 'nbd', 'rdma', 'gfapi', 'gfapi_async', 'mtd', 'guasi', 'external',
]);

/** Options the simulation applies. Aliases map to the same handler (fio's .alias). */
export const APPLIED: Record<string, Handler> = {
  description: (j, v) => void (j.description = v ?? ''),
  kb_base: (j, v) => {
    const n = int('kb_base', 1000, 1024)(v);
    if (n !== 1000 && n !== 1024) throw new OptionValueError(`kb_base: must be 1000 or 1024, got ${n}`);
    j.kbBase = n;
  },
  rw: (j, v) => {
    const s = need(v, 'rw');
    const [mode, post] = s.split(':') as [string, string | undefined];
    const m = RW[mode];
    if (!m) throw new OptionValueError(`failed parsing rw=${s}: expected read, write, trim, randread, randwrite, randtrim, rw, readwrite, randrw, trimwrite or randtrimwrite`);
    j.rw = m;
    j.seqAdd = 0;
    j.seqNr = 1;
    if (post !== undefined) {
      if (m.startsWith('rand')) j.seqNr = Math.max(1, parseInt(post, 10) || 1);
      else {
        const neg = post.trim().startsWith('-');
        const n = parseSize(post.trim().replace(/^[-+]/, ''), j.kbBase);
        if (n === null) throw new OptionValueError(`fio: rw postfix parsing failed`);
        j.seqAdd = neg ? -n : n;
      }
    }
  },
  rwmixread: (j, v) => {
    j.rwmixread = int('rwmixread', 0, 100)(v);
  },
  rwmixwrite: (j, v) => {
    j.rwmixread = 100 - int('rwmixwrite', 0, 100)(v);
  },
  bs: (j, v) => {
    const s = need(v, 'bs');
    j.bs = perDir(s, (p) => {
      const n = parseSize(p, j.kbBase);
      if (n === null || n === 0) throw new OptionValueError(`failed parsing bs=${s}: expected a block size such as 4k`);
      return n;
    });
  },
  bsrange: (j, v) => {
    const s = need(v, 'bsrange');
    j.bsrange = perDir(s, (p) => {
      const [a, b] = p.split('-');
      const lo = parseSize(a ?? '', j.kbBase);
      const hi = parseSize(b ?? a ?? '', j.kbBase);
      if (lo === null || hi === null || lo === 0 || hi < lo) throw new OptionValueError(`failed parsing bsrange=${s}: expected min-max such as 4k-64k`);
      return [lo, hi] as [number, number];
    });
  },
  bssplit: (j, v) => {
    j.bssplit = parseBssplit(j, need(v, 'bssplit'));
  },
  size: (j, v) => {
    const s = need(v, 'size');
    if (/^\d+(\.\d+)?%$/.test(s)) {
      j.zoneUnits = j.zoneUnits.filter((u) => u.opt !== 'size');
      j.size = -Number(s.slice(0, -1)) / 100;
    } else zonedSize('size', (jj, n) => void (jj.size = n))(j, s);
  },
  filesize: (j, v) => {
    j.filesize = size('filesize')(j, need(v, 'filesize').split('-')[0]!);
  },
  nrfiles: (j, v) => {
    j.nrfiles = int('nrfiles', 1, 1 << 20)(v);
  },
  fill_device: (j, v) => {
    j.fillDevice = bool('fill_device')(v);
  },
  offset_increment: zonedSize('offset_increment', (j, n) => void (j.offsetIncrement = n)),
  zonesize: (j, v) => {
    j.zoneSize = size('zonesize')(j, v);
    j.warnings.push(`zonesize=${v ?? ''}: used as the unit of sizes given in zones; zoned access patterns are not modelled`);
  },
  io_size: zonedSize('io_size', (j, n) => void (j.ioSize = n)),
  number_ios: (j, v) => {
    j.numberIos = int('number_ios', 0, Number.MAX_SAFE_INTEGER)(v);
  },
  offset: zonedSize('offset', (j, n) => void (j.offset = n)),
  filename: (j, v) => {
    j.filename = need(v, 'filename');
  },
  directory: (j, v) => {
    j.directory = need(v, 'directory');
  },
  ioengine: (j, v) => {
    const s = need(v, 'ioengine');
    const e = ENGINES[s];
    if (e) {
      j.ioengine = e;
    } else if (OTHER_ENGINES.has(s)) {
      // A real fio engine whose mechanism is not modelled: it still moves data through the block layer.
      const async = s === 'windowsaio' || s === 'solarisaio' || s === 'xnvme' || s === 'io_uring_cmd';
      j.ioengine = async ? 'libaio' : 'psync';
      j.warnings.push(`ioengine=${s}: simulated as ${j.ioengine}`);
    } else {
      throw new OptionValueError(`engine ${s} not loadable`);
    }
  },
  iodepth: (j, v) => {
    j.iodepth = int('iodepth', 1, 65536)(v);
  },
  iodepth_batch_complete_min: (j, v) => {
    j.batchCompleteMin = Math.max(1, int('iodepth_batch_complete_min', 0, 65536)(v));
  },
  direct: (j, v) => {
    j.direct = bool('direct')(v);
  },
  buffered: (j, v) => {
    j.direct = !bool('buffered')(v);
  },
  numjobs: (j, v) => {
    j.numjobs = int('numjobs', 1, 65536)(v);
  },
  runtime: (j, v) => {
    j.runtimeNs = time('runtime', 1e9)(v);
  },
  time_based: (j, v) => {
    j.timeBased = bool('time_based')(v);
  },
  ramp_time: (j, v) => {
    j.rampTimeNs = time('ramp_time', 1e9)(v);
  },
  rate: (j, v) => {
    const s = need(v, 'rate');
    j.rate = perDir(s, (p) => {
      const n = parseSize(p, j.kbBase);
      if (n === null) throw new OptionValueError(`failed parsing rate=${s}: expected bytes/s such as 1m`);
      return n;
    });
  },
  rate_iops: (j, v) => {
    const s = need(v, 'rate_iops');
    j.rateIops = perDir(s, (p) => int('rate_iops', 0, Number.MAX_SAFE_INTEGER)(p));
  },
  rate_process: (j, v) => {
    const s = need(v, 'rate_process');
    if (s !== 'linear' && s !== 'poisson') throw new OptionValueError(`failed parsing rate_process=${s}: expected linear or poisson`);
    j.rateProcess = s;
  },
  thinktime: (j, v) => {
    j.thinktimeNs = time('thinktime', 1e3)(v);
  },
  thinktime_blocks: (j, v) => {
    j.thinktimeBlocks = int('thinktime_blocks', 1, Number.MAX_SAFE_INTEGER)(v);
  },
  stonewall: (j, v) => {
    j.stonewall = bool('stonewall')(v);
  },
  wait_for: (j, v) => {
    j.waitFor = need(v, 'wait_for');
  },
  startdelay: (j, v) => {
    j.startdelayNs = time('startdelay', 1e9)(v);
  },
  cgroup: (j, v) => {
    j.cgroup = need(v, 'cgroup');
  },
  nice: (j, v) => {
    j.nice = int('nice', -20, 19)(v);
  },
  fsync: (j, v) => {
    j.fsync = int('fsync', 0, Number.MAX_SAFE_INTEGER)(v);
  },
  fdatasync: (j, v) => {
    j.fsync = int('fdatasync', 0, Number.MAX_SAFE_INTEGER)(v);
  },
  end_fsync: (j, v) => {
    j.endFsync = bool('end_fsync')(v);
  },
  invalidate: (j, v) => {
    j.invalidate = bool('invalidate')(v);
  },
  fadvise_hint: (j, v) => {
    // fio's options.c: 0 = no hint, 1 = advise by the job's pattern, or a named POSIX_FADV_* hint.
    const t = need(v, 'fadvise_hint');
    const named = { '0': 'none', '1': 'auto', sequential: 'sequential', random: 'random', normal: 'normal' } as const;
    const h = (named as Record<string, FioJob['fadviseHint']>)[t];
    if (h === undefined) throw new OptionValueError(`failed parsing fadvise_hint=${t}: expected 0, 1, sequential, random or normal`);
    j.fadviseHint = h;
  },
  sync_file_range: (j, v) => {
    // fio: sync_file_range=str:int, str a comma list of wait_before, write, wait_after (write_wait = all three).
    const t = need(v, 'sync_file_range');
    const m = /^([a-z_,]+):(\d+)$/.exec(t);
    if (!m) throw new OptionValueError(`failed parsing sync_file_range=${t}: expected FLAGS:N such as write,wait_after:8`);
    const flags = { waitBefore: false, write: false, waitAfter: false };
    for (const f of m[1]!.split(',')) {
      if (f === 'wait_before') flags.waitBefore = true;
      else if (f === 'write') flags.write = true;
      else if (f === 'wait_after') flags.waitAfter = true;
      else if (f === 'write_wait') Object.assign(flags, { waitBefore: true, write: true, waitAfter: true });
      else throw new OptionValueError(`failed parsing sync_file_range=${t}: unknown flag "${f}" (wait_before, write, wait_after, write_wait)`);
    }
    j.syncFileRange = { every: Number(m[2]), ...flags };
  },
};

export const ALIASES: Record<string, string> = {
  readwrite: 'rw',
  blocksize: 'bs',
  blocksize_range: 'bsrange',
  bs_range: 'bsrange',
  io_limit: 'io_size',
  timeout: 'runtime',
  wait_for_previous: 'stonewall',
  iodepth_batch_complete: 'iodepth_batch_complete_min',
  thread: 'thread',
  threads: 'thread',
  fill_fs: 'fill_device',
  ss: 'steadystate',
  ss_dur: 'steadystate_duration',
  ss_ramp: 'steadystate_ramp_time',
  ss_interval: 'steadystate_check_interval',
};

/**
 * Options fio knows that change nothing in this simulation, with the reason
 * printed in the warning. They are accepted (never an error) and never
 * silently dropped.
 */
export const NOT_SIMULATED: Record<string, string> = {
  thread: 'jobs run as simulated tasks either way',
  name: 'results are keyed by the job section name',
  group_reporting: 'results are reported per job section (clones aggregated)',
  new_group: 'results are reported per job section',
  norandommap: 'random offsets are always drawn without a random map',
  randrepeat: 'the simulation is deterministic from the scenario seed',
  randseed: 'the simulation is deterministic from the scenario seed',
  random_generator: 'offsets come from the kernel Rng',
  random_distribution: 'random offsets are uniform',
  gtod_reduce: 'timing is exact in simulated time',
  verify: 'data contents are not modelled',
  verify_pattern: 'data contents are not modelled',
  verify_backlog: 'data contents are not modelled (no verify reads are issued)',
  verify_backlog_batch: 'data contents are not modelled',
  verify_interval: 'data contents are not modelled',
  verify_offset: 'data contents are not modelled',
  verify_fatal: 'data contents are not modelled',
  verify_dump: 'data contents are not modelled',
  verify_async: 'data contents are not modelled',
  verify_only: 'data contents are not modelled',
  verify_state_save: 'data contents are not modelled',
  do_verify: 'data contents are not modelled',
  experimental_verify: 'data contents are not modelled',
  buffer_pattern: 'data contents are not modelled',
  dedupe_percentage: 'data contents are not modelled',
  scramble_buffers: 'data contents are not modelled',
  zero_buffers: 'data contents are not modelled',
  atomic: 'atomic (RWF_ATOMIC / O_ATOMIC) writes are issued as ordinary writes: torn-write protection is not modelled',
  max_open_zones: 'zoned devices are not modelled (no open-zone limit applies)',
  job_max_open_zones: 'zoned devices are not modelled (no open-zone limit applies)',
  zonerange: 'zoned access patterns are not modelled',
  zonecapacity: 'zoned access patterns are not modelled',
  zone_reset_threshold: 'zoned devices are not modelled',
  zone_reset_frequency: 'zoned devices are not modelled',
  file_service_type: 'the files of a job are one region (see nrfiles); switching between files is not modelled',
  openfiles: 'the files of a job are one region (see nrfiles)',
  filename_format: 'clone files are named <job>.<clone>.<file>',
  serialize_overlap: 'overlapping in-flight I/Os are not checked',
  allow_file_create: 'files exist as extents on the disk',
  pre_read: 'files are not read into the page cache before the job (invalidate=1 drops them; a job that reads them first does the same)',
  sync: 'O_SYNC is not modelled; use fsync=1',
  iomem: 'I/O buffers are not modelled',
  mem: 'I/O buffers are not modelled',
  iomem_align: 'I/O buffers are not modelled',
  hugepage_size: 'I/O buffers are not modelled',
  percentile_list: 'the JSON reports fio’s default percentile list',
  clat_percentiles: 'the JSON reports fio’s default percentile list',
  lat_percentiles: 'the JSON reports completion latency percentiles',
  disable_lat: 'timing is exact in simulated time',
  disable_clat: 'timing is exact in simulated time',
  disable_slat: 'timing is exact in simulated time',
  disable_bw_measurement: 'timing is exact in simulated time',
  time_based_ramp: 'ramp_time precedes runtime',
  stats: 'statistics are always collected',
  write_hist_log: 'per-I/O logs are not written; see the JSON summary',
  log_hist_msec: 'per-I/O logs are not written',
  log_compression: 'per-I/O logs are not written',
  write_iolog: 'I/O logs are not written',
  read_iolog: 'replaying I/O logs is not modelled',
  random_distribution_seed: 'the simulation is deterministic from the scenario seed',
  allrandrepeat: 'the simulation is deterministic from the scenario seed',
  softrandommap: 'random offsets are always drawn without a random map',
  bs_unaligned: 'offsets are aligned to the block size',
  unified_rw_reporting: 'results are reported per direction',
  replay_redirect: 'replaying I/O logs is not modelled',
  trim_percentage: 'trims are issued by rw=trim/randtrim/trimwrite only',
  trim_backlog: 'trims are issued by rw=trim/randtrim/trimwrite only',
  hipri: 'polled completions are not modelled',
  fixedbufs: 'I/O buffers are not modelled',
  registerfiles: 'file registration is not modelled',
  sqthread_poll: 'submission is inline in the job task',
  nonvectored: 'submission is inline in the job task',
  uncached: 'RWF_DONTCACHE (uncached buffered I/O) is issued as ordinary buffered I/O',
  rwmixcycle: 'the read/write choice is drawn per I/O',
  write_lat_log: 'per-I/O logs are not written; see the JSON summary',
  write_bw_log: 'per-I/O logs are not written; see the JSON summary',
  write_iops_log: 'per-I/O logs are not written; see the JSON summary',
  log_avg_msec: 'per-I/O logs are not written',
  log_offset: 'per-I/O logs are not written',
  log_prio: 'per-I/O logs are not written',
  exitall: 'jobs end on their own limits',
  exit_what: 'jobs end on their own limits',
  ratemin: 'fio would abort a job below this rate; the simulation reports the rate instead',
  cpuload: 'the cpuio engine is not a block workload',
  cpumode: 'the cpuio engine is not a block workload',
  zonemode: 'zoned access patterns are not modelled',
  zoneskip: 'zoned access patterns are not modelled',
  steadystate: 'steady-state detection is not modelled; the job runs its full runtime',
  steadystate_duration: 'steady-state detection is not modelled',
  steadystate_ramp_time: 'steady-state detection is not modelled',
  steadystate_check_interval: 'steady-state detection is not modelled',
  latency_target: 'queue-depth profiling is not modelled; iodepth is used as given',
  latency_window: 'queue-depth profiling is not modelled',
  latency_percentile: 'queue-depth profiling is not modelled',
  latency_run: 'queue-depth profiling is not modelled',
  flow: 'inter-job flow control is not modelled',
  flow_sleep: 'inter-job flow control is not modelled',
  cmdprio: 'per-command I/O priorities are not modelled',
  cmdprio_percentage: 'per-command I/O priorities are not modelled',
  cmdprio_class: 'per-command I/O priorities are not modelled',
  cmdprio_bssplit: 'per-command I/O priorities are not modelled',
  prio: 'I/O priority classes are not modelled (bfq uses group weights)',
  prioclass: 'I/O priority classes are not modelled (bfq uses group weights)',
  io_submit_mode: 'submission is inline in the job task',
  iodepth_batch: 'the job submits up to iodepth at once and reaps at least one',
  iodepth_batch_submit: 'the job submits up to iodepth at once and reaps at least one',
  iodepth_batch_complete_max: 'the job submits up to iodepth at once and reaps at least one',
  iodepth_low: 'the job refills its queue as soon as one I/O completes',
  numa_cpu_nodes: 'placement is left to the scheduler',
  numa_mem_policy: 'I/O buffers are not modelled',
  cpus_allowed: 'placement is left to the scheduler',
  cpumask: 'placement is left to the scheduler',
  blockalign: 'offsets are aligned to the block size',
  loops: 'a job runs its size once (or until runtime with time_based)',
  create_on_open: 'files exist as extents on the disk',
  fallocate: 'files exist as extents on the disk',
  unlink: 'files exist as extents on the disk',
  overwrite: 'files exist as extents on the disk',
  refill_buffers: 'data contents are not modelled',
  buffer_compress_percentage: 'data contents are not modelled',
  continue_on_error: 'a job stops at its first I/O error',
  ignore_error: 'a job stops at its first I/O error',
  lockmem: 'memory is not modelled by the fio runner',
  uid: 'credentials are not modelled',
  gid: 'credentials are not modelled',
  userspace_reap: 'completions are reaped by the job task',
  clocksource: 'timing is exact in simulated time',
  per_job_logs: 'per-I/O logs are not written',
};

/** fio's option lookup (parse.c: find_option): exact name or alias. */
export function canonicalName(opt: string): string {
  return ALIASES[opt] ?? opt;
}
