/**
 * SCHED_FIFO / SCHED_RR accounting and RT throttling, after kernel/sched/rt.c
 * (update_curr_rt, sched_rt_runtime_exceeded, do_sched_rt_period_timer,
 * task_tick_rt) and Documentation/scheduler/sched-rt-group.rst.
 * RT_RUNTIME_SHARE is off (the default since 5.10), so the limit is per CPU.
 * From 6.12 the root RT queue is no longer throttled unless
 * CONFIG_RT_GROUP_SCHED ("sched/rt: Remove default bandwidth control"; not
 * modelled): the fair server (fair-server.ts) protects fair tasks instead,
 * and the sysctls only bound the deadline bandwidth.
 */
import type { Rq, TaskSched } from './entities';
import type { Scheduler } from './core';

export class RtBandwidth {
  /** /proc/sys/kernel/sched_rt_period_us (µs) */
  periodUs = 1_000_000;
  /** /proc/sys/kernel/sched_rt_runtime_us (µs), -1 = RUNTIME_INF */
  runtimeUs = 950_000;
  private timerId = 0;
  private throttleLogged = false;

  /** @param enforced RT throttling of the root RT queue (before 6.12). */
  constructor(
    private readonly s: Scheduler,
    readonly enforced: boolean,
  ) {}

  get runtimeNs(): number {
    return this.runtimeUs < 0 || !this.enforced ? Infinity : this.runtimeUs * 1000;
  }

  /** Start the rt period timer (def_rt_bandwidth), at boot and when the period changes. */
  start(): void {
    const engine = this.s.k.engine;
    if (this.timerId) engine.cancel(this.timerId);
    this.timerId = engine.schedule(this.s.k.now + this.periodUs * 1000, (now) => this.periodTimer(now));
  }

  /** ns of RT time left on this CPU before it is throttled (Infinity if unlimited). */
  runtimeLeft(rq: Rq): number {
    const r = this.runtimeNs;
    return r === Infinity ? Infinity : Math.max(0, r - rq.rtTime);
  }

  /** kernel/sched/rt.c: update_curr_rt (+ the RR part of task_tick_rt). */
  updateCurr(rq: Rq, ts: TaskSched): void {
    const s = this.s;
    const now = s.k.now;
    const delta = now - rq.rtExecStart;
    if (delta <= 0) return;
    rq.rtExecStart = now;
    s.chargeTask(ts, delta);
    if (ts.task.policy === 'SCHED_RR') {
      ts.rrLeft -= delta;
      if (ts.rrLeft <= 0) {
        ts.rrLeft = s.rrTimeslice;
        // requeue_task_rt: to the tail of its priority, if it is not alone there
        const q = rq.rtQueue;
        const i = q.indexOf(ts);
        if (i >= 0 && q.some((o) => o !== ts && o.task.rtPriority === ts.task.rtPriority)) {
          q.splice(i, 1);
          q.push(ts);
          s.requestResched(rq);
        }
      }
    }
    const runtime = this.runtimeNs;
    if (runtime === Infinity) return;
    rq.rtTime += delta;
    // sched_rt_runtime_exceeded
    if (rq.rtTime > runtime && !rq.rtThrottled) {
      rq.rtThrottled = true;
      if (!this.throttleLogged) {
        this.throttleLogged = true;
        s.k.log.add(now, 'printk', { message: 'sched: RT throttling activated' });
      }
      s.requestResched(rq);
    }
  }

  /** kernel/sched/rt.c: do_sched_rt_period_timer (overrun 1 per period). */
  private periodTimer(now: number): void {
    const s = this.s;
    s.enter();
    s.ctx.now = now;
    const runtime = this.runtimeNs;
    for (const rq of s.rqs) {
      if (rq.curr && rq.curr.isRt) this.updateCurr(rq, rq.curr);
      if (runtime === Infinity) {
        rq.rtTime = 0;
        if (rq.rtThrottled) {
          rq.rtThrottled = false;
          if (rq.rtQueue.length) s.requestResched(rq);
        }
        continue;
      }
      rq.rtTime -= Math.min(rq.rtTime, runtime);
      if (rq.rtThrottled && rq.rtTime < runtime) {
        rq.rtThrottled = false;
        if (rq.rtQueue.length) s.requestResched(rq);
      }
      if (rq.curr && rq.curr.isRt) s.arm(rq);
    }
    this.timerId = s.k.engine.schedule(now + this.periodUs * 1000, (t) => this.periodTimer(t));
    s.leave();
  }
}
