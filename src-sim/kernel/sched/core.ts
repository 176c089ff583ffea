/**
 * The scheduler core (kernel/sched/core.c): per-CPU run queues, the fair and
 * RT classes, wakeups, preemption and the event that stands in for the tick.
 *
 * Event-driven: each CPU has at most one pending engine event, the running
 * task's next interesting moment (step end, slice or deadline, quota or RT
 * runtime exhaustion, RR timeslice). Accounting is lazy (update_curr runs at
 * events and state changes). Reads of statistics never change state.
 */
import type { Kernel, SchedulerApi } from '../kernel';
import type { Cgroup } from '../cgroup/cgroup';
import type { Task } from '../task';
import { Psi, TSK_IOWAIT, TSK_MEMSTALL, TSK_MEMSTALL_RUNNING, TSK_ONCPU, TSK_RUNNING } from '../psi/psi';
import { CfsRq, Rq, SchedEntity, TaskGroup, TaskSched } from './entities';
import {
  ENQUEUE_INITIAL,
  ENQUEUE_WAKEUP,
  defaultFeatures,
  dequeueEntity,
  enqueueEntity,
  entityEligible,
  pickNextEntity,
  putPrevEntity,
  reweightEntity,
  setNextEntity,
  sliceLeft,
  updateCfsAvg,
  updateCurr,
  type FairCtx,
} from './fair';
import { initEntityAvg } from './pelt';
import { EXEC_START, LOAD_AVG, MIN_VRUNTIME, SchedStore, VRUNTIME, field } from './sched-store';
import { attachTaskLoad, detachTaskLoad } from './load-avg';
import { FairTunables } from './tunables';
import { kernelDefaults } from '../../scenario/kernel-versions';
import { calcDeltaFair, MIN_SHARES, niceToWeight, WEIGHT_IDLEPRIO } from './weights';
import { Bandwidth } from './bandwidth';
import { RtBandwidth } from './rt';
import { FairServer } from './fair-server';
import { Balancer } from './balance';
import { registerPidFiles } from './pid-files';

const STALL_NONE = 0;
const STALL_MEM = 1;
const STALL_IO = 2;

/** Counters for invariants the tests check (EEVDF picks only eligible entities). */
export interface SchedDebug {
  picks: number;
  ineligiblePicks: number;
}

export class Scheduler implements SchedulerApi {
  readonly nrCpus: number;
  readonly rqs: Rq[] = [];
  readonly tun: FairTunables;
  readonly ctx: FairCtx;
  readonly psi: Psi;
  readonly root: TaskGroup;
  readonly bw: Bandwidth;
  readonly rt: RtBandwidth;
  /** The 6.12+ fair (deadline) server per CPU; null before 6.12. */
  readonly fair: FairServer | null;
  readonly balancer: Balancer;
  readonly debug: SchedDebug = { picks: 0, ineligiblePicks: 0 };
  /** Numeric state of every fair entity and queue (sched-store.ts). */
  readonly store = new SchedStore();
  /** NUMA node of each CPU (the LLC domain used for wakeup placement and balancing). */
  readonly nodeOf: Int32Array;
  /** Context switches (for /proc/stat ctxt) and forks (processes). */
  nrForks = 0;
  /** Online CPUs with nothing running (lets wakeup placement skip the idle scan). */
  nrIdle: number;
  /**
   * Interrupt and softirq counts for /proc/stat's intr and softirq lines,
   * set by the subsystem that raises them (src-sim/kernel/net); null = none.
   */
  irqCounts: (() => { intr: number; softirqs: number[] }) | null = null;
  /** kernel/sched/rt.c: sched_rr_timeslice (ns). */
  rrTimeslice = 100_000_000;
  /**
   * RT tasks queued on all CPUs together (Σ rq.rtQueue.length). newidle's
   * pull_rt_task scan can only find something when one CPU holds two, so it
   * is skipped while this is below 2: the common fair-only machine pays no
   * O(CPUs) scan per idle transition.
   */
  nrRtQueued = 0;
  /**
   * root_domain->overloaded (kernel/sched/sched.h; set by add_nr_running
   * when a CPU gets its second runnable task): false only while no online
   * CPU can have had two fair tasks since newidle last scanned and found
   * none, so newidle skips its O(CPUs) busiest scan as
   * sched_balance_newidle does (`if (!READ_ONCE(this_rq->rd->overloaded))`).
   * Set by noteOverload() wherever a root h_nr_running grows.
   */
  overloaded = true;
  private depth = 0;
  /** Set by timeToEvent: ns until the tick-driven checks are due (unaligned). */
  private tickDue = Infinity;
  private readonly pendingResched: Rq[] = [];
  private readonly throttleList: CfsRq[] = [];
  readonly v1: boolean;
  readonly checkEligibility: boolean;
  /** EEVDF on 6.12+ and DELAY_DEQUEUE not yet noted in the log. */
  private delayDequeueUnmodelled: boolean;

  constructor(readonly k: Kernel) {
    const s = k.scenario;
    this.nrCpus = s.machine.cpus;
    this.nrIdle = this.nrCpus;
    this.v1 = s.cgroupVersion === 1;
    this.tun = new FairTunables(s.kernel);
    this.tun.update(this.nrCpus);
    this.ctx = {
      eevdf: s.kernel.scheduler === 'eevdf',
      feat: defaultFeatures(),
      tun: this.tun,
      tickNs: Math.round(1e9 / s.kernel.hz),
      lagLimitMaxSlice: kernelDefaults(s.kernel.version).lagLimitMaxSlice,
      resched: false,
      pickedEligible: false,
      now: 0,
      onUpdateCurr: (q, se, d) => this.onUpdateCurr(q, se, d),
    };
    this.checkEligibility = this.ctx.eevdf;
    this.delayDequeueUnmodelled = this.ctx.eevdf && kernelDefaults(s.kernel.version).delayDequeue;
    this.psi = new Psi(this.nrCpus, s.kernel.hz);
    this.nodeOf = new Int32Array(this.nrCpus);
    s.machine.numa.nodes.forEach((n, i) => n.cpus.forEach((c) => (this.nodeOf[c] = i)));
    for (let c = 0; c < this.nrCpus; c++) {
      const rq = new Rq(c, this.store);
      rq.eventFn = (now) => this.rqEvent(rq, now);
      this.rqs.push(rq);
    }
    this.root = new TaskGroup(k.cgroups.root, null, this.psi.system);
    for (const rq of this.rqs) {
      const q = new CfsRq(rq, this.root, null);
      rq.cfs = q;
      this.root.cfsRq.push(q);
      this.root.se.push(null);
    }
    this.root.effective = this.onlineCpus();
    this.root.effMask = this.maskOf(this.root.effective);
    k.cgroups.root.sched = this.root;
    this.bw = new Bandwidth(this);
    const since612 = kernelDefaults(s.kernel.version).fairServer;
    this.rt = new RtBandwidth(this, !since612);
    this.fair = since612 ? new FairServer(this) : null;
    this.balancer = new Balancer(this);
  }

