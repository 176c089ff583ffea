/**
 * CFS bandwidth control (cpu.max / cpu.cfs_quota_us), after kernel/sched/fair.c
 * (assign_cfs_rq_runtime, throttle_cfs_rq, unthrottle_cfs_rq,
 * do_sched_cfs_period_timer, distribute_cfs_runtime, return_cfs_rq_runtime)
 * and Documentation/scheduler/sched-bwc.rst.
 */
import type { CfsRq, SchedEntity, TaskGroup, TaskSched } from './entities';
import type { Scheduler } from './core';

/** kernel/sched/fair.c: min_cfs_rq_runtime (1 ms) */
const MIN_CFS_RQ_RUNTIME = 1_000_000;
/** kernel/sched/fair.c: cfs_bandwidth_slack_period (5 ms) */
const CFS_BANDWIDTH_SLACK_PERIOD = 5_000_000;

export class Bandwidth {
  /** /proc/sys/kernel/sched_cfs_bandwidth_slice_us (default 5000 µs), in ns. */
  sliceNs = 5_000_000;

  constructor(private readonly s: Scheduler) {}

  initGroup(tg: TaskGroup): void {
    tg.timerFn = (now) => this.periodTimer(tg, now);
  }

  /** kernel/sched/core.c: tg_set_cfs_bandwidth (validation is done by the file writer). */
  set(tg: TaskGroup, periodNs: number, quotaNs: number, burstNs: number): void {
    const s = this.s;
    s.enter();
    s.ctx.now = s.k.now;
    const enabled = quotaNs !== Infinity;
    tg.period = periodNs;
    tg.quota = quotaNs;
    tg.burst = burstNs;
    this.refill(tg);
    if (enabled) this.startTimer(tg);
    for (const q of tg.cfsRq) {
      // account what ran under the old settings first
      if (q.curr) s.updateCurrTask(q.rq);
      q.runtimeEnabled = enabled;
      q.runtimeRemaining = 0;
      if (q.throttled) this.unthrottle(q);
      if (q.rq.curr) s.arm(q.rq);
    }
    s.leave();
  }

  /** kernel/sched/fair.c: __refill_cfs_bandwidth_runtime */
  private refill(tg: TaskGroup): void {
    if (tg.quota === Infinity) return;
    tg.runtime += tg.quota;
    const used = tg.runtimeSnap - tg.runtime;
    if (used > 0) {
      tg.burstTime += used;
      tg.nrBursts++;
    }
    tg.runtime = Math.min(tg.runtime, tg.quota + tg.burst);
    tg.runtimeSnap = tg.runtime;
  }

  private startTimer(tg: TaskGroup): void {
    if (tg.timerActive) return;
    tg.timerActive = true;
    tg.timerId = this.s.k.engine.schedule(this.s.k.now + tg.period, tg.timerFn);
  }

  /** kernel/sched/fair.c: __assign_cfs_rq_runtime — pull up to a slice from the global pool. */
  assign(q: CfsRq, target: number): boolean {
    const tg = q.tg;
    const min = target - q.runtimeRemaining;
    let amount = 0;
    if (tg.quota === Infinity) amount = min;
    else {
      this.startTimer(tg);
      if (tg.runtime > 0) {
        amount = Math.min(tg.runtime, min);
        tg.runtime -= amount;
        tg.bwIdle = false;
      }
    }
    q.runtimeRemaining += amount;
    return q.runtimeRemaining > 0;
  }

  /** kernel/sched/fair.c: __account_cfs_rq_runtime */
  accountRuntime(q: CfsRq, delta: number): void {
    q.runtimeRemaining -= delta;
    if (q.runtimeRemaining > 0) return;
    if (!this.assign(q, this.sliceNs) && q.curr) this.s.requestResched(q.rq);
  }

  /** kernel/sched/fair.c: check_enqueue_throttle — true if `q` must be throttled now. */
  needsThrottleOnEnqueue(q: CfsRq): boolean {
    if (q.curr || q.throttled) return false;
    if (q.runtimeRemaining > 0) return false;
    return !this.assign(q, this.sliceNs);
  }

  /** put_prev_entity → check_cfs_rq_runtime at every level the task ran in. */
  checkRuntimeAfterPut(prev: TaskSched): void {
    for (let se: SchedEntity | null = prev.se; se; se = se.parent) {
      const q = se.cfsRq;
      if (q.runtimeEnabled && q.runtimeRemaining <= 0 && !q.throttled) this.throttle(q);
    }
  }

