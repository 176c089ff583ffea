/**
 * Task placement and load balancing, after kernel/sched/fair.c
 * (select_task_rq_fair, select_idle_sibling, find_idlest_cpu, newidle_balance,
 * load_balance), kernel/sched/rt.c (find_lowest_rq, pull_rt_task) and
 * kernel/sched/topology.c (sd_init). Two domain levels: the CPU's NUMA node
 * (treated as the LLC) and the whole machine.
 */
import type { CfsRq, Rq, SchedEntity, TaskGroup, TaskSched } from './entities';
import type { Scheduler } from './core';
import { updateCfsAvg, updateLoadAvg } from './fair';
import { taskHLoad } from './load-avg';
import { LOAD_AVG, RUNNABLE_AVG, UTIL_AVG } from './sched-store';

/** kernel/sched/topology.c: sd_init — imbalance_pct for LLC and above. */
const IMBALANCE_PCT = 117;
/** kernel/sched/topology.c: busy_factor */
const BUSY_FACTOR = 16;

export class Balancer {
  /** CPUs of each CPU's node (the LLC domain), and all CPUs. */
  private readonly llc: number[][];
  private readonly all: number[];
  /** sd->nr_balance_failed, per CPU (one counter for both levels). */
  private readonly nrBalanceFailed: Int32Array;
  /** One node whose CPU list is `all` in the same order: both balance levels scan the same CPUs. */
  private readonly oneLevel: boolean;

  constructor(private readonly s: Scheduler) {
    const nodes = s.k.scenario.machine.numa.nodes;
    this.llc = [];
    this.all = s.rqs.map((r) => r.cpu);
    this.nrBalanceFailed = new Int32Array(s.nrCpus);
    for (let c = 0; c < s.nrCpus; c++) this.llc.push(nodes[s.nodeOf[c]!]?.cpus ?? [c]);
    const first = this.llc[0] ?? [];
    this.oneLevel = first.length === this.all.length && first.every((c, i) => c === this.all[i]);
    for (const rq of s.rqs) rq.balanceFn = (now) => this.periodic(rq, now);
  }

  /** Arm each CPU's periodic balance (rebalance_domains from the tick). */
  start(): void {
    for (const rq of this.s.rqs) this.armPeriodic(rq);
  }

  private armPeriodic(rq: Rq): void {
    // balance_interval starts at the domain weight in ms; × busy_factor while busy
    const weight = this.llc[rq.cpu]!.length;
    const ms = rq.curr ? weight * BUSY_FACTOR : weight;
    this.s.k.engine.schedule(this.s.k.now + ms * 1_000_000, rq.balanceFn);
  }

  private idle(rq: Rq): boolean {
    return rq.online && rq.curr === null && rq.nrRunning === 0;
  }

  /** Fork placement (find_idlest_cpu): the allowed CPU with the fewest runnable tasks. */
  selectFork(ts: TaskSched): number {
    const s = this.s;
    let best = -1;
    let bestNr = Infinity;
    for (let c = 0; c < s.nrCpus; c++) {
      if (!s.allowed(ts, c)) continue;
      const nr = s.rqs[c]!.nrRunning;
      if (nr < bestNr) {
        best = c;
        bestNr = nr;
      }
    }
    return best < 0 ? ts.cpu : best;
  }

  /** Wakeup placement (select_idle_sibling): prev if idle, else an idle CPU of its LLC, else prev. */
  selectWake(ts: TaskSched): number {
    const s = this.s;
    const prev = ts.cpu;
    const prevOk = s.allowed(ts, prev);
    if (prevOk && this.idle(s.rqs[prev]!)) return prev;
    if (s.nrIdle === 0) return prevOk ? prev : this.selectFork(ts);
    const llc = this.llc[prev]!;
    const n = llc.length;
    const start = llc.indexOf(prev);
    for (let i = 1; i <= n; i++) {
      const c = llc[(start + i) % n]!;
      if (this.idle(s.rqs[c]!) && s.allowed(ts, c)) return c;
    }
    if (prevOk) return prev;
    return this.selectFork(ts);
  }

