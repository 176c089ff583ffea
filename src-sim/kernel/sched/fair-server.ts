/**
 * The 6.12+ fair server: a per-CPU SCHED_DEADLINE entity that serves the
 * fair class, so fair tasks get `runtime` per `period` (50 ms per 1 s) even
 * under an RT hog. After kernel/sched/deadline.c (dl_server_start/stop,
 * update_curr_dl_se, replenish_dl_new_period, replenish_dl_entity,
 * dl_entity_overflow, start_dl_timer, dl_server_timer) with dl_defer, the
 * "deferrable dl server" (commit a110a81c52a9), and kernel/sched/debug.c
 * (sched_fair_server_write).
 *
 * The server is deferred: it waits for the zero-laxity point
 * (deadline − runtime). Fair time run in the background — because nothing
 * of a higher class wanted the CPU — is charged to it, and once a full
 * runtime was consumed that way a new period starts and the wait begins
 * again, so a fair task that is not starved never sees the server. Only
 * when fair tasks got less than `runtime` before the zero-laxity point does
 * the timer enqueue the server; it then runs ahead of RT for `runtime`,
 * is throttled until its deadline, and is replenished there (no deferral
 * while the starvation lasts).
 *
 * The server's timer is lazy: nothing is scheduled on the engine. It only
 * changes what runs when an RT task holds the CPU, so the RT task's next
 * event includes the timer (Scheduler.timeToEvent) and everything else
 * catches up (`sync`) before the server's state is read.
 */
import { fail } from '../../vfs/errors';
import type { Scheduler } from './core';
import type { Rq } from './entities';

/** kernel/sched/debug.c: fair_server_period_max ((1 << 22) µs ≈ 4 s) and fair_server_period_min (100 µs), ns. */
const PERIOD_MAX = 2 ** 22 * 1000;
const PERIOD_MIN = 100 * 1000;
/** kernel/sched/deadline.c: dl_server_min_res — a defer timer is not pushed back by less than 1 ms. */
const MIN_RES = 1_000_000;

/** struct sched_dl_entity of rq->fair_server (the fields the server uses). */
export class FairServerState {
  /** dl_runtime / dl_period (= dl_deadline), ns; kernel/sched/deadline.c: dl_server_start defaults. */
  dlRuntime = 50_000_000;
  dlPeriod = 1_000_000_000;
  /** Budget left and absolute deadline of the current period. */
  runtime = 0;
  deadline = 0;
  /** dl_server_active: the CPU has fair tasks (rq->cfs.h_nr_running > 0). */
  active = false;
  throttled = false;
  deferArmed = false;
  deferRunning = false;
  /** On the deadline run queue: fair tasks run ahead of RT. */
  queued = false;
  /** dl_timer expiry (ns), Infinity when not armed. */
  timerAt = Infinity;
}

export class FairServer {
  readonly cpus: FairServerState[];

  constructor(private readonly s: Scheduler) {
    this.cpus = s.rqs.map(() => new FairServerState());
  }

  /** The server currently puts fair tasks ahead of RT on this CPU. */
  serving(rq: Rq): boolean {
    return this.cpus[rq.cpu]!.queued && rq.cfs.hNrRunning > 0;
  }

  /** Expiry of this CPU's server timer while it has fair tasks (Infinity otherwise). */
  timerAt(rq: Rq): number {
    const fs = this.cpus[rq.cpu]!;
    return fs.active ? fs.timerAt : Infinity;
  }

  /**
   * Start or stop the server on the 0 ↔ >0 transitions of the CPU's fair task
   * count (enqueue_task_fair / dequeue_entities call dl_server_start/stop).
   */
  check(rq: Rq): void {
    const fs = this.cpus[rq.cpu]!;
    const has = rq.cfs.hNrRunning > 0;
    if (has === fs.active) return;
    const now = this.s.k.now;
    if (has) {
      this.start(rq, fs, now);
      // an RT task already on the CPU must wake up for the server's timer
      if (rq.curr?.isRt) this.s.arm(rq);
    } else this.stop(fs);
  }

