import type { Kernel } from '../../kernel/kernel';
import type { Behaviour, Task } from '../../kernel/task';
import { spawnTask as forkChild } from '../../kernel/task-factory';

/** fork() a job's child of `parent` running `behaviour`, in fio's `cgroup=` group if the job names one. */
export function spawnTask(k: Kernel, parent: Task, name: string, cgroupPath: string | null, nice: number, behaviour: Behaviour): Task {
  return forkChild(k, parent, name, cgroupPath !== null ? k.cgroups.create(cgroupPath) : parent.cgroup, nice, behaviour);
}
