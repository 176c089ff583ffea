/**
 * Automatic NUMA balancing (kernel/sched/fair.c: task_tick_numa,
 * task_numa_work, task_numa_fault, task_numa_placement,
 * update_task_scan_period; mm/memory.c: do_numa_page; mm/migrate.c).
 */
import type { Rng } from '../../engine/rng';
import { parseKernelInt } from '../cgroup/tree';
import { fail } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import { COST } from '../mm/constants';
import { HPAGE_PMD_NR, HPAGE_PMD_ORDER } from '../mm/frames';
import { HUGE_NUMA_HINT } from '../mm/thp';
import { PG_NUMA_HINT, type MemObject } from '../mm/objects';
import { taskMm } from '../mm/task-mm';
import type { Task } from '../task';
import type { NodeMm } from './node-mm';

// kernel/sched/fair.c defaults (ms / MB).
export const SCAN_DELAY_MS = 1000;
export const SCAN_PERIOD_MIN_MS = 1000;
export const SCAN_PERIOD_MAX_MS = 60000;
export const SCAN_SIZE_MB = 256;
/** kernel/sched/fair.c: MAX_SCAN_WINDOW (MB/s): the scan rate cap that floors the period. */
const MAX_SCAN_WINDOW = 2560;
/** kernel/sched/fair.c: NUMA_PERIOD_THRESHOLD of NUMA_PERIOD_SLOTS: ≥ 70 % local faults slows scanning. */
const LOCAL_THRESHOLD = 0.7;
/** How often the tick checks whether a task's scan is due (the 100 ms period floor). */
const TICK_NS = 100e6;
/** Model calibration (not kernel figures): changing one PTE to PROT_NONE, and a hint fault's entry and exit. */
const PTE_UPDATE_NS = 10;
const HINT_FAULT_NS = COST.minorFaultNs;
/** Copying a 4 KiB page between nodes (migrate_folio: copy + remap); calibration. */
const MIGRATE_PAGE_NS = 2 * COST.copyPageNs;
/** A 2 MiB THP: 512 page copies and one remap (one PMD instead of 512 PTEs); calibration. */
const MIGRATE_THP_NS = HPAGE_PMD_NR * COST.copyPageNs + (MIGRATE_PAGE_NS - COST.copyPageNs);

/** A range of one object's pages a scan made PROT_NONE (change_prot_numa), waiting for hint faults. */
interface Window {
  o: MemObject;
  from: number;
  to: number;
}

/** The per-task numa_* state of task_struct / mm_struct. */
interface NumaTask {
  nextScanNs: number;
  periodNs: number;
  /** Address-space offset (pages over the task's objects in order) where the next scan starts. */
  offset: number;
  /** numa_faults[mem] per node, halved at each full pass (numa_scan_seq). */
  faults: Float64Array;
  local: number;
  remote: number;
  /** What the previous scan unmapped. */
  windows: Window[];
  lastScanNs: number;
  /** CPU time of scanning, hint faults and migration not yet charged to the task. */
  overheadNs: number;
  nextMigrateNs: number;
}

/** Binomial(n, p) draw: Bernoulli trials for small n·p·(1−p), else the normal approximation. */
function binomial(n: number, p: number, rng: Rng): number {
  if (p > 0.5) return n - binomial(n, 1 - p, rng);
  const v = n * p * (1 - p);
  if (v < 25 && n < 64) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.next() < p) k++;
    return k;
  }
  if (v < 25) {
    // Rare events over many pages: Poisson(n·p) by Knuth's product method, capped at n.
    const l = Math.exp(-n * p);
    let k = 0;
    let q = rng.next();
    while (q > l && k < n) {
      k++;
      q *= rng.next();
    }
    return k;
  }
  const u = 1 - rng.next();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(v) * z)));
}

