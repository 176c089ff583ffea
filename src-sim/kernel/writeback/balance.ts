import type { Cgroup } from '../cgroup/cgroup';
import type { Kernel } from '../kernel';
import type { CachedFile, DirtyThrottle, PageCacheApi } from '../mm/page-cache-api';
import type { Step, Task } from '../task';
import { bandwidthInterval, updateDirtyRatelimit, updateWriteBandwidth } from './bandwidth';
import { dirtyFreerunCeiling, domainDirtyLimits, updateDirtyLimit, type DirtyLimits, type DirtySysctls } from './dirty-limits';
import type { Flusher } from './flusher';
import { computePause, dirtyPollInterval, initialTaskDirtyState, type TaskDirtyState } from './pause';
import { wbPositionRatio, type PosRatio } from './pos-ratio';
import { wbCalcThresh, type Wb } from './wb';
import { wakeWhenBlocked } from './wake';

/** How writers over their dirty limit are held back. */
export type ThrottlePolicy = 'io-less' | 'completion-distribution';

/** Per-task record of dirty-throttling sleeps, for experiments and traces. */
export interface PauseStats {
  pauses: number;
  totalNs: number;
  maxNs: number;
  /** Sleeps per bucket: [0, 1), [1, 2), [2, 4) … [128, 256) ms (MAX_PAUSE is 200 ms), then ≥ 256 ms (the completion-distribution waits). */
  hist: number[];
  comm: string;
}

/** Upper bounds (ms, exclusive) of the pause histogram's buckets: powers of two up to past MAX_PAUSE. */
export const PAUSE_BUCKETS_MS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

export function emptyPauseStats(comm: string): PauseStats {
  return { pauses: 0, totalNs: 0, maxNs: 0, hist: [...PAUSE_BUCKETS_MS.map(() => 0), 0], comm };
}

/** /sys/kernel/debug/kernel-lab/writeback/pauses: one row per task that balance_dirty_pages put to sleep. */
export function pauseTable(stats: ReadonlyMap<number, PauseStats>): string {
  const head = ['pid', 'comm', 'pauses', 'total_ms', 'max_ms', ...PAUSE_BUCKETS_MS.map((b) => `lt${b}ms`), `ge${PAUSE_BUCKETS_MS[PAUSE_BUCKETS_MS.length - 1]}ms`];
  let out = `${head.join(' ')}\n`;
  for (const [pid, st] of [...stats].sort((a, b) => a[0] - b[0])) {
    out += `${[pid, st.comm, st.pauses, (st.totalNs / 1e6).toFixed(1), (st.maxNs / 1e6).toFixed(1), ...st.hist].join(' ')}\n`;
  }
  return out;
}

/** The 2011 proposal distributes completions every 100 ms. */
export const COMPLETION_DISTRIBUTION_PERIOD_NS = 100e6;

/**
 * At most this many balance_dirty_pages sleeps (each ≤ MAX_PAUSE) are
 * replayed for one reported write; the rest of its pages stay owed and are
 * throttled at the next write against fresh state.
 */
export const MAX_SLEEPS_PER_WRITE = 5;

interface Domain {
  dirtyLimit: number;
  tstamp: number;
}

interface CreditWaiter {
  task: Task;
  need: number;
  credited: number;
  since: number;
}

/** Where one domain (global or a memcg) stands for one wb. */
interface Ctl {
  limits: DirtyLimits;
  dirty: number;
  wbThresh: number;
  wbDirty: number;
  pos: PosRatio;
  dom: Domain;
}

/**
 * balance_dirty_pages() (mm/page-writeback.c, IO-less since 3.2) and, as an
 * option, the completion-distribution throttling proposed in 2011. Called
 * by the page cache after every buffered write through `throttle`.
 */
export class DirtyBalancer {
  policy: ThrottlePolicy = 'io-less';
  private readonly global: Domain = { dirtyLimit: 0, tstamp: 0 };
  private readonly memcgDom = new WeakMap<Cgroup, Domain>();
  private readonly taskState = new WeakMap<Task, TaskDirtyState>();
  readonly stats = new Map<number, PauseStats>();
  private readonly creditWaiters = new Map<Wb, CreditWaiter[]>();
  private readonly lastDistributed = new Map<Wb, number>();
  private readonly distTimers = new Map<Wb, number>();
  private readonly jiffyNs: number;

  constructor(
    private readonly k: Kernel,
    private readonly pc: PageCacheApi,
    private readonly s: DirtySysctls,
    private readonly flusher: Flusher,
    private readonly wbOfFile: (file: CachedFile) => Wb,
    /** v2 cgroup writeback: memcg dirty limits apply too. */
    private readonly memcgDomains: boolean,
  ) {
    this.jiffyNs = 1e9 / k.scenario.kernel.hz;
  }

