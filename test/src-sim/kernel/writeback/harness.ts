import { Engine } from '../../../../src-sim/engine/engine';
import { EventLog } from '../../../../src-sim/engine/event-log';
import { Rng } from '../../../../src-sim/engine/rng';
import { installBlock } from '../../../../src-sim/kernel/block/install';
import type { Cgroup } from '../../../../src-sim/kernel/cgroup/cgroup';
import { installCgroupCore } from '../../../../src-sim/kernel/cgroup/core-files';
import { CgroupTree } from '../../../../src-sim/kernel/cgroup/tree';
import { installIocg } from '../../../../src-sim/kernel/iocg/install';
import { Kernel, type SchedulerApi } from '../../../../src-sim/kernel/kernel';
import type { MemoryApi } from '../../../../src-sim/kernel/mm/api';
import type { BackingStore, CachedFile, DirtyThrottle, MemcgDirtyInfo, PageCacheApi, PageRange } from '../../../../src-sim/kernel/mm/page-cache-api';
import type { Step, Task } from '../../../../src-sim/kernel/task';
import { createTask } from '../../../../src-sim/kernel/task-factory';
import { installWriteback, type WritebackState } from '../../../../src-sim/kernel/writeback/install';
import { baseScenario, flatMachine } from '../../../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../../../src-sim/scenario/types';
import { Vfs } from '../../../../src-sim/vfs/vfs';

const DIRTY = 1;
const WRITEBACK = 2;

/**
 * A minimal page cache for writeback tests: per-page dirty/writeback bits,
 * the owning memcg of each page, and a fixed dirtyable-memory size. It is a
 * test double of PageCacheApi, not the memory model.
 */
export class TestPageCache implements PageCacheApi {
  private readonly list: CachedFile[] = [];
  private readonly state: Uint8Array[] = [];
  private readonly owner: (Cgroup | null)[][] = [];
  private dirty = 0;
  private wb = 0;
  backingStore: BackingStore;
  throttle: DirtyThrottle | null = null;
  private readonly errors = new Set<number>();
  /** Per-memcg dirtyable memory (a group with a memory limit); default: the global figure. */
  readonly memcgDirtyable = new Map<Cgroup, number>();

  constructor(
    readonly dirtyablePages: number,
    store: BackingStore,
  ) {
    this.backingStore = store;
  }

