import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ScenarioError, type ScenarioIssue, type SourcePath } from './errors';
import { parseJsonWithPositions } from './json-source';

/** Where one value (and its key, inside a mapping) starts in the text, and its plain source text. */
export interface SourceSpan {
  key?: number;
  value: number;
  /** Source text of a plain (unquoted) scalar that is not a string: what `echo` would write. */
  raw?: string;
}

/** A parsed scenario file: the data plus a map from paths to text offsets. */
export interface SourceDoc {
  file: string;
  value: unknown;
  spans: Map<string, SourceSpan>;
  lineStarts: number[];
}

/**
 * Scenario files are a few KiB; the limit keeps parsing (linear, about 2 s
 * per MiB of YAML on a slow core) and the editor's copy of the text small.
 */
export const MAX_SCENARIO_CHARS = 1024 * 1024;
/** A scenario is a few levels deep; deeper input is refused before anything recurses over it. */
const MAX_DEPTH = 200;
const MERGE_KEY = '<<';

export function pathKey(path: SourcePath): string {
  return JSON.stringify(path);
}

/** JSON by extension (.json), YAML by extension (.yaml/.yml); otherwise JSON when the text parses as JSON. */
export function looksLikeJson(text: string, fileName: string): boolean {
  if (/\.json$/i.test(fileName)) return true;
  if (/\.ya?ml$/i.test(fileName)) return false;
  if (!/^\s*[{[]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function parseSource(source: string, file: string): SourceDoc {
  // A UTF-8 byte-order mark (Windows editors write one) is not content; editors do not count it as a column either.
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (text.length > MAX_SCENARIO_CHARS) {
    throw new ScenarioError([{ file, line: 0, col: 0, path: '', message: `expected a scenario file of at most ${MAX_SCENARIO_CHARS} characters (1 MiB), got ${text.length}` }]);
  }
  const lineStarts = computeLineStarts(text);
  if (looksLikeJson(text, file)) {
    const r = parseJsonWithPositions(text);
    if ('error' in r) throw new ScenarioError([issueAt(file, lineStarts, r.offset, `invalid JSON: ${r.error}`)]);
    return { file, value: r.value, spans: r.spans, lineStarts };
  }
  // merge: `<<: *defaults` lets many similar tasks share one template.
  // uniqueKeys: false, because the package compares every key with every
  // other one of its mapping (100 k keys took minutes); walkYaml finds
  // duplicates with a Set instead.
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false, prettyErrors: false, merge: true });
  if (doc.errors.length) {
    throw new ScenarioError(doc.errors.map((e) => issueAt(file, lineStarts, e.pos[0], `invalid YAML: ${yamlMessage(e.code, e.message, text, e.pos[0])}`)));
  }
  const spans = new Map<string, SourceSpan>();
  const problems: { at: number; message: string }[] = [];
  if (doc.contents) walkYaml(doc.contents, [], text, spans, problems);
  if (problems.length) throw new ScenarioError(problems.map((p) => issueAt(file, lineStarts, p.at, `invalid YAML: ${p.message}`)));
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ScenarioError([issueAt(file, lineStarts, 0, `invalid YAML: ${(e as Error).message}`)]);
  }
  return { file, value, spans, lineStarts };
}

/** The yaml package's message, minus its position suffix and its API advice. */
function yamlMessage(code: string, message: string, text: string, at: number): string {
  if (code === 'DUPLICATE_KEY') {
    const key = /^\s*("[^"]*"|'[^']*'|[^:\n]*?)\s*:/.exec(text.slice(at))?.[1];
    return key ? `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : JSON.stringify(key)} (each key once per mapping)` : 'duplicate key (each key once per mapping)';
  }
  if (/call stack/i.test(message)) return `nesting deeper than ${MAX_DEPTH} levels`;
  if (code === 'MULTIPLE_DOCS') return 'a scenario file holds one document; remove the "---" separator';
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function walkYaml(node: Node, path: (string | number)[], text: string, spans: Map<string, SourceSpan>, problems: { at: number; message: string }[], keyOffset?: number): void {
  const start = node.range?.[0] ?? 0;
  if (path.length > MAX_DEPTH) {
    problems.push({ at: start, message: `nesting deeper than ${MAX_DEPTH} levels` });
    return;
  }
  const span: SourceSpan = { value: start };
  if (keyOffset !== undefined) span.key = keyOffset;
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value !== 'string' && node.range) {
    span.raw = text.slice(node.range[0], node.range[1]);
  }
  spans.set(pathKey(path), span);
  if (isMap(node)) {
    const keys = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const k = String(pair.key.value);
      const keyAt = pair.key.range?.[0] ?? start;
      if (keys.has(k) && k !== MERGE_KEY) problems.push({ at: keyAt, message: yamlMessage('DUPLICATE_KEY', '', text, keyAt) });
      keys.add(k);
      if (pair.value && (isScalar(pair.value) || isMap(pair.value) || isSeq(pair.value) || isAlias(pair.value))) {
        walkYaml(pair.value as Node, [...path, k], text, spans, problems, keyAt);
      } else {
        // `key:` with no value: null, placed at the key.
        spans.set(pathKey([...path, k]), { key: keyAt, value: keyAt });
      }
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      if (isScalar(item) || isMap(item) || isSeq(item) || isAlias(item)) walkYaml(item as Node, [...path, i], text, spans, problems);
    });
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of a text offset. */
export function lineCol(lineStarts: readonly number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - lineStarts[lo]! + 1 };
}

function issueAt(file: string, lineStarts: readonly number[], offset: number, message: string): ScenarioIssue {
  return { file, ...lineCol(lineStarts, offset), path: '', message };
}

/**
 * The text offset for a path: the key when asked (or when the value is
 * missing), else the value. A path that does not exist (a required key that
 * is absent) falls back to its nearest existing ancestor.
 */
export function offsetOf(doc: SourceDoc, path: SourcePath, part: 'key' | 'value'): number {
  for (let n = path.length; n >= 0; n--) {
    const span = doc.spans.get(pathKey(path.slice(0, n)));
    if (!span) continue;
    if (n < path.length) return span.value;
    return part === 'key' && span.key !== undefined ? span.key : span.value;
  }
  return 0;
}