  // ---------------------------------------------------------------- groups

  tgOf(cg: Cgroup): TaskGroup {
    return cg.sched as TaskGroup;
  }

  /** A new cgroup: per-CPU queues and group entities (alloc_fair_sched_group). */
  createGroup(cg: Cgroup): TaskGroup {
    if (!cg.parent) return this.root;
    const parent = this.tgOf(cg.parent);
    // cgroup v1 has no per-cgroup PSI by default (cgroup1 psi=0): only the system group.
    const psiGroup = this.v1 ? this.psi.system : this.psi.newGroup(parent.psi);
    const tg = new TaskGroup(cg, parent, psiGroup);
    parent.children.push(tg);
    for (let c = 0; c < this.nrCpus; c++) {
      const rq = this.rqs[c]!;
      const parentQ = parent.cfsRq[c]!;
      const q = new CfsRq(rq, tg, null);
      const se = new SchedEntity(parentQ, parent.se[c] ?? null, q, null);
      se.weight = MIN_SHARES;
      q.se = se;
      // A child of a throttled hierarchy starts throttled too (sync_throttle).
      q.throttleCount = parentQ.throttleCount;
      tg.cfsRq.push(q);
      tg.se.push(se);
    }
    this.bw.initGroup(tg);
    tg.effective = this.computeEffective(tg);
    tg.effMask = this.maskOf(tg.effective);
    cg.sched = tg;
    return tg;
  }

  maskOf(cpus: readonly number[]): Uint8Array {
    const m = new Uint8Array(this.nrCpus);
    for (const c of cpus) if (c >= 0 && c < this.nrCpus) m[c] = 1;
    return m;
  }

  /** cpuset.cpus.effective: the requested CPUs ∩ the parent's effective, else the parent's. */
  computeEffective(tg: TaskGroup): number[] {
    if (!tg.parent) return this.onlineCpus();
    const parentEff = tg.parent.effective;
    if (!tg.cpusetCpus) return [...parentEff];
    const req = new Set(tg.cpusetCpus);
    const eff = parentEff.filter((c) => req.has(c));
    return eff.length ? eff : [...parentEff];
  }

  updateEffective(): void {
    const walk = (tg: TaskGroup): void => {
      tg.effective = this.computeEffective(tg);
      tg.effMask = this.maskOf(tg.effective);
      for (const c of tg.children) walk(c);
    };
    walk(this.root);
  }

  /**
   * kernel/sched/fair.c: calc_group_shares — the tg's shares split by this
   * CPU's share of the group's PELT load: load = max(load.weight, load_avg)
   * of this queue, tg_weight = tg->load_avg with this queue's folded-in
   * contribution replaced by `load`, clamped to MIN_SHARES..shares. The
   * queue's average is brought up to now first (its update_load_avg).
   */
  calcGroupShares(q: CfsRq): number {
    const tg = q.tg;
    const tgShares = tg.idle ? WEIGHT_IDLEPRIO : tg.shares;
    updateCfsAvg(this.k.now, q);
    const loadAvg = q.store.d[q.slot + LOAD_AVG]!;
    const load = q.load > loadAvg ? q.load : loadAvg;
    const tgWeight = tg.loadAvg - q.tgLoadAvgContrib + load;
    const shares = tgWeight > 0 ? Math.floor((tgShares * load) / tgWeight) : tgShares * load;
    return shares < MIN_SHARES ? MIN_SHARES : shares > tgShares ? tgShares : shares;
  }

  /** kernel/sched/fair.c: update_cfs_group */
  updateCfsGroup(se: SchedEntity): void {
    const q = se.myQ;
    if (!q) return;
    const w = this.calcGroupShares(q);
    if (w !== se.weight) reweightEntity(this.ctx, se.cfsRq, se, w);
  }

  /** Re-evaluate a group's entity weights after cpu.weight / cpu.idle changed. */
  groupWeightChanged(tg: TaskGroup): void {
    this.enter();
    for (let c = 0; c < this.nrCpus; c++) {
      const se = tg.se[c];
      if (!se) continue;
      this.ctx.now = this.k.now;
      // an entity off the queue gets its weight when it is enqueued again
      if (se.onRq) {
        this.updateCfsGroup(se);
        this.arm(this.rqs[c]!);
      }
    }
    this.leave();
  }

  // ---------------------------------------------------------------- tasks

  private taskWeight(t: Task): number {
    return t.policy === 'SCHED_IDLE' ? WEIGHT_IDLEPRIO : niceToWeight(t.nice);
  }

  private ts(task: Task): TaskSched {
    return task.sched as TaskSched;
  }

  /** Every CPU the task may run on now (affinity ∩ cpuset ∩ online), with the kernel's fallback. */
  allowed(ts: TaskSched, cpu: number): boolean {
    if (!this.rqs[cpu]!.online || ts.tg.effMask[cpu] === 0) return false;
    const aff = ts.task.affinity;
    if (aff.length === 0) return true;
    if (ts.affOf !== aff) {
      ts.affOf = aff;
      ts.affMask = this.maskOf(aff);
    }
    return ts.affMask![cpu] === 1;
  }

  hasAllowed(ts: TaskSched): boolean {
    for (let c = 0; c < this.nrCpus; c++) if (this.allowed(ts, c)) return true;
    return false;
  }

  /** kernel/sched/core.c: select_fallback_rq — break affinity when nothing allowed is online. */
  ensureAllowed(ts: TaskSched): void {
    if (this.hasAllowed(ts)) return;
    const t = ts.task;
    this.k.log.add(this.k.now, 'printk', {
      message: `process ${t.pid} (${t.name}) no longer affine to cpu${ts.cpu}`,
    });
    t.affinity = [];
  }

  fork(task: Task): void {
    this.enter();
    const tg = this.tgOf(task.cgroup);
    const ts = new TaskSched(task, tg, tg.cfsRq[0]!);
    task.sched = ts;
    ts.se.weight = this.taskWeight(task);
    ts.se.customSlice = task.sliceNs > 0 ? Math.min(100e6, Math.max(100e3, task.sliceNs)) : 0;
    ts.timerFn = () => this.timerWake(ts);
    ts.forkedAt = this.k.now;
    this.nrForks++;
    this.ensureAllowed(ts);
    this.setCpu(ts, this.balancer.selectFork(ts));
    if (!ts.isRt) {
      const q = ts.se.cfsRq;
      updateCfsAvg(this.k.now, q);
      initEntityAvg(this.store.d, ts.se.slot, ts.se.weight, q.slot);
      // post_init_entity_util_avg → attach_entity_cfs_rq: the new load counts on its queue at once
      attachTaskLoad(this.k.now, ts.se);
    }
    registerPidFiles(this, ts);
    this.k.trace?.add({ kind: 'wakeup_new', t: this.k.now, cpu: ts.cpu, pid: task.pid });
    this.resume(ts, ENQUEUE_INITIAL);
    this.leave();
  }

