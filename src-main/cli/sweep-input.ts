import { dirname, isAbsolute, join } from 'node:path';
import { ScenarioError } from '../../src-sim/scenario/errors';
import { loadSweep } from '../../src-sim/sweep/load';
import type { SweepSpec } from '../../src-sim/sweep/types';
import { badInput } from './errors';
import { readInputFile } from './read-input';
import { readScenarioFile, type LoadedScenario } from './scenario-input';

/** Read and check a sweep file and the scenario it names (relative to the sweep's folder); problems are bad input (exit 2). */
export function readSweepFile(file: string): { spec: SweepSpec; base: LoadedScenario } {
  const text = readInputFile(file);
  let spec: SweepSpec;
  try {
    spec = loadSweep(text, file);
  } catch (e) {
    if (e instanceof ScenarioError) throw badInput(e.message);
    throw e;
  }
  const scenarioPath = isAbsolute(spec.scenario) ? spec.scenario : join(dirname(file), spec.scenario);
  return { spec, base: readScenarioFile(scenarioPath) };
}