  private jiffies(now: number): number {
    return Math.floor(now / this.jiffyNs + 1e-9);
  }

  private state(task: Task): TaskDirtyState {
    let ts = this.taskState.get(task);
    if (!ts) {
      ts = initialTaskDirtyState();
      this.taskState.set(task, ts);
    }
    return ts;
  }

  private record(task: Task, ns: number): void {
    let st = this.stats.get(task.pid);
    if (!st) {
      st = emptyPauseStats(task.name);
      this.stats.set(task.pid, st);
    }
    st.pauses++;
    st.totalNs += ns;
    st.maxNs = Math.max(st.maxNs, ns);
    const ms = ns / 1e6;
    let b = 0;
    while (b < PAUSE_BUCKETS_MS.length && ms >= PAUSE_BUCKETS_MS[b]!) b++;
    st.hist[b]!++;
  }

  /** balance_dirty_pages_ratelimited(): enter balance_dirty_pages every nr_dirtied_pause pages. */
  readonly throttle: DirtyThrottle = (task, file, pages, now) => {
    const wb = this.wbOfFile(file);
    wb.dirtied += pages;
    if (pages > 0) this.flusher.armPeriodic(wb);
    const ts = this.state(task);
    ts.nrDirtied += pages;
    let ratelimit = ts.nrDirtiedPause;
    // 32 >> (PAGE_SHIFT − 10): poll often while the wb is over its limit.
    if (wb.dirtyExceeded) ratelimit = Math.min(ratelimit, 8);
    if (ts.nrDirtied < ratelimit) return null;
    return this.policy === 'io-less' ? this.balance(task, ts, wb, now) : this.completionWait(task, ts, wb, now);
  };

  private isRt(task: Task): boolean {
    return task.policy === 'SCHED_FIFO' || task.policy === 'SCHED_RR';
  }

  /** The global domain and, for a task in a memcg under cgroup writeback, the memcg domain. */
  private controls(task: Task, wb: Wb, now: number): { g: Ctl; m: Ctl | null } {
    const gAvail = this.pc.dirtyableMemory();
    const rt = this.isRt(task);
    const gl = domainDirtyLimits(gAvail, this.s, { rt, globalDirtyLimit: this.global.dirtyLimit });
    const gDirty = this.pc.nrFileDirty() + this.pc.nrWriteback();
    const wbThresh = wbCalcThresh(wb, this.flusher.allWbs(), gl.thresh, now);
    const wbDirty = this.flusher.wbDirty(wb);
    const g: Ctl = { limits: gl, dirty: gDirty, wbThresh, wbDirty, pos: this.pos(gl, gDirty, this.global, wbThresh, wbDirty, wb), dom: this.global };
    let m: Ctl | null = null;
    const cg = task.cgroup;
    if (this.memcgDomains && !cg.isRoot) {
      const info = this.pc.memcgDirty(cg);
      const ml = domainDirtyLimits(info.dirtyable, this.s, { rt, globalDirtyLimit: this.global.dirtyLimit, globalAvail: gAvail });
      const mDirty = info.fileDirty + info.fileWriteback;
      let dom = this.memcgDom.get(cg);
      if (!dom) {
        dom = { dirtyLimit: ml.thresh, tstamp: this.jiffies(now) };
        this.memcgDom.set(cg, dom);
      }
      // The group's own wb on this device holds its dirty pages (one wb per memcg here).
      m = { limits: ml, dirty: mDirty, wbThresh: ml.thresh, wbDirty: mDirty, pos: this.pos(ml, mDirty, dom, ml.thresh, mDirty, wb), dom };
    }
    return { g, m };
  }

  private pos(l: DirtyLimits, dirty: number, dom: Domain, wbThresh: number, wbDirty: number, wb: Wb): PosRatio {
    return wbPositionRatio({ thresh: l.thresh, bgThresh: l.bgThresh, domDirtyLimit: dom.dirtyLimit, dirty, wbThresh, wbDirty, writeBw: wb.rates.avgWriteBw });
  }

  /** Below freerun in every domain: no pause; poll again after ~sqrt(headroom) pages. */
  private freerun(ts: TaskDirtyState, wb: Wb, c: { g: Ctl; m: Ctl | null }, j: number): boolean {
    const gFree = dirtyFreerunCeiling(c.g.limits.thresh, c.g.limits.bgThresh);
    const mFree = c.m ? dirtyFreerunCeiling(c.m.limits.thresh, c.m.limits.bgThresh) : Infinity;
    if (c.g.dirty > gFree || (c.m !== null && c.m.dirty > mFree)) return false;
    const intv = dirtyPollInterval(c.g.dirty, c.g.limits.thresh);
    const mIntv = c.m ? dirtyPollInterval(c.m.dirty, c.m.limits.thresh) : Infinity;
    ts.dirtyPausedWhen = j;
    ts.nrDirtied = 0;
    ts.nrDirtiedPause = Math.min(intv, mIntv);
    wb.dirtyExceeded = false;
    // Background writeback starts above bg_thresh even when nobody is throttled.
    if (this.pc.nrFileDirty() > c.g.limits.bgThresh) this.flusher.startBackground(wb);
    return true;
  }

