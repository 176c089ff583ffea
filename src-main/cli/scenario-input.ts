import { ScenarioError } from '../../src-sim/scenario/errors';
import { loadScenario } from '../../src-sim/scenario/load';
import type { Scenario } from '../../src-sim/scenario/types';
import { badInput } from './errors';
import { confinedReader, InputFileError, readRegularFile } from './read-input';

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  text: string;
}

/**
 * Read and resolve a scenario file (and the fio job files it names, from its
 * own folder or from `allowed` paths named on the command line). Any problem
 * is bad input (exit 2) with the loader's `FILE:LINE:COL: path: expected…` lines.
 */
export function readScenarioFile(file: string, allowed: readonly string[] = []): LoadedScenario {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (e) {
    if (e instanceof InputFileError) throw badInput(e.message);
    throw e;
  }
  try {
    return { scenario: loadScenario(text, file, { readFile: confinedReader(file, allowed) }), file, text };
  } catch (e) {
    if (e instanceof ScenarioError) throw badInput(e.message);
    throw e;
  }
}
