/**
 * Global scheduler files: /proc/stat, /proc/sys/kernel/sched_*, the
 * scheduler's debugfs directory and /proc/pressure/*.
 */
import { fail } from '../../vfs/errors';
import { parseTrigger, PSI_TRIGGER_NOT_SIMULATED } from '../psi/psi';
import type { Scheduler } from './core';
import { parseS64, parseU64 } from './cpulist';
import { kernelDefaults } from '../../scenario/kernel-versions';

/** USER_HZ ticks from ns (kernel/sched/cputime.c: nsec_to_clock_t with USER_HZ 100). */
const ticks = (ns: number): number => Math.floor(ns / 10_000_000);

/**
 * One CPU's /proc/stat times now into `row` (ns): user, nice, idle, iowait,
 * irq, softirq, the current stretch since `acctSince` included.
 */
function cpuTimes(s: Scheduler, rq: Scheduler['rqs'][number], now: number, row: number[]): void {
  let user = rq.userNs;
  let nice = rq.niceNs;
  let idle = rq.idleNs;
  let iowait = rq.iowaitNs;
  let irq = rq.irqNs;
  let softirq = rq.softirqNs;
  const d = rq.online ? now - rq.acctSince : 0;
  if (rq.inIrq) {
    if (rq.irqSoft) softirq += d;
    else irq += d;
  } else if (rq.curr) {
    if (rq.curr.task.cputime === 'softirq') softirq += d;
    else if (rq.curr.task.nice > 0) nice += d;
    else user += d;
  } else if (s.psi.iowaitOn(rq.cpu) > 0) iowait += d;
  else idle += d;
  row[0] = user;
  row[1] = nice;
  row[2] = idle;
  row[3] = iowait;
  row[4] = irq;
  row[5] = softirq;
}

/** /proc/stat's machine-wide counters: interrupts, context switches, running and blocked tasks. */
function procStatCounts(s: Scheduler): { intr: number; ctxt: number; running: number; blocked: number; softirqs: number[] | null } {
  let ctxt = 0;
  let running = 0;
  let blocked = 0;
  for (const rq of s.rqs) {
    ctxt += rq.nrSwitches;
    running += rq.nrRunning;
    blocked += s.psi.iowaitOn(rq.cpu);
  }
  const irqs = s.irqCounts?.();
  return { intr: irqs ? irqs.intr : 0, ctxt, running, blocked, softirqs: irqs ? irqs.softirqs : null };
}