export class NumaBalancing {
  /** kernel.numa_balancing: 0 off, 1 NUMA_BALANCING_NORMAL, 2 MEMORY_TIERING (not modelled), 3 both. */
  mode = 1;
  scanDelayMs = SCAN_DELAY_MS;
  scanPeriodMinMs = SCAN_PERIOD_MIN_MS;
  scanPeriodMaxMs = SCAN_PERIOD_MAX_MS;
  scanSizeMb = SCAN_SIZE_MB;
  numaPteUpdates = 0;
  /** PMD-mapped THPs made PROT_NONE (each also counts 512 in numaPteUpdates, as mm/mprotect.c does). */
  numaHugePteUpdates = 0;
  numaHintFaults = 0;
  numaHintFaultsLocal = 0;
  numaPagesMigrated = 0;
  private readonly tasks = new Map<number, NumaTask>();
  /** Last node that hint-faulted each page (the cpupid in page flags), node + 1; 0 = unset. */
  private readonly lastNid = new WeakMap<MemObject, Uint8Array>();
  private readonly rng: Rng;
  private ticking = false;

  constructor(
    private readonly k: Kernel,
    private readonly nm: NodeMm,
  ) {
    this.rng = k.rng.fork('numa-balancing');
  }

  start(): void {
    if (this.ticking || (this.mode & 1) === 0) return;
    this.ticking = true;
    this.k.engine.after(TICK_NS, () => this.tick());
  }

  private tick(): void {
    if ((this.mode & 1) === 0) {
      this.ticking = false;
      return;
    }
    const now = this.k.now;
    for (const t of this.k.tasks.values()) {
      // task_tick_numa(): only a task on a CPU, with memory, and whose scan is due.
      if (t.state !== 'running' && t.state !== 'runnable') continue;
      const objs = taskMm(t).objects;
      if (objs.length === 0) continue;
      let st = this.tasks.get(t.pid);
      if (st === undefined) {
        st = { nextScanNs: now + this.scanDelayMs * 1e6, periodNs: this.scanPeriodMinMs * 1e6, offset: 0, faults: new Float64Array(this.nm.topo.nrNodes), local: 0, remote: 0, windows: [], lastScanNs: now, overheadNs: 0, nextMigrateNs: 0 };
        this.tasks.set(t.pid, st);
      }
      if (now >= st.nextScanNs) this.work(t, st, now);
    }
    this.k.engine.after(TICK_NS, () => this.tick());
  }

  /** CPU time the task owes for balancing since it last asked (charged to its next work step). */
  takeOverheadNs(task: Task): number {
    const st = this.tasks.get(task.pid);
    if (st === undefined) return 0;
    const ns = st.overheadNs;
    st.overheadNs = 0;
    return ns;
  }

  /** task_numa_work(): resolve the last window's hint faults, place the task, unmap the next window. */
  private work(t: Task, st: NumaTask, now: number): void {
    this.resolveHintFaults(t, st, now);
    this.placement(t, st, now);
    this.adaptPeriod(t, st);
    this.scan(t, st);
    st.lastScanNs = now;
    st.nextScanNs = now + st.periodNs;
  }

  /**
   * A PROT_NONE page is touched with probability 1 − e^(−λΔ) in the scan
   * period since it was unmapped (λ = its touch rate); each touch is a hint
   * fault (do_numa_page → task_numa_fault), migrating the page to the
   * faulting node when the previous hint fault came from that node too (the
   * two-access filter of should_numa_migrate_memory). A page not touched
   * within the period is mapped again without a fault (README).
   */
  private resolveHintFaults(t: Task, st: NumaTask, now: number): void {
    const nm = this.nm;
    const ft = nm.mm.ft;
    const here = nm.nodeOfTask(t);
    const dt = (now - st.lastScanNs) * 1e-9;
    const migrates = (t.mempolicy?.mode ?? 'default') === 'default';
    const mems = nm.memsEffective(t.cgroup);
    const lo = ft.base[here]!;
    const hi = ft.base[here + 1]!;
    const target = [here];
    for (const w of st.windows) {
      const o = w.o;
      if (nm.mm.objects[o.id] !== o) continue;
      if (o.hugeMapped > 0) {
        this.resolveHugeWindow(st, o, w.from, w.to, dt, lo, hi, here, target, migrates, mems);
        continue;
      }
      this.resolvePages(st, o, w.from, w.to, dt, lo, hi, here, target, migrates, mems);
    }
    st.windows = [];
  }

