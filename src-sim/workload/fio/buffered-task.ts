import type { Rng } from '../../engine/rng';
import type { BioStatus } from '../../kernel/block/bio';
import { journalFor } from '../../kernel/block/journal';
import type { Kernel } from '../../kernel/kernel';
import { handleOverHigh } from '../../kernel/memcg/over-high';
import { COST } from '../../kernel/mm/constants';
import { MAP_WORKINGSET, type Mm } from '../../kernel/mm/mm';
import type { MemObject } from '../../kernel/mm/objects';
import type { CachedFile } from '../../kernel/mm/page-cache-api';
import { EV } from '../../kernel/mm/stats';
import type { Step, Task } from '../../kernel/task';
import { StepQueue } from '../memory/steps';
import { VM_READAHEAD_PAGES } from '../memory/file-io';
import { FioJobTask } from './job-task';
import type { FioJob } from './job';
import type { JobResult } from './results';
import type { Target } from './targets';

/** One read() or write() in progress: its completion latency runs from the call to the return. */
interface Op {
  dir: number;
  startNs: number;
  bytes: number;
  index: number;
  pages: number;
  /** A write whose partial first/last page had to be read first (write_begin): dirtied once the read is back. */
  dirtyAfterRead: boolean;
}

/**
 * A fio job with direct=0 on a regular file: every read() and write() goes
 * through the page cache, as the `read`/`write` run types do. The system
 * call is synchronous whatever the ioengine (libaio and io_uring fall back
 * to blocking for buffered I/O: io_submit of a buffered write returns after
 * the copy), so a clone has one operation at a time and its completion
 * latency is the syscall's:
 *   - read: hits copy from the cache (marked accessed); a miss reads the
 *     missing pages, plus readahead on sequential jobs (read_ahead_kb,
 *     doubled by fadvise_hint's POSIX_FADV_SEQUENTIAL; none for random
 *     jobs, POSIX_FADV_RANDOM), the task blocked in iowait;
 *   - write: a partial page not in the cache is read first (write_begin),
 *     the pages are charged and dirtied, then balance_dirty_pages may pause
 *     the writer; the flusher writes them back on the kernel's schedule;
 *   - fsync=N / fdatasync=N: write back the file's dirty pages and wait
 *     (filemap_write_and_wait), then commit the journal; end_fsync at the end;
 *   - sync_file_range=FLAGS:N: start writeback of the dirty pages (write),
 *     waiting for it when wait_before/wait_after is set; no journal commit;
 *   - invalidate=1 (fio's default): the file's clean pages are dropped at
 *     the job's start (POSIX_FADV_DONTNEED), so a read job starts cold.
 */
export class FioBufferedTask extends FioJobTask {
  private readonly q: StepQueue;
  private file: CachedFile | null = null;
  private obj: MemObject | null = null;
  private op: Op | null = null;
  private failed: "EIO" | null = null;
  private finished = false;
  private sinceSyncRange = 0;
  private readonly readaheadPages: number;

  constructor(
    k: Kernel,
    private readonly mm: Mm,
    job: FioJob,
    target: Target,
    result: JobResult,
    rng: Rng,
    onDone: (now: number) => void,
  ) {
    super(k, job, target, result, rng, onDone);
    this.q = new StepQueue(() => {
      if (this.task !== null) k.sched.wake(this.task);
    });
    const random = job.rw.startsWith('rand');
    const hint = job.fadviseHint === 'auto' ? (random ? 'random' : 'sequential') : job.fadviseHint;
    // mm/fadvise.c: POSIX_FADV_SEQUENTIAL sets ra_pages to twice the device's; POSIX_FADV_RANDOM turns readahead off.
    this.readaheadPages = random || hint === 'random' ? 0 : hint === 'sequential' ? 2 * VM_READAHEAD_PAGES : VM_READAHEAD_PAGES;
  }

  override next(task: Task, now: number): Step {
    this.task = task;
    if (!this.started) this.start(now);
    const queued = this.q.shift();
    if (queued) return queued;
    if (this.op?.dirtyAfterRead && this.failed === null) {
      this.op.dirtyAfterRead = false;
      this.dirty(task, this.op.index, this.op.pages);
      const s = this.q.shift();
      if (s) return s;
    }
    if (this.op !== null) this.finishOp(now);
    if (this.finished) return { kind: 'exit' };
    if (this.result.error !== null || this.ended(now)) {
      if (this.job.endFsync && !this.endFsyncDone && this.result.error === null) {
        this.endFsyncDone = true;
        this.fsyncFile(task);
        return this.q.shift()!;
      }
      this.finished = true;
      if (now > this.result.endNs) this.result.endNs = now;
      this.onDone(now);
      return { kind: 'exit' };
    }
    if (this.job.thinktimeNs > 0 && this.sinceThink >= this.job.thinktimeBlocks) {
      this.sinceThink = 0;
      return { kind: 'sleep', ns: this.job.thinktimeNs };
    }
    if (this.job.fsync > 0 && this.writesSinceFsync >= this.job.fsync) {
      this.writesSinceFsync = 0;
      this.fsyncFile(task);
      return this.q.shift()!;
    }
    const sfr = this.job.syncFileRange;
    if (sfr !== null && sfr.every > 0 && this.sinceSyncRange >= sfr.every) {
      this.sinceSyncRange = 0;
      this.syncFileRange(task);
      const s = this.q.shift();
      if (s) return s;
    }
    const wait = this.rateWait(now);
    if (wait > 0) return { kind: 'sleep', ns: wait };
    this.issue(task, now);
    return this.q.shift() ?? { kind: 'cpu', ns: 1000 };
  }

