import type { Cgroup } from './cgroup/cgroup';
import type { Kernel } from './kernel';
import type { Behaviour, Task } from './task';

/** What fork() copies or sets for a new task; the rest starts at zero. */
export type TaskInit = Pick<Task, 'name' | 'cgroup' | 'nice' | 'policy' | 'rtPriority' | 'affinity' | 'oomScoreAdj' | 'sliceNs'> & Partial<Pick<Task, 'mempolicy'>>;

/**
 * Allocate a pid and a task, and make it a member of its cgroup and the
 * task table. `behaviour` gets the task (a behaviour may keep it). The task
 * is not yet runnable: the caller forks it (k.sched.fork) when it should start.
 */
export function createTask(k: Kernel, init: TaskInit, behaviour: (task: Task) => Behaviour): Task {
  const task: Task = {
    pid: k.allocPid(),
    ...init,
    state: 'new',
    behaviour: { next: () => ({ kind: 'exit' }) },
    sumExecRuntime: 0,
    runDelay: 0,
    pcount: 0,
    exitCode: null,
  };
  task.behaviour = behaviour(task);
  k.tasks.set(task.pid, task);
  init.cgroup.tasks.push(task);
  return task;
}

/** fork() a child of `parent` running `behaviour`, optionally in another cgroup and at another nice level. */
export function spawnTask(k: Kernel, parent: Task, name: string, cgroup: Cgroup, nice: number, behaviour: Behaviour): Task {
  const task = createTask(
    k,
    { name, cgroup, nice, policy: parent.policy, rtPriority: parent.rtPriority, affinity: parent.affinity, oomScoreAdj: parent.oomScoreAdj, sliceNs: parent.sliceNs, ...(parent.mempolicy ? { mempolicy: parent.mempolicy } : {}) },
    () => behaviour,
  );
  k.sched.fork(task);
  return task;
}
