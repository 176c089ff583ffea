/**
 * Pressure stall information, after kernel/sched/psi.c.
 *
 * Each group keeps, per CPU, the number of tasks in each PSI task state and
 * the time each stall state has been active. Every PSI_FREQ the per-CPU
 * times are folded into the group total, weighted by each CPU's non-idle
 * time (collect_percpu_times), and the running averages are updated with the
 * kernel's fixed-point calc_load (update_averages / calc_avgs).
 */

// include/linux/psi_types.h: enum psi_task_count / TSK_* flags
export const TSK_IOWAIT = 1;
export const TSK_MEMSTALL = 2;
export const TSK_RUNNING = 4;
export const TSK_MEMSTALL_RUNNING = 8;
export const TSK_ONCPU = 16;
const NR_PSI_TASK_COUNTS = 4;
const TSK_COUNT_MASK = (1 << NR_PSI_TASK_COUNTS) - 1;

// include/linux/psi_types.h: enum psi_states
export const PSI_IO_SOME = 0;
export const PSI_IO_FULL = 1;
export const PSI_MEM_SOME = 2;
export const PSI_MEM_FULL = 3;
export const PSI_CPU_SOME = 4;
export const PSI_CPU_FULL = 5;
export const PSI_NONIDLE = 6;
const NR_PSI_STATES = 7;
const PSI_ONCPU_BIT = 1 << 7;

// include/linux/sched/loadavg.h: FSHIFT, FIXED_1; kernel/sched/psi.c: EXP_10s/60s/300s
const FIXED_1 = 2048;
export const EXP_10S = 1677;
export const EXP_60S = 1981;
export const EXP_300S = 2034;
const EXPS = [EXP_10S, EXP_60S, EXP_300S] as const;

export type PsiResource = 'io' | 'memory' | 'cpu';
const RES_INDEX: Record<PsiResource, number> = { io: 0, memory: 1, cpu: 2 };

/** include/linux/sched/loadavg.h: calc_load */
export function calcLoad(load: number, exp: number, active: number): number {
  let newload = load * exp + active * (FIXED_1 - exp);
  if (active >= load) newload += FIXED_1 - 1;
  return Math.floor(newload / FIXED_1);
}

/** include/linux/sched/loadavg.h: LOAD_INT.LOAD_FRAC as psi_show prints it. */
export function formatAvg(avg: number): string {
  const int = Math.floor(avg / FIXED_1);
  const frac = Math.floor(((avg % FIXED_1) * 100) / FIXED_1);
  return `${int}.${frac < 10 ? '0' : ''}${frac}`;
}

/** One cgroup's (or the system's) pressure state. */
export class PsiGroup {
  readonly tasks: Int32Array;
  readonly stateMask: Uint8Array;
  readonly stateStart: Float64Array;
  /** Cumulative ns per CPU per state (groupc->times). */
  readonly times: Float64Array;
  /** What the last aggregation saw (groupc->times_prev[PSI_AVGS]). */
  readonly timesPrev: Float64Array;
  /** Aggregated stall ns per state (group->total[PSI_AVGS]). */
  readonly total = new Float64Array(NR_PSI_STATES - 1);
  readonly avgTotal = new Float64Array(NR_PSI_STATES - 1);
  /** avg[state][10s|60s|300s] in FIXED_1 fixed point of a percentage. */
  readonly avg = new Float64Array((NR_PSI_STATES - 1) * 3);
  avgLastUpdate = 0;
  avgNextUpdate: number;
  /** Scratch mark for finding the common ancestor in switchOncpu. */
  mark = 0;

  constructor(
    readonly nrCpus: number,
    readonly parent: PsiGroup | null,
    psiPeriod: number,
  ) {
    this.tasks = new Int32Array(nrCpus * NR_PSI_TASK_COUNTS);
    this.stateMask = new Uint8Array(nrCpus);
    this.stateStart = new Float64Array(nrCpus);
    this.times = new Float64Array(nrCpus * NR_PSI_STATES);
    this.timesPrev = new Float64Array(nrCpus * NR_PSI_STATES);
    this.avgNextUpdate = psiPeriod;
  }
}

/**
 * The PSI accounting of a kernel. The scheduler reports task state changes
 * (psi_task_change / psi_task_switch); everything else is derived here.
 */
export class Psi {
  readonly system: PsiGroup;
  /** Per CPU: the task on it is in a memstall (on-CPU reclaim) ⇒ MEM_FULL. */
  readonly currInMemstall: Uint8Array;
  readonly period: number;
  private readonly jiffyNs: number;

  constructor(
    readonly nrCpus: number,
    hz: number,
  ) {
    this.jiffyNs = 1e9 / hz;
    // kernel/sched/psi.c: PSI_FREQ (2*HZ+1) jiffies
    this.period = Math.round((2 * hz + 1) * this.jiffyNs);
    this.system = new PsiGroup(nrCpus, null, this.period);
    this.currInMemstall = new Uint8Array(nrCpus);
  }

