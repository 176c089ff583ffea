import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src-sim/scenario/load';
import { issuesOf, lines } from './helpers';

const noKernel = { kernelChecks: false } as const;
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const MiB = 2 ** 20;

function task(body: string): string {
  return `duration: 10s\ntasks:\n  - ${body}\n`;
}

/** The same on a machine with one disk (a fio job on a regular file needs one to hold it). */
function taskOnDisk(body: string): string {
  return `${task(body)}machine:\n  devices:\n    - { name: sdb, type: ssd, size: 1G, major: 8, minor: 16 }\n`;
}

describe('task keys', () => {
  it('resolve policy, priority, oom_score_adj, start and EEVDF slice', () => {
    const s = loadScenario(
      'duration: 10s\ntasks:\n  - { name: rt, policy: SCHED_FIFO, rt_priority: 50, run: { type: cpu } }\n  - { name: late, oom_score_adj: -500, start: 2s, slice: 3ms, count: 3, run: { type: cpu } }\n',
      't.yaml',
      noKernel,
    );
    expect(s.tasks[0]).toMatchObject({ policy: 'SCHED_FIFO', rtPriority: 50 });
    expect(s.tasks[1]).toMatchObject({ oomScoreAdj: -500, startNs: 2e9, sliceNs: 3e6, count: 3 });
  });

  it('refuse what sched_setscheduler refuses: an RT policy without priority, a priority without RT', () => {
    expect(lines(issuesOf(task('{ name: a, policy: SCHED_RR, run: { type: cpu } }'), 't.yaml', noKernel))).toEqual([
      't.yaml:3:24: tasks[0].policy: expected rt_priority 1..99 with SCHED_RR (sched_setscheduler refuses 0 with EINVAL)',
    ]);
    expect(lines(issuesOf(task('{ name: a, rt_priority: 5, run: { type: cpu } }'), 't.yaml', noKernel))).toEqual([
      't.yaml:3:29: tasks[0].rt_priority: expected rt_priority 0 with SCHED_OTHER (only SCHED_FIFO/SCHED_RR take a priority; sched_setscheduler refuses it with EINVAL)',
    ]);
  });

  it('keep a custom slice within the 0.1–100 ms that __setparam_fair clamps to', () => {
    expect(lines(issuesOf(task('{ name: a, slice: 50us, run: { type: cpu } }'), 't.yaml', noKernel))).toEqual([
      't.yaml:3:23: tasks[0].slice: expected a slice from 100us to 100ms (the range sched_setattr clamps sched_runtime to), got 50us',
    ]);
  });

  it('refuse duplicate task names and nice outside -20..19', () => {
    const text = 'duration: 1s\ntasks:\n  - { name: a, run: { type: cpu } }\n  - { name: a, nice: -21, run: { type: cpu } }\n';
    expect(lines(issuesOf(text, 't.yaml', noKernel))).toEqual(['t.yaml:4:22: tasks[1].nice: expected an integer from -20 to 19, got -21']);
    const dup = 'duration: 1s\ntasks:\n  - { name: a, run: { type: cpu } }\n  - { name: a, run: { type: cpu } }\n';
    expect(lines(issuesOf(dup, 't.yaml', noKernel))).toEqual(['t.yaml:4:13: tasks[1].name: expected a unique task name, got "a" (also tasks[0])']);
  });

  it('keep processes out of inner v2 groups whose children have controllers (EBUSY in the kernel)', () => {
    const text = 'duration: 1s\ncgroups:\n  /web/front: { cpu.weight: 200 }\ntasks:\n  - { name: a, cgroup: /web, run: { type: cpu } }\n';
    expect(lines(issuesOf(text, 't.yaml', noKernel))).toEqual([
      't.yaml:5:24: tasks[0].cgroup: expected a leaf group: /web has child /web/front with controllers enabled, and cgroup v2 keeps processes out of such inner groups (the kernel refuses the cgroup.procs write with EBUSY)',
    ]);
  });

  it('an empty affinity is refused, as sched_setaffinity refuses an empty mask', () => {
    expect(lines(issuesOf(task('{ name: a, cpus: "", run: { type: cpu } }'), 't.yaml', noKernel))).toEqual([
      't.yaml:3:22: tasks[0].cpus: expected at least one CPU (sched_setaffinity refuses an empty mask with EINVAL), got ""',
    ]);
  });
});

