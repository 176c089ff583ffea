import { parseFields } from '../../src-sim/vfs/fields';
import { meanCi, type MeanCi } from './stats';

/** Every numeric field of every final file ("PATH:FIELD") → its values across runs, in run order. */
export function finalFieldValues(runs: readonly { files: Record<string, string> }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of runs) {
    for (const [path, text] of Object.entries(r.files)) {
      for (const [field, v] of parseFields(text)) {
        const k = `${path}:${field}`;
        let xs = out.get(k);
        if (!xs) out.set(k, (xs = []));
        xs.push(v);
      }
    }
  }
  return out;
}

/** Mean and 95 % CI of every final field across replications (JSON-ready: non-finite → null). */
export function aggregateFinalFields(runs: readonly { files: Record<string, string> }[]): Record<string, { n: number; mean: number | null; sd: number | null; ci95: [number | null, number | null] }> {
  const out: Record<string, { n: number; mean: number | null; sd: number | null; ci95: [number | null, number | null] }> = {};
  for (const [k, xs] of finalFieldValues(runs)) {
    const m: MeanCi = meanCi(xs);
    out[k] = { n: m.n, mean: finite(m.mean), sd: finite(m.sd), ci95: [finite(m.lo), finite(m.hi)] };
  }
  return out;
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
