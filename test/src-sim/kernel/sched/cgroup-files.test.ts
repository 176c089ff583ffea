import { describe, expect, test } from 'vitest';
import { schedulerOf } from '../../../../src-sim/kernel/sched/install';
import { Simulation } from '../../../../src-sim/simulation';
import { baseScenario, flatMachine, taskSpec } from './helpers';

function sim2(): Simulation {
  return new Simulation(baseScenario({ machine: flatMachine(4), cgroups: [{ path: '/g', writes: [] }], tasks: [taskSpec({ name: 't', cgroup: '/g' })] }));
}
const W = (sim: Simulation, path: string, value: string): void => void sim.act({ kind: 'write', path, value });

describe('cgroup v2 cpu files', () => {
  test('defaults read as the kernel prints them', () => {
    const sim = sim2();
    const r = (f: string): string => sim.kernel.vfs.read(`/sys/fs/cgroup/g/${f}`);
    expect(r('cpu.weight')).toBe('100\n');
    expect(r('cpu.weight.nice')).toBe('0\n');
    expect(r('cpu.max')).toBe('max 100000\n');
    expect(r('cpu.max.burst')).toBe('0\n');
    expect(r('cpu.idle')).toBe('0\n');
    expect(r('cpu.stat')).toMatch(/^usage_usec \d+\nuser_usec \d+\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n$/);
    expect(r('cpu.stat.local')).toBe('throttled_usec 0\n');
    expect(r('cpu.pressure')).toBe('some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n');
    expect(r('cpuset.cpus')).toBe('\n');
    expect(r('cpuset.cpus.effective')).toBe('0-3\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpu.stat')).toMatch(/^usage_usec \d+\nuser_usec \d+\nsystem_usec 0\n$/);
    expect(sim.kernel.vfs.exists('/sys/fs/cgroup/cpu.weight')).toBe(false);
  });

  test('cpu.weight 1 / 100 / 10000 set shares 10 / 1024 / 102400; 0 and 10001 fail with ERANGE', () => {
    const sim = sim2();
    const tg = schedulerOf(sim.kernel).tgOf(sim.kernel.cgroups.get('/g')!);
    for (const [w, shares] of [
      ['1', 10],
      ['100', 1024],
      ['10000', 102400],
    ] as const) {
      W(sim, '/sys/fs/cgroup/g/cpu.weight', w);
      expect(tg.shares).toBe(shares);
      expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpu.weight')).toBe(`${w}\n`);
    }
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.weight', '0')).toThrow('/sys/fs/cgroup/g/cpu.weight: Numerical result out of range (ERANGE)');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.weight', '10001')).toThrow('/sys/fs/cgroup/g/cpu.weight: Numerical result out of range (ERANGE)');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.weight', 'abc')).toThrow('/sys/fs/cgroup/g/cpu.weight: Invalid argument (EINVAL)');
  });

  test('cpu.weight.nice 5 reads back cpu.weight 33; out of -20..19 is ERANGE', () => {
    const sim = sim2();
    W(sim, '/sys/fs/cgroup/g/cpu.weight.nice', '5');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpu.weight')).toBe('33\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpu.weight.nice')).toBe('5\n');
    W(sim, '/sys/fs/cgroup/g/cpu.weight', '300');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpu.weight.nice')).toBe('-5\n');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.weight.nice', '20')).toThrow('Numerical result out of range (ERANGE)');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.weight.nice', '-21')).toThrow('Numerical result out of range (ERANGE)');
  });

  test('cpu.max parses "$QUOTA $PERIOD", keeps the period when omitted, and rejects bad values with EINVAL', () => {
    const sim = sim2();
    const p = '/sys/fs/cgroup/g/cpu.max';
    W(sim, p, '50000 100000');
    expect(sim.kernel.vfs.read(p)).toBe('50000 100000\n');
    W(sim, p, '20000');
    expect(sim.kernel.vfs.read(p)).toBe('20000 100000\n');
    W(sim, p, 'max 200000');
    expect(sim.kernel.vfs.read(p)).toBe('max 200000\n');
    for (const bad of ['999 100000', '1000 999', '1000 1000001', 'lots 100000', '5000 abc', '']) {
      expect(() => W(sim, p, bad)).toThrow(`${p}: Invalid argument (EINVAL)`);
    }
    W(sim, p, '1000 1000');
    W(sim, p, '1000 1000000');
    expect(sim.kernel.vfs.read(p)).toBe('1000 1000000\n');
  });

  test('cpu.max.burst may not exceed the quota (EINVAL); cpu.idle takes only 0 or 1', () => {
    const sim = sim2();
    W(sim, '/sys/fs/cgroup/g/cpu.max', '50000 100000');
    W(sim, '/sys/fs/cgroup/g/cpu.max.burst', '50000');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.max.burst', '50001')).toThrow('Invalid argument (EINVAL)');
    W(sim, '/sys/fs/cgroup/g/cpu.idle', '1');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpu.weight')).toBe('0\n');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpu.idle', '2')).toThrow('/sys/fs/cgroup/g/cpu.idle: Invalid argument (EINVAL)');
  });

  test('cpuset.cpus narrows cpuset.cpus.effective and rejects CPUs that do not exist', () => {
    const sim = sim2();
    W(sim, '/sys/fs/cgroup/g/cpuset.cpus', '1-2');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpuset.cpus')).toBe('1-2\n');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/g/cpuset.cpus.effective')).toBe('1-2\n');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpuset.cpus', '0-4')).toThrow('/sys/fs/cgroup/g/cpuset.cpus: Invalid argument (EINVAL)');
    expect(() => W(sim, '/sys/fs/cgroup/g/cpuset.cpus', '1-x')).toThrow('Invalid argument (EINVAL)');
  });

  test('pressure files accept well-formed triggers and refuse malformed ones', () => {
    const sim = sim2();
    W(sim, '/sys/fs/cgroup/g/cpu.pressure', 'some 150000 1000000');
    W(sim, '/proc/pressure/memory', 'full 50000 500000');
    expect(() => W(sim, '/proc/pressure/io', 'some 150000 100000')).toThrow('/proc/pressure/io: Invalid argument (EINVAL)');
    expect(() => W(sim, '/sys/fs/cgroup/g/memory.pressure', 'most 1 1000000')).toThrow('Invalid argument (EINVAL)');
  });
});

