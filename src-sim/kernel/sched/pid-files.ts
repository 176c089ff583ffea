/**
 * /proc/<pid>/schedstat, /proc/<pid>/sched and /proc/<pid>/stat
 * (kernel/sched/stats.c, kernel/sched/debug.c, fs/proc/array.c).
 */
import type { Scheduler } from './core';
import type { TaskSched } from './entities';
import { calcDeltaFair } from './weights';
import { readPelt, updatePelt } from './pelt';
import { DEADLINE, EXEC_START, SLICE, STRIDE, VRUNTIME, field } from './sched-store';

export function registerPidFiles(s: Scheduler, ts: TaskSched): void {
  const pid = ts.task.pid;
  s.k.vfs.register(`/proc/${pid}/schedstat`, { read: () => readSchedstat(s, ts) });
  s.k.vfs.register(`/proc/${pid}/sched`, { read: () => readProcSched(s, ts) });
  s.k.vfs.register(`/proc/${pid}/stat`, { read: () => readStat(s, ts) });
}

const POLICY = { SCHED_OTHER: 0, SCHED_FIFO: 1, SCHED_RR: 2, SCHED_BATCH: 3, SCHED_IDLE: 5 } as const;

/**
 * fs/proc/array.c: do_task_stat — all 52 fields; what the simulator does not
 * model (memory sizes, signals, addresses, faults) reads 0. Times in USER_HZ.
 */
function readStat(s: Scheduler, ts: TaskSched): string {
  const t = ts.task;
  const ticks = (ns: number): number => Math.floor(ns / 10_000_000);
  const state =
    t.state === 'running' || t.state === 'runnable' || t.state === 'new' ? 'R' : t.state === 'blocked' && ts.stall !== 0 ? 'D' : 'S';
  const priority = ts.isRt ? -1 - t.rtPriority : 20 + t.nice;
  const f = [
    t.pid, `(${t.name.slice(0, 15)})`, state, 1, t.pid, t.pid, 0, -1, 0, 0, 0, 0, 0,
    ticks(s.execRuntime(ts)), 0, 0, 0, priority, ts.isRt ? 0 : t.nice, 1, 0, ticks(ts.forkedAt),
    0, 0, '18446744073709551615', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17,
    ts.cpu, ts.isRt ? t.rtPriority : 0, POLICY[t.policy], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  ];
  return `${f.join(' ')}\n`;
}

/** "sum_exec_runtime run_delay pcount" (ns, ns, count). */
function readSchedstat(s: Scheduler, ts: TaskSched): string {
  const t = ts.task;
  return `${Math.round(s.execRuntime(ts))} ${Math.round(t.runDelay)} ${t.pcount}\n`;
}

/** proc_sched_show_task: the fields modelled, in its "name : value" layout (ms with 6 decimals). */
function readProcSched(s: Scheduler, ts: TaskSched): string {
  const t = ts.task;
  const now = s.k.now;
  const rq = s.rqs[ts.cpu]!;
  let v = field(ts.se, VRUNTIME);
  if (rq.curr === ts && !ts.isRt) v += calcDeltaFair(Math.max(0, now - field(ts.se, EXEC_START)), ts.se.weight);
  const pn = (x: number): string => {
    const ms = Math.floor(Math.abs(x) / 1e6);
    const frac = Math.floor(Math.abs(x) % 1e6);
    return `${x < 0 ? '-' : ''}${ms}.${String(frac).padStart(6, '0')}`;
  };
  const line = (name: string, val: string): string => `${name.padEnd(43)}:${val.padStart(21)}\n`;
  const policy = POLICY[t.policy];
  const prio = ts.isRt ? 99 - t.rtPriority : 120 + t.nice;
  return (
    `${t.name} (${t.pid}, #threads: 1)\n` +
    `${'-'.repeat(63)}\n` +
    line('se.exec_start', pn(field(ts.se, EXEC_START))) +
    line('se.vruntime', pn(v)) +
    line('se.sum_exec_runtime', pn(s.execRuntime(ts))) +
    line('se.nr_migrations', String(ts.nrMigrations)) +
    line('nr_switches', String(ts.nrSwitches)) +
    line('se.load.weight', String(ts.se.weight * 1024)) +
    peltLines(s, ts, line) +
    line('se.deadline', pn(field(ts.se, DEADLINE))) +
    line('se.slice', pn(field(ts.se, SLICE))) +
    line('policy', String(policy)) +
    line('prio', String(prio))
  );
}

/**
 * The se.avg lines of proc_sched_show_task (CONFIG_SMP). The kernel updates
 * a queued entity's signals at every tick and a sleeping one's only when it
 * wakes, so a queued task shows them as of the last tick (computed on a
 * copy: reading changes nothing) and a sleeping one as last stored.
 */
function peltLines(s: Scheduler, ts: TaskSched, line: (name: string, val: string) => string): string {
  const se = ts.se;
  let a = readPelt(se.store.d, se.slot);
  if (se.onRq && !ts.isRt) {
    const tick = s.ctx.tickNs;
    const at = Math.floor(s.k.now / tick) * tick;
    if (at > a.lastUpdate) {
      const copy = se.store.d.slice(se.slot, se.slot + STRIDE);
      updatePelt(copy, 0, at, 1, 1, s.rqs[ts.cpu]!.curr === ts ? 1 : 0, se.weight);
      a = readPelt(copy, 0);
    }
  }
  const n = (x: number): string => String(Math.floor(x));
  return (
    line('se.avg.load_sum', n(a.loadSum)) +
    line('se.avg.runnable_sum', n(a.runnableSum)) +
    line('se.avg.util_sum', n(a.utilSum)) +
    line('se.avg.load_avg', n(a.loadAvg)) +
    line('se.avg.runnable_avg', n(a.runnableAvg)) +
    line('se.avg.util_avg', n(a.utilAvg)) +
    line('se.avg.last_update_time', n(a.lastUpdate))
  );
}
