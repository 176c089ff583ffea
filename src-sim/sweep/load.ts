import { z } from 'zod';
import { ScenarioError, formatPath, type ScenarioIssue, type SourcePath } from '../scenario/errors';
import { lineCol, offsetOf, parseSource, type SourceDoc } from '../scenario/source';
import { parseDuration } from '../scenario/units';
import { SWEEP_FORMAT, type Knob, type Metric, type SweepSpec } from './types';

/** More points than this is a typo, not an experiment (the whole product is enumerated). */
export const MAX_POINTS = 10_000;
export const MAX_SEEDS = 10_000;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const keyPath = z.union([z.string().min(1), z.array(z.union([z.string(), z.number().int().nonnegative()])).min(1)]);

const KnobSchema = z.union([
  z.strictObject({ file: z.string().startsWith('/', 'expected an absolute virtual file path like /proc/sys/vm/dirty_ratio'), label: z.string().optional(), values: z.array(scalar).min(1) }),
  z.strictObject({ key: keyPath, label: z.string().optional(), values: z.array(scalar).min(1) }),
]);

const SweepFileSchema = z.strictObject({
  format: z.literal(SWEEP_FORMAT),
  name: z.string().min(1),
  description: z.string().optional(),
  scenario: z.string().min(1),
  duration: z.union([z.string(), z.number()]).optional(),
  seeds: z.union([z.string(), z.array(z.number().int().nonnegative()).min(1)]).optional(),
  knobs: z.array(z.unknown()).max(2, 'expected at most two knobs (a line or a heatmap)').optional(),
  metrics: z.array(z.string()).min(1),
});

/** "1..30" (inclusive) or "1,2,5": the seeds of `--seeds` and of a sweep file. */
export function parseSeeds(text: string): number[] | string {
  const t = text.trim();
  const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(t);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b < a) return `expected FIRST..LAST with FIRST ≤ LAST, got "${text}"`;
    if (b - a + 1 > MAX_SEEDS) return `expected at most ${MAX_SEEDS} seeds, got ${b - a + 1}`;
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (/^\d+(\s*,\s*\d+)*$/.test(t)) {
    const seeds = t.split(',').map((s) => Number(s.trim()));
    if (new Set(seeds).size !== seeds.length) return `expected each seed once, got "${text}"`;
    return seeds;
  }
  return `expected seeds as FIRST..LAST (e.g. 1..30) or a list (e.g. 1,2,5), got "${text}"`;
}

/**
 * "/sys/block/sda/stat:0", "/sys/fs/cgroup/a/io.stat:8:0.rbytes",
 * "/sys/kernel/debug/bdi/8:16/stats:BdiWritten" → path and field: split at the
 * first ':' after the last '/' (directories may hold ':', fields never hold '/').
 */
export function parseMetric(text: string): Metric | string {
  const at = text.indexOf(':', text.lastIndexOf('/'));
  const path = at < 0 ? text : text.slice(0, at);
  if (!path.startsWith('/')) return `expected PATH:FIELD with an absolute virtual file path (e.g. /proc/vmstat:pgscan_direct), got "${text}"`;
  return { path, field: at < 0 ? '' : text.slice(at + 1), label: text };
}

/**
 * Parse and check a sweep file; problems are reported like a scenario's
 * (`FILE:LINE:COL: path: expected…`, every one at once) as a ScenarioError.
 * The scenario it names is not read here (the host resolves it against the
 * sweep file's folder).
 */