describe('cgroup v1 cpu files', () => {
  function v1(): Simulation {
    return new Simulation(
      baseScenario({ cgroupVersion: 1, machine: flatMachine(2), cgroups: [{ path: '/g', writes: [] }], tasks: [taskSpec({ name: 't', cgroup: '/g' })] }),
    );
  }

  test('live under /sys/fs/cgroup/<controller>/ with v1 defaults and units', () => {
    const sim = v1();
    const r = (p: string): string => sim.kernel.vfs.read(p);
    expect(r('/sys/fs/cgroup/cpu/g/cpu.shares')).toBe('1024\n');
    expect(r('/sys/fs/cgroup/cpu/g/cpu.cfs_quota_us')).toBe('-1\n');
    expect(r('/sys/fs/cgroup/cpu/g/cpu.cfs_period_us')).toBe('100000\n');
    expect(r('/sys/fs/cgroup/cpu/g/cpu.stat')).toBe('nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n');
    expect(r('/sys/fs/cgroup/cpu/g/cpu.rt_runtime_us')).toBe('0\n');
    expect(r('/sys/fs/cgroup/cpu/cpu.rt_runtime_us')).toBe('950000\n');
    expect(r('/sys/fs/cgroup/cpuacct/g/cpuacct.usage')).toBe('0\n');
    expect(r('/sys/fs/cgroup/cpuset/g/cpuset.cpus')).toBe('\n');
    expect(sim.kernel.vfs.exists('/sys/fs/cgroup/g/cpu.weight')).toBe(false);
  });

  test('cpu.shares clamps to 2..262144 silently; cfs_quota_us below 1000 fails with EINVAL', () => {
    const sim = v1();
    W(sim, '/sys/fs/cgroup/cpu/g/cpu.shares', '1');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpu/g/cpu.shares')).toBe('2\n');
    W(sim, '/sys/fs/cgroup/cpu/g/cpu.shares', '999999');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpu/g/cpu.shares')).toBe('262144\n');
    expect(() => W(sim, '/sys/fs/cgroup/cpu/g/cpu.cfs_quota_us', '999')).toThrow('Invalid argument (EINVAL)');
    W(sim, '/sys/fs/cgroup/cpu/g/cpu.cfs_quota_us', '50000');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpu/g/cpu.cfs_quota_us')).toBe('50000\n');
    W(sim, '/sys/fs/cgroup/cpu/g/cpu.cfs_quota_us', '-1');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpu/g/cpu.cfs_quota_us')).toBe('-1\n');
  });

  test('cpuacct.usage counts the group’s CPU time in ns and resets only on 0', () => {
    const sim = v1();
    sim.advance(0.5e9);
    expect(Number(sim.kernel.vfs.read('/sys/fs/cgroup/cpuacct/g/cpuacct.usage'))).toBe(0.5e9);
    W(sim, '/sys/fs/cgroup/cpuacct/g/cpuacct.usage', '0');
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/cpuacct/g/cpuacct.usage')).toBe('0\n');
    expect(() => W(sim, '/sys/fs/cgroup/cpuacct/g/cpuacct.usage', '5')).toThrow('Invalid argument (EINVAL)');
  });
});