export function registerProcFiles(s: Scheduler): void {
  const vfs = s.k.vfs;

  vfs.register('/proc/stat', {
    read: () => {
      const now = s.k.now;
      const rows: number[][] = [];
      const sum = [0, 0, 0, 0, 0, 0];
      for (const rq of s.rqs) {
        const row = [0, 0, 0, 0, 0, 0];
        cpuTimes(s, rq, now, row);
        row.forEach((v, i) => (sum[i]! += v));
        rows.push(row);
      }
      // fs/proc/stat.c: user nice system idle iowait irq softirq steal guest guest_nice
      const line = (name: string, r: number[]): string =>
        `${name} ${ticks(r[0]!)} ${ticks(r[1]!)} 0 ${ticks(r[2]!)} ${ticks(r[3]!)} ${ticks(r[4]!)} ${ticks(r[5]!)} 0 0 0\n`;
      let out = line('cpu ', sum);
      s.rqs.forEach((rq, i) => {
        if (rq.online) out += line(`cpu${i}`, rows[i]!);
      });
      const c = procStatCounts(s);
      out += `intr ${c.intr}\nctxt ${c.ctxt}\nbtime 0\nprocesses ${s.nrForks}\nprocs_running ${c.running}\nprocs_blocked ${c.blocked}\n`;
      out += c.softirqs ? `softirq ${c.softirqs.reduce((a, b) => a + b, 0)} ${c.softirqs.join(' ')}\n` : 'softirq 0 0 0 0 0 0 0 0 0 0 0\n';
      return out;
    },
    // The fields the recorder parses from the text above: the "cpu" line's
    // columns and the counters (not the per-CPU lines nor the softirq line).
    sample: (o) => {
      const now = s.k.now;
      const row = [0, 0, 0, 0, 0, 0];
      const sum = [0, 0, 0, 0, 0, 0];
      for (const rq of s.rqs) {
        cpuTimes(s, rq, now, row);
        for (let i = 0; i < 6; i++) sum[i]! += row[i]!;
      }
      o.field('cpu.user', ticks(sum[0]!));
      o.field('cpu.nice', ticks(sum[1]!));
      o.field('cpu.system', 0);
      o.field('cpu.idle', ticks(sum[2]!));
      o.field('cpu.iowait', ticks(sum[3]!));
      o.field('cpu.irq', ticks(sum[4]!));
      o.field('cpu.softirq', ticks(sum[5]!));
      o.field('cpu.steal', 0);
      o.field('cpu.guest', 0);
      o.field('cpu.guest_nice', 0);
      const c = procStatCounts(s);
      o.field('intr', c.intr);
      o.field('ctxt', c.ctxt);
      o.field('btime', 0);
      o.field('processes', s.nrForks);
      o.field('procs_running', c.running);
      o.field('procs_blocked', c.blocked);
    },
    observable: true,
  });

  for (const res of ['cpu', 'memory', 'io'] as const) {
    vfs.register(`/proc/pressure/${res}`, {
      read: () => s.psi.show(s.psi.system, res, s.k.now),
      sample: (o) => s.psi.showFields(s.psi.system, res, s.k.now, o),
      write: (d) => {
        if (!parseTrigger(d)) fail('EINVAL', 'expected "<some|full> <stall us> <window_us>" with window_us 500000..10000000');
      },
      observable: true,
      notSimulated: PSI_TRIGGER_NOT_SIMULATED,
    });
  }

  // kernel/sched/rt.c: sched_rt_handler / sched_rt_global_validate
  const rt = s.rt;
  vfs.register('/proc/sys/kernel/sched_rt_period_us', {
    read: () => `${rt.periodUs}\n`,
    write: (d) => {
      const v = parseS64(d);
      if (v < 1 || v > 2147483647) fail('EINVAL', `sched_rt_period_us must be 1..2147483647, got ${v}`);
      if (rt.runtimeUs >= 0 && rt.runtimeUs > v) fail('EINVAL', `sched_rt_runtime_us ${rt.runtimeUs} exceeds period ${v}`);
      rt.periodUs = v;
      rt.start();
    },
  });
  vfs.register('/proc/sys/kernel/sched_rt_runtime_us', {
    read: () => `${rt.runtimeUs}\n`,
    write: (d) => {
      const v = parseS64(d);
      if (v < -1 || v > 2147483647) fail('EINVAL', `sched_rt_runtime_us must be -1..2147483647, got ${v}`);
      if (v >= 0 && v > rt.periodUs) fail('EINVAL', `sched_rt_runtime_us ${v} exceeds sched_rt_period_us ${rt.periodUs}`);
      // kernel/sched/deadline.c: sched_dl_global_validate — the fair servers' bandwidth must still fit
      if (s.fair && v >= 0) {
        const { bw, cpus } = s.fair.totalBw();
        if ((v / rt.periodUs) * cpus < bw - 1e-12) fail('EBUSY', `sched_rt_runtime_us ${v} leaves less deadline bandwidth than the fair servers use`);
      }
      rt.runtimeUs = v;
      for (const rq of s.rqs) if (rq.curr?.isRt) s.arm(rq);
    },
  });
  // kernel/sched/fair.c: sysctl_sched_cfs_bandwidth_slice, extra1 = SYSCTL_ONE
  vfs.register('/proc/sys/kernel/sched_cfs_bandwidth_slice_us', {
    read: () => `${s.bw.sliceNs / 1000}\n`,
    write: (d) => {
      const v = parseS64(d);
      if (v < 1 || v > 2147483647) fail('EINVAL', `sched_cfs_bandwidth_slice_us must be ≥ 1, got ${v}`);
      s.bw.sliceNs = v * 1000;
    },
  });
  // kernel/sched/rt.c: sched_rr_handler — ≤ 0 restores RR_TIMESLICE (100 ms)
  const hz = s.k.scenario.kernel.hz;
  vfs.register('/proc/sys/kernel/sched_rr_timeslice_ms', {
    read: () => `${Math.round(s.rrTimeslice / 1e6)}\n`,
    write: (d) => {
      const v = parseS64(d);
      if (v > 2147483647) fail('EINVAL', 'out of range');
      // msecs_to_jiffies rounds up to whole jiffies
      const jiffy = 1e9 / hz;
      s.rrTimeslice = v <= 0 ? 100_000_000 : Math.ceil((v * 1e6) / jiffy) * jiffy;
    },
  });

  registerTunables(s);
  registerFairServerFiles(s);
}