  /** RT placement (select_task_rq_rt / find_lowest_rq). */
  selectRt(ts: TaskSched): number {
    const s = this.s;
    const prio = ts.task.rtPriority;
    const canRunOn = (c: number): boolean => {
      const rq = s.rqs[c]!;
      if (!s.allowed(ts, c)) return false;
      for (const o of rq.rtQueue) if (o !== ts && o.task.rtPriority >= prio) return false;
      return true;
    };
    if (canRunOn(ts.cpu)) return ts.cpu;
    for (let c = 0; c < s.nrCpus; c++) if (canRunOn(c) && s.rqs[c]!.curr === null) return c;
    for (let c = 0; c < s.nrCpus; c++) if (canRunOn(c)) return c;
    if (s.allowed(ts, ts.cpu)) return ts.cpu;
    return this.selectFork(ts);
  }

  /**
   * Move a queued (not running) task to another CPU (detach_task +
   * attach_task, which checks wakeup preemption there). `toScheduling` is
   * set when `dst` is the CPU in the middle of picking (newidle).
   */
  move(ts: TaskSched, src: Rq, dst: Rq, toScheduling = false): void {
    const s = this.s;
    s.ctx.now = s.k.now;
    s.dequeueTask(src, ts);
    s.setCpu(ts, dst.cpu);
    s.ctx.resched = false;
    s.enqueueTask(dst, ts, 0);
    if (src.curr) s.arm(src);
    if (!toScheduling) s.checkPreempt(dst, ts);
  }

  /** A queued fair task below `q` that may run on `dst` (cache-hot ones only with allowHot). */
  private findFair(q: CfsRq, dst: number, allowHot: boolean): TaskSched | null {
    const s = this.s;
    const now = s.k.now;
    const visit = (se: { task: TaskSched | null; myQ: CfsRq | null }, queued: boolean): TaskSched | null => {
      if (se.task) {
        if (!queued) return null;
        const ts = se.task;
        if (!s.allowed(ts, dst)) return null;
        if (!allowHot && now - ts.lastRan < s.tun.migrationCost) return null;
        // migrate_degrades_locality(): keep a task on its NUMA-preferred node until balancing keeps failing.
        if (!allowHot && ts.numaPreferredNid >= 0 && s.nodeOf[ts.cpu] === ts.numaPreferredNid && s.nodeOf[dst] !== ts.numaPreferredNid) return null;
        return ts;
      }
      return se.myQ ? this.findFair(se.myQ, dst, allowHot) : null;
    };
    for (const slot of q.queue) {
      const t = visit(q.store.entity(slot), true);
      if (t) return t;
    }
    if (q.curr) return visit(q.curr, false);
    return null;
  }

  /** newidle: pull one waiting fair task to the CPU that is picking. */
  private pullOne(src: Rq, dst: Rq): boolean {
    const t = this.findFair(src.cfs, dst.cpu, false) ?? this.findFair(src.cfs, dst.cpu, true);
    if (!t) return false;
    this.move(t, src, dst, true);
    return true;
  }

  private busiest(dst: Rq, cpus: readonly number[]): Rq | null {
    let best: Rq | null = null;
    for (const c of cpus) {
      const rq = this.s.rqs[c]!;
      if (rq === dst || !rq.online) continue;
      if (rq.cfs.hNrRunning < 2 && !(rq.curr?.isRt && rq.cfs.hNrRunning > 0)) continue;
      if (!best || rq.nrRunning > best.nrRunning) best = rq;
    }
    return best;
  }

