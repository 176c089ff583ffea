import type { Kernel } from '../../kernel/kernel';
import { handleOverHigh } from '../../kernel/memcg/over-high';
import { COST } from '../../kernel/mm/constants';
import { MAP_WORKINGSET, type Mm } from '../../kernel/mm/mm';
import { PG_DIRTY } from '../../kernel/mm/objects';
import type { CachedFile } from '../../kernel/mm/page-cache-api';
import { EV } from '../../kernel/mm/stats';
import { taskMm } from '../../kernel/mm/task-mm';
import type { RunSpec } from '../../scenario/types';
import type { Behaviour, Step, Task } from '../../kernel/task';
import { StepQueue } from './steps';

type FileSpecRun = Extract<RunSpec, { type: 'read' | 'write' }>;

/** What a block that queued nothing costs (the same object every time: steps are read, never kept). */
const SPIN_STEP: Step = { kind: 'cpu', ns: 1000 };

/** mm/readahead.c: default read_ahead_kb = 128 (VM_READAHEAD_PAGES). */
export const VM_READAHEAD_PAGES = 32;

/**
 * `{ type: read|write, file, size, bs, pattern, direct, fsync, loop, mmap }`
 * over a file of the scenario. Buffered reads go through the page cache:
 * hits are marked accessed (two touches activate a page), misses are read
 * from the backing store with the task blocked (iowait, or a memory stall
 * when a refaulting page was part of the workingset). Sequential misses
 * also read the readahead span (max(read_ahead_kb, request)) in the same
 * I/O. Buffered writes dirty the pages and ask balance_dirty_pages (the
 * writeback model) for a pause; fsync writes the file's dirty pages back.
 * Direct I/O bypasses the cache. Writes with `mmap` store into a shared file
 * mapping: a page not in the cache is read in by the fault first
 * (filemap_fault, a major fault) and dirtied once it is there; a clean
 * resident page takes a write-protect fault (do_wp_page → page_mkwrite, a
 * minor fault) that dirties it; a page already dirty takes no fault. Each
 * dirtying fault asks balance_dirty_pages for a pause
 * (fault_dirty_shared_page → balance_dirty_pages_ratelimited); `fsync`
 * stands for msync(MS_SYNC).
 */
