import { fail } from '../../vfs/errors';
import type { Kernel } from '../kernel';
import { parseKernelInt } from './tree';

/**
 * Files every group has regardless of controllers: cgroup.procs (read the
 * member pids, write a pid to move it here) and, on v2, cgroup.controllers.
 */
export function installCgroupCore(k: Kernel): void {
  const tree = k.cgroups;
  tree.onCreate((cg) => {
    const procs = {
      read: () =>
        cg.tasks
          .map((t) => t.pid)
          .sort((a, b) => a - b)
          .map((p) => `${p}\n`)
          .join(''),
      write: (data: string) => {
        const pid = parseKernelInt(data);
        const task = k.tasks.get(pid);
        if (!task || task.state === 'exited') fail('ESRCH', `no task with pid ${pid}`);
        if (task.cgroup !== cg) k.sched.migrate(task, cg);
      },
    };
    for (const path of tree.procsPaths(cg)) k.vfs.register(path, procs);
    if (tree.version === 2) {
      tree.registerFile(cg, 'cpu', 'cgroup.controllers', { read: () => 'cpuset cpu io memory pids\n' });
    }
  });
}
