/**
 * CPU hot-plug: /sys/devices/system/cpu/{online,offline,possible,present} and
 * cpuN/online (drivers/base/cpu.c, kernel/cpu.c). Taking a CPU down migrates
 * its tasks (sched_cpu_dying → migrate_tasks, respecting affinity and cpusets,
 * breaking affinity when nothing allowed is left), shrinks every cgroup's
 * cpuset.cpus.effective and emits an `offline` uevent; bringing it up reverses
 * the masks and emits `online`.
 *
 * cpu0 has no `online` file: as on x86 without cpu0_hotplug, the boot CPU
 * cannot be taken down.
 */
import { fail } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import type { Scheduler } from '../sched/core';
import { formatCpuList, parseBool } from '../sched/cpulist';
import { emitUevent } from './uevent';

const SYSFS_CPU = '/sys/devices/system/cpu';

export function installCpuHotplug(k: Kernel, s: Scheduler): void {
  const all = [...Array(s.nrCpus).keys()];
  const list = (cpus: number[]): string => `${formatCpuList(cpus)}\n`;
  k.vfs.register(`${SYSFS_CPU}/possible`, { read: () => list(all) });
  k.vfs.register(`${SYSFS_CPU}/present`, { read: () => list(all) });
  k.vfs.register(`${SYSFS_CPU}/online`, { read: () => list(s.onlineCpus()) });
  k.vfs.register(`${SYSFS_CPU}/offline`, { read: () => list(all.filter((c) => !s.rqs[c]!.online)) });
  for (let cpu = 1; cpu < s.nrCpus; cpu++) {
    k.vfs.register(`${SYSFS_CPU}/cpu${cpu}/online`, {
      read: () => `${s.rqs[cpu]!.online ? 1 : 0}\n`,
      write: (d) => (parseBool(d) ? cpuUp(k, s, cpu) : cpuDown(k, s, cpu)),
    });
  }
}

/** kernel/cpu.c: cpu_down — no-op if already offline; the last online CPU cannot go (EBUSY). */
export function cpuDown(k: Kernel, s: Scheduler, cpu: number): void {
  const rq = s.rqs[cpu]!;
  if (!rq.online) return;
  if (s.onlineCpus().length === 1) fail('EBUSY', 'cannot take the last online CPU down');
  s.enter();
  s.ctx.now = k.now;
  s.acctCpu(rq);
  // unthrottle_offline_cfs_rqs: throttled queues on the dying CPU run their tasks elsewhere
  for (const cg of k.cgroups.all()) {
    const q = s.tgOf(cg).cfsRq[cpu]!;
    if (q.throttled) {
      q.runtimeRemaining = 1;
      s.bw.unthrottle(q);
    }
  }
  if (rq.curr) s.putPrevTask(rq, rq.curr);
  s.setOnline(rq, false);
  s.updateEffective();
  s.balancer.evacuate(rq);
  if (rq.eventId) k.engine.cancel(rq.eventId);
  rq.eventId = 0;
  rq.eventAt = Infinity;
  rq.rtTime = 0;
  rq.rtThrottled = false;
  s.tun.update(s.onlineCpus().length);
  emitUevent(k, { ACTION: 'offline', DEVPATH: `/devices/system/cpu/cpu${cpu}`, SUBSYSTEM: 'cpu' });
  s.leave();
}

/** kernel/cpu.c: cpu_up — masks and effective cpusets grow; the new CPU pulls work when idle. */
export function cpuUp(k: Kernel, s: Scheduler, cpu: number): void {
  const rq = s.rqs[cpu]!;
  if (rq.online) return;
  s.enter();
  s.setOnline(rq, true);
  rq.acctSince = k.now;
  s.updateEffective();
  s.tun.update(s.onlineCpus().length);
  emitUevent(k, { ACTION: 'online', DEVPATH: `/devices/system/cpu/cpu${cpu}`, SUBSYSTEM: 'cpu' });
  s.requestResched(rq);
  s.leave();
}
