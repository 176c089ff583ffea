/** The scenario being edited: machine, cgroups, tasks, timeline. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { importTopology, toMachineSpec } from '../../src-sim/api/topology';
import { importImpact, type ImportImpact } from '../model/import-impact';
import { cgroupTree, devNumbers, newScenario } from '../model/scenario';
import { layoutFromImport, type NodeLayout } from '../model/topology-boxes';
import type { MachineSpec, Scenario, TaskSpec, TimelineAction } from '../model/types';

/** A parsed topology file, not yet applied, with what applying it would change. */
export interface PreparedImport {
  file: string;
  imported: ReturnType<typeof importTopology>;
  machine: MachineSpec;
  notes: string[];
  impact: ImportImpact;
}

export const useScenario = defineStore('scenario', () => {
  const draft = ref<Scenario>(newScenario());
  const nics = ref<string[]>([]);
  const positions = ref<Record<string, { x: number; y: number }>>({});
  const importNotes = ref<string[]>([]);
  /** Packages, caches and cores per node from the last topology import (the scenario keeps only CPUs and memory). */
  const layouts = ref<(NodeLayout | undefined)[]>([]);
  const dirty = ref(false);

  const tree = computed(() => cgroupTree(draft.value));
  const devices = computed(() => devNumbers(draft.value.machine));

  function touch(): void {
    dirty.value = true;
  }
  function replace(s: Scenario, opts: { nics?: string[]; clean?: boolean } = {}): void {
    draft.value = s;
    nics.value = opts.nics ?? [];
    positions.value = {};
    importNotes.value = [];
    layouts.value = [];
    dirty.value = !opts.clean;
  }
  function setMachine(m: MachineSpec): void {
    draft.value = { ...draft.value, machine: m };
    touch();
  }
  /** Parses hwloc XML or lscpu output and works out what importing it would change; changes nothing. Throws the importer's error (file:line:col: path: expected). */
  function prepareImport(text: string, file: string, defaultNodeMemoryBytes?: number): PreparedImport {
    const imported = importTopology(text, file);
    const { machine, notes } = toMachineSpec(imported, defaultNodeMemoryBytes ? { defaultNodeMemoryBytes } : {});
    return { file, imported, machine, notes, impact: importImpact(draft.value, machine) };
  }
  /** Replaces the machine by a prepared import; cgroups, files, tasks and the timeline are kept as they are. */
  function applyImport(p: PreparedImport): string[] {
    const { file, imported, machine, notes } = p;
    setMachine(machine);
    // the importable NICs are in machine.nics now (toMachineSpec); this list is only what it could not take
    nics.value = [];
    positions.value = {};
    layouts.value = layoutFromImport(imported);
    const summary = `${file}: ${machine.cpus} CPUs, ${machine.numa.nodes.length} NUMA node${machine.numa.nodes.length === 1 ? '' : 's'}, ${machine.devices.length} disks, ${imported.nics.length} NICs (${imported.format})`;
    importNotes.value = [summary, ...notes];
    return importNotes.value;
  }
  /** Imports hwloc XML or lscpu output without asking; throws the importer's error (file:line:col: path: expected). */
  function importMachine(text: string, file: string, defaultNodeMemoryBytes?: number): string[] {
    return applyImport(prepareImport(text, file, defaultNodeMemoryBytes));
  }
  function setCgroupWrite(path: string, file: string, value: string | null): void {
    const cgroups = draft.value.cgroups.map((c) => ({ path: c.path, writes: c.writes.map((w) => [...w] as [string, string]) }));
    let g = cgroups.find((c) => c.path === path);
    if (!g) {
      g = { path, writes: [] };
      cgroups.push(g);
    }
    const i = g.writes.findIndex(([f]) => f === file);
    if (value === null) {
      if (i >= 0) g.writes.splice(i, 1);
    } else if (i >= 0) g.writes[i] = [file, value];
    else g.writes.push([file, value]);
    draft.value = { ...draft.value, cgroups };
    touch();
  }
  function addCgroup(path: string): void {
    if (draft.value.cgroups.some((c) => c.path === path)) return;
    draft.value = { ...draft.value, cgroups: [...draft.value.cgroups, { path, writes: [] }] };
    touch();
  }
  function removeCgroup(path: string): void {
    draft.value = {
      ...draft.value,
      cgroups: draft.value.cgroups.filter((c) => c.path !== path && !c.path.startsWith(path + '/')),
      tasks: draft.value.tasks.map((t) => (t.cgroup === path || t.cgroup.startsWith(path + '/') ? { ...t, cgroup: '/' } : t)),
    };
    touch();
  }
  function setTasks(tasks: TaskSpec[]): void {
    draft.value = { ...draft.value, tasks };
    touch();
  }
  function setTimeline(timeline: TimelineAction[]): void {
    draft.value = { ...draft.value, timeline: [...timeline].sort((a, b) => a.atNs - b.atNs) };
    touch();
  }
  function patch(p: Partial<Scenario>): void {
    draft.value = { ...draft.value, ...p };
    touch();
  }
  return { draft, nics, positions, importNotes, layouts, dirty, tree, devices, replace, setMachine, prepareImport, applyImport, importMachine, setCgroupWrite, addCgroup, removeCgroup, setTasks, setTimeline, patch };
});