  /** kernel/sched/fair.c: throttle_cfs_rq */
  throttle(q: CfsRq): boolean {
    if (this.assign(q, 1)) return false;
    const s = this.s;
    const now = s.k.now;
    q.tg.throttledCfsRqs.push(q);
    this.walkDown(q.tg, q.rq.cpu, (c) => {
      if (c.throttleCount === 0 && c.nrRunning > 0) c.throttledClockSelf = now;
      c.throttleCount++;
    });
    s.dequeueGroup(q);
    q.throttled = true;
    if (q.nrRunning > 0) q.throttledClock = now;
    return true;
  }

  /** kernel/sched/fair.c: unthrottle_cfs_rq */
  unthrottle(q: CfsRq): void {
    const s = this.s;
    const now = s.k.now;
    const tg = q.tg;
    q.throttled = false;
    if (q.throttledClock >= 0) {
      tg.throttledTime += now - q.throttledClock;
      q.throttledClock = -1;
    }
    const i = tg.throttledCfsRqs.indexOf(q);
    if (i >= 0) tg.throttledCfsRqs.splice(i, 1);
    this.walkDown(tg, q.rq.cpu, (c) => {
      c.throttleCount--;
      if (c.throttleCount === 0 && c.throttledClockSelf >= 0) {
        c.throttledSelfTime += now - c.throttledClockSelf;
        c.throttledClockSelf = -1;
      }
    });
    s.ctx.now = now;
    s.enqueueGroup(q);
    const rq = q.rq;
    if (!rq.curr) {
      if (rq.cfs.nrRunning) s.requestResched(rq);
    } else s.arm(rq);
  }

  /** walk_tg_tree_from on one CPU: `q`'s group and every descendant. */
  private walkDown(tg: TaskGroup, cpu: number, fn: (q: CfsRq) => void): void {
    fn(tg.cfsRq[cpu]!);
    for (const c of tg.children) this.walkDown(c, cpu, fn);
  }

  /** kernel/sched/fair.c: do_sched_cfs_period_timer */
  private periodTimer(tg: TaskGroup, now: number): void {
    const s = this.s;
    tg.timerId = 0;
    if (tg.quota === Infinity) {
      tg.timerActive = false;
      return;
    }
    s.enter();
    s.ctx.now = now;
    let throttled = tg.throttledCfsRqs.length > 0;
    tg.nrPeriods++;
    this.refill(tg);
    if (tg.bwIdle && !throttled) {
      tg.timerActive = false;
      s.leave();
      return;
    }
    if (!throttled) tg.bwIdle = true;
    else {
      tg.nrThrottled++;
      while (throttled && tg.runtime > 0) {
        this.distribute(tg);
        throttled = tg.throttledCfsRqs.length > 0;
      }
      tg.bwIdle = false;
    }
    tg.timerId = s.k.engine.schedule(now + tg.period, tg.timerFn);
    s.leave();
  }

  /** kernel/sched/fair.c: distribute_cfs_runtime — unthrottle in throttle order while runtime lasts. */
  private distribute(tg: TaskGroup): void {
    for (const q of [...tg.throttledCfsRqs]) {
      if (tg.runtime <= 0) break;
      const want = Math.min(-q.runtimeRemaining + 1, tg.runtime);
      tg.runtime -= want;
      q.runtimeRemaining += want;
      if (q.runtimeRemaining > 0) this.unthrottle(q);
    }
  }

  /** kernel/sched/fair.c: return_cfs_rq_runtime — give back all but 1 ms when a queue empties. */
  returnRuntime(q: CfsRq): void {
    const slack = q.runtimeRemaining - MIN_CFS_RQ_RUNTIME;
    if (slack <= 0) return;
    const tg = q.tg;
    if (tg.quota !== Infinity) {
      tg.runtime += slack;
      if (tg.runtime > this.sliceNs && tg.throttledCfsRqs.length && !tg.slackTimerId) {
        tg.slackTimerId = this.s.k.engine.schedule(this.s.k.now + CFS_BANDWIDTH_SLACK_PERIOD, () => {
          tg.slackTimerId = 0;
          this.s.enter();
          this.s.ctx.now = this.s.k.now;
          this.distribute(tg);
          this.s.leave();
        });
      }
    }
    q.runtimeRemaining -= slack;
  }

  /** cpu.stat throttled_usec (ns here), open intervals included. */
  throttledNs(tg: TaskGroup): number {
    let t = tg.throttledTime;
    const now = this.s.k.now;
    for (const q of tg.throttledCfsRqs) if (q.throttledClock >= 0) t += now - q.throttledClock;
    return t;
  }

  /** cpu.stat.local throttled_usec (ns here): throttled by itself or an ancestor. */
  localThrottledNs(tg: TaskGroup): number {
    let t = 0;
    const now = this.s.k.now;
    for (const q of tg.cfsRq) {
      t += q.throttledSelfTime;
      if (q.throttledClockSelf >= 0) t += now - q.throttledClockSelf;
    }
    return t;
  }
}
