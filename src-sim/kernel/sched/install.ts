import type { Kernel } from '../kernel';
import { installCpuHotplug } from '../hotplug/cpu-hotplug';
import { installCpuWorkloads } from '../../workload/cpu/behaviours';
import { registerCgroupFiles } from './cgroup-files';
import { Scheduler } from './core';
import { registerProcFiles } from './proc-files';
import type { PsiGroup } from '../psi/psi';

const schedulers = new WeakMap<Kernel, Scheduler>();

/** The scheduler of a kernel (for hot-plug, tests and benches that need more than SchedulerApi). */
export function schedulerOf(k: Kernel): Scheduler {
  const s = schedulers.get(k);
  if (!s) throw new Error('installSched has not run on this kernel');
  return s;
}

/**
 * Install the CPU scheduler, PSI and CPU hot-plug: first in SUBSYSTEMS, since
 * every other subsystem blocks and wakes tasks through k.sched.
 */
export function installSched(k: Kernel): void {
  const s = new Scheduler(k);
  schedulers.set(k, s);
  k.sched = s;
  installCpuWorkloads(k);
  k.cgroups.onCreate((cg) => {
    const tg = s.createGroup(cg);
    registerCgroupFiles(s, cg, tg);
  });
  registerProcFiles(s);
  installCpuHotplug(k, s);
  s.rt.start();
  s.balancer.start();
  // kernel/sched/psi.c: psi_avgs_work, every PSI_FREQ
  const avgs = (now: number): void => {
    const seen = new Set<PsiGroup>();
    for (const cg of k.cgroups.all()) {
      const g = s.tgOf(cg).psi;
      if (seen.has(g)) continue;
      seen.add(g);
      s.psi.updateAverages(g, now);
    }
    k.engine.schedule(now + s.psi.period, avgs);
  };
  k.engine.schedule(s.psi.period, avgs);
}
