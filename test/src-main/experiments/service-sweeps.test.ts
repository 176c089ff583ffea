import { readFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import type { ExperimentProgressEvent } from '../../../src-main/ipc/contract';
import { makeLab, until } from '../fixtures/lab';

const f = makeLab();
afterAll(() => f.dispose());

const F = 'test/src-main/experiments/fixtures';
const scenario = { text: readFileSync(`${F}/randread.yaml`, 'utf8'), fileName: `${F}/randread.yaml` };
const file = (name: string, text?: string): { text: string; fileName: string } => ({ text: text ?? readFileSync(`${F}/${name}`, 'utf8'), fileName: `${F}/${name}` });

test('a sweep through the service: every point × seed a stored run, the refused value shows the kernel error, results as mean ± CI, a rerun resumes', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'sweep.klab' });
  const progress: ExperimentProgressEvent[] = [];
  c.on('onExperimentProgress', (p) => progress.push(p));
  const short = readFileSync(`${F}/cpu-max.sweep.yaml`, 'utf8').replace('seeds: 1..2', 'seeds: 1..2\nduration: 300ms');
  const s = await c.call('experiment/sweep', { sweep: file('cpu-max.sweep.yaml', short), scenario });
  expect(s).toMatchObject({ total: 6, resumed: 0 });
  await until(() => progress.some((p) => p.experimentId === s.experimentId && p.finished), 60_000, 'sweep to finish');
  const last = progress.filter((p) => p.experimentId === s.experimentId).at(-1)!;
  expect(last).toMatchObject({ done: 6, total: 6, failed: 2, finished: true });

  const r = await c.call('experiment/result', { experimentId: s.experimentId });
  expect(r.knobs).toEqual([{ label: 'quota', values: ['20000 100000', '500 100000', '80000 100000'] }]);
  const [low, bad, high] = r.points;
  expect(bad!.failed).toBe(2);
  expect(bad!.error).toContain('the kernel refuses "500 100000": Invalid argument (EINVAL): quota 500us is below 1000us');
  // cpu.max caps the hog at quota/period of one CPU (kernel/sched/fair.c bandwidth): 20 % and 80 % of 300 ms.
  const usage = '/sys/fs/cgroup/web/cpu.stat:usage_usec';
  expect(Math.abs(low!.metrics[usage]!.mean! - 60_000)).toBeLessThan(1500);
  expect(Math.abs(high!.metrics[usage]!.mean! - 240_000)).toBeLessThan(3000);
  expect(low!.metrics[usage]!.n).toBe(2);
  // Every complete point × seed is a run of the session, named after its knob value and seed.
  expect(high!.runIds).toHaveLength(2);
  const runs = (await c.call('run/list', {})).runs;
  expect(runs.find((x) => x.id === high!.runIds[0])!.name).toBe('randread [quota=80000 100000] seed 1');
  const cpuMax = await c.call('query/file', { runId: high!.runIds[0]!, path: '/sys/fs/cgroup/web/cpu.max', atNs: 3e8 });
  expect(cpuMax.text).toBe('80000 100000\n');

  // The same sweep again resumes: everything is stored, nothing runs.
  const before = runs.length;
  const again = await c.call('experiment/sweep', { sweep: file('cpu-max.sweep.yaml', short), scenario });
  expect(again).toEqual({ experimentId: s.experimentId, total: 6, resumed: 6 });
  await until(() => progress.filter((p) => p.experimentId === s.experimentId && p.finished).length === 2, 10_000, 'resumed sweep to finish');
  expect((await c.call('run/list', {})).runs.length).toBe(before);
  expect((await c.call('experiment/list', {})).sweeps).toEqual([
    { experimentId: s.experimentId, name: 'cpu-max quota', createdAt: expect.any(String) as string, knobs: ['quota'], total: 6, done: 6 },
  ]);
});

test('two knobs: the result is a grid, the first knob outermost', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'grid.klab' });
  const ends: ExperimentProgressEvent[] = [];
  c.on('onExperimentProgress', (p) => p.finished && ends.push(p));
  const grid = readFileSync(`${F}/grid.sweep.yaml`, 'utf8').replace('duration: 500ms', 'duration: 200ms');
  const s = await c.call('experiment/sweep', { sweep: file('grid.sweep.yaml', grid), scenario });
  await until(() => ends.some((p) => p.experimentId === s.experimentId), 60_000, 'grid');
  const r = await c.call('experiment/result', { experimentId: s.experimentId });
  expect(r.points.map((p) => p.values)).toEqual([
    { quota: '20000 100000', 'machine.cpus': 1 },
    { quota: '20000 100000', 'machine.cpus': 2 },
    { quota: '60000 100000', 'machine.cpus': 1 },
    { quota: '60000 100000', 'machine.cpus': 2 },
  ]);
  const usage = r.points.map((p) => p.metrics['/sys/fs/cgroup/web/cpu.stat:usage_usec']!.mean!);
  // One hog: 20 % or 60 % of one CPU over 200 ms whatever the CPU count.
  for (const [i, want] of [40_000, 40_000, 120_000, 120_000].entries()) expect(Math.abs(usage[i]! - want)).toBeLessThan(1500);
});

test('bad input: a sweep file error names FILE:LINE:COL; an unreachable Redis is refused and nothing is stored', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'bad.klab' });
  await expect(c.call('experiment/sweep', { sweep: file('bad.sweep.yaml'), scenario })).rejects.toThrow(/^experiment\/sweep: test\/src-main\/experiments\/fixtures\/bad\.sweep\.yaml:4:8: seeds: expected FIRST\.\.LAST/);
  await expect(c.call('experiment/sweep', { sweep: file('cpu-max.sweep.yaml'), scenario, redisUrl: 'redis://127.0.0.1:1' })).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  expect((await c.call('experiment/list', {})).sweeps).toEqual([]);
  expect((await c.call('run/list', {})).runs).toEqual([]);
});