export function fileIoBehaviour(k: Kernel, mm: Mm, task: Task, spec: FileSpecRun): Behaviour {
  const pc = mm.pageCache;
  const file: CachedFile = pc.file(spec.file) ?? pc.addFile(spec.file, Math.max(spec.sizeBytes, spec.bs), null);
  const bsPages = Math.max(1, Math.ceil(spec.bs / 4096));
  const span = Math.min(file.pages, Math.max(bsPages, Math.ceil(spec.sizeBytes / 4096)));
  const blocks = Math.max(1, Math.floor(span / bsPages));
  const totalBlocks = Math.max(1, Math.ceil(spec.sizeBytes / spec.bs));
  const rng = k.rng.fork(`${spec.type}:${task.pid}`);
  const q = new StepQueue(() => k.sched.wake(task));
  const o = pc.objectOf(file);
  let done = 0;
  let seqBlock = 0;
  let sinceFsync = 0;
  /** Pages to mark accessed once the read I/O has completed (none while `accessPages` is 0). */
  let accessIndex = 0;
  let accessPages = 0;
  /** mmap writes: pages to dirty once the fault's read I/O has completed (none while `dirtyPages` is 0). */
  let dirtyIndex = 0;
  let dirtyPages = 0;
  // The copy of a whole block, the same every time: one step object per
  // behaviour instead of one per read or write. Never changed once made, so
  // it can be queued and returned any number of times (the scheduler only
  // reads a step's fields when it is returned).
  const blockCopy: Step = { kind: 'cpu', ns: bsPages * COST.copyPageNs };
  const copyStep = (pages: number): Step => (pages === bsPages ? blockCopy : { kind: 'cpu', ns: pages * COST.copyPageNs });
  /** The memory.high penalty (mem_cgroup_handle_over_high) when the task owes one; nothing to do otherwise. */
  const overHigh = (t: Task): void => {
    if (taskMm(t).overHigh === 0) return;
    const h = handleOverHigh(mm, t);
    if (h.reclaimNs > 0) q.push({ kind: 'cpu', ns: Math.round(h.reclaimNs), stall: 'mem' });
    if (h.sleepNs > 0) q.push({ kind: 'sleep', ns: h.sleepNs, stall: 'mem' });
  };
  let ioDone = true;
  /** A read or direct write returned EIO: the program sees the error and gives up, as dd or cat do. */
  let ioFailed = false;
  const onIo = (done: () => void) => (ok: boolean): void => {
    if (!ok) ioFailed = true;
    done();
  };

  const finishRead = (): void => {
    if (accessPages === 0 || !ioDone) return;
    const index = accessIndex;
    const pages = accessPages;
    accessPages = 0;
    for (let i = index; i < index + pages; i++) if (o.isResident(i)) mm.markAccessed(o, i);
    q.push(copyStep(pages));
  };

  const doRead = (t: Task, index: number, pages: number): void => {
    const m = mm.memcgOf(t.cgroup);
    if (spec.direct) {
      q.pushIo('io', (done) => pc.backingStore.read(file, { index, pages }, t, t.cgroup, onIo(done)));
      return;
    }
    const span = o.missingSpan(index, pages);
    if (span === null) {
      accessIndex = index;
      accessPages = pages;
      finishRead();
      return;
    }
    const first = span.first;
    let end = span.last + 1;
    if (spec.pattern === 'sequential') end = Math.min(file.pages, Math.max(end, index + pages) + Math.max(VM_READAHEAD_PAGES, pages));
    let missing = 0;
    for (let i = first; i < end; i++) if (!o.isResident(i)) missing++;
    const g = mm.grant(t, m, missing);
    if (g.selfKilled) return;
    if (g.reclaimNs > 0) q.push({ kind: 'cpu', ns: Math.round(g.reclaimNs), stall: 'mem' });
    if (!g.ok) {
      q.push({ kind: 'sleep', ns: 100e6, stall: 'mem' });
      return;
    }
    let workingset = false;
    for (let i = first; i < end; i++) {
      if (o.isResident(i)) continue;
      const r = mm.mapPage(o, i, m);
      if (r & MAP_WORKINGSET) workingset = true;
      if (spec.mmap && i < index + pages) {
        m.ev[EV.pgfault]!++;
        m.ev[EV.pgmajfault]!++;
      }
    }
    m.ev[EV.pgpgin]! += missing * 4;
    accessIndex = index;
    accessPages = pages;
    ioDone = false;
    q.pushIo(workingset ? 'mem' : 'io', (done) =>
      pc.backingStore.read(file, { index: first, pages: end - first }, t, t.cgroup, (ok) => {
        ioDone = true;
        if (!ok) ioFailed = true;
        done();
      }),
    );
    overHigh(t);
  };

  /** Dirty resident pages of a write (buffered write(), or stores into a shared mapping), then pause as balance_dirty_pages says. */
  const dirty = (t: Task, index: number, pages: number): void => {
    for (let i = index; i < index + pages; i++) mm.markAccessed(o, i);
    const dirtied = pc.markDirty(file, { index, pages }, t, k.now);
    q.push(copyStep(pages));
    overHigh(t);
    const pause = pc.throttle?.(t, file, dirtied, k.now) ?? null;
    if (pause) q.push(pause);
    sinceFsync += pages * 4096;
    if (spec.fsyncEveryBytes > 0 && sinceFsync >= spec.fsyncEveryBytes) {
      sinceFsync = 0;
      q.pushIo('io', (done) => pc.writeback(file, t, done));
    }
  };

  const finishMmapWrite = (t: Task): void => {
    if (dirtyPages === 0 || !ioDone) return;
    const pages = dirtyPages;
    dirtyPages = 0;
    dirty(t, dirtyIndex, pages);
  };

  const doWrite = (t: Task, index: number, pages: number): void => {
    if (spec.direct) {
      q.pushIo('io', (done) => pc.backingStore.write(file, { index, pages }, t, t.cgroup, onIo(done)));
      return;
    }
    const m = mm.memcgOf(t.cgroup);
    // A clean resident page of a shared mapping is write-protected: the first store faults (do_wp_page → page_mkwrite).
    if (spec.mmap) for (let i = index; i < index + pages; i++) if (o.isResident(i) && !(o.state[i]! & PG_DIRTY)) m.ev[EV.pgfault]!++;
    let missing = 0;
    let first = -1;
    let last = -1;
    for (let i = index; i < index + pages; i++) {
      if (o.isResident(i)) continue;
      missing++;
      if (first < 0) first = i;
      last = i;
    }
    if (missing > 0) {
      const g = mm.grant(t, m, missing);
      if (g.selfKilled) return;
      if (g.reclaimNs > 0) q.push({ kind: 'cpu', ns: Math.round(g.reclaimNs), stall: 'mem' });
      if (!g.ok) {
        q.push({ kind: 'sleep', ns: 100e6, stall: 'mem' });
        return;
      }
      for (let i = index; i < index + pages; i++) {
        if (o.isResident(i)) continue;
        mm.mapPage(o, i, m);
        if (spec.mmap) {
          m.ev[EV.pgfault]!++;
          m.ev[EV.pgmajfault]!++;
        }
      }
      if (spec.mmap) {
        // filemap_fault(): the store waits for the page to be read from the file, then dirties it.
        m.ev[EV.pgpgin]! += missing * 4;
        dirtyIndex = index;
        dirtyPages = pages;
        ioDone = false;
        q.pushIo('io', (done) =>
          pc.backingStore.read(file, { index: first, pages: last + 1 - first }, t, t.cgroup, (ok) => {
            ioDone = true;
            if (!ok) ioFailed = true;
            done();
          }),
        );
        return;
      }
    }
    dirty(t, index, pages);
  };

  const next = (t: Task): Step => {
    if (taskMm(t).killed) return { kind: 'exit' };
    if (ioFailed) {
      // read()/write() returned -EIO (a dead or failing disk): the program
      // reports it and exits instead of retrying at CPU speed.
      t.exitCode = 1;
      k.log.add(k.now, 'task_io_error', { pid: t.pid, task: t.name, file: spec.file, op: spec.type, errno: 'EIO' });
      return { kind: 'exit' };
    }
    finishRead();
    finishMmapWrite(t);
    const queued = q.shift();
    if (queued) return queued;
    if (done >= totalBlocks && !spec.loop) return { kind: 'exit' };
    const block = spec.pattern === 'random' ? rng.int(0, blocks - 1) : seqBlock;
    seqBlock = (seqBlock + 1) % blocks;
    done++;
    const index = block * bsPages;
    const pages = Math.min(bsPages, file.pages - index);
    mm.current = t;
    if (spec.type === 'read') doRead(t, index, pages);
    else doWrite(t, index, pages);
    mm.current = null;
    if (taskMm(t).killed) return { kind: 'exit' };
    return q.shift() ?? SPIN_STEP;
  };
  return { next, onExit: (t) => mm.releaseTask(t) };
}
