import { parseDocument } from 'yaml';
import { ScenarioError } from '../scenario/errors';
import { loadScenario, type LoadOptions } from '../scenario/load';
import { looksLikeJson } from '../scenario/source';
import type { Scenario } from '../scenario/types';
import type { Knob, SweepPoint, SweepSpec } from './types';

/** Every combination of knob values, the first knob outermost (row-major for a heatmap). */
export function sweepPoints(spec: Pick<SweepSpec, 'knobs'>): SweepPoint[] {
  let points: SweepPoint[] = [{ index: 0, values: {} }];
  for (const k of spec.knobs) {
    points = points.flatMap((p) => (k.values as (string | number | boolean)[]).map((v) => ({ index: 0, values: { ...p.values, [k.label]: v } })));
  }
  return points.map((p, index) => ({ ...p, index }));
}

/** The point's run name: "scenario [read_expire=50] seed 3". */
export function pointName(base: string, point: SweepPoint, seed: number): string {
  const knobs = Object.entries(point.values).map(([k, v]) => `${k}=${String(v)}`);
  return `${base}${knobs.length ? ` [${knobs.join(' ')}]` : ''} seed ${seed}`;
}

export type PointScenario = { ok: true; scenario: Scenario } | { ok: false; error: string };

/**
 * The resolved scenario of one point: the base scenario file with the seed
 * set (and the duration overridden, as `run --duration` does), every key knob set in the document and every file knob
 * appended to the timeline as a write at t = 0 (after the scenario's own t = 0
 * writes, so it wins). The result goes through the full loader, so a value
 * the kernel refuses (a write at boot) or the format rejects is this point's
 * error — the kernel's own message, placed in the generated text — and the
 * other points go on.
 */
export function pointScenario(
  base: { text: string; file: string },
  knobs: readonly Knob[],
  point: SweepPoint,
  seed: number,
  durationNs: number | null,
  opts: Pick<LoadOptions, 'readFile'> = {},
): PointScenario {
  const doc = parseDocument(base.text, { merge: true, uniqueKeys: true });
  if (doc.errors.length) return { ok: false, error: `${base.file}: ${doc.errors[0]!.message}` };
  doc.set('seed', seed);
  const writes: Record<string, string> = {};
  for (const k of knobs) {
    const v = point.values[k.label]!;
    if (k.kind === 'key') doc.setIn(k.key, v);
    else writes[k.path] = String(v);
  }
  if (Object.keys(writes).length) {
    const timeline = doc.get('timeline');
    const action = doc.createNode({ at: '0s', write: writes });
    if (timeline === undefined || timeline === null) doc.set('timeline', doc.createNode([{ at: '0s', write: writes }]));
    else doc.addIn(['timeline'], action);
  }
  // Same name as the base file, so relative fio job paths resolve against its folder; JSON stays JSON.
  const text = looksLikeJson(base.text, base.file) ? JSON.stringify(doc.toJS()) : doc.toString();
  try {
    const scenario = loadScenario(text, base.file, opts);
    // As `kernel-lab run --duration`: the run stops there; later timeline actions do not happen.
    return { ok: true, scenario: durationNs === null ? scenario : { ...scenario, durationNs } };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, error: e.message };
    throw e;
  }
}