  addFile(path: string, sizeBytes: number, device: string | null): CachedFile {
    const pages = Math.ceil(sizeBytes / 4096);
    const f: CachedFile = { id: this.list.length, path, sizeBytes, pages, device, dirtiedWhenNs: -1, nrDirty: 0, nrWriteback: 0 };
    this.list.push(f);
    this.state.push(new Uint8Array(pages));
    this.owner.push(new Array<Cgroup | null>(pages).fill(null));
    return f;
  }
  files(): readonly CachedFile[] {
    return this.list;
  }
  file(path: string): CachedFile | null {
    return this.list.find((f) => f.path === path) ?? null;
  }
  isCached(f: CachedFile, i: number): boolean {
    return this.owner[f.id]![i] !== null;
  }
  isDirty(f: CachedFile, i: number): boolean {
    return (this.state[f.id]![i]! & DIRTY) !== 0;
  }
  isWriteback(f: CachedFile, i: number): boolean {
    return (this.state[f.id]![i]! & WRITEBACK) !== 0;
  }
  chargedTo(f: CachedFile, i: number): Cgroup | null {
    return this.owner[f.id]![i] ?? null;
  }
  markDirty(f: CachedFile, r: PageRange, task: Task | null, now: number): number {
    const st = this.state[f.id]!;
    let n = 0;
    for (let i = r.index; i < Math.min(f.pages, r.index + r.pages); i++) {
      if (this.owner[f.id]![i] === null) this.owner[f.id]![i] = task?.cgroup ?? null;
      if (st[i]! & DIRTY) continue;
      st[i] = st[i]! | DIRTY;
      n++;
    }
    f.nrDirty += n;
    this.dirty += n;
    if (n > 0 && f.dirtiedWhenNs < 0) f.dirtiedWhenNs = now;
    return n;
  }
  nextDirtyRange(f: CachedFile, from: number, max: number): PageRange | null {
    const st = this.state[f.id]!;
    let i = Math.max(0, from);
    while (i < f.pages && !(st[i]! & DIRTY)) i++;
    if (i >= f.pages) return null;
    let j = i;
    while (j < f.pages && j - i < max && st[j]! & DIRTY) j++;
    return { index: i, pages: j - i };
  }
  startWriteback(f: CachedFile, r: PageRange): number {
    const st = this.state[f.id]!;
    let n = 0;
    for (let i = r.index; i < r.index + r.pages; i++) {
      if (!(st[i]! & DIRTY)) continue;
      st[i] = (st[i]! & ~DIRTY) | WRITEBACK;
      n++;
    }
    f.nrDirty -= n;
    f.nrWriteback += n;
    this.dirty -= n;
    this.wb += n;
    if (f.nrDirty === 0) f.dirtiedWhenNs = -1;
    return n;
  }
  endWriteback(f: CachedFile, r: PageRange, ok: boolean): void {
    const st = this.state[f.id]!;
    for (let i = r.index; i < r.index + r.pages; i++) {
      if (!(st[i]! & WRITEBACK)) continue;
      st[i] = st[i]! & ~WRITEBACK;
      f.nrWriteback--;
      this.wb--;
    }
    if (!ok) this.errors.add(f.id);
  }
  dirtyFiles(): CachedFile[] {
    return this.list.filter((f) => f.nrDirty > 0).sort((a, b) => a.dirtiedWhenNs - b.dirtiedWhenNs || a.id - b.id);
  }
  takeWriteError(f: CachedFile): boolean {
    return this.errors.delete(f.id);
  }
  nrFileDirty(): number {
    return this.dirty;
  }
  nrWriteback(): number {
    return this.wb;
  }
  dirtyableMemory(): number {
    return this.dirtyablePages;
  }
  memcgDirty(cg: Cgroup): MemcgDirtyInfo {
    let fileDirty = 0;
    let fileWriteback = 0;
    let file = 0;
    this.list.forEach((f) => {
      const st = this.state[f.id]!;
      const own = this.owner[f.id]!;
      for (let i = 0; i < f.pages; i++) {
        if (own[i] !== cg) continue;
        file++;
        if (st[i]! & DIRTY) fileDirty++;
        if (st[i]! & WRITEBACK) fileWriteback++;
      }
    });
    return { fileDirty, fileWriteback, file, dirtyable: this.memcgDirtyable.get(cg) ?? this.dirtyablePages };
  }
  setBackingStore(s: BackingStore): void {
    this.backingStore = s;
  }
  setDirtyThrottle(fn: DirtyThrottle): void {
    this.throttle = fn;
  }
  onReclaimDirty(): void {}
  dropClean(): number {
    return 0;
  }
}

/** Wakes recorded per task; tests drive tasks by hand. */
class TestSched implements SchedulerApi {
  readonly waiters = new Map<Task, () => void>();
  readonly nrCpus = 4;
  fork(): void {}
  wake(task: Task): void {
    const w = this.waiters.get(task);
    if (w) {
      this.waiters.delete(task);
      task.state = 'running';
      w();
    }
  }
  exit(): void {}
  migrate(): void {}
  onlineCpus(): number[] {
    return [0, 1, 2, 3];
  }

  cpuOf(): number {
    return 0;
  }
}

export function device(name: string, type: BlockDeviceSpec['type'], major: number, minor: number): BlockDeviceSpec {
  return { name, type, sizeBytes: 64 * 1024 ** 3, major, minor, model: name, serial: name, partitions: [], params: {}, badSectors: [] };
}

export interface Harness {
  k: Kernel;
  pc: TestPageCache;
  wb: WritebackState;
  sched: TestSched;
  task(name: string, cgroup?: string): Task;
}

