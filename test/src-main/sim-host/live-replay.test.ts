import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src-sim/engine/event-log';
import { loadScenario } from '../../../src-sim/scenario/load';
import { WorkerPool, type RunHandle, type RunResult } from '../../../src-main/sim-host/pool';
import { replayScenario } from '../../../src-main/sim-host/run-driver';
import { fixture, repoRoot } from '../cli/spawn';

interface Collected {
  result: RunResult;
  values: Map<string, number[]>;
  log: LogEntry[];
}

/** Collect a run's series (by path:field, in sample order) and log. */
function collect(h: RunHandle): Promise<Collected> {
  const names = new Map<number, string>();
  const values = new Map<string, number[]>();
  const log: LogEntry[] = [];
  h.onBatch((b) => {
    for (const s of b.newSeries) names.set(s.id, `${s.path}:${s.field}`);
    for (const e of b.entries) {
      const k = names.get(e.seriesId)!;
      if (!values.has(k)) values.set(k, []);
      values.get(k)!.push(...b.values.subarray(e.offset, e.offset + e.count));
    }
  });
  h.onLog((e) => log.push(...e));
  return h.done.then((result) => ({ result, values, log }));
}

describe('live control through the real worker', () => {
  it('a live run with knob writes and its replay (scenario + recorded live actions) give identical results', async () => {
    const text = readFileSync(`${repoRoot}/${fixture('idle.yaml')}`, 'utf8');
    const scenario = { ...loadScenario(text, 'idle.yaml'), durationNs: 20e9, sampleIntervalNs: 1e6, record: ['/proc/diskstats', '/sys/block/sdb/stat'] };
    const pool = new WorkerPool({ size: 1 });
    const live = pool.start(scenario, { paused: true, pace: 20 });
    const liveDone = collect(live);
    const first = await live.act({ kind: 'write', path: '/sys/block/sdb/queue/scheduler', value: 'bfq' });
    expect(first).toMatchObject({ ok: true, action: { kind: 'write', atNs: 1 } });
    const refused = await live.act({ kind: 'write', path: '/sys/block/sdb/queue/scheduler', value: 'cfq' });
    expect(refused.ok).toBe(false);
    live.control({ type: 'resume' });
    await new Promise<void>((res) => live.onProgress((p) => p.simNs > 3e9 && res()));
    const second = await live.act({ kind: 'write', path: '/sys/block/sdb/queue/scheduler', value: 'kyber' });
    expect(second.ok).toBe(true);
    live.control({ type: 'pace', pace: null });
    const a = await liveDone;
    if (a.result.status !== 'complete') throw new Error(`live run ${a.result.status}`);
    expect(a.result.liveActions.map((x) => x.kind === 'write' && x.value)).toEqual(['bfq', 'kyber']);

    const b = await collect(pool.start(replayScenario(scenario, a.result.liveActions)));
    await pool.close();
    if (b.result.status !== 'complete') throw new Error(`replay ${b.result.status}`);
    expect(b.result.files).toEqual(a.result.files);
    expect(b.log).toEqual(a.log);
    expect([...b.values.entries()]).toEqual([...a.values.entries()]);
    expect(b.result.events).toBe(a.result.events);
  });
});
