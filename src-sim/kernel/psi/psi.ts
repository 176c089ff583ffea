/**
 * Pressure stall information, after kernel/sched/psi.c.
 *
 * Each group keeps, per CPU, the number of tasks in each PSI task state and
 * the time each stall state has been active. Every PSI_FREQ the per-CPU
 * times are folded into the group total, weighted by each CPU's non-idle
 * time (collect_percpu_times), and the running averages are updated with the
 * kernel's fixed-point calc_load (update_averages / calc_avgs).
 */
import type { FieldSink } from '../../vfs/fields';

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

/**
 * The number parseFields reads from formatAvg(avg), without the text: one
 * division of exact integers rounds to the double nearest the decimal
 * "int.frac", as parsing the text does (psi.test.ts checks it).
 */
export function avgValue(avg: number): number {
  const int = Math.floor(avg / FIXED_1);
  const frac = Math.floor(((avg % FIXED_1) * 100) / FIXED_1);
  return (int * 100 + frac) / 100;
}

const SOME_FIELDS = ['some.avg10', 'some.avg60', 'some.avg300', 'some.total'] as const;
const FULL_FIELDS = ['full.avg10', 'full.avg60', 'full.avg300', 'full.total'] as const;

/**
 * Per-CPU layout of PsiGroup.pc (struct psi_group_cpu): the state times, the
 * state start, the task counts and the state mask of one CPU in 128
 * contiguous bytes, so a psi_group_change touches two cache lines instead of
 * one in each of four arrays.
 */
const PC_TIMES = 0;
const PC_START = 7;
const PC_TASKS = 8;
const PC_MASK = 12;
const PC_STRIDE = 16;

