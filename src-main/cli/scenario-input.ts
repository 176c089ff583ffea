import { readFileSync } from 'node:fs';
import { ScenarioError } from '../../src-sim/scenario/errors';
import { loadScenario } from '../../src-sim/scenario/load';
import type { Scenario } from '../../src-sim/scenario/types';
import { badInput } from './errors';

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  text: string;
}

/**
 * Read and resolve a scenario file (and the fio job files it names). Any problem is bad input (exit 2) with the
 * loader's `FILE:LINE:COL: path: expected…` lines.
 */
export function readScenarioFile(file: string): LoadedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw badInput(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // The loader resolves the paths a scenario names against its folder.
  const readFile = (p: string): string => readFileSync(p, 'utf8');
  try {
    return { scenario: loadScenario(text, file, { readFile }), file, text };
  } catch (e) {
    if (e instanceof ScenarioError) throw badInput(e.message);
    throw e;
  }
}