  newGroup(parent: PsiGroup): PsiGroup {
    return new PsiGroup(this.nrCpus, parent, this.period);
  }

  /** kernel/sched/psi.c: psi_task_change — walk the group and its ancestors. */
  change(group: PsiGroup, cpu: number, clear: number, set: number, now: number): void {
    for (let g: PsiGroup | null = group; g; g = g.parent) this.groupChange(g, cpu, clear, set, now);
  }

  private epoch = 0;

  /**
   * kernel/sched/psi.c: psi_task_switch — move ONCPU from `prev`'s groups to
   * `next`'s. Groups on both paths keep it and are only revisited when the
   * reclaiming state of the CPU's current task changed (MEM_FULL).
   */
  switchOncpu(prev: PsiGroup | null, next: PsiGroup | null, cpu: number, now: number, memChanged: boolean): void {
    const e = ++this.epoch;
    for (let g = next; g; g = g.parent) g.mark = e;
    let common = prev;
    for (; common && common.mark !== e; common = common.parent) this.groupChange(common, cpu, TSK_ONCPU, 0, now);
    if (!prev) common = null;
    for (let n = next; n && n !== common; n = n.parent) this.groupChange(n, cpu, 0, TSK_ONCPU, now);
    if (memChanged) for (let c = common; c; c = c.parent) this.groupChange(c, cpu, 0, 0, now);
  }

  /** kernel/sched/psi.c: psi_group_change */
  private groupChange(g: PsiGroup, cpu: number, clear: number, set: number, now: number): void {
    this.recordTimes(g, cpu, now);
    const base = cpu * NR_PSI_TASK_COUNTS;
    const tasks = g.tasks;
    let mask = g.stateMask[cpu]! & PSI_ONCPU_BIT;
    if (clear & TSK_ONCPU) mask = 0;
    if (set & TSK_ONCPU) mask = PSI_ONCPU_BIT;
    // Most changes move only ONCPU (bit 4): skip the count loop then.
    if (((clear | set) & TSK_COUNT_MASK) !== 0) {
      for (let t = 0; t < NR_PSI_TASK_COUNTS; t++) {
        const bit = 1 << t;
        if (clear & bit) {
          if (tasks[base + t]! <= 0) throw new Error(`psi: task count ${t} underflow on cpu ${cpu}`);
          tasks[base + t]!--;
        }
        if (set & bit) tasks[base + t]!++;
      }
    }
    const iowait = tasks[base]!;
    const memstall = tasks[base + 1]!;
    const running = tasks[base + 2]!;
    const memRunning = tasks[base + 3]!;
    const oncpu = mask !== 0 ? 1 : 0;
    if (iowait) mask |= 1 << PSI_IO_SOME;
    if (iowait && !running) mask |= 1 << PSI_IO_FULL;
    if (memstall) mask |= 1 << PSI_MEM_SOME;
    if (memstall && running === memRunning) mask |= 1 << PSI_MEM_FULL;
    if (running > oncpu) mask |= 1 << PSI_CPU_SOME;
    if (running && !oncpu) mask |= 1 << PSI_CPU_FULL;
    if (iowait || memstall || running) mask |= 1 << PSI_NONIDLE;
    // Reclaim on the CPU: nothing productive could run (psi_group_change).
    if (oncpu && this.currInMemstall[cpu]) mask |= 1 << PSI_MEM_FULL;
    g.stateMask[cpu] = mask;
  }

  /** kernel/sched/psi.c: record_times */
  private recordTimes(g: PsiGroup, cpu: number, now: number): void {
    const start = g.stateStart;
    const delta = now - start[cpu]!;
    start[cpu] = now;
    const mask = g.stateMask[cpu]!;
    if (delta <= 0 || (mask & (1 << PSI_NONIDLE)) === 0) return;
    const t = g.times;
    const b = cpu * NR_PSI_STATES;
    // unrolled over the 7 states (hot: every task state change of every group)
    if (mask & (1 << PSI_IO_SOME)) t[b + PSI_IO_SOME] += delta;
    if (mask & (1 << PSI_IO_FULL)) t[b + PSI_IO_FULL] += delta;
    if (mask & (1 << PSI_MEM_SOME)) t[b + PSI_MEM_SOME] += delta;
    if (mask & (1 << PSI_MEM_FULL)) t[b + PSI_MEM_FULL] += delta;
    if (mask & (1 << PSI_CPU_SOME)) t[b + PSI_CPU_SOME] += delta;
    if (mask & (1 << PSI_CPU_FULL)) t[b + PSI_CPU_FULL] += delta;
    t[b + PSI_NONIDLE] += delta;
  }