  wake(task: Task): void {
    const ts = this.ts(task);
    if (!ts) return;
    if (task.state === 'running' || task.state === 'runnable') {
      ts.wakePending = true;
      return;
    }
    if (task.state !== 'sleeping' && task.state !== 'blocked') return;
    this.enter();
    this.k.engine.cancel(ts.timerId);
    ts.timerId = 0;
    this.resume(ts, ENQUEUE_WAKEUP);
    this.leave();
  }

  private timerWake(ts: TaskSched): void {
    ts.timerId = 0;
    if (ts.task.state !== 'sleeping') return;
    this.enter();
    this.resume(ts, ENQUEUE_WAKEUP);
    this.leave();
  }

  /** A task that is off the CPU asks its behaviour what next, and is enqueued if it wants CPU. */
  private resume(ts: TaskSched, flags: number): void {
    const r = this.advance(ts);
    if (r !== 'run') return;
    ts.task.state = 'runnable';
    if (!this.allowed(ts, ts.cpu) || flags === ENQUEUE_WAKEUP) {
      this.ensureAllowed(ts);
      this.setCpu(ts, ts.isRt ? this.balancer.selectRt(ts) : this.balancer.selectWake(ts));
    }
    if (flags === ENQUEUE_WAKEUP) this.k.trace?.add({ kind: 'wakeup', t: this.k.now, cpu: ts.cpu, pid: ts.task.pid });
    this.activate(ts, flags);
  }

  /** Enqueue on ts.cpu and check preemption there (activate_task + wakeup_preempt). */
  activate(ts: TaskSched, flags: number): void {
    const rq = this.rqs[ts.cpu]!;
    this.ctx.now = this.k.now;
    ts.lastQueued = this.k.now;
    this.ctx.resched = false;
    this.enqueueTask(rq, ts, flags);
    this.checkPreempt(rq, ts);
    // Onto an idle CPU, or preempting: the schedule follows in this instant
    // (the outermost leave(), which every caller is inside), so TSK_RUNNING
    // is set there together with TSK_ONCPU. checkPreempt reads no PSI state.
    this.setPsi(ts, this.runFlags(ts), rq.needResched);
  }

  /**
   * Ask the behaviour for steps until one needs the CPU (returns 'run'), or
   * the task goes to sleep / blocks / exits (its state is set accordingly).
   */
  private advance(ts: TaskSched): 'run' | 'off' {
    const task = ts.task;
    const now = this.k.now;
    for (let guard = 0; guard < 1000; guard++) {
      const step = task.behaviour.next(task, now);
      if (task.state === 'exited') return 'off';
      switch (step.kind) {
        case 'cpu':
          if (!(step.ns > 0)) continue;
          ts.stepLeft = step.ns;
          ts.stall = step.stall === 'mem' ? STALL_MEM : STALL_NONE;
          return 'run';
        case 'sleep':
          if (!(step.ns > 0)) continue;
          ts.stall = step.stall === 'mem' ? STALL_MEM : step.stall === 'io' ? STALL_IO : STALL_NONE;
          task.state = 'sleeping';
          ts.timerId = this.k.engine.schedule(now + Math.max(1, Math.round(step.ns)), ts.timerFn);
          this.setPsi(ts, this.sleepFlags(ts), this.rqs[ts.cpu]!.psiPending === ts);
          return 'off';
        case 'block':
          if (ts.wakePending) {
            // The wait's condition came true before the task got here.
            ts.wakePending = false;
            continue;
          }
          ts.stall = step.stall === 'mem' ? STALL_MEM : step.stall === 'io' ? STALL_IO : STALL_NONE;
          task.state = 'blocked';
          this.setPsi(ts, this.sleepFlags(ts), this.rqs[ts.cpu]!.psiPending === ts);
          return 'off';
        case 'exit':
          this.exit(task, now);
          return 'off';
      }
    }
    return this.k.engine.fail('sched', `task ${task.pid} (${task.name}) returned 1000 empty steps in a row`);
  }

  exit(task: Task, now: number): void {
    const ts = this.ts(task);
    if (!ts || task.state === 'exited') return;
    this.enter();
    this.ctx.now = now;
    this.k.engine.cancel(ts.timerId);
    ts.timerId = 0;
    const rq = this.rqs[ts.cpu]!;
    if (rq.curr === ts) {
      this.putPrevTask(rq, ts);
      this.dequeueTask(rq, ts);
      this.requestResched(rq);
    } else if (ts.queued) {
      this.dequeueTask(rq, ts);
      this.requestResched(rq);
    }
    this.flushPsi(ts);
    this.setPsi(ts, 0);
    // task_dead_fair → remove_entity_load_avg
    if (!ts.isRt) detachTaskLoad(now, ts.se);
    // nothing reads a dead task's signals (its /proc/<pid> goes below): the next fork reuses the block
    this.store.release(ts.se.slot);
    task.state = 'exited';
    if (task.exitCode === null) task.exitCode = 0;
    const list = task.cgroup.tasks;
    const i = list.indexOf(task);
    if (i >= 0) list.splice(i, 1);
    task.behaviour.onExit?.(task, now);
    this.k.vfs.unregisterTree(`/proc/${task.pid}`);
    this.k.taskExited(task, now);
    this.leave();
  }

  /** Write to cgroup.procs: move a task to another group (sched_move_task + psi cgroup_move_task). */
  migrate(task: Task, to: Cgroup): void {
    const ts = this.ts(task);
    this.enter();
    const from = task.cgroup;
    const i = from.tasks.indexOf(task);
    if (i >= 0) from.tasks.splice(i, 1);
    to.tasks.push(task);
    task.cgroup = to;
    if (!ts || task.state === 'exited' || task.state === 'new') {
      if (ts) ts.tg = this.tgOf(to);
      this.leave();
      return;
    }
    this.ctx.now = this.k.now;
    const rq = this.rqs[ts.cpu]!;
    const running = rq.curr === ts;
    const queued = ts.queued;
    if (running) this.putPrevTask(rq, ts);
    this.flushPsi(ts);
    if (queued) this.dequeueTask(rq, ts);
    const flags = ts.psiFlags;
    this.setPsi(ts, 0);
    const oldQ = ts.se.cfsRq;
    // task_change_group_fair: detach the load from the old group's queue, attach it to the new one
    if (!ts.isRt) detachTaskLoad(this.k.now, ts.se);
    ts.tg = this.tgOf(to);
    this.attachSe(ts, ts.cpu);
    if (!ts.isRt) attachTaskLoad(this.k.now, ts.se);
    if (!this.ctx.eevdf) this.store.d[ts.se.slot + VRUNTIME] += field(ts.se.cfsRq, MIN_VRUNTIME) - field(oldQ, MIN_VRUNTIME);
    this.setPsi(ts, flags & ~TSK_ONCPU);
    if (!this.allowed(ts, ts.cpu)) {
      this.ensureAllowed(ts);
      if (queued) this.setCpu(ts, ts.isRt ? this.balancer.selectRt(ts) : this.balancer.selectWake(ts));
    }
    if (queued) {
      const dst = this.rqs[ts.cpu]!;
      ts.lastQueued = this.k.now;
      this.ctx.resched = false;
      this.enqueueTask(dst, ts, 0);
      this.checkPreempt(dst, ts);
    }
    if (running) this.requestResched(rq);
    this.leave();
  }

