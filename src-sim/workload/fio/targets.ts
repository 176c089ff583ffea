import type { BlockDeviceInfo } from '../../kernel/block/bio';
import { JOURNAL_SECTORS, JOURNAL_START_SECTOR } from '../../kernel/block/journal';
import type { Kernel } from '../../kernel/kernel';
import type { FioJob } from './job';

/** Where a job clone does its I/O: a sector range of one device, raw or as a file on its filesystem. */
export interface Target {
  dev: BlockDeviceInfo;
  /** First sector of the region (device-relative). */
  start: number;
  sectors: number;
  /** A regular file: fsync commits the filesystem journal; a raw device: fsync is a cache flush. */
  isFile: boolean;
  label: string;
  /** Bytes the job transfers before it ends (fio's size over all its files, or io_size), unless time_based. */
  ioBytes: number;
}

/** Size assumed for a regular file that neither the job nor the scenario sizes. */
const DEFAULT_FILE_BYTES = 1024 ** 3;

interface Extent {
  dev: BlockDeviceInfo;
  start: number;
  sectors: number;
}

/** Regular files are contiguous extents allocated after the journal, one allocator per device. */
const allocators = new WeakMap<Kernel, { next: Map<BlockDeviceInfo, number>; files: Map<string, Extent> }>();

function allocate(k: Kernel, dev: BlockDeviceInfo, path: string, bytes: number): Extent | string {
  let a = allocators.get(k);
  if (!a) {
    a = { next: new Map(), files: new Map() };
    allocators.set(k, a);
  }
  const have = a.files.get(path);
  if (have && have.dev === dev) return have;
  const start = a.next.get(dev) ?? JOURNAL_START_SECTOR + JOURNAL_SECTORS;
  const sectors = Math.ceil(bytes / 512);
  if (start + sectors > dev.sectors) return `fio: ${path}: no space left on ${dev.name} for ${bytes} bytes (No space left on device)`;
  a.next.set(dev, start + sectors);
  const e = { dev, start, sectors };
  a.files.set(path, e);
  return e;
}

/**
 * Resolve filename/directory like fio: "/dev/X" is the block device X (raw);
 * any other name is a file — on the device named by the scenario's `files:`
 * entry for that path, else on the first disk. Without filename each clone
 * gets its own file "<job>.<clone>.0". Returns an error message (fio's kind)
 * when the target cannot be opened.
 */
export function resolveTarget(k: Kernel, job: FioJob, clone: number): Target | string {
  const block = k.block;
  if (!block) return `fio: ${job.name}: no block layer in this simulation`;
  const name = job.filename ?? `${job.name}.${clone}.0`;
  // fio: several files may be listed with ':'; the simulation uses the first (a parse warning says so).
  const first = name.split(':')[0]!;
  // fio: clone n starts at offset + n × offset_increment (options.c: offset_increment).
  const offset = job.offset + clone * job.offsetIncrement;
  if (first.startsWith('/dev/')) {
    const dev = block.byName(first.slice(5));
    if (!dev) return `fio: pid=0, err=2/file:filesetup.c, func=open(${first}), error=No such file or directory`;
    const off = Math.floor(offset / 512);
    let bytes = job.size !== null && job.size > 0 && !job.fillDevice ? job.size : dev.sectors * 512 - offset;
    if (job.size !== null && job.size < 0) bytes = Math.floor(-job.size * dev.sectors * 512);
    const sectors = Math.min(Math.floor(bytes / 512), dev.sectors - off);
    if (sectors <= 0) return `fio: ${job.name}: offset ${offset} is beyond the end of ${first}`;
    return { dev, start: off, sectors, isFile: false, label: first, ioBytes: job.ioSize ?? sectors * 512 };
  }
  const path = job.directory !== null && !first.startsWith('/') ? `${job.directory}/${first}` : first;
  const spec = k.scenario.files.find((f) => f.path === path);
  const dev = spec?.device ? block.byName(spec.device) : block.disks()[0] ?? null;
  if (!dev) return `fio: ${path}: no block device to hold the file (declare one under machine.devices or files:)`;
  const fileBytes = fileSize(job, spec?.sizeBytes ?? null);
  let bytes = fileBytes * job.nrfiles;
  if (job.fillDevice) bytes = freeBytes(k, dev) - offset;
  else if (fileBytes <= 0) {
    // fio sizes an existing file from the file itself; a simulated file that nobody sized is assumed to be 1 GiB.
    bytes = DEFAULT_FILE_BYTES * job.nrfiles;
    if (!job.warnings.some((w) => w.startsWith('size not given'))) job.warnings.push(`size not given for ${path}: the file is assumed to exist with 1 GiB`);
  }
  if (bytes <= 0) return `fio: ${path}: no space left on ${dev.name} (No space left on device)`;
  const e = allocate(k, dev, `${dev.name}:${path}`, bytes + offset);
  if (typeof e === 'string') return e;
  const off = Math.floor(offset / 512);
  const sectors = e.sectors - off;
  // size is the I/O of the job over all its files; with filesize the files may be smaller (fio wraps around them).
  const ioBytes = job.ioSize ?? (job.size !== null && job.size > 0 && !job.fillDevice ? job.size : sectors * 512);
  return { dev, start: e.start + off, sectors, isFile: true, label: path, ioBytes };
}

/**
 * fio's file size: filesize when given (size is then only the amount of
 * I/O), else size divided over nrfiles, else the scenario's `files:` size;
 * size=N% is a share of that. 0 when nothing sizes it.
 */
function fileSize(job: FioJob, declared: number | null): number {
  if (job.filesize !== null) return job.filesize;
  if (job.size !== null && job.size > 0) return Math.floor(job.size / job.nrfiles);
  if (job.size !== null && job.size < 0) return Math.floor(-job.size * (declared ?? 0));
  return declared ?? 0;
}

/** Bytes after the last allocated file on `dev` (fill_device writes until this is used up). */
function freeBytes(k: Kernel, dev: BlockDeviceInfo): number {
  const next = allocators.get(k)?.next.get(dev) ?? JOURNAL_START_SECTOR + JOURNAL_SECTORS;
  return (dev.sectors - next) * 512;
}
