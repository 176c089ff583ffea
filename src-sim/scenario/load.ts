import type { z } from 'zod';
import { ScenarioError, formatPath, type ScenarioIssue, type SourcePath } from './errors';
import { syntheticOrigins, type PathIssue } from './issues';
import { resolveScenario } from './resolve';
import { ALLOWED_KEYS_PREFIX, EXTENSION_PREFIX, ScenarioFileSchema } from './schema';
import { lineCol, offsetOf, parseSource, pathKey, type SourceDoc } from './source';
import type { Scenario } from './types';
import { closest } from './suggest';
import { show } from './units';
import { scenarioIssues } from './scenario-check';
import { resolvedIssues, warnings } from './validate';

export interface LoadOptions {
  /**
   * Reads a file the scenario names (a fio job), given the path resolved
   * against the scenario's folder. The host supplies it; the simulator does
   * no I/O. Throwing makes the path an issue.
   */
  readFile?: (path: string) => string;
  /** Boot a scratch kernel to check cgroup, sysctl and timeline writes (default true). */
  kernelChecks?: boolean;
  /** Told about things that load but look unintended (a task's group declared nowhere), after a successful load. */
  onWarning?: (warning: ScenarioIssue) => void;
}

/**
 * Parse, check and resolve a scenario file (YAML, or JSON by extension or
 * content). Returns the resolved Scenario; throws ScenarioError listing every
 * problem as FILE:LINE:COL: path: message, and nothing else for bad input.
 */
export function loadScenario(text: string, fileName: string, opts: LoadOptions = {}): Scenario {
  const doc = parseSource(text, fileName);
  echoSourceText(doc);
  return check(doc.value, fileName, opts, doc);
}

/**
 * The same checks on an already-parsed value (an editor form, a scenario
 * sent over IPC). Issues carry no line/col (0).
 */
export function validateScenario(value: unknown, opts: LoadOptions & { fileName?: string } = {}): Scenario {
  return check(value, opts.fileName ?? 'scenario', opts, null);
}

/**
 * Kernel-level checks for a Scenario built in code (presets, the renderer's
 * editor): boot-time and timeline writes the kernel would refuse, plus the
 * semantic rules. Paths name the resolved fields.
 */
export function checkResolvedScenario(s: Scenario): ScenarioIssue[] {
  const issues = resolvedIssues(s);
  try {
    issues.push(...scenarioIssues(s, syntheticOrigins(s), { earlier: issues }));
  } catch (e) {
    // An editor calls this on every change: a draft the simulator cannot
    // boot is one more issue to show, not an exception.
    if (!(e instanceof Error)) throw e;
    issues.push({ path: [], message: `the simulator cannot boot this scenario: ${e.message}` });
  }
  return place(issues, s.name, null);
}

function check(value: unknown, file: string, opts: LoadOptions, doc: SourceDoc | null): Scenario {
  if (value === null || value === undefined) {
    throw new ScenarioError(place([{ path: [], message: 'expected a scenario mapping (at least "duration: 10s"), got an empty file' }], file, doc));
  }
  const parsed = ScenarioFileSchema.safeParse(withoutExtensions(value), { reportInput: true, error: fallbackMessage });
  if (!parsed.success) throw new ScenarioError(place(parsed.error.issues.flatMap(fromZod), file, doc));
  const { scenario, origins, issues } = resolveScenario(parsed.data, { fileName: file, ...(opts.readFile ? { readFile: opts.readFile } : {}) });
  issues.push(...scenarioIssues(scenario, origins, { kernelChecks: opts.kernelChecks, earlier: issues }));
  if (issues.length) throw new ScenarioError(place(issues, file, doc));
  if (opts.onWarning) for (const w of place(warnings(scenario), file, doc)) opts.onWarning(w);
  return scenario;
}

/**
 * Values written to kernel files take the text as written: an unquoted
 * `0x10` or `1e3` in YAML/JSON is written as those characters, as `echo`
 * would, not as the number the parser made of it.
 */