  /** set_cpus_allowed_ptr after an affinity or cpuset change: move a queued task off a CPU it may no longer use. */
  enforceAffinity(ts: TaskSched): void {
    if (!ts.queued || this.allowed(ts, ts.cpu)) return;
    this.enter();
    this.ctx.now = this.k.now;
    this.ensureAllowed(ts);
    const rq = this.rqs[ts.cpu]!;
    const running = rq.curr === ts;
    if (running) this.putPrevTask(rq, ts);
    this.dequeueTask(rq, ts);
    this.setCpu(ts, ts.isRt ? this.balancer.selectRt(ts) : this.balancer.selectWake(ts));
    const dst = this.rqs[ts.cpu]!;
    this.ctx.resched = false;
    this.enqueueTask(dst, ts, 0);
    this.checkPreempt(dst, ts);
    if (running) this.requestResched(rq);
    else if (rq.curr) this.arm(rq);
    this.leave();
  }

  /** Hot-plug: mark a CPU (with nothing running) online or offline. */
  setOnline(rq: Rq, on: boolean): void {
    if (rq.online === on) return;
    rq.online = on;
    // a CPU coming back may hold queued tasks newidle has not seen
    if (on) this.overloaded = true;
    if (rq.curr === null) this.nrIdle += on ? 1 : -1;
  }

  onlineCpus(): number[] {
    const out: number[] = [];
    for (const rq of this.rqs) if (rq.online) out.push(rq.cpu);
    return out;
  }

  cpuOf(task: Task): number {
    return this.ts(task).cpu;
  }

  /** kernel/sched/fair.c: task_numa_migrate() / migrate_task_to(): the least loaded allowed CPU of `nid`. */
  numaMigrate(task: Task, nid: number): boolean {
    const ts = this.ts(task);
    ts.numaPreferredNid = nid;
    if (this.nodeOf[ts.cpu] === nid) return true;
    let best = -1;
    for (let c = 0; c < this.nrCpus; c++) {
      if (this.nodeOf[c] !== nid || !this.allowed(ts, c)) continue;
      if (best < 0 || this.rqs[c]!.nrRunning < this.rqs[best]!.nrRunning) best = c;
    }
    if (best < 0) return false;
    if (!ts.queued) {
      this.setCpu(ts, best);
      return true;
    }
    this.enter();
    this.ctx.now = this.k.now;
    const rq = this.rqs[ts.cpu]!;
    const running = rq.curr === ts;
    if (running) this.putPrevTask(rq, ts);
    this.dequeueTask(rq, ts);
    this.setCpu(ts, best);
    const dst = this.rqs[best]!;
    this.ctx.resched = false;
    this.enqueueTask(dst, ts, 0);
    this.checkPreempt(dst, ts);
    if (running) this.requestResched(rq);
    else if (rq.curr) this.arm(rq);
    this.leave();
    return true;
  }

  /** Point the task entity at its group's queue on `cpu` (set_task_rq). */
  private attachSe(ts: TaskSched, cpu: number): void {
    const q = ts.tg.cfsRq[cpu]!;
    ts.se.cfsRq = q;
    ts.se.parent = q.se;
    ts.se.depth = q.se ? q.se.depth + 1 : 0;
  }

  /** set_task_cpu for a task that is not queued. CFS keeps vruntime relative to min_vruntime across CPUs. */
  setCpu(ts: TaskSched, cpu: number): void {
    if (cpu === ts.cpu && ts.se.cfsRq === ts.tg.cfsRq[cpu]) return;
    const oldQ = ts.se.cfsRq;
    this.flushPsi(ts);
    if (cpu !== ts.cpu) {
      ts.nrMigrations++;
      // A fork's first placement is not a migration (sched_migrate_task fires from set_task_cpu of a known task).
      if (ts.task.state !== 'new') this.k.trace?.add({ kind: 'migrate', t: this.k.now, pid: ts.task.pid, from: ts.cpu, to: cpu });
    }
    const flags = ts.psiFlags;
    if (flags) this.setPsi(ts, 0);
    // migrate_task_rq_fair / attach on enqueue: the task's PELT load moves with it (not at a fork's first placement)
    const moveLoad = !ts.isRt && ts.task.state !== 'new';
    if (moveLoad) detachTaskLoad(this.k.now, ts.se);
    ts.cpu = cpu;
    this.attachSe(ts, cpu);
    if (moveLoad) attachTaskLoad(this.k.now, ts.se);
    if (!this.ctx.eevdf) this.store.d[ts.se.slot + VRUNTIME] += field(ts.se.cfsRq, MIN_VRUNTIME) - field(oldQ, MIN_VRUNTIME);
    if (flags) this.setPsi(ts, flags);
  }

  // ---------------------------------------------------------------- PSI flags

  private runFlags(ts: TaskSched): number {
    return ts.stall === STALL_MEM ? TSK_RUNNING | TSK_MEMSTALL | TSK_MEMSTALL_RUNNING : TSK_RUNNING;
  }

  private sleepFlags(ts: TaskSched): number {
    return ts.stall === STALL_MEM ? TSK_MEMSTALL : ts.stall === STALL_IO ? TSK_IOWAIT : 0;
  }