describe('workloads', () => {
  it('alloc, workingset, read and write resolve with their defaults', () => {
    const text = [
      'duration: 10s',
      'files: [{ path: /data/log, size: 1G }]',
      'tasks:',
      '  - { name: a, run: { type: alloc, size: 512M, step: 16M, every: 10ms, touch: random, then: loop } }',
      '  - { name: w, run: { type: workingset, size: 2G, pattern: zipf, theta: 0.9, rate: 200000/s } }',
      '  - { name: r, run: { type: read, file: /data/log, bs: 1M } }',
      '  - { name: x, run: { type: write, file: /data/log, size: 64M, fsync: 8M, direct: true } }',
      '',
    ].join('\n');
    const s = loadScenario(text, 'w.yaml', noKernel);
    expect(s.files).toEqual([{ path: '/data/log', sizeBytes: 1024 * MiB, device: null }]);
    expect(s.tasks.map((t) => t.run)).toEqual([
      { type: 'alloc', sizeBytes: 512 * MiB, stepBytes: 16 * MiB, everyNs: 10e6, touch: 'random', then: 'loop' },
      { type: 'workingset', sizeBytes: 2048 * MiB, pattern: 'zipf', theta: 0.9, ratePerSec: 200000 },
      { type: 'read', file: '/data/log', sizeBytes: 1024 * MiB, bs: MiB, pattern: 'sequential', direct: false, fsyncEveryBytes: 0, loop: false },
      { type: 'write', file: '/data/log', sizeBytes: 64 * MiB, bs: 4096, pattern: 'sequential', direct: true, fsyncEveryBytes: 8 * MiB, loop: false },
    ]);
  });

  it('refuse a read of an undeclared file and unaligned O_DIRECT', () => {
    const text = [
      'duration: 10s',
      'files: [{ path: /data/log, size: 1G }]',
      'tasks:',
      '  - { name: r, run: { type: read, file: /data/lgo } }',
      '  - { name: d, run: { type: read, file: /data/log, bs: 1000, direct: true } }',
      '',
    ].join('\n');
    expect(lines(issuesOf(text, 'w.yaml', noKernel))).toEqual([
      'w.yaml:4:41: tasks[0].run.file: expected a file declared under files (/data/log), got "/data/lgo"',
      'w.yaml:5:56: tasks[1].run.bs: expected a multiple of the 512-byte logical block size with direct: true (O_DIRECT I/O gets EINVAL otherwise), got 1000',
    ]);
  });

  it('a fio job path is resolved against the scenario folder and read through the host callback', () => {
    const scenarioFile = path.join(repoRoot, 'test', 'fio-scenario.yaml');
    const asked: string[] = [];
    const readFile = (p: string): string => {
      asked.push(p);
      return readFileSync(p, 'utf8');
    };
    const s = loadScenario(taskOnDisk('{ name: f, run: { type: fio, job: fixtures/data/fio-examples/fio-rand-read.fio } }'), scenarioFile, {
      ...noKernel,
      readFile,
    });
    const expectedPath = path.resolve(repoRoot, 'test/fixtures/data/fio-examples/fio-rand-read.fio');
    expect(asked).toEqual([expectedPath]);
    expect(s.tasks[0]!.run).toEqual({ type: 'fio', jobPath: 'fixtures/data/fio-examples/fio-rand-read.fio', jobText: readFileSync(expectedPath, 'utf8') });
  });

  it('an unreadable fio job file is an issue at its path', () => {
    const readFile = (p: string): string => {
      throw new Error(`ENOENT: no such file or directory, open '${p}'`);
    };
    expect(lines(issuesOf(task('{ name: f, run: { type: fio, job: jobs/x.fio } }'), '/lab/s.yaml', { ...noKernel, readFile }))).toEqual([
      `/lab/s.yaml:3:39: tasks[0].run.job: expected a readable fio job file, but reading "/lab/jobs/x.fio" failed: ENOENT: no such file or directory, open '/lab/jobs/x.fio'`,
    ]);
  });

  it('a job fio would refuse is bad input at the job path, or at the inline option', () => {
    const readFile = (): string => '[a]\nrw=randread\nfoo=bar\n';
    const [fromFile] = issuesOf(task('{ name: f, run: { type: fio, job: jobs/x.fio } }'), 's.yaml', { ...noKernel, readFile });
    expect(`${fromFile!.line}:${fromFile!.col} ${fromFile!.path}`).toBe('3:39 tasks[0].run.job');
    expect(fromFile!.message).toMatch(/^expected a job fio accepts: jobs\/x\.fio:3: /);
    const [inline, ...rest] = issuesOf(task('{ name: f, run: { type: fio, options: { rw: randread, foo: bar } } }'), 's.yaml', noKernel);
    expect(rest).toEqual([]);
    expect(`${inline!.line}:${inline!.col} ${inline!.path}`).toBe('3:64 tasks[0].run.options.foo');
    expect(inline!.message).toMatch(/^expected a job fio accepts: f \(inline\):3: /);
  });

  it('inline fio options become a job file named after the task', () => {
    const s = loadScenario(taskOnDisk('{ name: f, run: { type: fio, options: { rw: randread, bs: 4k, iodepth: 32, time_based: true, direct: false } } }'), 'f.yaml', noKernel);
    expect(s.tasks[0]!.run).toEqual({ type: 'fio', jobPath: null, jobText: '[f]\nrw=randread\nbs=4k\niodepth=32\ntime_based=1\ndirect=0\n' });
  });
});

