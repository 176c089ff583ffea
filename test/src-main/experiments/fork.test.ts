import { afterAll, expect, test } from 'vitest';
import type { LabClient } from '../../../src-main/ipc/client';
import type { RunInfo } from '../../../src-main/ipc/contract';
import { baseScenario, taskSpec } from '../../../src-sim/scenario/defaults';
import type { Scenario } from '../../../src-sim/scenario/types';
import { makeLab, until } from '../fixtures/lab';

const f = makeLab();
afterAll(() => f.dispose());

async function usageSeries(c: LabClient, runId: string, group: string): Promise<{ t: number[]; v: (number | null)[] }> {
  const cat = await c.call('query/series', { runId });
  const s = cat.series.find((x) => x.path === `/sys/fs/cgroup/${group}/cpu.stat` && x.field === 'usage_usec')!;
  const w = await c.call('query/window', { runId, seriesIds: [s.id], t0Ns: 0, t1Ns: 1e15, points: 100_000, method: 'minmax' });
  return { t: w.series[0]!.t, v: w.series[0]!.v };
}

test('fork at t: the child replays the parent exactly up to t, then the changed knob takes effect; stored as a child', async () => {
  const c = f.client();
  await c.call('session/new', { path: 'fork.klab' });
  const ends = new Map<string, RunInfo>();
  c.on('onRunStatus', (e) => ['complete', 'failed', 'cancelled'].includes(e.run.status) && ends.set(e.run.id, e.run));
  const scenario: Scenario = baseScenario({
    name: 'fork-me',
    durationNs: 1e9,
    sampleIntervalNs: 10e6,
    cgroups: [{ path: '/web', writes: [['cpu.max', '20000 100000']] }],
    tasks: [taskSpec({ name: 'hog', cgroup: '/web', count: 1 })],
    record: ['/sys/fs/cgroup/web/cpu.stat'],
  });
  const parent = await c.call('run/start', { scenario });
  await until(() => ends.has(parent.id), 60_000, 'parent to end');

  // A value the kernel refuses at t is the kernel's error; nothing starts.
  await expect(c.call('run/fork', { runId: parent.id, atNs: 4e8, write: { path: '/sys/fs/cgroup/web/cpu.max', value: '500 100000' } })).rejects.toThrow(
    'the kernel refuses "500 100000": Invalid argument (EINVAL): quota 500us is below 1000us',
  );
  const child = await c.call('run/fork', { runId: parent.id, atNs: 4e8, write: { path: '/sys/fs/cgroup/web/cpu.max', value: 'max 100000' } });
  expect(child.parentId).toBe(parent.id);
  expect(child.forkAtNs).toBe(4e8);
  await until(() => ends.has(child.id), 60_000, 'child to end');
  expect(ends.get(child.id)!.status).toBe('complete');
  const stored = (await c.call('run/list', {})).runs.find((r) => r.id === child.id)!;
  expect([stored.parentId, stored.forkAtNs]).toEqual([parent.id, 4e8]);

  const p = await usageSeries(c, parent.id, 'web');
  const k = await usageSeries(c, child.id, 'web');
  const before = p.t.findIndex((t) => t >= 4e8);
  // The write at t runs before the sample at t (a timeline action), so samples strictly before t are the parent's.
  expect(k.v.slice(0, before)).toEqual(p.v.slice(0, before));
  // From t on the parent stays capped at 20 % of a CPU and the child runs unthrottled (kernel/sched/fair.c bandwidth).
  const gain = (x: (number | null)[]): number => x.at(-1)! - x[before]!;
  expect(gain(p.v)).toBeCloseTo(0.2 * 0.6e6, -4);
  expect(gain(k.v)).toBeCloseTo(0.6e6, -4);
});

test('kernel-lab fork: refused value is exit 2 with the kernel message and stores nothing; a fork is stored as a child run', async () => {
  const { cli } = await import('../cli/spawn');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'klab-fork-'));
  try {
    const session = join(dir, 'f.klab');
    expect(cli('run', 'test/src-main/experiments/fixtures/randread.yaml', '--session', session).code).toBe(0);
    const bad = cli('fork', session, '--at', '500ms', '--write', '/sys/fs/cgroup/web/cpu.max=500 100000');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`kernel-lab fork: ${session}: run 1 at 500ms: the kernel refuses "500 100000": Invalid argument (EINVAL): quota 500us is below 1000us\n`);
    const ok = cli('fork', session, '--at', '500ms', '--write', '/sys/fs/cgroup/web/cpu.max=max 100000');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`stored as run 2 in ${session} (fork of run 1 at 500ms: /sys/fs/cgroup/web/cpu.max=max 100000)`);
    expect(cli('cat', session, '--run', '2', '/sys/fs/cgroup/web/cpu.max').stdout).toBe('max 100000\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
