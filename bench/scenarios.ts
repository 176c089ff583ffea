import type { Scenario } from '../src-sim/scenario/types';
import { blockNvmeScenario } from './block-nvme';
import { cpuReferenceScenario } from './cpu-reference';
import { mixedNodeScenario } from './mixed-node';
import { mmScaleScenario } from './mm-scale';
import { mmScaleNumaScenario } from './mm-scale-numa';

/**
 * The benchmark scenarios at reduced simulated durations, for golden outputs
 * (test/golden/bench-*.json): speed work on the hot paths they exercise must
 * leave their results byte-identical, and a short run keeps the test fast.
 * `node dist/bench.mjs --write-scenarios DIR` writes them as scenario files.
 */
export function goldenBenchScenarios(): Scenario[] {
  const named = (s: Scenario, name: string): Scenario => ({ ...s, name });
  return [
    named(cpuReferenceScenario(1), 'bench-cpu-reference'),
    named(blockNvmeScenario(1, 0.3), 'bench-block-nvme'),
    named(blockNvmeScenario(16, 0.3), 'bench-block-nvme-batch16'),
    named(mmScaleScenario(8, 3e9), 'bench-mm-scale'),
    named(mmScaleNumaScenario(8, 4e9), 'bench-mm-scale-numa'),
    named(mixedNodeScenario(1), 'bench-mixed-node'),
  ];
}