export function loadSweep(text: string, file: string): SweepSpec {
  const doc = parseSource(text, file);
  const issues: { path: SourcePath; message: string; part?: 'key' | 'value' }[] = [];
  if (doc.value === null || doc.value === undefined) {
    throw new ScenarioError(place([{ path: [], message: `expected a sweep mapping (format: ${SWEEP_FORMAT}, scenario, metrics), got an empty file` }], doc));
  }
  const parsed = SweepFileSchema.safeParse(doc.value);
  if (!parsed.success) {
    throw new ScenarioError(place(parsed.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: zodMessage(i) })), doc));
  }
  const f = parsed.data;
  let durationNs: number | null = null;
  if (f.duration !== undefined) {
    try {
      durationNs = parseDuration(f.duration);
    } catch (e) {
      issues.push({ path: ['duration'], message: (e as Error).message });
    }
  }
  let seeds: number[] = [1];
  if (typeof f.seeds === 'string') {
    const s = parseSeeds(f.seeds);
    if (typeof s === 'string') issues.push({ path: ['seeds'], message: s });
    else seeds = s;
  } else if (f.seeds) {
    if (new Set(f.seeds).size !== f.seeds.length) issues.push({ path: ['seeds'], message: 'expected each seed once' });
    seeds = f.seeds;
  }
  const knobs: Knob[] = [];
  (f.knobs ?? []).forEach((raw, i) => {
    const k = KnobSchema.safeParse(raw);
    if (!k.success) {
      for (const iss of k.error.issues) {
        const at = ['knobs', i, ...iss.path.filter((p): p is string | number => typeof p !== 'symbol')];
        if (iss.code === 'unrecognized_keys') {
          for (const key of iss.keys) issues.push({ path: [...at, key], part: 'key', message: `unknown key ${JSON.stringify(key)} (a knob has file or key, values, and optionally label)` });
        } else issues.push({ path: at, message: knobMessage(iss, raw) });
      }
      return;
    }
    const v = k.data;
    if ('file' in v) {
      knobs.push({ kind: 'file', path: v.file, label: v.label ?? v.file.slice(v.file.lastIndexOf('/') + 1), values: v.values.map(String) });
    } else {
      const key = typeof v.key === 'string' ? v.key.split('.') : v.key;
      if (key[0] === 'format' || key[0] === 'seed') issues.push({ path: ['knobs', i, 'key'], message: `"${key[0]}" cannot be swept (seeds are the sweep's "seeds")` });
      knobs.push({ kind: 'key', key, label: v.label ?? formatPath(key), values: v.values });
    }
  });
  const labels = knobs.map((k) => k.label);
  labels.forEach((l, i) => {
    if (labels.indexOf(l) !== i) issues.push({ path: ['knobs', i], message: `two knobs are labelled "${l}"; give one a "label"` });
  });
  const points = knobs.reduce((n, k) => n * k.values.length, 1);
  if (points > MAX_POINTS) issues.push({ path: ['knobs'], message: `expected at most ${MAX_POINTS} points, got ${points}` });
  const metrics: Metric[] = [];
  f.metrics.forEach((m, i) => {
    const r = parseMetric(m);
    if (typeof r === 'string') issues.push({ path: ['metrics', i], message: r });
    else metrics.push(r);
  });
  if (issues.length) throw new ScenarioError(place(issues, doc));
  return { format: SWEEP_FORMAT, name: f.name, description: f.description ?? '', scenario: f.scenario, durationNs, seeds, knobs, metrics };
}

function zodMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') return `unknown key ${i.keys.map((k) => JSON.stringify(k)).join(', ')} (expected format, name, description, scenario, duration, seeds, knobs, metrics)`;
  if (i.code === 'invalid_value' && i.path[0] === 'format') return `expected "${SWEEP_FORMAT}"`;
  if (i.code === 'invalid_type') return `expected ${i.expected === 'array' ? 'a list' : i.expected === 'object' ? 'a mapping' : `a ${i.expected}`}`;
  return i.message;
}

function knobMessage(i: z.core.$ZodIssue, raw: unknown): string {
  if (i.code === 'invalid_union') {
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? 'expected a knob { file: /virtual/path, values: [...] } or { key: scenario.key, values: [...] } (one of file or key, no other keys but label)'
      : 'expected a knob mapping { file: /virtual/path, values: [...] } or { key: scenario.key, values: [...] }';
  }
  return zodMessage(i);
}

function place(issues: { path: SourcePath; message: string; part?: 'key' | 'value' }[], doc: SourceDoc): ScenarioIssue[] {
  return issues
    .map((i) => ({ file: doc.file, ...lineCol(doc.lineStarts, offsetOf(doc, i.path, i.part ?? 'value')), path: formatPath(i.path), message: i.message }))
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