  /**
   * psi_task_change with the difference between the accounted and the wanted
   * task-count flags. ONCPU is not touched here: it moves only on a switch.
   *
   * `defer`: a schedule of the task's CPU follows in this same instant (the
   * task was just put off it, or woken onto it while idle), so the change is
   * held in rq.psiDefer and made there together with the ONCPU change, one
   * psi_group_change per group as psi_task_switch(prev, next, sleep) does.
   * Exact: the changes in between would record zero-length intervals, and
   * every group's state is recomputed from its counts at the last change.
   */
  setPsi(ts: TaskSched, flags: number, defer = false): void {
    const oncpu = ts.psiFlags & TSK_ONCPU;
    const old = ts.psiFlags & ~TSK_ONCPU;
    const want = flags & ~TSK_ONCPU;
    if (old === want) return;
    const rq = this.rqs[ts.cpu]!;
    if (((old ^ want) & TSK_IOWAIT) !== 0 && rq.curr === null) this.acctCpu(rq);
    ts.psiFlags = want | oncpu;
    const held = rq.psiDefer;
    if (held === ts) return;
    if (defer && held === null) {
      rq.psiDefer = ts;
      rq.psiDeferFrom = old;
      return;
    }
    this.psi.change(ts.tg.psi, ts.cpu, old & ~want, want & ~old, this.k.now);
  }

  /**
   * Hand over a deferred ONCPU now, with a held task-count change of the
   * same task (the task is about to change group or CPU, or its CPU goes
   * idle).
   */
  flushPsi(ts: TaskSched): void {
    const rq = this.rqs[ts.cpu]!;
    let clear = 0;
    let set = 0;
    if (rq.psiDefer === ts) {
      rq.psiDefer = null;
      const from = rq.psiDeferFrom;
      const want = ts.psiFlags & ~TSK_ONCPU;
      clear = from & ~want;
      set = want & ~from;
    }
    if (rq.psiPending === ts) {
      rq.psiPending = null;
      ts.psiFlags &= ~TSK_ONCPU;
      this.psi.currInMemstall[rq.cpu] = 0;
      clear |= TSK_ONCPU;
    }
    if ((clear | set) !== 0) this.psi.change(ts.tg.psi, rq.cpu, clear, set, this.k.now);
  }

  /** Make a held task-count change now (its schedule did not switch in this instant). */
  private flushPsiDefer(rq: Rq): void {
    const ts = rq.psiDefer;
    if (!ts) return;
    rq.psiDefer = null;
    const from = rq.psiDeferFrom;
    const want = ts.psiFlags & ~TSK_ONCPU;
    if (from !== want) this.psi.change(ts.tg.psi, rq.cpu, from & ~want, want & ~from, this.k.now);
  }

  // ---------------------------------------------------------------- reentrancy

  /** Nested calls (a behaviour waking another task inside an event) defer rescheduling to the outermost. */
  enter(): void {
    this.depth++;
  }

  leave(): void {
    if (--this.depth > 0) return;
    while (this.pendingResched.length) {
      const rq = this.pendingResched.pop()!;
      rq.needResched = false;
      this.depth++;
      this.schedule(rq);
      this.depth--;
    }
  }

  requestResched(rq: Rq): void {
    if (rq.needResched) return;
    rq.needResched = true;
    this.pendingResched.push(rq);
  }

  // ---------------------------------------------------------------- enqueue / dequeue

  private onUpdateCurr(q: CfsRq, se: SchedEntity, delta: number): void {
    const ts = se.task;
    if (ts) {
      this.chargeTask(ts, delta);
      if (this.fair) this.fair.charge(q.rq, delta, this.ctx.now);
    }
    if (q.runtimeEnabled) this.bw.accountRuntime(q, delta);
  }

  /** Task-level accounting of `delta` ns on a CPU (update_curr's task part + cpuacct_charge). */
  chargeTask(ts: TaskSched, delta: number): void {
    ts.stepLeft -= delta;
    ts.task.sumExecRuntime += delta;
    for (let tg: TaskGroup | null = ts.tg; tg; tg = tg.parent) tg.usage += delta;
  }

  enqueueTask(rq: Rq, ts: TaskSched, flags: number): void {
    ts.queued = true;
    if (ts.isRt) {
      rq.rtQueue.push(ts);
      this.nrRtQueued++;
      if (ts.task.policy === 'SCHED_RR' && ts.rrLeft <= 0) ts.rrLeft = this.rrTimeslice;
      return;
    }
    this.enqueueFair(rq, ts, flags);
    this.noteOverload(rq);
    this.fair?.check(rq);
  }

  /** add_nr_running's set_rd_overloaded: a CPU with two runnable fair tasks makes newidle scan again. */
  private noteOverload(rq: Rq): void {
    if (rq.cfs.hNrRunning >= 2) this.overloaded = true;
  }

  private enqueueFair(rq: Rq, ts: TaskSched, flags: number): void {
    const ctx = this.ctx;
    const throttle = this.throttleList;
    let se: SchedEntity | null = ts.se;
    let f = flags;
    for (; se; se = se.parent) {
      if (se.onRq) break;
      const q = se.cfsRq;
      if (se.myQ) reweightEntity(ctx, q, se, this.calcGroupShares(se.myQ));
      enqueueEntity(ctx, q, se, f, rq.cfs.hNrRunning);
      q.hNrRunning++;
      if (q.nrRunning === 1 && q.throttleCount > 0) {
        // enqueue into a throttled hierarchy starts its throttled clocks
        if (q.throttled && q.throttledClock < 0) q.throttledClock = ctx.now;
        if (q.throttledClockSelf < 0) q.throttledClockSelf = ctx.now;
      }
      if (q.nrRunning === 1 && q.runtimeEnabled && !q.throttled && this.bw.needsThrottleOnEnqueue(q)) throttle.push(q);
      if (q.throttled) {
        se = null;
        break;
      }
      f = ENQUEUE_WAKEUP;
    }
    for (; se; se = se.parent) {
      const q = se.cfsRq;
      this.updateCfsGroup(se);
      q.hNrRunning++;
      if (q.throttled) break;
    }
    while (throttle.length) this.bw.throttle(throttle.pop()!);
  }

  /** Remove a task that is not running from its run queue (dequeue_task). */
  dequeueTask(rq: Rq, ts: TaskSched): void {
    ts.queued = false;
    if (ts.isRt) {
      const i = rq.rtQueue.indexOf(ts);
      if (i >= 0) {
        rq.rtQueue.splice(i, 1);
        this.nrRtQueued--;
      }
      return;
    }
    this.dequeueFair(ts);
    this.fair?.check(rq);
  }

  private dequeueFair(ts: TaskSched): void {
    const ctx = this.ctx;
    let se: SchedEntity | null = ts.se;
    for (; se; se = se.parent) {
      const q = se.cfsRq;
      dequeueEntity(ctx, q, se);
      q.hNrRunning--;
      if (q.runtimeEnabled && q.nrRunning === 0) this.bw.returnRuntime(q);
      if (q.throttled) return;
      if (q.load > 0) {
        se = se.parent;
        break;
      }
    }
    for (; se; se = se.parent) {
      const q = se.cfsRq;
      this.updateCfsGroup(se);
      q.hNrRunning--;
      if (q.throttled) return;
    }
  }