describe('values written to kernel files', () => {
  it('are the text as written, as echo writes it (0x100 stays 0x100, 1e3 stays 1e3)', () => {
    const yaml = 'duration: 1s\ncgroups:\n  /a: { memory.max: 0x100, cpu.weight: 1e3, cpu.idle: true }\nkernel:\n  sysctl: { vm.swappiness: 060 }\n';
    const s = loadScenario(yaml, 'e.yaml', noKernel);
    expect(s.cgroups[0]!.writes).toEqual([
      ['memory.max', '0x100'],
      ['cpu.weight', '1e3'],
      ['cpu.idle', 'true'],
    ]);
    expect(s.kernel.sysctl).toEqual([['vm.swappiness', '060']]);
    const json = '{"duration": "1s", "cgroups": {"/a": {"cpu.weight": 1e2}}, "timeline": [{"at": "0s", "write": {"/proc/sys/vm/dirty_ratio": 10.0}}]}';
    const j = loadScenario(json, 'e.json', noKernel);
    expect(j.cgroups[0]!.writes).toEqual([['cpu.weight', '1e2']]);
    expect(j.timeline).toEqual([{ atNs: 0, kind: 'write', path: '/proc/sys/vm/dirty_ratio', value: '10.0' }]);
  });

  it('a timeline entry holds exactly one action', () => {
    const text = 'duration: 10s\ntimeline:\n  - { at: 1s, unplug: sda, write: { /a: "1" } }\n  - { at: 2s }\n';
    expect(lines(issuesOf(text, 't.yaml', noKernel))).toEqual([
      't.yaml:3:5: timeline[0]: expected exactly one of write, plug, unplug, got write and unplug',
      't.yaml:4:5: timeline[1]: expected one of write, plug, unplug',
    ]);
  });
});

describe('templates', () => {
  it('x- keys hold YAML anchors that tasks merge with <<', () => {
    const text = 'duration: 1s\nx-hog: &hog { cgroup: /batch, run: { type: cpu } }\ntasks:\n  - { <<: *hog, name: a }\n  - { <<: *hog, name: b, nice: 5 }\n';
    const s = loadScenario(text, 'm.yaml', noKernel);
    expect(s.tasks.map((t) => [t.name, t.cgroup, t.nice, t.run.type])).toEqual([
      ['a', '/batch', 0, 'cpu'],
      ['b', '/batch', 5, 'cpu'],
    ]);
  });
});

describe('warnings', () => {
  it('a task in a group declared nowhere loads, with a warning and a did-you-mean', () => {
    const seen: string[] = [];
    const text = 'duration: 1s\ncgroups: { /batch: { cpu.weight: 100 } }\ntasks:\n  - { name: a, cgroup: /bacth, run: { type: cpu } }\n';
    const s = loadScenario(text, 'w.yaml', { ...noKernel, onWarning: (w) => seen.push(`${w.file}:${w.line}:${w.col}: ${w.path}: ${w.message}`) });
    expect(s.tasks[0]!.cgroup).toBe('/bacth');
    expect(seen).toEqual(['w.yaml:4:24: tasks[0].cgroup: /bacth is not declared under cgroups, so it is created with default settings (did you mean /batch?)']);
  });
});
