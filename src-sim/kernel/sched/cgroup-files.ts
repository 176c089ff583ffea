/**
 * The cpu, cpuacct and cpuset interface files of one cgroup (kernel/sched/core.c
 * cpu_files / cpu_legacy_files, kernel/cgroup/cpuset.c), v2 or v1 as mounted.
 */
import { fail } from '../../vfs/errors';
import type { VirtualFile } from '../../vfs/vfs';
import type { Cgroup } from '../cgroup/cgroup';
import { parseTrigger, PSI_TRIGGER_NOT_SIMULATED } from '../psi/psi';
import type { Scheduler } from './core';
import type { TaskGroup, TaskSched } from './entities';
import { formatCpuList, parseCpuList, parseS64, parseU64 } from './cpulist';
import {
  CGROUP_WEIGHT_MAX,
  CGROUP_WEIGHT_MIN,
  MAX_SHARES,
  MIN_SHARES,
  niceFromShares,
  niceToWeight,
  weightFromCgroup,
  weightToCgroup,
} from './weights';

/** kernel/sched/core.c: min_cfs_quota_period (1 ms), max_cfs_quota_period (1 s), in ns. */
const MIN_CFS_QUOTA_PERIOD = 1_000_000;
const MAX_CFS_QUOTA_PERIOD = 1_000_000_000;

const us = (ns: number): number => Math.floor(ns / 1000);

/** kernel/sched/core.c: tg_set_cfs_bandwidth's checks, then apply. */
function setBandwidth(s: Scheduler, tg: TaskGroup, periodNs: number, quotaNs: number, burstNs: number): void {
  if (quotaNs !== Infinity && quotaNs < MIN_CFS_QUOTA_PERIOD) fail('EINVAL', `quota ${us(quotaNs)}us is below 1000us`);
  if (periodNs < MIN_CFS_QUOTA_PERIOD) fail('EINVAL', `period ${us(periodNs)}us is below 1000us`);
  if (periodNs > MAX_CFS_QUOTA_PERIOD) fail('EINVAL', `period ${us(periodNs)}us is above 1000000us`);
  if (quotaNs !== Infinity && burstNs > quotaNs) fail('EINVAL', `burst ${us(burstNs)}us exceeds quota ${us(quotaNs)}us`);
  s.bw.set(tg, periodNs, quotaNs, burstNs);
}

/** kernel/sched/core.c: cpu_period_quota_parse — "$QUOTA $PERIOD", QUOTA may be "max", PERIOD optional. */
function parseCpuMax(data: string, currentPeriodNs: number): { quota: number; period: number } {
  const m = /^\s*(\S+)(?:\s+(\S+))?\s*$/.exec(data);
  if (!m) return fail('EINVAL', `expected "$QUOTA $PERIOD", got "${data}"`);
  let period = currentPeriodNs;
  if (m[2] !== undefined) {
    if (!/^\d+$/.test(m[2])) fail('EINVAL', `period "${m[2]}" is not a number of microseconds`);
    period = Number(m[2]) * 1000;
  }
  let quota: number;
  if (/^\d+$/.test(m[1]!)) quota = Number(m[1]) * 1000;
  else if (m[1] === 'max') quota = Infinity;
  else return fail('EINVAL', `quota "${m[1]}" is neither a number of microseconds nor "max"`);
  return { quota, period };
}

function pressureFile(s: Scheduler, tg: TaskGroup, res: 'cpu' | 'memory' | 'io'): VirtualFile {
  return {
    read: () => s.psi.show(tg.psi, res, s.k.now),
    sample: (o) => s.psi.showFields(tg.psi, res, s.k.now, o),
    write: (d) => {
      if (!parseTrigger(d)) fail('EINVAL', `expected "<some|full> <stall us> <window_us>" with window_us 500000..10000000`);
    },
    observable: true,
    notSimulated: PSI_TRIGGER_NOT_SIMULATED,
  };
}

/** Re-place every task of the subtree whose CPU is no longer allowed (cpuset update_tasks_cpumask). */
function enforceSubtree(s: Scheduler, cg: Cgroup): void {
  s.updateEffective();
  for (const g of cg.walk()) for (const t of g.tasks) if (t.sched) s.enforceAffinity(t.sched as TaskSched);
}

