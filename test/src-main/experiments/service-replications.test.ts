import { afterAll, expect, test } from 'vitest';
import type { ExperimentProgressEvent, RunInfo } from '../../../src-main/ipc/contract';
import { meanCi } from '../../../src-main/experiments/stats';
import { loadScenario } from '../../../src-sim/scenario/load';
import { readFileSync } from 'node:fs';
import { makeLab, until } from '../fixtures/lab';

const f = makeLab();
afterAll(() => f.dispose());

const SCEN = 'test/src-main/experiments/fixtures/randread.yaml';

test('replications through the service: one stored run per seed, progress to done, bands = mean ± CI of the runs, Welch on a final value', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'repl.klab' });
  const progress: ExperimentProgressEvent[] = [];
  const ends = new Map<string, RunInfo>();
  c.on('onExperimentProgress', (p) => progress.push(p));
  c.on('onRunStatus', (e) => ['complete', 'failed', 'cancelled'].includes(e.run.status) && ends.set(e.run.id, e.run));
  const scenario = { ...loadScenario(readFileSync(SCEN, 'utf8'), SCEN, { readFile: (p) => readFileSync(p, 'utf8') }), durationNs: 5e8 };
  const a = await c.call('experiment/replicate', { scenario, seeds: [1, 2, 3] });
  await until(() => a.runIds.every((id) => ends.has(id)), 60_000, 'replications to end');
  await until(() => progress.some((p) => p.experimentId === a.experimentId && p.finished), 5000, 'final progress');
  const mine = progress.filter((p) => p.experimentId === a.experimentId);
  expect(mine[0]).toMatchObject({ done: 0, total: 3, etaMs: null });
  expect(mine.at(-1)).toMatchObject({ done: 3, total: 3, failed: 0, finished: true });
  expect(mine.map((p) => p.done)).toEqual([0, 1, 2, 3]);
  const runs = (await c.call('run/list', {})).runs;
  expect(runs.filter((r) => a.runIds.includes(r.id)).map((r) => r.name).sort()).toEqual(['randread seed 1', 'randread seed 2', 'randread seed 3']);

  // Bands: at every sample, mean and 95 % CI of the three runs' values (points ≥ samples: no bucketing).
  const bands = await c.call('query/bands', { runIds: a.runIds, path: '/sys/block/sda/stat', field: '0', points: 1000 });
  expect(bands.runs).toBe(3);
  const cat = await c.call('query/series', { runId: a.runIds[0]! });
  const perRun = await Promise.all(
    a.runIds.map(async (runId) => {
      const s = (await c.call('query/series', { runId })).series.find((x) => x.path === '/sys/block/sda/stat' && x.field === '0')!;
      return (await c.call('query/window', { runId, seriesIds: [s.id], t0Ns: 0, t1Ns: 1e15, points: 100_000, method: 'minmax' })).series[0]!.v;
    }),
  );
  expect(cat.sampleIntervalNs).toBe(50e6);
  const last = bands.mean.length - 1;
  const m = meanCi(perRun.map((v) => v.at(-1)!));
  expect(bands.mean[last]).toBeCloseTo(m.mean, 9);
  expect(bands.lo[last]).toBeCloseTo(m.lo, 9);
  expect(bands.hi[last]).toBeCloseTo(m.hi, 9);
  expect(bands.hi[last]!).toBeGreaterThan(bands.lo[last]!);

  // B: twice the readers' cgroup quota does not change the reads much, but it does change the hog's CPU: significant.
  const b = await c.call('experiment/replicate', {
    scenario: { ...scenario, cgroups: scenario.cgroups.map((g) => (g.path === '/web' ? { ...g, writes: [['cpu.max', '90000 100000'] as [string, string]] } : g)) },
    seeds: [1, 2, 3],
    name: 'more quota',
  });
  await until(() => b.runIds.every((id) => ends.has(id)), 60_000, 'B to end');
  const w = await c.call('stats/welch', { a: a.runIds, b: b.runIds, path: '/sys/fs/cgroup/web/cpu.stat', field: 'usage_usec' });
  expect(w.significant).toBe(true);
  expect(w.difference).toBeGreaterThan(0);
  expect(w.statement).toMatch(/^\/sys\/fs\/cgroup\/web\/cpu\.stat:usage_usec: B − A = /);
  const reads = await c.call('stats/welch', { a: a.runIds, b: b.runIds, path: '/sys/block/sda/stat', field: '0' });
  expect(reads.a.n).toBe(3);
  expect(reads.statement).toMatch(/: (not )?significant at the 5 % level$|identical in every replication$/);
});

test('cancelling an experiment stops its queued and running runs; finished ones stay', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'cancel.klab' });
  const scenario = { ...loadScenario(readFileSync(SCEN, 'utf8'), SCEN, { readFile: (p) => readFileSync(p, 'utf8') }), durationNs: 1e9 };
  const ends = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => ['complete', 'failed', 'cancelled'].includes(e.run.status) && ends.set(e.run.id, e.run));
  const x = await c.call('experiment/replicate', { scenario, seeds: [1, 2, 3, 4] });
  const p = await c.call('experiment/cancel', { experimentId: x.experimentId });
  expect(p.total).toBe(4);
  await until(() => x.runIds.every((id) => ends.has(id)), 60_000, 'runs to settle');
  expect(x.runIds.some((id) => ends.get(id)!.status === 'cancelled')).toBe(true);
});
