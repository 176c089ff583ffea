/**
 * The scenario as a file (kernel-lab/scenario@1 YAML), in the app: the draft
 * written out through toScenarioFile (what `kernel-lab run` reads), and a
 * file or pasted text read through the same loader the CLI uses, so an
 * exported scenario opens back to the same scenario and a bad file is
 * refused with FILE:LINE:COL errors.
 */
import { stringify } from 'yaml';
import { loadScenario, ScenarioError, toScenarioFile, type Scenario, type ScenarioIssue } from '../../src-sim/api';

/** File name of an exported scenario: its name, lower case, runs of other characters as "-". */
export function scenarioFileName(s: Scenario): string {
  const base = s.name.toLowerCase().replace(/[^a-z0-9._]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
  return `${base}.yaml`;
}

export function scenarioYaml(s: Scenario): string {
  return stringify(toScenarioFile(s), { lineWidth: 0 });
}

export type OpenResult = { ok: true; scenario: Scenario } | { ok: false; issues: readonly ScenarioIssue[] };

/**
 * Reads a scenario file's text. A fio job named by path cannot be read here
 * (the app sees only the one file): the loader reports it at its line, and
 * the job can be pasted as `text:` instead.
 */
export function openScenarioText(text: string, fileName: string): OpenResult {
  try {
    const scenario = loadScenario(text, fileName, {
      readFile: (p) => {
        throw new Error(`${p}: the app opens one file; put the fio job in the scenario as "text:" instead of a path`);
      },
    });
    return { ok: true, scenario };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, issues: e.issues };
    return { ok: false, issues: [{ file: fileName, line: 0, col: 0, path: '', message: (e as Error).message }] };
  }
}