export function registerCgroupFiles(s: Scheduler, cg: Cgroup, tg: TaskGroup): void {
  const tree = s.k.cgroups;
  const root = cg.isRoot;
  const reg = tree.registerFile.bind(tree, cg);
  const v2 = tree.version === 2;

  const statBase = (): string => {
    const u = us(s.groupUsage(tg));
    return `usage_usec ${u}\nuser_usec ${u}\nsystem_usec 0\n`;
  };

  const cpusRead = (): string => `${tg.cpusetCpus ? formatCpuList(tg.cpusetCpus) : ''}\n`;
  const cpusWrite = (d: string): void => {
    const cpus = parseCpuList(d, s.nrCpus);
    if (!v2) {
      // v1: must be a subset of the parent's cpuset.cpus
      const parentCpus = tg.parent?.cpusetCpus ?? [...Array(s.nrCpus).keys()];
      if (cpus.some((c) => !parentCpus.includes(c))) fail('EINVAL', 'not a subset of the parent cpuset');
    }
    tg.cpusetCpus = cpus.length ? cpus : null;
    enforceSubtree(s, cg);
  };

  if (v2) {
    reg('cpu', 'cpu.stat', {
      read: () =>
        root
          ? statBase()
          : statBase() +
            `nr_periods ${tg.nrPeriods}\nnr_throttled ${tg.nrThrottled}\nthrottled_usec ${us(s.bw.throttledNs(tg))}\n` +
            `nr_bursts ${tg.nrBursts}\nburst_usec ${us(tg.burstTime)}\n`,
      // The same numbers for the recorder, without the text (VirtualFile.sample).
      sample: (o) => {
        const u = us(s.groupUsage(tg));
        o.field('usage_usec', u);
        o.field('user_usec', u);
        o.field('system_usec', 0);
        if (root) return;
        o.field('nr_periods', tg.nrPeriods);
        o.field('nr_throttled', tg.nrThrottled);
        o.field('throttled_usec', us(s.bw.throttledNs(tg)));
        o.field('nr_bursts', tg.nrBursts);
        o.field('burst_usec', us(tg.burstTime));
      },
      observable: true,
    });
    reg('cpu', 'cpu.pressure', pressureFile(s, tg, 'cpu'));
    reg('memory', 'memory.pressure', pressureFile(s, tg, 'memory'));
    reg('blkio', 'io.pressure', pressureFile(s, tg, 'io'));
    reg('cpuset', 'cpuset.cpus.effective', { read: () => `${formatCpuList(tg.effective)}\n` });
    if (root) return;
    reg('cpu', 'cpu.stat.local', { read: () => `throttled_usec ${us(s.bw.localThrottledNs(tg))}\n`, observable: true });
    reg('cpu', 'cpu.weight', {
      read: () => `${tg.idle ? 0 : weightToCgroup(tg.shares)}\n`,
      write: (d) => {
        const w = parseU64(d);
        if (w < CGROUP_WEIGHT_MIN || w > CGROUP_WEIGHT_MAX) fail('ERANGE', `cpu.weight must be 1..10000, got ${w}`);
        tg.shares = weightFromCgroup(w);
        s.groupWeightChanged(tg);
      },
    });
    reg('cpu', 'cpu.weight.nice', {
      read: () => `${niceFromShares(tg.shares)}\n`,
      write: (d) => {
        const n = parseS64(d);
        if (n < -20 || n > 19) fail('ERANGE', `cpu.weight.nice must be -20..19, got ${n}`);
        tg.shares = niceToWeight(n);
        s.groupWeightChanged(tg);
      },
    });
    reg('cpu', 'cpu.max', {
      read: () => `${tg.quota === Infinity ? 'max' : us(tg.quota)} ${us(tg.period)}\n`,
      write: (d) => {
        const { quota, period } = parseCpuMax(d, tg.period);
        setBandwidth(s, tg, period, quota, tg.burst);
      },
    });
    reg('cpu', 'cpu.max.burst', {
      read: () => `${us(tg.burst)}\n`,
      write: (d) => setBandwidth(s, tg, tg.period, tg.quota, parseU64(d) * 1000),
    });
    reg('cpu', 'cpu.idle', {
      read: () => `${tg.idle ? 1 : 0}\n`,
      write: (d) => {
        const v = parseS64(d);
        if (v !== 0 && v !== 1) fail('EINVAL', `cpu.idle must be 0 or 1, got ${v}`);
        tg.idle = v === 1;
        s.groupWeightChanged(tg);
      },
    });
    reg('cpuset', 'cpuset.cpus', { read: cpusRead, write: cpusWrite });
    return;
  }

  // cgroup v1: cpu, cpuacct and cpuset hierarchies
  let usageReset = 0;
  reg('cpuacct', 'cpuacct.usage', {
    read: () => `${Math.round(s.groupUsage(tg) - usageReset)}\n`,
    write: (d) => {
      if (parseU64(d) !== 0) fail('EINVAL', 'only 0 resets cpuacct.usage');
      usageReset = s.groupUsage(tg);
    },
    observable: true,
  });
  reg('cpu', 'cpu.stat', {
    read: () =>
      `nr_periods ${tg.nrPeriods}\nnr_throttled ${tg.nrThrottled}\nthrottled_time ${Math.round(s.bw.throttledNs(tg))}\n` +
      `nr_bursts ${tg.nrBursts}\nburst_time ${Math.round(tg.burstTime)}\n`,
    observable: true,
  });
  reg('cpu', 'cpu.shares', {
    read: () => `${tg.shares}\n`,
    write: (d) => {
      if (root) fail('EINVAL', 'the root group has no shares');
      // kernel/sched/core.c: sched_group_set_shares clamps silently
      tg.shares = Math.min(MAX_SHARES, Math.max(MIN_SHARES, parseU64(d)));
      s.groupWeightChanged(tg);
    },
  });
  reg('cpu', 'cpu.rt_period_us', {
    read: () => `${root ? s.rt.periodUs : tg.rtPeriodUs}\n`,
    write: (d) => {
      const v = parseU64(d);
      if (v === 0) fail('EINVAL', 'period must be > 0');
      if (root) fail('EINVAL', 'set the root RT period with sched_rt_period_us');
      if (tg.rtRuntimeUs > v) fail('EINVAL', `runtime ${tg.rtRuntimeUs} exceeds period ${v}`);
      tg.rtPeriodUs = v;
    },
    ...(root ? {} : { notSimulated: 'RT group scheduling (CONFIG_RT_GROUP_SCHED) is not modelled; only the global sched_rt_period_us applies' }),
  });
  reg('cpu', 'cpu.rt_runtime_us', {
    read: () => `${root ? s.rt.runtimeUs : tg.rtRuntimeUs}\n`,
    write: (d) => {
      const v = parseS64(d);
      if (v < -1) fail('EINVAL', 'runtime must be -1 or ≥ 0');
      if (root) fail('EINVAL', 'set the root RT runtime with sched_rt_runtime_us');
      if (v > tg.rtPeriodUs) fail('EINVAL', `runtime ${v} exceeds period ${tg.rtPeriodUs}`);
      tg.rtRuntimeUs = v;
    },
    ...(root ? {} : { notSimulated: 'RT group scheduling (CONFIG_RT_GROUP_SCHED) is not modelled; only the global sched_rt_runtime_us limit applies' }),
  });
  reg('cpuset', 'cpuset.effective_cpus', { read: () => `${formatCpuList(tg.effective)}\n` });
  if (root) {
    reg('cpuset', 'cpuset.cpus', { read: () => `${formatCpuList(s.onlineCpus())}\n` });
    return;
  }
  reg('cpuset', 'cpuset.cpus', { read: cpusRead, write: cpusWrite });
  reg('cpu', 'cpu.cfs_period_us', {
    read: () => `${us(tg.period)}\n`,
    write: (d) => setBandwidth(s, tg, parseU64(d) * 1000, tg.quota, tg.burst),
  });
  reg('cpu', 'cpu.cfs_quota_us', {
    read: () => `${tg.quota === Infinity ? -1 : us(tg.quota)}\n`,
    write: (d) => {
      const v = parseS64(d);
      setBandwidth(s, tg, tg.period, v < 0 ? Infinity : v * 1000, tg.burst);
    },
  });
  reg('cpu', 'cpu.cfs_burst_us', {
    read: () => `${us(tg.burst)}\n`,
    write: (d) => setBandwidth(s, tg, tg.period, tg.quota, parseU64(d) * 1000),
  });
}
