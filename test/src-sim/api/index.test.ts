import { describe, expect, it } from 'vitest';
import * as api from '../../../src-sim/api';

describe('src-sim/api: the public surface for hosts and the renderer', () => {
  it('loads a scenario and formats issues as FILE:LINE:COL: path: message', () => {
    try {
      api.loadScenario('duration: 1s\nseed: x\n', 'a.yaml', { kernelChecks: false });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(api.ScenarioError);
      const issue = (e as InstanceType<typeof api.ScenarioError>).issues[0]!;
      expect(api.formatIssue(issue)).toBe('a.yaml:2:7: seed: expected an integer from 0 to 4294967295, got "x"');
    }
  });

  it('checks a Scenario built in code on the scratch kernel, naming the resolved field', () => {
    const ok = api.baseScenario({ cgroups: [{ path: '/web', writes: [['cpu.weight', '200']] }] });
    expect(api.checkResolvedScenario(ok)).toEqual([]);
    const bad = api.baseScenario({ name: 'draft', cgroups: [{ path: '/web', writes: [['cpu.weight', '0']] }] });
    const [issue, ...rest] = api.checkResolvedScenario(bad);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ file: 'draft', line: 0, col: 0, path: 'cgroups["/web"]["cpu.weight"]' });
    expect(issue!.message).toMatch(/^the kernel refuses "0": Numerical result out of range \(ERANGE\)/);
  });

  it('exposes the unit and CPU-list helpers with the scenario meanings', () => {
    expect(api.parseDuration(api.formatDuration(2_500_000))).toBe(2_500_000);
    expect(api.parseSize('512M')).toBe(512 * 2 ** 20);
    expect(api.formatCpuList(api.parseCpuList('0-7:2'))).toBe('0,2,4,6');
    expect(api.partitionName('nvme0n1', 1)).toBe('nvme0n1p1');
    expect(api.partitionName('sda', 2)).toBe('sda2');
  });

  it('exports the JSON Schema of the file format', () => {
    const s = api.scenarioJsonSchema() as { title: string; properties: Record<string, unknown> };
    expect(s.title).toBe('Kernel Lab scenario (kernel-lab/scenario@1)');
    expect(Object.keys(s.properties)).toContain('timeline');
  });
});

describe('checkResolvedScenario on an edited draft', () => {
  it('reports an affinity naming a missing CPU and a timeline action after the end', () => {
    const s = api.baseScenario({
      name: 'draft',
      durationNs: 1e9,
      tasks: [api.taskSpec({ name: 'a', cpus: [1, 7] })],
      timeline: [{ atNs: 2e9, kind: 'write', path: '/proc/sys/kernel/sched_rt_runtime_us', value: '950000' }],
    });
    expect(api.checkResolvedScenario(s).map((i) => `${i.path}: ${i.message}`)).toEqual([
      'tasks[0].cpus: expected CPUs of this machine (0-3), got CPU 7',
      'timeline[0].atNs: expected a time within the duration (1s), got 2s',
    ]);
  });
});

describe('checkResolvedScenario never throws at an editor', () => {
  it('a draft the simulator cannot boot is an issue', () => {
    const s = api.baseScenario({
      name: 'draft',
      machine: { ...api.flatMachine(1), cpus: 0, numa: { nodes: [{ cpus: [], memoryBytes: 2 ** 30 }], distances: [[10]] } },
      tasks: [api.taskSpec({ name: 'a' })],
    });
    const issues = api.checkResolvedScenario(s);
    expect(issues[0]).toEqual({ file: 'draft', line: 0, col: 0, path: 'machine.cpus', message: 'expected at least one CPU, got 0' });
  });
});