/** Real block layer + io controller + writeback over the test page cache. */
export function harness(opts: { version?: 1 | 2; dirtyablePages?: number; devices?: BlockDeviceSpec[] } = {}): Harness {
  const s = baseScenario({
    cgroupVersion: opts.version ?? 2,
    machine: { ...flatMachine(4), devices: opts.devices ?? [device('sda', 'ssd', 8, 0), device('sdb', 'usb', 8, 16)] },
  });
  const engine = new Engine();
  const vfs = new Vfs();
  const k = new Kernel(s, engine, new Rng(s.seed), vfs, new EventLog(), new CgroupTree(s.cgroupVersion, vfs));
  const sched = new TestSched();
  k.sched = sched;
  installCgroupCore(k);
  installBlock(k);
  const store: BackingStore = {
    read: (_f, _r, _t, _c, done) => engine.after(100_000, (now) => done(true, now)),
    write: (f, r, task, cg, done) => {
      const dev = k.block!.byName(f.device!)!;
      k.block!.submitBio({
        dev,
        op: 'write',
        // Files laid out 1 GiB apart so writeback of one file is sequential.
        sector: f.id * 2 * 1024 * 1024 + r.index * 8,
        bytes: r.pages * 4096,
        flags: 0,
        cgroup: cg,
        task,
        submitNs: 0,
        onComplete: (st, now) => done(st === 0, now),
      });
    },
  };
  const pc = new TestPageCache(opts.dirtyablePages ?? 65536, store);
  const mem: MemoryApi = {
    pageCache: pc,
    totalPages: pc.dirtyablePages,
    nrFree: () => pc.dirtyablePages,
    memcgUsage: () => 0,
    taskRss: () => 0,
  };
  k.mm = mem;
  installIocg(k);
  installWriteback(k);
  const task = (name: string, cgroup = '/'): Task => {
    const cg = k.cgroups.create(cgroup);
    const t = createTask(
      k,
      { name, cgroup: cg, nice: 0, policy: 'SCHED_OTHER', rtPriority: 0, affinity: [], oomScoreAdj: 0, sliceNs: 0 },
      () => ({ next: () => ({ kind: 'exit' }) }),
    );
    // Driven by hand, never forked: it stands for a task running on a CPU.
    t.state = 'running';
    return t;
  };
  return { k, pc, wb: k.writeback as WritebackState, sched, task };
}

export interface WriterTrace {
  pages: number;
  /** [time ns, global dirty pages] at each throttle pause. */
  pausesAt: [number, number][];
  /** Longest time one write() took including throttling, ns. */
  maxWriteNs: number;
  writes: number;
}

/**
 * A buffered writer: write(bs pages) costs `cpuNs`, then balance_dirty_pages
 * may pause it (sleep) or block it (completion credit). Loops over its file.
 */
export function writer(h: Harness, task: Task, file: CachedFile, opts: { bsPages: number; cpuNs: number; untilNs: number; totalPages?: number }): WriterTrace {
  const tr: WriterTrace = { pages: 0, pausesAt: [], maxWriteNs: 0, writes: 0 };
  let cursor = 0;
  const block = (t: Task, then: () => void): void => {
    t.state = 'blocked';
    h.sched.waiters.set(t, then);
  };
  const step = (): void => {
    const now = h.k.now;
    if (now >= opts.untilNs || (opts.totalPages !== undefined && tr.pages >= opts.totalPages)) return;
    const start = now;
    const range = { index: cursor, pages: Math.min(opts.bsPages, file.pages - cursor) };
    cursor = (cursor + range.pages) % file.pages;
    const finish = (): void => {
      const n = h.pc.markDirty(file, range, task, h.k.now);
      tr.pages += range.pages;
      tr.writes++;
      const st: Step | null = h.pc.throttle ? h.pc.throttle(task, file, n, h.k.now) : null;
      const done = (): void => {
        tr.maxWriteNs = Math.max(tr.maxWriteNs, h.k.now - start);
        h.k.engine.after(0, step);
      };
      if (!st) return done();
      tr.pausesAt.push([h.k.now, h.pc.nrFileDirty() + h.pc.nrWriteback()]);
      if (st.kind === 'sleep') h.k.engine.after(st.ns, done);
      else if (st.kind === 'block') block(task, done);
    };
    const stable = h.wb.waitStable(task, file, range, now);
    if (stable) block(task, () => h.k.engine.after(opts.cpuNs, finish));
    else h.k.engine.after(opts.cpuNs, finish);
  };
  step();
  return tr;
}