  private start(now: number): void {
    this.started = true;
    this.startNs = now;
    const statStart = now + this.rampEnd;
    if (this.result.startNs < 0 || statStart < this.result.startNs) this.result.startNs = statStart;
    const pc = this.mm.pageCache;
    const t = this.target;
    this.file = pc.file(t.label) ?? pc.addFile(t.label, t.sectors * 512, t.dev.name);
    this.obj = pc.objectOf(this.file);
    // fio's file_invalidate_cache(): posix_fadvise(POSIX_FADV_DONTNEED) before the job (invalidate=1, the default).
    if (this.job.invalidate) pc.dropClean(this.file);
  }

  private issue(task: Task, now: number): void {
    const dir = this.peekDir();
    this.dirChoice = -1;
    const nr = Math.max(1, this.bsSectors(dir));
    const byteOff = (this.offset(nr) - this.target.start) * 512;
    const bytes = nr * 512;
    const file = this.file!;
    const index = Math.min(file.pages - 1, Math.floor(byteOff / 4096));
    const pages = Math.max(1, Math.min(file.pages, Math.ceil((byteOff + bytes) / 4096)) - index);
    this.iosIssued++;
    this.bytesIssued += bytes;
    this.pace(dir, bytes);
    if (this.job.thinktimeNs > 0) this.sinceThink++;
    this.op = { dir, startNs: now, bytes, index, pages, dirtyAfterRead: false };
    this.q.push({ kind: 'cpu', ns: this.cpuPerIo });
    this.mm.current = task;
    if (dir === 0) this.read(task, index, pages);
    else if (dir === 1) {
      this.writesSinceFsync++;
      this.sinceSyncRange++;
      const partial = byteOff % 4096 !== 0 || (byteOff + bytes) % 4096 !== 0;
      this.write(task, index, pages, partial);
    }
    // dir 2 (trim) on a buffered file: fio punches a hole (fallocate); not modelled, the operation only costs its CPU time.
    this.mm.current = null;
  }

  private read(task: Task, index: number, pages: number): void {
    const o = this.obj!;
    const file = this.file!;
    const span = o.missingSpan(index, pages);
    if (span === null) return;
    const end = this.readaheadPages > 0 ? Math.min(file.pages, index + pages + this.readaheadPages) : span.last + 1;
    this.mapMissing(task, span.first, end, true);
  }

  /** Charge and map the missing pages of [first, end), then read them (a miss: iowait, or a memory stall on refaults). */
  private mapMissing(task: Task, first: number, end: number, read: boolean): boolean {
    const o = this.obj!;
    const m = this.mm.memcgOf(task.cgroup);
    let missing = 0;
    for (let i = first; i < end; i++) if (!o.isResident(i)) missing++;
    if (missing === 0) return true;
    const g = this.mm.grant(task, m, missing);
    if (g.selfKilled) return false;
    if (g.reclaimNs > 0) this.q.push({ kind: 'cpu', ns: Math.round(g.reclaimNs), stall: 'mem' });
    if (!g.ok) {
      this.q.push({ kind: 'sleep', ns: 100e6, stall: 'mem' });
      return false;
    }
    let workingset = false;
    let lo = -1;
    let hi = -1;
    for (let i = first; i < end; i++) {
      if (o.isResident(i)) continue;
      if (this.mm.mapPage(o, i, m) & MAP_WORKINGSET) workingset = true;
      if (lo < 0) lo = i;
      hi = i;
    }
    if (read) {
      m.ev[EV.pgpgin]! += missing * 4;
      const file = this.file!;
      this.q.pushIo(workingset ? 'mem' : 'io', (done) =>
        this.mm.pageCache.backingStore.read(file, { index: lo, pages: hi + 1 - lo }, task, task.cgroup, (ok) => {
          if (!ok && this.failed === null) this.failed = 'EIO';
          done();
        }),
      );
    }
    const h = handleOverHigh(this.mm, task);
    if (h.reclaimNs > 0) this.q.push({ kind: 'cpu', ns: Math.round(h.reclaimNs), stall: 'mem' });
    if (h.sleepNs > 0) this.q.push({ kind: 'sleep', ns: h.sleepNs, stall: 'mem' });
    return true;
  }

