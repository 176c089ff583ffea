import { loadScenario, type LoadOptions } from '../../../src-sim/scenario/load';
import { ScenarioError, type ScenarioIssue } from '../../../src-sim/scenario/errors';

/** The issues a load reports (empty when it loads). Anything but a ScenarioError is rethrown. */
export function issuesOf(text: string, file = 'cpu.yaml', opts: LoadOptions = {}): ScenarioIssue[] {
  try {
    loadScenario(text, file, opts);
    return [];
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.issues];
    throw e;
  }
}

/** One issue as the tests write it: "FILE:LINE:COL: path: message". */
export function lines(issues: readonly ScenarioIssue[]): string[] {
  return issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.path}: ${i.message}`);
}
