import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { baseScenario, flatMachine, taskSpec } from '../../../src-sim/scenario/defaults';
import { loadScenario } from '../../../src-sim/scenario/load';
import { toScenarioFile } from '../../../src-sim/scenario/to-file';
import type { RunSpec, Scenario, SchedPolicy, TaskSpec } from '../../../src-sim/scenario/types';

const noKernel = { kernelChecks: false } as const;
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const MiB = 2 ** 20;

const viaJson = (s: Scenario): Scenario => loadScenario(JSON.stringify(toScenarioFile(s)), 'saved.json', noKernel);
const viaYaml = (s: Scenario): Scenario => loadScenario(stringify(toScenarioFile(s)), 'saved.yaml', noKernel);

const ns = fc.integer({ min: 1, max: 10_000_000 }).map((x) => x * 1000);
const run: fc.Arbitrary<RunSpec> = fc.oneof(
  fc.constant<RunSpec>({ type: 'cpu' }),
  fc.tuple(ns, ns, fc.double({ min: 0, max: 1, noNaN: true })).map(([a, b, jitter]): RunSpec => ({ type: 'periodic', busyNs: Math.min(a, b), periodNs: Math.max(a, b), jitter })),
  fc
    .tuple(fc.integer({ min: 1, max: 4096 }), fc.integer({ min: 1, max: 64 }), fc.constantFrom('sequential', 'random'), fc.constantFrom('hold', 'free', 'loop'))
    .map(([pages, div, touch, then]): RunSpec => ({
      type: 'alloc',
      sizeBytes: pages * 4096,
      stepBytes: Math.max(1, Math.floor(pages / div)) * 4096,
      everyNs: div * 1000,
      touch: touch as 'sequential' | 'random',
      then: then as 'hold' | 'free' | 'loop',
    })),
  fc.tuple(fc.integer({ min: 1, max: 1 << 20 }), fc.double({ min: 0.01, max: 2, noNaN: true }), fc.integer({ min: 1, max: 1e7 })).map(
    ([pages, theta, rate]): RunSpec => ({ type: 'workingset', sizeBytes: pages * 4096, pattern: 'zipf', theta, ratePerSec: rate }),
  ),
  fc.constant<RunSpec>({ type: 'fio', jobPath: null, jobText: '[j]\nrw=randread\nbs=4k\nsize=16m\n' }),
);