  /** kernel/sched/deadline.c: dl_server_start → enqueue_dl_entity(ENQUEUE_WAKEUP) → update_dl_entity. */
  private start(rq: Rq, fs: FairServerState, now: number): void {
    if (fs.dlRuntime === 0) return;
    fs.active = true;
    if (fs.deadline <= now || this.overflow(fs, now)) this.newPeriod(fs, now);
    else if (!fs.deferRunning) {
      fs.deferArmed = true;
      fs.throttled = true;
    }
    if (fs.throttled) this.startTimer(fs, now);
    else this.enqueue(rq, fs);
    this.sync(rq, now);
  }

  /** kernel/sched/deadline.c: dl_server_stop (dl_defer_running survives, as in the kernel). */
  private stop(fs: FairServerState): void {
    if (fs.dlRuntime === 0) return;
    fs.queued = false;
    fs.timerAt = Infinity;
    fs.deferArmed = false;
    fs.throttled = false;
    fs.active = false;
  }

  /** dl_entity_overflow: runtime / (deadline − t) > dl_runtime / dl_deadline. */
  private overflow(fs: FairServerState, t: number): boolean {
    return (fs.deadline - t) * fs.dlRuntime < fs.dlPeriod * fs.runtime;
  }

  /** replenish_dl_new_period: a fresh budget; a deferred server not handling starvation waits again. */
  private newPeriod(fs: FairServerState, t: number): void {
    fs.deadline = t + fs.dlPeriod;
    fs.runtime = fs.dlRuntime;
    if (!fs.deferRunning) {
      fs.throttled = true;
      fs.deferArmed = true;
    }
  }

  /** start_dl_timer: the zero-laxity point when deferred, else the next period (= deadline). */
  private startTimer(fs: FairServerState, t: number): void {
    fs.timerAt = Math.max(t, fs.deferArmed ? fs.deadline - fs.runtime : fs.deadline);
  }

  private enqueue(rq: Rq, fs: FairServerState): void {
    fs.throttled = false;
    fs.deferArmed = false;
    fs.queued = true;
    // a deadline entity preempts RT (wakeup_preempt across classes)
    if (rq.curr?.isRt) this.s.requestResched(rq);
  }

  /** Fire a timer that expired by `now` (dl_server_timer / replenish_dl_entity). */
  sync(rq: Rq, now: number): void {
    const fs = this.cpus[rq.cpu]!;
    while (fs.active && fs.timerAt <= now) this.fire(rq, fs, fs.timerAt);
  }

  private fire(rq: Rq, fs: FairServerState, t: number): void {
    fs.timerAt = Infinity;
    if (fs.deferArmed) {
      // fair time consumed in the background pushed the zero-laxity point back
      const zeroLax = fs.deadline - fs.runtime;
      if (t < zeroLax - MIN_RES) {
        fs.timerAt = zeroLax;
        return;
      }
      fs.deferRunning = true;
      // a deferred reservation reaching zero laxity always overflows: new period from now
      if (this.overflow(fs, t)) {
        fs.deadline = t + fs.dlPeriod;
        fs.runtime = fs.dlRuntime;
      }
    }
    while (fs.runtime <= 0) {
      fs.deadline += fs.dlPeriod;
      fs.runtime += fs.dlRuntime;
    }
    if (fs.deadline < t) {
      fs.deadline = t + fs.dlPeriod;
      fs.runtime = fs.dlRuntime;
    }
    this.enqueue(rq, fs);
  }

  /**
   * Fair time ran on this CPU during [now − delta, now] (update_curr →
   * dl_server_update → update_curr_dl_se). While the server is queued the
   * time is its own, checked at the tick as the kernel does; while it is
   * throttled (deferred) the time is background time that may start a new
   * period. Expired timers inside the interval fire at their own time.
   */
  charge(rq: Rq, delta: number, now: number): void {
    const fs = this.cpus[rq.cpu]!;
    if (!fs.active || delta <= 0) return;
    let t = now - delta;
    const tick = this.s.ctx.tickNs;
    while (t < now && fs.active) {
      const end = Math.min(now, fs.timerAt);
      if (end > t) {
        if (fs.throttled) t = this.chargeBackground(fs, t, end);
        else t = this.chargeServed(rq, fs, t, end, tick);
        continue;
      }
      this.fire(rq, fs, fs.timerAt);
    }
  }