/** kernel/sched/debug.c: /sys/kernel/debug/sched/fair_server/cpuN/{runtime,period} (6.12+; ns, "%llu\n"). */
function registerFairServerFiles(s: Scheduler): void {
  const fair = s.fair;
  if (!fair) return;
  fair.cpus.forEach((fs, cpu) => {
    const dir = `/sys/kernel/debug/sched/fair_server/cpu${cpu}`;
    s.k.vfs.register(`${dir}/runtime`, { read: () => `${fs.dlRuntime}\n`, write: (d) => fair.write(cpu, 'runtime', parseU64(d)) });
    s.k.vfs.register(`${dir}/period`, { read: () => `${fs.dlPeriod}\n`, write: (d) => fair.write(cpu, 'period', parseU64(d)) });
  });
}

/**
 * Fair tunables: debugfs /sys/kernel/debug/sched/ (5.13+), or
 * /proc/sys/kernel/sched_*_ns on older CFS kernels.
 */
function registerTunables(s: Scheduler): void {
  const vfs = s.k.vfs;
  const tun = s.tun;
  const eevdf = s.ctx.eevdf;
  const old = !eevdf && !kernelDefaults(s.k.scenario.kernel.version).schedTunablesInDebugfs;
  const dir = old ? '/proc/sys/kernel/sched_' : '/sys/kernel/debug/sched/';
  const u32 = (name: string, get: () => number, set: (v: number) => void): void => {
    vfs.register(`${dir}${name}`, {
      read: () => `${get()}\n`,
      write: (d) => {
        const v = parseU64(d);
        if (v > 0xffffffff) fail('ERANGE', `${v} does not fit in u32`);
        set(v);
      },
    });
  };
  if (eevdf) u32('base_slice_ns', () => tun.baseSlice, (v) => (tun.baseSlice = v));
  else {
    u32('latency_ns', () => tun.latency, (v) => (tun.latency = v));
    u32('min_granularity_ns', () => tun.minGranularity, (v) => (tun.minGranularity = v));
    u32('wakeup_granularity_ns', () => tun.wakeupGranularity, (v) => (tun.wakeupGranularity = v));
  }
  u32('migration_cost_ns', () => tun.migrationCost, (v) => (tun.migrationCost = v));
  u32('nr_migrate', () => tun.nrMigrate, (v) => (tun.nrMigrate = v));
  // kernel/sched/debug.c: sched_feat_write — "NAME" sets, "NO_NAME" clears, unknown names EINVAL
  const feat = s.ctx.feat;
  const names = (eevdf
    ? ['PLACE_LAG', 'PLACE_DEADLINE_INITIAL', 'RUN_TO_PARITY', 'WAKEUP_PREEMPTION', 'HRTICK']
    : ['GENTLE_FAIR_SLEEPERS', 'START_DEBIT', 'WAKEUP_PREEMPTION', 'HRTICK']) as (keyof typeof feat)[];
  vfs.register(old ? '/sys/kernel/debug/sched_features' : `${dir}features`, {
    read: () => `${names.map((n) => (feat[n] ? n : `NO_${n}`)).join(' ')} \n`,
    write: (d) => {
      const tok = d.trim();
      const on = !tok.startsWith('NO_');
      const name = (on ? tok : tok.slice(3)) as keyof typeof feat;
      if (!names.includes(name)) fail('EINVAL', `unknown scheduler feature "${tok}" (known: ${names.join(' ')})`);
      feat[name] = on;
      for (const rq of s.rqs) if (rq.curr) s.arm(rq);
    },
  });
  // kernel/sched/debug.c: sched_scaling_write — 0 none, 1 log, 2 linear
  vfs.register(`${dir}tunable_scaling`, {
    read: () => `${tun.scaling}\n`,
    write: (d) => {
      const v = parseU64(d);
      if (v > 2) fail('EINVAL', `tunable_scaling must be 0, 1 or 2, got ${v}`);
      tun.scaling = v;
      tun.update(s.onlineCpus().length);
    },
  });
}
