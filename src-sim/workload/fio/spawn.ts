import type { Kernel } from '../../kernel/kernel';
import type { Behaviour, Task } from '../../kernel/task';

/** fork() a child of `parent` running `behaviour`, optionally in another cgroup and at another nice level. */
export function spawnTask(k: Kernel, parent: Task, name: string, cgroupPath: string | null, nice: number, behaviour: Behaviour): Task {
  const cg = cgroupPath !== null ? k.cgroups.create(cgroupPath) : parent.cgroup;
  const task: Task = {
    pid: k.allocPid(),
    name,
    cgroup: cg,
    nice,
    policy: parent.policy,
    rtPriority: parent.rtPriority,
    affinity: parent.affinity,
    oomScoreAdj: parent.oomScoreAdj,
    sliceNs: parent.sliceNs,
    state: 'new',
    behaviour,
    sumExecRuntime: 0,
    runDelay: 0,
    pcount: 0,
    exitCode: null,
  };
  k.tasks.set(task.pid, task);
  cg.tasks.push(task);
  k.sched.fork(task);
  return task;
}
