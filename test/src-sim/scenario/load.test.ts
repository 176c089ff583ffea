import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../src-sim/scenario/defaults';
import { ScenarioError } from '../../../src-sim/scenario/errors';
import { loadScenario, validateScenario } from '../../../src-sim/scenario/load';
import { ISSUE2_JSON, ISSUE2_YAML } from './example';
import { issuesOf, lines } from './helpers';

const GiB = 2 ** 30;
const noKernel = { kernelChecks: false } as const;

describe('the issue-2 example', () => {
  it('loads to the resolved values the format defines', () => {
    const s = loadScenario(ISSUE2_YAML, 'cpu-weights.yaml', noKernel);
    expect(s).toEqual(
      baseScenario({
        name: 'cpu-weights',
        durationNs: 10e9,
        sampleIntervalNs: 100e6,
        machine: flatMachine(4, 8 * GiB),
        kernel: { version: '6.18', scheduler: 'eevdf', sysctl: [['kernel.sched_rt_runtime_us', '950000']], hz: 1000 },
        cgroups: [
          { path: '/batch', writes: [['cpu.weight', '100']] },
          { path: '/web', writes: [['cpu.weight', '300'], ['cpu.max', '50000 100000']] },
        ],
        tasks: [
          taskSpec({ name: 'hog', cgroup: '/batch', cpus: [1] }),
          taskSpec({ name: 'tick', run: { type: 'periodic', busyNs: 2e6, periodNs: 10e6, jitter: 0 } }),
        ],
        timeline: [
          { atNs: 5e9, kind: 'write', path: '/sys/fs/cgroup/web/cpu.max', value: 'max 100000' },
          { atNs: 6e9, kind: 'write', path: '/sys/devices/system/cpu/cpu3/online', value: '0' },
        ],
      }),
    );
  });

  it('gives the same Scenario from JSON as from YAML', () => {
    expect(loadScenario(ISSUE2_JSON, 'cpu-weights.json', noKernel)).toEqual(loadScenario(ISSUE2_YAML, 'cpu-weights.yaml', noKernel));
  });

  it('decides JSON by content when the extension says nothing', () => {
    expect(loadScenario(ISSUE2_JSON, 'cpu-weights', noKernel)).toEqual(loadScenario(ISSUE2_YAML, 'cpu-weights', noKernel));
  });

  it('fills the defaults of a minimal file: seed 1, run 0, 100ms samples, cgroup v2, EEVDF, 4 CPUs, 8G', () => {
    const s = loadScenario('duration: 1s\n', 'minimal.yaml', noKernel);
    expect(s).toEqual(baseScenario({ name: 'minimal', durationNs: 1e9 }));
  });
});

