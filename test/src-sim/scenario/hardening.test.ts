import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../src-sim/scenario/defaults';
import { checkResolvedScenario, loadScenario } from '../../../src-sim/scenario/load';
import { LIMITS } from '../../../src-sim/scenario/limits';
import type { BlockDeviceSpec, Scenario } from '../../../src-sim/scenario/types';
import { Simulation } from '../../../src-sim/simulation';
import { issuesOf, lines } from './helpers';

const disk = (params: string, extra = ''): string =>
  ['duration: 100ms', 'machine:', '  devices:', `    - { name: sdb, type: hdd, size: 1G, major: 8, minor: 16, params: { ${params} }${extra} }`].join('\n');

describe('device parameters are checked when the scenario is validated, not when the disk is built', () => {
  it('refuses queue_depth: -1 with a located error (was an internal error with a stack trace)', () => {
    expect(lines(issuesOf(disk('queue_depth: -1'), 'd.yaml'))).toEqual(['d.yaml:4:85: machine.devices[0].params.queue_depth: expected a number in [1, 4096], got -1']);
  });

  it('refuses unknown or misspelt keys, with a "did you mean" where one is close', () => {
    const msgs = lines(issuesOf(disk('rpms: 5400, avg_seek: 4'), 'd.yaml'));
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^d\.yaml:4:72: machine\.devices\[0\]\.params\.rpms: unknown parameter "rpms" for a hdd device \(did you mean "rpm"\? known: avg_seek_ms, .*rpm, /);
    expect(msgs[1]).toMatch(/^d\.yaml:4:84: machine\.devices\[0\]\.params\.avg_seek: unknown parameter "avg_seek" for a hdd device \(known: /);
  });

  it('refuses a parameter the device type does not take (nr_hw_queues on a usb stick)', () => {
    const text = ['duration: 100ms', 'machine:', '  devices:', '    - { name: sdb, type: usb, size: 1G, major: 8, minor: 16, params: { nr_hw_queues: 4 } }'].join('\n');
    expect(lines(issuesOf(text, 'u.yaml'))[0]).toMatch(/params\.nr_hw_queues: unknown parameter "nr_hw_queues" for a usb device/);
  });

  it('checks a device plugged on the timeline the same way', () => {
    const text = [
      'duration: 1s',
      'timeline:',
      '  - at: 500ms',
      '    plug: { name: sdb, type: ssd, size: 1G, major: 8, minor: 16, params: { channels: 0 } }',
    ].join('\n');
    expect(lines(issuesOf(text, 't.yaml'))).toEqual(['t.yaml:4:86: timeline[0].plug.params.channels: expected a number in [1, 4096], got 0']);
  });

  it('takes a single-sector bad range (start == end) and runs with it (was an internal error in validate and run)', () => {
    const s = loadScenario(disk('rpm: 5400', ', bad_sectors: [{ start: 8, end: 8 }]'), 'b.yaml');
    expect(s.machine.devices[0]!.badSectors).toEqual([{ start: 8, end: 8, op: 'both' }]);
    const sim = new Simulation(s);
    sim.runToEnd();
    expect(sim.kernel.vfs.read('/sys/block/sdb/size')).toBe(`${2 ** 30 / 512}\n`);
  });

  it('refuses a live-style device with a bad range in the resolved form too', () => {
    const dev: BlockDeviceSpec = { name: 'sdb', type: 'ssd', sizeBytes: 2 ** 20, major: 8, minor: 16, model: 'm', serial: 's', partitions: [], params: {}, badSectors: [{ start: 9, end: 3, op: 'read' }] };
    const s = baseScenario({ durationNs: 1e8, machine: { ...flatMachine(2, 2 ** 30), devices: [dev] } });
    expect(checkResolvedScenario(s).map((i) => `${i.path}: ${i.message}`)).toEqual(['machine.devices[0].bad_sectors[0]: expected start ≤ end, got 9 > 3']);
  });
});

describe('cgroup names', () => {
  it('refuses a ".." component in a cgroup key and in a task\'s cgroup', () => {
    const text = ['duration: 1s', 'cgroups:', '  /../../etc: { cpu.weight: 100 }', 'tasks:', '  - { name: t, cgroup: /a/../b, run: { type: cpu } }'].join('\n');
    expect(lines(issuesOf(text, 'c.yaml'))).toEqual([
      'c.yaml:3:3: cgroups["/../../etc"]: expected a cgroup path of plain names like /batch/web, got "/../../etc" with a ".." component',
      'c.yaml:5:24: tasks[0].cgroup: expected a cgroup path of plain names like /batch/web, got "/a/../b" with a ".." component',
    ]);
  });
});

describe('byte-order marks', () => {
  it('accepts JSON and YAML that start with a UTF-8 BOM', () => {
    expect(loadScenario('\uFEFF{"duration": "1s"}', 'bom.json').durationNs).toBe(1e9);
    expect(loadScenario('\uFEFFduration: 2s\n', 'bom.yaml').durationNs).toBe(2e9);
    expect(lines(issuesOf('\uFEFF{"duration": 5}', 'b.json'))[0]).toMatch(/^b\.json:1:14: duration: /);
  });
});

describe('YAML is parsed in linear time with its limits set', () => {
  // A 30 s cap (not a speed assertion): the quadratic key check took about a minute on this input.
  it('reads a mapping of 60 000 keys (was quadratic: minutes) and still finds a duplicate key', { timeout: 30_000 }, () => {
    const keys = Array.from({ length: 60_000 }, (_, i) => `  k${i}: ${i}`);
    keys.push('  k17: again');
    const issues = lines(issuesOf(['duration: 1s', 'x-many:', ...keys].join('\n'), 'm.yaml', { kernelChecks: false }));
    expect(issues).toEqual(['m.yaml:60003:3: : invalid YAML: duplicate key "k17" (each key once per mapping)']);
  });

  it('refuses a file over 1 MiB with its size', () => {
    const text = `duration: 1s\nx-pad: "${'a'.repeat(1024 * 1024)}"\n`;
    expect(lines(issuesOf(text, 'big.yaml'))).toEqual([`big.yaml:0:0: : expected a scenario file of at most 1048576 characters (1 MiB), got ${text.length}`]);
  });

  it('refuses 50 000 nested flow sequences with a located error, not a stack overflow', () => {
    const issues = lines(issuesOf(`duration: 1s\nx-deep: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, 'deep.yaml'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^deep\.yaml:2:\d+: : invalid YAML: nesting deeper than 200 levels$/);
  });

  it('refuses tasks multiplied by anchors past pid_max before booting anything', () => {
    const tasks = Array.from({ length: 40 }, (_, i) => `  - { <<: *t, name: t${i} }`);
    const text = ['duration: 1s', 'x-t: &t { count: 100000, run: { type: cpu } }', 'tasks:', ...tasks].join('\n');
    expect(lines(issuesOf(text, 'a.yaml'))).toEqual([
      `a.yaml:4:5: tasks[0].count: expected at most ${LIMITS.tasks} tasks in all (pid_max: include/linux/threads.h PID_MAX_DEFAULT, or kernel.pid_max less the 300 reserved pids), got 100000 with this task`,
    ]);
  });
});

/** What browser mode's run/start and the renderer's draft hand to checkResolvedScenario. */
function resolved(over: Partial<Scenario>): string[] {
  return checkResolvedScenario(baseScenario({ durationNs: 1e9, ...over })).map((i) => `${i.path}: ${i.message}`);
}

describe('the resolved form (run/start, the UI draft) passes the same limits as a file', () => {
  it('refuses sampleIntervalNs: 1', () => {
    expect(resolved({ durationNs: 100e9, sampleIntervalNs: 1 })).toEqual([
      'sample_interval: expected at most 1000000 samples per series, got 100000000001 (duration 100s / sample_interval 1ns)',
    ]);
  });

  it('refuses count: 5000000', () => {
    expect(resolved({ tasks: [taskSpec({ name: 'many', count: 5_000_000 })] })[0]).toMatch(/^tasks\[0\]\.count: expected at most 32768 tasks in all/);
  });

  it('refuses 20 000 CPUs', () => {
    const m = flatMachine(20_000, 2 ** 34);
    expect(resolved({ machine: m })).toEqual(['machine.cpus: expected at most 8192 CPUs (NR_CPUS of x86-64 with MAXSMP), got 20000']);
  });

  it('refuses 1 PiB of memory and a 1 PiB working set (was RangeError: Invalid typed array length)', () => {
    expect(resolved({ machine: flatMachine(4, 2 ** 50) })).toEqual(['machine.memory: expected at most 8T (2^31 pages of 4 KiB: the simulator\'s page numbers are 31-bit), got 1P']);
    const ws = taskSpec({ name: 'ws', run: { type: 'workingset', sizeBytes: 2 ** 50, pattern: 'uniform', theta: 0.99, ratePerSec: 1000 } });
    expect(resolved({ tasks: [ws] })).toEqual(['tasks[0].run.size: expected a region of at most 8T (2^31 pages of 4 KiB: the simulator\'s page numbers are 31-bit), got 1P']);
  });

  it('refuses more sample values per run than the session may take', () => {
    const issues = resolved({ durationNs: 999e9, sampleIntervalNs: 1e6 });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^sample_interval: expected at most 67108864 sample values per run \(512M in the session\), got \d+ \(999001 samples × \d+ series\)/);
  });
});

describe('validation memory follows what is checked, not declared sizes', () => {
  it('checks a 1 TiB working set without allocating its page state (it took 3.4 GB)', () => {
    const ws = taskSpec({ name: 'ws', run: { type: 'workingset', sizeBytes: 2 ** 40, pattern: 'uniform', theta: 0.99, ratePerSec: 1000 } });
    const before = process.memoryUsage().rss;
    expect(resolved({ tasks: [ws] })).toEqual([]);
    // Resident growth, not time: the full-size page arrays would add over 1 GiB.
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
  });
});

describe('fio jobs are checked against the devices they target', () => {
  const fio = (filename: string, devices = ''): string =>
    ['duration: 1s', ...(devices ? ['machine:', '  devices:', devices] : []), 'tasks:', `  - { name: f, run: { type: fio, options: { rw: read, filename: ${filename}, size: 1m } } }`].join('\n');

  it('refuses a /dev name the machine does not have (the run used to end with fio\'s ENOENT inside the task)', () => {
    expect(lines(issuesOf(fio('/dev/sdz', '    - { name: sdb, type: ssd, size: 1G, major: 8, minor: 16, partitions: [512M] }'), 'f.yaml'))).toEqual([
      'f.yaml:6:43: tasks[0].run.options: job "f": expected filename to name a block device of this machine (/dev/sdb, /dev/sdb1), got /dev/sdz: fio would fail to open it (No such file or directory)',
    ]);
  });

  it('refuses a job on a regular file (buffered or direct, or with no filename) when the machine has no disk (fio used to fail only when the task started)', () => {
    const NO_DISK = ': expected a disk under machine.devices (or plugged on the timeline), or filename=/dev/NAME of one';
    expect(lines(issuesOf(fio('/data/f'), 'f.yaml'))).toEqual([
      `f.yaml:3:43: tasks[0].run.options: job "f": option filename=/data/f is a regular file, but the machine has no block device to hold it${NO_DISK}`,
    ]);
    const direct = 'duration: 1s\ntasks:\n  - { name: f, run: { type: fio, options: { rw: write, direct: true, size: 1m } } }';
    expect(lines(issuesOf(direct, 'd.yaml'))).toEqual([
      `d.yaml:3:43: tasks[0].run.options: job "f" has no filename option (fio uses the regular file f.0.0), but the machine has no block device to hold it${NO_DISK}`,
    ]);
    // a job file: its filename= line, found in the job's section or inherited from [global]
    const readFile = (): string => '[global]\nfilename=/data/g\n\n[a]\nrw=read\nsize=1m\n\n[b]\nrw=write\nfilename=/data/b\nsize=1m\n';
    const fromFile = 'duration: 1s\ntasks:\n  - { name: f, run: { type: fio, job: jobs/x.fio } }';
    expect(lines(issuesOf(fromFile, 'j.yaml', { readFile }))).toEqual([
      `j.yaml:3:39: tasks[0].run.job: jobs/x.fio:2: job "a": filename=/data/g is a regular file, but the machine has no block device to hold it${NO_DISK}`,
      `j.yaml:3:39: tasks[0].run.job: jobs/x.fio:10: job "b": filename=/data/b is a regular file, but the machine has no block device to hold it${NO_DISK}`,
    ]);
  });

  it('takes a regular file once the machine has a disk, or one is plugged on the timeline', () => {
    expect(issuesOf(fio('/data/f', '    - { name: sdb, type: ssd, size: 1G, major: 8, minor: 16 }'), 'f.yaml')).toEqual([]);
    const plugged = `${fio('/data/f')}\ntimeline:\n  - at: 0s\n    plug: { name: sdc, type: ssd, size: 1G, major: 8, minor: 32 }`;
    expect(issuesOf(plugged, 'p.yaml')).toEqual([]);
  });

  it('takes a partition and a disk plugged on the timeline', () => {
    expect(issuesOf(fio('/dev/sdb1', '    - { name: sdb, type: ssd, size: 1G, major: 8, minor: 16, partitions: [512M] }'), 'f.yaml')).toEqual([]);
    const plugged = `${fio('/dev/sdc')}\ntimeline:\n  - at: 0s\n    plug: { name: sdc, type: ssd, size: 1G, major: 8, minor: 32 }`;
    expect(issuesOf(plugged, 'p.yaml')).toEqual([]);
  });
});

describe('the resolved form refuses what a file would (scheduler priority, seed, sample interval, recorded paths)', () => {
  it('refuses SCHED_FIFO without a priority and SCHED_OTHER with one, as sched_setscheduler does', () => {
    expect(resolved({ tasks: [taskSpec({ name: 'rt', policy: 'SCHED_FIFO', rtPriority: 0 })] })).toEqual([
      'tasks[0].rt_priority: expected rt_priority 1..99 with SCHED_FIFO (sched_setscheduler refuses 0 with EINVAL)',
    ]);
    expect(resolved({ tasks: [taskSpec({ name: 'rt', policy: 'SCHED_RR', rtPriority: 100 })] })).toEqual([
      'tasks[0].rt_priority: expected rt_priority 1..99 with SCHED_RR (sched_setscheduler refuses 100 with EINVAL)',
    ]);
    expect(resolved({ tasks: [taskSpec({ name: 'b', policy: 'SCHED_BATCH', rtPriority: 5 })] })).toEqual([
      'tasks[0].rt_priority: expected rt_priority 0 with SCHED_BATCH (only SCHED_FIFO/SCHED_RR take a priority; sched_setscheduler refuses it with EINVAL)',
    ]);
    expect(resolved({ tasks: [taskSpec({ name: 'rt', policy: 'SCHED_RR', rtPriority: 50 })] })).toEqual([]);
  });

  it('refuses a negative or fractional seed and a relative recorded path', () => {
    expect(resolved({ seed: -1 })).toEqual(['seed: expected a whole number from 0 to 4294967295, got -1']);
    expect(resolved({ seed: 1.5 })).toEqual(['seed: expected a whole number from 0 to 4294967295, got 1.5']);
    expect(resolved({ record: ['proc/pressure/cpu'] })).toEqual(['record[0]: expected an absolute virtual file path like /proc/pressure/cpu, got "proc/pressure/cpu"']);
  });
});
