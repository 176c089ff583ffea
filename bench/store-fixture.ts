import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseScenario } from '../src-sim/scenario/defaults';
import type { RunWriter, Session } from '../src-main/store/session';

/** A scratch directory removed by the returned function. */
export function scratch(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'klab-bench-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Stream `series × samples` values into a new run the way the worker sends
 * them: batches of full 1024-sample chunks, one batch per chunk round.
 */
export function writeRun(session: Session, series: number, samples: number, chunk = 1024): RunWriter {
  const w = session.beginRun({ appVersion: 'bench', scenario: baseScenario({ name: 'bench' }) });
  let x = 1;
  for (let start = 0; start < samples; start += chunk) {
    const n = Math.min(chunk, samples - start);
    const values = new Float64Array(series * n);
    for (let i = 0; i < values.length; i++) values[i] = x = (x * 16807) % 2147483647;
    w.addBatch({
      newSeries: start === 0 ? Array.from({ length: series }, (_, id) => ({ id, path: `/sys/fs/cgroup/g${id}/cpu.stat`, field: 'usage_usec', startIndex: 0 })) : [],
      entries: Array.from({ length: series }, (_, id) => ({ seriesId: id, startIndex: start, offset: id * n, count: n })),
      values,
    });
  }
  return w;
}