describe('global files', () => {
  test('sched_rt_runtime_us must be -1..period; the period must be ≥ runtime', () => {
    const sim = sim2();
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_rt_runtime_us')).toBe('950000\n');
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_rt_period_us')).toBe('1000000\n');
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_cfs_bandwidth_slice_us')).toBe('5000\n');
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_rr_timeslice_ms')).toBe('100\n');
    expect(() => W(sim, '/proc/sys/kernel/sched_rt_runtime_us', '1000001')).toThrow('Invalid argument (EINVAL)');
    expect(() => W(sim, '/proc/sys/kernel/sched_rt_runtime_us', '-2')).toThrow('Invalid argument (EINVAL)');
    expect(() => W(sim, '/proc/sys/kernel/sched_rt_period_us', '900000')).toThrow('Invalid argument (EINVAL)');
    W(sim, '/proc/sys/kernel/sched_rt_runtime_us', '-1');
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_rt_runtime_us')).toBe('-1\n');
    expect(() => W(sim, '/proc/sys/kernel/sched_cfs_bandwidth_slice_us', '0')).toThrow('Invalid argument (EINVAL)');
    W(sim, '/proc/sys/kernel/sched_rr_timeslice_ms', '0');
    expect(sim.kernel.vfs.read('/proc/sys/kernel/sched_rr_timeslice_ms')).toBe('100\n');
  });

  test('/proc/stat has the aggregate and one line per online CPU in USER_HZ ticks', () => {
    const s = sim2();
    s.advance(1e9);
    const lines = s.kernel.vfs.read('/proc/stat').split('\n');
    expect(lines[0]).toBe('cpu  100 0 0 300 0 0 0 0 0 0');
    expect(lines.filter((l) => /^cpu\d/.test(l))).toHaveLength(4);
    expect(s.kernel.vfs.read('/proc/stat')).toMatch(/\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n/);
  });

  test('/proc/<pid>/stat has 52 fields with state, priority, nice, utime, processor and policy', () => {
    const s = sim2();
    s.advance(0.25e9);
    const pid = [...s.kernel.tasks.values()][0]!.pid;
    const f = s.kernel.vfs.read(`/proc/${pid}/stat`).trim().split(' ');
    expect(f).toHaveLength(52);
    expect(f.slice(0, 3)).toEqual([String(pid), '(t)', 'R']);
    expect(f[13]).toBe('25');
    expect(f[17]).toBe('20');
    expect(f[18]).toBe('0');
    expect(Number(f[38])).toBeGreaterThanOrEqual(0);
    expect(f[40]).toBe('0');
  });

  test('/proc/<pid>/schedstat reads "sum_exec_runtime run_delay pcount"', () => {
    const s = sim2();
    s.advance(0.25e9);
    const pid = [...s.kernel.tasks.values()][0]!.pid;
    expect(s.kernel.vfs.read(`/proc/${pid}/schedstat`)).toBe('250000000 0 1\n');
  });
});