/** One cgroup's (or the system's) pressure state. */
export class PsiGroup {
  /**
   * Per CPU (at cpu·PC_STRIDE): cumulative ns per state (groupc->times), the
   * state start, the NR_PSI_TASK_COUNTS task counts and the state mask.
   */
  readonly pc: Float64Array;
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
    this.pc = new Float64Array(nrCpus * PC_STRIDE);
    this.timesPrev = new Float64Array(nrCpus * NR_PSI_STATES);
    this.avgNextUpdate = psiPeriod;
  }

  /** Tasks in task state `t` (TSK_* bit index) on `cpu`. */
  taskCount(cpu: number, t: number): number {
    return this.pc[cpu * PC_STRIDE + PC_TASKS + t]!;
  }

  /** The state mask of `cpu` (PSI_* bits, PSI_ONCPU_BIT). */
  stateMask(cpu: number): number {
    return this.pc[cpu * PC_STRIDE + PC_MASK]!;
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
   *
   * A task-count change of prev (prevClear/prevSet: it went to sleep, as
   * psi_task_switch(prev, next, sleep) clears TSK_RUNNING and sets
   * TSK_IOWAIT) or of next (it was woken in the same instant) is folded into
   * the same psi_group_change per group; made at the same `now`, the
   * separate changes would record zero-length intervals (0 ns) in between.
   */
  switchOncpu(
    prev: PsiGroup | null,
    next: PsiGroup | null,
    cpu: number,
    now: number,
    memChanged: boolean,
    prevClear = 0,
    prevSet = 0,
    nextClear = 0,
    nextSet = 0,
  ): void {
    const e = ++this.epoch;
    for (let g = next; g; g = g.parent) g.mark = e;
    let common = prev;
    for (; common && common.mark !== e; common = common.parent) this.groupChange(common, cpu, TSK_ONCPU | prevClear, prevSet, now);
    if (!prev) common = null;
    for (let n = next; n && n !== common; n = n.parent) this.groupChange(n, cpu, nextClear, TSK_ONCPU | nextSet, now);
    const prevCounts = (prevClear | prevSet) !== 0;
    const nextCounts = (nextClear | nextSet) !== 0;
    if (!prevCounts && !nextCounts && !memChanged) return;
    for (let c = common; c; c = c.parent) {
      // two tasks' counts stay two changes (a bit may move in both)
      if (prevCounts) this.groupChange(c, cpu, prevClear, prevSet, now);
      if (nextCounts) this.groupChange(c, cpu, nextClear, nextSet, now);
      else if (!prevCounts) this.groupChange(c, cpu, 0, 0, now);
    }
  }

  /** kernel/sched/psi.c: psi_group_change */
  private groupChange(g: PsiGroup, cpu: number, clear: number, set: number, now: number): void {
    const pc = g.pc;
    const b = cpu * PC_STRIDE;
    this.recordTimes(pc, b, now);
    const base = b + PC_TASKS;
    let mask = pc[b + PC_MASK]! & PSI_ONCPU_BIT;
    if (clear & TSK_ONCPU) mask = 0;
    if (set & TSK_ONCPU) mask = PSI_ONCPU_BIT;
    // Most changes move only ONCPU (bit 4): skip the count loop then.
    if (((clear | set) & TSK_COUNT_MASK) !== 0) {
      for (let t = 0; t < NR_PSI_TASK_COUNTS; t++) {
        const bit = 1 << t;
        if (clear & bit) {
          if (pc[base + t]! <= 0) throw new Error(`psi: task count ${t} underflow on cpu ${cpu}`);
          pc[base + t]!--;
        }
        if (set & bit) pc[base + t]!++;
      }
    }
    const iowait = pc[base]!;
    const memstall = pc[base + 1]!;
    const running = pc[base + 2]!;
    const memRunning = pc[base + 3]!;
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
    pc[b + PC_MASK] = mask;
  }

  /** kernel/sched/psi.c: record_times, for the CPU whose block starts at `b` of `pc`. */
  private recordTimes(pc: Float64Array, b: number, now: number): void {
    const delta = now - pc[b + PC_START]!;
    pc[b + PC_START] = now;
    const mask = pc[b + PC_MASK]!;
    if (delta <= 0 || (mask & (1 << PSI_NONIDLE)) === 0) return;
    const t = b + PC_TIMES;
    // unrolled over the 7 states (hot: every task state change of every group)
    if (mask & (1 << PSI_IO_SOME)) pc[t + PSI_IO_SOME] += delta;
    if (mask & (1 << PSI_IO_FULL)) pc[t + PSI_IO_FULL] += delta;
    if (mask & (1 << PSI_MEM_SOME)) pc[t + PSI_MEM_SOME] += delta;
    if (mask & (1 << PSI_MEM_FULL)) pc[t + PSI_MEM_FULL] += delta;
    if (mask & (1 << PSI_CPU_SOME)) pc[t + PSI_CPU_SOME] += delta;
    if (mask & (1 << PSI_CPU_FULL)) pc[t + PSI_CPU_FULL] += delta;
    pc[t + PSI_NONIDLE] += delta;
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
      const p = cpu * PC_STRIDE;
      const mask = g.pc[p + PC_MASK]!;
      const pending = now - g.pc[p + PC_START]!;
      let nonidleNs = 0;
      const recent = new Float64Array(NR_PSI_STATES);
      for (let s = 0; s < NR_PSI_STATES; s++) {
        let t = g.pc[p + PC_TIMES + s]!;
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

  /**
   * show()'s numbers as the recorder parses them ("some.avg10" … "full.total"),
   * without the text: VirtualFile.sample of the pressure files.
   */
  showFields(g: PsiGroup, res: PsiResource, now: number, out: FieldSink): void {
    const totals = new Float64Array(NR_PSI_STATES - 1);
    this.collect(g, now, false, totals);
    const r = RES_INDEX[res];
    for (let full = 0; full < 2; full++) {
      const s = r * 2 + full;
      const zero = g === this.system && res === 'cpu' && full === 1;
      const names = full ? FULL_FIELDS : SOME_FIELDS;
      for (let w = 0; w < 3; w++) out.field(names[w]!, avgValue(zero ? 0 : g.avg[s * 3 + w]!));
      out.field(names[3]!, zero ? 0 : Math.floor(totals[s]! / 1000));
    }
  }

  /** Per-CPU count of tasks in iowait (for /proc/stat's iowait column). */
  iowaitOn(cpu: number): number {
    return this.system.taskCount(cpu, 0);
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
