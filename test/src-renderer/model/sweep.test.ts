import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { planClientSweep } from '../../../src-main/lab/sweeps';
import { draftSweepTexts } from '../../../src-renderer/model/sweep';
import { loadScenario } from '../../../src-sim/scenario/load';

const SCEN = 'test/src-main/experiments/fixtures/randread.yaml';
const draft = loadScenario(readFileSync(SCEN, 'utf8'), SCEN, { readFile: (p) => readFileSync(p, 'utf8') });

it('a sweep built from the current scenario is a kernel-lab/sweep@1 file the service plans: file knob × key knob, seeds, duration', () => {
  const t = draftSweepTexts(draft, {
    knobs: [
      { target: '/sys/fs/cgroup/web/cpu.max', values: '20000 100000, 500 100000' },
      { target: 'machine.cpus', values: '1, 2' },
    ],
    seeds: '1..2',
    metrics: '/sys/fs/cgroup/web/cpu.stat:usage_usec, /sys/block/sda/stat:0',
    duration: '200ms',
  });
  expect(t.sweep.fileName).toBe('randread.sweep.yaml');
  expect(t.scenario.fileName).toBe('randread.yaml');
  const plan = planClientSweep(t);
  expect(plan.spec.name).toBe('randread: cpu.max × machine.cpus');
  expect(plan.spec.durationNs).toBe(2e8);
  expect(plan.spec.metrics.map((m) => m.label)).toEqual(['/sys/fs/cgroup/web/cpu.stat:usage_usec', '/sys/block/sda/stat:0']);
  expect(plan.points.map((p) => p.values)).toEqual([
    { 'cpu.max': '20000 100000', 'machine.cpus': 1 },
    { 'cpu.max': '20000 100000', 'machine.cpus': 2 },
    { 'cpu.max': '500 100000', 'machine.cpus': 1 },
    { 'cpu.max': '500 100000', 'machine.cpus': 2 },
  ]);
  expect(plan.jobs).toHaveLength(8);
  // The scenario written as a file is the draft again; the refused quota is that point's kernel error.
  expect(plan.jobs[0]!.scenario!.machine.cpus).toBe(1);
  expect(plan.jobs[0]!.scenario!.tasks.map((x) => x.name)).toEqual(draft.tasks.map((x) => x.name));
  expect(plan.jobs[4]!.error).toMatch(/the kernel refuses "500 100000": Invalid argument \(EINVAL\)/);
});

it('input the sweep format cannot take names the field', () => {
  const base = { knobs: [{ target: '/proc/sys/vm/dirty_ratio', values: '5, 10' }], seeds: '1', metrics: '/proc/meminfo:Dirty', duration: '' };
  expect(() => draftSweepTexts(draft, { ...base, seeds: '3..1' })).toThrow('seeds: expected FIRST..LAST with FIRST ≤ LAST, got "3..1"');
  expect(() => draftSweepTexts(draft, { ...base, metrics: ' ' })).toThrow(/^metrics: expected at least one PATH:FIELD/);
  expect(() => draftSweepTexts(draft, { ...base, knobs: [{ target: 'machine.cpus', values: ' , ' }] })).toThrow('knob 1 (machine.cpus): expected comma-separated values');
});
