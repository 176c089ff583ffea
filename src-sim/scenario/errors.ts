/** A path inside the scenario file: keys and list indices from the root. */
export type SourcePath = readonly (string | number)[];

/** One problem with a scenario, placed in its file. line/col are 1-based; 0 when there is no source text. */
export interface ScenarioIssue {
  file: string;
  line: number;
  col: number;
  /** Formatted path ("tasks[1].run.busy", 'cgroups["/web"]["cpu.max"]'), "" for the whole file. */
  path: string;
  message: string;
}

/** `FILE:LINE:COL: path.in.file: what was expected` (parts that are unknown are left out). */
export function formatIssue(i: ScenarioIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.col}` : i.file;
  return i.path ? `${where}: ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

/** Every problem found in a scenario file; the message lists them one per line, in file order. */
export class ScenarioError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** ["tasks", 1, "run", "busy"] → "tasks[1].run.busy"; keys that are not identifiers are quoted: cgroups["/web"]. */
export function formatPath(path: SourcePath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
