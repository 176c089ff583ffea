import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseScenario, flatMachine, taskSpec } from '../../../../src-sim/scenario/defaults';
import type { BlockDeviceSpec } from '../../../../src-sim/scenario/types';
import { Simulation } from '../../../../src-sim/simulation';
import { isBlockJob } from '../../../../src-sim/workload/fio/job';
import { parseFioJobFile } from '../../../../src-sim/workload/fio/parse';
import { diskSpec, GiB } from '../../kernel/block/harness';
import { EXAMPLES } from './parse.test';

interface DirJson { total_ios: number; iops: number; bw_bytes: number; clat_ns: { mean: number; percentile: Record<string, number> } }
interface JobJson { error: number | string; read: DirJson; write: DirJson; fsyncs: number; job_runtime: number }

function runFio(text: string, devices: BlockDeviceSpec[], durationNs: number, file = 'job.fio'): { sim: Simulation; job: (name: string) => JobJson } {
  const s = baseScenario({
    durationNs,
    machine: { ...flatMachine(4), devices },
    tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: file, jobText: text } })],
    record: ['/proc/diskstats'],
  });
  const sim = new Simulation(s);
  sim.runToEnd();
  return { sim, job: (name) => JSON.parse(sim.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${name}.json`)) as JobJson };
}

const NVME = diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259 });

describe('fio jobs on the block layer', () => {
  it('runs a psync QD1 random read at 1 / (device latency + syscall CPU) IOPS', () => {
    const { job } = runFio('[r]\nfilename=/dev/nvme0n1\nrw=randread\nbs=4k\ndirect=1\nioengine=psync\nruntime=200ms\ntime_based\n', [NVME], 250e6);
    const r = job('r').read;
    // 60 µs read + 4 KiB at 400 MB/s + 2 µs CPU per I/O ≈ 72 µs
    expect(r.iops).toBeGreaterThan(1e6 / 72.5 * 0.97);
    expect(r.iops).toBeLessThan(1e6 / 72.5 * 1.03);
    expect(r.clat_ns.mean / 1000).toBeCloseTo(70.24, 0);
  });

  it('holds rate_iops (linear and poisson) to the requested rate', () => {
    for (const proc of ['linear', 'poisson']) {
      const { job } = runFio(`[r]\nfilename=/dev/nvme0n1\nrw=randread\nioengine=libaio\niodepth=16\ndirect=1\nrate_iops=1000\nrate_process=${proc}\nruntime=2\ntime_based\n`, [NVME], 2.1e9);
      expect(job('r').read.iops).toBeGreaterThan(1000 * 0.95);
      expect(job('r').read.iops).toBeLessThan(1000 * 1.05);
    }
  });

  it('runs stonewalled jobs one after another and wait_for after its waitee', () => {
    const text = '[global]\nfilename=/dev/nvme0n1\nruntime=100ms\ntime_based\n[a]\nrw=read\n[b]\nstonewall\nrw=write\n[c]\nwait_for=b\nrw=randread\n';
    const { sim } = runFio(text, [NVME], 400e6);
    const forks = sim.kernel.log.entries;
    void forks;
    const ends = ['a', 'b', 'c'].map((n) => JSON.parse(sim.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${n}.json`)) as JobJson);
    expect(ends.map((e) => e.job_runtime)).toEqual([100, 100, 100]);
    const diskstat = sim.kernel.vfs.read('/proc/diskstats');
    expect(diskstat).toMatch(/nvme0n1 [1-9]/);
    expect(ends.every((e) => e.error === 0)).toBe(true);
  });

  it('shows the barrier cost: fsync=1 on a file commits the journal with a flush + FUA each time', () => {
    const ssd = diskSpec({ name: 'sda', type: 'ssd' });
    const base = '[w]\nfilename=data\nsize=64m\nrw=write\nbs=4k\ndirect=1\nioengine=psync\nruntime=500ms\ntime_based\n';
    const plain = runFio(base, [ssd], 600e6).job('w');
    const synced = runFio(`${base}fsync=1\n`, [ssd], 600e6);
    const s = synced.job('w');
    expect(s.fsyncs).toBeGreaterThan(50);
    // Each fsync: journal block + commit record with PREFLUSH, and (fua=0) a post-flush: 2 × 2 ms of flush.
    expect(s.write.iops).toBeLessThan(plain.write.iops / 20);
    const flushes = Number(synced.sim.kernel.vfs.read('/proc/diskstats').trim().split(/\s+/)[18]);
    expect(flushes).toBeGreaterThanOrEqual(2 * s.fsyncs);
  });

  it('waits for iodepth_batch_complete_min completions before running again', () => {
    const runs = (min: number): { iops: number; pcount: number } => {
      const { sim, job } = runFio(`[q]\nfilename=/dev/nvme0n1\nrw=randread\nioengine=io_uring\niodepth=32\niodepth_batch_complete_min=${min}\ndirect=1\nruntime=50ms\ntime_based\n`, [NVME], 60e6);
      const t = [...sim.kernel.tasks.values()].find((x) => x.name === 'q')!;
      return { iops: job('q').read.iops, pcount: t.pcount };
    };
    const one = runs(1);
    const eight = runs(8);
    expect(eight.pcount).toBeLessThan(one.pcount / 4);
    // Fewer I/Os stay in flight while the task waits for 8 and then spends 8 × 0.6 µs submitting, on a device not yet
    // saturated at QD32: throughput drops, but by far less than the wakeups.
    expect(eight.iops / one.iops).toBeGreaterThan(0.6);
  });

  it('reports a lost buffered write at the next fsync, not at write() (behaviour 49)', () => {
    const ssd = diskSpec({ name: 'sdb', type: 'ssd', minor: 16, badSectors: [{ start: 2048 + 262144 + 12000, end: 2048 + 262144 + 12007, op: 'write' }] });
    const text = (direct: number): string => `[w]\nfilename=data\nsize=16m\nrw=write\nbs=4k\ndirect=${direct}\nioengine=psync\nfsync=1024\n`;
    const buffered = runFio(text(0), [ssd], 2e9);
    const b = buffered.job('w');
    // The file starts after the 128 MiB journal; its failing 4 KiB block is page 1500, dirtied after the first fsync
    // (write 1024). write() only dirties the page cache and does not see it: all 2048 writes return, and the fsync
    // after write 2048, which writes the page back, returns EIO.
    expect(b.error).toBe('EIO');
    expect(b.fsyncs).toBe(2);
    expect(b.write.total_ios).toBe(2048);
    expect(buffered.sim.log.find((e) => e.kind === 'io_error' && String(e.message).includes('lost async page write'))).toBeDefined();
    const direct = runFio(text(1), [ssd], 2e9).job('w');
    // O_DIRECT sees the error on the write itself.
    expect(direct.error).toBe('EIO');
    expect(direct.write.total_ios).toBe(1500);
  });

  it('puts cgroup= jobs in their cgroup at their nice level', () => {
    const s = baseScenario({
      durationNs: 20e6,
      machine: { ...flatMachine(4), devices: [NVME] },
      tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: 'c.fio', jobText: '[a]\nfilename=/dev/nvme0n1\ncgroup=batch/fio\nnice=5\nruntime=10ms\ntime_based\n' } })],
    });
    const sim = new Simulation(s);
    sim.advance(5e6);
    const cg = sim.kernel.cgroups.get('/batch/fio')!;
    expect(cg.tasks.map((t) => [t.name, t.nice])).toEqual([['a', 5]]);
    expect(sim.kernel.vfs.read('/sys/fs/cgroup/batch/fio/io.stat')).toMatch(/^259:0 rbytes=[1-9]/);
  });

  it('is deterministic: same seed, same results; another seed, another random stream', () => {
    const text = '[m]\nfilename=/dev/sda\nrw=randrw\nrwmixread=70\nbssplit=4k/50:64k/50\nioengine=libaio\niodepth=8\ndirect=1\nruntime=200ms\ntime_based\n';
    const hdd = diskSpec({ name: 'sda', type: 'hdd' });
    const result = (seed: number): string => {
      const s = baseScenario({ seed, durationNs: 250e6, machine: { ...flatMachine(2), devices: [hdd] }, tasks: [taskSpec({ name: 'fio', run: { type: 'fio', jobPath: 'm.fio', jobText: text } })], record: ['/proc/diskstats'] });
      const sim = new Simulation(s);
      sim.runToEnd();
      return sim.kernel.vfs.read('/sys/kernel/debug/kernel-lab/fio/fio/m.json') + sim.kernel.vfs.read('/proc/diskstats');
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        expect(result(seed)).toBe(result(seed));
        expect(result(seed)).not.toBe(result(seed + 1));
      }),
      { numRuns: 4 },
    );
  });

  it('runs every example job file that describes block I/O', () => {
    const devices = [
      diskSpec({ name: 'sda', type: 'ssd', sizeBytes: 512 * GiB }),
      diskSpec({ name: 'sdb', type: 'ssd', minor: 16, sizeBytes: 512 * GiB, partitions: [100 * GiB] }),
      diskSpec({ name: 'nvme0n1', type: 'nvme', major: 259, minor: 0, sizeBytes: 512 * GiB }),
      diskSpec({ name: 'nvme3n1', type: 'nvme', major: 259, minor: 3, sizeBytes: 512 * GiB }),
      diskSpec({ name: 'fioa', type: 'virtio', major: 252, minor: 0, sizeBytes: 512 * GiB }),
    ];
    // Device placeholders a user must edit before running (fio itself fails on them): /dev/XXX, /dev/null, /dev/zero.
    const placeholder = /filename=\/dev\/(XXX|null|zero)/;
    let ran = 0;
    for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.fio'))) {
      const text = readFileSync(path.join(EXAMPLES, f), 'utf8');
      const parsed = parseFioJobFile(text, f);
      if (!parsed.jobs.some(isBlockJob) || placeholder.test(text)) continue;
      const { sim } = runFio(text, devices, 150e6, f);
      const ios = parsed.jobs.filter(isBlockJob).map((j) => {
        const r = JSON.parse(sim.kernel.vfs.read(`/sys/kernel/debug/kernel-lab/fio/fio/${j.name}.json`)) as JobJson;
        expect(r.error, `${f}:${j.name}`).toBe(0);
        return r.read.total_ios + r.write.total_ios;
      });
      expect(ios.reduce((a, b) => a + b, 0), f).toBeGreaterThan(0);
      ran++;
    }
    expect(ran).toBeGreaterThanOrEqual(25);
  });
});