  /** update_curr_dl_se with dl_defer && dl_throttled: a full runtime used in the background restarts the wait. */
  private chargeBackground(fs: FairServerState, t: number, end: number): number {
    const d = end - t;
    if (fs.runtime - d > 0) {
      fs.runtime -= d;
      return end;
    }
    // exhausted at `at`: back to waiting for zero laxity, with a new period (the loop goes on from there)
    const at = t + Math.max(0, fs.runtime);
    fs.deferRunning = false;
    this.newPeriod(fs, at);
    this.startTimer(fs, at);
    return at;
  }

  /** Served time: the budget runs out at the tick after it is used up (update_curr from task_tick_fair). */
  private chargeServed(rq: Rq, fs: FairServerState, t: number, end: number, tick: number): number {
    const d = end - t;
    if (fs.runtime - d > 0) {
      fs.runtime -= d;
      return end;
    }
    const out = t + Math.max(0, fs.runtime);
    const seen = Math.min(end, Math.max(out, Math.ceil(out / tick) * tick));
    fs.runtime -= seen - t;
    // throttled until the deadline, then replenished (not deferred again)
    fs.throttled = true;
    fs.queued = false;
    fs.timerAt = Math.max(seen, fs.deadline);
    if (rq.rtQueue.length) this.s.requestResched(rq);
    return seen;
  }

  /** ns of served time left before the server is throttled (for the running fair task's tick check). */
  servedLeft(rq: Rq): number {
    const fs = this.cpus[rq.cpu]!;
    return fs.queued ? fs.runtime : Infinity;
  }

  /** Σ dl_bw of the servers on CPUs other than `cpu` (for the admission test). */
  private otherBw(cpu: number): number {
    let bw = 0;
    this.cpus.forEach((fs, c) => {
      if (c !== cpu && this.s.rqs[c]!.online) bw += fs.dlRuntime / fs.dlPeriod;
    });
    return bw;
  }

  /** Total server bandwidth of the online CPUs (dl_b->total_bw) and their number. */
  totalBw(): { bw: number; cpus: number } {
    let bw = 0;
    let cpus = 0;
    this.cpus.forEach((fs, c) => {
      if (!this.s.rqs[c]!.online) return;
      cpus++;
      bw += fs.dlRuntime / fs.dlPeriod;
    });
    return { bw, cpus };
  }

  /** kernel/sched/debug.c: sched_fair_server_write (values in ns). */
  write(cpu: number, param: 'runtime' | 'period', value: number): void {
    const fs = this.cpus[cpu]!;
    const runtime = param === 'runtime' ? value : fs.dlRuntime;
    const period = param === 'period' ? value : fs.dlPeriod;
    if (runtime > period || period > PERIOD_MAX || period < PERIOD_MIN) {
      fail('EINVAL', `fair_server: runtime ${runtime} must be ≤ period ${period}, period ${PERIOD_MIN}..${PERIOD_MAX} ns`);
    }
    // dl_server_apply_params → __dl_overflow against sched_rt_runtime_us / sched_rt_period_us
    const rt = this.s.rt;
    if (rt.runtimeUs >= 0) {
      const { cpus } = this.totalBw();
      if (this.otherBw(cpu) + runtime / period > (rt.runtimeUs / rt.periodUs) * cpus) {
        fail('EBUSY', `fair_server: ${runtime}/${period} exceeds the deadline bandwidth sched_rt_runtime_us/sched_rt_period_us`);
      }
    }
    const rq = this.s.rqs[cpu]!;
    const now = this.s.k.now;
    this.s.enter();
    this.s.updateCurrTask(rq);
    const had = fs.active;
    if (had) this.stop(fs);
    fs.dlRuntime = runtime;
    fs.dlPeriod = period;
    fs.runtime = 0;
    fs.deadline = 0;
    if (runtime === 0) {
      this.s.k.log.add(now, 'printk', { message: `Fair server disabled in CPU ${cpu}, system may crash due to starvation.` });
    }
    if (had) this.start(rq, fs, now);
    this.s.requestResched(rq);
    this.s.leave();
  }
}