  /** Dequeue a group entity chain from `q` upwards (throttle_cfs_rq's dequeue part). */
  dequeueGroup(q: CfsRq): void {
    this.dequeueGroupChain(q);
    this.fair?.check(q.rq);
  }

  private dequeueGroupChain(q: CfsRq): void {
    const ctx = this.ctx;
    const n = q.hNrRunning;
    let se: SchedEntity | null = q.se;
    if (!se || !se.onRq) return;
    for (; se; se = se.parent) {
      const pq = se.cfsRq;
      dequeueEntity(ctx, pq, se);
      pq.hNrRunning -= n;
      if (pq.throttled) return;
      if (pq.load > 0) {
        se = se.parent;
        break;
      }
    }
    for (; se; se = se.parent) {
      const pq = se.cfsRq;
      this.updateCfsGroup(se);
      pq.hNrRunning -= n;
      if (pq.throttled) return;
    }
  }

  /** Enqueue a group entity chain again (unthrottle_cfs_rq's enqueue part). */
  enqueueGroup(q: CfsRq): void {
    this.enqueueGroupChain(q);
    this.noteOverload(q.rq);
    this.fair?.check(q.rq);
  }

  private enqueueGroupChain(q: CfsRq): void {
    const ctx = this.ctx;
    const n = q.hNrRunning;
    const rq = q.rq;
    let se: SchedEntity | null = q.se;
    if (!se || se.onRq || q.nrRunning === 0) return;
    for (; se; se = se.parent) {
      if (se.onRq) break;
      const pq = se.cfsRq;
      if (se.myQ) reweightEntity(ctx, pq, se, this.calcGroupShares(se.myQ));
      enqueueEntity(ctx, pq, se, ENQUEUE_WAKEUP, rq.cfs.hNrRunning);
      pq.hNrRunning += n;
      if (pq.throttled) return;
    }
    for (; se; se = se.parent) {
      const pq = se.cfsRq;
      this.updateCfsGroup(se);
      pq.hNrRunning += n;
      if (pq.throttled) return;
    }
  }

  // ---------------------------------------------------------------- preemption

  private seIsIdle(se: SchedEntity): boolean {
    return se.task ? se.task.task.policy === 'SCHED_IDLE' : se.myQ!.tg.idle;
  }

  /** kernel/sched/core.c: wakeup_preempt (check_preempt_wakeup_fair / wakeup_preempt_rt). */
  checkPreempt(rq: Rq, p: TaskSched): void {
    const curr = rq.curr;
    if (!curr) {
      this.requestResched(rq);
      return;
    }
    if (curr === p) return;
    if (p.isRt) {
      // a fair task running under the fair server is a deadline entity: RT waits
      const served = !curr.isRt && this.fair !== null && this.fair.serving(rq);
      if (!rq.rtThrottled && !served && (!curr.isRt || p.task.rtPriority > curr.task.rtPriority)) this.requestResched(rq);
      else this.arm(rq);
      return;
    }
    if (curr.isRt) return;
    if (rq.needResched) return;
    const ctx = this.ctx;
    ctx.now = this.k.now;
    let preempt = false;
    const cp = curr.task.policy;
    const pp = p.task.policy;
    if (cp === 'SCHED_IDLE' && pp !== 'SCHED_IDLE') preempt = true;
    else if (pp === 'SCHED_OTHER' && ctx.feat.WAKEUP_PREEMPTION) {
      // find_matching_se
      let se: SchedEntity = curr.se;
      let pse: SchedEntity = p.se;
      while (se.depth > pse.depth) se = se.parent!;
      while (pse.depth > se.depth) pse = pse.parent!;
      while (se.cfsRq !== pse.cfsRq) {
        se = se.parent!;
        pse = pse.parent!;
      }
      const cIdle = this.seIsIdle(se);
      const pIdle = this.seIsIdle(pse);
      if (cIdle && !pIdle) preempt = true;
      else if (cIdle === pIdle) {
        const q = se.cfsRq;
        updateCurr(ctx, q);
        if (ctx.eevdf) preempt = pickNextEntity(ctx, q) === pse;
        else preempt = field(se, VRUNTIME) - field(pse, VRUNTIME) > calcDeltaFair(this.tun.wakeupGranularity, pse.weight);
      }
    }
    if (preempt || ctx.resched) this.requestResched(rq);
    else this.arm(rq);
  }

  // ---------------------------------------------------------------- switching

  /** Account the running task's time at every level (update_curr up the hierarchy). */
  updateCurrTask(rq: Rq): void {
    const ts = rq.curr;
    if (!ts) return;
    const ctx = this.ctx;
    ctx.now = this.k.now;
    if (ts.isRt) {
      this.rt.updateCurr(rq, ts);
      return;
    }
    for (let se: SchedEntity | null = ts.se; se; se = se.parent) updateCurr(ctx, se.cfsRq);
  }

  putPrevTask(rq: Rq, prev: TaskSched, deferPsi = false): void {
    const ctx = this.ctx;
    ctx.now = this.k.now;
    this.acctCpu(rq);
    if (prev.isRt) this.rt.updateCurr(rq, prev);
    else for (let se: SchedEntity | null = prev.se; se; se = se.parent) putPrevEntity(ctx, se.cfsRq, se);
    rq.curr = null;
    if (rq.online) this.nrIdle++;
    this.k.trace?.add({ kind: 'off', t: this.k.now, cpu: rq.cpu, pid: prev.task.pid });
    prev.lastRan = this.k.now;
    prev.lastQueued = this.k.now;
    if (prev.task.state === 'running') prev.task.state = 'runnable';
    if (rq.psiPending) this.flushPsi(rq.psiPending);
    // Within one schedule the ONCPU hand-over is done once, at setNextTask.
    if (deferPsi) rq.psiPending = prev;
    else {
      this.psi.currInMemstall[rq.cpu] = 0;
      this.psi.change(prev.tg.psi, rq.cpu, TSK_ONCPU, 0, this.k.now);
      prev.psiFlags &= ~TSK_ONCPU;
    }
  }

  private pickNextTask(rq: Rq): TaskSched | null {
    const fair = this.fair;
    if (fair) fair.sync(rq, this.k.now);
    if (rq.rtQueue.length && !rq.rtThrottled && !(fair && fair.serving(rq))) {
      let best = rq.rtQueue[0]!;
      for (const t of rq.rtQueue) if (t.task.rtPriority > best.task.rtPriority) best = t;
      return best;
    }
    let q = rq.cfs;
    if (q.nrRunning === 0) return null;
    const ctx = this.ctx;
    for (;;) {
      const se = pickNextEntity(ctx, q);
      if (!se) return this.k.engine.fail('sched', `cpu${rq.cpu}: cfs_rq of ${q.tg.cg.path} has nr_running ${q.nrRunning} but nothing to pick`);
      this.debug.picks++;
      // entity_eligible is evaluated with se still queued, as pick_eevdf does
      // (pick_eevdf already tested it against the same V unless it fell back)
      if (this.checkEligibility && !ctx.pickedEligible && !entityEligible(q, se)) this.debug.ineligiblePicks++;
      setNextEntity(ctx, q, se);
      if (!se.myQ) return se.task;
      q = se.myQ;
    }
  }

