import type { Kernel } from '../kernel';
import { registerV1, registerV2 } from '../memcg/files';
import { allocBehaviour } from '../../workload/memory/alloc';
import { fileIoBehaviour } from '../../workload/memory/file-io';
import { workingsetBehaviour } from '../../workload/memory/workingset';
import { Mm } from './mm';
import { installMemoryHotplug } from './memory-hotplug-files';
import { registerProcFiles, registerTaskFiles } from './proc-files';
import { installZswap } from './zswap-files';
import { PAGE_IDLE_BITMAP } from './page-idle';
import { registerWssFile, WssEstimates, wssScannerBehaviour } from './wss-scanner';
import { installBalloon } from './balloon-files';

/**
 * Install the memory subsystem: physical memory and watermarks, a memcg
 * (with its v1 or v2 files) for every cgroup, /proc/{meminfo,vmstat,zoneinfo},
 * vm sysctls, /proc/<pid>/oom_score{,_adj}, and the alloc / workingset /
 * read / write run types. Sets k.mm.
 */
export function installMm(k: Kernel): Mm {
  const mm = new Mm(k);
  k.mm = mm;
  // A working-set scanner's results (memory.lab_wss) exist only in scenarios that run one.
  const wss = k.scenario.tasks.some((t) => t.run.type === 'wss-scanner') ? new WssEstimates() : null;
  k.cgroups.onCreate((cg) => {
    const m = mm.addMemcg(cg);
    if (k.cgroups.version === 2) registerV2(k, mm, cg, m);
    else registerV1(k, mm, cg, m);
    if (wss) registerWssFile(k, mm, cg, m, wss);
  });
  registerProcFiles(k, mm);
  if (k.scenario.kernel.zswap) installZswap(k, mm, k.scenario.kernel.zswap);
  mm.pageIdle.register(k.vfs);
  k.registerBehaviour('wss-scanner', (kk, task, spec) => {
    if (spec.type !== 'wss-scanner') return kk.engine.fail('mm', `wss-scanner factory got ${spec.type}`);
    if (!kk.vfs.exists(PAGE_IDLE_BITMAP)) return kk.engine.fail('mm', `task ${task.name}: wss-scanner needs ${PAGE_IDLE_BITMAP}, which arrived in Linux 4.3 (kernel.version is ${kk.scenario.kernel.version})`);
    return wssScannerBehaviour(kk, mm, task, spec, wss ?? new WssEstimates());
  });
  if (k.scenario.machine.balloon) installBalloon(k, mm, k.scenario.machine.balloon);
  installMemoryHotplug(k, mm);
  k.registerBehaviour('alloc', (kk, task, spec) => {
    if (spec.type !== 'alloc') return kk.engine.fail('mm', `alloc factory got ${spec.type}`);
    return allocBehaviour(kk, mm, task, spec);
  });
  k.registerBehaviour('workingset', (kk, task, spec) => {
    if (spec.type !== 'workingset') return kk.engine.fail('mm', `workingset factory got ${spec.type}`);
    return workingsetBehaviour(kk, mm, task, spec);
  });
  for (const type of ['read', 'write'] as const) {
    k.registerBehaviour(type, (kk, task, spec) => {
      if (spec.type !== 'read' && spec.type !== 'write') return kk.engine.fail('mm', `${type} factory got ${spec.type}`);
      return fileIoBehaviour(kk, mm, task, spec);
    });
  }
  k.onTaskExit((task) => {
    mm.releaseTask(task);
    k.vfs.unregister(`/proc/${task.pid}/oom_score`);
    k.vfs.unregister(`/proc/${task.pid}/oom_score_adj`);
  });
  // Tasks are created after every subsystem is installed: give them their /proc files at t = 0.
  k.engine.schedule(0, () => registerTaskFiles(k, mm));
  return mm;
}
