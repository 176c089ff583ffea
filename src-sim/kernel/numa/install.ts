import type { Kernel } from '../kernel';
import type { Mm } from '../mm/mm';
import { NumaBalancing } from './balancing';
import { registerNumaFiles } from './files';
import { NodeMm } from './node-mm';
import { NumaTopology } from './topology';

/**
 * Install NUMA memory on a machine with more than one node: per-node
 * placement and counters in the memory model, the node files, cpuset.mems
 * and memory.numa_stat. A one-node machine is left exactly as it was (a
 * kernel without CONFIG_NUMA: no node directory, no numa_* counters).
 */
export function installNuma(k: Kernel, mm: Mm): NodeMm | null {
  if (k.scenario.machine.numa.nodes.length < 2) return null;
  const nm = new NodeMm(k, mm, new NumaTopology(k.scenario.machine));
  mm.numa = nm;
  registerNumaFiles(k, nm);
  // CONFIG_NUMA_BALANCING_DEFAULT_ENABLED: on by default when there is more than one node.
  nm.balancing = new NumaBalancing(k, nm);
  nm.balancing.register();
  k.engine.schedule(0, () => nm.balancing!.start());
  return nm;
}