  private setNextTask(rq: Rq, next: TaskSched, prev: TaskSched | null): void {
    const now = this.k.now;
    rq.curr = next;
    if (rq.online) this.nrIdle--;
    this.k.trace?.add({ kind: 'on', t: now, cpu: rq.cpu, pid: next.task.pid, cont: next === prev });
    if (next.isRt) rq.rtExecStart = now;
    next.task.state = 'running';
    if (next !== prev) {
      next.task.runDelay += now - next.lastQueued;
      next.task.pcount++;
      next.nrSwitches++;
      rq.nrSwitches++;
    }
    const mem = next.stall === STALL_MEM ? 1 : 0;
    const pend = rq.psiPending;
    rq.psiPending = null;
    // a held count change of prev (its sleep) or next (its wakeup) goes into the switch
    let prevClear = 0;
    let prevSet = 0;
    let nextClear = 0;
    let nextSet = 0;
    const held = rq.psiDefer;
    if (held !== null) {
      if (held === pend || held === next) {
        rq.psiDefer = null;
        const from = rq.psiDeferFrom;
        const want = held.psiFlags & ~TSK_ONCPU;
        if (held === pend) {
          prevClear = from & ~want;
          prevSet = want & ~from;
        } else {
          nextClear = from & ~want;
          nextSet = want & ~from;
        }
      } else this.flushPsiDefer(rq);
    }
    const memChanged = this.psi.currInMemstall[rq.cpu] !== mem;
    this.psi.currInMemstall[rq.cpu] = mem;
    if (pend) pend.psiFlags &= ~TSK_ONCPU;
    this.psi.switchOncpu(pend ? pend.tg.psi : null, next.tg.psi, rq.cpu, now, memChanged, prevClear, prevSet, nextClear, nextSet);
    next.psiFlags |= TSK_ONCPU;
  }

  /** __schedule: put the running task back, pick the next one, arm the CPU's event. */
  schedule(rq: Rq): void {
    rq.needResched = false;
    if (rq.inIrq) {
      // preempt_schedule_irq: the switch happens when the interrupt returns
      rq.reschedAfterIrq = true;
      this.flushPsiDefer(rq);
      return;
    }
    const prev = rq.curr;
    if (prev) {
      this.putPrevTask(rq, prev, true);
      if (!prev.isRt) this.bw.checkRuntimeAfterPut(prev);
    } else this.acctCpu(rq);
    let next = rq.online ? this.pickNextTask(rq) : null;
    // pick again only if newidle moved a task here (an unchanged queue picks nothing again)
    if (!next && rq.online && this.balancer.newidle(rq)) next = this.pickNextTask(rq);
    if (next) this.setNextTask(rq, next, prev);
    else {
      // idle: prev's sleep and its ONCPU in one change; another held change first, as it was made
      if (rq.psiDefer !== rq.psiPending) this.flushPsiDefer(rq);
      if (rq.psiPending) this.flushPsi(rq.psiPending);
    }
    this.arm(rq);
    if (rq.rtQueue.length > 1) this.balancer.pushRt(rq);
  }

  /** Program the CPU's next interesting moment. */
  arm(rq: Rq): void {
    const ts = rq.curr;
    let t = Infinity;
    if (ts) {
      this.ctx.now = this.k.now;
      t = this.timeToEvent(rq, ts);
    }
    this.program(rq, t);
  }

  /** Set the CPU's event `t` ns from now (Infinity: none); kept when the moment did not change. */
  private program(rq: Rq, t: number): void {
    const engine = this.k.engine;
    if (t === Infinity || rq.inIrq) {
      if (rq.eventId) engine.cancel(rq.eventId);
      rq.eventId = 0;
      rq.eventAt = Infinity;
      return;
    }
    const at = this.k.now + Math.max(1, Math.ceil(t));
    if (at === rq.eventAt && rq.eventId) return;
    if (rq.eventId) engine.cancel(rq.eventId);
    rq.eventAt = at;
    rq.eventId = engine.schedule(at, rq.eventFn);
  }

  /**
   * Wall ns from now until the running task needs attention. The task's own
   * step ends exactly; what the kernel notices from the scheduler tick (slice
   * or deadline used up, quota or RT runtime exhausted, RR timeslice) is
   * checked at the next tick boundary, as without HRTICK. `tickDue` keeps the
   * unaligned tick-driven part (≤ 0 when already due).
   */
  private timeToEvent(rq: Rq, ts: TaskSched): number {
    const now = this.k.now;
    let step: number;
    let tick = Infinity;
    if (ts.isRt) {
      const ran = now - rq.rtExecStart;
      step = ts.stepLeft - ran;
      if (ts.task.policy === 'SCHED_RR') tick = ts.rrLeft - ran;
      const lim = this.rt.runtimeLeft(rq);
      if (lim !== Infinity) tick = Math.min(tick, lim - ran + 1);
      // the fair server's timer (an hrtimer: exact) lets waiting fair tasks in
      if (this.fair) {
        const at = this.fair.timerAt(rq);
        if (at - now < step) step = at - now;
      }
    } else {
      const ctx = this.ctx;
      const leaf = ts.se;
      const d = this.store.d;
      step = ts.stepLeft - (now - d[leaf.slot + EXEC_START]!);
      const hNr = rq.cfs.hNrRunning;
      const hrtick = ctx.feat.HRTICK;
      for (let se: SchedEntity | null = leaf; se; se = se.parent) {
        const q = se.cfsRq;
        const ran = now - d[se.slot + EXEC_START]!;
        if (q.nrRunning > 1) {
          const sl = sliceLeft(ctx, q, hNr) - ran;
          // HRTICK: a high-resolution timer ends the slice exactly (hrtick_start_fair)
          if (hrtick) {
            if (sl < step) step = sl;
          } else if (sl < tick) tick = sl;
        }
        if (q.runtimeEnabled) {
          const r = q.runtimeRemaining - ran;
          if (r < tick) tick = r;
        }
      }
      // the fair server's budget, checked at the tick, while RT waits behind it
      if (this.fair && rq.rtQueue.length) {
        const r = this.fair.servedLeft(rq) - (now - d[leaf.slot + EXEC_START]!);
        if (r < tick) tick = r;
      }
    }
    this.tickDue = Math.min(tick, this.ctx.feat.HRTICK ? step : Infinity);
    if (tick === Infinity) return step;
    const tickNs = this.ctx.tickNs;
    const aligned = Math.ceil((now + Math.max(0, tick)) / tickNs) * tickNs - now;
    return aligned < step ? aligned : step;
  }