  /**
   * kernel/sched/fair.c: newidle_balance — an idle CPU pulls one waiting task
   * (RT first). Returns whether a task was moved to `rq`.
   */
  newidle(rq: Rq): boolean {
    const s = this.s;
    // pull_rt_task: a waiting RT task elsewhere that may run here (only a CPU with two can have one waiting)
    if (s.nrRtQueued >= 2) for (const src of s.rqs) {
      if (src === rq || src.rtQueue.length < 2) continue;
      for (const t of src.rtQueue) {
        if (t !== src.curr && s.allowed(t, rq.cpu)) {
          this.move(t, src, rq, true);
          return true;
        }
      }
    }
    // rd->overloaded clear: no CPU has two fair tasks (with no RT task queued, busiest() needs two)
    const fairOnly = s.nrRtQueued === 0;
    if (fairOnly && !s.overloaded) return false;
    const llc = this.llc[rq.cpu]!;
    const local = this.busiest(rq, llc);
    if (local && this.pullOne(local, rq)) return true;
    // One node: the machine level scans the same CPUs in the same order, so its
    // busiest is `local` again, and pulling from it has just failed (or there is none).
    if (!this.oneLevel) {
      const all = this.busiest(rq, this.all);
      if (all) return this.pullOne(all, rq);
    }
    // Nothing anywhere to pull from: overloaded again only once a CPU gets a second task.
    if (!local && fairOnly) s.overloaded = false;
    return false;
  }

  /**
   * Bring every group entity weight below `q` up to date (what each CPU's
   * tick does through update_cfs_group), so CPU loads compare fairly.
   */
  private refreshShares(q: CfsRq): void {
    for (let i = 0; i < q.queue.length; i++) this.refreshGroup(q.store.entity(q.queue[i]!));
    if (q.curr) this.refreshGroup(q.curr);
  }

  /** refreshShares' step for one entity (a method, not a closure made per call). */
  private refreshGroup(se: SchedEntity): void {
    if (!se.myQ) return;
    this.refreshShares(se.myQ);
    this.s.updateCfsGroup(se);
  }

  /** Waiting fair tasks below `q` (the running one excluded). */
  private waiting(q: CfsRq, out: TaskSched[]): void {
    for (const slot of q.queue) {
      const se = q.store.entity(slot);
      if (se.task) out.push(se.task);
      else if (se.myQ) this.waiting(se.myQ, out);
    }
    if (q.curr?.myQ) this.waiting(q.curr.myQ, out);
  }

  /**
   * kernel/sched/fair.c: cpu_load — the root queue's PELT load_avg, brought
   * up to now (what update_blocked_averages and each CPU's tick keep fresh).
   */
  private cpuLoad(rq: Rq, now: number): number {
    updateCfsAvg(now, rq.cfs);
    return rq.cfs.store.d[rq.cfs.slot + LOAD_AVG]!;
  }

  /**
   * kernel/sched/fair.c: load_balance, as seen from `rq`: the CPU with the
   * highest PELT load (cpu_load, group entities refreshed by
   * calc_group_shares first as the ticks would) gives up waiting tasks
   * while its load exceeds ours by imbalance_pct, each no larger than the
   * remaining imbalance (migrate_load with task_h_load, detach_tasks),
   * cache-hot ones last, at most nr_migrate. A CPU with no fair task takes
   * any task (the has-spare case balances task counts, not load).
   */
  private loadBalance(rq: Rq, cpus: readonly number[]): boolean {
    const s = this.s;
    const now = s.k.now;
    let busiest: Rq | null = null;
    let far = 0;
    this.refreshShares(rq.cfs);
    for (const c of cpus) {
      const o = s.rqs[c]!;
      if (o === rq || !o.online) continue;
      this.refreshShares(o.cfs);
      const waiting = o.cfs.hNrRunning - (o.curr && !o.curr.isRt ? 1 : 0);
      if (waiting <= 0) continue;
      const load = this.cpuLoad(o, now);
      if (!busiest || load > far) {
        busiest = o;
        far = load;
      }
    }
    if (!busiest) return false;
    const local = this.cpuLoad(rq, now);
    const spare = rq.cfs.hNrRunning === 0;
    if (!spare && far * 100 <= local * IMBALANCE_PCT) return false;
    let imbalance = (far - local) / 2;
    if (imbalance <= 0 && !spare) return false;
    const cand: TaskSched[] = [];
    this.waiting(busiest.cfs, cand);
    // cache-cold tasks first (can_migrate_task / task_hot)
    cand.sort((x, y) => Number(now - x.lastRan < s.tun.migrationCost) - Number(now - y.lastRan < s.tun.migrationCost));
    let moved = 0;
    const failed = this.nrBalanceFailed[rq.cpu]!;
    for (const t of cand) {
      if (moved >= s.tun.nrMigrate || (imbalance <= 0 && !(spare && moved === 0))) break;
      if (!s.allowed(t, rq.cpu)) continue;
      const load = taskHLoad(t.se);
      // an idle CPU takes any task; otherwise none heavier than the imbalance,
      // a bar that halves with every failed attempt (shr_bound(load, nr_balance_failed))
      if (!spare && load / 2 ** failed > imbalance) continue;
      this.move(t, busiest, rq);
      imbalance -= load;
      moved++;
    }
    this.nrBalanceFailed[rq.cpu] = moved > 0 ? 0 : Math.min(failed + 1, 30);
    return moved > 0;
  }