  /** Hint faults of the 4 KiB-mapped pages [from, to) of `o`, in runs of equal touch rate (a pattern's buckets are contiguous page ranges). */
  private resolvePages(st: NumaTask, o: MemObject, from: number, to: number, dt: number, lo: number, hi: number, here: number, target: readonly number[], migrates: boolean, mems: readonly number[]): void {
    const pat = o.pattern;
    let p = from;
    while (p < to) {
      let end = to;
      let rate = 0;
      if (pat !== null && o.rate > 0) {
        const b = pat.bucket(p);
        end = Math.min(to, pat.lo[b + 1]!);
        rate = pat.pageRate(b, o.rate);
      }
      this.resolveRun(st, o, p, end, 1 - Math.exp(-rate * dt), lo, hi, here, target, migrates, mems);
      p = end;
    }
  }

  /**
   * A window of an object with huge mappings, extent by extent: a PMD the
   * scan made PROT_NONE is one entry (do_huge_pmd_numa_page), 4 KiB-mapped
   * extents go page by page, and a PMD mapped since the scan (or not made
   * PROT_NONE) has nothing to resolve.
   */
  private resolveHugeWindow(st: NumaTask, o: MemObject, from: number, to: number, dt: number, lo: number, hi: number, here: number, target: readonly number[], migrates: boolean, mems: readonly number[]): void {
    const huge = o.huge!;
    let p = from;
    while (p < to) {
      const e = p >> HPAGE_PMD_ORDER;
      const end = Math.min(to, (e + 1) << HPAGE_PMD_ORDER);
      const h = huge[e]!;
      if (h & HUGE_NUMA_HINT) {
        huge[e] = h & ~HUGE_NUMA_HINT;
        this.resolveExtent(st, o, e << HPAGE_PMD_ORDER, dt, here, migrates, mems);
      } else if (h === 0) {
        this.resolvePages(st, o, p, end, dt, lo, hi, here, target, migrates, mems);
      }
      p = end;
    }
  }

  /**
   * The hint fault of a PROT_NONE PMD (mm/huge_memory.c:
   * do_huge_pmd_numa_page): the THP at [first, first + 512) is touched with
   * probability 1 − e^(−ΛΔ), Λ = the sum of its subpages' touch rates; the
   * first touch is ONE fault (numa_hint_faults + 1) that restores the PMD,
   * task_numa_fault() counts its 512 pages (numa_faults and the locality),
   * and a misplaced folio migrates whole (migrate_misplaced_folio:
   * numa_pages_migrated + 512). The two-access filter reads the folio's
   * last node (its head page's cpupid).
   */
  private resolveExtent(st: NumaTask, o: MemObject, first: number, dt: number, here: number, migrates: boolean, mems: readonly number[]): void {
    const pat = o.pattern;
    if (pat === null || o.rate <= 0) return;
    let rate = 0;
    const end = first + HPAGE_PMD_NR;
    for (let p = first; p < end; ) {
      const b = pat.bucket(p);
      const next = Math.min(end, pat.lo[b + 1]!);
      rate += (next - p) * pat.pageRate(b, o.rate);
      p = next;
    }
    const prob = 1 - Math.exp(-rate * dt);
    if (prob <= 0 || this.rng.next() >= prob) return;
    const f = o.frameOf(first);
    if (f < 0) return;
    const nm = this.nm;
    const nid = nm.mm.ft.nodeOf(f);
    this.numaHintFaults++;
    st.overheadNs += HINT_FAULT_NS;
    st.faults[nid]! += HPAGE_PMD_NR;
    if (nid === here) {
      this.numaHintFaultsLocal++;
      st.local += HPAGE_PMD_NR;
      return;
    }
    st.remote += HPAGE_PMD_NR;
    const last = this.lastNidOf(o);
    const prev = last[first]! - 1;
    last[first] = here + 1;
    if (migrates && prev === here && mems.includes(here) && nm.migrateExtent(o, first, here)) {
      this.numaPagesMigrated += HPAGE_PMD_NR;
      st.overheadNs += MIGRATE_THP_NS;
    }
  }

