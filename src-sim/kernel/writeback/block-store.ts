import { REQ_SYNC, type BlockApi, type BlockDeviceInfo } from '../block/bio';
import { JOURNAL_SECTORS, JOURNAL_START_SECTOR } from '../block/journal';
import type { Cgroup } from '../cgroup/cgroup';
import type { BackingStore, CachedFile, PageRange } from '../mm/page-cache-api';
import type { Task } from '../task';

/** 1 MiB alignment of file extents, in 512-byte sectors. */
const EXTENT_ALIGN = 2048;

/**
 * The page cache's storage once a block layer exists: each file with a
 * device gets one contiguous extent on it (files laid out after the journal
 * in first-use order, 1 MiB aligned), and page I/O becomes bios on that extent. Files
 * without a device keep the previous store. Reads and task-issued writes
 * (O_DIRECT, fsync) are REQ_SYNC; the flusher's writes are async.
 */
export class BlockBackingStore implements BackingStore {
  private readonly extent: number[] = [];
  private readonly dev: (BlockDeviceInfo | null)[] = [];
  private readonly nextFree = new Map<string, number>();

  constructor(
    private readonly block: BlockApi,
    private readonly fallback: BackingStore,
  ) {}

  private place(file: CachedFile): BlockDeviceInfo | null {
    if (this.dev[file.id] !== undefined) return this.dev[file.id]!;
    const dev = file.device ? this.block.byName(file.device) : null;
    this.dev[file.id] = dev;
    if (dev) {
      // After the filesystem journal; fio's files share the region (their extents may overlap ours: no data is modelled).
      const start = this.nextFree.get(dev.name) ?? JOURNAL_START_SECTOR + JOURNAL_SECTORS;
      this.extent[file.id] = start;
      const sectors = Math.ceil(file.sizeBytes / 512 / EXTENT_ALIGN) * EXTENT_ALIGN;
      this.nextFree.set(dev.name, start + Math.max(sectors, EXTENT_ALIGN));
    }
    return dev;
  }

  read(file: CachedFile, range: PageRange, task: Task | null, cgroup: Cgroup | null, done: (ok: boolean, now: number) => void): void {
    const dev = this.place(file);
    if (!dev) return this.fallback.read(file, range, task, cgroup, done);
    this.submit(dev, 'read', file, range, REQ_SYNC, task, cgroup, done);
  }

  write(file: CachedFile, range: PageRange, task: Task | null, cgroup: Cgroup | null, done: (ok: boolean, now: number) => void): void {
    const dev = this.place(file);
    if (!dev) return this.fallback.write(file, range, task, cgroup, done);
    this.submit(dev, 'write', file, range, task ? REQ_SYNC : 0, task, cgroup, done);
  }

  private submit(
    dev: BlockDeviceInfo,
    op: 'read' | 'write',
    file: CachedFile,
    range: PageRange,
    flags: number,
    task: Task | null,
    cgroup: Cgroup | null,
    done: (ok: boolean, now: number) => void,
  ): void {
    this.block.submitBio({
      dev,
      op,
      sector: this.extent[file.id]! + range.index * 8,
      bytes: range.pages * 4096,
      flags,
      cgroup,
      task,
      submitNs: 0,
      onComplete: (status, now) => done(status === 0, now),
    });
  }
}