  /**
   * kernel/sched/fair.c: update_blocked_averages — decay the blocked load of
   * this CPU's group queues (and their group entities) and fold it into each
   * tg->load_avg, so a group whose tasks sleep here loses its weight on the
   * other CPUs as its load decays. The kernel does this from the balance
   * softirq (for an idle NOHZ CPU, from the idle balancer every 32 ms); here
   * at every periodic balance of the CPU. Queues with nothing left are skipped.
   */
  private updateBlockedAverages(rq: Rq, now: number): void {
    const cpu = rq.cpu;
    const walk = (tg: TaskGroup): void => {
      for (const child of tg.children) {
        walk(child);
        const q = child.cfsRq[cpu]!;
        const d = q.store.d;
        if (q.load === 0 && d[q.slot + LOAD_AVG] === 0 && d[q.slot + UTIL_AVG] === 0 && d[q.slot + RUNNABLE_AVG] === 0) continue;
        updateCfsAvg(now, q);
        const se = q.se!;
        updateLoadAvg(now, se.cfsRq, se);
      }
    };
    walk(this.s.root);
    updateCfsAvg(now, rq.cfs);
  }

  /** Periodic rebalance_domains: the node (LLC) level, then the whole machine. */
  private periodic(rq: Rq, now: number): void {
    const s = this.s;
    if (rq.online) {
      s.enter();
      s.ctx.now = now;
      this.updateBlockedAverages(rq, now);
      for (const cpus of [this.llc[rq.cpu]!, this.all]) if (this.loadBalance(rq, cpus)) break;
      s.leave();
    }
    this.armPeriodic(rq);
  }

  /**
   * kernel/sched/rt.c: push_rt_task — an RT task left waiting behind a
   * higher-priority one moves to a CPU where it would run now (idle, running
   * a fair task, or a lower RT priority).
   */
  pushRt(rq: Rq): void {
    const s = this.s;
    const curr = rq.curr;
    for (const t of rq.rtQueue) {
      if (t === curr) continue;
      let dst: Rq | null = null;
      let dstPrio = Infinity;
      for (const o of s.rqs) {
        if (o === rq || !o.online || o.rtThrottled || !s.allowed(t, o.cpu)) continue;
        // lowest priority running there (−1: idle or fair); only if below ours
        let prio = -1;
        for (const r of o.rtQueue) if (r.task.rtPriority > prio) prio = r.task.rtPriority;
        if (prio >= t.task.rtPriority || prio >= dstPrio) continue;
        dst = o;
        dstPrio = prio;
        if (prio < 0 && o.curr === null) break;
      }
      if (!dst) continue;
      this.move(t, rq, dst);
      return;
    }
  }

  /** CPU going down: every task queued there moves to an allowed online CPU (migrate_tasks). */
  evacuate(rq: Rq): void {
    const s = this.s;
    const victims: TaskSched[] = [];
    for (const t of s.k.tasks.values()) {
      const ts = t.sched as TaskSched | undefined;
      if (ts && ts.queued && ts.cpu === rq.cpu) victims.push(ts);
    }
    for (const ts of victims) {
      s.ensureAllowed(ts);
      const dstCpu = ts.isRt ? this.selectRt(ts) : this.selectWake(ts);
      this.move(ts, rq, s.rqs[dstCpu]!);
    }
  }
}