  /** One pass of balance_dirty_pages(): a sleep of at most MAX_PAUSE, or null. */
  private balance(task: Task, ts: TaskDirtyState, wb: Wb, now: number): Step | null {
    const j = this.jiffies(now);
    const c = this.controls(task, wb, now);
    if (this.freerun(ts, wb, c, j)) return null;
    this.flusher.startBackground(wb);
    wb.dirtyExceeded = c.g.wbDirty > c.g.wbThresh && c.g.dirty > c.g.limits.thresh;
    const hz = this.k.scenario.kernel.hz;
    // Throttle by the stricter domain.
    const sdtc = c.m && c.m.pos.posRatio < c.g.pos.posRatio ? c.m : c.g;
    if (j >= wb.rates.bwTimeStamp + bandwidthInterval(hz)) this.updateBandwidth(wb, c, j);
    // The kernel enters balance_dirty_pages every nr_dirtied_pause pages,
    // inside write(); a behaviour reports a whole write at once. Replay the
    // calls the kernel would make for these pages against this snapshot,
    // up to MAX_SLEEPS_PER_WRITE sleeps; pages left over stay owed.
    let owed = ts.nrDirtied;
    const dirtied = owed;
    const pausedBefore = ts.dirtyPausedWhen;
    let total = 0;
    let sleeps = 0;
    let taskRatelimit = 0;
    let period = 0;
    for (let first = true; sleeps < MAX_SLEEPS_PER_WRITE; first = false) {
      const limit = Math.max(1, wb.dirtyExceeded ? Math.min(ts.nrDirtiedPause, 8) : ts.nrDirtiedPause);
      // The caller came in because nr_dirtied reached its limit: the first pass always runs.
      if (!first && owed < limit) break;
      const pages = Math.min(owed, limit);
      owed -= pages;
      const r = computePause(ts, {
        now: j + total,
        pagesDirtied: pages,
        dirtyRatelimit: wb.rates.dirtyRatelimit,
        posRatio: sdtc.pos.posRatio,
        avgWriteBw: wb.rates.avgWriteBw,
        wbDirty: sdtc.wbDirty,
        hz,
      });
      const pause = r.pause;
      taskRatelimit = r.taskRatelimit;
      period += r.period;
      if (pause > 0) {
        this.record(task, pause * this.jiffyNs);
        total += pause;
        sleeps++;
      }
      if (owed === 0) break;
    }
    ts.nrDirtied = owed;
    if (total <= 0) return null;
    this.trace(task, wb, sdtc, { dirtied: dirtied - owed, taskRatelimit, pause: total, period, think: pausedBefore ? j - pausedBefore : 0, now });
    // io_schedule_timeout(): the sleeps are iowait, so PSI counts them as an io stall.
    return { kind: 'sleep', ns: total * this.jiffyNs, stall: 'io' };
  }

  /**
   * The writeback:balance_dirty_pages tracepoint (include/trace/events/writeback.h)
   * for one throttled write: limit/setpoint/dirty in pages, ratelimits in KB/s
   * (pages × 4), pause/period/think in ms. Replayed sleeps of one write are
   * summed (see MAX_SLEEPS_PER_WRITE).
   */
  private trace(task: Task, wb: Wb, c: Ctl, t: { dirtied: number; taskRatelimit: number; pause: number; period: number; think: number; now: number }): void {
    const ms = (jiffies: number): number => Math.round((jiffies * this.jiffyNs) / 1e6);
    this.k.log.add(t.now, 'balance_dirty_pages', {
      bdi: wb.name,
      pid: task.pid,
      task: task.name,
      limit: c.pos.limit,
      setpoint: c.pos.setpoint,
      dirty: c.dirty,
      bdi_setpoint: c.wbThresh > 0 ? Math.floor((c.pos.setpoint * c.wbThresh) / Math.max(1, c.limits.thresh)) : 0,
      bdi_dirty: c.wbDirty,
      dirty_ratelimit: wb.rates.dirtyRatelimit * 4,
      task_ratelimit: t.taskRatelimit * 4,
      dirtied: t.dirtied,
      dirtied_pause: this.state(task).nrDirtiedPause,
      paused: 0,
      pause: ms(t.pause),
      period: ms(t.period),
      think: ms(t.think),
      cgroup: task.cgroup.path,
    });
  }