  /**
   * Hint faults of pages [from, to) of `o`, each touched with probability
   * `prob`. Local pages only count (one binomial draw for the run); remote
   * pages are drawn one by one, as each may migrate.
   */
  private resolveRun(st: NumaTask, o: MemObject, from: number, to: number, prob: number, lo: number, hi: number, here: number, target: readonly number[], migrates: boolean, mems: readonly number[]): void {
    const nm = this.nm;
    const ft = nm.mm.ft;
    const state = o.state;
    const rng = this.rng;
    let local = 0;
    let last: Uint8Array | undefined;
    for (let p = from; p < to; p++) {
      const s0 = state[p]!;
      if ((s0 & PG_NUMA_HINT) === 0) continue;
      state[p] = s0 & ~PG_NUMA_HINT;
      const f = o.frameOf(p);
      if (f < 0) continue;
      if (f >= lo && f < hi) {
        local++;
        continue;
      }
      if (prob <= 0 || rng.next() >= prob) continue;
      const nid = ft.nodeOf(f);
      this.numaHintFaults++;
      st.overheadNs += HINT_FAULT_NS;
      st.faults[nid]!++;
      st.remote++;
      last ??= this.lastNidOf(o);
      const prev = last[p]! - 1;
      last[p] = here + 1;
      if (migrates && prev === here && mems.includes(here) && nm.migratePage(o, p, target, here)) {
        this.numaPagesMigrated++;
        st.overheadNs += MIGRATE_PAGE_NS;
      }
    }
    if (local === 0 || prob <= 0) return;
    const faults = binomial(local, prob, rng);
    this.numaHintFaults += faults;
    this.numaHintFaultsLocal += faults;
    st.overheadNs += faults * HINT_FAULT_NS;
    st.faults[here]! += faults;
    st.local += faults;
  }

  private lastNidOf(o: MemObject): Uint8Array {
    let last = this.lastNid.get(o);
    if (last === undefined) {
      last = new Uint8Array(o.pages);
      this.lastNid.set(o, last);
    }
    return last;
  }

  /** task_numa_placement(): the node with most faults becomes numa_preferred_nid; move the task there. */
  private placement(t: Task, st: NumaTask, now: number): void {
    let best = -1;
    let max = 0;
    st.faults.forEach((v, n) => {
      if (v > max) {
        max = v;
        best = n;
      }
    });
    if (best < 0 || now < st.nextMigrateNs) return;
    // numa_migrate_retry: min(1 s, scan period / 16) between attempts.
    st.nextMigrateNs = now + Math.min(1e9, st.periodNs / 16);
    const from = this.nm.nodeOfTask(t);
    if (best !== from && this.k.sched.numaMigrate?.(t, best)) this.k.log.add(now, 'numa_task_migrate', { pid: t.pid, task: t.name, from_nid: from, to_nid: best });
  }

  /** update_task_scan_period() simplified: ≥ 70 % local faults doubles the period, otherwise it halves. */
  private adaptPeriod(t: Task, st: NumaTask): void {
    const rss = Math.max(1, this.nm.mm.taskRss(t));
    const windows = Math.max(1, (rss * 4096) / (this.scanSizeMb << 20));
    const floor = 1000 / (MAX_SCAN_WINDOW / this.scanSizeMb);
    const min = Math.max(this.scanPeriodMinMs / windows, floor) * 1e6;
    const max = Math.max(min, (this.scanPeriodMaxMs / windows) * 1e6);
    const total = st.local + st.remote;
    if (total > 0) st.periodNs = st.local / total >= LOCAL_THRESHOLD ? st.periodNs * 2 : st.periodNs / 2;
    st.periodNs = Math.min(max, Math.max(min, st.periodNs));
    st.local = 0;
    st.remote = 0;
  }

  /**
   * change_prot_numa() over the next scan_size_mb of the address space,
   * wrapping (numa_scan_seq). task_numa_work() aligns each range's end up to
   * 2 MiB (ALIGN(start + pages, HPAGE_SIZE)), so a scan never ends inside a
   * PMD; the model does that where the end falls inside a huge mapping
   * (elsewhere the window keeps the exact budget).
   */
  private scan(t: Task, st: NumaTask): void {
    const objs = taskMm(t).objects;
    let total = 0;
    for (const o of objs) total += o.pages;
    if (total === 0) return;
    let budget = Math.min(total, (this.scanSizeMb << 20) / 4096);
    while (budget > 0) {
      if (st.offset >= total) {
        st.offset = 0;
        // A new pass: numa_faults decay by half.
        for (let n = 0; n < st.faults.length; n++) st.faults[n] = st.faults[n]! / 2;
      }
      let off = st.offset;
      for (const o of objs) {
        if (off >= o.pages) {
          off -= o.pages;
          continue;
        }
        let end = off + Math.min(budget, o.pages - off);
        const huge = o.hugeMapped > 0 ? o.huge : null;
        if (huge !== null && (end & (HPAGE_PMD_NR - 1)) !== 0 && huge[end >> HPAGE_PMD_ORDER]! !== 0) end = Math.min(o.pages, ((end >> HPAGE_PMD_ORDER) + 1) << HPAGE_PMD_ORDER);
        if (huge === null) this.protectPages(st, o, off, end);
        else this.protectRange(st, o, huge, off, end);
        st.windows.push({ o, from: off, to: end });
        budget -= end - off;
        st.offset += end - off;
        break;
      }
    }
  }

