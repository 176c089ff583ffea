import { afterAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { baseScenario, taskSpec } from '../../../src-sim/scenario/defaults';
import { loadScenario } from '../../../src-sim/scenario/load';
import type { Scenario } from '../../../src-sim/scenario/types';
import { makeLab, until } from '../fixtures/lab';

const f = makeLab();
afterAll(() => f.dispose());

/** Every stored sample of every series of a run, keyed "path:field". */
async function allSeries(c: LabClient, runId: string): Promise<Map<string, (number | null)[]>> {
  const cat = await c.call('query/series', { runId });
  const w = await c.call('query/window', { runId, seriesIds: cat.series.map((s) => s.id), t0Ns: 0, t1Ns: 1e15, points: 100_000, method: 'minmax' });
  return new Map(cat.series.map((s, i) => [`${s.path}:${s.field}`, w.series[i]!.v]));
}

test('with the real kernel models: a live cpu.weight and cpu.max change mid-run, then its replay, give identical series', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'live-replay.klab' });
  const ends = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => e.run.status !== 'running' && e.run.status !== 'queued' && e.run.status !== 'paused' && ends.set(e.run.id, e.run));
  const scenario: Scenario = baseScenario({
    name: 'weights-live',
    durationNs: 2e9,
    sampleIntervalNs: 10e6,
    cgroups: [
      { path: '/a', writes: [['cpu.weight', '100']] },
      { path: '/b', writes: [['cpu.weight', '100']] },
    ],
    tasks: [taskSpec({ name: 'a', cgroup: '/a', count: 4 }), taskSpec({ name: 'b', cgroup: '/b', count: 4 })],
    record: ['/sys/fs/cgroup/a/cpu.stat', '/sys/fs/cgroup/b/cpu.stat', '/proc/pressure/cpu'],
  });
  const live = await c.call('run/start', { scenario, paused: true, pace: 4 });
  await c.call('run/resume', { runId: live.id });
  await new Promise((r) => setTimeout(r, 80));
  await c.call('run/act', { runId: live.id, action: { kind: 'write', path: '/sys/fs/cgroup/a/cpu.weight', value: '400' } });
  await new Promise((r) => setTimeout(r, 80));
  await c.call('run/act', { runId: live.id, action: { kind: 'write', path: '/sys/fs/cgroup/b/cpu.max', value: '100000 100000' } });
  await c.call('run/pace', { runId: live.id, pace: null });
  await until(() => ends.has(live.id), 60_000, 'live run to end');
  expect(ends.get(live.id)!.status).toBe('complete');

  const file = await c.call('export/scenario', { runId: live.id, format: 'yaml' });
  const exported = loadScenario(file.text, file.filename);
  expect(exported.timeline.map((a) => (a.kind === 'write' ? `${a.path}=${a.value}` : a.kind))).toEqual([
    '/sys/fs/cgroup/a/cpu.weight=400',
    '/sys/fs/cgroup/b/cpu.max=100000 100000',
  ]);
  const replay = await c.call('run/start', { scenario: exported });
  await until(() => ends.has(replay.id), 60_000, 'replay to end');
  const a = await allSeries(c, live.id);
  const b = await allSeries(c, replay.id);
  expect(a.size).toBeGreaterThan(5);
  expect([...b.keys()]).toEqual([...a.keys()]);
  for (const [k, v] of a) expect(b.get(k), k).toEqual(v);
  // The knob changed the outcome (the writes were not no-ops): group a ran more than b after them.
  const usage = (m: Map<string, (number | null)[]>, g: string): number => m.get(`/sys/fs/cgroup/${g}/cpu.stat:usage_usec`)!.at(-1)!;
  expect(usage(a, 'a')).toBeGreaterThan(usage(a, 'b'));
});