describe('bad input: each class gives FILE:LINE:COL: path: what was expected', () => {
  it('an unknown key, at the key', () => {
    const text = 'duration: 1s\ntasks:\n  - name: a\n    nicee: 3\n    run: { type: cpu }\n';
    expect(lines(issuesOf(text, 'cpu.yaml', noKernel))).toEqual([
      'cpu.yaml:4:5: tasks[0].nicee: unknown key "nicee" (did you mean "nice"? allowed keys: name, cgroup, cpus, nice, policy, rt_priority, count, oom_score_adj, start, slice, mempolicy, run)',
    ]);
  });

  it('a wrong unit, at the value', () => {
    const text = [
      'duration: 10s',
      'tasks:',
      '  - name: hog',
      '    run: { type: cpu }',
      '  - name: tick',
      '    run:',
      '      type: periodic',
      '      period: 10ms',
      '      busy: 2 parsecs',
      '',
    ].join('\n');
    expect(lines(issuesOf(text, 'cpu.yaml', noKernel))).toEqual([
      'cpu.yaml:9:13: tasks[1].run.busy: expected a duration like 2ms (units ns, us, ms, s, m), got "2 parsecs"',
    ]);
  });

  it('a missing required key, at the mapping that lacks it', () => {
    expect(lines(issuesOf('name: x\n', 'a.yaml', noKernel))).toEqual([
      'a.yaml:1:1: duration: required: expected a duration like 2ms (units ns, us, ms, s, m)',
    ]);
  });

  it('an unknown run type lists the types there are', () => {
    const text = 'duration: 1s\ntasks:\n  - name: a\n    run: { type: spin }\n';
    expect(lines(issuesOf(text, 'a.yaml', noKernel))).toEqual([
      'a.yaml:4:18: tasks[0].run.type: expected one of cpu, periodic, alloc, workingset, wss-scanner, read, write, pktgen, stream, assoc, forward, send, netrecv, fio, got "spin"',
    ]);
  });

  it('an affinity naming a CPU the machine does not have', () => {
    const text = 'duration: 1s\nmachine: { cpus: 4 }\ntasks:\n  - name: hog\n    cpus: "2-5"\n    run: { type: cpu }\n';
    expect(lines(issuesOf(text, 'cpu.yaml', noKernel))).toEqual([
      'cpu.yaml:5:11: tasks[0].cpus: expected CPUs of this machine (0-3), got "2-5": CPU 4-5 does not exist',
    ]);
  });

  it('a bad cgroup file value gets the kernel’s error at the value', () => {
    const text = 'duration: 1s\ncgroups:\n  /web: { cgroup.procs: abc }\n';
    expect(lines(issuesOf(text, 'cpu.yaml'))).toEqual([
      'cpu.yaml:3:25: cgroups["/web"]["cgroup.procs"]: the kernel refuses "abc": Invalid argument (EINVAL): expected an integer, got "abc"',
    ]);
  });

  it('a write to a pid that does not exist gets ESRCH', () => {
    const text = 'duration: 1s\ncgroups:\n  /web:\n    cgroup.procs: 4242\n';
    expect(lines(issuesOf(text, 'cpu.yaml'))).toEqual([
      'cpu.yaml:4:19: cgroups["/web"]["cgroup.procs"]: the kernel refuses "4242": No such process (ESRCH): no task with pid 4242',
    ]);
  });

  it('a timeline write the kernel would refuse, at its value, with the kernel’s errno text', () => {
    const text = [
      'duration: 10s',
      'cgroups: { /web: {} }',
      'timeline:',
      '  - at: 5s',
      '    write: { /sys/fs/cgroup/web/cgroup.procs: "12x" }',
      '',
    ].join('\n');
    expect(lines(issuesOf(text, 'cpu.yaml'))).toEqual([
      'cpu.yaml:5:47: timeline[0].write["/sys/fs/cgroup/web/cgroup.procs"]: the kernel refuses "12x": Invalid argument (EINVAL): expected an integer, got "12x"',
    ]);
  });

  it('a timeline write to a file that does not exist: ENOENT at the path, listing what is there', () => {
    const text = 'duration: 10s\ncgroups: { /web: {} }\ntimeline:\n  - at: 1s\n    write: { /sys/fs/cgroup/web/cgroup.prox: "1" }\n';
    const [issue, ...rest] = issuesOf(text, 'cpu.yaml');
    expect(rest).toEqual([]);
    expect(`${issue!.line}:${issue!.col}`).toBe('5:14');
    expect(issue!.message).toMatch(
      /^no such file \/sys\/fs\/cgroup\/web\/cgroup\.prox: No such file or directory \(ENOENT\) \(did you mean cgroup\.procs\? \/sys\/fs\/cgroup\/web\/ has .*cgroup\.procs/,
    );
  });

  it('a timeline time after the end of the run', () => {
    const text = 'duration: 10s\ntimeline:\n  - at: 12s\n    write: { /proc/sys/vm/dirty_ratio: "10" }\n';
    expect(lines(issuesOf(text, 'cpu.yaml', noKernel))).toEqual([
      'cpu.yaml:3:9: timeline[0].at: expected a time within the duration (10s), got 12s',
    ]);
  });

  it('v1 places cgroup.procs under each controller hierarchy and checks writes there', () => {
    const text = 'duration: 1s\ncgroup_version: 1\ntimeline:\n  - at: 0s\n    write: { /sys/fs/cgroup/cpu/cgroup.procs: "x" }\n';
    expect(lines(issuesOf(text, 'v1.yaml'))).toEqual([
      'v1.yaml:5:47: timeline[0].write["/sys/fs/cgroup/cpu/cgroup.procs"]: the kernel refuses "x": Invalid argument (EINVAL): expected an integer, got "x"',
    ]);
  });

  it('reports every problem of a file at once, in file order', () => {
    const text = 'duration: 2 parsecs\nseed: -1\nbogus: 1\n';
    expect(lines(issuesOf(text, 'a.yaml', noKernel))).toEqual([
      'a.yaml:1:11: duration: expected a duration like 2ms (units ns, us, ms, s, m), got "2 parsecs"',
      'a.yaml:2:7: seed: expected an integer from 0 to 4294967295, got -1',
      'a.yaml:3:1: bogus: unknown key "bogus" (allowed keys: format, name, description, seed, run, duration, sample_interval, cgroup_version, machine, kernel, cgroups, files, tasks, timeline, record)',
    ]);
  });

  it('YAML and JSON syntax errors are placed too', () => {
    expect(lines(issuesOf('duration: [1s\n', 'a.yaml'))[0]).toMatch(/^a\.yaml:\d+:\d+: : invalid YAML: /);
    expect(lines(issuesOf('{\n  "duration": "1s",\n  "seed": }\n', 'a.json'))).toEqual([
      'a.json:3:11: : invalid JSON: expected a value (object, array, string, number, true, false or null), found "}"',
    ]);
    expect(lines(issuesOf('{"duration": "1s", "duration": "2s"}', 'a.json'))).toEqual(['a.json:1:20: : invalid JSON: duplicate key "duration"']);
  });

  it('YAML duplicate keys, several documents and an empty file say what is wrong', () => {
    expect(lines(issuesOf('duration: 1s\nseed: 1\nseed: 2\n', 'a.yaml'))).toEqual(['a.yaml:3:1: : invalid YAML: duplicate key "seed" (each key once per mapping)']);
    expect(lines(issuesOf('duration: 1s\n---\nseed: 2\n', 'a.yaml'))).toEqual(['a.yaml:2:1: : invalid YAML: a scenario file holds one document; remove the "---" separator']);
    expect(lines(issuesOf('', 'a.yaml'))).toEqual(['a.yaml:1:1: : expected a scenario mapping (at least "duration: 10s"), got an empty file']);
  });

  it('JSON issues carry LINE:COL like YAML ones', () => {
    const text = '{\n  "duration": "10s",\n  "tasks": [{ "name": "a", "nice": 40, "run": { "type": "cpu" } }]\n}\n';
    expect(lines(issuesOf(text, 'a.json', noKernel))).toEqual(['a.json:3:36: tasks[0].nice: expected an integer from -20 to 19, got 40']);
  });

  it('an already-parsed value gets the same checks, without positions', () => {
    try {
      validateScenario({ duration: '1s', sample_interval: 0 }, { fileName: 'form', kernelChecks: false });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      expect((e as Error).message).toBe('form: sample_interval: expected a duration > 0, got 0');
    }
  });
});

describe('nothing but ScenarioError is thrown for bad input', () => {
  it('holds for random edits of the example', () => {
    fc.assert(
      fc.property(
        fc.nat(ISSUE2_YAML.length),
        fc.nat(40),
        fc.string({ maxLength: 12, unit: fc.constantFrom(...' :-{}[],"\'#\n\tx1sGm/.'.split('')) }),
        (at, cut, insert) => {
          const text = ISSUE2_YAML.slice(0, at) + insert + ISSUE2_YAML.slice(at + cut);
          try {
            loadScenario(text, 'fuzz.yaml', noKernel);
          } catch (e) {
            if (!(e instanceof ScenarioError)) throw e;
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('holds for random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        try {
          loadScenario(JSON.stringify(v), 'fuzz.json', noKernel);
        } catch (e) {
          if (!(e instanceof ScenarioError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('cgroup values and timeline writes checked by the scheduler’s files', () => {
  it('cpu.weight 0 is ERANGE and a malformed cpu.max is EINVAL, at their values', () => {
    const text = [
      'duration: 10s',
      'cgroups:',
      '  /batch: { cpu.weight: 0 }',
      '  /web:   { cpu.weight: 300, cpu.max: "50000 x" }',
      'timeline:',
      '  - at: 5s',
      '    write: { /sys/fs/cgroup/web/cpu.weight: "10001" }',
      '',
    ].join('\n');
    const issues = issuesOf(text, 'cpu.yaml');
    expect(issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual([
      '3:25 cgroups["/batch"]["cpu.weight"]',
      '4:39 cgroups["/web"]["cpu.max"]',
      '7:45 timeline[0].write["/sys/fs/cgroup/web/cpu.weight"]',
    ]);
    expect(issues[0]!.message).toMatch(/^the kernel refuses "0": Numerical result out of range \(ERANGE\)/);
    expect(issues[1]!.message).toMatch(/^the kernel refuses "50000 x": Invalid argument \(EINVAL\)/);
    expect(issues[2]!.message).toMatch(/^the kernel refuses "10001": Numerical result out of range \(ERANGE\)/);
  });

  it('the issue-2 example passes every check of this build’s kernel', () => {
    expect(issuesOf(ISSUE2_YAML, 'cpu-weights.yaml')).toEqual([]);
  });

  it('a refused CPU hot-plug write on the timeline', () => {
    const text = 'duration: 10s\nmachine: { cpus: 4 }\ntimeline:\n  - at: 6s\n    write: { /sys/devices/system/cpu/cpu3/online: "2" }\n';
    const [issue, ...rest] = issuesOf(text, 'cpu.yaml');
    expect(rest).toEqual([]);
    expect(`${issue!.line}:${issue!.col}`).toBe('5:51');
    expect(issue!.message).toMatch(/^the kernel refuses "2": Invalid argument \(EINVAL\)/);
  });
});

describe('sampling', () => {
  it('refuses more than a million samples per series', () => {
    expect(lines(issuesOf('duration: 60s\nsample_interval: 1us\n', 's.yaml', noKernel))).toEqual([
      's.yaml:2:18: sample_interval: expected at most 1000000 samples per series, got 60000001 (duration 1m / sample_interval 1us)',
    ]);
  });
});

describe('keys that are special in JavaScript', () => {
  it('"__proto__" is an unknown key like any other, in JSON and YAML', () => {
    expect(lines(issuesOf('{"duration": "1s", "__proto__": {"seed": 5}}', 'p.json', noKernel))).toEqual([
      expect.stringMatching(/^p\.json:1:20: __proto__: unknown key "__proto__"/),
    ]);
    expect(lines(issuesOf('duration: 1s\n__proto__: { seed: 5 }\n', 'p.yaml', noKernel))).toEqual([
      expect.stringMatching(/^p\.yaml:2:1: __proto__: unknown key "__proto__"/),
    ]);
  });
});

describe('values refused by the memory, io and writeback files', () => {
  it('memory.max -1 and a non-numeric memory.high get EINVAL; an out-of-range sysctl gets the kernel’s error', () => {
    const text = [
      'duration: 1s',
      'machine: { cpus: 2, memory: 1G }',
      'cgroups:',
      '  /a: { memory.max: -1, memory.high: abc }',
      'kernel:',
      '  sysctl: { vm.dirty_ratio: 101 }',
      '',
    ].join('\n');
    const issues = issuesOf(text, 'm.yaml');
    expect(issues.map((i) => `${i.line}:${i.col} ${i.path}`)).toEqual([
      '4:21 cgroups["/a"]["memory.max"]',
      '4:38 cgroups["/a"]["memory.high"]',
      '6:29 kernel.sysctl["vm.dirty_ratio"]',
    ]);
    expect(issues[0]!.message).toMatch(/^the kernel refuses "-1": Invalid argument \(EINVAL\)/);
    expect(issues[1]!.message).toMatch(/^the kernel refuses "abc": Invalid argument \(EINVAL\)/);
    expect(issues[2]!.message).toMatch(/^the kernel refuses "101": Invalid argument \(EINVAL\)/);
  });

  it('an unknown sysctl is ENOENT at its name', () => {
    const [issue, ...rest] = issuesOf('duration: 1s\nkernel:\n  sysctl: { vm.dirty_ratioo: 10 }\n', 'm.yaml');
    expect(rest).toEqual([]);
    expect(`${issue!.line}:${issue!.col} ${issue!.path}`).toBe('3:13 kernel.sysctl["vm.dirty_ratioo"]');
    expect(issue!.message).toMatch(/^no such file \/proc\/sys\/vm\/dirty_ratioo: No such file or directory \(ENOENT\) \(did you mean dirty_ratio\? \/proc\/sys\/vm\/ has .*dirty_ratio/);
  });
});
