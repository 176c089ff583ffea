/** The I/O pattern of a job (fio's td_ddir and rw=…:<nr> postfix). */
export type RwMode = 'read' | 'write' | 'trim' | 'randread' | 'randwrite' | 'randtrim' | 'rw' | 'randrw' | 'trimwrite' | 'randtrimwrite';

export type IoEngine = 'sync' | 'psync' | 'vsync' | 'pvsync' | 'pvsync2' | 'libaio' | 'io_uring' | 'posixaio' | 'null' | 'cpuio';

/** One job section as fio resolves it: [global] defaults in effect at the section, then its own options. */
export interface FioJob {
  name: string;
  /** Line of the "[name]" header. */
  line: number;
  description: string;
  rw: RwMode;
  /** Sequential: bytes skipped (negative: backwards) after each I/O (rw=read:-8k). */
  seqAdd: number;
  /** Random: issue this many sequential I/Os before a new random offset (rw=randread:8). */
  seqNr: number;
  /** Percentage of reads in mixed workloads. */
  rwmixread: number;
  /** Block size per direction [read, write, trim]. */
  bs: [number, number, number];
  bsrange: [[number, number], [number, number], [number, number]] | null;
  /** Weighted block sizes per direction. */
  bssplit: { bs: number; perc: number }[][] | null;
  /** Bytes of the file/device region; a negative number is a fraction (size=50% → −0.5). */
  size: number | null;
  filesize: number | null;
  /** nrfiles: files per clone (laid out one after another; see README). */
  nrfiles: number;
  /** fill_device: size the region to the rest of the device and write until it is full. */
  fillDevice: boolean;
  /** offset_increment: clone n starts at offset + n × offset_increment. */
  offsetIncrement: number;
  /** zonesize (bytes) when given: the unit of sizes written as "Nz". */
  zoneSize: number | null;
  /** Sizes written in zones ("8z"), resolved against zonesize once the section is read. */
  zoneUnits: { opt: 'size' | 'offset' | 'io_size' | 'offset_increment'; zones: number }[];
  ioSize: number | null;
  numberIos: number;
  offset: number;
  filename: string | null;
  directory: string | null;
  ioengine: IoEngine;
  iodepth: number;
  /** iodepth_batch_complete_min: completions the task waits for before it runs again (async engines). */
  batchCompleteMin: number;
  direct: boolean;
  numjobs: number;
  runtimeNs: number;
  timeBased: boolean;
  rampTimeNs: number;
  /** Bytes/s per direction, 0 = unlimited. */
  rate: [number, number, number];
  rateIops: [number, number, number];
  rateProcess: 'linear' | 'poisson';
  thinktimeNs: number;
  thinktimeBlocks: number;
  stonewall: boolean;
  waitFor: string | null;
  startdelayNs: number;
  cgroup: string | null;
  nice: number;
  /** fsync after this many writes (0 = never). */
  fsync: number;
  endFsync: boolean;
  /** invalidate=1 (fio's default): drop the file's clean cached pages before the job (POSIX_FADV_DONTNEED). */
  invalidate: boolean;
  /** fadvise_hint (default 1: by pattern): POSIX_FADV_SEQUENTIAL doubles readahead, POSIX_FADV_RANDOM turns it off. */
  fadviseHint: 'none' | 'auto' | 'sequential' | 'random' | 'normal';
  /** sync_file_range=FLAGS:N after every N writes, or null. */
  syncFileRange: { every: number; waitBefore: boolean; write: boolean; waitAfter: boolean } | null;
  kbBase: number;
  /** Options as written (global then job), for `kernel-lab fio` to print. */
  options: [string, string | null][];
  /** Options accepted by fio that the simulation does not apply, with why. */
  warnings: string[];
}

export interface FioJobFile {
  file: string;
  jobs: FioJob[];
}

/** A malformed job file: "FILE:LINE: message" (what `kernel-lab fio` prints before exiting 2). */
export class FioParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'FioParseError';
  }
}

export function defaultJob(name: string, line: number): FioJob {
  return {
    name,
    line,
    description: '',
    rw: 'read',
    seqAdd: 0,
    seqNr: 1,
    rwmixread: 50,
    bs: [4096, 4096, 4096],
    bsrange: null,
    bssplit: null,
    size: null,
    filesize: null,
    nrfiles: 1,
    fillDevice: false,
    offsetIncrement: 0,
    zoneSize: null,
    zoneUnits: [],
    ioSize: null,
    numberIos: 0,
    offset: 0,
    filename: null,
    directory: null,
    ioengine: 'psync',
    iodepth: 1,
    batchCompleteMin: 1,
    direct: false,
    numjobs: 1,
    runtimeNs: 0,
    timeBased: false,
    rampTimeNs: 0,
    rate: [0, 0, 0],
    rateIops: [0, 0, 0],
    rateProcess: 'linear',
    thinktimeNs: 0,
    thinktimeBlocks: 1,
    stonewall: false,
    waitFor: null,
    startdelayNs: 0,
    cgroup: null,
    nice: 0,
    fsync: 0,
    endFsync: false,
    invalidate: true,
    fadviseHint: 'auto',
    syncFileRange: null,
    kbBase: 1024,
    options: [],
    warnings: [],
  };
}

export function cloneJob(j: FioJob, name: string, line: number): FioJob {
  return {
    ...j,
    name,
    line,
    bs: [...j.bs],
    bsrange: j.bsrange ? (j.bsrange.map((r) => [...r]) as FioJob['bsrange']) : null,
    bssplit: j.bssplit ? j.bssplit.map((d) => d.map((e) => ({ ...e }))) : null,
    rate: [...j.rate],
    rateIops: [...j.rateIops],
    options: [...j.options],
    warnings: [...j.warnings],
    zoneUnits: j.zoneUnits.map((z) => ({ ...z })),
    syncFileRange: j.syncFileRange ? { ...j.syncFileRange } : null,
    // Per-job, not inherited from [global]: fio's stonewall and description belong to one section.
    stonewall: j.stonewall,
  };
}

/** True when the job moves data through a block device (not the null/cpuio engines). */
export function isBlockJob(j: FioJob): boolean {
  return j.ioengine !== 'null' && j.ioengine !== 'cpuio';
}

/** Engines that block the task per I/O (fio caps their depth at 1). */
export function isSyncEngine(e: IoEngine): boolean {
  return e === 'sync' || e === 'psync' || e === 'vsync' || e === 'pvsync' || e === 'pvsync2';
}