  private write(task: Task, index: number, pages: number, partial: boolean): void {
    const o = this.obj!;
    // write_begin: a page the write covers only in part must be read first unless it is cached.
    const edges = partial ? [index, index + pages - 1].filter((i, n, a) => a.indexOf(i) === n && !o.isResident(i)) : [];
    if (edges.length > 0) {
      for (const e of edges) if (!this.mapMissing(task, e, e + 1, true)) return;
      this.op!.dirtyAfterRead = true;
      if (!this.mapMissing(task, index, index + pages, false)) this.op!.dirtyAfterRead = false;
      return;
    }
    if (!this.mapMissing(task, index, index + pages, false)) return;
    this.dirty(task, index, pages);
  }

  /** The copy into the cache, the dirtying, then balance_dirty_pages (mm/page-writeback.c) as the writeback model decides. */
  private dirty(task: Task, index: number, pages: number): void {
    const pc = this.mm.pageCache;
    const o = this.obj!;
    for (let i = index; i < index + pages; i++) if (o.isResident(i)) this.mm.markAccessed(o, i);
    const dirtied = pc.markDirty(this.file!, { index, pages }, task, this.k.now);
    this.q.push({ kind: 'cpu', ns: pages * COST.copyPageNs });
    const h = handleOverHigh(this.mm, task);
    if (h.reclaimNs > 0) this.q.push({ kind: 'cpu', ns: Math.round(h.reclaimNs), stall: 'mem' });
    if (h.sleepNs > 0) this.q.push({ kind: 'sleep', ns: h.sleepNs, stall: 'mem' });
    const pause = this.mm.pageCache.throttle?.(task, this.file!, dirtied, this.k.now) ?? null;
    if (pause) this.q.push(pause);
  }

  private finishOp(now: number): void {
    const op = this.op!;
    this.op = null;
    if (this.failed !== null) {
      if (this.result.error === null) this.result.error = this.failed;
      return;
    }
    if (op.dir === 0) {
      const o = this.obj!;
      for (let i = op.index; i < op.index + op.pages; i++) if (o.isResident(i)) this.mm.markAccessed(o, i);
      this.q.push({ kind: 'cpu', ns: op.pages * COST.copyPageNs });
    }
    if (op.dir < 2 && now >= this.startNs + this.rampEnd) {
      const d = this.result.dirs[op.dir]!;
      d.ios++;
      d.bytes += op.bytes;
      d.clat.record(now - op.startNs);
      if (now > this.result.endNs) this.result.endNs = now;
    }
  }

  /** fsync(2) of a file: filemap_write_and_wait (the file's dirty pages), then the journal commit (ext4_sync_file). */
  private fsyncFile(task: Task): void {
    const file = this.file!;
    let err: BioStatus = 0;
    this.q.pushIo('io', (done) =>
      this.writeAndWait(file, task, (ok) => {
        if (!ok) {
          err = 'EIO';
          // fs/buffer.c end_buffer_async_write prints this when the page's write fails; here it is logged when fsync collects it.
          this.k.log.add(this.k.now, 'io_error', { dev: this.target.dev.name, errno: 'EIO', message: `Buffer I/O error on dev ${this.target.dev.name}, file ${file.path}, lost async page write` });
        }
        done();
      }),
    );
    this.q.pushIo('io', (done) =>
      journalFor(this.k, this.target.dev).fsync(task, task.cgroup, 1, (st: BioStatus) => {
        this.result.fsyncs++;
        const e = err !== 0 ? err : st;
        if (e !== 0 && this.result.error === null) this.result.error = e;
        done();
      }),
    );
  }

  /** filemap_write_and_wait: the writeback model's (it also waits for pages the flusher has in flight), else the page cache's own. */
  private writeAndWait(file: CachedFile, task: Task, done: (ok: boolean) => void): void {
    if (this.k.writeback) this.k.writeback.syncFile(file, task, (ok) => done(ok));
    else this.mm.pageCache.writeback(file, task, (ok) => done(ok));
  }

  /** sync_file_range(2): SYNC_FILE_RANGE_WRITE starts writeback of the dirty pages; WAIT_BEFORE/WAIT_AFTER wait for it. */
  private syncFileRange(task: Task): void {
    const sfr = this.job.syncFileRange!;
    const file = this.file!;
    if (!sfr.write) return;
    if (sfr.waitBefore || sfr.waitAfter) this.q.pushIo('io', (done) => this.writeAndWait(file, task, () => done()));
    else this.mm.pageCache.writeback(file, task, () => undefined);
  }
}