  /** The per-CPU event: account, finish steps, preempt or re-arm. */
  private rqEvent(rq: Rq, now: number): void {
    rq.eventId = 0;
    rq.eventAt = Infinity;
    const ts = rq.curr;
    if (!ts) return;
    this.enter();
    const ctx = this.ctx;
    ctx.now = now;
    ctx.resched = false;
    this.updateCurrTask(rq);
    if (this.fair) this.fair.sync(rq, now);
    // entity_tick: update_cfs_group for every group level of the running chain
    if (!ts.isRt) for (let se = ts.se.parent; se; se = se.parent) this.updateCfsGroup(se);
    let resched = ctx.resched;
    if (ts.stepLeft <= 0.5) {
      // The step is done; the next one may keep the CPU (it is re-picked).
      this.putPrevTask(rq, ts, true);
      const r = this.advance(ts);
      if (r === 'run') this.setPsi(ts, this.runFlags(ts), true);
      else if (ts.queued) {
        if (this.delayDequeueUnmodelled && !ts.isRt && ts.task.state !== 'exited') this.noteDelayDequeue(ts);
        this.dequeueTask(rq, ts);
      }
      resched = true;
    }
    let t = 0;
    let known = false;
    if (!resched && rq.curr === ts) {
      t = this.timeToEvent(rq, ts);
      known = true;
      if (this.tickDue < 0.5 || ctx.resched) resched = true;
    }
    if (resched) this.requestResched(rq);
    // timeToEvent is pure and nothing changed since: program its answer (what arm would compute)
    else if (known) this.program(rq, t);
    else this.arm(rq);
    this.leave();
  }

  /**
   * 6.12+ EEVDF keeps a task that sleeps with negative lag on the queue
   * (DELAY_DEQUEUE, kernel/sched/fair.c: dequeue_entity → set_delayed) until
   * it is picked or its lag is paid off. Not modelled: say so in the run's
   * log the first time it would have happened.
   */
  private noteDelayDequeue(ts: TaskSched): void {
    if (entityEligible(ts.se.cfsRq, ts.se)) return;
    this.delayDequeueUnmodelled = false;
    this.k.log.add(this.k.now, 'not_simulated', {
      file: '/sys/kernel/debug/sched/features',
      value: 'DELAY_DEQUEUE',
      note:
        `not simulated: task ${ts.task.pid} (${ts.task.name}) slept with negative lag; Linux ${this.k.scenario.kernel.version} ` +
        'would keep it queued until its lag is paid off (6.12+), here it leaves the queue at once as on 6.6–6.11, ' +
        'so wake-up latencies of short sleepers follow the 6.6–6.11 rules',
    });
  }

  // ---------------------------------------------------------------- interrupt time

  /**
   * The CPU runs interrupt context (a hardirq, or softirqs at irq exit) until
   * `until`; called again to switch segment (hardirq → softirq) while already
   * inside. The running task is accounted up to now and then frozen: its
   * exec_start moves to `until`, so nothing charges it for the interrupt
   * (clock_task excludes irq time, kernel/sched/core.c: update_rq_clock_task).
   */
  irqEnter(cpu: number, until: number, softirq: boolean): void {
    const rq = this.rqs[cpu]!;
    const now = this.k.now;
    if (!rq.inIrq) {
      this.enter();
      this.updateCurrTask(rq);
      this.acctCpu(rq);
      rq.inIrq = true;
      this.program(rq, Infinity);
      this.leave();
    } else this.closeIrqSegment(rq, now);
    rq.irqSoft = softirq;
    rq.irqUntil = until;
    this.freezeCurr(rq, until);
  }

  /** Interrupt context ends now: the task resumes where it was, a deferred reschedule happens. */
  irqExit(cpu: number): void {
    const rq = this.rqs[cpu]!;
    if (!rq.inIrq) return;
    const now = this.k.now;
    this.closeIrqSegment(rq, now);
    rq.inIrq = false;
    rq.acctSince = now;
    this.freezeCurr(rq, now);
    this.enter();
    if (rq.reschedAfterIrq) {
      rq.reschedAfterIrq = false;
      this.requestResched(rq);
    } else this.arm(rq);
    this.leave();
  }

  private closeIrqSegment(rq: Rq, now: number): void {
    const d = now - rq.acctSince;
    rq.acctSince = now;
    if (d <= 0) return;
    if (rq.irqSoft) rq.softirqNs += d;
    else rq.irqNs += d;
  }

  /** Point the running chain's exec_start at `at` (its time resumes counting from there). */
  private freezeCurr(rq: Rq, at: number): void {
    const ts = rq.curr;
    if (!ts) return;
    if (ts.isRt) rq.rtExecStart = at;
    else for (let se: SchedEntity | null = ts.se; se; se = se.parent) this.store.d[se.slot + EXEC_START] = at;
  }

  // ---------------------------------------------------------------- /proc/stat accounting

  /** Close the CPU's current /proc/stat interval (user/nice while busy, idle/iowait while idle). */
  acctCpu(rq: Rq): void {
    if (rq.inIrq) return;
    const now = this.k.now;
    const d = now - rq.acctSince;
    rq.acctSince = now;
    if (d <= 0 || !rq.online) return;
    const c = rq.curr;
    if (c) {
      if (c.task.cputime === 'softirq') rq.softirqNs += d;
      else if (c.task.nice > 0) rq.niceNs += d;
      else rq.userNs += d;
    } else if (this.psi.iowaitOn(rq.cpu) > 0) rq.iowaitNs += d;
    else rq.idleNs += d;
  }

  // ---------------------------------------------------------------- reads

  /** sum_exec_runtime including the running part not yet accounted. */
  execRuntime(ts: TaskSched): number {
    const rq = this.rqs[ts.cpu]!;
    if (rq.curr !== ts) return ts.task.sumExecRuntime;
    const start = ts.isRt ? rq.rtExecStart : field(ts.se, EXEC_START);
    return ts.task.sumExecRuntime + Math.max(0, this.k.now - start);
  }

  /** cpuacct usage of a group including running parts not yet accounted. */
  groupUsage(tg: TaskGroup): number {
    let u = tg.usage;
    const now = this.k.now;
    for (const rq of this.rqs) {
      const c = rq.curr;
      if (!c) continue;
      let inside = false;
      for (let g: TaskGroup | null = c.tg; g; g = g.parent) if (g === tg) inside = true;
      if (inside) u += Math.max(0, now - (c.isRt ? rq.rtExecStart : field(c.se, EXEC_START)));
    }
    return u;
  }
}
