import { Engine } from '../../../../src-sim/engine/engine';
import { EventLog } from '../../../../src-sim/engine/event-log';
import { Rng } from '../../../../src-sim/engine/rng';
import { controllerOf, createTasks, sysctlPath } from '../../../../src-sim/kernel/boot';
import { installCgroupCore } from '../../../../src-sim/kernel/cgroup/core-files';
import { CgroupTree } from '../../../../src-sim/kernel/cgroup/tree';
import { Kernel } from '../../../../src-sim/kernel/kernel';
import { IdealScheduler } from '../../../../src-sim/kernel/mm/ideal-sched';
import { installMm } from '../../../../src-sim/kernel/mm/install';
import type { Mm } from '../../../../src-sim/kernel/mm/mm';
import type { Task } from '../../../../src-sim/kernel/task';
import type { Scenario } from '../../../../src-sim/scenario/types';
import { Vfs } from '../../../../src-sim/vfs/vfs';

export interface MmRig {
  k: Kernel;
  mm: Mm;
  sched: IdealScheduler;
  task(name: string): Task;
  read(path: string): string;
  /** One numeric field of a flat keyed file ("memory.stat" → "anon"). */
  field(path: string, key: string): number;
  run(untilNs: number, every?: number, probe?: (now: number) => void): void;
}

/**
 * Boot a scenario with only the memory subsystem and a one-CPU-per-task
 * scheduler, so memory behaviour is observed without CPU contention.
 */
export function bootMm(s: Scenario): MmRig {
  const vfs = new Vfs();
  const k = new Kernel(s, new Engine(), new Rng(s.seed, s.run), vfs, new EventLog(), new CgroupTree(s.cgroupVersion, vfs));
  installCgroupCore(k);
  const sched = new IdealScheduler(k);
  k.sched = sched;
  const mm = installMm(k);
  for (const [name, value] of s.kernel.sysctl) vfs.write(sysctlPath(name), value);
  for (const cg of s.cgroups) {
    const g = k.cgroups.create(cg.path);
    for (const [file, value] of cg.writes) vfs.write(k.cgroups.filePath(g, controllerOf(file), file), value);
  }
  for (const spec of s.tasks) createTasks(k, spec);
  const read = (path: string): string => vfs.read(path);
  return {
    k,
    mm,
    sched,
    task: (name) => {
      for (const t of k.tasks.values()) if (t.name === name) return t;
      throw new Error(`no task ${name}`);
    },
    read,
    field: (path, key) => {
      for (const line of read(path).split('\n')) {
        const [kk, v] = line.split(/\s+/);
        if (kk === key) return Number(v);
      }
      throw new Error(`${path} has no ${key}`);
    },
    run: (untilNs, every, probe) => {
      if (every === undefined || probe === undefined) {
        k.engine.runUntil(untilNs);
        return;
      }
      for (let t = k.now + every; t <= untilNs; t += every) {
        k.engine.runUntil(t);
        probe(t);
      }
    },
  };
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
