import { Simulation } from '../../../../src-sim/simulation';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { Scenario, TaskSpec } from '../../../../src-sim/scenario/types';

export { baseScenario, flatMachine, taskSpec };

/** A scenario on `cpus` CPUs with the given tasks and cgroup writes. */
export function scenario(cpus: number, tasks: TaskSpec[], over: Partial<Scenario> = {}): Scenario {
  return baseScenario({ machine: flatMachine(cpus), tasks, record: ['/proc/stat'], ...over });
}

/** Boot and run to `untilNs` (default: the scenario's duration). */
export function run(s: Scenario, untilNs = s.durationNs): Simulation {
  const sim = new Simulation(s);
  sim.advance(untilNs);
  return sim;
}

/** pid of a task by name. */
export function pidOf(sim: Simulation, name: string): number {
  for (const t of sim.kernel.tasks.values()) if (t.name === name) return t.pid;
  throw new Error(`no task ${name}`);
}

/** /proc/<pid>/schedstat as numbers. */
export function schedstat(sim: Simulation, name: string): { exec: number; delay: number; pcount: number } {
  const [exec, delay, pcount] = sim.kernel.vfs.read(`/proc/${pidOf(sim, name)}/schedstat`).trim().split(' ').map(Number);
  return { exec: exec!, delay: delay!, pcount: pcount! };
}

/** A flat-keyed file ("usage_usec 123\n…") as a map. */
export function keyed(sim: Simulation, path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of sim.kernel.vfs.read(path).trim().split('\n')) {
    const [k, v] = line.split(/\s+/);
    out[k!] = Number(v);
  }
  return out;
}

/** A /proc/<pid>/sched field, in ns. */
export function procSched(sim: Simulation, name: string, field: string): number {
  const text = sim.kernel.vfs.read(`/proc/${pidOf(sim, name)}/sched`);
  const line = text.split('\n').find((l) => l.startsWith(`${field} `) || l.startsWith(`${field}:`));
  if (!line) throw new Error(`no ${field} in /proc/<pid>/sched`);
  const v = line.split(':')[1]!.trim();
  return v.includes('.') ? Number(v) * 1e6 : Number(v);
}

/** A PSI line field: pressure(sim, path, 'some', 'avg10'). */
export function pressure(sim: Simulation, path: string, kind: 'some' | 'full', field: 'avg10' | 'avg60' | 'avg300' | 'total'): number {
  const line = sim.kernel.vfs.read(path).split('\n').find((l) => l.startsWith(kind))!;
  const m = new RegExp(`${field}=([0-9.]+)`).exec(line)!;
  return Number(m[1]);
}

export const MS = 1e6;
export const S = 1e9;