/** A disk as the loader fills it in (model, serial defaults), so that generated scenarios round-trip. */
const FIO_DISK = loadScenario('duration: 1s\nmachine:\n  devices: [{ name: sdb, type: ssd, size: 1G, major: 8, minor: 16 }]\n', 'd.yaml', { kernelChecks: false }).machine.devices[0]!;

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    cpus: fc.integer({ min: 1, max: 16 }),
    memMiB: fc.integer({ min: 1, max: 65536 }),
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    runNo: fc.integer({ min: 0, max: 100 }),
    // ≤ 999,999 ms so that 1 ms samples stay within the million-sample cap.
    durationMs: fc.integer({ min: 1, max: 999_999 }),
    interval: fc.constantFrom(1e6, 10e6, 100e6),
    version: fc.constantFrom(1 as const, 2 as const),
    weights: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
    tasks: fc.array(
      fc.record({
        run,
        group: fc.constantFrom('/', '/a', '/b'),
        nice: fc.integer({ min: -20, max: 19 }),
        rt: fc.constantFrom<[SchedPolicy, number]>(['SCHED_OTHER', 0], ['SCHED_BATCH', 0], ['SCHED_IDLE', 0], ['SCHED_FIFO', 10], ['SCHED_RR', 99]),
        count: fc.integer({ min: 1, max: 8 }),
        oom: fc.integer({ min: -1000, max: 1000 }),
        start: fc.nat(1000),
        slice: fc.constantFrom(0, 100_000, 3_000_000, 100_000_000),
        affinity: fc.uniqueArray(fc.nat(15), { maxLength: 4 }),
      }),
      { maxLength: 5 },
    ),
    writes: fc.array(fc.tuple(fc.nat(1000), fc.string({ maxLength: 10 })), { maxLength: 4 }),
  })
  .map((g) => {
    const durationNs = g.durationMs * 1e6;
    const tasks: TaskSpec[] = g.tasks.map((t, i) =>
      taskSpec({
        name: `t${i}`,
        cgroup: t.group,
        cpus: t.affinity.filter((c) => c < g.cpus).sort((a, b) => a - b),
        nice: t.nice,
        policy: t.rt[0],
        rtPriority: t.rt[1],
        count: t.count,
        oomScoreAdj: t.oom,
        startNs: Math.floor((durationNs * t.start) / 1000),
        sliceNs: t.rt[1] === 0 ? t.slice : 0,
        run: t.run,
      }),
    );
    return baseScenario({
      name: 'generated',
      seed: g.seed,
      run: g.runNo,
      durationNs,
      sampleIntervalNs: g.interval,
      cgroupVersion: g.version,
      // a fio job on a regular file needs a disk to hold it (validation refuses it otherwise)
      machine: { ...flatMachine(g.cpus, g.memMiB * MiB), devices: tasks.some((t) => t.run.type === 'fio') ? [FIO_DISK] : [] },
      cgroups: g.weights.map((w, i) => ({ path: i === 0 ? '/a' : i === 1 ? '/b' : '/c', writes: [['cpu.weight', w]] as [string, string][] })),
      tasks,
      timeline: g.writes.map(([permille, value]) => ({ atNs: Math.floor((durationNs * permille) / 1000), kind: 'write' as const, path: '/sys/fs/cgroup/a/cpu.weight', value })),
    });
  });

describe('toScenarioFile writes a Scenario back in the file format', () => {
  it('load(toScenarioFile(s)) is s, through JSON and through YAML, for generated scenarios', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        expect(viaJson(s)).toEqual(s);
        expect(viaYaml(s)).toEqual(s);
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips every preset in resources/scenarios/ (fio jobs become inline text)', () => {
    const dir = path.join(repoRoot, 'resources/scenarios');
    const readFile = (p: string): string => readFileSync(p, 'utf8');
    for (const f of readdirSync(dir).filter((x) => /\.(ya?ml|json)$/.test(x))) {
      const full = path.join(dir, f);
      const s = loadScenario(readFileSync(full, 'utf8'), full, { ...noKernel, readFile });
      const expected = {
        ...s,
        tasks: s.tasks.map((t) => (t.run.type === 'fio' ? { ...t, run: { ...t.run, jobPath: null } } : t)),
      };
      expect(viaYaml(s), f).toEqual(expected);
    }
  });

  it('writes NUMA machines, swap and devices so that they load back', () => {
    const text = [
      'duration: 10s',
      'machine:',
      '  numa: { nodes: [{cpus: "0-1", memory: 2G}, {cpus: "2-3", memory: 6G}], distances: [[10,21],[21,10]] }',
      '  swap: { size: 2G, latency: 50us, bandwidth: 1G/s }',
      '  devices: [{ name: nvme0n1, type: nvme, size: 1T, major: 259, minor: 0, partitions: [100G], params: { nr_hw_queues: 8 }, bad_sectors: [{ start: 0, end: 7, op: read }] }]',
      'files: [{ path: /data/db, size: 1G, device: nvme0n1p1 }]',
      'tasks:',
      '  - { name: r, run: { type: read, file: /data/db, bs: 1M, mmap: true } }',
      '  - { name: w, run: { type: write, file: /data/db, fsync: 8M, direct: true, bs: 4K } }',
      'timeline:',
      '  - { at: 1s, plug: { name: sdb, type: usb, size: 32G, major: 8, minor: 16 } }',
      '  - { at: 2s, unplug: sdb }',
      '',
    ].join('\n');
    const s = loadScenario(text, 'n.yaml', noKernel);
    expect(viaYaml(s)).toEqual(s);
  });
});
