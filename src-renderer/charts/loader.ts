/**
 * Loads series windows for charts: asks the service for [t0, t1] reduced to
 * about one point per pixel (min/max-preserving), caches recent answers, and
 * applies the panel's transform (rate for counters). The option builder then
 * receives plain arrays.
 */
import type { Req, Res, RunInfo, SeriesMeta } from '../../src-main/ipc/contract.ts';
import type { LineSeries } from './line-option';
import { rate } from './line-option';
import { seriesLabel, type PanelDef } from './panels';

export type WindowCall = (req: Req<'query/window'>) => Promise<Res<'query/window'>>;

export interface RunCatalogue {
  run: RunInfo;
  series: SeriesMeta[];
}

const cache = new Map<string, Res<'query/window'>>();
const MAX_CACHE = 64;

export async function loadWindow(call: WindowCall, req: Req<'query/window'>): Promise<Res<'query/window'>> {
  const key = JSON.stringify(req);
  const hit = cache.get(key);
  if (hit) return hit;
  const res = await call(req);
  cache.set(key, res);
  if (cache.size > MAX_CACHE) cache.delete(cache.keys().next().value!);
  return res;
}

export function clearWindowCache(): void {
  cache.clear();
}

/** Series of one panel for several runs, named "run · series". */
export async function loadPanel(
  call: WindowCall,
  runs: readonly RunCatalogue[],
  pick: (c: readonly SeriesMeta[]) => SeriesMeta[],
  panel: Pick<PanelDef, 'transform' | 'scale'>,
  window: { t0Ns: number; t1Ns: number } | null,
  points: number,
): Promise<LineSeries[]> {
  const out: LineSeries[] = [];
  for (const rc of runs) {
    const picked = pick(rc.series);
    if (picked.length === 0) continue;
    const res = await loadWindow(call, {
      runId: rc.run.id,
      seriesIds: picked.map((s) => s.id),
      t0Ns: window?.t0Ns ?? 0,
      t1Ns: window?.t1Ns ?? rc.run.durationNs,
      points,
      method: 'minmax',
    });
    for (const sp of res.series) {
      const meta = picked.find((p) => p.id === sp.id);
      const base = panel.transform === 'rate' ? rate(sp.t, sp.v) : { t: sp.t, v: sp.v };
      const scale = panel.scale ?? 1;
      out.push({ name: `${rc.run.name} · ${meta ? seriesLabel(meta) : sp.id}`, t: base.t, v: scale === 1 ? base.v : base.v.map((x) => (x === null ? null : x * scale)) });
    }
  }
  return out;
}
