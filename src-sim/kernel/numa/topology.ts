import type { MachineSpec } from '../../scenario/types';

// include/linux/topology.h
export const LOCAL_DISTANCE = 10;
export const REMOTE_DISTANCE = 20;

/** The machine's NUMA layout as the kernel sees it after boot (node_distance, cpu_to_node, zonelists). */
export class NumaTopology {
  readonly nrNodes: number;
  readonly distance: readonly (readonly number[])[];
  readonly cpusOf: readonly (readonly number[])[];
  readonly nodeOfCpu: Int32Array;
  /**
   * mm/page_alloc.c: build_zonelists(): per node, every node in order of
   * increasing distance (ties by node number), itself first.
   */
  readonly zonelist: readonly (readonly number[])[];
  /** Pages each node holds (present). */
  readonly memoryBytes: readonly number[];

  constructor(m: MachineSpec) {
    this.nrNodes = m.numa.nodes.length;
    this.distance = m.numa.distances.map((r) => [...r]);
    this.cpusOf = m.numa.nodes.map((n) => [...n.cpus]);
    this.memoryBytes = m.numa.nodes.map((n) => n.memoryBytes);
    this.nodeOfCpu = new Int32Array(m.cpus);
    m.numa.nodes.forEach((n, i) => n.cpus.forEach((c) => (this.nodeOfCpu[c] = i)));
    const ids = Array.from({ length: this.nrNodes }, (_, i) => i);
    this.zonelist = ids.map((from) => [...ids].sort((a, b) => this.distance[from]![a]! - this.distance[from]![b]! || a - b));
  }
}