  /**
   * kernel/sched/psi.c: collect_percpu_times — per-CPU state times since the
   * last aggregation, weighted by each CPU's non-idle jiffies. With `commit`
   * false it only computes (a read must not change the run).
   */
  private collect(g: PsiGroup, now: number, commit: boolean, out: Float64Array): void {
    const deltas = new Float64Array(NR_PSI_STATES - 1);
    let nonidleTotal = 0;
    for (let cpu = 0; cpu < this.nrCpus; cpu++) {
      const b = cpu * NR_PSI_STATES;
      const mask = g.stateMask[cpu]!;
      const pending = now - g.stateStart[cpu]!;
      let nonidleNs = 0;
      const recent = new Float64Array(NR_PSI_STATES);
      for (let s = 0; s < NR_PSI_STATES; s++) {
        let t = g.times[b + s]!;
        if (mask & (1 << s) && mask & (1 << PSI_NONIDLE)) t += pending;
        recent[s] = t - g.timesPrev[b + s]!;
        if (commit) g.timesPrev[b + s] = t;
      }
      nonidleNs = recent[PSI_NONIDLE]!;
      const nonidle = Math.floor(nonidleNs / this.jiffyNs);
      nonidleTotal += nonidle;
      for (let s = 0; s < NR_PSI_STATES - 1; s++) deltas[s] += recent[s]! * nonidle;
    }
    for (let s = 0; s < NR_PSI_STATES - 1; s++) out[s] = g.total[s]! + Math.floor(deltas[s]! / Math.max(nonidleTotal, 1));
  }

  /** kernel/sched/psi.c: psi_avgs_work → update_averages, for one group at `now`. */
  updateAverages(g: PsiGroup, now: number): void {
    this.collect(g, now, true, g.total);
    const expires = g.avgNextUpdate;
    let missed = 0;
    if (now - expires >= this.period) missed = Math.floor((now - expires) / this.period);
    g.avgNextUpdate = expires + (1 + missed) * this.period;
    const period = now - (g.avgLastUpdate + missed * this.period);
    g.avgLastUpdate = now;
    for (let s = 0; s < NR_PSI_STATES - 1; s++) {
      let sample = g.total[s]! - g.avgTotal[s]!;
      if (sample > period) sample = period;
      g.avgTotal[s] += sample;
      // kernel/sched/psi.c: calc_avgs
      for (let w = 0; w < 3; w++) {
        let a = g.avg[s * 3 + w]!;
        for (let m = 0; m < missed; m++) a = calcLoad(a, EXPS[w]!, 0);
        const pct = Math.floor((sample * 100) / period) * FIXED_1;
        g.avg[s * 3 + w] = calcLoad(a, EXPS[w]!, pct);
      }
    }
  }

  /** The text of <resource>.pressure / /proc/pressure/<resource> (psi_show). */
  show(g: PsiGroup, res: PsiResource, now: number): string {
    const totals = new Float64Array(NR_PSI_STATES - 1);
    this.collect(g, now, false, totals);
    const r = RES_INDEX[res];
    let out = '';
    for (let full = 0; full < 2; full++) {
      const s = r * 2 + full;
      // CPU FULL is undefined at the system level
      const zero = g === this.system && res === 'cpu' && full === 1;
      const a = (w: number): string => formatAvg(zero ? 0 : g.avg[s * 3 + w]!);
      const total = zero ? 0 : Math.floor(totals[s]! / 1000);
      out += `${full ? 'full' : 'some'} avg10=${a(0)} avg60=${a(1)} avg300=${a(2)} total=${total}\n`;
    }
    return out;
  }

  /** Per-CPU count of tasks in iowait (for /proc/stat's iowait column). */
  iowaitOn(cpu: number): number {
    return this.system.tasks[cpu * NR_PSI_TASK_COUNTS]!;
  }
}

/** Why a PSI trigger line is accepted but has no effect. */
export const PSI_TRIGGER_NOT_SIMULATED = 'the trigger is validated but never fires (no poll()/epoll notification in the simulation)';

/** Parse a trigger write ("some 150000 1000000"), kernel/sched/psi.c: psi_trigger_create. */
export function parseTrigger(data: string): { full: boolean; thresholdUs: number; windowUs: number } | null {
  const m = /^(some|full) (\d+) (\d+)$/.exec(data.trim());
  if (!m) return null;
  const windowUs = Number(m[3]);
  const thresholdUs = Number(m[2]);
  // WINDOW_MIN_US 500000, WINDOW_MAX_US 10000000; threshold must be in (0, window_us]
  if (windowUs < 500_000 || windowUs > 10_000_000) return null;
  if (thresholdUs === 0 || thresholdUs > windowUs) return null;
  return { full: m[1] === 'full', thresholdUs, windowUs };
}