function echoSourceText(doc: SourceDoc): void {
  const v = doc.value;
  if (!isRecord(v)) return;
  const fix = (obj: unknown, base: SourcePath): void => {
    if (!isRecord(obj)) return;
    for (const key of Object.keys(obj)) {
      const raw = doc.spans.get(pathKey([...base, key]))?.raw;
      if (raw !== undefined && typeof obj[key] !== 'string' && obj[key] !== null) obj[key] = raw;
    }
  };
  if (isRecord(v.cgroups)) for (const g of Object.keys(v.cgroups)) fix(v.cgroups[g], ['cgroups', g]);
  if (isRecord(v.kernel)) fix(v.kernel.sysctl, ['kernel', 'sysctl']);
  if (Array.isArray(v.timeline)) v.timeline.forEach((a, i) => isRecord(a) && fix(a.write, ['timeline', i, 'write']));
}

/**
 * Top-level keys starting with "x-" are the file's own (YAML anchors for
 * task templates, notes), as in Compose files; the loader ignores them.
 */
function withoutExtensions(v: unknown): unknown {
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith(EXTENSION_PREFIX)));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fromZod(iss: z.core.$ZodIssue): PathIssue[] {
  const path = iss.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (iss.code === 'unrecognized_keys') {
    const known = iss.message.startsWith(ALLOWED_KEYS_PREFIX) ? iss.message.slice(ALLOWED_KEYS_PREFIX.length).split(', ') : [];
    return iss.keys.map((k) => {
      const hint = closest(k, known);
      const allowed = known.length ? ` (${hint ? `did you mean ${JSON.stringify(hint)}? ` : ''}${iss.message})` : '';
      return { path: [...path, k], part: 'key' as const, message: `unknown key ${JSON.stringify(k)}${allowed}` };
    });
  }
  if (iss.code === 'invalid_union' && 'options' in iss && Array.isArray(iss.options) && 'discriminator' in iss) {
    const input = isRecord(iss.input) ? iss.input[String(iss.discriminator)] : undefined;
    const at = path[path.length - 1] === iss.discriminator ? path : [...path, String(iss.discriminator)];
    const what = `one of ${(iss.options as unknown[]).map(String).join(', ')}`;
    return [{ path: at, message: input === undefined ? `required: expected ${what}` : `expected ${what}, got ${show(input)}` }];
  }
  return [{ path, message: iss.message }];
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** Messages for issues whose schema gives none of its own. */
function fallbackMessage(iss: z.core.$ZodRawIssue): string | undefined {
  const got = iss.input === undefined ? '' : `, got ${show(iss.input)}`;
  switch (iss.code) {
    case 'invalid_type': {
      const what = TYPE_NAMES[iss.expected] ?? iss.expected;
      return iss.input === undefined ? `required: expected ${what}` : `expected ${what}${got}`;
    }
    case 'invalid_value':
      return `expected ${iss.values.length === 1 ? JSON.stringify(iss.values[0]) : `one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`}${got}`;
    case 'too_small':
      return iss.origin === 'array' ? `expected at least ${String(iss.minimum)} entries` : `expected at least ${String(iss.minimum)}${got}`;
    case 'too_big':
      return iss.origin === 'array' ? `expected at most ${String(iss.maximum)} entries` : `expected at most ${String(iss.maximum)}${got}`;
    default:
      return undefined;
  }
}

function place(issues: PathIssue[], file: string, doc: SourceDoc | null): ScenarioIssue[] {
  const placed = issues.map((i) => {
    const pos = doc ? lineCol(doc.lineStarts, offsetOf(doc, i.path, i.part ?? 'value')) : { line: 0, col: 0 };
    return { file, line: pos.line, col: pos.col, path: formatPath(i.path), message: i.message };
  });
  const seen = new Set<string>();
  return placed
    .filter((i) => {
      const k = `${i.line}:${i.col}:${i.path}:${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
