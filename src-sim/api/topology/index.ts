/**
 * Machine-topology import: hwloc XML (`lstopo --of xml`, formats 1.x, 2.x,
 * 3.0) and lscpu output (plain, -J, -e, --parse, --parse --physical) into a
 * machine description that maps onto the scenario's `machine:` section.
 */
import { importHwlocXml } from './hwloc';
import { importLscpu } from './lscpu';
import type { ImportedMachine } from './machine';

export { parseCpuList, formatCpuList, parseHwlocBitmap } from './cpulist';
export { importHwlocXml } from './hwloc';
export { importLscpu } from './lscpu';
export {
  defaultDistances,
  LOCAL_DISTANCE,
  REMOTE_DISTANCE,
  slitValid,
  toMachineSpec,
  TopologyImportError,
  type ImportedCpuGroup,
  type ImportedDisk,
  type ImportedMachine,
  type ImportedNic,
  type ImportedNode,
  type ToMachineSpecOptions,
  type TopologyFormat,
} from './machine';

/** Picks the importer from the content: XML (starts with "<") is hwloc, anything else lscpu. */
export function importTopology(text: string, file: string): ImportedMachine {
  return text.trimStart().startsWith('<') ? importHwlocXml(text, file) : importLscpu(text, file);
}
