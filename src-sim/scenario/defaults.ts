import { SCENARIO_FORMAT, type MachineSpec, type Scenario, type TaskSpec } from './types';

const GiB = 1024 ** 3;

/** A flat machine: one NUMA node holding every CPU and all memory. */
export function flatMachine(cpus: number, memoryBytes = 8 * GiB): MachineSpec {
  return {
    cpus,
    memoryBytes,
    numa: { nodes: [{ cpus: Array.from({ length: cpus }, (_, i) => i), memoryBytes }], distances: [[10]] },
    swap: null,
    devices: [],
  };
}

/** A resolved scenario with every default filled in; tests and presets override parts. */
export function baseScenario(over: Partial<Scenario> = {}): Scenario {
  return {
    format: SCENARIO_FORMAT,
    name: 'unnamed',
    description: '',
    seed: 1,
    run: 0,
    durationNs: 1e9,
    sampleIntervalNs: 100e6,
    cgroupVersion: 2,
    machine: flatMachine(4),
    kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [], hz: 1000 },
    cgroups: [],
    files: [],
    tasks: [],
    timeline: [],
    record: [],
    ...over,
  };
}

/** A task spec with defaults (nice 0, SCHED_OTHER, root group, any CPU, always runnable). */
export function taskSpec(over: Partial<TaskSpec> & { name: string }): TaskSpec {
  return {
    cgroup: '/',
    cpus: [],
    nice: 0,
    policy: 'SCHED_OTHER',
    rtPriority: 0,
    count: 1,
    oomScoreAdj: 0,
    startNs: 0,
    sliceNs: 0,
    run: { type: 'cpu' },
    ...over,
  };
}