  /** __wb_update_bandwidth(update_ratelimit = true) */
  private updateBandwidth(wb: Wb, c: { g: Ctl; m: Ctl | null }, j: number): void {
    const hz = this.k.scenario.kernel.hz;
    const elapsed = Math.max(j - wb.rates.bwTimeStamp, 1);
    for (const ctl of c.m ? [c.g, c.m] : [c.g]) {
      // domain_update_dirty_limit()
      if (j >= ctl.dom.tstamp + bandwidthInterval(hz)) {
        ctl.dom.dirtyLimit = updateDirtyLimit(ctl.dom.dirtyLimit, ctl.limits.thresh, ctl.dirty);
        ctl.dom.tstamp = j;
      }
    }
    updateDirtyRatelimit(wb.rates, { dirtied: wb.dirtied, elapsed, dirty: c.g.dirty, setpoint: c.g.pos.setpoint, posRatio: c.g.pos.posRatio, hz });
    updateWriteBandwidth(wb.rates, elapsed, wb.written, hz);
    wb.rates.dirtiedStamp = wb.dirtied;
    wb.rates.writtenStamp = wb.written;
    wb.rates.bwTimeStamp = j;
  }

  // ---- 2011 alternative: wait for completions credited to the writer ----

  /**
   * Over the limit in the 2011 scheme: above freerun, and either the wb over
   * its share or the domain over thresh. A writer whose wb has nothing dirty
   * or in flight is never held: no completion could ever be credited to it.
   */
  private overLimit(c: { g: Ctl; m: Ctl | null }): boolean {
    const over = (x: Ctl): boolean =>
      x.wbDirty > 0 && x.dirty > dirtyFreerunCeiling(x.limits.thresh, x.limits.bgThresh) && (x.dirty > x.limits.thresh || x.wbDirty > x.wbThresh);
    return over(c.g) || (c.m !== null && over(c.m));
  }

  private completionWait(task: Task, ts: TaskDirtyState, wb: Wb, now: number): Step | null {
    const j = this.jiffies(now);
    const c = this.controls(task, wb, now);
    if (this.freerun(ts, wb, c, j)) return null;
    this.flusher.startBackground(wb);
    if (!this.overLimit(c)) {
      ts.nrDirtied = 0;
      return null;
    }
    const need = ts.nrDirtied;
    ts.nrDirtied = 0;
    ts.nrDirtiedPause = 8;
    let list = this.creditWaiters.get(wb);
    if (!list) {
      list = [];
      this.creditWaiters.set(wb, list);
    }
    list.push({ task, need, credited: 0, since: now });
    if (!this.lastDistributed.has(wb)) this.lastDistributed.set(wb, wb.written);
    this.armDistribution(wb);
    return { kind: 'block', stall: 'io' };
  }

  private armDistribution(wb: Wb): void {
    const t = this.distTimers.get(wb);
    if (t && this.k.engine.isPending(t)) return;
    // Ticks on a fixed 100 ms grid of simulated time.
    const at = (Math.floor(this.k.now / COMPLETION_DISTRIBUTION_PERIOD_NS) + 1) * COMPLETION_DISTRIBUTION_PERIOD_NS;
    this.distTimers.set(
      wb,
      this.k.engine.schedule(at, (now) => this.distribute(wb, now)),
    );
  }

  /** Every 100 ms: share the pages written since the last round among the waiters; wake the paid-up. */
  private distribute(wb: Wb, now: number): void {
    const list = this.creditWaiters.get(wb) ?? [];
    let pool = wb.written - (this.lastDistributed.get(wb) ?? wb.written);
    this.lastDistributed.set(wb, wb.written);
    while (pool > 0) {
      const open = list.filter((w) => w.credited < w.need);
      if (open.length === 0) break;
      const share = Math.max(1, Math.floor(pool / open.length));
      for (const w of open) {
        const give = Math.min(share, w.need - w.credited, pool);
        w.credited += give;
        pool -= give;
        if (pool <= 0) break;
      }
    }
    const wake = (w: CreditWaiter): void => {
      this.record(w.task, now - w.since);
      wakeWhenBlocked(this.k, w.task);
    };
    const stillOver = list.length > 0 && this.overLimit(this.controls(list[0]!.task, wb, now));
    const keep: CreditWaiter[] = [];
    for (const w of list) {
      if (w.task.state === 'exited') continue;
      if (w.credited >= w.need || !stillOver) wake(w);
      else keep.push(w);
    }
    this.creditWaiters.set(wb, keep);
    if (keep.length) this.armDistribution(wb);
    else this.lastDistributed.delete(wb);
  }
}
