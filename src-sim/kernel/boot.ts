import { Engine } from '../engine/engine';
import { EventLog } from '../engine/event-log';
import { Rng } from '../engine/rng';
import type { TraceBuffer } from '../engine/trace';
import type { Scenario, TaskSpec, TimelineAction } from '../scenario/types';
import { KernelError } from '../vfs/errors';
import { Vfs } from '../vfs/vfs';
import { installCgroupCore } from './cgroup/core-files';
import { CgroupTree } from './cgroup/tree';
import { Kernel } from './kernel';
import { SUBSYSTEMS } from './subsystems';
import { createTask } from './task-factory';
import { plugNic, unplugNic } from './net/hotplug';

/** sysctl name as `sysctl -w` takes it → /proc/sys path. */
export function sysctlPath(name: string): string {
  return `/proc/sys/${name.replace(/\./g, '/')}`;
}

/** A boot-time write: sysctl `index` of s.kernel.sysctl, or write `write` of group `group` of s.cgroups. */
export type BootWrite = { kind: 'sysctl'; index: number } | { kind: 'cgroup'; group: number; write: number };

/** Lets the loader see every refused boot write (and go on) instead of the first one thrown. */
export interface BootObserver {
  refused(e: KernelError, write: BootWrite): void;
}

/**
 * Build the machine and kernel a scenario describes, at t = 0: subsystems
 * installed, sysctls and cgroup files written, tasks created. Throws a
 * KernelError when a write is refused (the loader maps it to a file position),
 * unless an observer is given: then it is told and boot goes on.
 */
export function bootKernel(s: Scenario, observer?: BootObserver, trace: TraceBuffer | null = null): Kernel {
  const engine = new Engine();
  const vfs = new Vfs();
  const k = new Kernel(s, engine, new Rng(s.seed, s.run), vfs, new EventLog(), new CgroupTree(s.cgroupVersion, vfs));
  k.trace = trace;
  installCgroupCore(k);
  for (const install of SUBSYSTEMS) install(k);
  const write = (path: string, value: string, at: BootWrite): void => {
    try {
      vfs.write(path, value);
    } catch (e) {
      if (!observer || !(e instanceof KernelError)) throw e;
      observer.refused(e, at);
    }
  };
  s.kernel.sysctl.forEach(([name, value], index) => write(sysctlPath(name), value, { kind: 'sysctl', index }));
  s.cgroups.forEach((cg, g) => {
    const group = k.cgroups.create(cg.path);
    cg.writes.forEach(([file, value], w) => {
      write(k.cgroups.filePath(group, controllerOf(file), file), value, { kind: 'cgroup', group: g, write: w });
    });
  });
  for (const spec of s.tasks) createTasks(k, spec);
  return k;
}

/** The v1 hierarchy a file belongs to, from its prefix ("memory.max" → memory). */
export function controllerOf(file: string): 'cpu' | 'cpuacct' | 'cpuset' | 'memory' | 'blkio' {
  const prefix = file.slice(0, file.indexOf('.'));
  switch (prefix) {
    case 'cpuacct':
    case 'cpuset':
    case 'memory':
    case 'blkio':
      return prefix;
    case 'io':
      return 'blkio';
    default:
      return 'cpu';
  }
}

/** Task names: "name" for count 1, else "name#0" … "name#N-1". */
export function taskNames(spec: TaskSpec): string[] {
  if (spec.count === 1) return [spec.name];
  return Array.from({ length: spec.count }, (_, i) => `${spec.name}#${i}`);
}

/** Create a task spec's tasks (pids in file order) and fork them at their start time. */
export function createTasks(k: Kernel, spec: TaskSpec): void {
  const cgroup = k.cgroups.create(spec.cgroup);
  for (const name of taskNames(spec)) {
    const init = { name, cgroup, nice: spec.nice, policy: spec.policy, rtPriority: spec.rtPriority, affinity: spec.cpus, oomScoreAdj: spec.oomScoreAdj, sliceNs: spec.sliceNs, ...(spec.mempolicy ? { mempolicy: spec.mempolicy } : {}) };
    const task = createTask(k, init, (t) => k.behaviourFor(t, spec.run));
    if (spec.startNs === 0) k.sched.fork(task);
    else k.engine.schedule(spec.startNs, () => k.sched.fork(task));
  }
}

/** Apply one timeline action now (scenario timeline, live control and replay alike). */
export function applyAction(k: Kernel, a: TimelineAction): void {
  switch (a.kind) {
    case 'write':
      k.vfs.write(a.path, a.value);
      k.log.add(k.now, 'write', { path: a.path, value: a.value });
      return;
    case 'plug':
      if (!k.devices) k.engine.fail('kernel', 'no block layer to plug a device into');
      k.devices.plug(a.device);
      return;
    case 'unplug':
      if (!k.devices) k.engine.fail('kernel', 'no block layer to unplug a device from');
      k.devices.unplug(a.device);
      return;
    case 'plug_nic':
      plugNic(k, a.nic);
      return;
    case 'unplug_nic':
      unplugNic(k, a.nic);
      return;
  }
}
