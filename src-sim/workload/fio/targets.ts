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
  // fio: several files may be listed with ':'; the simulation uses the first.
  const first = name.split(':')[0]!;
  if (first.startsWith('/dev/')) {
    const dev = block.byName(first.slice(5));
    if (!dev) return `fio: pid=0, err=2/file:filesetup.c, func=open(${first}), error=No such file or directory`;
    const off = Math.floor(job.offset / 512);
    let bytes = job.size !== null && job.size > 0 ? job.size : dev.sectors * 512 - job.offset;
    if (job.size !== null && job.size < 0) bytes = Math.floor(-job.size * dev.sectors * 512);
    const sectors = Math.min(Math.floor(bytes / 512), dev.sectors - off);
    if (sectors <= 0) return `fio: ${job.name}: offset ${job.offset} is beyond the end of ${first}`;
    return { dev, start: off, sectors, isFile: false, label: first };
  }
  const path = job.directory !== null && !first.startsWith('/') ? `${job.directory}/${first}` : first;
  const spec = k.scenario.files.find((f) => f.path === path);
  const dev = spec?.device ? block.byName(spec.device) : block.disks()[0] ?? null;
  if (!dev) return `fio: ${path}: no block device to hold the file (declare one under machine.devices or files:)`;
  let bytes = job.size !== null && job.size > 0 ? job.size : job.filesize ?? spec?.sizeBytes ?? 0;
  if (job.size !== null && job.size < 0) bytes = Math.floor(-job.size * (job.filesize ?? spec?.sizeBytes ?? 0));
  if (bytes <= 0) {
    // fio sizes an existing file from the file itself; a simulated file that nobody sized is assumed to be 1 GiB.
    bytes = DEFAULT_FILE_BYTES;
    if (!job.warnings.some((w) => w.startsWith('size not given'))) job.warnings.push(`size not given for ${path}: the file is assumed to exist with 1 GiB`);
  }
  const e = allocate(k, dev, `${dev.name}:${path}`, bytes + job.offset);
  if (typeof e === 'string') return e;
  const off = Math.floor(job.offset / 512);
  return { dev, start: e.start + off, sectors: e.sectors - off, isFile: true, label: path };
}
