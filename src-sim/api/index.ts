/**
 * The simulator's public surface for hosts (src-main) and the renderer:
 * scenario types, the file schema (zod and JSON Schema), unit and CPU-list
 * helpers, and the pure loader/validator. Everything here is pure: no I/O,
 * no Node, no DOM. A host that loads a scenario passes `readFile` for the
 * fio job files it names.
 */
export type * from '../scenario/types';
export { SCENARIO_FORMAT } from '../scenario/types';
export { baseScenario, flatMachine, taskSpec } from '../scenario/defaults';

export {
  ScenarioFileSchema,
  scenarioJsonSchema,
  RUN_TYPES,
  SCHED_POLICIES,
  BLOCK_DEVICE_TYPES,
  type ScenarioFile,
  type ScenarioFileInput,
} from '../scenario/schema';

export {
  parseDuration,
  formatDuration,
  parseSize,
  formatSize,
  parseRate,
  formatRate,
  parseBandwidth,
  formatBandwidth,
  UnitError,
  EXPECT_DURATION,
  EXPECT_SIZE,
  EXPECT_RATE,
  EXPECT_BANDWIDTH,
} from '../scenario/units';

export { parseCpuList, formatCpuList, NR_CPUS_MAX, EXPECT_CPULIST } from '../scenario/cpulist';

export { loadScenario, validateScenario, checkResolvedScenario, type LoadOptions } from '../scenario/load';
export { parseSeeds } from '../sweep/load';
export { ScenarioError, formatIssue, formatPath, type ScenarioIssue, type SourcePath } from '../scenario/errors';
export { DEFAULTS, partitionName, normalizeCgroupPath } from '../scenario/resolve';
export { renderFioOptions } from '../scenario/fio-inline';
export { toScenarioFile } from '../scenario/to-file';
export { resolveRelative } from '../scenario/paths';
export { NIC_MODELS, NIC_TYPES, defaultNic } from './nic';

export { memoryBlockLayout, memoryBlockSize, type BlockPlace } from '../kernel/mm/memory-block-layout';