  /** change_pte_range() with prot_numa: every resident page of [from, to) becomes PROT_NONE. */
  private protectPages(st: NumaTask, o: MemObject, from: number, to: number): void {
    const state = o.state;
    let updated = 0;
    for (let p = from; p < to; p++) {
      if (!o.isResident(p)) continue;
      state[p] = state[p]! | PG_NUMA_HINT;
      updated++;
    }
    this.numaPteUpdates += updated;
    st.overheadNs += updated * PTE_UPDATE_NS;
  }

  /**
   * change_pmd_range() with prot_numa over an object with huge mappings: a
   * PMD-mapped THP the range covers whole is one update (change_huge_pmd:
   * numa_pte_updates + 512, numa_huge_pte_updates + 1; one already PROT_NONE
   * is left alone); a range that starts inside one splits it first
   * (__split_huge_pmd) and goes on page by page, as do 4 KiB-mapped extents.
   */
  private protectRange(st: NumaTask, o: MemObject, huge: Uint8Array, from: number, to: number): void {
    let p = from;
    while (p < to) {
      const e = p >> HPAGE_PMD_ORDER;
      const end = Math.min(to, (e + 1) << HPAGE_PMD_ORDER);
      const h = huge[e]!;
      if (h !== 0 && end - p === HPAGE_PMD_NR) {
        if ((h & HUGE_NUMA_HINT) === 0) {
          huge[e] = h | HUGE_NUMA_HINT;
          this.numaPteUpdates += HPAGE_PMD_NR;
          this.numaHugePteUpdates++;
          st.overheadNs += PTE_UPDATE_NS;
        }
      } else {
        if (h !== 0) this.nm.mm.thp.split(o, p);
        this.protectPages(st, o, p, end);
      }
      p = end;
    }
  }

  extraVmstat(): string {
    return (
      `numa_pte_updates ${this.numaPteUpdates}\n` +
      `numa_huge_pte_updates ${this.numaHugePteUpdates}\n` +
      `numa_hint_faults ${this.numaHintFaults}\n` +
      `numa_hint_faults_local ${this.numaHintFaultsLocal}\n` +
      `numa_pages_migrated ${this.numaPagesMigrated}\n`
    );
  }

  register(): void {
    const vfs = this.k.vfs;
    const int = (get: () => number, set: (v: number) => void, lo: number, hi: number) => ({
      read: () => `${get()}\n`,
      write: (d: string) => {
        const v = parseKernelInt(d);
        if (v < lo || v > hi) fail('EINVAL', `value must be in [${lo}, ${hi}]`);
        set(v);
      },
    });
    vfs.register(
      '/proc/sys/kernel/numa_balancing',
      int(
        () => this.mode,
        (v) => {
          this.mode = v;
          this.start();
        },
        0,
        3,
      ),
    );
    // Since 5.13 the tunables live in debugfs (kernel/sched/debug.c).
    const dir = '/sys/kernel/debug/sched/numa_balancing';
    const big = 2 ** 31 - 1;
    vfs.register(`${dir}/scan_delay_ms`, int(() => this.scanDelayMs, (v) => (this.scanDelayMs = v), 0, big));
    vfs.register(`${dir}/scan_period_min_ms`, int(() => this.scanPeriodMinMs, (v) => (this.scanPeriodMinMs = v), 0, big));
    vfs.register(`${dir}/scan_period_max_ms`, int(() => this.scanPeriodMaxMs, (v) => (this.scanPeriodMaxMs = v), 0, big));
    vfs.register(`${dir}/scan_size_mb`, int(() => this.scanSizeMb, (v) => (this.scanSizeMb = v), 1, big));
  }
}
